#!/usr/bin/python3
"""Exports torchvision nets with random weights to ONNX and writes PyTorch's float64 activations and
input gradients of three layers each: the reference of OnnxFidelityTest. Test-time only (Debian's
python3-torch and python3-torchvision; no downloads), never part of the runtime.

usage: export_torchvision.py OUT_DIR MODEL:SIZE:OPSET ...   (MODEL: googlenet, resnet50, vgg16, mobilenetv2, inception3)

For each case OUT_DIR gets CASE.onnx, and CASE.txt listing the input and each layer's ONNX output
name and shape, with raw little-endian float64 files CASE.input.f64, CASE.NAME.{act,seed,grad}.f64:
grad is d(sum(act * seed))/d(input). Each layer's line ends with PyTorch's own float32 error (relative
L2 to float64) of the activation and the gradient: where float32 flips decisions (a max-pool window's
winner, a ReLU's sign) the gradient of a deep layer moves by percents, in PyTorch as in deepdream.
CASE.decisions.txt lists float64's near decisions (see near_decisions) so the test can reroute the flipped ones.
"""
import sys
import numpy
import torch
import torchvision


# BatchNorm gamma scale per model. MobileNetV2's ReLU6 inputs stay below 6 at 1 (max ~3): the Clip's upper
# bound would go untested. At 2 up to a fifth of the ReLU6 inputs of the depthwise convolutions exceed 6.
GAMMA = {"mobilenetv2": 2}


def randomise_batchnorm(model, gen, gamma=1):
    # Default statistics (mean 0, var 1, gamma 1, beta 0) would make folding BatchNormalization trivial.
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
                m.weight.copy_((torch.rand(m.num_features, generator=gen) + 0.5) * gamma)
                m.bias.copy_(torch.randn(m.num_features, generator=gen) * 0.1)


TRANSFORM_INPUT = True
GOOGLENET_SEED = 7
# A max-pool window whose two largest float64 inputs are closer than this many float32 ulps of the blob's largest
# value, or a ReLU input that close to zero, is listed: float32 may decide it the other way.
TIE_ULPS = 64


def build(name):
    if name == "googlenet":
        # PyTorch's default (Kaiming-uniform) init: with torchvision's own (normal, std 0.01) the random net's
        # float32 gradient is chaotic in every implementation (PyTorch's own 17 % off at inception4c). The
        # discarded first build draws what it always drew, so the later cases keep their weights.
        torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(GOOGLENET_SEED)
            m = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False)
        return m, [m.conv1, m.inception4c, m.fc]
    if name == "resnet50":
        m = torchvision.models.resnet50(weights=None)
        return m, [m.layer1, m.layer3, m.fc]
    if name == "vgg16":
        m = torchvision.models.vgg16(weights=None)
        # Features only: the classifier's 120 M weights (fully connected, as GoogLeNet's and ResNet's fc) would make a 0.5 GB file.
        return m.features, [m.features[8], m.features[22], m.features[30]]
    if name == "mobilenetv2":
        m = torchvision.models.mobilenet_v2(weights=None)
        return m, [m.features[3], m.features[13], m.features[18]]
    if name == "inception3":
        m = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False, transform_input=TRANSFORM_INPUT)
        return m, [m.Conv2d_4a_3x3, m.Mixed_6c, m.Mixed_7c]
    raise SystemExit("unknown model " + name)


class Taps(torch.nn.Module):
    """The net, returning the outputs of the tapped modules (so they are ONNX graph outputs with our names)."""

    def __init__(self, net, taps):
        super().__init__()
        self.net, self.taps, self.seen = net, taps, []
        for t in taps:
            t.register_forward_hook(lambda mod, inp, out: self.seen.append(out))

    def forward(self, x):
        self.seen = []
        self.net(x)
        return tuple(self.seen)


class DecisionRecorder:
    """Records, while active, every max pooling's, ReLU's and hardtanh's (ReLU6's) float64 input
    (torch.nn.functional's max_pool2d, relu and hardtanh are patched, so modules and functional calls count
    alike, in execution order)."""

    def __init__(self):
        self.pools, self.relus, self.clips = [], [], []
        self.max_pool2d, self.relu, self.hardtanh = torch.nn.functional.max_pool2d, torch.nn.functional.relu, torch.nn.functional.hardtanh

    def __enter__(self):
        def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
            y = self.max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices)
            self.pools.append((x.detach(), kernel_size, stride or kernel_size, padding, dilation, y))
            return y

        def relu(x, inplace=False):
            self.relus.append(x.detach().clone())
            return self.relu(x, inplace)

        def hardtanh(x, min_val=-1., max_val=1., inplace=False):
            self.clips.append((x.detach().clone(), min_val, max_val))
            return self.hardtanh(x, min_val, max_val, inplace)
        torch.nn.functional.max_pool2d, torch.nn.functional.relu, torch.nn.functional.hardtanh = max_pool2d, relu, hardtanh
        return self

    def __exit__(self, *exc):
        torch.nn.functional.max_pool2d, torch.nn.functional.relu, torch.nn.functional.hardtanh = self.max_pool2d, self.relu, self.hardtanh


def near(x):
    """TIE_ULPS float32 ulps of the blob's largest magnitude: what float32 rounding may move a value by."""
    return TIE_ULPS * float(numpy.spacing(numpy.float32(x.abs().max())))


def near_decisions(pools, relus, clips):
    """Lines "pool I N C H W" for each max pooling, "tie I C OY OX WY WX GAP" for each window whose two largest
    inputs are 0 < GAP < near() apart, (WY, WX) being float64's winner; "relu I SHAPE" for each ReLU and
    "zero I OFFSET SIGN" for each input 0 < |x| < near(); "clip I SHAPE" for each hardtanh and "edge I OFFSET
    INSIDE" for each input within near() of a bound but not on it (INSIDE 1: the gradient passes). Float32 may
    decide these the other way, and route the gradient elsewhere (OnnxFidelityTest reroutes the ones it did)."""
    lines = []
    for i, (x, k, s, p, d, y) in enumerate(pools):
        k, s, p, d = (v if isinstance(v, int) else v[0] for v in (k, s, p, d))
        assert d == 1, "dilated max pooling"
        n, c, h, w = x.shape
        lines.append("pool %d %d %d %d %d" % (i, n, c, h, w))
        oh, ow = y.shape[2], y.shape[3]
        padded = torch.nn.functional.pad(x, (p, max(0, (ow - 1) * s + k - w - p), p, max(0, (oh - 1) * s + k - h - p)), value=float("-inf"))
        windows = padded.unfold(2, k, s).unfold(3, k, s)[:, :, :oh, :ow].reshape(n, c, oh, ow, k * k)
        top, where = windows.topk(2, dim=-1)
        gap = top[..., 0] - top[..., 1]
        for b, ch, oy, ox in (((gap > 0) & (gap < near(x))).nonzero().tolist()):
            at = int(where[b, ch, oy, ox, 0])
            lines.append("tie %d %d %d %d %d %d %.3e" % (i, ch, oy, ox, oy * s - p + at // k, ox * s - p + at % k, float(gap[b, ch, oy, ox])))
    for i, x in enumerate(relus):
        lines.append("relu %d %s" % (i, " ".join(map(str, x.shape))))
        flat = x.reshape(-1)
        for at in ((flat != 0) & (flat.abs() < near(x))).nonzero().reshape(-1).tolist():
            lines.append("zero %d %d %d" % (i, at, 1 if flat[at] > 0 else -1))
    for i, (x, lo, hi) in enumerate(clips):
        lines.append("clip %d %s" % (i, " ".join(map(str, x.shape))))
        flat, eps = x.reshape(-1), near(x)
        edge = (((flat - lo).abs() < eps) & (flat != lo)) | (((flat - hi).abs() < eps) & (flat != hi))
        for at in edge.nonzero().reshape(-1).tolist():
            lines.append("edge %d %d %d" % (i, at, 1 if lo < flat[at] < hi else 0))
    return lines


def write(path, t):
    t.detach().contiguous().to(torch.float64).numpy().astype("<f8").tofile(path)


def main():
    out = sys.argv[1]
    torch.manual_seed(1)
    for case in sys.argv[2:]:
        name, size, opset = case.split(":")
        size, opset = int(size), int(opset)
        gen = torch.Generator().manual_seed(size)
        net, taps = build(name)
        randomise_batchnorm(net, gen, GAMMA.get(name, 1))
        net.eval()
        model = Taps(net, taps).eval()
        stem = "%s/%s_%d" % (out, name, size)
        x = torch.rand(1, 3, size, size, generator=gen) * 4 - 2
        names = ["t%d" % i for i in range(len(taps))]
        torch.onnx.export(model, x, stem + ".onnx", input_names=["image"], output_names=names, opset_version=opset,
                          do_constant_folding=False)
        x32 = x.clone().requires_grad_(True)
        acts32 = model(x32)
        seeds = [torch.randn(a.shape, generator=gen, dtype=torch.float64) for a in acts32]
        grads32 = [torch.autograd.grad((a * s.float()).sum(), x32, retain_graph=True)[0] for a, s in zip(acts32, seeds)]
        model.double()
        xd = x.double().requires_grad_(True)
        with DecisionRecorder() as recorder:
            acts = model(xd)
        with open(stem + ".decisions.txt", "w") as f:
            f.write("".join(line + "\n" for line in near_decisions(recorder.pools, recorder.relus, recorder.clips)))
        lines = ["image %s" % " ".join(map(str, x.shape))]
        write(stem + ".input.f64", xd)
        for n, a, a32, seed, g32 in zip(names, acts, acts32, seeds, grads32):
            g, = torch.autograd.grad((a * seed).sum(), xd, retain_graph=True)
            e_act = float((a32.double() - a).norm() / a.norm())
            e_grad = float((g32.double() - g).norm() / g.norm())
            write("%s.%s.act.f64" % (stem, n), a)
            write("%s.%s.seed.f64" % (stem, n), seed)
            write("%s.%s.grad.f64" % (stem, n), g)
            lines.append("%s %s torch32 %.3e %.3e" % (n, " ".join(map(str, a.shape)), e_act, e_grad))
        with open(stem + ".txt", "w") as f:
            f.write("\n".join(lines) + "\n")
        print(stem, "opset", opset, flush=True)


if __name__ == "__main__":
    main()
