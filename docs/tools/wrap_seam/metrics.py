import cv2, numpy as np, sys
def grey(p): return cv2.cvtColor(cv2.imread(p), cv2.COLOR_BGR2GRAY).astype(np.float64)
def coldiff(g):  # d[j] = mean |g[:,j+1]-g[:,j]|, j=0..W-2 ; seam = |g[:,0]-g[:,W-1]|
    return np.abs(np.diff(g, axis=1)).mean(0), np.abs(g[:, 0] - g[:, -1]).mean()
def stats(out, inp=None, turned=None):
    g = grey(out); W = g.shape[1]; d, s = coldiff(g)
    r = dict(seam=s, mean=d.mean(), p50=np.percentile(d, 50), p90=np.percentile(d, 90), p95=np.percentile(d, 95), max=d.max(), rank=(d < s).mean() * 100)
    # local: the 20 pairs around the seam (10 each side)
    r['local'] = np.concatenate([d[:10], d[-10:]]).mean()
    if turned is not None:
        t = np.roll(grey(turned), -(W // 2), axis=1)   # back to the panorama's columns
        r['turned'] = np.abs(t[:, 0] - t[:, -1]).mean()
        dt, _ = coldiff(t); r['tlocal'] = np.concatenate([dt[:10], dt[-10:]]).mean()
        r['vs_t_seamband'] = np.abs(g - t)[:, np.r_[0:8, W-8:W]].mean(); r['vs_t_mid'] = np.abs(g - t)[:, W//4:3*W//4].mean()
    if inp is not None:
        i = grey(inp); ch = np.abs(g - i).mean(0)
        r['edgechg'] = np.concatenate([ch[:8], ch[-8:]]).mean(); r['inchg'] = ch[8:-8].mean()
    return r
if __name__ == '__main__':
    r = stats(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != '-' else None, sys.argv[3] if len(sys.argv) > 3 else None)
    print(' '.join(f'{k}={v:.2f}' for k, v in r.items()))
