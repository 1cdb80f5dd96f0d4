#!/usr/bin/env python3
"""PyTorch twin of `fovea train --model convnet` (and, with --model lenet, of
the default `fovea train`) for the wall-time comparison.

Same model (the benchmark's convnet or lenet), optimiser (SGD lr 0.02, momentum 0.9,
weight decay 5e-4, cosine schedule over the epochs), batch 64, data
(MNIST normalised with mean 0.1307 / std 0.3081) and a held-out 10% split.
Prints one JSON line per epoch with the training seconds so far and the
validation accuracy, then the seconds to the first epoch at >= 99%.

  /usr/bin/python3 bench/pytorch-convnet-mnist.py [--model convnet|lenet] [--data DIR] [--threads 2] [--epochs 10] [--stop-at 0.99]

DIR holds the four MNIST IDX files (.gz or not); default: ../shared/data/mnist.
Needs Debian's python3-torch (no torchvision).
"""
import argparse, gzip, json, os, struct, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    for p in (path, path + '.gz'):
        if os.path.exists(p):
            data = (gzip.open if p.endswith('.gz') else open)(p, 'rb').read()
            ndim = data[3]
            dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
    raise FileNotFoundError(path)


def convnet():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 10))


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--data', default=os.path.join(here, '..', '..', 'shared', 'data', 'mnist'))
    ap.add_argument('--model', choices=['convnet', 'lenet'], default='convnet')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--stop-at', type=float, default=None, help='stop after the first epoch whose validation accuracy reaches this')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x = read_idx(os.path.join(a.data, 'train-images-idx3-ubyte')).astype(np.float32) / 255
    y = read_idx(os.path.join(a.data, 'train-labels-idx1-ubyte')).astype(np.int64)
    x = torch.from_numpy((x - 0.1307) / 0.3081).unsqueeze(1)
    y = torch.from_numpy(y)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(a.seed))
    val, train = perm[:6000], perm[6000:]
    model = convnet() if a.model == 'convnet' else lenet()
    opt = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.epochs)
    seconds, to99 = 0.0, None
    for epoch in range(1, a.epochs + 1):
        model.train()
        t0 = time.perf_counter()
        order = train[torch.randperm(len(train))]
        for i in range(0, len(order), 64):
            idx = order[i:i + 64]
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
        sched.step()
        seconds += time.perf_counter() - t0
        model.eval()
        with torch.no_grad():
            acc = sum((model(x[val[i:i + 500]]).argmax(1) == y[val[i:i + 500]]).sum().item() for i in range(0, len(val), 500)) / len(val)
        print(json.dumps({'epoch': epoch, 'train_seconds': round(seconds, 2), 'val_accuracy': acc}), flush=True)
        if to99 is None and acc >= 0.99:
            to99 = seconds
        if a.stop_at is not None and acc >= a.stop_at:
            break
    print(json.dumps({'peer': 'pytorch', 'model': a.model, 'threads': a.threads, 'seconds_to_99': to99, 'epochs': a.epochs}))


if __name__ == '__main__':
    main()
