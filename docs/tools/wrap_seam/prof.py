import cv2, numpy as np, glob, sys
def grey(p): return cv2.cvtColor(cv2.imread(p), cv2.COLOR_BGR2GRAY).astype(np.float64)
for tag in sys.argv[1:]:
    acc = []
    for w in sorted(glob.glob(f'{tag}-o*-w.png')):
        g = grey(w); W = g.shape[1]; t = np.roll(grey(w.replace('-w.png', '-wt.png')), -(W // 2), axis=1)
        dg = np.abs(np.roll(g, -1, axis=1) - g).mean(0); dt = np.abs(np.roll(t, -1, axis=1) - t).mean(0)  # pair (j, j+1 mod W); seam = j=W-1
        acc.append(np.roll(dg - dt, 8)[:17])   # pairs j = W-8 .. 8
    a = np.array(acc); print(tag, len(a), 'excess by pair (seam at index 7):', ' '.join(f'{v:+.2f}' for v in a.mean(0)))
