#!/usr/bin/env python3
"""Summarises a PIT mutations.xml: score per package, equivalent mutants excluded, threshold check.

Usage: mutation_report.py MUTATIONS_XML EQUIVALENTS_FILE CORE_THRESHOLD [--root=PREFIX] [-v] [CORE_PACKAGES...]

Score = killed / (mutants - equivalent), where killed counts PIT's KILLED, TIMED_OUT and
MEMORY_ERROR (the mutant broke the tests) and every other status (SURVIVED, NO_COVERAGE,
RUN_ERROR) counts as not killed. Equivalent mutants are listed in EQUIVALENTS_FILE, one per line:
    Class.method:line:MutatorSuffix  # why it is equivalent
(class relative to the root package, dev.dptrain.model. unless --root says otherwise; MutatorSuffix is the end of PIT's mutator name). An entry
that matches no surviving mutant is reported, so the list cannot go stale silently.
Exit status 1 when the core packages together fall below CORE_THRESHOLD percent.
"""
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

ROOT = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--root=")), "dev.dptrain.model.")
KILLED = {"KILLED", "TIMED_OUT", "MEMORY_ERROR"}


def load_equivalents(path):
    eq = []
    with open(path) as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            where, line_no, mutator = line.split(":")
            cls, method = where.rsplit(".", 1)
            eq.append((ROOT + cls, method, int(line_no), mutator))
    return eq


def main():
    xml_path, eq_path, threshold = sys.argv[1], sys.argv[2], float(sys.argv[3])
    core = [a for a in sys.argv[4:] if not a.startswith("-")] or ["layers", "loss", "optim", "train"]
    equivalents = load_equivalents(eq_path)
    used = [0] * len(equivalents)
    total = defaultdict(int)
    killed = defaultdict(int)
    excluded = defaultdict(int)
    survivors = defaultdict(list)
    for m in ET.parse(xml_path).getroot():
        cls = m.findtext("mutatedClass")
        outer = cls.split("$")[0]
        pkg = outer[len(ROOT):].rsplit(".", 1)[0] if "." in outer[len(ROOT):] else "(root)"
        status = m.get("status")
        method = m.findtext("mutatedMethod")
        line = int(m.findtext("lineNumber"))
        mutator = m.findtext("mutator")
        if status not in KILLED:
            hit = [i for i, (c, me, ln, mu) in enumerate(equivalents)
                   if c == cls and me == method and ln == line and mutator.endswith(mu)]
            if hit:
                for i in hit:
                    used[i] += 1
                excluded[pkg] += 1
                continue
        total[pkg] += 1
        if status in KILLED:
            killed[pkg] += 1
        else:
            survivors[pkg].append(f"{cls[len(ROOT):]}.{method}:{line} {mutator.rsplit('.', 1)[-1]} "
                                  f"({m.findtext('description')}) {status}")
    print(f"{'package':<10} {'killed':>7} {'mutants':>8} {'equiv':>6} {'score':>7}")
    for pkg in sorted(total):
        print(f"{pkg:<10} {killed[pkg]:>7} {total[pkg]:>8} {excluded[pkg]:>6} {100.0 * killed[pkg] / total[pkg]:>6.1f}%")
    ck = sum(killed[p] for p in core)
    ct = sum(total[p] for p in core)
    ak = sum(killed.values())
    at = sum(total.values())
    core_score = 100.0 * ck / ct if ct else 0.0
    print(f"{'core':<10} {ck:>7} {ct:>8} {sum(excluded[p] for p in core):>6} {core_score:>6.1f}%   ({', '.join(core)})")
    print(f"{'all':<10} {ak:>7} {at:>8} {sum(excluded.values()):>6} {100.0 * ak / at:>6.1f}%")
    for i, e in enumerate(equivalents):
        if not used[i]:
            print(f"note: equivalent-mutant entry matched no surviving mutant: {e}")
    if "-v" in sys.argv:
        for i, e in enumerate(equivalents):
            if used[i] > 1:
                print(f"note: entry {e} excluded {used[i]} mutants")
    if "-v" in sys.argv or core_score < threshold:
        for pkg in sorted(survivors):
            for s in survivors[pkg]:
                print(f"  not killed: {s}")
    if core_score < threshold:
        print(f"FAIL: core mutation score {core_score:.1f}% is below the threshold {threshold}%")
        return 1
    print(f"OK: core mutation score {core_score:.1f}% >= {threshold}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
