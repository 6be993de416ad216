package deepdream.engine;

/**
 * Pooling geometry and semantics: kernel, stride, padding on each side, how the output size rounds,
 * and whether average pooling counts padded positions in its divisor.
 *
 * <p>Output size: (in + padBefore + padAfter − kernel) / stride + 1, rounded down ({@link Rounding#FLOOR})
 * or up ({@link Rounding#CEIL}, {@link Rounding#CAFFE}); rounding up, a last window that would start
 * inside the trailing padding or beyond is dropped — always for CEIL (ONNX, PyTorch), only when the
 * layer is padded for CAFFE (Caffe's rule, so an unpadded Caffe pool with stride &gt; kernel keeps an
 * empty last window, which yields 0).
 *
 * <p>Windows: max pooling clips the window to the input. Average pooling sums the window clipped to
 * the input and divides by the window clipped to the <em>padded</em> input when
 * {@code countIncludePad} (Caffe, ONNX count_include_pad=1), else by the number of input pixels summed.
 */
public record PoolSpec(Method method, int kernelH, int kernelW, int strideH, int strideW,
                       int padTop, int padLeft, int padBottom, int padRight, Rounding rounding, boolean countIncludePad) {
    public enum Method { MAX, AVE }

    public enum Rounding { FLOOR, CEIL, CAFFE }

    public PoolSpec {
        if (method == null || rounding == null || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1
                || padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0)
            throw new IllegalArgumentException("invalid pooling geometry: " + method + " k" + kernelH + "x" + kernelW
                    + " s" + strideH + "x" + strideW + " pads " + padTop + "," + padLeft + "," + padBottom + "," + padRight);
        if (Math.max(padTop, padBottom) >= kernelH || Math.max(padLeft, padRight) >= kernelW)
            throw new IllegalArgumentException("pooling pad must be smaller than the kernel: pads " + padTop + "," + padLeft + ","
                    + padBottom + "," + padRight + ", kernel " + kernelH + "x" + kernelW);
    }

    /** Caffe's pooling: symmetric pads, ceil-mode output size, padded zeros counted by average pooling. */
    public PoolSpec(Method method, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        this(method, kernelH, kernelW, strideH, strideW, padH, padW, padH, padW, Rounding.CAFFE, true);
    }

    public static PoolSpec max(int kernel, int stride, int pad) { return new PoolSpec(Method.MAX, kernel, kernel, stride, stride, pad, pad); }
    public static PoolSpec ave(int kernel, int stride, int pad) { return new PoolSpec(Method.AVE, kernel, kernel, stride, stride, pad, pad); }

    public int outH(int inH) { return outSize(inH, kernelH, strideH, padTop, padBottom); }
    public int outW(int inW) { return outSize(inW, kernelW, strideW, padLeft, padRight); }

    private boolean padded() { return padTop > 0 || padLeft > 0 || padBottom > 0 || padRight > 0; }

    private int outSize(int in, int k, int s, int before, int after) {
        int span = in + before + after - k;
        if (span < 0)
            throw new IllegalArgumentException("pooling kernel " + k + " is larger than the padded input " + (in + before + after));
        if (rounding == Rounding.FLOOR) return span / s + 1;
        int out = (span + s - 1) / s + 1;
        // The last window must start inside the image or its leading padding.
        if ((rounding == Rounding.CEIL || padded()) && (out - 1) * s >= in + before) out--;
        return out;
    }
}
