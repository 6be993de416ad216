#!/usr/bin/env python3
"""PyTorch's time for deepdream's bench step: torchvision GoogLeNet (random weights) forward to
inception4c, objective 0.5*sum(a^2), backward to the input. Median ms of N steps after warm-up.
Usage: torch_step.py WxH [WxH ...] [--threads 2] [--steps 10] [--warmup 5]"""
import argparse, statistics, time
import torch, torchvision

p = argparse.ArgumentParser()
p.add_argument("sizes", nargs="+")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--steps", type=int, default=10)
p.add_argument("--warmup", type=int, default=5)
a = p.parse_args()
torch.set_num_threads(a.threads)
net = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True, transform_input=False).eval()
stem = torch.nn.Sequential(net.conv1, net.maxpool1, net.conv2, net.conv3, net.maxpool2, net.inception3a, net.inception3b,
                           net.maxpool3, net.inception4a, net.inception4b, net.inception4c)
for p_ in stem.parameters():
    p_.requires_grad_(False)
for s in a.sizes:
    w, h = map(int, s.lower().split("x"))
    x = torch.rand(1, 3, h, w, requires_grad=True)
    times = []
    for i in range(a.warmup + a.steps):
        t = time.perf_counter()
        x.grad = None
        y = stem(x)
        (0.5 * (y * y).sum()).backward()
        if i >= a.warmup:
            times.append((time.perf_counter() - t) * 1e3)
    print(f"torch size={w}x{h} median_ms={statistics.median(times):.1f} min_ms={min(times):.1f} threads={a.threads} torch={torch.__version__}")
