"""One end-to-end run of DuckDB, ClickHouse (chdb) or Polars: load the three CSV files, answer Q1–Q5.

    python py_worker.py duckdb|chdb|polars DATA_FOLDER

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


def query_text(i, dialect):
    """qN.DIALECT.sql where the dialect needs its own version, else the shared qN.sql."""
    path = os.path.join(QUERIES, f"q{i}.{dialect}.sql")
    if not os.path.exists(path):
        path = os.path.join(QUERIES, f"q{i}.sql")
    with open(path, encoding="utf-8") as f:
        return f.read()


def run_chdb(folder, out):
    """ClickHouse in the process (chdb): the three files into Memory tables of one session.

    Memory, not MergeTree: the tables live in RAM only, as DuckDB's in-memory tables and Tally's
    do; a MergeTree table would sort its rows by a key and write compressed parts to the
    session's folder on disk, work that pays off for data kept and queried for days.
    Types are ClickHouse's own inference (CSVWithNames). Timestamps: chdb parses DateTime
    "best effort" (any of many formats) by default; the exports write `YYYY-MM-DD hh:mm:ss`,
    which the basic parser reads, faster. The session's time zone is UTC, so no daylight-saving
    gap or fold of the machine's zone can move a login to another day or week.
    """
    from chdb import session

    times = {}
    t0 = time.perf_counter()
    sess = session.Session()  # in memory; max_threads = nproc
    sess.query("SET date_time_input_format = 'basic'")
    sess.query("SET session_timezone = 'UTC'")
    for name in TABLES:
        path = os.path.join(folder, name + ".csv").replace("\\", "\\\\").replace("'", "\\'")
        sess.query(f"CREATE TABLE {name} ENGINE = Memory AS SELECT * FROM file('{path}', CSVWithNames)")
    times["load"] = time.perf_counter() - t0
    for i in range(1, 6):
        sql = query_text(i, "clickhouse")
        t0 = time.perf_counter()
        text = sess.query(sql, "CSVWithNames").bytes().decode("utf-8")
        times[f"q{i}"] = time.perf_counter() - t0
        out.write(f"@@ Q{i}\n")
        out.write(text if text.endswith("\n") else text + "\n")
    sess.close()
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
    times = {"duckdb": run_duckdb, "chdb": run_chdb, "polars": run_polars}[tool](folder, out)
    sys.stdout.write(out.getvalue())
    sys.stdout.write("@@TIMES " + json.dumps(times) + "\n")


if __name__ == "__main__":
    main()
