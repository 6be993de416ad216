// Caffe LRN across channels: scale = k + alpha/size * sum of a^2 over the channel window
// [c - size/2, c + size/2] (zero outside), b = a * scale^-beta. Index i runs over N x C x plane.

inline float lrn_scale(__global const float* x, int s, int c, int p, int C, int plane,
                       int size, float alphaOverSize, float k) {
    int reach = size / 2;
    int lo = max(c - reach, 0), hi = min(c + reach, C - 1);
    float sum = 0.0f;
    for (int cc = lo; cc <= hi; cc++) {
        float v = x[(s * C + cc) * plane + p];
        sum += v * v;
    }
    return k + alphaOverSize * sum;
}

__kernel void lrn(__global const float* x, __global float* y, int C, int plane,
                  int size, float alphaOverSize, float beta, float k, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int s = i / (C * plane), r = i - s * C * plane;
    int c = r / plane, p = r - c * plane;
    y[i] = x[i] * pow(lrn_scale(x, s, c, p, C, plane, size, alphaOverSize, k), -beta);
}

// Pass 1 of the gradient: ratio = dy * b / scale at every element.
__kernel void lrn_ratio(__global const float* x, __global const float* y, __global const float* dy,
                        __global float* ratio, int C, int plane, int size, float alphaOverSize, float k, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int s = i / (C * plane), r = i - s * C * plane;
    int c = r / plane, p = r - c * plane;
    ratio[i] = dy[i] * y[i] / lrn_scale(x, s, c, p, C, plane, size, alphaOverSize, k);
}

// Pass 2: dx = dy * scale^-beta - 2*alpha*beta/size * a * sum over the window of ratio.
__kernel void lrn_backward(__global const float* x, __global const float* dy, __global const float* ratio,
                           __global float* dx, int C, int plane, int size, float alphaOverSize,
                           float beta, float k, int n) {
    int i = get_global_id(0);
    if (i >= n) return;
    int s = i / (C * plane), r = i - s * C * plane;
    int c = r / plane, p = r - c * plane;
    int reach = size / 2;
    int lo = max(c - reach, 0), hi = min(c + reach, C - 1);
    float acc = 0.0f;
    for (int cc = lo; cc <= hi; cc++) acc += ratio[(s * C + cc) * plane + p];
    float scale = lrn_scale(x, s, c, p, C, plane, size, alphaOverSize, k);
    dx[i] = dy[i] * pow(scale, -beta) - 2.0f * alphaOverSize * beta * x[i] * acc;
}
