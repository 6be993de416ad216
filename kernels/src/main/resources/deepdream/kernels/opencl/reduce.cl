// Reductions: each of the G work-items sums a strided share of the elements with Kahan
// compensation and writes one partial; the host adds the G partials in double. No local memory
// or barriers, so the same code suits every device; G (a few thousand) keeps the read-back tiny.

#define KAHAN_ADD(sum, comp, v) { float y_ = (v) - comp; float t_ = sum + y_; comp = (t_ - sum) - y_; sum = t_; }

__kernel void sum_squares(__global const float* x, int n, __global float* partial) {
    int g = get_global_id(0), G = get_global_size(0);
    float s = 0.0f, c = 0.0f;
    for (int i = g; i < n; i += G) { float v = x[i]; KAHAN_ADD(s, c, v * v); }
    partial[g] = s;
}

__kernel void sum_abs(__global const float* x, int n, __global float* partial) {
    int g = get_global_id(0), G = get_global_size(0);
    float s = 0.0f, c = 0.0f;
    for (int i = g; i < n; i += G) KAHAN_ADD(s, c, fabs(x[i]));
    partial[g] = s;
}

__kernel void dot_product(__global const float* a, __global const float* b, int n, __global float* partial) {
    int g = get_global_id(0), G = get_global_size(0);
    float s = 0.0f, c = 0.0f;
    for (int i = g; i < n; i += G) KAHAN_ADD(s, c, a[i] * b[i]);
    partial[g] = s;
}

// Channel c of every sample: element i of the N x plane range maps to (s, c, p).
__kernel void sum_channel(__global const float* x, int plane, int C, int ch, int n, __global float* partial) {
    int g = get_global_id(0), G = get_global_size(0);
    float s = 0.0f, c = 0.0f;
    for (int i = g; i < n; i += G) {
        int q = i / plane, p = i - q * plane;
        KAHAN_ADD(s, c, x[(q * C + ch) * plane + p]);
    }
    partial[g] = s;
}
