"""One end-to-end run of DuckDB or Polars: load the three CSV files, answer Q1–Q5.

    python py_worker.py duckdb|polars DATA_FOLDER

Prints each answer as CSV after a line `@@ Qn`, then one line `@@TIMES {json}` with the
in-process times in seconds (perf_counter): "load" and "q1".."q5". The bench times the whole
process from outside (end to end, peak memory) and reads the in-process times from here.
The import of the library is inside the process, as it would be for an analyst.
"""

import csv
import io
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
QUERIES = os.path.join(os.path.dirname(HERE), "queries")
TABLES = ("teachers", "enrollments", "logins")


def write_block(out, name, header, rows):
    out.write(f"@@ {name}\n")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else repr(v) if isinstance(v, float) else v for v in r])


def run_duckdb(folder, out):
    import duckdb

    times = {}
    t0 = time.perf_counter()
    con = duckdb.connect()  # in memory; all cores (threads = nproc)
    for name in TABLES:
        path = os.path.join(folder, name + ".csv").replace("'", "''")
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', auto_detect = true)")
    times["load"] = time.perf_counter() - t0
    for i in range(1, 6):
        with open(os.path.join(QUERIES, f"q{i}.sql"), encoding="utf-8") as f:
            sql = f.read()
        t0 = time.perf_counter()
        cur = con.execute(sql)
        rows = cur.fetchall()
        times[f"q{i}"] = time.perf_counter() - t0
        write_block(out, f"Q{i}", [d[0] for d in cur.description], rows)
    return times


def run_polars(folder, out):
    sys.path.insert(0, QUERIES)
    import polars_queries as pq

    times = {}
    t0 = time.perf_counter()
    tables = pq.load(folder)
    times["load"] = time.perf_counter() - t0
    for i, q in enumerate(pq.QUERIES, start=1):
        t0 = time.perf_counter()
        df = q(tables)
        times[f"q{i}"] = time.perf_counter() - t0
        write_block(out, f"Q{i}", df.columns, df.rows())
    return times


def main():
    tool, folder = sys.argv[1], sys.argv[2]
    out = io.StringIO()
    times = {"duckdb": run_duckdb, "polars": run_polars}[tool](folder, out)
    sys.stdout.write(out.getvalue())
    sys.stdout.write("@@TIMES " + json.dumps(times) + "\n")


if __name__ == "__main__":
    main()
