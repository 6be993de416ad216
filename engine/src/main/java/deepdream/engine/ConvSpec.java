package deepdream.engine;

/**
 * Convolution geometry: kernel, stride, padding on each side, dilation, groups. Output size rounds
 * down: (in + padBefore + padAfter − dilation·(kernel − 1) − 1) / stride + 1. Caffe's convolutions
 * are the case of symmetric pads and dilation 1 ({@link #ConvSpec(int, int, int, int, int, int, int)});
 * ONNX's {@code pads} may differ per side.
 */
public record ConvSpec(int kernelH, int kernelW, int strideH, int strideW,
                       int padTop, int padLeft, int padBottom, int padRight,
                       int dilationH, int dilationW, int groups) {
    public ConvSpec {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0
                || dilationH < 1 || dilationW < 1 || groups < 1)
            throw new IllegalArgumentException("invalid convolution geometry: " + this);
    }

    /** Caffe's geometry: the same pad on both sides of an axis, no dilation. */
    public ConvSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int groups) {
        this(kernelH, kernelW, strideH, strideW, padH, padW, padH, padW, 1, 1, groups);
    }

    public static ConvSpec square(int kernel, int stride, int pad) {
        return new ConvSpec(kernel, kernel, stride, stride, pad, pad, 1);
    }

    public ConvSpec withGroups(int g) {
        return new ConvSpec(kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, g);
    }

    /** Symmetric pads and no dilation: the geometry the cpu backend's fast kernels are written for. */
    public boolean isCaffeGeometry() {
        return padTop == padBottom && padLeft == padRight && dilationH == 1 && dilationW == 1;
    }

    public int outH(int inH) { return outSize("height", inH, kernelH, strideH, padTop + padBottom, dilationH); }
    public int outW(int inW) { return outSize("width", inW, kernelW, strideW, padLeft + padRight, dilationW); }

    private static int outSize(String what, int in, int k, int s, int pads, int d) {
        int extent = d * (k - 1) + 1, span = in + pads - extent;
        if (span < 0)
            throw new IllegalArgumentException("convolution kernel " + k + (d > 1 ? " (dilated to " + extent + ")" : "")
                    + " is larger than the padded input " + what + " " + (in + pads));
        return span / s + 1;
    }
}
