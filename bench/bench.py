#!/usr/bin/env python3
"""Tally against the DuckDB CLI, DuckDB, ClickHouse (chdb), Polars and sqlite3 on the sample exports.

Run it through `bench/run`, which builds Tally, generates the data and the virtualenv first.
Directly: bench/.venv/bin/python bench/bench.py --tally .build/release/tally [--quick] …

For each scale, in one run:
  1. every tool answers Q1–Q5 once (untimed warm-up); the answers are normalised (numbers
     rounded to 2 decimals, rows sorted) and compared with Tally's: a mismatch aborts with a diff
     (--check-only stops here, at every scale);
  2. rounds: in each round every tool runs once, in an order that rotates from round to round
     (round-robin, never all runs of one tool in a row). One run of a tool is one process that
     loads teachers, enrollments and logins and answers Q1–Q5:
       (c) its wall time from outside, (d) its peak resident memory (wait4 ru_maxrss),
       (a) load and (b) each query timed inside the process:
           DuckDB, chdb, Polars: perf_counter in the worker (bench/workers/py_worker.py);
           DuckDB CLI: `.timer on` for the three CREATE TABLE statements and each query;
           sqlite3: julianday('now') around the .import commands, `.timer on` for queries;
           Tally: a second process per round, the REPL under a pseudo-terminal with
           `.timer on`, one statement per load and per query (1 ms resolution) — or, when
           the REPL has no `.timer`, the subtraction method (load+Qn minus load only);
  3. medians over the rounds, ratios Tally ÷ each tool, the growth from scale to scale, peak
     memory per scale, and the targets of issue 15.
sqlite3 runs up to scale 10 (--sqlite-max-scale). Before a scale of 30 or more, the memory
available is checked (room_for) and the scale skipped with a message when it is short.
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
import threading
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
QUERIES = os.path.join(BENCH, "queries")
WORKER = os.path.join(BENCH, "workers", "py_worker.py")
TABLES = ("teachers", "enrollments", "logins")
QN = ["q1", "q2", "q3", "q4", "q5"]
TOOLS = ["tally", "duckdb_cli", "duckdb", "chdb", "polars", "sqlite"]
LABEL = {"tally": "Tally", "duckdb_cli": "DuckDB CLI", "duckdb": "DuckDB", "chdb": "chdb", "polars": "Polars",
         "sqlite": "sqlite3"}
PEERS = ["duckdb_cli", "duckdb", "chdb", "polars"]  # the targets compare with the fastest of these
WORKER_TOOLS = ("duckdb", "chdb", "polars")  # run by workers/py_worker.py
TARGET_SCALES = ["1", "10", "30"]
OPTIONAL_SCALE = 30.0  # scales from here on are skipped, not failed, when memory or disk is short

# What a scale needs, per unit of scale (room_for). Disk: the eight files of `tally sample`
# (~98 MB per unit). Memory: about twice the largest peak of one tool (Polars's: 2.2 GB at scale
# 10, 6.5 GB at scale 30; chdb's 2.1 and 5.6 GB), plus what the system needs.
DISK_MB_PER_SCALE, DISK_MB_BASE = 110, 200
MEM_MB_PER_SCALE, MEM_MB_BASE = 400, 1024


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- running one process


class Run:
    def __init__(self, wall, rss_kb, stdout, stderr, status):
        self.wall, self.rss_kb, self.stdout, self.stderr, self.status = wall, rss_kb, stdout, stderr, status


TIMEOUT = 3600  # seconds for one process (--timeout); an unattended run must not wait forever


def timed_out(p, argv):
    log(f"error: {os.path.basename(argv[0])} still running after {TIMEOUT} s: killed")
    p.kill()


def run_process(argv, stdin_path=None, cwd=None, env=None):
    """Runs argv to completion: wall time (s), peak RSS (KB, from wait4), stdout, stderr.
    A process still running after TIMEOUT seconds is killed (its status is then -9)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            t0 = time.perf_counter()
            p = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=err, cwd=cwd, env=env)
            watchdog = threading.Timer(TIMEOUT, timed_out, (p, argv))
            watchdog.start()
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
            watchdog.cancel()
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


def query_file(i, dialect):
    """qN.DIALECT.sql where that dialect has its own version, else qN.sql; comment lines dropped."""
    f = os.path.join(QUERIES, f"q{i}.{dialect}.sql")
    if not os.path.exists(f):
        f = os.path.join(QUERIES, f"q{i}.sql")
    with open(f, encoding="utf-8") as fh:
        return "\n".join(l for l in fh.read().splitlines() if not l.strip().startswith("--")).strip()


def find_duckdb_cli():
    """The native binary of the duckdb-cli package (bench/.venv/bin/duckdb is a Python wrapper
    that starts it: the bench runs the binary itself, so no Python is timed)."""
    import importlib.util
    spec = importlib.util.find_spec("duckdb_cli")
    if spec and spec.origin:
        path = os.path.join(os.path.dirname(spec.origin), "duckdb")
        if os.access(path, os.X_OK):
            return path
    return shutil.which("duckdb") or "duckdb"


class Tools:
    def __init__(self, args, tmp):
        self.tally = args.tally
        self.python = sys.executable
        self.sqlite = args.sqlite
        self.duckdb_cli = getattr(args, "duckdb_cli", None) or find_duckdb_cli()
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
        if tool in WORKER_TOOLS:
            return [self.python, WORKER, tool, folder], None
        if tool == "duckdb_cli":
            # -no-init: a ~/.duckdbrc of the machine's user changes nothing; in memory (no file)
            return [self.duckdb_cli, "-no-init", "-bail", "-batch"], self.duckdb_cli_script(folder)
        if tool == "sqlite":
            return [self.sqlite, "-bail"], self.sqlite_script(folder)
        raise ValueError(tool)

    def duckdb_cli_script(self, folder):
        """The native DuckDB CLI reading a script on stdin: `.timer on` times each CREATE TABLE (the
        load is their sum) and each query, the answers printed as CSV."""
        path = os.path.join(self.tmp, "duckdb-" + re.sub(r"\W", "_", folder) + ".sql")
        lines = [".timer on"]
        for n in TABLES:
            p = os.path.join(folder, n + ".csv").replace("'", "''")
            lines += [f".print @@L {n}", f"CREATE TABLE {n} AS SELECT * FROM read_csv('{p}', auto_detect = true);"]
        lines += [".mode csv", ".headers on"]
        for i in range(1, 6):
            lines += [f".print @@ Q{i}", query_file(i, "duckdb")]
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        return path

    def sqlite_script(self, folder):
        path = os.path.join(self.tmp, "sqlite-" + re.sub(r"\W", "_", folder) + ".sql")
        now = "SELECT printf('%.6f', (julianday('now') - 2440587.5) * 86400.0);"
        lines = [".print @@T load0", now]
        for n in TABLES:
            p = os.path.join(folder, n + ".csv").replace('"', '\\"')
            lines.append(f'.import --csv "{p}" {n}')  # no table yet: all columns TEXT, header names them
        lines += [".print @@T load1", now, ".mode csv", ".headers on", ".timer on"]
        for i in range(1, 6):
            lines += [f".print @@ Q{i}", query_file(i, "sqlite")]
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        return path

    def run_e2e(self, tool, folder):
        argv, stdin = self.e2e_argv(tool, folder)
        # cwd: the temporary folder, where DuckDB would spill (.tmp/) if it ran short of memory
        r = run_process(argv, stdin_path=stdin, cwd=self.tmp)
        check_ok(r, f"{LABEL[tool]} on {folder}")
        times = {}
        if tool in WORKER_TOOLS:
            m = re.search(r"^@@TIMES (.*)$", r.stdout, re.M)
            times = json.loads(m.group(1))
        elif tool == "sqlite":
            times = self.parse_sqlite_times(r.stdout)
        elif tool == "duckdb_cli":
            times = self.parse_duckdb_cli_times(r.stdout)
        # the `.timer` lines of sqlite3 and the DuckDB CLI are not CSV rows
        out = re.sub(r"^Run Time\b.*$\n?", "", r.stdout, flags=re.M)
        return r, split_blocks(out), times

    @staticmethod
    def parse_duckdb_cli_times(stdout):
        """`Run Time (s): real 1.234 user … sys …` after each `@@L table` (load) and `@@ Qn`."""
        times, key = {"load": 0.0}, None
        loads = 0
        for l in stdout.splitlines():
            if l.startswith("@@L "):
                key = "load"
            elif l.startswith("@@ Q"):
                key = "q" + l[4:].strip()
            m = re.match(r"Run Time \(s\): real ([0-9.]+)", l)
            if m and key:
                if key == "load":
                    times["load"] += float(m.group(1))
                    loads += 1
                else:
                    times[key] = float(m.group(1))
                key = None
        if loads != len(TABLES) or any(q not in times for q in QN):
            log("error: the DuckDB CLI printed no `.timer` line for every statement:\n" + stdout[-2000:])
            sys.exit(1)
        return times

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
    if v in ("", "None", "null", "NULL", "\\N"):  # \N: ClickHouse's CSV null
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


def versions(args, tools):
    from importlib.metadata import version

    def first_line(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
        except Exception:
            return "?"

    engine = first_line([sys.executable, "-c", "import chdb; print(chdb.engine_version)"])
    return {
        "Tally": first_line([args.tally, "--version"]) + f" ({args.tally_source})",
        "DuckDB CLI": first_line([tools.duckdb_cli, "-version"]) + " (native binary of the duckdb-cli package)",
        "DuckDB": version("duckdb") + " (Python package)",
        "chdb": version("chdb") + f" (Python package; ClickHouse {engine})",
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
    """For reading (c): how long `python -c 'import duckdb'` (chdb, polars) takes, median of 5."""
    res = {}
    for lib in WORKER_TOOLS:
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


# ---------------------------------------------------------------- room for a scale


def mem_available_mb():
    try:
        with open("/proc/meminfo") as f:
            for l in f:
                if l.startswith("MemAvailable:"):
                    return int(l.split()[1]) // 1024
    except OSError:
        pass
    return None


def room_for(scale, data, generate):
    """(True, what was checked) or (False, why not): the memory one tool needs at this scale
    (MemAvailable) and, when the sample is still to be generated, the disk it takes (free space
    where data/ is, as df counts it)."""
    x = float(scale)
    need_mem = int(MEM_MB_PER_SCALE * x + MEM_MB_BASE)
    have_mem = mem_available_mb()
    if have_mem is not None and have_mem < need_mem:
        return False, (f"scale {scale} needs ~{need_mem / 1024:.1f} GB of memory for the largest tool, "
                       f"{have_mem / 1024:.1f} GB available (MemAvailable)")
    said = f"{have_mem / 1024:.1f} GB of memory available, ~{need_mem / 1024:.1f} GB needed"
    if generate:
        need_disk = int(DISK_MB_PER_SCALE * x + DISK_MB_BASE)
        d = data
        while not os.path.exists(d):
            d = os.path.dirname(d) or "."
        have_disk = shutil.disk_usage(d).free // (1024 * 1024)
        if have_disk < need_disk:
            return False, (f"scale {scale} needs ~{need_disk / 1024:.1f} GB of disk for the sample, "
                           f"{have_disk / 1024:.1f} GB free in {d}")
        said += f"; {have_disk / 1024:.1f} GB of disk free, ~{need_disk / 1024:.1f} GB needed"
    return True, said


# ---------------------------------------------------------------- one scale


def csv_bytes_of(folder):
    return sum(os.path.getsize(os.path.join(folder, n + ".csv")) for n in TABLES)


def check_answers(tools, scale, folder, tool_list):
    """Every tool answers Q1–Q5 once; a mismatch with Tally's answers stops the bench.
    Returns the answers and each tool's run (wall, peak memory) for --check-only's summary."""
    answers, runs = {}, {}
    for tool in tool_list:
        run, blocks, _ = tools.run_e2e(tool, folder)
        answers[tool], runs[tool] = blocks, run
    compare_answers(answers, scale)
    log(f"  same answers: Q1–Q5 agree across {', '.join(LABEL[t] for t in tool_list)}")
    return answers, runs


def bench_scale(tools, scale, folder, tool_list, runs, sqlite_runs, method):
    csv_bytes = csv_bytes_of(folder)
    log(f"\n== scale {scale}: {folder} ({csv_bytes / 1e6:.0f} MB of CSV) ==")

    log("checking that every tool gives the same answers (untimed warm-up)…")
    answers, _ = check_answers(tools, scale, folder, tool_list)

    slots = tool_list + ["tally-stmt"]  # tally-stmt: Tally's per-statement times (second process)
    e2e = {t: [] for t in tool_list}
    rss = {t: [] for t in tool_list}
    inner = {t: {k: [] for k in ["load"] + QN} for t in tool_list}
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
        done = ", ".join(f"{LABEL[t]} {e2e[t][-1]:.2f} s" for t in tool_list if len(e2e[t]) > r)
        log(f"  round {r + 1}/{runs}: end to end {done}")

    med = lambda xs: statistics.median(xs) if xs else None
    res = {"scale": scale, "folder": folder, "csv_bytes": csv_bytes, "tools": tool_list, "runs": {}, "e2e": {},
           "rss": {}, "load": {}, "q": {q: {} for q in QN}}
    for t in tool_list:
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


def best(vals, among):
    """The tool of `among` with the lowest value (fastest, smallest), or None."""
    have = [t for t in among if vals.get(t) is not None]
    return min(have, key=lambda t: vals[t]) if have else None


def md_table(head, rows):
    out = [f"| {' | '.join(head)} |", "|" + "---|" * len(head)]
    return out + [f"| {' | '.join(r)} |" for r in rows]


QNAMES = {"q1": "Q1 participation by project", "q2": "Q2 pass-rate bands", "q3": "Q3 paid rate by district",
          "q4": "Q4 logins by ISO week, client", "q5": "Q5 top 10 teachers by logins"}


def q_total(res, t):
    vals = [res["q"][q].get(t) for q in QN]
    return sum(vals) if all(v is not None for v in vals) else None


def table_for(res, method):
    tools = res["tools"]
    peers = [t for t in PEERS if t in tools]
    head = ["", *(LABEL[t] for t in tools), "best peer", "Tally ÷ best peer", *(f"Tally ÷ {LABEL[t]}" for t in peers)]
    rows = []

    def row(label, vals, f=fmt_t):
        b = best(vals, peers)
        rows.append([label, *(f(vals.get(t)) for t in tools),
                     f"{f(vals[b])} {LABEL[b]}" if b else "–", fmt_r(ratio(vals.get("tally"), vals.get(b))),
                     *(fmt_r(ratio(vals.get("tally"), vals.get(t))) for t in peers)])

    row("(a) load 3 CSV files", res["load"])
    for q in QN:
        row(f"(b) {QNAMES[q]}", res["q"][q])
    row("(b) Q1–Q5 together", {t: q_total(res, t) for t in tools})
    row("(c) end to end, one process", res["e2e"])
    row("(d) peak memory of (c)", res["rss"], fmt_mb)
    out = md_table(head, rows)
    runs = ", ".join(f"{LABEL[t]} {res['runs'][t]}" for t in tools)
    out.append("")
    spread = ", ".join(f"{LABEL[t]} {fmt_t(min(res['samples']['e2e'][t]))}–{fmt_t(max(res['samples']['e2e'][t]))}"
                       for t in tools if res["samples"]["e2e"][t])
    out.append(f"CSV loaded: {res['csv_bytes'] / 1e6:.0f} MB (teachers, enrollments, logins). "
               f"Medians of runs per tool: {runs}. Range of (c) over the runs: {spread}. "
               f"Best peer: the fastest (for (d) the smallest) of {', '.join(LABEL[t] for t in peers)}.")
    return "\n".join(out)


def growth_table(results):
    """End to end and load at each scale, and how much they grew from one scale to the next."""
    tools = [t for t in TOOLS if any(t in r["tools"] for r in results)]
    head = ["", *(LABEL[t] for t in tools)]
    rows = []
    for r in results:
        rows.append([f"(c) end to end, scale {r['scale']}", *(fmt_t(r["e2e"].get(t)) for t in tools)])
    pairs = list(zip(results, results[1:]))
    for what, key in (("(c) end to end", "e2e"), ("(a) load", "load")):
        for a, b in pairs:
            k = float(b["scale"]) / float(a["scale"])
            rows.append([f"{what}, scale {b['scale']} ÷ scale {a['scale']} ({k:g}× the rows)",
                         *(fmt_r(ratio(b[key].get(t), a[key].get(t))) for t in tools)])
    return "\n".join(md_table(head, rows))


def memory_table(results):
    tools = [t for t in TOOLS if any(t in r["tools"] for r in results)]
    head = ["(d) peak memory", *(LABEL[t] for t in tools), "CSV loaded", "Tally ÷ CSV", "Tally ÷ DuckDB"]
    rows = []
    for r in results:
        d = best(r["rss"], ["duckdb_cli", "duckdb"])
        rows.append([f"scale {r['scale']}", *(fmt_mb(r["rss"].get(t)) for t in tools), fmt_mb(r["csv_bytes"]),
                     fmt_r(ratio(r["rss"].get("tally"), r["csv_bytes"])),
                     fmt_r(ratio(r["rss"].get("tally"), r["rss"].get(d))) + (f" ({LABEL[d]})" if d else "")])
    return "\n".join(md_table(head, rows)) + (
        "\n\nTally ÷ DuckDB is against the smaller of the two DuckDB peaks (the CLI has no Python in it).")


def targets(results, skipped):
    """Every target of issue 15, at every scale it names, marked met, not met or not measured."""
    lines = []
    by = {r["scale"]: r for r in results}
    peer_names = "DuckDB CLI, DuckDB, chdb and Polars"

    def mark(x, ok, s):
        if x is None:
            why = skipped.get(s) or (f"scale {s} was not in this run"
                                     + ("; bench/run --with-30 runs it" if s == "30" else ""))
            return f"**not measured** ({why})"
        return "**met**" if ok(x) else "**not met**"

    for s in TARGET_SCALES:
        res = by.get(s)
        peers = [t for t in PEERS if res and t in res["tools"]]

        def vs_best(label, vals, limit):
            b = best(vals, peers) if res else None
            r = ratio(vals.get("tally"), vals.get(b)) if b else None
            name = f" ({LABEL[b]} {fmt_t(vals[b])})" if b else ""
            lines.append(f"- scale {s}, {label} ≤ {limit}× the fastest of {peer_names}: "
                         f"{fmt_r(r)}{name} — {mark(r, lambda x: x <= limit, s)}")

        vs_best("end to end (c)", res["e2e"] if res else {}, 0.5)
        for q in QN:
            vs_best(f"{q.upper()} on loaded data (b)", res["q"][q] if res else {}, 0.7)
        if s in ("10", "30"):
            lo = res["load"].get("tally") if res else None
            gbs = res["csv_bytes"] / 1e9 / lo if lo else None
            got = "–" if gbs is None else f"{gbs:.2f} GB/s ({res['csv_bytes'] / 1e9:.2f} GB in {fmt_t(lo)})"
            lines.append(f"- scale {s}, load (a) ≥ 1 GB/s of CSV: {got} — {mark(gbs, lambda x: x >= 1.0, s)}")
        rss = res["rss"] if res else {}
        d = best(rss, ["duckdb_cli", "duckdb"])
        r = ratio(rss.get("tally"), rss.get(d)) if d else None
        lines.append(f"- scale {s}, peak memory (d) ≤ 0.5× DuckDB's: {fmt_r(r)}"
                     + (f" ({fmt_mb(rss.get('tally'))} of {fmt_mb(rss[d])}, {LABEL[d]})" if d else "")
                     + f" — {mark(r, lambda x: x <= 0.5, s)}")
        if s in ("10", "30"):
            r = ratio(rss.get("tally"), res["csv_bytes"]) if res else None
            lines.append(f"- scale {s}, peak memory (d) ≤ 0.6× the CSV bytes loaded: {fmt_r(r)}"
                         + (f" of {res['csv_bytes'] / 1e6:.0f} MB" if res else "")
                         + f" — {mark(r, lambda x: x <= 0.6, s)}")
    for a, b, limit in (("1", "10", 10.5), ("10", "30", 3.2)):
        ra, rb = by.get(a), by.get(b)
        g = ratio(rb["e2e"].get("tally"), ra["e2e"].get("tally")) if ra and rb else None
        lines.append(f"- growth of Tally's end to end (c), scale {b} ÷ scale {a} ≤ {limit}×: {fmt_r(g)} — "
                     f"{mark(g, lambda x: x <= limit, b if rb is None else a)}")
    return "\n".join(lines)


def report(args, mach, vers, start, results, skipped, method, la0, la1, elapsed):
    out = []
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    out.append(f"## Tally vs DuckDB CLI, DuckDB, chdb, Polars, sqlite3 — {now}{' (quick)' if args.quick else ''}")
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
               f"(Tally: {how}; DuckDB, chdb, Polars: perf_counter around the call, results fetched; "
               "DuckDB CLI: `.timer on`, (a) the sum of its three CREATE TABLE; "
               "sqlite3: `.timer on`, load from julianday('now')). (c) is the whole process from the outside "
               "(Python start-up and `import` included for DuckDB, chdb and Polars). (d) is the peak resident set "
               "of (c) (wait4 ru_maxrss). Ratios are Tally ÷ tool from the same run: below 1 Tally is faster "
               "or smaller. sqlite3 has no type inference: `.import` makes every column text and the "
               "queries CAST — it is the baseline, not a competitor, and runs up to scale "
               f"{args.sqlite_max_scale:g}.")
    for res in results:
        out.append("")
        out.append(f"### Scale {res['scale']}")
        out.append("")
        out.append(table_for(res, method))
    for s, why in skipped.items():
        out.append("")
        out.append(f"### Scale {s}: skipped — {why}")
    out.append("")
    out.append("### Growth from scale to scale")
    out.append("")
    out.append(growth_table(results))
    out.append("")
    out.append("### Peak memory per scale")
    out.append("")
    out.append(memory_table(results))
    out.append("")
    imp = start["imports"]
    out.append(f"Start-up, `tally -c 'print 1'` (no data): median {start['median'] * 1000:.1f} ms, "
               f"mean {start['mean'] * 1000:.1f} ms, min {start['min'] * 1000:.1f} ms ({start['how']}). "
               f"For reading (c): starting Python and importing the library, included in (c) for DuckDB, chdb "
               f"and Polars, takes {imp['duckdb'] * 1000:.0f} ms (`import duckdb`), {imp['chdb'] * 1000:.0f} ms "
               f"(`import chdb`) and {imp['polars'] * 1000:.0f} ms (`import polars`).")
    out.append("")
    out.append("### Targets (2 cores, medians, ratios from the same run)")
    out.append("")
    if mach["nproc"] != 2:
        out.append(f"(This machine has {mach['nproc']} cores; the targets are set for 2.)")
        out.append("")
    out.append(targets(results, skipped))
    return "\n".join(out) + "\n"


def check_only_report(checked, skipped):
    out = ["## Same answers (bench/run --check-only: one untimed run per tool and scale)", ""]
    for c in checked:
        tools = c["tools"]
        out.append(f"- scale {c['scale']} ({c['csv_bytes'] / 1e6:.0f} MB of CSV): Q1–Q5 agree across "
                   + ", ".join(LABEL[t] for t in tools) + ". One run each (not a measurement): "
                   + ", ".join(f"{LABEL[t]} {fmt_t(c['runs'][t].wall)}, {fmt_mb(c['runs'][t].rss_kb * 1024)}"
                               for t in tools) + ".")
    for s, why in skipped.items():
        out.append(f"- scale {s}: skipped — {why}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- main


def main():
    global TIMEOUT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tally", help="the tally binary (release build); required unless --room")
    ap.add_argument("--tally-source", default="swift build -c release", help="where the binary came from")
    ap.add_argument("--sqlite", default=shutil.which("sqlite3") or "sqlite3")
    ap.add_argument("--duckdb-cli", help="the native DuckDB CLI (default: the binary of the duckdb-cli package)")
    ap.add_argument("--data", default=os.path.join(BENCH, "data"), help="holds s1/, s10/, s30/")
    ap.add_argument("--scales", help="comma-separated, e.g. 1,10,30 (default 1,10; with --quick 1)")
    ap.add_argument("--runs", type=int, default=5, help="rounds at scales below 10")
    ap.add_argument("--runs-large", type=int, default=3, help="rounds at scale 10 and above")
    ap.add_argument("--sqlite-runs-large", type=int, default=1,
                    help="sqlite3 rounds at scale 10 and above (it takes minutes per run)")
    ap.add_argument("--sqlite-max-scale", type=float, default=10, help="no sqlite3 above this scale")
    ap.add_argument("--quick", action="store_true", help="3 rounds (and scale 1 only unless --scales)")
    ap.add_argument("--check-only", action="store_true",
                    help="one untimed run per tool and scale, answers compared; no rounds, no table")
    ap.add_argument("--tally-timing", choices=["auto", "repl", "subtraction"], default="auto",
                    help="how Tally's load and queries are timed inside (auto: the REPL's .timer if it has one)")
    ap.add_argument("--timeout", type=int, default=TIMEOUT, help="seconds one process may take before it is killed")
    ap.add_argument("--room", metavar="SCALE",
                    help="only say whether memory (and with --generate, disk) allows SCALE: status 0 or 3")
    ap.add_argument("--generate", action="store_true", help="with --room: the sample is still to be generated")
    ap.add_argument("--skipped", action="append", default=[], metavar="SCALE=WHY",
                    help="a scale bench/run did not generate, and why (said in the table)")
    ap.add_argument("--out", default=os.path.join(BENCH, "results", "latest.md"))
    args = ap.parse_args()
    if args.room:
        ok, said = room_for(args.room, os.path.abspath(args.data), args.generate)
        print(said)
        sys.exit(0 if ok else 3)
    if not args.tally:
        ap.error("--tally is required")
    if args.quick:
        args.runs = 3
    if args.scales is None:
        args.scales = "1" if args.quick else "1,10"
    TIMEOUT = args.timeout
    args.tally = os.path.abspath(args.tally)
    data = os.path.abspath(args.data)
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]

    t_start = time.monotonic()
    la0 = loadavg()
    mach = machine()
    results, checked, skipped = [], [], {}
    for k in args.skipped:
        sc, _, why = k.partition("=")
        skipped[sc] = why
        scales = [x for x in scales if x != sc]
    with tempfile.TemporaryDirectory(prefix="tally-bench-") as tmp:
        tools = Tools(args, tmp)
        vers = versions(args, tools)
        log(f"machine: {mach['nproc']} cores, {mach['cpu']}, {mach['memory']}; load average {la0}")
        log("versions: " + "; ".join(f"{k} {v}" for k, v in vers.items()))

        method = None
        if not args.check_only:
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

        for s in scales:
            folder = os.path.join(data, f"s{s}")
            if not os.path.exists(os.path.join(folder, "logins.csv")):
                if float(s) >= OPTIONAL_SCALE:
                    skipped[s] = f"no sample at {folder} (bench/run --with-30 generates it when the disk allows)"
                    log(f"\nscale {s} skipped: {skipped[s]}")
                    continue
                log(f"error: no sample at {folder} (bench/run generates it)")
                sys.exit(1)
            if float(s) >= OPTIONAL_SCALE:
                ok, said = room_for(s, data, generate=False)
                if not ok:
                    skipped[s] = said
                    log(f"\nscale {s} skipped: {said}")
                    continue
                log(f"\nscale {s}: {said}")
            tool_list = [t for t in TOOLS if not (t == "sqlite" and float(s) > args.sqlite_max_scale)]
            if args.check_only:
                csv_bytes = csv_bytes_of(folder)
                log(f"\n== scale {s}: {folder} ({csv_bytes / 1e6:.0f} MB of CSV), answers only ==")
                _, runs = check_answers(tools, s, folder, tool_list)
                checked.append({"scale": s, "csv_bytes": csv_bytes, "tools": tool_list, "runs": runs})
                continue
            large = float(s) >= 10
            runs = args.runs_large if large else args.runs
            sqlite_runs = min(runs, args.sqlite_runs_large) if large else runs
            results.append(bench_scale(tools, s, folder, tool_list, runs, sqlite_runs, method))

    if args.check_only:
        print(check_only_report(checked, skipped))
        return
    text = report(args, mach, vers, start, results, skipped, method, la0, loadavg(), time.monotonic() - t_start)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.splitext(args.out)[0] + ".json", "w", encoding="utf-8") as f:
        json.dump({"machine": mach, "versions": vers, "startup": start, "method": method, "results": results,
                   "skipped": skipped}, f, indent=1, ensure_ascii=False)
    print(text)
    log(f"written to {os.path.relpath(args.out)}")


if __name__ == "__main__":
    main()
