#!/usr/bin/python3
"""Turns one run of scripts/bench/run-all.sh (results.jsonl, jmh.json, machine-*.json in --dir) into
docs/benchmarks.md and docs/benchmarks.json: medians with min-max over runs, ratios against PyTorch
and DL4J, the targets, and the fitted scaling model  T(P) = c*B/P + o(P) + S(P)/bw."""
import argparse
import json
import math
import os
import statistics
from collections import defaultdict

CNN_MISSING = "not measured: CNN layers not merged yet"


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def fmt(s, digits=0, unit=""):
    if s is None:
        return "n/a"
    f = f"{{:,.{digits}f}}"
    return f"{f.format(s['median'])}{unit} ({f.format(s['min'])}–{f.format(s['max'])})"


def ratio(a, b):
    if a is None or b is None or not b["median"]:
        return None
    return a["median"] / b["median"]


def fr(r):
    return "n/a" if r is None else f"{r:.2f}x"


class Results:
    def __init__(self, rows):
        self.rows = rows

    def pick(self, **kw):
        return [r for r in self.rows if all(r.get(k) == v for k, v in kw.items())]

    def stat(self, field, **kw):
        return summary([r.get(field) for r in self.pick(**kw)])


def throughput_table(res, models_measured):
    lines = ["| model | system | threads | batch | samples/s median (min–max) | runs |", "|---|---|---|---|---|---|"]
    out = []
    for model in ("mlp", "cnn"):
        for system in ("dptrain-engine", "pytorch"):
            for threads in (1, 2):
                batches = sorted({r["batch"] for r in res.pick(system=system, model=model, threads=threads)
                                  if "samples_per_s" in r})
                if system == "dptrain-engine" and model not in models_measured:
                    lines.append(f"| {model} | {system} | {threads} | 128 | {CNN_MISSING} | 0 |")
                    continue
                for b in batches:
                    s = res.stat("samples_per_s", system=system, model=model, threads=threads, batch=b)
                    lines.append(f"| {model} | {system} | {threads} | {b} | {fmt(s)} | {s['runs']} |")
                    out.append({"model": model, "system": system, "threads": threads, "batch": b, "samples_per_s": s})
    return lines, out


def transport(r):
    return r.get("transport", "broadcast")  # results from before the channel transport existed


def spark_table(res):
    lines = ["| master | transport | global batch | samples/s | vs engine 1 thread | step ms | compute ms | overhead ms | "
             "floor job ms | overhead beyond floor ms | returned B/step via Spark |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    out = []
    keys = []
    for r in res.pick(system="dptrain-spark"):
        if (r["master"], transport(r)) not in keys:
            keys.append((r["master"], transport(r)))
    for m, t in keys:
        rows = [r for r in res.pick(system="dptrain-spark", master=m) if transport(r) == t]
        for b in sorted({r["global_batch"] for r in rows}):
            sel = Results([r for r in rows if r["global_batch"] == b])
            row = {k: sel.stat(k) for k in ("samples_per_s", "step_ms", "compute_ms", "overhead_ms", "floor_ms",
                                            "overhead_beyond_floor_ms", "broadcast_bytes", "returned_bytes_per_step",
                                            "vs_engine", "engine_samples_per_s")}
            row.update({"master": m, "transport": t, "global_batch": b, "partitions": sel.rows[0]["partitions"]})
            out.append(row)
            vs = "n/a" if row["vs_engine"] is None else f"{row['vs_engine']['median']:.2f}x"
            lines.append(f"| {m} | {t} | {b} | {fmt(row['samples_per_s'])} | {vs} | {fmt(row['step_ms'], 1)} | "
                         f"{fmt(row['compute_ms'], 1)} | {fmt(row['overhead_ms'], 1)} | {fmt(row['floor_ms'], 1)} | "
                         f"{fmt(row['overhead_beyond_floor_ms'], 1)} | "
                         f"{row['returned_bytes_per_step']['median']:,.0f} |")
    return lines, out


def spark_stat(res, field, master, batch, transport_):
    return summary([r.get(field) for r in res.pick(system="dptrain-spark", master=master, global_batch=batch)
                    if transport(r) == transport_])


def dl4j_table(res, dl4j_failures):
    lines = ["| master | global batch | averaging frequency | DL4J samples/s | dptrain local[2] samples/s (channel) | dptrain / DL4J |",
             "|---|---|---|---|---|---|"]
    out = []
    for b in (128, 512):
        for f in (1, 5):
            d = res.stat("samples_per_s", system="dl4j-spark", global_batch=b, averaging_frequency=f)
            ours = spark_stat(res, "samples_per_s", "local[2]", b, "channel")
            if d is None:
                why = dl4j_failures.get((b, f), "not run")
                lines.append(f"| local[2] | {b} | {f} | {why} | {fmt(ours)} | n/a |")
                continue
            out.append({"global_batch": b, "averaging_frequency": f, "dl4j": d, "dptrain": ours,
                        "ratio": ratio(ours, d)})
            lines.append(f"| local[2] | {b} | {f} | {fmt(d, 1)} | {fmt(ours)} | {fr(ratio(ours, d))} |")
    return lines, out


def tta_table(res, models_measured):
    lines = ["| model | target | system | threads | seconds to target, median (min–max) | epochs | runs reaching target |",
             "|---|---|---|---|---|---|---|"]
    out = []
    for model, target in (("mlp", 0.88), ("cnn", 0.91)):
        for system in ("dptrain-engine", "pytorch"):
            rows = [r for r in res.pick(system=system, model=model) if "tta_seconds" in r]
            if not rows:
                why = CNN_MISSING if (system == "dptrain-engine" and model not in models_measured) else "not run"
                lines.append(f"| {model} | {target:.0%} | {system} | – | {why} | – | – |")
                continue
            s = summary([r["tta_seconds"] for r in rows])
            reached = sum(1 for r in rows if r["tta_seconds"] is not None)
            epochs = statistics.median(r["epochs"] for r in rows)
            threads = rows[0]["threads"]
            lines.append(f"| {model} | {target:.0%} | {system} | {threads} | {fmt(s, 1, ' s')} | {epochs:g} | "
                         f"{reached}/{len(rows)} |")
            out.append({"model": model, "system": system, "threads": threads, "target": target,
                        "tta_seconds": s, "reached": reached, "runs": len(rows),
                        "accuracies": [r["accuracies"] for r in rows]})
    return lines, out


def scaling_model(all_spark_rows):
    """Least-squares fit of per-step time T(P, B) = c*B/P + o0 + o1*P + S(P)/bw (seconds).

    compute: slowest task's compute time = c*B/P + c0 (c0, fixed per-task cost, goes to overhead);
    o(P) = o0 + o1*P from local[1] and local[2], where every byte stays in one JVM; the bandwidth
    term from the standalone cluster's extra non-compute time over local[2] at the same P, with
    S(P) = P * (broadcast + returned bytes per task): depth-1 aggregation brings P results to the
    driver and the driver serves (at worst) P copies of the broadcast.
    """
    spark_rows = [r for r in all_spark_rows if r["transport"] == "broadcast"]
    pts = [(r["master"], r["partitions"], r["global_batch"], r["compute_ms"]["median"] / 1e3,
            (r["step_ms"]["median"] - r["compute_ms"]["median"]) / 1e3,
            r["broadcast_bytes"]["median"], r["returned_bytes_per_step"]["median"] / r["partitions"])
           for r in spark_rows]
    if not pts:
        return None
    # compute = c * (B/P) + c0
    xs = [b / p for _, p, b, _, _, _, _ in pts]
    ys = [c for _, _, _, c, _, _, _ in pts]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    c = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else my / mx
    c0 = my - c * mx
    local = [p for p in pts if p[0].startswith("local")]
    by_p = defaultdict(list)
    for m, p, b, comp, non, _, _ in local:
        by_p[p].append(non)
    o_at = {p: statistics.median(v) for p, v in by_p.items()}
    if 1 in o_at and 2 in o_at:
        o1 = max(0.0, o_at[2] - o_at[1])
        o0 = o_at[1] - o1
    else:
        o1, o0 = 0.0, statistics.median(next(iter(o_at.values())))
    bw, bw_note = None, "no standalone-cluster measurement"
    cluster = [p for p in pts if not p[0].startswith("local")]
    if cluster:
        extra, bytes_ = [], []
        for m, p, b, comp, non, bc, ret in cluster:
            base = o0 + o1 * p
            extra.append(non - base)
            bytes_.append(p * (bc + ret))
        e = statistics.median(extra)
        if e > 0:
            bw = statistics.median(bytes_) / e
            bw_note = "fitted from the standalone cluster's extra non-compute time over local mode"
        else:
            bw_note = "the cluster showed no extra time over local mode; bandwidth term unmeasurable"
    bytes_per_task = statistics.median(bc + ret for _, _, _, _, _, bc, ret in pts)
    return {"c_s_per_sample": c, "c0_s": c0, "o0_s": o0, "o1_s": o1, "bw_bytes_per_s": bw, "bw_note": bw_note,
            "bytes_per_task": bytes_per_task}


def project(model, p, batch, bw):
    compute = model["c_s_per_sample"] * batch / p
    over = model["c0_s"] + model["o0_s"] + model["o1_s"] * p + (p * model["bytes_per_task"] / bw if bw else 0)
    return compute / (compute + over)


def batch_for(model, p, eff, bw):
    over = model["c0_s"] + model["o0_s"] + model["o1_s"] * p + (p * model["bytes_per_task"] / bw if bw else 0)
    # c*B/P >= eff/(1-eff) * over
    return math.ceil(eff / (1 - eff) * over * p / model["c_s_per_sample"])


def kernels_table(jmh_path):
    if not os.path.exists(jmh_path):
        return ["JMH kernels not run."], []
    lines = ["| benchmark | parameters | µs/op (error) | GFLOP/s |", "|---|---|---|---|"]
    out = []
    for b in json.load(open(jmh_path)):
        name = b["benchmark"].rsplit(".", 2)[-2] + "." + b["benchmark"].rsplit(".", 1)[-1]
        params = {k: v for k, v in b.get("params", {}).items() if k != "confDir"}
        score, err = float(b["primaryMetric"]["score"]), float(b["primaryMetric"]["scoreError"])
        gflops = ""
        if "shape" in params:
            m, k, n = (int(x) for x in params["shape"].split("x"))
            gflops = f"{2 * m * k * n / (score * 1e-6) / 1e9:.1f}"
        err_s = "" if err != err else f" (±{err:.1f})"  # NaN error with < 3 iterations
        lines.append(f"| {name} | {', '.join(f'{k}={v}' for k, v in params.items())} | {score:,.1f}{err_s} | {gflops} |")
        out.append({"benchmark": name, "params": params, "us_per_op": score, "error": None if err != err else err})
    return lines, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--md", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--blas", default="unknown")
    ap.add_argument("--torch", default="unknown")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    res = Results(load(os.path.join(a.dir, "results.jsonl")))
    m_start = json.load(open(os.path.join(a.dir, "machine-start.json")))
    end_path = os.path.join(a.dir, "machine-end.json")  # absent when the suite was cut short
    m_end = json.load(open(end_path)) if os.path.exists(end_path) else m_start
    models_measured = {r["model"] for r in res.pick(system="dptrain-engine")}
    dl4j_failures = {}
    for b in (128, 512):
        for f in (1, 5):
            log = os.path.join(a.dir, f"dl4j-{b}-{f}.log")
            if os.path.exists(log) and "RESULT" not in open(log).read():
                tail = [l for l in open(log).read().splitlines() if "Exception" in l or "Error" in l]
                dl4j_failures[(b, f)] = "failed: " + (tail[0][:160] if tail else "see log")

    tput_lines, tput = throughput_table(res, models_measured)
    spark_lines, spark = spark_table(res)
    dl4j_lines, dl4j = dl4j_table(res, dl4j_failures)
    tta_lines, tta = tta_table(res, models_measured)
    kern_lines, kern = kernels_table(os.path.join(a.dir, "jmh.json"))
    model = scaling_model(spark)

    def eng(model_, threads, batch=128):
        return res.stat("samples_per_s", system="dptrain-engine", model=model_, threads=threads, batch=batch)

    def torch_(model_, threads, batch=128):
        return res.stat("samples_per_s", system="pytorch", model=model_, threads=threads, batch=batch)

    targets = []

    def target(name, value, goal, unit="x", higher=True, note=""):
        if value is None:
            targets.append({"target": name, "goal": goal, "value": None, "met": None, "note": note or "not measured"})
            return
        met = value >= goal if higher else value <= goal
        if met:
            gap = ""
        elif higher:
            gap = f"missed by {(1 - value / goal) * 100:.0f}% ({value:.2f}{unit} of {goal}{unit})"
        else:
            gap = f"missed by {value - goal:.2f} {unit}"
        targets.append({"target": name, "goal": goal, "value": value, "met": met, "note": gap or note})

    target("engine MLP, 1 thread vs PyTorch 1 thread, batch 128", ratio(eng("mlp", 1), torch_("mlp", 1)), 1.0)
    target("engine CNN, 2 threads vs PyTorch 2 threads, batch 128", ratio(eng("cnn", 2), torch_("cnn", 2)), 2.0,
           note=CNN_MISSING if "cnn" not in models_measured else "")
    spark512 = spark_stat(res, "samples_per_s", "local[2]", 512, "channel")
    vs_engine = spark_stat(res, "vs_engine", "local[2]", 512, "channel")
    target("Spark local[2] MLP at global batch 512 (channel) vs the engine on 1 thread, same process",
           vs_engine["median"] if vs_engine else None, 1.5)
    target("Spark local[2] MLP at global batch 512 (channel) vs PyTorch 2 threads at batch 512",
           ratio(spark512, torch_("mlp", 2, 512)), 1.5)
    best_dl4j = max((d for d in dl4j if d["global_batch"] == 512 and d["ratio"]), key=lambda d: d["dl4j"]["median"],
                    default=None) or max((d for d in dl4j if d["ratio"]), key=lambda d: d["dl4j"]["median"], default=None)
    target("Spark local[2] vs DL4J Spark (its fastest averaging frequency, same batch)",
           best_dl4j["ratio"] if best_dl4j else None, 20.0,
           note="" if best_dl4j else "; ".join(f"batch {b} freq {f}: {w}" for (b, f), w in dl4j_failures.items()))
    worst_local = max((r["overhead_beyond_floor_ms"]["median"] for r in spark
                       if r["master"].startswith("local") and r["transport"] == "broadcast"), default=None)
    target("per-step overhead beyond the floor job, local mode, broadcast transport (worst batch/master)", worst_local,
           3.0, unit="ms", higher=False)
    worst_channel = max((r["overhead_ms"]["median"] for r in spark
                         if r["master"].startswith("local") and r["transport"] == "channel"), default=None)
    target("per-step overhead (step − compute), local mode, channel transport (worst batch/master)", worst_channel,
           3.0, unit="ms", higher=False)

    md = ["# Benchmarks", "",
          "Measured by `scripts/bench/run-all.sh" + (" --quick" if a.quick else "") + "` (raw results: "
          f"`target/bench/{os.path.basename(os.path.normpath(a.dir))}/`). Every number is the median over runs with min–max in "
          "brackets. Same models, batch, optimiser (SGD momentum 0.9, lr 0.05, weight decay 5e-4 added before "
          "global-norm clipping at 5), He init and preprocessing (pixels in [0,1] centred by the training mean) "
          "for dptrain and PyTorch.", ""]
    if a.quick:
        md += ["> **Quick pass** (fewer steps and runs): validates the harness; not the reference numbers.", ""]
    md += ["## Machine", "",
           f"- nproc {m_start['nproc']}, CPU {m_start['cpu']}, memory {m_start['memory_gib']} GiB, kernel {m_start['kernel']}",
           f"- {m_start['java']}; BLAS: {a.blas}; PyTorch {a.torch} (Debian python3-torch, CPU)",
           f"- load average (1/5/15 min) at start {' / '.join(m_start['loadavg'])}, at end {' / '.join(m_end['loadavg'])}"
           " — other processes on this machine add noise when these exceed ~0.5", "",
           "## Targets", "", "| target | goal | measured | met | note |", "|---|---|---|---|---|"]
    for t in targets:
        v = "n/a" if t["value"] is None else f"{t['value']:.2f}"
        met = "–" if t["met"] is None else ("yes" if t["met"] else "**no**")
        md.append(f"| {t['target']} | {'≤' if 'overhead' in t['target'] else '≥'} {t['goal']} | {v} | {met} | {t['note']} |")
    md += ["", "## Engine vs PyTorch: training throughput", "",
           "Single process; `threads` is OPENBLAS_NUM_THREADS for dptrain (the engine itself is one Java thread) and "
           "`torch.set_num_threads` for PyTorch (OMP_WAIT_POLICY=PASSIVE). A run is a fresh model trained for a fixed "
           "number of steps; samples/s over its last three quarters.", ""] + tput_lines
    md += ["", "Ratios (dptrain / PyTorch, medians):", ""]
    for model_ in ("mlp", "cnn"):
        for threads in (1, 2):
            for b in (128, 512, 2048):
                r = ratio(eng(model_, threads, b), torch_(model_, threads, b))
                if r is not None:
                    md.append(f"- {model_}, {threads} thread(s), batch {b}: {r:.2f}x")
    md += ["", "## Spark: throughput and per-step overhead (MLP)", "",
           "One SparkContext per master. Transports (`spark.transport`): `broadcast` = a Spark broadcast and one "
           "Spark job per step; `channel` = one barrier job per epoch whose tasks stay up and exchange parameters and "
           "results with the driver (by reference when the tasks share the driver's JVM, as in local mode; over a "
           "socket otherwise); `channel-tcp` = the channel over sockets even in local mode. All three give "
           "bit-identical parameters. `samples/s` = global batch × steps / wall time over the last three quarters of "
           "a run's steps (everything between steps included); `vs engine 1 thread` divides it by the "
           "single-process engine at the same batch, measured in the same process just before. `compute` is the "
           "slowest task's forward/backward, `overhead` = median step − median compute, `floor job` = broadcast a "
           "float[#params] + every task returns one + treeAggregate keeps one, measured in the same context just "
           "before each run. `returned B/step via Spark` is the tasks' serialized results in Spark's resultSize "
           "metric (the channel moves the same floats outside Spark, so ~0 there).", ""] + spark_lines
    md += ["", "## DL4J Spark 1.0.0-M2 (ParameterAveragingTrainingMaster), same MLP", "",
           "Built from `bench/dl4j` (outside the default build). Closest DL4J settings: Nesterov momentum 0.9 (no plain "
           "momentum in DL4J), L2 5e-4, per-layer L2 clipping at 5 (no global-norm clipping), WeightInit.RELU; "
           "each worker trains batch/2 examples per mini-batch and parameters are averaged every 1 or 5 mini-batches.",
           ""] + dl4j_lines
    md += ["", "## Time to accuracy", "",
           "Training wall seconds (test evaluation not timed) until the test accuracy at the end of an epoch reaches "
           "the target; batch 128, constant lr, seeds 42, 43, 44.", ""] + tta_lines
    md += ["", "## Kernels (JMH)", "",
           "`scripts/bench/kernels.sh`: sgemm through `Gemm` (shapes m×k×n at batch 128) and one training "
           "forward+backward of each layer of the MLP and CNN (layer = model:index into the conf's layer list), one thread.", ""] + kern_lines
    if model:
        bw = model["bw_bytes_per_s"]
        md += ["", "## Scaling model", "",
               "Per-step time on P executors at global batch B:", "",
               "    T(P, B) = c·B/P + o(P) + S(P)/bw,   o(P) = c0 + o0 + o1·P,   S(P) = P·(broadcast + result bytes per task)", "",
               "fitted from the Spark rows above: c and c0 by least squares on the slowest task's compute time; o0, o1 "
               "from the non-compute time in local[1] and local[2] (every byte stays in one JVM); bw from the "
               "standalone cluster's extra non-compute time over local mode at P = 2.", "",
               f"- c = {model['c_s_per_sample'] * 1e6:.2f} µs per sample per executor core, c0 = {model['c0_s'] * 1e3:.2f} ms",
               f"- o0 = {model['o0_s'] * 1e3:.2f} ms, o1 = {model['o1_s'] * 1e3:.2f} ms per executor",
               f"- bytes per task per step = {model['bytes_per_task']:,.0f}; bw = "
               + (f"{bw / 1e9:.2f} GB/s" if bw else "n/a") + f" ({model['bw_note']}; everything the separate "
               "executor JVMs add — RPC, task (de)serialization, JVM-to-JVM copies — is charged to bytes, so this "
               "is a lower bound on the real bandwidth)", "",
               "Projected efficiency E = (c·B/P) / T(P, B). The fitted bandwidth is loopback; the second column uses "
               "10 GbE (1.25 GB/s) instead, closer to a real cluster. Overheads on 2 shared cores are an estimate "
               "for a cluster with one core per executor; o1 (per-executor scheduling cost) dominates at large P.", "",
               "| executors P | B = 512 | B = 2048 | B = 8192 | B for ≥ 90% (fitted bw) | B for ≥ 90% (10 GbE) |",
               "|---|---|---|---|---|---|"]
        proj = []
        for p in (8, 16, 64):
            effs = [project(model, p, b, bw) for b in (512, 2048, 8192)]
            b90, b90net = batch_for(model, p, 0.9, bw), batch_for(model, p, 0.9, 1.25e9)
            md.append(f"| {p} | " + " | ".join(f"{e:.0%}" for e in effs) + f" | {b90:,} | {b90net:,} |")
            proj.append({"executors": p, "efficiency": dict(zip(("512", "2048", "8192"), effs)),
                         "batch_for_90pct": b90, "batch_for_90pct_10gbe": b90net})
        model["projection"] = proj
    profiles = {}
    for name, title in (("spark", "Spark local[2], MLP, global batch 512"),
                        ("engine", "engine, MLP, 1 thread, batch 128"),
                        ("engine-cnn", "engine, CNN, 2 BLAS threads, batch 128")):
        path = os.path.join(a.dir, f"profile-{name}.json")
        if not os.path.exists(path):
            continue
        prof = json.load(open(path))
        profiles[name] = prof
        n = max(prof["samples"], 1)
        md += ["", f"## Profile: {title}", "",
               f"JFR (`settings=profile`) over the whole process (data loading and warm-up included): "
               f"{prof['samples']} samples, Java execution plus native-method samples (so time inside OpenBLAS "
               "counts). Inclusive share per activity:", ""]
        md += [f"- {k}: {v / n:.0%}" for k, v in prof["inclusive"]]
        md += ["", "By thread: " + ", ".join(f"{t} {c / n:.0%}" for t, c in prof["threads"]), "",
               "Top self frames: " + ", ".join(f"`{f}` {c / n:.0%}" for f, c in prof["top_frames"][:8])]
    # Hand-written reading of a run (what the profiles mean for the missed targets) lives beside the
    # generated file so a new run does not erase it; it names the run it was written for.
    notes = os.path.join(os.path.dirname(a.md), "benchmarks-notes.md")
    if os.path.exists(notes):
        md += ["", open(notes).read().rstrip()]
    md.append("")
    os.makedirs(os.path.dirname(a.md), exist_ok=True)
    with open(a.md, "w") as f:
        f.write("\n".join(md))
    with open(a.json, "w") as f:
        json.dump({"quick": a.quick, "machine": {"start": m_start, "end": m_end, "blas": a.blas, "torch": a.torch},
                   "targets": targets, "throughput": tput, "spark": spark, "dl4j": dl4j, "time_to_accuracy": tta,
                   "kernels": kern, "scaling_model": model, "profiles": profiles,
                   "raw": res.rows}, f, indent=1)
    print(f"wrote {a.md} and {a.json}")


if __name__ == "__main__":
    main()
