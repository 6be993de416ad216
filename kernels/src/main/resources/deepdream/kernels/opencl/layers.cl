// Softmax over channels and the inner product. Index conventions in each kernel.

// Index i runs over N x plane: one work-item per (n, h, w) column of C channels.
__kernel void softmax(__global const float* x, __global float* y, int C, int plane, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int s = i / plane, p = i - s * plane;
    __global const float* xs = x + s * C * plane + p;
    __global float* ys = y + s * C * plane + p;
    float m = xs[0];
    for (int c = 1; c < C; c++) m = fmax(m, xs[c * plane]);
    float sum = 0.0f;
    for (int c = 0; c < C; c++) { float e = exp(xs[c * plane] - m); ys[c * plane] = e; sum += e; }
    float inv = 1.0f / sum;
    for (int c = 0; c < C; c++) ys[c * plane] *= inv;
}

// dx = y * (dy - sum_c dy*y); dx may alias dy, so the dot is taken before any write.
__kernel void softmax_backward(__global const float* y, __global const float* dy, __global float* dx,
                               int C, int plane, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int s = i / plane, p = i - s * plane;
    int base = s * C * plane + p;
    float d = 0.0f;
    for (int c = 0; c < C; c++) d += dy[base + c * plane] * y[base + c * plane];
    for (int c = 0; c < C; c++) { int at = base + c * plane; dx[at] = y[at] * (dy[at] - d); }
}

// y[s][o] = sum_i w[o][i] * x[s][i] + bias[o]; index runs over N x out.
__kernel void inner_product(__global const float* x, __global const float* w, __global const float* bias,
                            int hasBias, __global float* y, int in, int out, int n) {
    int t = get_global_id(0);
    if (t >= n) return;
    int s = t / out, o = t - s * out;
    __global const float* xs = x + s * in;
    __global const float* wo = w + o * in;
    float acc = 0.0f;
    for (int i = 0; i < in; i++) acc += wo[i] * xs[i];
    y[t] = acc + (hasBias ? bias[o] : 0.0f);
}

// dx[s][i] = sum_o dy[s][o] * w[o][i]; index runs over N x in (neighbours read neighbouring weights).
__kernel void inner_product_backward(__global const float* dy, __global const float* w, __global float* dx,
                                     int in, int out, int n) {
    int t = get_global_id(0);
    if (t >= n) return;
    int s = t / in, i = t - s * in;
    __global const float* g = dy + s * out;
    float acc = 0.0f;
    for (int o = 0; o < out; o++) acc += g[o] * w[o * in + i];
    dx[t] = acc;
}
