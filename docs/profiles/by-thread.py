#!/usr/bin/env python3
"""Shares of a profile's CPU samples by kind of thread: the JIT's compilers, the event loops, the GC.

Reads async-profiler's collapsed stacks recorded by thread (-t; gzipped or not), as in
docs/benchmarks.md ("A new socket's cost").
usage: docs/profiles/by-thread.py docs/profiles/gateway-cpu-storm-warmed-up.collapsed.gz ...
"""
import gzip
import re
import sys
from collections import Counter

KINDS = [  # (kind, pattern on the thread's name), first match wins
    ("JIT C2", r"C2 CompilerThre"),
    ("JIT C1", r"C1 CompilerThre"),
    ("event loops", r"eventloop"),
    ("acceptor", r"acceptor"),
    ("GC and VM", r"GC|VM Thread|Sweeper|VM Periodic"),
]


def kind(thread):
    for name, pattern in KINDS:
        if re.search(pattern, thread):
            return name
    return "other"


for path in sys.argv[1:]:
    opener = gzip.open if path.endswith(".gz") else open
    samples = Counter()
    with opener(path, "rt") as lines:
        for line in lines:
            stack, _, count = line.rstrip().rpartition(" ")
            samples[kind(stack.split(";", 1)[0])] += int(count)
    total = sum(samples.values())
    print(f"{path}: {total} samples")
    for name, count in samples.most_common():
        print(f"  {name:12} {100 * count / total:5.1f} %")
