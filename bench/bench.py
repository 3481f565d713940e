#!/usr/bin/env python3
"""Tally against DuckDB, Polars and sqlite3 on the sample exports (issue 6, section 1).

Run it through `bench/run`, which builds Tally, generates the data and the virtualenv first.
Directly: bench/.venv/bin/python bench/bench.py --tally .build/release/tally [--quick] …

For each scale, in one run:
  1. every tool answers Q1–Q5 once (untimed warm-up); the answers are normalised (numbers
     rounded to 2 decimals, rows sorted) and compared with Tally's: a mismatch aborts with a diff;
  2. rounds: in each round every tool runs once, in an order that rotates from round to round
     (round-robin, never all runs of one tool in a row). One run of a tool is one process that
     loads teachers, enrollments and logins and answers Q1–Q5:
       (c) its wall time from outside, (d) its peak resident memory (wait4 ru_maxrss),
       (a) load and (b) each query timed inside the process:
           DuckDB, Polars: perf_counter in the worker (bench/workers/py_worker.py);
           sqlite3: julianday('now') around the .import commands, `.timer on` for queries;
           Tally: a second process per round, the REPL under a pseudo-terminal with
           `.timer on`, one statement per load and per query (1 ms resolution) — or, when
           the REPL has no `.timer`, the subtraction method (load+Qn minus load only);
  3. medians over the rounds, ratios Tally ÷ each tool, the targets of issue 6.
The table is printed and written to bench/results/latest.md.
"""

import argparse
import csv
import datetime
import difflib
import fcntl
import io
import json
import os
import platform
import pty
import re
import select
import shlex
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
QUERIES = os.path.join(BENCH, "queries")
WORKER = os.path.join(BENCH, "workers", "py_worker.py")
TABLES = ("teachers", "enrollments", "logins")
QN = ["q1", "q2", "q3", "q4", "q5"]
TOOLS = ["tally", "duckdb", "polars", "sqlite"]
LABEL = {"tally": "Tally", "duckdb": "DuckDB", "polars": "Polars", "sqlite": "sqlite3"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- running one process


class Run:
    def __init__(self, wall, rss_kb, stdout, stderr, status):
        self.wall, self.rss_kb, self.stdout, self.stderr, self.status = wall, rss_kb, stdout, stderr, status


def run_process(argv, stdin_path=None, cwd=None, env=None):
    """Runs argv to completion: wall time (s), peak RSS (KB, from wait4), stdout, stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            t0 = time.perf_counter()
            p = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=err, cwd=cwd, env=env)
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if stdin_path:
                stdin.close()
        out.seek(0)
        err.seek(0)
        return Run(wall, ru.ru_maxrss, out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), p.returncode)


def check_ok(run, what):
    if run.status != 0:
        log(f"error: {what} exited with status {run.status}")
        log(run.stderr[-3000:])
        log(run.stdout[-2000:])
        sys.exit(1)


def split_blocks(stdout):
    """`@@ Qn` blocks of CSV text → {"q1": [rows…]} (header row first)."""
    blocks, name, lines = {}, None, []
    for line in stdout.splitlines():
        if line.startswith("@@ Q"):
            if name:
                blocks[name] = list(csv.reader(io.StringIO("\n".join(lines))))
            name, lines = line[3:].strip().lower(), []
        elif line.startswith("@@"):
            continue
        elif name is not None:
            lines.append(line)
    if name:
        blocks[name] = list(csv.reader(io.StringIO("\n".join(lines))))
    return blocks


# ---------------------------------------------------------------- the tools


def read_tally_query(i):
    with open(os.path.join(QUERIES, f"q{i}.tally"), encoding="utf-8") as f:
        lines = [l.strip() for l in f if l.strip() and not l.strip().startswith("--")]
    return " ".join(lines)


def tally_string(s):
    return '"' + s.replace('"', '""') + '"'


def tally_loads(folder):
    return [f"load {n} from {tally_string(os.path.join(folder, n + '.csv'))}" for n in TABLES]


class Tools:
    def __init__(self, args, tmp):
        self.tally = args.tally
        self.python = sys.executable
        self.sqlite = args.sqlite
        self.tmp = tmp
        self.tally_queries = [read_tally_query(i) for i in range(1, 6)]
        self.tally_env = dict(os.environ, NO_COLOR="1", TERM="dumb", XDG_STATE_HOME=os.path.join(tmp, "state"))

    # -- end to end: one process loads and answers all five

    def e2e_argv(self, tool, folder):
        if tool == "tally":
            stmts = tally_loads(folder)
            for i, q in enumerate(self.tally_queries, start=1):
                stmts += [f'print "@@ Q{i}"', q]
            return [self.tally, "-c", "\n".join(stmts), "--format", "csv"], None
        if tool in ("duckdb", "polars"):
            return [self.python, WORKER, tool, folder], None
        if tool == "sqlite":
            return [self.sqlite, "-bail"], self.sqlite_script(folder)
        raise ValueError(tool)

    def sqlite_script(self, folder):
        path = os.path.join(self.tmp, "sqlite-" + re.sub(r"\W", "_", folder) + ".sql")
        now = "SELECT printf('%.6f', (julianday('now') - 2440587.5) * 86400.0);"
        lines = [".print @@T load0", now]
        for n in TABLES:
            p = os.path.join(folder, n + ".csv").replace('"', '\\"')
            lines.append(f'.import --csv "{p}" {n}')  # no table yet: all columns TEXT, header names them
        lines += [".print @@T load1", now, ".mode csv", ".headers on", ".timer on"]
        for i in range(1, 6):
            f = os.path.join(QUERIES, f"q{i}.sqlite.sql")
            if not os.path.exists(f):
                f = os.path.join(QUERIES, f"q{i}.sql")
            with open(f, encoding="utf-8") as fh:
                sql = "\n".join(l for l in fh.read().splitlines() if not l.strip().startswith("--"))
            lines += [f".print @@ Q{i}", sql.strip()]
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        return path

    def run_e2e(self, tool, folder):
        argv, stdin = self.e2e_argv(tool, folder)
        r = run_process(argv, stdin_path=stdin)
        check_ok(r, f"{LABEL[tool]} on {folder}")
        times = {}
        if tool in ("duckdb", "polars"):
            m = re.search(r"^@@TIMES (.*)$", r.stdout, re.M)
            times = json.loads(m.group(1))
        elif tool == "sqlite":
            times = self.parse_sqlite_times(r.stdout)
        # sqlite's `.timer` lines are not CSV rows
        out = re.sub(r"^Run Time: .*$\n?", "", r.stdout, flags=re.M)
        return r, split_blocks(out), times

    @staticmethod
    def parse_sqlite_times(stdout):
        lines = stdout.splitlines()
        t = {}
        for k, l in enumerate(lines):
            if l.startswith("@@T "):
                t[l[4:]] = float(lines[k + 1])
        times = {"load": t["load1"] - t["load0"]}
        q = None
        for l in lines:
            if l.startswith("@@ Q"):
                q = "q" + l[4:].strip()
            m = re.match(r"Run Time: real ([0-9.]+)", l)
            if m and q:
                times[q] = float(m.group(1))
                q = None
        return times

    # -- Tally per statement: the REPL under a pty with .timer on

    def tally_repl_times(self, folder, probe=False):
        """[(seconds, …) per statement] for `.timer on`, the three loads and Q1–Q5; None if the
        REPL shows no timer."""
        stmts = (["print 1"] if probe else tally_loads(folder) + self.tally_queries)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 200, 0, 0))
        p = subprocess.Popen([self.tally], stdin=slave, stdout=slave, stderr=slave, env=self.tally_env,
                             close_fds=True, start_new_session=True)
        os.close(slave)
        buf = bytearray()

        def read_until_prompt(timeout):
            end = time.monotonic() + timeout
            while True:
                i = buf.rfind(b"tally> ")
                if i >= 0:
                    text = bytes(buf[:i]).decode("utf-8", "replace")
                    del buf[: i + 7]
                    return text
                left = end - time.monotonic()
                if left <= 0:
                    return None
                r, _, _ = select.select([master], [], [], left)
                if not r:
                    return None
                try:
                    d = os.read(master, 1 << 16)
                except OSError:
                    return None
                if not d:
                    return None
                buf.extend(d)

        times = []
        try:
            if read_until_prompt(30) is None:
                return None
            os.write(master, b".timer on\n")
            if read_until_prompt(30) is None:
                return None
            for s in stmts:
                os.write(master, s.encode("utf-8") + b"\n")
                text = read_until_prompt(3600)
                if text is None:
                    return None
                m = re.findall(r"time: ([0-9.]+) s", text)
                if "error:" in text:
                    log("error: Tally at the prompt:\n" + text[-3000:])
                    sys.exit(1)
                if not m:
                    return None
                times.append(float(m[-1]))
            os.write(master, b".quit\n")
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            os.close(master)
        return times

    # -- Tally per statement, fallback: separate processes, subtraction

    def tally_subtraction_runs(self, folder):
        """Wall times of: load only, and load + Qn for each n (5 more processes)."""
        loads = tally_loads(folder)
        res = {}
        r = run_process([self.tally, "-c", "\n".join(loads), "--format", "csv"])
        check_ok(r, "Tally (load only)")
        res["load_only"] = r.wall
        for i, q in enumerate(self.tally_queries, start=1):
            r = run_process([self.tally, "-c", "\n".join(loads + [q]), "--format", "csv"])
            check_ok(r, f"Tally (load + Q{i})")
            res[f"q{i}"] = r.wall
        return res


# ---------------------------------------------------------------- answers


def normalise_cell(v):
    v = v.strip()
    if v in ("", "None", "null", "NULL"):
        return ""
    try:
        x = float(v)
    except ValueError:
        return v
    if x != x:  # NaN
        return "NaN"
    return f"{round(x + 0.0, 2):.2f}"


def normalise(rows):
    """Drops the header (column names differ), rounds numbers to 2 decimals, sorts rows."""
    return sorted(",".join(normalise_cell(c) for c in r) for r in rows[1:])


def compare_answers(answers, scale):
    ref = answers["tally"]
    bad = False
    for tool, blocks in answers.items():
        if tool == "tally":
            continue
        for q in QN:
            a, b = normalise(ref.get(q, [[]])), normalise(blocks.get(q, [[]]))
            if a != b:
                bad = True
                log(f"MISMATCH at scale {scale}, {q.upper()}: Tally vs {LABEL[tool]}")
                for l in difflib.unified_diff(a, b, f"tally/{q}", f"{tool}/{q}", lineterm=""):
                    log("  " + l)
            elif len(a) == 0:
                bad = True
                log(f"EMPTY answer at scale {scale}, {q.upper()} (Tally and {LABEL[tool]})")
    if bad:
        log("the tools disagree: nothing timed (bench/README.md, 'Same answers')")
        sys.exit(2)


# ---------------------------------------------------------------- the machine and versions


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for l in f:
                if l.startswith("model name"):
                    cpu = l.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            for l in f:
                if l.startswith("MemTotal"):
                    mem = f"{int(l.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    osname = platform.platform()
    try:
        with open("/etc/os-release") as f:
            for l in f:
                if l.startswith("PRETTY_NAME="):
                    osname = l.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "os": osname, "kernel": platform.release()}


def versions(args):
    from importlib.metadata import version

    def first_line(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
        except Exception:
            return "?"

    return {
        "Tally": first_line([args.tally, "--version"]) + f" ({args.tally_source})",
        "DuckDB": version("duckdb") + " (Python package)",
        "Polars": version("polars") + " (Python package)",
        "sqlite3": first_line([args.sqlite, "--version"]).split(" ")[0] + " (Debian CLI)",
        "Python": platform.python_version(),
        "swift": first_line(["swift", "--version"]) if shutil.which("swift") else "?",
    }


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


# ---------------------------------------------------------------- start-up


def python_imports():
    """For reading (c): how long `python -c 'import duckdb'` (polars) takes, median of 5."""
    res = {}
    for lib in ("duckdb", "polars"):
        run_process([sys.executable, "-c", f"import {lib}"])
        res[lib] = statistics.median(run_process([sys.executable, "-c", f"import {lib}"]).wall for _ in range(5))
    return res


def startup(args):
    argv = [args.tally, "-c", "print 1"]
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json") as j:
            subprocess.run(["hyperfine", "-N", "--warmup", "5", "--runs", "50", "--export-json", j.name,
                            "--style", "none", " ".join([shlex.quote(args.tally), "-c", "'print 1'"])],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            r = json.load(open(j.name))["results"][0]
            return {"median": r["median"], "mean": r["mean"], "min": r["min"], "runs": len(r["times"]),
                    "how": "hyperfine -N, 5 warm-up + 50 runs"}
    ts = []
    for _ in range(5):
        run_process(argv)
    for _ in range(50):
        ts.append(run_process(argv).wall)
    return {"median": statistics.median(ts), "mean": statistics.mean(ts), "min": min(ts), "runs": 50,
            "how": "loop of 50 runs (hyperfine not installed), after 5 warm-up"}


# ---------------------------------------------------------------- one scale


def bench_scale(tools, scale, folder, runs, sqlite_runs, method):
    csv_bytes = sum(os.path.getsize(os.path.join(folder, n + ".csv")) for n in TABLES)
    log(f"\n== scale {scale}: {folder} ({csv_bytes / 1e6:.0f} MB of CSV) ==")

    log("checking that every tool gives the same answers (untimed warm-up)…")
    answers = {}
    for tool in TOOLS:
        _, blocks, _ = tools.run_e2e(tool, folder)
        answers[tool] = blocks
    compare_answers(answers, scale)
    log("  same answers: Q1–Q5 agree across Tally, DuckDB, Polars, sqlite3")

    slots = TOOLS + ["tally-stmt"]  # tally-stmt: Tally's per-statement times (second process)
    e2e = {t: [] for t in TOOLS}
    rss = {t: [] for t in TOOLS}
    inner = {t: {k: [] for k in ["load"] + QN} for t in TOOLS}
    sub = {k: [] for k in ["load_only"] + QN}
    for r in range(runs):
        order = slots[r % len(slots):] + slots[: r % len(slots)]
        for slot in order:
            if slot == "sqlite" and r >= sqlite_runs:
                continue
            if slot == "tally-stmt":
                if method == "repl":
                    ts = tools.tally_repl_times(folder)
                    if ts is None:
                        log("error: the Tally REPL stopped showing `.timer` times")
                        sys.exit(1)
                    inner["tally"]["load"].append(sum(ts[:3]))
                    for i, q in enumerate(QN):
                        inner["tally"][q].append(ts[3 + i])
                else:
                    s = tools.tally_subtraction_runs(folder)
                    for k, v in s.items():
                        sub[k].append(v)
                continue
            run, blocks, times = tools.run_e2e(slot, folder)
            for q in QN:  # the answers of every timed run are the checked ones
                if normalise(blocks.get(q, [[]])) != normalise(answers["tally"][q]):
                    log(f"error: {LABEL[slot]}'s answer to {q.upper()} changed between runs")
                    sys.exit(2)
            e2e[slot].append(run.wall)
            rss[slot].append(run.rss_kb * 1024)
            for k, v in times.items():
                inner[slot][k].append(v)
        done = ", ".join(f"{LABEL[t]} {e2e[t][-1]:.2f} s" for t in TOOLS if len(e2e[t]) > r)
        log(f"  round {r + 1}/{runs}: end to end {done}")

    med = lambda xs: statistics.median(xs) if xs else None
    res = {"scale": scale, "folder": folder, "csv_bytes": csv_bytes, "runs": {}, "e2e": {}, "rss": {},
           "load": {}, "q": {q: {} for q in QN}}
    for t in TOOLS:
        res["runs"][t] = len(e2e[t])
        res["e2e"][t] = med(e2e[t])
        res["rss"][t] = med(rss[t])
        res["load"][t] = med(inner[t]["load"])
        for q in QN:
            res["q"][q][t] = med(inner[t][q])
    res["samples"] = {"e2e": e2e, "rss": rss, "inner": inner, "subtraction": sub}  # for latest.json
    if method == "subtraction":
        lo = med(sub["load_only"])
        res["load"]["tally"] = lo - tools.startup["median"]
        for q in QN:
            res["q"][q]["tally"] = max(med(sub[q]) - lo, 0.0)
    return res


# ---------------------------------------------------------------- the table


def fmt_t(s):
    if s is None:
        return "–"
    if s < 0.0095:
        return f"{s * 1000:.1f} ms"
    if s < 1:
        return f"{s * 1000:.0f} ms"
    if s < 10:
        return f"{s:.2f} s"
    return f"{s:.1f} s"


def fmt_mb(b):
    return "–" if b is None else f"{b / 1e6:.0f} MB"


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return None
    return a / b


def fmt_r(x):
    return "–" if x is None else f"{x:.2f}×"


def table_for(res, method):
    others = [t for t in TOOLS if t != "tally"]
    head = ["", *(LABEL[t] for t in TOOLS), *(f"Tally ÷ {LABEL[t]}" for t in others)]
    rows = []

    def row(label, vals, f=fmt_t):
        rows.append([label, *(f(vals.get(t)) for t in TOOLS),
                     *(fmt_r(ratio(vals.get("tally"), vals.get(t))) for t in others)])

    row("(a) load 3 CSV files", res["load"])
    names = {"q1": "Q1 participation by project", "q2": "Q2 pass-rate bands", "q3": "Q3 paid rate by district",
             "q4": "Q4 logins by ISO week, client", "q5": "Q5 top 10 teachers by logins"}
    for q in QN:
        row(f"(b) {names[q]}", res["q"][q])
    tot = {t: sum(res["q"][q][t] for q in QN) if all(res["q"][q][t] is not None for q in QN) else None
           for t in TOOLS}
    row("(b) Q1–Q5 together", tot)
    row("(c) end to end, one process", res["e2e"])
    row("(d) peak memory of (c)", res["rss"], fmt_mb)
    out = [f"| {' | '.join(head)} |", "|" + "---|" * len(head)]
    out += [f"| {' | '.join(r)} |" for r in rows]
    runs = ", ".join(f"{LABEL[t]} {res['runs'][t]}" for t in TOOLS)
    out.append("")
    spread = ", ".join(f"{LABEL[t]} {fmt_t(min(res['samples']['e2e'][t]))}–{fmt_t(max(res['samples']['e2e'][t]))}"
                       for t in TOOLS if res["samples"]["e2e"][t])
    out.append(f"CSV loaded: {res['csv_bytes'] / 1e6:.0f} MB (teachers, enrollments, logins). "
               f"Medians of runs per tool: {runs}. Range of (c) over the runs: {spread}.")
    return "\n".join(out)


def targets(results, start):
    lines = []

    def mark(ok):
        return "**met**" if ok else "**not met**"

    for res in results:
        s = res["scale"]
        r = ratio(res["e2e"]["tally"], res["e2e"]["duckdb"])
        lines.append(f"- scale {s}, end to end (c) ≤ 1.0× DuckDB: {fmt_r(r)} — {mark(r is not None and r <= 1.0)}")
        for q in QN:
            r = ratio(res["q"][q]["tally"], res["q"][q]["duckdb"])
            lines.append(f"- scale {s}, {q.upper()} on loaded data ≤ 1.0× DuckDB: {fmt_r(r)} — "
                         f"{mark(r is not None and r <= 1.0)}")
        r = ratio(res["rss"]["tally"], res["rss"]["duckdb"])
        lines.append(f"- scale {s}, peak memory (d) ≤ 0.5× DuckDB: {fmt_r(r)} — {mark(r is not None and r <= 0.5)}")
        r = ratio(res["rss"]["tally"], res["csv_bytes"])
        lines.append(f"- scale {s}, peak memory (d) ≤ CSV bytes loaded: {fmt_r(r)} of "
                     f"{res['csv_bytes'] / 1e6:.0f} MB — {mark(r is not None and r <= 1.0)}")
    ms = start["median"] * 1000
    lines.append(f"- start-up `tally -c 'print 1'` ≤ 10 ms: median {ms:.1f} ms — {mark(ms <= 10)}")
    return "\n".join(lines)


def report(args, mach, vers, start, results, method, la0, la1, elapsed):
    out = []
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    out.append(f"## Tally vs DuckDB, Polars, sqlite3 — {now}{' (quick)' if args.quick else ''}")
    out.append("")
    out.append(f"Machine: {mach['nproc']} cores ({mach['cpu']}), {mach['memory']} memory, "
               f"{mach['os']}, Linux {mach['kernel']}. Load average {la0} at the start, {la1} at the end; "
               f"the bench took {elapsed / 60:.1f} min.")
    out.append("")
    out.append("Versions: " + "; ".join(f"{k} {v}" for k, v in vers.items()) + ".")
    out.append("")
    how = ("the REPL under a pseudo-terminal with `.timer on` (one statement per load and per query, "
           "1 ms resolution)" if method == "repl" else
           "subtraction: median of (load + Qn) processes minus median of load-only processes "
           "(the REPL's `.timer` was not used); noisy for fast queries")
    out.append("Times are medians of wall-clock times; (a) and (b) are timed inside the process "
               f"(Tally: {how}; DuckDB, Polars: perf_counter around the call, results fetched; "
               "sqlite3: `.timer on`, load from julianday('now')). (c) is the whole process from the outside "
               "(Python start-up and `import` included for DuckDB and Polars). (d) is the peak resident set "
               "of (c) (wait4 ru_maxrss). Ratios are Tally ÷ tool from the same run: below 1 Tally is faster "
               "or smaller. sqlite3 has no type inference: `.import` makes every column text and the "
               "queries CAST — it is the baseline, not a competitor.")
    for res in results:
        out.append("")
        out.append(f"### Scale {res['scale']}")
        out.append("")
        out.append(table_for(res, method))
    out.append("")
    out.append(f"Start-up, `tally -c 'print 1'` (no data): median {start['median'] * 1000:.1f} ms, "
               f"mean {start['mean'] * 1000:.1f} ms, min {start['min'] * 1000:.1f} ms ({start['how']}). "
               f"For reading (c): starting Python and importing the library, included in (c) for DuckDB "
               f"and Polars, takes {start['imports']['duckdb'] * 1000:.0f} ms (`import duckdb`) and "
               f"{start['imports']['polars'] * 1000:.0f} ms (`import polars`).")
    out.append("")
    out.append("### Targets (issue 6)")
    out.append("")
    out.append(targets(results, start))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tally", required=True, help="the tally binary (release build)")
    ap.add_argument("--tally-source", default="swift build -c release", help="where the binary came from")
    ap.add_argument("--sqlite", default=shutil.which("sqlite3") or "sqlite3")
    ap.add_argument("--data", default=os.path.join(BENCH, "data"), help="holds s1/, s10/")
    ap.add_argument("--scales", default="1,10")
    ap.add_argument("--runs", type=int, default=5, help="rounds at scales below 10")
    ap.add_argument("--runs-large", type=int, default=3, help="rounds at scale 10 and above")
    ap.add_argument("--sqlite-runs-large", type=int, default=1,
                    help="sqlite3 rounds at scale 10 and above (it takes minutes per run)")
    ap.add_argument("--quick", action="store_true", help="scale 1 only, 3 rounds")
    ap.add_argument("--tally-timing", choices=["auto", "repl", "subtraction"], default="auto",
                    help="how Tally's load and queries are timed inside (auto: the REPL's .timer if it has one)")
    ap.add_argument("--out", default=os.path.join(BENCH, "results", "latest.md"))
    args = ap.parse_args()
    if args.quick:
        args.scales, args.runs = "1", 3
    args.tally = os.path.abspath(args.tally)
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]

    t_start = time.monotonic()
    la0 = loadavg()
    mach = machine()
    with tempfile.TemporaryDirectory(prefix="tally-bench-") as tmp:
        tools = Tools(args, tmp)
        vers = versions(args)
        log(f"machine: {mach['nproc']} cores, {mach['cpu']}, {mach['memory']}; load average {la0}")
        log("versions: " + "; ".join(f"{k} {v}" for k, v in vers.items()))

        log("start-up: tally -c 'print 1' …")
        start = startup(args)
        tools.startup = start
        log(f"  median {start['median'] * 1000:.1f} ms ({start['how']})")
        start["imports"] = python_imports()

        method = args.tally_timing
        if method == "auto":
            method = "repl" if tools.tally_repl_times("", probe=True) else "subtraction"
        log("Tally per-statement timing: " + ("REPL `.timer on` under a pty" if method == "repl"
                                               else "subtraction (no `.timer` in the REPL)"))

        results = []
        for s in scales:
            folder = os.path.join(args.data, f"s{s}")
            if not os.path.exists(os.path.join(folder, "logins.csv")):
                log(f"error: no sample at {folder} (bench/run generates it)")
                sys.exit(1)
            large = float(s) >= 10
            runs = args.runs_large if large else args.runs
            sqlite_runs = min(runs, args.sqlite_runs_large) if large else runs
            results.append(bench_scale(tools, s, folder, runs, sqlite_runs, method))

    text = report(args, mach, vers, start, results, method, la0, loadavg(), time.monotonic() - t_start)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.splitext(args.out)[0] + ".json", "w", encoding="utf-8") as f:
        json.dump({"machine": mach, "versions": vers, "startup": start, "method": method, "results": results}, f,
                  indent=1, ensure_ascii=False)
    print(text)
    log(f"written to {os.path.relpath(args.out)}")


if __name__ == "__main__":
    main()
