/// The engine drivers: small Python programs that Tally starts once per script (`python3 -u
/// -c DRIVER`) and talks to over a pipe, a JSON line per statement each way. A request is
/// `{"sql": …}`; the answer `{"rows": [[cell, …], …]}` with every cell as text (null as null:
/// integers in full, doubles in their shortest exact form, dates ISO, booleans true/false), or
/// `{"error": …}`. The first line says whether the engine could be imported. `{"cancel": true}`
/// interrupts the statement running (DuckDB's interrupt, Spark's job cancel), whose answer follows.
enum EngineDriver {
    /// The releases the project pins (Makefile `engines`): DuckDB, and Spark with its Spark
    /// Connect client (Java 17 runs it).
    static let duckdbVersion = "2.0.1"
    static let pysparkVersion = "4.0.1"

    /// What both drivers share: the answers on a private copy of stdout (anything the engine
    /// prints goes to stderr), and each cell as text.
    static let common = #"""
import sys, os, json, datetime

answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)

def send(obj):
    answers.write(json.dumps(obj, ensure_ascii=False) + "\n")
    answers.flush()

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

def serve(run, interrupt, message=str):
    # Each request's answer: its rows, or the engine's error. Requests are read on a thread of
    # their own, so that {"cancel": true} (Ctrl-C in Tally) interrupts the statement running;
    # its answer is still the reply, which Tally drops.
    import threading, queue
    requests, lock, state = queue.Queue(), threading.Lock(), {"busy": False}
    def read():
        for line in sys.stdin:
            request = json.loads(line)
            if request.get("cancel"):
                with lock:
                    if state["busy"]:
                        try:
                            interrupt()
                        except Exception:
                            pass
            else:
                requests.put(request["sql"])
        requests.put(None)
    threading.Thread(target=read, daemon=True).start()
    while True:
        sql = requests.get()
        if sql is None:
            return
        with lock:
            state["busy"] = True
        try:
            send({"rows": [[text(v) for v in r] for r in run(sql)]})
        except Exception as e:
            send({"error": message(e)})
        finally:
            with lock:
                state["busy"] = False

"""#

    static let duckdb = common + #"""
try:
    import duckdb
except Exception as e:
    send({"error": "cannot import duckdb: %s" % e})
    sys.exit(0)

con = duckdb.connect(":memory:")
send({"ready": duckdb.__version__})
def run(sql):
    cur = con.execute(sql)
    return cur.fetchall() if cur.description else []
serve(run, con.interrupt)
"""#

    /// Spark: one session for the whole run, `local[*]` unless the first argument names a
    /// standalone master (`spark://host:port`) or a Spark Connect server (`sc://host:port`,
    /// first tried with one connection of at most 5 seconds: the client's own retries take minutes).
    /// The second argument is a private folder for Spark's logging settings: warnings and
    /// errors only, on stderr, no progress bar. Times are UTC and without a zone, as Tally's are.
    static let spark = common + #"""
import shutil, logging
url = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else "local[*]"
folder = sys.argv[2] if len(sys.argv) > 2 else "."
os.environ["TZ"] = "UTC"
with open(os.path.join(folder, "log4j2.properties"), "w") as f:
    f.write("rootLogger.level = warn\nrootLogger.appenderRef.stderr.ref = console\n"
            "appender.console.type = Console\nappender.console.name = console\nappender.console.target = SYSTEM_ERR\n"
            "appender.console.layout.type = PatternLayout\nappender.console.layout.pattern = %p %c{1}: %m%n\n"
            "logger.quiet.name = org.apache.hadoop.util.NativeCodeLoader\nlogger.quiet.level = error\n"
            "logger.tasks.name = org.apache.spark.executor.Executor\nlogger.tasks.level = off\n"
            "logger.sets.name = org.apache.spark.scheduler.TaskSetManager\nlogger.sets.level = off\n"
            "logger.utils.name = org.apache.spark.util.Utils\nlogger.utils.level = error\n")
os.environ["SPARK_CONF_DIR"] = folder
logging.getLogger("SQLQueryContextLogger").disabled = True
try:
    import pyspark
    from pyspark.sql import SparkSession
    if url.startswith("sc://"):
        import pyspark.sql.connect.session
except Exception as e:
    send({"error": "cannot import pyspark: %s" % e, "missing": True})
    sys.exit(0)
if not url.startswith("sc://") and not (os.environ.get("JAVA_HOME") or shutil.which("java")):
    send({"error": "no java (Spark runs on Java 17)", "missing": True})
    sys.exit(0)
if url.startswith("sc://"):
    # Where no server listens, the Connect client retries for about a minute: one try first.
    import socket, urllib.parse
    try:
        where = urllib.parse.urlparse(url)
        socket.create_connection((where.hostname or "localhost", where.port or 15002), timeout=5).close()
    except (OSError, ValueError) as e:
        send({"error": "no Spark Connect server answers at %s (%s)" % (url, getattr(e, "strerror", None) or e), "unreachable": True})
        sys.exit(0)
try:
    b = SparkSession.builder.appName("tally")
    if url.startswith("sc://"):
        b = b.remote(url)
    else:
        b = (b.master(url).config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.sql.shuffle.partitions", "2"))
    spark = b.getOrCreate()
    if not url.startswith("sc://"):
        spark.sparkContext.setLogLevel("WARN")
except Exception as e:
    send({"error": "cannot start Spark at %s: %s" % (url, str(e).strip().split("\n")[0])})
    sys.exit(0)
def message(e):
    # A Java error that pyspark does not translate: its own message, not the call's trace.
    j = getattr(e, "java_exception", None)
    if j is not None:
        try:
            return j.getMessage()
        except Exception:
            pass
    return str(e)

send({"ready": spark.version})
serve(lambda sql: spark.sql(sql).collect(), spark.interruptAll if url.startswith("sc://") else spark.sparkContext.cancelAllJobs, message)
spark.stop()
"""#
}
