#!/usr/bin/python3
"""Reference values for dptrain's model engine, computed independently with PyTorch (float64).

README
------
Regenerate the fixture used by model/src/test/java/dev/dptrain/model/ReferenceValuesTest.java:

    cd /work/main            # the repository root
    /usr/bin/python3 scripts/reference/make_reference.py

It needs PyTorch and NumPy (Debian's python3-torch / python3-numpy; a pyenv `python3` without
torch will not do). It overwrites model/src/test/resources/reference/mlp_bn_dropout.json; the
output is deterministic (fixed NumPy seed, fixed dropout seed), so regenerating on any machine
gives the same file up to the last digit of float64 printing.

What it computes
----------------
Network (dptrain layer indices in brackets), batch of 4 examples with 6 features:

    [0] Dense(6->5) -> [1] BatchNorm1d(5, eps 1e-5, momentum 0.1, training mode)
    -> [2] ReLU -> [3] Dropout(p=0.5, inverted) -> [4] Dense(5->3)
    loss = softmax cross-entropy, REDUCTION SUM over the batch (dptrain losses are sums)

All parameters and inputs are drawn with a fixed NumPy seed and ROUNDED TO FLOAT32 before use, so
the Java test (float32) sees exactly the same numbers the float64 reference starts from.

The dropout mask is the one dptrain draws: Rng.derive(seed, layerIndex) (SplitMix64, re-implemented
below with explicit 64-bit masking), mask[i] = nextFloat() >= rate ? 1/(1-rate) : 0, over the batch
in batch-major order. The mask is also written to the fixture so the Java test can check that
Rng/Dropout reproduce it bit for bit (a cross-language determinism check).

Fixture contents: layer layout, parameters in dptrain's flat order (Dense: W out x in row-major,
then bias; BatchNorm: gamma then beta), inputs (batch-major), labels, seed, dropout mask,
training-mode logits, loss sum, gradient of every parameter (same flat order), BN batch mean and
biased variance at the BN input, running mean/var after one momentum-0.1 update (running var from
the UNBIASED batch variance, as PyTorch), and the eval-mode logits and loss sum with those
updated running statistics.
"""

import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


# ---------------------------------------------------------------- dev.dptrain.model.Rng (SplitMix64)
def _mix64(z):
    z &= M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def rng_mix(seed, *keys):
    h = _mix64((seed & M64) ^ 0x6A09E667F3BCC909)
    for k in keys:
        h = _mix64(h ^ _mix64(((k & M64) + GOLDEN) & M64))
    return h


class Rng:
    def __init__(self, seed):
        self.state = seed & M64

    @staticmethod
    def derive(seed, *keys):
        return Rng(rng_mix(seed, *keys))

    def next_long(self):
        self.state = (self.state + GOLDEN) & M64
        return _mix64(self.state)

    def next_float(self):
        # (nextLong() >>> 40) * 2^-24: exact in float32 and float64
        return (self.next_long() >> 40) * 2.0 ** -24


def to_signed64(u):
    u &= M64
    return u - (1 << 64) if u >= (1 << 63) else u


# ---------------------------------------------------------------- the fixed problem
N_IN, N_HID, N_OUT, BATCH = 6, 5, 3, 4
EPS, MOMENTUM, RATE = 1e-5, 0.1, 0.5
DROPOUT_LAYER_INDEX = 3
SEED = to_signed64(0xA5A5A5A55A5A5A5A)  # negative as a Java long: exercises the signed/unsigned mapping
LABELS = [0, 2, 1, 2]


def f32(a):
    """Rounds to float32 and returns float64, so both sides start from identical numbers."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def main():
    rs = np.random.RandomState(20240611)
    w1 = f32(rs.normal(0.0, np.sqrt(2.0 / N_IN), size=(N_HID, N_IN)))
    b1 = f32(rs.normal(0.0, 0.1, size=N_HID))
    gamma = f32(1.0 + 0.2 * rs.normal(size=N_HID))
    beta = f32(0.1 * rs.normal(size=N_HID))
    w2 = f32(rs.normal(0.0, np.sqrt(2.0 / N_HID), size=(N_OUT, N_HID)))
    b2 = f32(rs.normal(0.0, 0.1, size=N_OUT))
    x = f32(0.5 + 1.5 * rs.normal(size=(BATCH, N_IN)))

    # dptrain's dropout mask (Rng and keep factor in float32 semantics: 0.5f, 1/(1-0.5f) = 2 exactly)
    rate32 = float(np.float32(RATE))
    keep32 = float(np.float32(1.0) / (np.float32(1.0) - np.float32(RATE)))
    rng = Rng.derive(SEED, DROPOUT_LAYER_INDEX)
    mask = np.array([keep32 if rng.next_float() >= rate32 else 0.0 for _ in range(BATCH * N_HID)],
                    dtype=np.float64).reshape(BATCH, N_HID)

    t = lambda a: torch.tensor(a, dtype=torch.float64, requires_grad=True)
    W1, B1, G, BE, W2, B2 = t(w1), t(b1), t(gamma), t(beta), t(w2), t(b2)
    X = torch.tensor(x, dtype=torch.float64)
    Y = torch.tensor(LABELS, dtype=torch.long)
    MASK = torch.tensor(mask, dtype=torch.float64)

    bn = torch.nn.BatchNorm1d(N_HID, eps=EPS, momentum=MOMENTUM).double()
    with torch.no_grad():
        bn.weight.copy_(G)
        bn.bias.copy_(BE)
    bn.weight = torch.nn.Parameter(G)  # share the leaf so its .grad is ours
    bn.bias = torch.nn.Parameter(BE)
    init_running_mean = bn.running_mean.detach().clone().numpy()
    init_running_var = bn.running_var.detach().clone().numpy()

    # ---- training forward/backward
    bn.train()
    h1 = F.linear(X, W1, B1)
    h2 = bn(h1)
    h3 = torch.relu(h2)
    h4 = h3 * MASK
    logits = F.linear(h4, W2, B2)
    loss = F.cross_entropy(logits, Y, reduction="sum")
    grads = torch.autograd.grad(loss, [W1, B1, bn.weight, bn.bias, W2, B2])

    h1d = h1.detach().numpy()
    batch_mean = h1d.mean(axis=0)
    batch_var_biased = h1d.var(axis=0, ddof=0)
    batch_var_unbiased = h1d.var(axis=0, ddof=1)
    exp_running_mean = (1 - MOMENTUM) * init_running_mean + MOMENTUM * batch_mean
    exp_running_var = (1 - MOMENTUM) * init_running_var + MOMENTUM * batch_var_unbiased
    running_mean = bn.running_mean.detach().numpy().copy()
    running_var = bn.running_var.detach().numpy().copy()
    assert np.allclose(running_mean, exp_running_mean, rtol=1e-12, atol=1e-14)
    assert np.allclose(running_var, exp_running_var, rtol=1e-12, atol=1e-14)

    # Keep the reference away from the ReLU kink and from all-dropped rows, so float32 vs float64
    # rounding cannot flip a branch.
    pre_relu = h2.detach().numpy()
    assert np.min(np.abs(pre_relu)) > 1e-3, "pre-ReLU value too close to 0; pick another seed"
    assert (mask == 0).sum() > 0 and (mask.sum(axis=1) > 0).all(), "degenerate dropout mask"
    live = (pre_relu > 0) & (mask > 0)
    assert live.any(axis=0).all(), "a hidden unit is dead or dropped in every example; pick another seed"

    # ---- inference forward with the updated running statistics (dropout is the identity)
    bn.eval()
    with torch.no_grad():
        eval_logits = F.linear(torch.relu(bn(F.linear(X, W1, B1))), W2, B2)
        eval_loss = F.cross_entropy(eval_logits, Y, reduction="sum")

    flat = lambda arrs: [float(v) for a in arrs for v in np.asarray(a, dtype=np.float64).ravel()]
    params = flat([w1, b1, gamma, beta, w2, b2])
    grad = flat([g.detach().numpy() for g in grads])
    assert len(params) == len(grad) == 63

    fixture = {
        "description": "Dense(6->5) -> BatchNorm1d(5) -> ReLU -> Dropout(0.5) -> Dense(5->3), "
                       "softmax cross-entropy (sum); PyTorch " + torch.__version__ + " float64 "
                       "reference, written by scripts/reference/make_reference.py",
        "input_size": N_IN,
        "batch": BATCH,
        "layers": [
            {"type": "dense", "in": N_IN, "out": N_HID, "param_offset": 0, "param_count": N_HID * N_IN + N_HID},
            {"type": "batchnorm", "channels": N_HID, "eps": EPS, "momentum": MOMENTUM,
             "param_offset": 35, "param_count": 2 * N_HID, "state_offset": 0, "state_count": 2 * N_HID},
            {"type": "relu"},
            {"type": "dropout", "rate": RATE, "layer_index": DROPOUT_LAYER_INDEX},
            {"type": "dense", "in": N_HID, "out": N_OUT, "param_offset": 45, "param_count": N_OUT * N_HID + N_OUT},
        ],
        "loss": "softmax_cross_entropy",
        "param_count": len(params),
        "params": params,
        "inputs": flat([x]),
        "labels": LABELS,
        "seed": SEED,
        "dropout_mask": flat([mask]),
        "initial_state": flat([init_running_mean, init_running_var]),
        "train_logits": flat([logits.detach().numpy()]),
        "train_loss_sum": float(loss.item()),
        "grad": grad,
        "bn_batch_mean": flat([batch_mean]),
        "bn_batch_var_biased": flat([batch_var_biased]),
        "bn_running_mean": flat([running_mean]),
        "bn_running_var": flat([running_var]),
        "eval_logits": flat([eval_logits.numpy()]),
        "eval_loss_sum": float(eval_loss.item()),
    }

    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    out = os.path.join(root, "model", "src", "test", "resources", "reference", "mlp_bn_dropout.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print("wrote", out, file=sys.stderr)
    print("dropout mask:", mask.ravel().tolist(), file=sys.stderr)
    print("loss sum:", fixture["train_loss_sum"], " eval loss sum:", fixture["eval_loss_sum"], file=sys.stderr)


if __name__ == "__main__":
    main()
