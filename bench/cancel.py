#!/usr/bin/env python3
"""How long Tally takes to stop after Ctrl-C (SIGINT) in a long statement at scale N.

    bench/cancel.py TALLY [--scale 10] [--tries 5] [--after 0.3]

Each case is a `tally run` of a script that loads the sample's tables and then runs one long
statement; --after seconds into that statement (or into the load of logins, for the load case)
the process gets SIGINT, and the time until it has exited is the latency. A batch run stops
with the signal's own death (the shell sees 130), after the output before it is complete. A
case whose statement ended before the signal is reported as such, not timed. It prints the
median and the largest latency of --tries per case. The sample must exist (bench/run makes it,
or `tally sample --scale N --out bench/data/sN`).
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))

CASES = [
    # (name, tables to load first, statement interrupted; None: the load of logins itself)
    ("load of logins (CSV reader)", ["teachers", "enrollments"], None),
    ("group-by with a group a row", ["logins"], "count logins by teacher_id, login_at"),
    ("summary logins", ["logins"], "summary logins"),
    ("sort of every row", ["logins"], "list logins sort login_at desc, teacher_id top 10"),
    ("printing 15M rows", ["logins"], ".rows all\nlist logins"),
]


def tally_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def one(tally, folder, loads, statement, after):
    lines = [f"load {t} from {tally_string(os.path.join(folder, t + '.csv'))}" for t in loads]
    if statement is None:
        lines.append(f"load logins from {tally_string(os.path.join(folder, 'logins.csv'))}")
    else:
        lines.append(statement)
    with tempfile.NamedTemporaryFile("w", suffix=".tally", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        script = f.name
    try:
        p = subprocess.Popen([tally, "run", script], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # The statement starts when the last load before it has reported.
        waiting = len(loads)
        while waiting:
            line = p.stderr.readline()
            if not line:
                break
            if line.startswith(b"loaded "):
                waiting -= 1
        time.sleep(after)
        if p.poll() is not None:
            return None
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        p.stderr.read()
        p.wait()
        return time.monotonic() - sent, p.returncode
    finally:
        os.unlink(script)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tally")
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--tries", type=int, default=5)
    ap.add_argument("--after", type=float, default=0.3)
    a = ap.parse_args()
    folder = os.path.join(BENCH, "data", f"s{a.scale}")
    if not os.path.exists(os.path.join(folder, "logins.csv")):
        sys.exit(f"no sample at {folder}: bench/run makes it, or tally sample --scale {a.scale} --out {folder}")
    print(f"Ctrl-C latency at scale {a.scale}, SIGINT {a.after} s into the statement, {a.tries} tries\n")
    print("| statement | median | largest | exit |")
    print("|---|---|---|---|")
    for name, loads, statement in CASES:
        times, codes, early = [], set(), 0
        for _ in range(a.tries):
            r = one(a.tally, folder, loads, statement, a.after)
            if r is None:
                early += 1
                continue
            times.append(r[0])
            codes.add(r[1])
        if not times:
            print(f"| {name} | – | – | ended before the signal |")
            continue
        exits = ", ".join("signal %d" % -c if c < 0 else str(c) for c in sorted(codes))
        note = f" ({early} ended before the signal)" if early else ""
        print(f"| {name} | {statistics.median(times) * 1000:.0f} ms | {max(times) * 1000:.0f} ms | {exits}{note} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
