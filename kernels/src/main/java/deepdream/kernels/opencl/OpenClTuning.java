package deepdream.kernels.opencl;

/**
 * Tile sizes of the convolution GEMM and work sizes of the other kernels, chosen per device.
 *
 * @param tm         output rows (channels) per work-item register tile
 * @param tn         output columns (pixels) per work-item register tile
 * @param wgM        work-group height (rows of work-items)
 * @param wgN        work-group width (columns of work-items)
 * @param tk         depth of the K slice staged in local memory (only with useLocal)
 * @param useLocal   stage A and B tiles in local memory: a GPU win, overhead on CPU runtimes
 * @param granule    1-D kernels round their global size up to this multiple
 * @param reduceItems work-items (and so partial sums) of a reduction
 */
public record OpenClTuning(int tm, int tn, int wgM, int wgN, int tk, boolean useLocal, int granule, int reduceItems) {
    public OpenClTuning {
        if (tm < 1 || tn < 1 || wgM < 1 || wgN < 1 || tk < 1 || granule < 1 || reduceItems < 1)
            throw new IllegalArgumentException("invalid OpenCL tuning " + this);
    }

    /** GPUs: 16×16 work-groups of 4×4 register tiles (64×64 output tiles), 16-deep local slices. */
    public static OpenClTuning gpu() { return new OpenClTuning(4, 4, 16, 16, 16, true, 64, 16384); }

    /**
     * CPU runtimes (PoCL, Intel): no local memory (caches do that job); work-items vectorise across
     * columns. 8×8 register tiles in 1×16 groups, measured on PoCL (bench 224×224, ms per step):
     * 4×4 1043, 4×4 in 1×64 1296, 8×4 1045, 4×8 938, 8×8 808, 8×16 992, 16×8 1022, 8×8 in 1×32 830,
     * 8×8 in 2×16 1099.
     */
    public static OpenClTuning cpu() { return new OpenClTuning(8, 8, 1, 16, 1, false, 64, 1024); }

    /** Picks the tuning for a device, shrinking the GPU tiles to what the device allows. */
    public static OpenClTuning forDevice(OpenClDevices.Device d) {
        if (d.type() == OpenClDevices.Type.CPU) return cpu();
        OpenClTuning t = gpu();
        long localBytes = (long) t.tk * (t.wgM * t.tm + t.wgN * t.tn) * 4;
        if (d.maxWorkGroupSize() >= (long) t.wgM * t.wgN && d.localMemBytes() >= localBytes) return t;
        // Small devices (some embedded GPUs allow 64 or 128 work-items): 8×8 groups, 8-deep slices.
        if (d.maxWorkGroupSize() >= 64 && d.localMemBytes() >= 8L * (8 * 4 + 8 * 4) * 4)
            return new OpenClTuning(4, 4, 8, 8, 8, true, 64, 8192);
        return new OpenClTuning(4, 4, 1, 1, 1, false, 1, 1024);
    }

    /**
     * The tilings {@code bench --backend opencl} tries on a device (its default first), each within
     * the device's work-group and local-memory limits. Every one of them is also run by the PoCL
     * tests against the reference backend (OpenClTuningCandidatesTest).
     */
    public static java.util.List<OpenClTuning> candidates(OpenClDevices.Device d) {
        java.util.List<OpenClTuning> all = new java.util.ArrayList<>();
        all.add(forDevice(d));
        if (d.type() == OpenClDevices.Type.CPU) {
            all.add(new OpenClTuning(4, 8, 1, 16, 1, false, 64, 1024));
            all.add(new OpenClTuning(8, 8, 1, 32, 1, false, 64, 1024));
            all.add(new OpenClTuning(8, 16, 1, 16, 1, false, 64, 1024));
            all.add(new OpenClTuning(4, 4, 1, 16, 1, false, 64, 1024));
        } else {
            all.add(new OpenClTuning(4, 4, 16, 16, 16, true, 64, 16384));
            all.add(new OpenClTuning(8, 4, 16, 16, 8, true, 64, 16384));
            all.add(new OpenClTuning(4, 8, 16, 16, 8, true, 64, 16384));
            all.add(new OpenClTuning(8, 8, 8, 8, 8, true, 64, 16384));
            all.add(new OpenClTuning(4, 4, 8, 8, 8, true, 64, 8192));
            all.add(new OpenClTuning(2, 2, 16, 16, 16, true, 64, 16384));
            all.add(new OpenClTuning(4, 4, 16, 16, 1, false, 64, 16384));
        }
        java.util.List<OpenClTuning> fit = new java.util.ArrayList<>();
        for (OpenClTuning t : all) if (t.fits(d) && !fit.contains(t)) fit.add(t);
        return fit;
    }

    /** Whether the device can run this tiling: work-group size and local memory. */
    boolean fits(OpenClDevices.Device d) {
        long localBytes = useLocal ? (long) tk * (wgM * tm + wgN * tn) * 4 : 0;
        return (long) wgM * wgN <= d.maxWorkGroupSize() && localBytes <= d.localMemBytes();
    }

    /** "8x8 tiles in 1x16 groups, no local memory": what a person reads in bench's table. */
    public String describeTiles() {
        return tm + "x" + tn + " tiles in " + wgM + "x" + wgN + " groups, " + (useLocal ? "local memory K=" + tk : "no local memory");
    }

    /** The form the tuning cache stores: the eight fields, comma-separated. */
    String encode() { return tm + "," + tn + "," + wgM + "," + wgN + "," + tk + "," + useLocal + "," + granule + "," + reduceItems; }

    /** {@link #encode}'s inverse; null for anything else (a damaged or older cache line is ignored, not trusted). */
    static OpenClTuning parse(String s) {
        try {
            String[] f = s.trim().split(",");
            if (f.length != 8 || !(f[5].equals("true") || f[5].equals("false"))) return null;
            return new OpenClTuning(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), Boolean.parseBoolean(f[5]), Integer.parseInt(f[6]), Integer.parseInt(f[7]));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The -D options the convolution program is built with. */
    String convOptions(boolean backward) {
        return "-DTM=" + tm + " -DTN=" + tn + " -DWGM=" + wgM + " -DWGN=" + wgN + " -DTK=" + tk
                + " -DUSE_LOCAL=" + (useLocal ? 1 : 0) + " -DBACKWARD=" + (backward ? 1 : 0);
    }
}
