#!/usr/bin/env python3
"""Generate torchvision golden values for fovea's image transforms
(src/data/transforms/*).

Run with Debian's Python (`apt-get install python3-torchvision`):

    /usr/bin/python3 scripts/gen-torchvision-golden.py

Writes test/fixtures/golden/transforms.json:
    {"generator", "torchvision", "inputs": {NAME: {"shape", "data"}},
     "cases": [{"name", "op", "args", "input": NAME, "output": {"shape", "data"}}]}
Only the deterministic functional forms are recorded (torchvision.transforms.functional
on float32 CHW tensors): resize (antialias=False), affine and rotate (the inverse-matrix
convention, the sampling grid, the masked fill), crop/center_crop/pad and the colour
adjustments. The random transforms are those functions plus a parameter draw, which
fovea takes from its own seeded generator. Inputs come from a seeded torch generator.
"""

import json
import os

import torch
import torchvision
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode

GENERATOR = "scripts/gen-torchvision-golden.py"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "golden", "transforms.json")
torch.set_num_threads(1)


def t(x):
    return {"shape": list(x.shape), "data": [float(f"{v:.9g}") for v in x.detach().float().reshape(-1).tolist()]}


def main():
    g = torch.Generator().manual_seed(1234)
    rgb = torch.rand(3, 9, 8, generator=g)
    gray = torch.rand(1, 6, 7, generator=g)
    wide = torch.rand(3, 5, 11, generator=g)
    inputs = {"rgb": rgb, "gray": gray, "wide": wide}
    names = {id(v): k for k, v in inputs.items()}
    cases = []

    def add(name, op, args, inp, out):
        cases.append({"name": name, "op": op, "args": args, "input": names[id(inp)], "output": t(out)})

    for size in ([4, 5], [12, 15], [9, 8], [3, 17]):
        add(f"resize {size}", "resize", {"size": size}, rgb, F.resize(rgb, size, antialias=False))
    add("resize short side 4", "resize", {"size": 4}, wide, F.resize(wide, 4, antialias=False))
    add("resize nearest", "resize", {"size": [5, 13], "interpolation": "nearest"}, gray,
        F.resize(gray, [5, 13], interpolation=InterpolationMode.NEAREST))

    affines = [
        dict(angle=30.0, translate=[0, 0], scale=1.0, shear=[0.0, 0.0]),
        dict(angle=-17.5, translate=[2, -1], scale=0.8, shear=[10.0, 0.0]),
        dict(angle=0.0, translate=[0, 0], scale=1.3, shear=[5.0, -8.0]),
        dict(angle=90.0, translate=[1, 1], scale=1.0, shear=[0.0, 0.0]),
    ]
    for i, a in enumerate(affines):
        for interp in ("bilinear", "nearest"):
            for fill in (None, [0.25, 0.5, 0.75]):
                mode = InterpolationMode.BILINEAR if interp == "bilinear" else InterpolationMode.NEAREST
                out = F.affine(rgb, interpolation=mode, fill=fill, **a)
                args = dict(a, interpolation=interp, fill=fill)
                add(f"affine {i} {interp} fill={fill}", "affine", args, rgb, out)
    for angle in (30.0, 90.0, -45.0, 180.0):
        out = F.rotate(gray, angle, interpolation=InterpolationMode.BILINEAR, fill=[0.0])
        add(f"rotate {angle}", "rotate", {"angle": angle, "interpolation": "bilinear", "fill": [0.0]}, gray, out)
    out = F.rotate(rgb, 20.0, interpolation=InterpolationMode.BILINEAR, fill=[1.0, 0.0, 0.5], center=[2, 3])
    add("rotate about [2, 3]", "rotate", {"angle": 20.0, "interpolation": "bilinear", "fill": [1.0, 0.0, 0.5], "center": [2, 3]}, rgb, out)

    for size in ([4, 4], [5, 3], [9, 8], [12, 10]):
        add(f"center_crop {size}", "center_crop", {"size": size}, rgb, F.center_crop(rgb, size))
    add("crop out of bounds", "crop", {"top": -2, "left": 3, "height": 6, "width": 7}, rgb, F.crop(rgb, -2, 3, 6, 7))
    for mode in ("constant", "edge", "reflect", "symmetric"):
        add(f"pad {mode}", "pad", {"padding": [2, 1, 3, 2], "fill": 0.5, "mode": mode}, gray,
            F.pad(gray, [2, 1, 3, 2], fill=0.5, padding_mode=mode))

    for f in (0.0, 0.5, 1.7):
        add(f"brightness {f}", "adjust_brightness", {"factor": f}, rgb, F.adjust_brightness(rgb, f))
        add(f"contrast {f}", "adjust_contrast", {"factor": f}, rgb, F.adjust_contrast(rgb, f))
        add(f"saturation {f}", "adjust_saturation", {"factor": f}, rgb, F.adjust_saturation(rgb, f))
    for h in (-0.5, -0.2, 0.0, 0.1, 0.45):
        add(f"hue {h}", "adjust_hue", {"factor": h}, rgb, F.adjust_hue(rgb, h))
    add("contrast gray", "adjust_contrast", {"factor": 0.6}, gray, F.adjust_contrast(gray, 0.6))

    with open(OUT, "w") as f:
        json.dump({"generator": GENERATOR, "torchvision": torchvision.__version__,
                   "inputs": {k: t(v) for k, v in inputs.items()}, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
