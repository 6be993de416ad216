// Pooling (PoolSpec); the output size (floor, ceil or Caffe's rounding) is computed on the host.
// PH, PW are the top and left pads; PB, PR the bottom and right ones, which only matter to the
// divisor of average pooling when padding counts (INCLUDE_PAD). Index i runs over the
// output (forward) or the input (backward: a gather over the windows containing each input, so
// no two work-items write the same element and no float atomics are needed).

// Max window: clipped to the input. Returns the flat index (within the plane) of the FIRST
// maximum in row-major order (strict '>'), exactly like Caffe.
inline int argmax_window(__global const float* plane, int H, int W, int oh, int ow,
                         int KH, int KW, int SH, int SW, int PH, int PW) {
    int hs = oh * SH - PH, ws = ow * SW - PW;
    int he = min(hs + KH, H), we = min(ws + KW, W);
    hs = max(hs, 0); ws = max(ws, 0);
    int best = hs * W + ws;
    float bv = plane[best];
    for (int h = hs; h < he; h++)
        for (int w = ws; w < we; w++) {
            float v = plane[h * W + w];
            if (v > bv) { bv = v; best = h * W + w; }
        }
    return best;
}

__kernel void max_pool(__global const float* x, __global float* y, int H, int W, int OH, int OW,
                       int KH, int KW, int SH, int SW, int PH, int PW, int PB, int PR, int includePad, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int q = i / (OH * OW), r = i - q * (OH * OW);
    int oh = r / OW, ow = r - oh * OW;
    // Without padding, ceil mode can leave the last window entirely outside the input (e.g. kernel 1,
    // stride 2, even size); such a window pools nothing and yields 0, as in the reference backend.
    if (oh * SH - PH >= H || ow * SW - PW >= W) { y[i] = 0.0f; return; }
    __global const float* plane = x + q * H * W;
    y[i] = plane[argmax_window(plane, H, W, oh, ow, KH, KW, SH, SW, PH, PW)];
}

// Average's divisor: the window clipped to the PADDED input when padding counts (Caffe, ONNX
// count_include_pad=1), else the window clipped to the input (the pixels summed).
inline int pool_divisor(int hs, int ws, int H, int W, int KH, int KW, int PB, int PR, int includePad) {
    if (includePad) return (min(hs + KH, H + PB) - hs) * (min(ws + KW, W + PR) - ws);
    return max(0, min(hs + KH, H) - max(hs, 0)) * max(0, min(ws + KW, W) - max(ws, 0));
}

// Average: the sum runs over the window clipped to the input.
__kernel void ave_pool(__global const float* x, __global float* y, int H, int W, int OH, int OW,
                       int KH, int KW, int SH, int SW, int PH, int PW, int PB, int PR, int includePad, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int q = i / (OH * OW), r = i - q * (OH * OW);
    int oh = r / OW, ow = r - oh * OW;
    int hs = oh * SH - PH, ws = ow * SW - PW;
    int count = pool_divisor(hs, ws, H, W, KH, KW, PB, PR, includePad);
    int he = min(hs + KH, H), we = min(ws + KW, W);
    hs = max(hs, 0); ws = max(ws, 0);
    if (hs >= he || ws >= we) { y[i] = 0.0f; return; }   // empty window (see max_pool)
    __global const float* plane = x + q * H * W;
    float s = 0.0f;
    for (int h = hs; h < he; h++)
        for (int w = ws; w < we; w++) s += plane[h * W + w];
    y[i] = s / count;
}

// Output rows whose window [oh*S - P, oh*S - P + K) contains input row ih.
#define WINDOW_RANGE(ih, K, S, P, OUT, lo, hi) \
    int lo = (ih + P < K) ? 0 : (ih + P - K) / S + 1; \
    int hi = min((ih + P) / S + 1, OUT);

__kernel void max_pool_backward(__global const float* x, __global const float* dy, __global float* dx,
                                int H, int W, int OH, int OW,
                                int KH, int KW, int SH, int SW, int PH, int PW, int PB, int PR, int includePad, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int q = i / (H * W), r = i - q * (H * W);
    int ih = r / W, iw = r - ih * W;
    WINDOW_RANGE(ih, KH, SH, PH, OH, ohs, ohe)
    WINDOW_RANGE(iw, KW, SW, PW, OW, ows, owe)
    __global const float* plane = x + q * H * W;
    __global const float* g = dy + q * OH * OW;
    float s = 0.0f;
    for (int oh = ohs; oh < ohe; oh++)
        for (int ow = ows; ow < owe; ow++)
            if (argmax_window(plane, H, W, oh, ow, KH, KW, SH, SW, PH, PW) == r) s += g[oh * OW + ow];
    dx[i] = s;
}

__kernel void ave_pool_backward(__global const float* dy, __global float* dx,
                                int H, int W, int OH, int OW,
                                int KH, int KW, int SH, int SW, int PH, int PW, int PB, int PR, int includePad, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int q = i / (H * W), r = i - q * (H * W);
    int ih = r / W, iw = r - ih * W;
    WINDOW_RANGE(ih, KH, SH, PH, OH, ohs, ohe)
    WINDOW_RANGE(iw, KW, SW, PW, OW, ows, owe)
    __global const float* g = dy + q * OH * OW;
    float s = 0.0f;
    for (int oh = ohs; oh < ohe; oh++)
        for (int ow = ows; ow < owe; ow++) {
            int hs = oh * SH - PH, ws = ow * SW - PW;
            int count = pool_divisor(hs, ws, H, W, KH, KW, PB, PR, includePad);
            if (count > 0) s += g[oh * OW + ow] / count;
        }
    dx[i] = s;
}
