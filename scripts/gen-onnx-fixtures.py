#!/usr/bin/python3
"""Exports small PyTorch models to ONNX for fovea's import tests.

Run with Debian's python3-torch and python3-torchvision:

    /usr/bin/python3 scripts/gen-onnx-fixtures.py

For each model it writes, under test/fixtures/onnx/:
  NAME.onnx  the model (opset 13, input 'input' [N, C, H, W] with a dynamic N
             unless the name ends in '-static', output 'logits'),
  NAME.json  {"inputShape", "input", "outputShape", "output"}: a seeded batch
             of 2 and PyTorch's output for it (float32 values).

The models: the three benchmark workloads of ../shared/bench/workloads.json
(cifar with shrunk widths, to keep the folder small), a ResNet built from
torchvision's own BasicBlock with shrunk widths, torchvision's MobileNetV2
with a shrunk width and inverted-residual setting, and an 'ops' model that
touches the rest of the importer's operators (Concat, Pad, ceil-mode pooling,
x.view(x.size(0), -1), constants in arithmetic, LeakyReLU, Sigmoid, Tanh,
LogSoftmax), once with a dynamic batch and once exported with a fixed one,
and a 'decoder' of transposed convolutions (ConvTranspose: stride,
padding, output_padding, groups, dilation, a depthwise non-square kernel).
Name models as arguments to write only those, e.g.
`scripts/gen-onnx-fixtures.py decoder` (each model seeds itself).
Weights are random (seeded); batch-norm statistics are randomised too, so
they matter, and the ResNet and MobileNetV2 keep their BatchNormalization
nodes (PyTorch would otherwise fold them into the convolutions).
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models import MobileNetV2
from torchvision.models.resnet import BasicBlock

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'onnx')


def workload(layers):
    mods = []
    for l in layers:
        t = l['type']
        if t == 'conv2d':
            mods.append(nn.Conv2d(l['in'], l['out'], l['kernel'], padding=l.get('pad', 0)))
        elif t == 'relu':
            mods.append(nn.ReLU())
        elif t == 'maxpool':
            mods.append(nn.MaxPool2d(l.get('size', 2)))
        elif t == 'flatten':
            mods.append(nn.Flatten())
        elif t == 'linear':
            mods.append(nn.Linear(l['in'], l['out']))
    return nn.Sequential(*mods)


def load_workloads():
    for path in [os.path.join(HERE, '..', '..', 'shared', 'bench', 'workloads.json'), os.path.join(HERE, '..', 'bench', 'workloads.json')]:
        if os.path.exists(path):
            with open(path) as f:
                return json.load(f)['workloads']
    raise SystemExit('workloads.json not found')


def shrink_cifar(layers, factor=4):
    out = []
    for l in layers:
        l = dict(l)
        if l['type'] == 'conv2d':
            l['in'] = l['in'] if l['in'] == 3 else l['in'] // factor
            l['out'] //= factor
        elif l['type'] == 'linear':
            l['in'] //= factor
            l['out'] = l['out'] if l['out'] == 10 else l['out'] // factor
        out.append(l)
    return out


class SmallResNet(nn.Module):
    """torchvision's ResNet layout (7x7 stem, max pool, 4 stages of BasicBlock, avg pool, fc) with narrow stages."""

    def __init__(self, widths=(8, 16, 24, 32), classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, widths[0], 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        layers, inplanes = [], widths[0]
        for i, w in enumerate(widths):
            stride = 1 if i == 0 else 2
            down = None
            if stride != 1 or inplanes != w:
                down = nn.Sequential(nn.Conv2d(inplanes, w, 1, stride=stride, bias=False), nn.BatchNorm2d(w))
            layers.append(BasicBlock(inplanes, w, stride, down))
            inplanes = w
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(inplanes, classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class Ops(nn.Module):
    """Every other operator the importer supports, in one small DAG."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 4, 3, padding=1)
        self.b = nn.Conv2d(3, 4, 1, stride=1, dilation=1)
        self.c = nn.Conv2d(8, 8, 3, groups=2, dilation=2, padding=2)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8 * 5 * 5, 6)

    def forward(self, x):
        x = (x - 0.5) / 0.25
        y = torch.cat([F.leaky_relu(self.a(x), 0.1), torch.sigmoid(self.b(x))], dim=1)
        y = torch.tanh(self.bn(self.c(y))) * 2.0 + y
        y = F.pad(y, (0, 1, 0, 1))
        y = F.max_pool2d(y, 3, stride=2, ceil_mode=True)
        y = F.avg_pool2d(y, 2, stride=2, padding=1, count_include_pad=False)
        y = y.view(y.size(0), -1)
        return F.log_softmax(self.fc(y), dim=1)


class Decoder(nn.Module):
    """An upsampling net of ConvTranspose2d layers: [N, 4, 3, 3] -> [N, 3, 27, 14]."""

    def __init__(self):
        super().__init__()
        self.up1 = nn.ConvTranspose2d(4, 8, 3, stride=2, padding=1, output_padding=1)  # 3 -> 6
        self.up2 = nn.ConvTranspose2d(8, 6, 4, stride=2, padding=1, groups=2)  # 6 -> 12
        # output_padding 1 at stride 1 is allowed because it is below the dilation
        self.up3 = nn.ConvTranspose2d(6, 3, 3, padding=2, dilation=2, output_padding=1, bias=False)  # 12 -> 13
        self.dw = nn.ConvTranspose2d(3, 3, (3, 2), stride=(2, 1), groups=3)  # 13 -> 27 x 14

    def forward(self, x):
        x = F.relu(self.up1(x))
        x = F.leaky_relu(self.up2(x), 0.1)
        x = torch.tanh(self.up3(x))
        return torch.sigmoid(self.dw(x))


def randomize_bn(model, g):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.5)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.2)


def export(name, model, shape, dynamic=True, keep_bn=False):
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        randomize_bn(model, g)
    model.eval()
    x = torch.randn(2 if dynamic else 1, *shape, generator=g)
    with torch.no_grad():
        y = model(x)
    path = os.path.join(OUT, f'{name}.onnx')
    torch.onnx.export(
        model, x, path, opset_version=13, input_names=['input'], output_names=['logits'],
        dynamic_axes={'input': {0: 'N'}, 'logits': {0: 'N'}} if dynamic else None, do_constant_folding=True,
        # PRESERVE (on a model in eval mode) keeps BatchNormalization nodes instead of folding them into the convolutions
        training=torch.onnx.TrainingMode.PRESERVE if keep_bn else torch.onnx.TrainingMode.EVAL,
    )
    with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
        json.dump({
            'inputShape': list(x.shape), 'input': [round(v, 7) for v in x.flatten().tolist()],
            'outputShape': list(y.shape), 'output': y.flatten().tolist(),
        }, f)
    print(f'{name}: {os.path.getsize(path)} bytes, output {list(y.shape)}')


def main():
    os.makedirs(OUT, exist_ok=True)
    only = set(sys.argv[1:])
    known = {'lenet', 'convnet', 'cifar-small', 'resnet-small', 'mobilenetv2-small', 'ops', 'ops-static', 'decoder'}
    if only - known:
        raise SystemExit(f"unknown model(s): {', '.join(sorted(only - known))}; known: {', '.join(sorted(known))}")
    if not only or only & (known - {'decoder'}):
        # these share one random stream, so they are always made together
        torch.manual_seed(0)
        w = load_workloads()
        export('lenet', workload(w['lenet']['layers']), w['lenet']['input'])
        export('convnet', workload(w['convnet']['layers']), w['convnet']['input'])
        export('cifar-small', workload(shrink_cifar(w['cifar']['layers'])), w['cifar']['input'])
        export('resnet-small', SmallResNet(), [3, 32, 32], keep_bn=True)
        mobilenet = MobileNetV2(num_classes=10, width_mult=0.5, inverted_residual_setting=[[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 2, 2], [6, 64, 1, 2]])
        export('mobilenetv2-small', mobilenet, [3, 32, 32], keep_bn=True)
        ops = Ops()
        export('ops', ops, [3, 16, 16])
        export('ops-static', ops, [3, 16, 16], dynamic=False)
    if not only or 'decoder' in only:
        torch.manual_seed(1)
        export('decoder', Decoder(), [4, 3, 3])


if __name__ == '__main__':
    main()
