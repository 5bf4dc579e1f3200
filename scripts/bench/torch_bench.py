#!/usr/bin/python3
"""PyTorch CPU baseline for docs/benchmarks.md: the same Fashion-MNIST models, data preparation and
optimiser as dptrain's TrainBench, so samples/s and time to accuracy compare like for like.

  torch_bench.py throughput --model mlp|cnn --threads 1|2 [--batches 128,512] [--steps 300] [--runs 3]
  torch_bench.py tta --model mlp|cnn --threads 1 --target 0.88 [--max-epochs 10] [--runs 3]
  common: [--out results.jsonl] [--data /usr/share/datasets/fashion-mnist]

Matches dptrain: pixels in [0,1] centred by the training-set mean (one scalar); He-normal (fan-in)
weights, zero biases; SGD momentum 0.9 (heavy ball), constant lr 0.05; weight decay 5e-4 added to
the gradient of every parameter BEFORE the gradient is clipped to global L2 norm 5 (dptrain's
order; torch's own weight_decay would be applied after clipping); BN eps 1e-5, momentum 0.1.
Every measured run prints 'RESULT {json}' and appends the JSON to --out.
Set OMP_WAIT_POLICY=PASSIVE for 2 threads (run-all.sh does) so idle OpenMP threads do not spin.
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
from torch import nn


def read_idx(path, magic):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    got = struct.unpack(">i", raw[:4])[0]
    if got != magic:
        raise SystemExit(f"{path}: IDX magic {got}, expected {magic}")
    if magic == 2051:
        n, rows, cols = struct.unpack(">iii", raw[4:16])
        return np.frombuffer(raw, dtype=np.uint8, count=n * rows * cols, offset=16).reshape(n, 1, rows, cols)
    n = struct.unpack(">i", raw[4:8])[0]
    return np.frombuffer(raw, dtype=np.uint8, count=n, offset=8)


def fashion(data_dir):
    def load(prefix):
        x = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"), 2051).astype(np.float32) / 255.0
        y = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"), 2049).astype(np.int64)
        return x, y
    xtr, ytr = load("train")
    xte, yte = load("t10k")
    mean = np.float32(xtr.mean(dtype=np.float64))
    return (torch.from_numpy(xtr - mean), torch.from_numpy(ytr),
            torch.from_numpy(xte - mean), torch.from_numpy(yte))


def model(name):
    if name == "mlp":
        net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 256), nn.BatchNorm1d(256), nn.ReLU(),
            nn.Linear(256, 256), nn.BatchNorm1d(256), nn.ReLU(),
            nn.Linear(256, 10))
    elif name == "cnn":
        net = nn.Sequential(
            nn.Conv2d(1, 20, 5), nn.BatchNorm2d(20), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(20, 50, 5), nn.BatchNorm2d(50), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(800, 500), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(500, 10))
    else:
        raise SystemExit(f"unknown model '{name}', expected mlp or cnn")
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            nn.init.zeros_(m.bias)
    return net


class Trainer:
    def __init__(self, net, lr=0.05, momentum=0.9, weight_decay=5e-4, clip=5.0):
        self.net = net
        self.params = [p for p in net.parameters()]
        self.opt = torch.optim.SGD(self.params, lr=lr, momentum=momentum)
        self.weight_decay = weight_decay
        self.clip = clip
        self.loss = nn.CrossEntropyLoss()

    def step(self, x, y):
        self.opt.zero_grad(set_to_none=True)
        loss = self.loss(self.net(x), y)
        loss.backward()
        with torch.no_grad():
            for p in self.params:
                p.grad.add_(p, alpha=self.weight_decay)
        torch.nn.utils.clip_grad_norm_(self.params, self.clip)
        self.opt.step()
        return loss


def emit(args, record):
    line = json.dumps(record)
    print("RESULT " + line, flush=True)
    if args.out:
        with open(args.out, "a") as f:
            f.write(line + "\n")


def throughput_run(args, xtr, ytr, batch, steps):
    torch.manual_seed(42)
    net = model(args.model)
    net.train()
    trainer = Trainer(net)
    n = xtr.shape[0]
    perm = torch.randperm(n)
    times = []
    for k in range(steps):
        idx = perm[(k * batch) % (n - batch):][:batch]
        x, y = xtr[idx], ytr[idx]
        trainer.step(x, y)
        times.append(time.perf_counter())
    start = steps // 4
    return batch * (steps - 1 - start) / (times[-1] - times[start])


def throughput(args, data):
    xtr, ytr, _, _ = data
    for batch in (int(b) for b in args.batches.split(",")):
        steps = max(16, args.steps * 128 // batch)  # same examples per run as TrainBench
        throughput_run(args, xtr, ytr, batch, max(steps // 4, 8))  # warm-up
        for r in range(args.runs):
            rate = throughput_run(args, xtr, ytr, batch, steps)
            emit(args, {"system": "pytorch", "model": args.model, "run": r, "threads": args.threads,
                        "batch": batch, "steps": steps, "samples_per_s": rate})


def accuracy(net, x, y):
    net.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x.shape[0], 1000):
            correct += (net(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
    net.train()
    return correct / x.shape[0]


def tta(args, data):
    xtr, ytr, xte, yte = data
    n = xtr.shape[0]
    for r in range(args.runs):
        torch.manual_seed(42 + r)
        net = model(args.model)
        net.train()
        trainer = Trainer(net)
        seconds, reached, accuracies = 0.0, None, []
        for epoch in range(args.max_epochs):
            t0 = time.perf_counter()
            perm = torch.randperm(n)
            for k in range(n // args.batch):  # dptrain drops the last partial batch too
                idx = perm[k * args.batch:(k + 1) * args.batch]
                trainer.step(xtr[idx], ytr[idx])
            seconds += time.perf_counter() - t0  # test evaluation is not timed
            acc = accuracy(net, xte, yte)
            accuracies.append(acc)
            print(f"tta {args.model} run {r} epoch {epoch + 1}: test acc {acc:.4f} at {seconds:.1f} s", flush=True)
            if acc >= args.target:
                reached = seconds
                break
        emit(args, {"system": "pytorch", "model": args.model, "run": r, "threads": args.threads,
                    "batch": args.batch, "target_accuracy": args.target, "tta_seconds": reached,
                    "epochs": len(accuracies), "accuracies": accuracies})


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["throughput", "tta"])
    p.add_argument("--model", default="mlp", choices=["mlp", "cnn"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=128, help="tta batch size")
    p.add_argument("--batches", default="128", help="throughput: comma-separated batch sizes")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--target", type=float, default=0.88)
    p.add_argument("--max-epochs", type=int, default=10)
    p.add_argument("--out")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    data = fashion(args.data)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}", flush=True)
    (throughput if args.mode == "throughput" else tta)(args, data)


if __name__ == "__main__":
    main()
