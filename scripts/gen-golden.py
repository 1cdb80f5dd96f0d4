#!/usr/bin/env python3
"""Generate PyTorch golden fixtures for fovea's conformance tests.

Run with Debian's Python (that is where python3-torch is installed):

    /usr/bin/python3 scripts/gen-golden.py

Writes one JSON file per op group into test/fixtures/golden/ (name files as
arguments to write only those, e.g. `scripts/gen-golden.py conv_transpose2d.json`). Every file is
    {"generator": "scripts/gen-golden.py", "torch": "<version>", "cases": [...]}
and every tensor is {"shape": [...], "data": [flat row-major numbers]}.
Float data is float32 printed with 9 significant digits, which round-trips
a float32 exactly. Gradients come from (out * upstream).sum().backward().

Each case seeds torch from a CRC of its own name, so adding or reordering
cases never changes the numbers of the others.
"""

import json
import math
import os
import sys
import warnings
import zlib
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

GENERATOR = "scripts/gen-golden.py"
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "golden")

torch.set_default_dtype(torch.float32)
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
torch.backends.mkldnn.enabled = False  # plain ATen CPU kernels only
# padding="same" with an even kernel pads asymmetrically (the extra row/column
# goes at the bottom/right); PyTorch warns that this needs a padded copy.
warnings.filterwarnings("ignore", message="Using padding='same'")


# ---------------------------------------------------------------- helpers

def seed_for(name):
    torch.manual_seed(zlib.crc32(name.encode("utf-8")))


def fmt(v):
    return float(f"{v:.9g}")


def tensor_json(t):
    t = t.detach().to(torch.float32).contiguous()
    return {"shape": list(t.shape), "data": [fmt(v) for v in t.reshape(-1).tolist()]}


def int_tensor_json(t):
    return {"shape": list(t.shape), "data": [int(v) for v in t.reshape(-1).tolist()]}


def scalar_json(t):
    return {"shape": [], "data": [fmt(t.detach().item())]}


def kaiming(shape, fan_in):
    # He-normal scale, like a real ReLU-network init
    return torch.randn(*shape) * math.sqrt(2.0 / fan_in)


def leaf(t):
    return t.detach().clone().requires_grad_(True)


def run_case(name, op, attrs, inputs, fn, grad_names=None):
    """inputs: OrderedDict name -> tensor (float leaves get requires_grad)."""
    leaves = OrderedDict((k, leaf(v)) for k, v in inputs.items())
    out = fn(**leaves)
    g = torch.randn(*out.shape)
    (out * g).sum().backward()
    names = grad_names if grad_names is not None else list(leaves)
    return {
        "name": name,
        "op": op,
        "attrs": attrs,
        "inputs": OrderedDict((k, tensor_json(v)) for k, v in leaves.items()),
        "upstream": tensor_json(g),
        "output": tensor_json(out),
        "grads": OrderedDict((k, tensor_json(leaves[k].grad)) for k in names),
    }


def write(filename, cases):
    os.makedirs(OUT_DIR, exist_ok=True)
    doc = OrderedDict(generator=GENERATOR, torch=torch.__version__, cases=cases)
    path = os.path.join(OUT_DIR, filename)
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    return path


def pair(v):
    return [v, v] if isinstance(v, int) else list(v)


# ---------------------------------------------------------------- conv2d

def conv_case(name, n, c_in, hw, c_out, kernel, stride=1, padding=0, dilation=1, groups=1, bias=True):
    seed_for(name)
    kh, kw = pair(kernel)
    h, w = hw
    fan_in = (c_in // groups) * kh * kw
    inputs = OrderedDict()
    inputs["x"] = torch.randn(n, c_in, h, w)
    inputs["weight"] = kaiming((c_out, c_in // groups, kh, kw), fan_in)
    if bias:
        inputs["bias"] = torch.randn(c_out) * 0.1
    attrs = OrderedDict(
        stride=pair(stride),
        padding=padding if isinstance(padding, str) else pair(padding),
        dilation=pair(dilation),
        groups=groups,
    )

    def fn(x, weight, bias=None):
        return F.conv2d(x, weight, bias, stride=pair(stride), padding=padding if isinstance(padding, str) else pair(padding),
                        dilation=pair(dilation), groups=groups)

    return run_case(name, "conv2d", attrs, inputs, fn)


def conv_cases():
    return [
        conv_case("conv2d 3x3 pad1 stride1 bias", 2, 2, (6, 6), 3, 3, padding=1),
        conv_case("conv2d 5x5 pad2 lenet c1 batch1", 1, 1, (8, 8), 6, 5, padding=2),
        conv_case("conv2d stride2 pad1 bias", 2, 2, (7, 7), 3, 3, stride=2, padding=1),
        conv_case("conv2d stride2 no pad even size", 1, 2, (8, 8), 3, 3, stride=2),
        conv_case("conv2d dilation2 pad2", 1, 2, (9, 9), 3, 3, padding=2, dilation=2),
        conv_case("conv2d groups2 pad1", 1, 4, (7, 7), 4, 3, padding=1, groups=2),
        conv_case("conv2d depthwise groups3 pad1", 2, 3, (6, 6), 3, 3, padding=1, groups=3),
        conv_case("conv2d depthwise multiplier2 stride2", 1, 3, (7, 7), 6, 3, stride=2, padding=1, groups=3),
        conv_case("conv2d same even kernel 4x4", 1, 2, (7, 9), 3, 4, padding="same"),
        conv_case("conv2d same 3x3 dilation2", 1, 2, (7, 9), 2, 3, padding="same", dilation=2),
        conv_case("conv2d same non-square 3x2", 1, 2, (6, 7), 3, (3, 2), padding="same"),
        conv_case("conv2d valid no bias batch3", 3, 2, (7, 9), 2, 3, padding="valid", bias=False),
        conv_case("conv2d non-square kernel 3x2 pad1x0 stride1x2", 1, 3, (7, 9), 3, (3, 2), stride=(1, 2), padding=(1, 0)),
        conv_case("conv2d 1x1 no bias batch3", 3, 4, (5, 5), 2, 1, bias=False),
    ]



# ---------------------------------------------------------------- conv_transpose2d

def conv_transpose_case(name, n, c_in, hw, c_out, kernel, stride=1, padding=0, output_padding=0, groups=1, dilation=1, bias=True):
    seed_for(name)
    kh, kw = pair(kernel)
    h, w = hw
    inputs = OrderedDict()
    inputs["x"] = torch.randn(n, c_in, h, w)
    # PyTorch's layout: [in, out/groups, kH, kW]
    inputs["weight"] = kaiming((c_in, c_out // groups, kh, kw), (c_in // groups) * kh * kw)
    if bias:
        inputs["bias"] = torch.randn(c_out) * 0.1
    attrs = OrderedDict(
        stride=pair(stride),
        padding=pair(padding),
        output_padding=pair(output_padding),
        groups=groups,
        dilation=pair(dilation),
    )

    def fn(x, weight, bias=None):
        return F.conv_transpose2d(x, weight, bias, stride=pair(stride), padding=pair(padding), output_padding=pair(output_padding),
                                  groups=groups, dilation=pair(dilation))

    return run_case(name, "conv_transpose2d", attrs, inputs, fn)


def conv_transpose_cases():
    return [
        conv_transpose_case("conv_transpose2d 3x3 stride1 bias batch2", 2, 2, (4, 5), 3, 3),
        conv_transpose_case("conv_transpose2d 3x3 stride2 pad1 output_padding1", 1, 2, (5, 5), 3, 3, stride=2, padding=1, output_padding=1),
        conv_transpose_case("conv_transpose2d 4x4 stride2 pad1 dcgan", 2, 3, (4, 3), 2, 4, stride=2, padding=1),
        conv_transpose_case("conv_transpose2d stride3 pad2 output_padding2 no bias", 1, 2, (3, 4), 2, 4, stride=3, padding=2, output_padding=2, bias=False),
        conv_transpose_case("conv_transpose2d dilation2 output_padding1 stride1", 1, 2, (4, 4), 2, 3, padding=1, output_padding=1, dilation=2),
        conv_transpose_case("conv_transpose2d groups2 stride2 pad1", 1, 4, (3, 3), 6, 3, stride=2, padding=1, groups=2),
        conv_transpose_case("conv_transpose2d depthwise non-square batch3", 3, 3, (3, 4), 3, (3, 2), stride=(2, 1), padding=(1, 0),
                            output_padding=(1, 0), groups=3),
        conv_transpose_case("conv_transpose2d 1x1 stride2 no bias", 1, 3, (3, 3), 2, 1, stride=2, bias=False),
    ]

# ---------------------------------------------------------------- pooling

def pool_cases():
    cases = []

    def max_case(name, shape, k, s, p, d=1, ceil=False):
        seed_for(name)
        attrs = OrderedDict(kernel=pair(k), stride=pair(s), padding=pair(p))
        if d != 1 or ceil:
            attrs.update(dilation=pair(d), ceil_mode=ceil)
        cases.append(run_case(name, "max_pool2d", attrs, OrderedDict(x=torch.randn(*shape)),
                              lambda x: F.max_pool2d(x, pair(k), pair(s), pair(p), dilation=pair(d), ceil_mode=ceil)))

    def avg_case(name, shape, k, s, p, include, ceil=False):
        seed_for(name)
        attrs = OrderedDict(kernel=pair(k), stride=pair(s), padding=pair(p), count_include_pad=include)
        if ceil:
            attrs.update(ceil_mode=ceil)
        cases.append(run_case(name, "avg_pool2d", attrs, OrderedDict(x=torch.randn(*shape)),
                              lambda x: F.avg_pool2d(x, pair(k), pair(s), pair(p), ceil_mode=ceil, count_include_pad=include)))

    def sum_case(name, shape, k, s, p):
        seed_for(name)
        kh, kw = pair(k)
        attrs = OrderedDict(kernel=pair(k), stride=pair(s), padding=pair(p))
        cases.append(run_case(name, "sum_pool2d", attrs, OrderedDict(x=torch.randn(*shape)),
                              lambda x: F.avg_pool2d(x, pair(k), pair(s), pair(p), count_include_pad=True) * (kh * kw)))

    def adaptive_case(name, shape, out_size):
        seed_for(name)
        attrs = OrderedDict(output_size=list(out_size))
        cases.append(run_case(name, "adaptive_avg_pool2d", attrs, OrderedDict(x=torch.randn(*shape)),
                              lambda x: F.adaptive_avg_pool2d(x, list(out_size))))

    max_case("max_pool2d 2x2 s2", (2, 2, 6, 6), 2, 2, 0)
    max_case("max_pool2d 3x3 s2 pad1", (1, 2, 9, 9), 3, 2, 1)
    max_case("max_pool2d 3x3 s1 odd 7x7", (1, 2, 7, 7), 3, 1, 0)
    max_case("max_pool2d 2x2 s2 odd 7x9 floor", (1, 2, 7, 9), 2, 2, 0)
    avg_case("avg_pool2d 2x2 s2", (2, 2, 6, 6), 2, 2, 0, True)
    avg_case("avg_pool2d 3x3 s2 pad1 count_include_pad", (1, 2, 9, 9), 3, 2, 1, True)
    avg_case("avg_pool2d 3x3 s2 pad1 exclude pad", (1, 2, 9, 9), 3, 2, 1, False)
    max_case("max_pool2d 3x3 s2 ceil_mode odd 8x7", (1, 2, 8, 7), 3, 2, 0, ceil=True)
    max_case("max_pool2d 3x3 s2 pad1 ceil_mode 10x10", (1, 2, 10, 10), 3, 2, 1, ceil=True)
    max_case("max_pool2d 3x3 dilation2 s1", (1, 2, 9, 8), 3, 1, 0, d=2)
    max_case("max_pool2d 3x3 dilation2 s2 pad1 ceil_mode", (2, 2, 10, 9), 3, 2, 1, d=2, ceil=True)
    avg_case("avg_pool2d 3x3 s2 ceil_mode odd 8x7", (1, 2, 8, 7), 3, 2, 0, True, ceil=True)
    avg_case("avg_pool2d 3x3 s2 pad1 ceil_mode count_include_pad 10x10", (1, 2, 10, 10), 3, 2, 1, True, ceil=True)
    avg_case("avg_pool2d 3x3 s2 pad1 ceil_mode exclude pad 10x10", (1, 2, 10, 10), 3, 2, 1, False, ceil=True)
    avg_case("avg_pool2d 2x2 s2 ceil_mode odd 7x9", (2, 2, 7, 9), 2, 2, 0, True, ceil=True)
    sum_case("sum_pool2d 2x2 s2", (2, 2, 6, 6), 2, 2, 0)
    sum_case("sum_pool2d 3x3 s2 pad1", (1, 2, 9, 9), 3, 2, 1)
    adaptive_case("adaptive_avg_pool2d 7x7 to 3x3", (1, 3, 7, 7), (3, 3))
    adaptive_case("adaptive_avg_pool2d 6x6 to 1x1", (2, 3, 6, 6), (1, 1))
    adaptive_case("adaptive_avg_pool2d 5x7 to 2x3", (2, 2, 5, 7), (2, 3))
    return cases


# ---------------------------------------------------------------- linear

def linear_cases():
    cases = []
    for name, n, fin, fout, bias in [
        ("linear 5->3 bias batch4", 4, 5, 3, True),
        ("linear 6->4 no bias batch2", 2, 6, 4, False),
    ]:
        seed_for(name)
        inputs = OrderedDict()
        inputs["x"] = torch.randn(n, fin)
        inputs["weight"] = kaiming((fout, fin), fin)
        if bias:
            inputs["bias"] = torch.randn(fout) * 0.1
        cases.append(run_case(name, "linear", OrderedDict(), inputs,
                              lambda x, weight, bias=None: F.linear(x, weight, bias)))
    return cases


# ---------------------------------------------------------------- batchnorm

def batchnorm_case(name, shape, eps, momentum, training):
    seed_for(name)
    c = shape[1]
    x = leaf(torch.randn(*shape) * 2.0 + 0.5)
    weight = leaf(torch.randn(c) * 0.5 + 1.0)
    bias = leaf(torch.randn(c) * 0.1)
    running_mean = torch.randn(c) * 0.1
    running_var = torch.rand(c) + 0.5
    rm0, rv0 = running_mean.clone(), running_var.clone()
    out = F.batch_norm(x, running_mean, running_var, weight, bias, training=training, momentum=momentum, eps=eps)
    g = torch.randn(*out.shape)
    (out * g).sum().backward()
    return OrderedDict(
        name=name,
        op="batch_norm2d",
        attrs=OrderedDict(eps=eps, momentum=momentum, training=training),
        inputs=OrderedDict(x=tensor_json(x), weight=tensor_json(weight), bias=tensor_json(bias),
                           running_mean=tensor_json(rm0), running_var=tensor_json(rv0)),
        upstream=tensor_json(g),
        output=tensor_json(out),
        grads=OrderedDict(x=tensor_json(x.grad), weight=tensor_json(weight.grad), bias=tensor_json(bias.grad)),
        state_after=OrderedDict(running_mean=tensor_json(running_mean), running_var=tensor_json(running_var)),
    )


def batchnorm_cases():
    return [
        batchnorm_case("batch_norm2d train", (4, 3, 5, 5), 1e-5, 0.1, True),
        batchnorm_case("batch_norm2d train eps1e-3 momentum0.5 batch2", (2, 2, 3, 4), 1e-3, 0.5, True),
        batchnorm_case("batch_norm2d eval", (3, 3, 4, 4), 1e-5, 0.1, False),
    ]


# ---------------------------------------------------------------- losses

def scalar_loss_case(name, op, attrs, float_inputs, int_inputs, fn, grad_names):
    """Scalar-output loss: upstream is 1.0, gradients of the loss itself."""
    leaves = OrderedDict((k, leaf(v)) for k, v in float_inputs.items())
    out = fn(**leaves, **int_inputs)
    out.backward()
    inputs = OrderedDict((k, tensor_json(v)) for k, v in leaves.items())
    for k, v in int_inputs.items():
        inputs[k] = int_tensor_json(v)
    return OrderedDict(
        name=name, op=op, attrs=attrs, inputs=inputs,
        upstream={"shape": [], "data": [1.0]},
        output=scalar_json(out),
        grads=OrderedDict((k, tensor_json(leaves[k].grad)) for k in grad_names),
    )


def loss_cases():
    cases = []
    for name, n, c, ls in [
        ("cross_entropy mean", 5, 4, 0.0),
        ("cross_entropy mean label_smoothing0.1", 5, 4, 0.1),
        ("cross_entropy mean 10 classes batch3", 3, 10, 0.0),
    ]:
        seed_for(name)
        logits = torch.randn(n, c) * 2.0
        target = torch.randint(0, c, (n,))
        cases.append(scalar_loss_case(
            name, "cross_entropy", OrderedDict(label_smoothing=ls, reduction="mean"),
            OrderedDict(logits=logits), OrderedDict(target=target),
            lambda logits, target: F.cross_entropy(logits, target, label_smoothing=ls, reduction="mean"),
            ["logits"]))

    name = "nll_loss mean on log_softmax"
    seed_for(name)
    inp = F.log_softmax(torch.randn(5, 4) * 2.0, dim=1)
    target = torch.randint(0, 4, (5,))
    cases.append(scalar_loss_case(
        name, "nll_loss", OrderedDict(reduction="mean"),
        OrderedDict(input=inp), OrderedDict(target=target),
        lambda input, target: F.nll_loss(input, target, reduction="mean"), ["input"]))

    name = "mse_loss mean"
    seed_for(name)
    cases.append(scalar_loss_case(
        name, "mse_loss", OrderedDict(reduction="mean"),
        OrderedDict(input=torch.randn(3, 4), target=torch.randn(3, 4)), OrderedDict(),
        lambda input, target: F.mse_loss(input, target, reduction="mean"), ["input", "target"]))

    for op, f in [("log_softmax", F.log_softmax), ("softmax", F.softmax)]:
        for suffix, shape in [("dim1 [3,5]", (3, 5)), ("dim1 [2,3,2,2]", (2, 3, 2, 2))]:
            name = f"{op} {suffix}"
            seed_for(name)
            cases.append(run_case(name, op, OrderedDict(dim=1), OrderedDict(x=torch.randn(*shape) * 2.0),
                                  lambda x, f=f: f(x, dim=1)))
    return cases


# ---------------------------------------------------------------- model

def make_model():
    return nn.Sequential(OrderedDict(
        features=nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(4, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
        ),
        classifier=nn.Sequential(nn.Flatten(), nn.Linear(8 * 2 * 2, 10)),
    ))


def params_json(model, what="data"):
    out = OrderedDict()
    for k, p in model.named_parameters():
        out[k] = tensor_json(p.grad if what == "grad" else p)
    return out


def model_cases():
    name = "small cnn features/classifier 1x12x12 -> 10"
    seed_for(name)
    model = make_model()  # PyTorch default init, seeded
    x = torch.randn(3, 1, 12, 12)
    target = torch.randint(0, 10, (3,))
    initial = {k: v.detach().clone() for k, v in model.state_dict().items()}

    logits = model(x)
    loss = F.cross_entropy(logits, target)
    model.zero_grad()
    loss.backward()
    grads = params_json(model, "grad")

    def fresh():
        m = make_model()
        m.load_state_dict(initial)
        return m

    sgd_model = fresh()
    sgd = torch.optim.SGD(sgd_model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    sgd.zero_grad()
    F.cross_entropy(sgd_model(x), target).backward()
    sgd.step()

    adam_model = fresh()
    adam = torch.optim.Adam(adam_model.parameters(), lr=1e-2)
    adam_losses = []
    for _ in range(2):
        adam.zero_grad()
        l = F.cross_entropy(adam_model(x), target)
        adam_losses.append(fmt(l.item()))
        l.backward()
        adam.step()

    return [OrderedDict(
        name=name,
        op="model",
        attrs=OrderedDict(
            architecture=("Sequential(features=Sequential(Conv2d(1,4,3,padding=1), ReLU(), MaxPool2d(2), "
                          "Conv2d(4,8,3), ReLU(), MaxPool2d(2)), classifier=Sequential(Flatten(), Linear(32,10)))"),
            loss="cross_entropy mean",
            sgd=OrderedDict(lr=0.1, momentum=0.9, dampening=0.0, weight_decay=1e-4, nesterov=False, steps=1),
            adam=OrderedDict(lr=1e-2, betas=[0.9, 0.999], eps=1e-8, weight_decay=0.0, amsgrad=False, steps=2),
        ),
        state_dict=OrderedDict((k, tensor_json(v)) for k, v in initial.items()),
        inputs=OrderedDict(x=tensor_json(x), target=int_tensor_json(target)),
        output=tensor_json(logits),
        loss=scalar_json(loss),
        grads=grads,
        after_sgd_1=params_json(sgd_model),
        after_adam_2=params_json(adam_model),
        adam_losses=adam_losses,
    )]


# ---------------------------------------------------------------- explanations

def make_cam_model():
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(6 * 5 * 5, 3),
    )


def grad_cam(model, x, layer, class_index):
    """Grad-CAM as Selvaraju et al. define it, with forward/backward hooks:
    alpha_c = mean over positions of d logit / d A_c; ReLU(sum_c alpha_c A_c),
    upsampled with F.interpolate(bilinear, align_corners=False)."""
    store = {}
    module = model[int(layer)]
    h1 = module.register_forward_hook(lambda m, i, o: store.__setitem__("a", o))
    h2 = module.register_full_backward_hook(lambda m, gi, go: store.__setitem__("g", go[0]))
    logits = model(x)
    k = int(logits.argmax(1)) if class_index is None else class_index
    model.zero_grad()
    logits[0, k].backward()
    h1.remove()
    h2.remove()
    a, g = store["a"].detach(), store["g"].detach()
    weights = g.mean(dim=(2, 3))[0]
    coarse = F.relu((weights[:, None, None] * a[0]).sum(0))
    up = F.interpolate(coarse[None, None], size=x.shape[2:], mode="bilinear", align_corners=False)[0, 0]
    return k, logits.detach(), weights, coarse, up


def explain_cases():
    cases = []
    name = "grad-cam and saliency, small cnn 3x10x10 -> 3"
    seed_for(name)
    model = make_cam_model().eval()
    x = torch.randn(1, 3, 10, 10)
    state = OrderedDict((k, tensor_json(v)) for k, v in model.state_dict().items())
    cams = []
    for layer, class_index in (("4", None), ("3", 1), ("0", 2)):
        k, logits, weights, coarse, up = grad_cam(model, x, layer, class_index)
        cams.append(OrderedDict(layer=layer, class_index=k, logits=tensor_json(logits), weights=tensor_json(weights),
                                coarse=tensor_json(coarse), map=tensor_json(up)))
    xs = leaf(x)
    logits = model(xs)
    k = int(logits.argmax(1))
    logits[0, k].backward()
    std = torch.tensor([0.5, 0.25, 2.0])
    sal = (xs.grad[0].abs() / std[:, None, None]).amax(0)
    cases.append(OrderedDict(
        name=name,
        op="explain",
        attrs=OrderedDict(architecture="Sequential(Conv2d(3,4,3,padding=1), ReLU(), MaxPool2d(2), Conv2d(4,6,3,padding=1), ReLU(), Flatten(), Linear(150,3))"),
        state_dict=state,
        inputs=OrderedDict(x=tensor_json(x)),
        grad_cam=cams,
        saliency=OrderedDict(class_index=k, std=[0.5, 0.25, 2.0], map=tensor_json(sal)),
    ))
    return cases


# ---------------------------------------------------------------- main

def main():
    groups = [
        ("conv2d.json", conv_cases),
        ("conv_transpose2d.json", conv_transpose_cases),
        ("pool.json", pool_cases),
        ("linear.json", linear_cases),
        ("batchnorm.json", batchnorm_cases),
        ("losses.json", loss_cases),
        ("model.json", model_cases),
        ("explain.json", explain_cases),
    ]
    # `gen-golden.py conv_transpose2d.json ...` regenerates only the named files
    only = set(sys.argv[1:])
    unknown = only - {f for f, _ in groups}
    if unknown:
        raise SystemExit(f"unknown fixture file(s): {', '.join(sorted(unknown))}; known: {', '.join(f for f, _ in groups)}")
    total = 0
    for filename, make in groups:
        if only and filename not in only:
            continue
        cases = make()
        path = write(filename, cases)
        size = os.path.getsize(path)
        total += size
        print(f"{filename:16s} {len(cases):3d} cases {size / 1024:8.1f} KB")
    print(f"{'total':16s}           {total / 1024:8.1f} KB  (torch {torch.__version__})")


if __name__ == "__main__":
    main()
