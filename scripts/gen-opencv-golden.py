#!/usr/bin/env python3
"""Generate OpenCV golden values for fovea's filter2d (src/vision/filter2d.ts).

Run with Debian's Python (where `apt-get install python3-opencv` puts cv2):

    /usr/bin/python3 scripts/gen-opencv-golden.py

Writes test/fixtures/golden/filter2d.json:
    {"generator", "opencv", "cases": [{"name", "image": {"shape": [H, W], "data"},
      "kernel": [[...]], "anchor": [x, y], "border": "constant|replicate|reflect|reflect101",
      "output": {"shape", "data"}}]}
Every output is cv2.filter2D(image, -1, kernel, anchor=anchor, delta=0,
borderType=...) on float32 images. Kernels stay small (<= 7x7) so OpenCV
uses direct correlation, not its DFT path. Inputs come from a seeded
numpy generator, so reruns give the same file.
"""

import json
import os

import cv2
import numpy as np

GENERATOR = "scripts/gen-opencv-golden.py"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "golden", "filter2d.json")
BORDERS = {
    "constant": cv2.BORDER_CONSTANT,
    "replicate": cv2.BORDER_REPLICATE,
    "reflect": cv2.BORDER_REFLECT,
    "reflect101": cv2.BORDER_REFLECT_101,
}


def f32(values):
    return [float(f"{float(v):.9g}") for v in np.asarray(values, dtype=np.float32).ravel()]


def main():
    rng = np.random.default_rng(20240601)
    images = {
        "7x9": rng.random((7, 9), dtype=np.float32),
        "5x4": rng.standard_normal((5, 4)).astype(np.float32),
        "2x3": rng.random((2, 3), dtype=np.float32),
    }
    edge4 = [[-1, -1, 1, 1]] * 4
    kernels = {
        "sobel_x": ([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], (-1, -1)),
        "random3x3": (rng.standard_normal((3, 3)).round(3).tolist(), (-1, -1)),
        "edge4": (edge4, (-1, -1)),
        "row1x5": ([[1, -2, 3, -4, 5]], (-1, -1)),
        "col5x1": ([[0.5], [1], [-1], [2], [0.25]], (-1, -1)),
        "2x3_anchor": ([[1, 2, 3], [4, 5, 6]], (0, 1)),
        "gauss5": ((np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1]) / 256).tolist(), (-1, -1)),
    }
    cases = []
    for iname, img in images.items():
        for kname, (kernel, anchor) in kernels.items():
            k = np.asarray(kernel, dtype=np.float32)
            for bname, btype in BORDERS.items():
                out = cv2.filter2D(img, -1, k, anchor=anchor, delta=0, borderType=btype)
                ax = anchor[0] if anchor[0] >= 0 else k.shape[1] // 2
                ay = anchor[1] if anchor[1] >= 0 else k.shape[0] // 2
                cases.append({
                    "name": f"{iname}/{kname}/{bname}",
                    "image": {"shape": list(img.shape), "data": f32(img)},
                    "kernel": [[float(v) for v in row] for row in k.tolist()],
                    "anchor": [int(ax), int(ay)],
                    "border": bname,
                    "output": {"shape": list(out.shape), "data": f32(out)},
                })
    with open(OUT, "w") as f:
        json.dump({"generator": GENERATOR, "opencv": cv2.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
