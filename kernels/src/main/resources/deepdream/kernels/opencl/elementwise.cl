// Element-wise kernels. Global sizes are rounded up to a multiple of the work-group granule, so
// every kernel checks its index against the element count n.

__kernel void fill(__global float* t, float v, int n) {
    int i = get_global_id(0);
    if (i < n) t[i] = v;
}

__kernel void axpy(float a, __global const float* x, __global float* y, int n) {
    int i = get_global_id(0);
    if (i < n) y[i] += a * x[i];
}

__kernel void add(__global const float* a, __global const float* b, __global float* y, int n) {
    int i = get_global_id(0);
    if (i < n) y[i] = a[i] + b[i];
}

__kernel void scale(__global float* x, float a, int n) {
    int i = get_global_id(0);
    if (i < n) x[i] *= a;
}

__kernel void relu(__global const float* x, __global float* y, int n) {
    int i = get_global_id(0);
    if (i < n) y[i] = fmax(x[i], 0.0f);
}

// dx = dy where x > 0; dx may alias dy, so no restrict qualifiers.
__kernel void relu_backward(__global const float* x, __global const float* dy, __global float* dx, int n) {
    int i = get_global_id(0);
    if (i < n) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}

__kernel void leaky_relu(__global const float* x, float alpha, __global float* y, int n) {
    int i = get_global_id(0);
    if (i < n) y[i] = x[i] > 0.0f ? x[i] : alpha * x[i];
}

// dx may alias dy, so no restrict qualifiers.
__kernel void leaky_relu_backward(__global const float* x, float alpha, __global const float* dy, __global float* dx, int n) {
    int i = get_global_id(0);
    if (i < n) dx[i] = x[i] > 0.0f ? dy[i] : alpha * dy[i];
}

__kernel void clip(__global const float* x, float lo, float hi, __global float* y, int n) {
    int i = get_global_id(0);
    if (i < n) y[i] = fmin(fmax(x[i], lo), hi);
}

// The gradient passes strictly inside (lo, hi), as PyTorch's hardtanh backward.
__kernel void clip_backward(__global const float* x, float lo, float hi, __global const float* dy, __global float* dx, int n) {
    int i = get_global_id(0);
    if (i < n) dx[i] = x[i] > lo && x[i] < hi ? dy[i] : 0.0f;
}

// Index i runs over N x plane; channel c of every sample.
__kernel void fill_channel(__global float* t, int plane, int C, int c, float v, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int s = i / plane, p = i - s * plane;
    t[(s * C + c) * plane + p] = v;
}

__kernel void clamp_channel(__global float* t, int plane, int C, int c, float lo, float hi, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int s = i / plane, p = i - s * plane;
    int at = (s * C + c) * plane + p;
    t[at] = fmin(fmax(t[at], lo), hi);
}

// dst[.., (y+sy) mod H, (x+sx) mod W] = src[.., y, x]; sy, sx already reduced to [0, H) and [0, W).
// Gather form: each destination pixel reads its source, so writes never collide.
__kernel void roll(__global const float* src, __global float* dst, int H, int W, int sy, int sx, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int plane = H * W;
    int q = i / plane, p = i - q * plane;
    int y = p / W, x = p - y * W;
    int fy = y - sy; if (fy < 0) fy += H;
    int fx = x - sx; if (fx < 0) fx += W;
    dst[i] = src[q * plane + fy * W + fx];
}

// Concat forward and backward: count channels per sample, from channel srcOff of src (Csrc
// channels) to channel dstOff of dst (Cdst channels). Index i runs over N x count x plane.
__kernel void copy_channels(__global const float* src, int Csrc, int srcOff,
                            __global float* dst, int Cdst, int dstOff,
                            int count, int plane, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int per = count * plane;
    int s = i / per, r = i - s * per;
    int c = r / plane, p = r - c * plane;
    dst[(s * Cdst + dstOff + c) * plane + p] = src[(s * Csrc + srcOff + c) * plane + p];
}
