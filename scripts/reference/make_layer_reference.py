#!/usr/bin/python3
"""Reference values for dptrain's per-example normalisations, weight-normalised dense, PReLU and
Maxout, computed independently with PyTorch (float64).

README
------
Regenerate the fixture used by model/src/test/java/dev/dptrain/model/LayerReferenceTest.java:

    cd <repository root>
    /usr/bin/python3 scripts/reference/make_layer_reference.py

Needs Debian's python3-torch / python3-numpy. Overwrites
model/src/test/resources/reference/layers.json; deterministic (fixed NumPy seed).

What it computes
----------------
For each case: one layer on a small batch, with parameters and inputs drawn from a fixed NumPy seed
and ROUNDED TO FLOAT32 (so the float32 Java side starts from exactly the same numbers), the
objective L = sum(r * y) with fixed weights r (also float32-exact), and in float64:
  y        the layer output (batch-major, CHW per example)
  dx       dL/dx
  dparams  dL/dparams in dptrain's flat parameter order (given per case below)

Cases and the PyTorch function each is checked against (eps 1e-5 unless given):
  groupnorm_image      F.group_norm, 3 groups, eps 0.05, on (2,6,2,3)        params: gamma(6), beta(6)
  groupnorm_vector     F.group_norm, 2 groups, on (3, 6)               params: gamma(6), beta(6)
  layernorm_image      F.layer_norm over [3, 2, 3] on (2, 3, 2, 3)     params: weight(18), bias(18), CHW
  layernorm_vector     F.layer_norm over [7], eps 0.05, on (3, 7)       params: weight(7), bias(7)
  instancenorm_affine  F.instance_norm, affine, eps 0.05, (2,3,3,3)        params: weight(3), bias(3)
  instancenorm_plain   F.instance_norm on (2, 3, 2, 2)                 no params
  prelu_channel        F.prelu, 3 slopes, on (2, 3, 2, 2)              params: a(3)
  prelu_shared         F.prelu, 1 slope, on (3, 5)                     params: a(1)
  weightnorm_dense     torch._weight_norm(v, g, dim=0) then F.linear   params: v(4x5), g(4), b(4)
  maxout               F.linear to 3*2 values, max over groups of 2    params: W(6x5), b(6)
  conv2d_s2_p1         F.conv2d, 3 filters 3x3, stride 2, padding 1, (2,2,5,6)   params: W(3x2x3x3), b(3)
  conv2d_5x5           F.conv2d, 2 filters 5x5, no bias, on (2,1,7,7)     params: W(2x1x5x5)
  maxpool_2            F.max_pool2d(2) on (2,3,4,6)                   no params
  maxpool_3_s2_p1      F.max_pool2d(3, 2, 1) on (2,2,5,5)             no params
  avgpool_2            F.avg_pool2d(2) on (2,3,4,6)                   no params
  avgpool_3_s2_p1      F.avg_pool2d(3, 2, 1), count_include_pad, (2,2,5,5)  no params
  global_avgpool       mean over H, W on (2,3,3,4)                    no params
  batchnorm2d          F.batch_norm, training mode, on (3,4,3,3)      params: gamma(4), beta(4)
  conv2d_weightnorm    torch._weight_norm(v, g, 0) then F.conv2d, 3x3 pad 1  params: v(3x2x3x3), g(3), b(3)

The "layer" object of each case is the dptrain config entry the Java test builds the layer from.
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F

EPS = 1e-5   # dptrain's (and PyTorch's) default, pinned by the cases without an "eps" key
BIG_EPS = 0.05  # large against the variances (~0.3 to 9), so that a dropped or misplaced eps shows
rs = np.random.RandomState(20261122)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def tensor(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def flat(arrs):
    return [float(v) for a in arrs for v in np.asarray(a, dtype=np.float64).ravel()]


def away_from_zero(shape, lo=0.1, hi=2.0):
    m = rs.uniform(lo, hi, size=shape)
    return np.where(rs.uniform(size=shape) < 0.5, -m, m)


def case(name, layer, input_shape, x, params, forward):
    """forward(X, *P) -> Y; records y, dx and dparams for L = sum(r * y)."""
    x = f32(x)
    params = [f32(p) for p in params]
    X = tensor(x)
    P = [tensor(p) for p in params]
    Y = forward(X, *P)
    r = f32(rs.uniform(-1, 1, size=tuple(Y.shape)))
    L = (Y * torch.tensor(r, dtype=torch.float64)).sum()
    grads = torch.autograd.grad(L, [X] + P)
    return {
        "name": name,
        "layer": layer,
        "input_shape": input_shape,
        "batch": int(x.shape[0]),
        "params": flat(params),
        "x": flat([x]),
        "r": flat([r]),
        "y": flat([Y.detach().numpy()]),
        "dx": flat([grads[0].numpy()]),
        "dparams": flat([g.numpy() for g in grads[1:]]),
    }


def scaled_channels(shape):
    """Inputs whose channels differ in mean and spread, so that the normalisation matters."""
    x = rs.normal(size=shape)
    c = shape[1]
    bshape = (1, c) + (1,) * (len(shape) - 2)
    return x * np.linspace(0.5, 3.0, c).reshape(bshape) + np.linspace(-1.0, 2.0, c).reshape(bshape)


def affine(n):
    return [1 + 0.3 * rs.normal(size=n), 0.2 * rs.normal(size=n)]


def main():
    cases = [
        case("groupnorm_image", {"type": "groupnorm", "groups": 3, "eps": BIG_EPS}, [6, 2, 3],
             scaled_channels((2, 6, 2, 3)), affine(6), lambda X, g, b: F.group_norm(X, 3, g, b, BIG_EPS)),
        case("groupnorm_vector", {"type": "groupnorm", "groups": 2}, [6],
             scaled_channels((3, 6)), affine(6), lambda X, g, b: F.group_norm(X, 2, g, b, EPS)),
        case("layernorm_image", {"type": "layernorm"}, [3, 2, 3],
             scaled_channels((2, 3, 2, 3)), [p.reshape(3, 2, 3) for p in affine(18)],
             lambda X, g, b: F.layer_norm(X, [3, 2, 3], g, b, EPS)),
        case("layernorm_vector", {"type": "layernorm", "eps": BIG_EPS}, [7],
             scaled_channels((3, 7)), affine(7), lambda X, g, b: F.layer_norm(X, [7], g, b, BIG_EPS)),
        case("instancenorm_affine", {"type": "instancenorm", "affine": True, "eps": BIG_EPS}, [3, 3, 3],
             scaled_channels((2, 3, 3, 3)), affine(3),
             lambda X, g, b: F.instance_norm(X, weight=g, bias=b, eps=BIG_EPS)),
        case("instancenorm_plain", {"type": "instancenorm"}, [3, 2, 2],
             scaled_channels((2, 3, 2, 2)), [], lambda X: F.instance_norm(X, eps=EPS)),
        case("prelu_channel", {"type": "prelu", "mode": "channel"}, [3, 2, 2],
             away_from_zero((2, 3, 2, 2)), [rs.uniform(0.05, 0.5, size=3)], lambda X, a: F.prelu(X, a)),
        case("prelu_shared", {"type": "prelu"}, [5],
             away_from_zero((3, 5)), [rs.uniform(0.05, 0.5, size=1)], lambda X, a: F.prelu(X, a)),
        case("weightnorm_dense", {"type": "dense", "units": 4, "weight-norm": True}, [5],
             rs.uniform(-1, 1, size=(3, 5)),
             [rs.normal(0, 0.6, size=(4, 5)), rs.uniform(0.5, 1.5, size=4), 0.1 * rs.normal(size=4)],
             lambda X, v, g, b: F.linear(X, torch._weight_norm(v, g.unsqueeze(1), 0), b)),
    ]

    units, pieces, batch = 3, 2, 4
    mx_x = f32(rs.uniform(-1, 1, size=(batch, 5)))
    mx_w = f32(rs.normal(0, 0.6, size=(units * pieces, 5)))
    mx_b = f32(0.1 * rs.normal(size=units * pieces))
    z = (mx_x @ mx_w.T + mx_b).reshape(batch, units, pieces)
    # float32 and float64 must pick the same piece, and the argmax routing must be exercised.
    assert np.min(np.abs(z[..., 0] - z[..., 1])) > 1e-3, "maxout pieces nearly tied; pick another seed"
    assert 0 < (z[..., 0] > z[..., 1]).sum() < z[..., 0].size, "one piece always wins; pick another seed"
    cases.append(case("maxout", {"type": "maxout", "units": units, "pieces": pieces}, [5], mx_x, [mx_w, mx_b],
                      lambda X, W, b: F.linear(X, W, b).view(X.shape[0], units, pieces).amax(-1)))

    cases += [
        case("conv2d_s2_p1", {"type": "conv2d", "filters": 3, "kernel": 3, "stride": 2, "padding": 1}, [2, 5, 6],
             rs.uniform(-1, 1, size=(2, 2, 5, 6)), [rs.normal(0, 0.5, size=(3, 2, 3, 3)), 0.2 * rs.normal(size=3)],
             lambda X, W, b: F.conv2d(X, W, b, stride=2, padding=1)),
        case("conv2d_5x5", {"type": "conv2d", "filters": 2, "kernel": 5, "bias": False}, [1, 7, 7],
             rs.uniform(-1, 1, size=(2, 1, 7, 7)), [rs.normal(0, 0.3, size=(2, 1, 5, 5))],
             lambda X, W: F.conv2d(X, W)),
        case("maxpool_2", {"type": "maxpool", "kernel": 2}, [3, 4, 6],
             rs.normal(size=(2, 3, 4, 6)), [], lambda X: F.max_pool2d(X, 2)),
        case("maxpool_3_s2_p1", {"type": "maxpool", "kernel": 3, "stride": 2, "padding": 1}, [2, 5, 5],
             rs.normal(size=(2, 2, 5, 5)), [], lambda X: F.max_pool2d(X, 3, 2, 1)),
        case("avgpool_2", {"type": "avgpool", "kernel": 2}, [3, 4, 6],
             rs.normal(size=(2, 3, 4, 6)), [], lambda X: F.avg_pool2d(X, 2)),
        case("avgpool_3_s2_p1", {"type": "avgpool", "kernel": 3, "stride": 2, "padding": 1}, [2, 5, 5],
             rs.normal(size=(2, 2, 5, 5)), [], lambda X: F.avg_pool2d(X, 3, 2, 1)),
        case("global_avgpool", {"type": "global_avgpool"}, [3, 3, 4],
             rs.normal(size=(2, 3, 3, 4)), [], lambda X: X.mean(dim=(2, 3))),
        case("batchnorm2d", {"type": "batchnorm"}, [4, 3, 3],
             scaled_channels((3, 4, 3, 3)), affine(4),
             lambda X, g, b: F.batch_norm(X, None, None, g, b, training=True, eps=EPS)),
        case("conv2d_weightnorm", {"type": "conv2d", "filters": 3, "kernel": 3, "padding": 1, "weight-norm": True},
             [2, 4, 4], rs.uniform(-1, 1, size=(2, 2, 4, 4)),
             [rs.normal(0, 0.5, size=(3, 2, 3, 3)), rs.uniform(0.5, 1.5, size=3), 0.1 * rs.normal(size=3)],
             lambda X, v, g, b: F.conv2d(X, torch._weight_norm(v, g.view(-1, 1, 1, 1), 0), b, padding=1)),
    ]

    fixture = {
        "description": "per-layer reference values, PyTorch " + torch.__version__
                       + " float64, written by scripts/reference/make_layer_reference.py",
        "cases": cases,
    }
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = os.path.join(root, "model", "src", "test", "resources", "reference", "layers.json")
    with open(out, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print("wrote", out, "with", len(cases), "cases")


if __name__ == "__main__":
    main()
