import cv2, os
os.makedirs('/tmp/thr/photos', exist_ok=True)
for name in ['eagle', 'dog']:
    im = cv2.imread(f'/work/shared/images/{name}.jpg'); h, w = im.shape[:2]
    for k in range(8):
        cw, ch = int(w * 0.8), int(h * 0.8)
        x0 = (w - cw) * k // 7; y0 = (h - ch) * ((k * 3) % 8) // 7
        c = im[y0:y0 + ch, x0:x0 + cw]; s = 320 / max(c.shape[:2])
        cv2.imwrite(f'/tmp/thr/photos/{name}{k}.jpg', cv2.resize(c, (round(c.shape[1] * s), round(c.shape[0] * s)), interpolation=cv2.INTER_AREA))
