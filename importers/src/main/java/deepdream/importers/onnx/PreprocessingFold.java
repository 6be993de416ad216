package deepdream.importers.onnx;

import deepdream.engine.model.HostBlob;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.NetDef;
import deepdream.engine.model.Preprocessing;

import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a net whose input is (pixel·scale − mean)/std in RGB into one taking Caffe's BGR pixel −
 * mean/scale, by scaling and reordering the input channels of every convolution that reads the
 * image. Exact, padding included: a padded zero of the Caffe-style input is the same point as a
 * padded zero of the normalised one. The dream and visualize algorithms take Caffe's form only.
 */
final class PreprocessingFold {
    private PreprocessingFold() {}

    /** The folded net, or the net unchanged when it is Caffe-style already or the image feeds anything but ungrouped convolutions. */
    static NetDef toCaffeStyle(NetDef def) {
        Preprocessing p = def.preprocessing();
        if (p.isCaffeStyle()) return def;
        int c = def.inputShape()[1];
        if (p.mean().length != c) return def;
        for (LayerDef l : def.layers())
            if (l.bottoms().contains(def.inputBlob())
                    && !(l.spec() instanceof LayerSpec.Convolution conv && conv.geometry().groups() == 1)) return def;
        boolean reverse = p.channelOrder() == Preprocessing.ChannelOrder.RGB;
        float[] mean = p.mean(), std = p.std();
        float[] meanBgr = new float[c];
        for (int i = 0; i < c; i++) meanBgr[reverse ? c - 1 - i : i] = mean[i] / p.scale();
        List<LayerDef> layers = new ArrayList<>();
        for (LayerDef l : def.layers()) {
            if (!l.bottoms().contains(def.inputBlob())) {
                layers.add(l);
                continue;
            }
            HostBlob w = l.blobs().get(0);
            int out = w.shape()[0], hw = w.shape()[2] * w.shape()[3];
            float[] nw = new float[w.data().length];
            for (int o = 0; o < out; o++)
                for (int i = 0; i < c; i++) {
                    // Caffe-style channel j = (reversed) model channel i; x_i = (scale/std_i)·(pixel − mean_i/scale).
                    int j = reverse ? c - 1 - i : i;
                    float f = p.scale() / std[i];
                    for (int k = 0; k < hw; k++) nw[(o * c + j) * hw + k] = w.data()[(o * c + i) * hw + k] * f;
                }
            List<HostBlob> blobs = new ArrayList<>(l.blobs());
            blobs.set(0, new HostBlob(w.shape(), nw));
            layers.add(new LayerDef(l.name(), l.spec(), l.bottoms(), l.top(), blobs));
        }
        return new NetDef(def.name(), def.inputBlob(), def.inputShape(), layers, Preprocessing.caffe(meanBgr, p.height(), p.width()));
    }
}
