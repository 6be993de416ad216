package deepdream.engine;

/**
 * Caffe pooling geometry. Output size rounds up: ceil((in + 2·pad − kernel) / stride) + 1, minus one
 * when padding is used and the last window would start inside the padding.
 *
 * <p>Windows: max pooling clips the window to the input; average pooling divides by the window
 * clipped to the <em>padded</em> input (so padded zeros count) — both exactly as Caffe does.
 */
public record PoolSpec(Method method, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
    public enum Method { MAX, AVE }

    public PoolSpec {
        if (method == null || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0)
            throw new IllegalArgumentException("invalid pooling geometry: " + method + " k" + kernelH + "x" + kernelW
                    + " s" + strideH + "x" + strideW + " p" + padH + "x" + padW);
        if (padH >= kernelH || padW >= kernelW)
            throw new IllegalArgumentException("pooling pad must be smaller than the kernel (Caffe's rule): pad "
                    + padH + "x" + padW + ", kernel " + kernelH + "x" + kernelW);
    }

    public static PoolSpec max(int kernel, int stride, int pad) { return new PoolSpec(Method.MAX, kernel, kernel, stride, stride, pad, pad); }
    public static PoolSpec ave(int kernel, int stride, int pad) { return new PoolSpec(Method.AVE, kernel, kernel, stride, stride, pad, pad); }

    public int outH(int inH) { return outSize(inH, kernelH, strideH, padH, padW > 0 || padH > 0); }
    public int outW(int inW) { return outSize(inW, kernelW, strideW, padW, padW > 0 || padH > 0); }

    private static int outSize(int in, int k, int s, int p, boolean padded) {
        if (in + 2 * p < k)
            throw new IllegalArgumentException("pooling kernel " + k + " is larger than the padded input " + (in + 2 * p));
        int out = (int) Math.ceil((double) (in + 2 * p - k) / s) + 1;
        // Caffe: make sure the last pooling window starts strictly inside the image (plus left padding).
        if (padded && (out - 1) * s >= in + p) out--;
        return out;
    }
}
