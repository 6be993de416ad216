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

__kernel void sigmoid(__global const float* x, __global float* y, int n) {
    int i = get_global_id(0);
    if (i < n) y[i] = 1.0f / (1.0f + exp(-x[i]));
}

// From the forward output y; dx may alias dy.
__kernel void sigmoid_backward(__global const float* y, __global const float* dy, __global float* dx, int n) {
    int i = get_global_id(0);
    if (i < n) dx[i] = dy[i] * (y[i] * (1.0f - y[i]));
}

// op: Arithmetic's ordinal (0 add, 1 sub, 2 mul, 3 div); cf: the constant is the left operand.
// The constant element is c[(i / inner) % count] (Arithmetic.broadcast).
__kernel void arithmetic(__global const float* x, __global const float* c, int inner, int count, int op, int cf,
                         __global float* y, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    float k = c[(i / inner) % count], a = cf ? k : x[i], b = cf ? x[i] : k;
    y[i] = op == 0 ? a + b : op == 1 ? a - b : op == 2 ? a * b : a / b;
}

__kernel void arithmetic_backward(__global const float* x, __global const float* c, int inner, int count, int op, int cf,
                                  __global const float* dy, __global float* dx, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    float k = c[(i / inner) % count], g = dy[i], v = x[i];
    dx[i] = op == 0 ? g : op == 1 ? (cf ? -g : g) : op == 2 ? g * k : cf ? -(g * k / (v * v)) : g / k;
}

// PadSpec.source: the input coordinate output o copies, -1 for the constant (mode 0 constant, 1 reflect, 2 edge).
inline int pad_source(int o, int n, int before, int mode) {
    int s = o - before;
    if (s >= 0 && s < n) return s;
    if (mode == 0) return -1;
    if (mode == 2) return s < 0 ? 0 : n - 1;
    return s < 0 ? -s : 2 * (n - 1) - s;
}

// One work item per output element of N*C planes of oh x ow.
__kernel void pad(__global const float* x, __global float* y, int h, int w, int oh, int ow, int top, int left, int mode, float value, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int q = i % ow, r = (i / ow) % oh, p = i / (ow * oh);
    int sr = pad_source(r, h, top, mode), sq = pad_source(q, w, left, mode);
    y[i] = sr < 0 || sq < 0 ? value : x[(p * h + sr) * w + sq];
}

// The output ranges [lo, hi) along one axis that copy input coordinate s: itself, and for reflect
// and edge the mirrored or repeated positions in the pads. Returns how many ranges.
inline int pad_sources(int s, int n, int before, int after, int mode, int* lo, int* hi) {
    int k = 0;
    lo[k] = s + before; hi[k++] = s + before + 1;
    if (mode == 2) {
        if (s == 0 && before > 0) { lo[k] = 0; hi[k++] = before; }
        if (s == n - 1 && after > 0) { lo[k] = n + before; hi[k++] = n + before + after; }
    } else if (mode == 1) {
        if (s >= 1 && s <= before) { lo[k] = before - s; hi[k++] = before - s + 1; }
        if (s <= n - 2 && s >= n - 1 - after) { lo[k] = before + 2 * (n - 1) - s; hi[k++] = before + 2 * (n - 1) - s + 1; }
    }
    return k;
}

// One work item per input element: gathers the outputs that copy it (no atomics).
__kernel void pad_backward(__global const float* dy, __global float* dx, int h, int w, int oh, int ow,
                           int top, int left, int bottom, int right, int mode, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int q = i % w, r = (i / w) % h, p = i / (w * h);
    int rlo[3], rhi[3], qlo[3], qhi[3];
    int nr = pad_sources(r, h, top, bottom, mode, rlo, rhi), nq = pad_sources(q, w, left, right, mode, qlo, qhi);
    float sum = 0.0f;
    for (int a = 0; a < nr; a++)
        for (int rr = rlo[a]; rr < rhi[a]; rr++)
            for (int b = 0; b < nq; b++)
                for (int qq = qlo[b]; qq < qhi[b]; qq++) sum += dy[(p * oh + rr) * ow + qq];
    dx[i] = sum;
}
