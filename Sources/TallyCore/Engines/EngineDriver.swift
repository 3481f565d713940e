/// The engine drivers: small Python programs that Tally starts once per script (`python3 -u
/// -c DRIVER`) and talks to over a pipe, a JSON line per statement each way. A request is
/// `{"sql": …}`; the answer `{"rows": [[cell, …], …]}` with every cell as text (null as null:
/// integers in full, doubles in their shortest exact form, dates ISO, booleans true/false), or
/// `{"error": …}`. The first line says whether the engine could be imported.
enum EngineDriver {
    /// The DuckDB release the project pins (Makefile `engines`, .engines/requirements.txt).
    static let duckdbVersion = "2.0.1"

    static let duckdb = #"""
import sys, os, json, datetime

# The answers go to the pipe Tally reads; anything else the engine prints goes to stderr.
answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)

def send(obj):
    answers.write(json.dumps(obj, ensure_ascii=False) + "\n")
    answers.flush()

try:
    import duckdb
except Exception as e:
    send({"error": "cannot import duckdb: %s" % e})
    sys.exit(0)

def text(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, datetime.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, datetime.date):
        return v.isoformat()
    return str(v)

con = duckdb.connect(":memory:")
send({"ready": duckdb.__version__})
for line in sys.stdin:
    try:
        cur = con.execute(json.loads(line)["sql"])
        rows = cur.fetchall() if cur.description else []
        send({"rows": [[text(v) for v in r] for r in rows]})
    except Exception as e:
        send({"error": str(e)})
"""#
}
