// Convolution as an implicit GEMM (no im2col buffer), forward and backward-data from one source.
//
// Per sample n and group g the convolution is out[r][col] = sum_k A[r][k] * B[k][col]:
//   forward (BACKWARD == 0): r = output channel of the group, col = output pixel,
//                            k = (input channel, kh, kw); A = weights, B = the im2col view of x.
//   backward (BACKWARD == 1): r = input channel of the group, col = input pixel,
//                            k = (output channel, kh, kw); A = weights transposed, B = the
//                            "col2im" view of dy (zero where the stride skips this pixel).
// B is never materialised: loadB computes each element from the tensor on the fly.
//
// Each work-item owns a TM x TN register tile; rows r = rowBase + ty + i*WGM and columns
// col = colBase + tx + j*WGN, so neighbouring work-items touch neighbouring pixels (coalesced on
// GPUs, vectorisable across work-items on CPU runtimes). With USE_LOCAL the work-group first stages
// a TK-deep slice of A and B in local memory, so each global element is read once per work-group
// instead of once per work-item (the win on GPUs; CPUs have caches and prefer USE_LOCAL 0).
//
// Build options: -DTM -DTN -DWGM -DWGN -DTK -DUSE_LOCAL -DBACKWARD (chosen per device at run time).

#define BM (WGM * TM)
#define BN (WGN * TN)

typedef struct {
    int C, H, W;        // x (forward input / backward output)
    int M, OH, OW;      // y (forward output / backward input)
    int KH, KW, SH, SW, PH, PW, DH, DW, groups;   // PH, PW: top and left pads (the bottom/right ones only size OH, OW)
} Geom;

#if BACKWARD == 0
// rows = M/groups, cols = OH*OW, K = (C/groups)*KH*KW
inline float loadA(__global const float* w, const Geom* g, int grp, int r, int k) {
    int Cg = g->C / g->groups, Mg = g->M / g->groups;
    return w[(grp * Mg + r) * (Cg * g->KH * g->KW) + k];
}
inline float loadB(__global const float* in, const Geom* g, int n, int grp, int k, int col) {
    int khw = g->KH * g->KW, Cg = g->C / g->groups;
    int c = k / khw, rem = k - c * khw;
    int kh = rem / g->KW, kw = rem - kh * g->KW;
    int oh = col / g->OW, ow = col - oh * g->OW;
    int ih = oh * g->SH - g->PH + kh * g->DH, iw = ow * g->SW - g->PW + kw * g->DW;
    if (ih < 0 || ih >= g->H || iw < 0 || iw >= g->W) return 0.0f;
    return in[((n * g->C + grp * Cg + c) * g->H + ih) * g->W + iw];
}
#define ROWS(g) ((g).M / (g).groups)
#define COLS(g) ((g).OH * (g).OW)
#define KDIM(g) (((g).C / (g).groups) * (g).KH * (g).KW)
#define OUT_INDEX(g, n, grp, r, col) ((((n) * (g).M + (grp) * ((g).M / (g).groups) + (r)) * COLS(g)) + (col))
#else
// rows = C/groups, cols = H*W, K = (M/groups)*KH*KW
inline float loadA(__global const float* w, const Geom* g, int grp, int r, int k) {
    int khw = g->KH * g->KW, Cg = g->C / g->groups, Mg = g->M / g->groups;
    int m = k / khw, rem = k - m * khw;
    return w[((grp * Mg + m) * Cg + r) * khw + rem];
}
inline float loadB(__global const float* in, const Geom* g, int n, int grp, int k, int col) {
    int khw = g->KH * g->KW, Mg = g->M / g->groups;
    int m = k / khw, rem = k - m * khw;
    int kh = rem / g->KW, kw = rem - kh * g->KW;
    int ih = col / g->W, iw = col - ih * g->W;
    int th = ih + g->PH - kh * g->DH, tw = iw + g->PW - kw * g->DW;
    if (th < 0 || tw < 0) return 0.0f;
    int oh = th / g->SH, ow = tw / g->SW;
    if (oh * g->SH != th || ow * g->SW != tw || oh >= g->OH || ow >= g->OW) return 0.0f;
    return in[((n * g->M + grp * Mg + m) * g->OH + oh) * g->OW + ow];
}
#define ROWS(g) ((g).C / (g).groups)
#define COLS(g) ((g).H * (g).W)
#define KDIM(g) (((g).M / (g).groups) * (g).KH * (g).KW)
#define OUT_INDEX(g, n, grp, r, col) ((((n) * (g).C + (grp) * ((g).C / (g).groups) + (r)) * COLS(g)) + (col))
#endif

__kernel void conv_gemm(__global const float* in, __global const float* w,
                        __global const float* bias, int hasBias, __global float* out,
                        int C, int H, int W, int M, int OH, int OW,
                        int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW, int groups) {
    Geom g = {C, H, W, M, OH, OW, KH, KW, SH, SW, PH, PW, DH, DW, groups};
    const int rows = ROWS(g), cols = COLS(g), K = KDIM(g);
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int colBase = get_group_id(0) * BN, rowBase = get_group_id(1) * BM;
    const int n = get_global_id(2) / groups, grp = get_global_id(2) - n * groups;

    float acc[TM][TN];
    for (int i = 0; i < TM; i++)
        for (int j = 0; j < TN; j++) acc[i][j] = 0.0f;

#if USE_LOCAL
    __local float As[TK][BM];
    __local float Bs[TK][BN];
    const int tid = ty * WGN + tx;
    for (int k0 = 0; k0 < K; k0 += TK) {
        // k fastest for A: consecutive weights of one row are contiguous in forward mode.
        for (int e = tid; e < TK * BM; e += WGM * WGN) {
            int r = e / TK, kk = e - r * TK;
            int row = rowBase + r, k = k0 + kk;
            As[kk][r] = (row < rows && k < K) ? loadA(w, &g, grp, row, k) : 0.0f;
        }
        // column fastest for B: neighbouring pixels are contiguous in memory.
        for (int e = tid; e < TK * BN; e += WGM * WGN) {
            int kk = e / BN, c = e - kk * BN;
            int col = colBase + c, k = k0 + kk;
            Bs[kk][c] = (col < cols && k < K) ? loadB(in, &g, n, grp, k, col) : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int kk = 0; kk < TK; kk++) {
            float a[TM], b[TN];
            for (int i = 0; i < TM; i++) a[i] = As[kk][ty + i * WGM];
            for (int j = 0; j < TN; j++) b[j] = Bs[kk][tx + j * WGN];
            for (int i = 0; i < TM; i++)
                for (int j = 0; j < TN; j++) acc[i][j] += a[i] * b[j];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
#else
    // No integer division inside the k loop (it cost more than the multiply-adds, on CPU runtimes
    // and GPUs alike): each column's pixel is split once, and k walks (channel, kh, kw) by counting.
    // The same products are added in the same order as loadA/loadB would give.
    int py[TN], px[TN];
    bool live[TN];
    for (int j = 0; j < TN; j++) {
        int col = colBase + tx + j * WGN;
        live[j] = col < cols;
#if BACKWARD == 0
        int oh = col / g.OW, ow = col - oh * g.OW;
        py[j] = oh * g.SH - g.PH;   // input row of kernel row 0
        px[j] = ow * g.SW - g.PW;
#else
        int ih = col / g.W, iw = col - ih * g.W;
        py[j] = ih + g.PH;          // th = py - kh
        px[j] = iw + g.PW;
#endif
    }
    // OH == H and OW == W: no bottom/right padding either.
    const bool pointwise = g.KH == 1 && g.KW == 1 && g.SH == 1 && g.SW == 1 && g.PH == 0 && g.PW == 0 && g.OH == g.H && g.OW == g.W;
    if (pointwise) {
        // 1×1 convolutions (most of GoogLeNet): B is the input itself, k its channel; no bounds but the last columns.
#if BACKWARD == 0
        const int inC = g.C, inGrp = grp * (g.C / g.groups);
#else
        const int inC = g.M, inGrp = grp * (g.M / g.groups);
#endif
        __global const float* base = in + (n * inC + inGrp) * cols + colBase + tx;
        for (int k = 0; k < K; k++) {
            float a[TM], b[TN];
            for (int i = 0; i < TM; i++) {
                int row = rowBase + ty + i * WGM;
#if BACKWARD == 0
                a[i] = row < rows ? w[(grp * rows + row) * K + k] : 0.0f;
#else
                a[i] = row < rows ? w[(grp * (g.M / g.groups) + k) * rows + row] : 0.0f;
#endif
            }
            for (int j = 0; j < TN; j++) b[j] = live[j] ? base[k * cols + j * WGN] : 0.0f;
            for (int i = 0; i < TM; i++)
                for (int j = 0; j < TN; j++) acc[i][j] += a[i] * b[j];
        }
    } else {
    int ch = 0, kh = 0, kw = 0;
    for (int k = 0; k < K; k++) {
        float a[TM], b[TN];
        for (int i = 0; i < TM; i++) {
            int row = rowBase + ty + i * WGM;
#if BACKWARD == 0
            a[i] = row < rows ? w[(grp * rows + row) * K + k] : 0.0f;
#else
            // w[m][c][kh][kw] with m = ch (an output channel here), c = row
            a[i] = row < rows ? w[((grp * (g.M / g.groups) + ch) * rows + row) * (g.KH * g.KW) + kh * g.KW + kw] : 0.0f;
#endif
        }
        for (int j = 0; j < TN; j++) {
            float v = 0.0f;
#if BACKWARD == 0
            int ih = py[j] + kh * g.DH, iw = px[j] + kw * g.DW;
            if (live[j] && ih >= 0 && ih < g.H && iw >= 0 && iw < g.W)
                v = in[((n * g.C + grp * (g.C / g.groups) + ch) * g.H + ih) * g.W + iw];
#else
            int th = py[j] - kh * g.DH, tw = px[j] - kw * g.DW;
            if (live[j] && th >= 0 && tw >= 0) {
                int oh = th, ow = tw;
                bool hit = true;
                if (g.SH != 1 || g.SW != 1) {
                    oh = th / g.SH; ow = tw / g.SW;
                    hit = oh * g.SH == th && ow * g.SW == tw;
                }
                if (hit && oh < g.OH && ow < g.OW) v = in[((n * g.M + grp * (g.M / g.groups) + ch) * g.OH + oh) * g.OW + ow];
            }
#endif
            b[j] = v;
        }
        for (int i = 0; i < TM; i++)
            for (int j = 0; j < TN; j++) acc[i][j] += a[i] * b[j];
        if (++kw == g.KW) { kw = 0; if (++kh == g.KH) { kh = 0; ch++; } }
    }
    }
#endif

    for (int i = 0; i < TM; i++) {
        int row = rowBase + ty + i * WGM;
        if (row >= rows) continue;
#if BACKWARD == 0
        float bv = hasBias ? bias[grp * rows + row] : 0.0f;
#else
        float bv = 0.0f;
#endif
        for (int j = 0; j < TN; j++) {
            int col = colBase + tx + j * WGN;
            if (col < cols) out[OUT_INDEX(g, n, grp, row, col)] = acc[i][j] + bv;
        }
    }
}
