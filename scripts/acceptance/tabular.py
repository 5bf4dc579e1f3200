"""Helper of tabular.sh: exports scikit-learn's bundled data sets, fits sklearn's MLP baselines on
the same splits, and prints the comparison table.

  tabular.py export DIR   writes DIR/<name>/{train,test}.<ext>, DIR/<name>/run.conf (train.seed = 1)
                          and DIR/sklearn.json (sklearn's test figure for random_state 0, 1, 2)
  tabular.py reset DIR    writes DIR/digits/test-reset.csv: the test set with every feature that is
                          constant in the training data set to its training value
  tabular.py table DIR    reads DIR/sklearn.json and the final test figure of DIR/<name>/seed-*/train.out,
                          prints the table (means over the seeds), exits 1 when a row is outside its
                          tolerance

Small test sets make one seed a coin toss (wine: 45 test examples, one example = 2.2 points), so
both sides are compared by their mean over the same number of seeds.
"""
import csv
import json
import math
import re
import sys
from pathlib import Path

from sklearn import datasets
from sklearn.metrics import accuracy_score, mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

SEED = 0
SEEDS = 3
HIDDEN = 64
# The documented minimal config (README "Tabular data and regression"): one hidden layer of 64
# ReLU units, Adam at its default lr, data standardised per feature by default.
CONFIG = """model {{ input = [{d}], loss = {loss}, layers = [ {{ type = dense, units = {hidden} }}, {{ type = relu }},
                                    {{ type = dense, units = {out} }} ] }}
train {{ epochs = {epochs}, batch-size = 32, seed = 1, optimizer {{ type = adam }} }}
data {{ {data} }}
spark {{ master = "local[2]", partitions = 2, conf {{ "spark.ui.enabled" = "false" }} }}
output {{ dir = "{run}", progress = lines, log-every = 1000 }}
"""

# name, loader, kind, file format, how labels are written
SETS = [
    ("breast_cancer", datasets.load_breast_cancer, "binary", "libsvm"),
    ("wine", datasets.load_wine, "multiclass", "csv"),
    ("digits", datasets.load_digits, "multiclass", "csv"),
    ("diabetes", datasets.load_diabetes, "regression", "csv"),
]


def write_csv(path, X, labels, header):
    with open(path, "w") as f:
        if header:
            f.write(",".join(header) + ",target\n")
        for x, y in zip(X, labels):
            f.write(",".join(repr(float(v)) for v in x) + "," + str(y) + "\n")


def write_libsvm(path, X, labels):
    with open(path, "w") as f:
        for x, y in zip(X, labels):
            f.write(str(y) + "".join(f" {j + 1}:{float(v)!r}" for j, v in enumerate(x) if v != 0) + "\n")


def export(out):
    out = Path(out)
    results = {}
    for name, load, kind, fmt in SETS:
        data = load()
        X, y = data.data, data.target
        strat = None if kind == "regression" else y
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=SEED, stratify=strat)
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        if kind == "binary":
            # LibSVM's usual labels: -1 / +1
            write_libsvm(d / "train.libsvm", Xtr, ["+1" if v == 1 else "-1" for v in ytr])
            write_libsvm(d / "test.libsvm", Xte, ["+1" if v == 1 else "-1" for v in yte])
            source = f'format = libsvm, train = "{d}/train.libsvm", test = "{d}/test.libsvm", labels = auto'
            loss, width = "sigmoid_binary_cross_entropy", 1
        elif name == "wine":
            # string labels (the class names) in a named column of a CSV with a header
            names = list(data.target_names)
            write_csv(d / "train.csv", Xtr, [names[v] for v in ytr], [f"f{j}" for j in range(X.shape[1])])
            write_csv(d / "test.csv", Xte, [names[v] for v in yte], [f"f{j}" for j in range(X.shape[1])])
            source = (f'format = csv, train = "{d}/train.csv", test = "{d}/test.csv", header = true, '
                      'label-column = target, labels = auto')
            loss, width = "softmax_cross_entropy", len(names)
        elif kind == "multiclass":
            # class indices in the last column, no header
            write_csv(d / "train.csv", Xtr, list(ytr), None)
            write_csv(d / "test.csv", Xte, list(yte), None)
            source = f'format = csv, train = "{d}/train.csv", test = "{d}/test.csv", label-column = {X.shape[1]}'
            loss, width = "softmax_cross_entropy", int(y.max()) + 1
        else:
            write_csv(d / "train.csv", Xtr, [repr(float(v)) for v in ytr], [f"f{j}" for j in range(X.shape[1])])
            write_csv(d / "test.csv", Xte, [repr(float(v)) for v in yte], [f"f{j}" for j in range(X.shape[1])])
            source = (f'format = csv, train = "{d}/train.csv", test = "{d}/test.csv", header = true, '
                      'label-column = target, standardize-target = true')
            loss, width = "mse", 1
        epochs = 200 if kind == "regression" else 100
        (d / "run.conf").write_text(CONFIG.format(d=X.shape[1], loss=loss, hidden=HIDDEN, out=width, epochs=epochs,
                                                  data=source, run=d / "run"))
        figures = []
        for seed in range(SEEDS):
            if kind == "regression":
                m = make_pipeline(StandardScaler(), MLPRegressor((HIDDEN,), max_iter=5000, random_state=seed))
                m.fit(Xtr, ytr)
                figures.append(math.sqrt(mean_squared_error(yte, m.predict(Xte))))
            else:
                m = make_pipeline(StandardScaler(), MLPClassifier((HIDDEN,), max_iter=2000, random_state=seed))
                m.fit(Xtr, ytr)
                figures.append(accuracy_score(yte, m.predict(Xte)))
        results[name] = {"metric": "rmse" if kind == "regression" else "accuracy", "sklearn": figures,
                         "test_examples": len(yte)}
    (out / "sklearn.json").write_text(json.dumps(results, indent=1))


def constant_features(train_csv, label_at):
    rows = [r for r in csv.reader(open(train_csv))]
    return {j: rows[0][j] for j in range(len(rows[0])) if j != label_at and len({r[j] for r in rows}) == 1}


def reset(out):
    """The digits test set with the training-constant pixels at their training value."""
    d = Path(out) / "digits"
    const = constant_features(d / "train.csv", 64)
    with open(d / "test-reset.csv", "w") as f:
        for r in csv.reader(open(d / "test.csv")):
            f.write(",".join(const.get(j, v) for j, v in enumerate(r)) + "\n")


def constant_row(out):
    """How many digits test rows differ from training in a training-constant pixel, and how many of
    their predicted classes change when those pixels are reset to the training value."""
    d = Path(out) / "digits"
    const = constant_features(d / "train.csv", 64)
    test = list(csv.reader(open(d / "test.csv")))
    moved = [i for i, r in enumerate(test) if any(r[j] != v for j, v in const.items())]
    a = list(csv.reader(open(d / "predictions.csv")))[1:]
    b = list(csv.reader(open(d / "predictions-reset.csv")))[1:]
    changed = [i for i in moved if a[i][1] != b[i][1]]
    print(f"digits: {len(const)} pixels are constant in training; {len(moved)} test rows differ there; "
          f"their predicted class changes for {len(changed)} when those pixels are reset")
    return len(changed)


def table(out):
    out = Path(out)
    results = json.loads((out / "sklearn.json").read_text())
    print(f"{'data set':<14} {'metric':<9} {'dptrain':>9} {'sklearn MLP':>12} {'difference':>11}  within"
          f"   (means over {SEEDS} seeds; per seed: dptrain / sklearn)")
    bad = 0
    for name, r in results.items():
        ours = []
        for f in sorted((out / name).glob("seed-*/train.out")):
            m = re.search(r"final test .*?" + ("accuracy ([0-9.]+)" if r["metric"] == "accuracy" else r"rmse ([0-9.e+-]+)"),
                          f.read_text())
            ours.append(float(m.group(1)) if m else float("nan"))
        mine, theirs = sum(ours) / len(ours), sum(r["sklearn"]) / len(r["sklearn"])
        if r["metric"] == "accuracy":
            diff = 100 * (mine - theirs)
            ok = diff >= -1.0  # within 1 point (or better)
            cells = (f"{100 * mine:8.2f}%", f"{100 * theirs:11.2f}%", f"{diff:+8.2f} pt")
            seeds = " ".join(f"{100 * v:.1f}" for v in ours) + " / " + " ".join(f"{100 * v:.1f}" for v in r["sklearn"])
        else:
            diff = 100 * (mine / theirs - 1)
            ok = diff <= 5.0  # within 5% (or better)
            cells = (f"{mine:9.3f}", f"{theirs:12.3f}", f"{diff:+9.2f} %")
            seeds = " ".join(f"{v:.2f}" for v in ours) + " / " + " ".join(f"{v:.2f}" for v in r["sklearn"])
        bad += not ok
        print(f"{name:<14} {r['metric']:<9} {cells[0]:>9} {cells[1]:>12} {cells[2]:>11}  {'yes' if ok else 'NO ':<3}"
              f"   {seeds}   ({r['test_examples']} test examples)")
    bad += constant_row(out) > 0
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("export", "reset", "table"):
        sys.exit(__doc__)
    sys.exit({"export": export, "reset": reset, "table": table}[sys.argv[1]](sys.argv[2]))
