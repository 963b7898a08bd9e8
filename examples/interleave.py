#!/usr/bin/env python3
"""Interleaved timing of shell commands, for the figures in docs/performance-diff.md.

    python3 examples/interleave.py RUNS DIR PREP -- NAME=COMMAND ...

Runs every COMMAND in turn, RUNS + 1 times round (the first round is a warm-up and
is not counted), each in DIR through `sh -c`. PREP (a shell command; "" for none) runs
in DIR before each command whose NAME is not `git` – for example
`rm -rf .git/oplaeg/cache` for a diff with no cache. Prints, for each command, the
median of its wall time, of its CPU time (user + system of it and its children, from
getrusage; with `perf` installed this includes the `perf stat` wrapper's own, the same
for every command) and, where `perf` is installed, of `perf stat`'s task clock (the
command alone); when one of the commands is named `git`, also each other command's
medians divided by git's.

Example (the generated workspace, two builds and git, no cache):

    python3 examples/interleave.py 61 /tmp/oplaeg-bench-diff "rm -rf .git/oplaeg/cache" -- \\
        "new=/path/to/oplaeg diff meeting/3 meeting/4 --format json > /dev/null" \\
        "old=/path/to/old/oplaeg diff meeting/3 meeting/4 --format json > /dev/null" \\
        "git=git diff --word-diff=porcelain meeting/3 meeting/4 > /dev/null"

Running the commands in turn, rather than each many times in a row, spreads what
the machine does meanwhile over all of them alike.
"""

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def main(argv):
    if len(argv) < 5 or argv[3] != "--":
        sys.exit(__doc__)
    runs, folder, prep = int(argv[0]), argv[1], argv[2]
    commands = []
    for spec in argv[4:]:
        name, sep, command = spec.partition("=")
        if not sep:
            sys.exit(f"not NAME=COMMAND: {spec}")
        commands.append((name, command))
    perf = shutil.which("perf") is not None
    wall = {name: [] for name, _ in commands}
    cpu = {name: [] for name, _ in commands}
    clock = {name: [] for name, _ in commands}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": folder}
    with tempfile.TemporaryDirectory() as tmp:
        stat = os.path.join(tmp, "stat")
        for round_ in range(runs + 1):
            for name, command in commands:
                if prep and name != "git":
                    subprocess.run(["sh", "-c", prep], **quiet)
                args = ["sh", "-c", command]
                if perf:
                    args = ["perf", "stat", "-x,", "-e", "task-clock", "-o", stat, "--"] + args
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run(args, **quiet)
                elapsed = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                if round_ == 0:
                    continue
                wall[name].append(elapsed)
                cpu[name].append(
                    after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                )
                if perf:
                    with open(stat) as f:
                        for line in f:
                            if "task-clock" in line:
                                clock[name].append(float(line.split(",")[0]) / 1000.0)
    median = lambda values: statistics.median(values) * 1000 if values else float("nan")
    for name, _ in commands:
        line = f"{name:10} wall {median(wall[name]):7.1f} ms  CPU {median(cpu[name]):7.1f} ms"
        if perf:
            line += f"  task clock {median(clock[name]):7.1f} ms"
        if "git" in wall and name != "git":
            line += f"   ×git: wall {median(wall[name]) / median(wall['git']):.2f}"
            line += f", CPU {median(cpu[name]) / median(cpu['git']):.2f}"
            if perf:
                line += f", task clock {median(clock[name]) / median(clock['git']):.2f}"
        print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
