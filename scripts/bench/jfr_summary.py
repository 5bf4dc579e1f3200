#!/usr/bin/python3
"""Summarises `jfr print --stack-depth 30 --events jdk.ExecutionSample,jdk.NativeMethodSample rec.jfr`
output (stdin) as JSON: samples per thread group, per top (self) frame, and inclusive samples of a
few activities (dptrain compute, BLAS, serialization, Spark scheduling). Java-frame samples alone
miss time spent inside native BLAS, hence the native-method samples too (threads parked in native
calls such as socket reads are also native samples; they show up under their thread).

  jfr print --stack-depth 30 --events jdk.ExecutionSample,jdk.NativeMethodSample x.jfr | jfr_summary.py
"""
import json
import re
import sys
from collections import Counter

# Inclusive buckets: a sample counts once per bucket whose pattern matches any frame of its stack.
BUCKETS = {
    "dptrain forward/backward (worker)": r"dev\.dptrain\.model\.Network\.accumulateGradient",
    "BLAS sgemm (netlib/OpenBLAS)": r"dev\.ludovic\.netlib|\.sgemm",
    "dptrain driver: optimiser + merge": r"dev\.dptrain\.model\.train\.Stepper\.apply|GradientSum|dev\.dptrain\.driver\.SparkTrainer",
    "Kryo / Java serialization": r"com\.esotericsoftware\.kryo|java\.io\.ObjectOutputStream|java\.io\.ObjectInputStream|KryoSerializer",
    "broadcast (TorrentBroadcast, block manager)": r"TorrentBroadcast|BlockManager",
    "Spark scheduler / RPC / netty": r"org\.apache\.spark\.scheduler|org\.apache\.spark\.rpc|io\.netty",
    "floor job (bench)": r"TrainBench\.floorJobMillis|TrainBench\.lambda",
}


def thread_group(name):
    name = re.sub(r"[\d-]+", "#", name)
    return name


def main():
    text = sys.stdin.read()
    events = re.split(r"jdk\.(?:ExecutionSample|NativeMethodSample) \{", text)[1:]
    threads, top, buckets = Counter(), Counter(), Counter()
    for ev in events:
        m = re.search(r'sampledThread = "([^"]*)"', ev)
        threads[thread_group(m.group(1)) if m else "?"] += 1
        frames = re.findall(r"^\s+([\w$.<>/]+)\(.*?\)\s+line:", ev, re.M)
        if frames:
            top[frames[0]] += 1
        stack = "\n".join(frames)
        for bucket, pattern in BUCKETS.items():
            if re.search(pattern, stack):
                buckets[bucket] += 1
    total = len(events)
    json.dump({"samples": total,
               "threads": threads.most_common(8),
               "top_frames": top.most_common(15),
               "inclusive": sorted(buckets.items(), key=lambda kv: -kv[1])}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
