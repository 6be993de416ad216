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
"""
import sys
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


def build(name):
    if name == "googlenet":
        m = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True)
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
        acts = model(xd)
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
