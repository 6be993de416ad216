package deepdream.engine;

/** Caffe convolution geometry. Output size rounds down: (in + 2·pad − kernel) / stride + 1. */
public record ConvSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int groups) {
    public ConvSpec {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0 || groups < 1)
            throw new IllegalArgumentException("invalid convolution geometry: " + this);
    }

    public static ConvSpec square(int kernel, int stride, int pad) {
        return new ConvSpec(kernel, kernel, stride, stride, pad, pad, 1);
    }

    public ConvSpec withGroups(int g) { return new ConvSpec(kernelH, kernelW, strideH, strideW, padH, padW, g); }

    public int outH(int inH) { return outSize("height", inH, kernelH, strideH, padH); }
    public int outW(int inW) { return outSize("width", inW, kernelW, strideW, padW); }

    /** Multiply-adds per output element per input channel of its group (kernel area). */
    public boolean isPointwise() { return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0; }

    private static int outSize(String what, int in, int k, int s, int p) {
        int span = in + 2 * p - k;
        if (span < 0)
            throw new IllegalArgumentException("convolution kernel " + k + " is larger than the padded input " + what + " " + (in + 2 * p));
        return span / s + 1;
    }
}
