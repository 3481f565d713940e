#!/usr/bin/env python3
"""The period report where the in-memory engine cannot run it: Tally in memory, on DuckDB and
on Spark (local[2]), each under a memory limit smaller than the in-memory peak.

    bench/engines.py TALLY [--scale 30] [--limit-mb 1024] [--engines memory,duckdb,spark]

Each run is `tally run Examples/period-report.tally --set data=bench/data/sSCALE --format csv
[--engine E]` in a cgroup of its own (the memory controller, v1 or v2) whose limit is
--limit-mb: a process that needs more is killed by the kernel, as on a machine with that much
memory. First one run of the in-memory engine without a limit gives the reference output and its
peak. Peak memory is the largest sum of the resident sets of every process in the cgroup
(tally, the engine's driver, Spark's JVM), sampled every 50 ms — not the cgroup's own counter,
which also charges the page cache of the files read. The outputs are compared with the
reference: byte for byte, else cell by cell with decimals within 1e-9 relative or 1e-12
absolute (as Grammar.md allows an engine that sums in another order).

It prints a Markdown table and writes it to bench/results/engines-latest.md. Run as root
(cgroups); the sample must exist (bench/run makes it, or `tally sample --scale N --out …`).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
REPORT = os.path.join(ROOT, "Examples", "period-report.tally")


class Cgroup:
    """A memory cgroup with a limit (None: no limit), v2 (unified) or v1."""

    def __init__(self, name, limit_bytes):
        v2 = "/sys/fs/cgroup/cgroup.controllers"
        if os.path.exists(v2):
            self.path = os.path.join("/sys/fs/cgroup", name)
            os.makedirs(self.path, exist_ok=True)
            if limit_bytes:
                self._write("memory.max", str(limit_bytes))
                self._write("memory.swap.max", "0")
        else:
            self.path = os.path.join("/sys/fs/cgroup/memory", name)
            os.makedirs(self.path, exist_ok=True)
            if limit_bytes:
                self._write("memory.limit_in_bytes", str(limit_bytes))
                try:
                    self._write("memory.memsw.limit_in_bytes", str(limit_bytes))
                except OSError:
                    pass  # no swap accounting: there is no swap to reach either

    def _write(self, name, value):
        with open(os.path.join(self.path, name), "w") as f:
            f.write(value)

    def pids(self):
        try:
            with open(os.path.join(self.path, "cgroup.procs")) as f:
                return [int(x) for x in f.read().split()]
        except OSError:
            return []

    def remove(self):
        for _ in range(50):
            try:
                os.rmdir(self.path)
                return
            except OSError:
                time.sleep(0.1)


def rss_bytes(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_in_cgroup(argv, limit_bytes, name):
    """(wall seconds, peak bytes, exit status, stdout, stderr tail)."""
    group = Cgroup(name, limit_bytes)
    peak, done = [0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], sum(rss_bytes(p) for p in group.pids()))
            done.wait(0.05)

    procs_file = os.path.join(group.path, "cgroup.procs")

    def enter():
        with open(procs_file, "w") as f:
            f.write(str(os.getpid()))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT, preexec_fn=enter)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        status = p.wait()
        wall = time.perf_counter() - t0
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read().decode("utf-8", "replace")
    group.remove()
    return wall, peak[0], status, stdout, stderr[-1500:]


def same_output(a, b):
    """'byte for byte', 'within 1e-9', or why not."""
    if a == b:
        return "byte for byte"
    la, lb = a.decode().splitlines(), b.decode().splitlines()
    if len(la) != len(lb):
        return f"differs: {len(lb)} lines, not {len(la)}"
    for i, (x, y) in enumerate(zip(la, lb)):
        if x == y:
            continue
        cx, cy = x.split(","), y.split(",")
        if len(cx) != len(cy):
            return f"differs at line {i + 1}"
        for u, v in zip(cx, cy):
            if u == v:
                continue
            try:
                fu, fv = float(u), float(v)
            except ValueError:
                return f"differs at line {i + 1}: {u!r} / {v!r}"
            if abs(fu - fv) > max(1e-9 * max(abs(fu), abs(fv)), 1e-12):
                return f"differs at line {i + 1}: {u} / {v}"
    return "within 1e-9"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tally")
    ap.add_argument("--scale", default="30")
    ap.add_argument("--limit-mb", type=int, default=1024)
    ap.add_argument("--engines", default="memory,duckdb,spark")
    a = ap.parse_args()
    tally = os.path.abspath(a.tally)
    data = os.path.join(BENCH, "data", f"s{a.scale}")
    if not os.path.isdir(data):
        sys.exit(f"no sample at {data}: run bench/run --with-30, or {tally} sample --scale {a.scale} --out {data}")
    if os.geteuid() != 0:
        sys.exit("run as root: each run goes into a memory cgroup of its own")
    base = [tally, "run", REPORT, "--set", f"data={data}", "--format", "csv"]
    csv_mb = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data) if f.endswith(".csv")) / 1e6

    print(f"reference: in memory, no limit (scale {a.scale}, {csv_mb:.0f} MB of CSV)", file=sys.stderr)
    ref_wall, ref_peak, ref_status, reference, why = run_in_cgroup(base, None, f"tally-bench-ref-{os.getpid()}")
    if ref_status != 0:
        sys.exit(f"the in-memory reference failed ({ref_status}): {why}")

    rows = [("in memory, no limit", f"{ref_wall:.1f}", f"{ref_peak / 1e6:.0f}", "completed", "(the reference)")]
    limit = a.limit_mb * 1024 * 1024
    for engine in a.engines.split(","):
        argv = base + ([] if engine == "memory" else ["--engine", engine])
        label = {"memory": "in memory", "duckdb": "DuckDB", "spark": "Spark local[2]"}.get(engine, engine)
        print(f"{label}, limit {a.limit_mb} MB", file=sys.stderr)
        wall, peak, status, out, why = run_in_cgroup(argv, limit, f"tally-bench-{engine}-{os.getpid()}")
        if status == 0:
            rows.append((f"{label}, {a.limit_mb} MB", f"{wall:.1f}", f"{peak / 1e6:.0f}", "completed",
                         same_output(reference, out)))
        else:
            killed = status in (-9, 137)
            rows.append((f"{label}, {a.limit_mb} MB", f"{wall:.1f}", f"{peak / 1e6:.0f}",
                         "killed: out of memory" if killed else f"failed ({status})",
                         "" if killed else why.strip().splitlines()[-1][:120] if why.strip() else ""))

    lines = [f"The period report (Examples/period-report.tally) at scale {a.scale} ({csv_mb:.0f} MB of CSV), "
             f"each engine in a cgroup limited to {a.limit_mb} MB; peak = largest resident total of its processes.",
             "", "| run | seconds | peak MB | outcome | output vs in memory |", "|---|---:|---:|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    os.makedirs(os.path.join(BENCH, "results"), exist_ok=True)
    with open(os.path.join(BENCH, "results", "engines-latest.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
