import java.nio.file.*;
public class LoadTimes {
    public static void main(String[] a) throws Exception {
        long t0 = System.nanoTime();
        var img = deepdream.cli.io.ImageFiles.read(Path.of("/tmp/p1024.jpg"), Long.MAX_VALUE);
        long t1 = System.nanoTime();
        var arch = deepdream.importers.caffe.CaffeImporter.defaultArchitecture();
        long t2 = System.nanoTime();
        var w = deepdream.importers.caffe.CaffeFiles.readCaffemodel(Path.of(System.getenv("DEEPDREAM_WEIGHTS")));
        long t3 = System.nanoTime();
        var def = deepdream.importers.caffe.CaffeImporter.build(arch, "p", w, "w", deepdream.importers.caffe.CaffeImporter.imagenetMeanBgr());
        long t4 = System.nanoTime();
        var b = new deepdream.kernels.cpu.CpuBackend();
        var net = deepdream.engine.model.Net.build(def, b);
        long t5 = System.nanoTime();
        System.out.printf("jvm-start-to-main %.0f ms (uptime), image %.0f, prototxt %.0f, caffemodel parse %.0f, build NetDef %.0f, Net.build %.0f ms%n",
            (double) java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(), (t1-t0)/1e6, (t2-t1)/1e6, (t3-t2)/1e6, (t4-t3)/1e6, (t5-t4)/1e6);
    }
}
