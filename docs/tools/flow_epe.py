#!/usr/bin/python3
"""Flow accuracy and speed: deepdream's flow next to OpenCV's DIS (medium) and Farneback.

A measuring tool, not part of the project's runtime (Debian python3-opencv). It makes pairs with
known motion from real photos at 1024x768 -- sub-pixel translation, rotation + zoom, two regions
moving differently -- and prints the average end-point error (EPE, pixels) over the pixels that
have a correspondence, and the time per flow (wall; for ours also its thread's CPU time).

  /usr/bin/python3 docs/tools/flow_epe.py ../shared/images/eagle.jpg ../shared/images/dog.jpg \
      --ours './deepdream flow {a} {b} -o {out} --warmup 2'
"""
import argparse, os, re, subprocess, sys, tempfile, time
import numpy as np
import cv2

W, H = 1024, 768


def write_flo(path, f):
    with open(path, 'wb') as fh:
        fh.write(b'PIEH')
        np.array([f.shape[1], f.shape[0]], np.int32).tofile(fh)
        f.astype(np.float32).tofile(fh)


def read_flo(path):
    with open(path, 'rb') as fh:
        assert fh.read(4) == b'PIEH', path
        w, h = np.fromfile(fh, np.int32, 2)
        return np.fromfile(fh, np.float32, w * h * 2).reshape(h, w, 2)


def pairs(photo):
    p = cv2.resize(cv2.imread(photo), (W, H), interpolation=cv2.INTER_AREA)
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    inside = lambda fx, fy: (xs + fx >= 0) & (xs + fx <= W - 1) & (ys + fy >= 0) & (ys + fy <= H - 1)
    # 1. sub-pixel translation
    d = (2.37, -1.61)
    m = np.float32([[1, 0, d[0]], [0, 1, d[1]]])
    f2 = cv2.warpAffine(p, m, (W, H), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    gt = np.dstack([np.full((H, W), d[0], np.float32), np.full((H, W), d[1], np.float32)])
    yield 'translation', p, f2, gt, inside(gt[..., 0], gt[..., 1])
    # 2. rotation by 2 degrees and zoom 1.03 about the centre
    m = cv2.getRotationMatrix2D((W / 2, H / 2), 2.0, 1.03).astype(np.float32)
    f2 = cv2.warpAffine(p, m, (W, H), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    tx = m[0, 0] * xs + m[0, 1] * ys + m[0, 2]
    ty = m[1, 0] * xs + m[1, 1] * ys + m[1, 2]
    gt = np.dstack([tx - xs, ty - ys])
    yield 'rotation+zoom', p, f2, gt, inside(gt[..., 0], gt[..., 1])
    # 3. two regions: the background drifts, a central rectangle moves the other way
    dbg, dfg = (1.5, 0.8), (-5.2, 3.4)
    x0, x1, y0, y1 = W // 3, 2 * W // 3, H // 3, 2 * H // 3
    bg = cv2.warpAffine(p, np.float32([[1, 0, dbg[0]], [0, 1, dbg[1]]]), (W, H), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    fg = cv2.warpAffine(p, np.float32([[1, 0, dfg[0]], [0, 1, dfg[1]]]), (W, H), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    rect1 = (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)                                         # in frame 1
    rect2 = (xs - dfg[0] >= x0) & (xs - dfg[0] < x1) & (ys - dfg[1] >= y0) & (ys - dfg[1] < y1)     # its place in frame 2
    f2 = np.where(rect2[..., None], fg, bg)
    gt = np.dstack([np.where(rect1, dfg[0], dbg[0]), np.where(rect1, dfg[1], dbg[1])]).astype(np.float32)
    # background pixels of frame 1 that the rectangle covers in frame 2 have no correspondence
    tx, ty = xs + dbg[0], ys + dbg[1]
    covered = ~rect1 & (tx - dfg[0] >= x0) & (tx - dfg[0] < x1) & (ty - dfg[1] >= y0) & (ty - dfg[1] < y1)
    yield 'two regions', p, f2, gt, inside(gt[..., 0], gt[..., 1]) & ~covered


def epe(f, gt, mask):
    return float(np.sqrt(((f - gt) ** 2).sum(-1))[mask].mean())


def timed(fn, runs=3):
    fn()  # warm-up
    best = 1e9
    for _ in range(runs):
        t = time.perf_counter(); out = fn(); best = min(best, time.perf_counter() - t)
    return out, best * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('photos', nargs='+')
    ap.add_argument('--ours', help="command with {a} {b} {out}; its stderr's 'in N ms' is taken as its time")
    args = ap.parse_args()
    cv2.setNumThreads(1)
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for photo in args.photos:
            for kind, a, b, gt, mask in pairs(photo):
                ga, gb = cv2.cvtColor(a, cv2.COLOR_BGR2GRAY), cv2.cvtColor(b, cv2.COLOR_BGR2GRAY)
                row = {'photo': os.path.basename(photo), 'kind': kind}
                f, ms = timed(lambda: dis.calc(ga, gb, None))
                row['dis'] = (epe(f, gt, mask), ms)
                f, ms = timed(lambda: cv2.calcOpticalFlowFarneback(ga, gb, None, 0.5, 5, 15, 5, 7, 1.5, 0))
                row['farneback'] = (epe(f, gt, mask), ms)
                if args.ours:
                    pa, pb, out = (os.path.join(tmp, n) for n in ('a.png', 'b.png', 'out.flo'))
                    cv2.imwrite(pa, a); cv2.imwrite(pb, b)
                    r = subprocess.run(args.ours.format(a=pa, b=pb, out=out), shell=True, capture_output=True, text=True)
                    if r.returncode != 0:
                        sys.exit('ours failed: ' + r.stderr)
                    m = re.search(r'in ([0-9.]+) ms', r.stderr)
                    row['ours'] = (epe(read_flo(out), gt, mask), float(m.group(1)) if m else float('nan'))
                    # deepdream also prints its thread's CPU time: the honest figure when the machine is shared
                    c = re.search(r'\(([0-9.]+) ms CPU', r.stderr)
                    row['ours_cpu'] = float(c.group(1)) if c else float('nan')
                rows.append(row)
    methods = [k for k in ('ours', 'dis', 'farneback') if k in rows[0]]
    cpu = 'ours_cpu' in rows[0]
    print('| photo | motion | ' + ' | '.join(f'{m} EPE px | {m} ms' for m in methods) + (' | ours CPU ms |' if cpu else ' |'))
    print('|---|---|' + '---|---|' * len(methods) + ('---|' if cpu else ''))
    for r in rows:
        print(f"| {r['photo']} | {r['kind']} | " + ' | '.join(f'{r[m][0]:.3f} | {r[m][1]:.0f}' for m in methods)
              + (f" | {r['ours_cpu']:.0f} |" if cpu else ' |'))


if __name__ == '__main__':
    main()
