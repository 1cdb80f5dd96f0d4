#!/usr/bin/python3
"""Exports torchvision's classification models to ONNX for fovea's zoo test.

Run with Debian's python3-torch / python3-torchvision (torch 1.13, torchvision 0.14):

    /usr/bin/python3 scripts/gen-onnx-zoo.py --small            # the committed tiny zoo -> test/fixtures/onnx-zoo/
    /usr/bin/python3 scripts/gen-onnx-zoo.py --out DIR [NAME..]  # the real models -> DIR (hundreds of MB; not committed)

Both write, for each model, NAME.onnx (random weights, seeded; input 'input'
[N, 3, S, S] with a dynamic N, output 'logits') and NAME.json:
  {"model", "torchvision", "opset", "inputShape", "params", "output"}
where "output" is PyTorch's logits for the input every reader rebuilds from
its shape with zooInput() (no input data in the JSON, which keeps it small):
    x[i] = ((i * 7919 + 13) mod 2003) / 1001.5 - 1     (exact in float64, then float32)

--small builds each family from torchvision's own classes at shrunk widths
(torchvision's MobileNetV3, ShuffleNetV2, MNASNet, EfficientNet, ConvNeXt,
RegNet, DenseNet, ResNet, SqueezeNet, GoogLeNet, VGG, AlexNet
code paths, so the exported operators are those of the real models; Inception3's
blocks have fixed widths of 64 to 448 channels and cannot be shrunk), a few
hundred kilobytes in all. The full mode exports the real architectures
(list_models()) at a small input size: 64 x 64 where the model allows it,
inception_v3 at 80 (it needs >= 75), VGG and AlexNet at 224 (their adaptive
pooling to 7x7 / 6x6 only exports when the size divides); models over
--max-params (default 150M) are listed as skipped.
"""
import argparse
import json
import os
import sys
import warnings
from functools import partial

import torch
import torch.nn as nn
import torchvision
import torchvision.models as tvm

warnings.filterwarnings('ignore')
HERE = os.path.dirname(os.path.abspath(__file__))
SMALL_OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'onnx-zoo')


def zoo_input(shape):
    n = 1
    for d in shape:
        n *= d
    i = torch.arange(n, dtype=torch.float64)
    return (torch.remainder(i * 7919 + 13, 2003) / 1001.5 - 1).to(torch.float32).reshape(shape)


def randomize(model, g):
    """Batch-norm statistics and affine terms random too, so that they matter (fresh ones are 0 / 1)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) * 0.5 + 0.75)
                m.weight.copy_(torch.rand(m.num_features, generator=g) * 0.5 + 0.75)
                m.bias.copy_(torch.randn(m.num_features, generator=g) * 0.1)


def export(name, model, size, out, opset=13, batch=2):
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    randomize(model, g)
    model.eval()
    x = zoo_input((batch, 3, size, size))
    with torch.no_grad():
        y = model(x)
    path = os.path.join(out, f'{name}.onnx')
    torch.onnx.export(model, x, path, opset_version=opset, input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'N'}, 'logits': {0: 'N'}}, do_constant_folding=True)
    params = sum(p.numel() for p in model.parameters())
    with open(os.path.join(out, f'{name}.json'), 'w') as f:
        json.dump({'model': name, 'torchvision': torchvision.__version__, 'opset': opset, 'inputShape': list(x.shape),
                   'params': params, 'outputShape': list(y.shape), 'output': [float(f'{v:.9g}') for v in y.flatten().tolist()]}, f)
    print(f'{name}: {params} params, input {list(x.shape)}, {os.path.getsize(path)} bytes', flush=True)


# ------------------------------------------------------------------ the tiny zoo (committed)

def small_models():
    from torchvision.models.mobilenetv3 import InvertedResidualConfig, MobileNetV3
    from torchvision.models.shufflenetv2 import ShuffleNetV2
    from torchvision.models.mnasnet import MNASNet
    from torchvision.models.efficientnet import EfficientNet, MBConvConfig, FusedMBConvConfig
    from torchvision.models.convnext import ConvNeXt, CNBlockConfig
    from torchvision.models.regnet import RegNet, BlockParams
    from torchvision.models.densenet import DenseNet
    from torchvision.models.resnet import ResNet, BasicBlock, Bottleneck
    from torchvision.models.squeezenet import SqueezeNet
    from torchvision.models.googlenet import GoogLeNet
    from torchvision.models.vgg import VGG, make_layers

    def mnv3():
        c = partial(InvertedResidualConfig, width_mult=0.25)
        setting = [c(16, 3, 16, 16, True, 'RE', 2, 1), c(16, 3, 72, 24, False, 'RE', 2, 1),
                   c(24, 5, 96, 40, True, 'HS', 2, 1), c(40, 5, 240, 48, True, 'HS', 1, 1)]
        return MobileNetV3(setting, last_channel=64, num_classes=10)

    def effnet():
        c = partial(MBConvConfig, width_mult=0.25, depth_mult=1.0)
        setting = [c(1, 3, 1, 32, 16, 1), c(6, 3, 2, 16, 24, 2), c(6, 5, 2, 24, 40, 1), c(6, 3, 2, 40, 80, 1)]
        return EfficientNet(setting, dropout=0.2, num_classes=10, last_channel=64)

    def effnet_v2():
        setting = [FusedMBConvConfig(1, 3, 1, 8, 8, 1), FusedMBConvConfig(4, 3, 2, 8, 16, 2),
                   MBConvConfig(4, 3, 2, 16, 24, 1, width_mult=1.0, depth_mult=1.0)]
        return EfficientNet(setting, dropout=0.2, num_classes=10, last_channel=64)

    def convnext():
        setting = [CNBlockConfig(16, 32, 1), CNBlockConfig(32, 48, 1), CNBlockConfig(48, None, 1)]
        return ConvNeXt(setting, stochastic_depth_prob=0.0, num_classes=10)

    def regnet(se):
        params = BlockParams(depths=[1, 1, 2], widths=[16, 32, 48], group_widths=[8, 8, 8], bottleneck_multipliers=[1.0] * 3,
                             strides=[2, 2, 2], se_ratio=0.25 if se else None)
        return RegNet(params, num_classes=10, stem_width=16)

    def googlenet():
        # torchvision's GoogLeNet (its forward, ceil-mode max pools, Inception blocks) with narrow blocks
        from torchvision.models.googlenet import BasicConv2d, Inception
        m = GoogLeNet(num_classes=10, aux_logits=False, init_weights=True)
        m.conv1, m.conv2, m.conv3 = BasicConv2d(3, 8, kernel_size=7, stride=2, padding=3), BasicConv2d(8, 8, kernel_size=1), BasicConv2d(8, 16, kernel_size=3, padding=1)
        widths = (4, 4, 8, 2, 4, 4)
        c = 16
        for name in ['inception3a', 'inception3b', 'inception4a', 'inception4b', 'inception4c', 'inception4d', 'inception4e', 'inception5a', 'inception5b']:
            setattr(m, name, Inception(c, *widths))
            c = widths[0] + widths[2] + widths[4] + widths[5]
        m.fc = nn.Linear(c, 10)
        return m

    def squeezenet():
        # torchvision's SqueezeNet 1.0 layout (ceil-mode max pools, Fire modules, conv classifier) with narrow Fire modules
        from torchvision.models.squeezenet import Fire
        m = SqueezeNet('1_0', num_classes=10)
        m.features = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=7, stride=2), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            Fire(16, 4, 8, 8), Fire(16, 4, 8, 8), nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            Fire(16, 8, 16, 16), nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True), Fire(32, 8, 16, 16))
        m.classifier[1] = nn.Conv2d(32, 10, kernel_size=1)
        return m

    def mnasnet():
        m = MNASNet(0.1, num_classes=10)
        # the 1280-wide last convolution and classifier are fixed in torchvision; narrowed here
        m.layers[14], m.layers[15] = nn.Conv2d(m.layers[14].in_channels, 32, 1, bias=False), nn.BatchNorm2d(32)
        m.classifier[1] = nn.Linear(32, 10)
        return m

    class SmallResNet(ResNet):
        """torchvision's ResNet (its forward and blocks) with narrow stages."""

        def __init__(self, block, widths, groups=1, width_per_group=64):
            nn.Module.__init__(self)
            self._norm_layer, self.inplanes, self.dilation = nn.BatchNorm2d, widths[0], 1
            self.groups, self.base_width = groups, width_per_group
            self.conv1 = nn.Conv2d(3, widths[0], kernel_size=7, stride=2, padding=3, bias=False)
            self.bn1, self.relu = nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = self._make_layer(block, widths[0], 1)
            self.layer2 = self._make_layer(block, widths[1], 1, stride=2)
            self.layer3 = self._make_layer(block, widths[2], 1, stride=2)
            self.layer4 = self._make_layer(block, widths[3], 1, stride=2)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(widths[3] * block.expansion, 10)

    vgg_cfg = [8, 'M', 16, 'M', 32, 32, 'M', 32, 'M', 32, 'M']

    def vgg(bn):
        m = VGG(make_layers(vgg_cfg, batch_norm=bn), num_classes=10)
        # torchvision's classifier is 4096 wide; the features and its pooling are what matter here
        m.classifier = nn.Sequential(nn.Linear(32 * 7 * 7, 8), nn.ReLU(True), nn.Dropout(), nn.Linear(8, 10))
        return m

    def alexnet():
        m = tvm.AlexNet(num_classes=10)
        m.features = nn.Sequential(
            nn.Conv2d(3, 8, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(8, 16, kernel_size=5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(16, 16, kernel_size=3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=3, stride=2))
        m.classifier = nn.Sequential(nn.Dropout(), nn.Linear(16 * 6 * 6, 32), nn.ReLU(inplace=True), nn.Linear(32, 10))
        return m

    # name -> (factory, input size, opsets)
    return {
        'resnet-tiny': (lambda: SmallResNet(BasicBlock, [8, 16, 24, 32]), 32, [13]),
        'resnext-tiny': (lambda: SmallResNet(Bottleneck, [8, 8, 16, 16], groups=4, width_per_group=8), 32, [13]),
        'mobilenet_v3-tiny': (mnv3, 64, [13, 17]),
        'shufflenet_v2-tiny': (lambda: ShuffleNetV2([2, 2, 2], [8, 16, 32, 64, 64], num_classes=10), 64, [13]),
        'mnasnet-tiny': (mnasnet, 64, [13]),
        'efficientnet-tiny': (effnet, 64, [13]),
        'efficientnet_v2-tiny': (effnet_v2, 64, [13]),
        'convnext-tiny': (convnext, 32, [13, 17]),
        'regnet_x-tiny': (lambda: regnet(False), 32, [13]),
        'regnet_y-tiny': (lambda: regnet(True), 32, [13]),
        'densenet-tiny': (lambda: DenseNet(growth_rate=4, block_config=(2, 2, 2, 2), num_init_features=8, bn_size=2, num_classes=10), 32, [13]),
        'squeezenet-tiny': (squeezenet, 64, [13]),
        'googlenet-tiny': (googlenet, 64, [13]),
        'vgg_bn-tiny': (lambda: vgg(True), 224, [13]),
        'alexnet-tiny': (alexnet, 224, [13]),
    }


# ------------------------------------------------------------------ the real models (not committed)

def full_size(name):
    if name == 'inception_v3':
        return 80
    if name.startswith('vgg') or name == 'alexnet':
        return 224
    if name.startswith(('vit_', 'swin', 'maxvit')):
        return 224
    return 64


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--small', action='store_true', help='write the tiny zoo to test/fixtures/onnx-zoo/')
    ap.add_argument('--out', help='folder for the full-size models')
    ap.add_argument('--opset', type=int, default=13)
    ap.add_argument('--max-params', type=float, default=150e6)
    ap.add_argument('names', nargs='*')
    a = ap.parse_args()
    torch.set_num_threads(1)
    if a.small:
        os.makedirs(SMALL_OUT, exist_ok=True)
        models = small_models()
        unknown = set(a.names) - set(models)
        if unknown:
            raise SystemExit(f"unknown: {', '.join(sorted(unknown))}; known: {', '.join(models)}")
        for name, (make, size, opsets) in models.items():
            if a.names and name not in a.names:
                continue
            for opset in opsets:
                torch.manual_seed(0)
                export(name if opset == 13 else f'{name}-opset{opset}', make(), size, SMALL_OUT, opset)
        return
    if not a.out:
        raise SystemExit('give --small or --out DIR')
    os.makedirs(a.out, exist_ok=True)
    names = a.names or tvm.list_models(module=tvm)
    for name in names:
        torch.manual_seed(0)
        try:
            model = tvm.get_model(name, weights=None)
        except Exception as e:  # noqa: BLE001
            print(f'{name}: cannot build: {e}', flush=True)
            continue
        params = sum(p.numel() for p in model.parameters())
        if params > a.max_params:
            print(f'{name}: skipped, {params} params > --max-params', flush=True)
            with open(os.path.join(a.out, f'{name}.skipped'), 'w') as f:
                f.write(f'{params} params\n')
            continue
        try:
            export(name, model, full_size(name), a.out, a.opset)
        except Exception as e:  # noqa: BLE001
            print(f'{name}: export failed: {str(e).splitlines()[0]}', flush=True)
            with open(os.path.join(a.out, f'{name}.failed'), 'w') as f:
                f.write(f'{e}\n')
        del model


if __name__ == '__main__':
    sys.exit(main())
