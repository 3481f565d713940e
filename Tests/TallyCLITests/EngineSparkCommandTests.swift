import Foundation
import XCTest

/// `tally … --engine spark` from the command line: the period report on Spark in Tally's
/// process (local[*]), and a script on a Spark Connect server and on a standalone master that
/// the test starts on 127.0.0.1 and stops. Spark must be installed (`make engines`; `make
/// test` does it): without it these fail with the install hint.
final class EngineSparkCommandTests: XCTestCase {
    /// The period report on the sample exports gives the same output on Spark, byte for byte
    /// (its table output shows no float sum to the last digit), and the same messages, each load
    /// read by Spark itself.
    func testPeriodReportOnSparkGivesTheInMemoryOutput() throws {
        let report = try XCTUnwrap(TallyProcess.examples.first { $0.name == "period-report.tally" })
        let memory = report.memory
        let spark = try TallyProcess.run(TallyProcess.exampleArguments(report.path) + ["--engine", "spark"])
        XCTAssertFalse(spark.stderr.contains("error:"), spark.stderr)
        XCTAssertEqual(spark.status, memory.status)
        XCTAssertTrue(memory.stdout.contains("市常规远程培训"), memory.stdout)
        XCTAssertEqual(spark.stdout, memory.stdout, "the period report on Spark")
        XCTAssertEqual(spark.stderr.replacingOccurrences(of: ", read by Spark\n", with: "\n"), memory.stderr,
                       "the same lines, each load read by Spark itself")
    }

    /// Without pyspark, --engine spark says how to install it, and nothing runs.
    func testSparkNotInstalledSaysHowToInstallIt() throws {
        let venv = FileManager.default.temporaryDirectory.appendingPathComponent("tally-no-spark-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: venv) }
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        make.arguments = ["python3", "-m", "venv", "--without-pip", venv.path]   // a Python without pyspark
        try make.run()
        make.waitUntilExit()
        XCTAssertEqual(make.terminationStatus, 0)
        let r = try TallyProcess.run(["-c", "print \"ran\"", "--engine", "spark"],
                                     environment: ["TALLY_ENGINE_PYTHON": venv.appendingPathComponent("bin/python3").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("error: Spark is not installed for Tally"), r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot import pyspark"), r.stderr)
        XCTAssertTrue(r.stderr.contains("make engines"), r.stderr)
        XCTAssertTrue(r.stderr.contains("pyspark 4.0.1"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }

    /// --engine-url is for Spark only, and only a Spark address.
    func testEngineURLNeedsSpark() throws {
        let alone = try TallyProcess.run(["-c", "print \"ran\"", "--engine-url", "sc://127.0.0.1:15002"])
        XCTAssertEqual(alone.status, 1)
        XCTAssertTrue(alone.stderr.contains("error: --engine-url is for --engine spark"), alone.stderr)
        XCTAssertEqual(alone.stdout, "")
        let duckdb = try TallyProcess.run(["-c", "print \"ran\"", "--engine", "duckdb", "--engine-url", "sc://127.0.0.1:15002"])
        XCTAssertEqual(duckdb.status, 1)
        XCTAssertTrue(duckdb.stderr.contains("error: --engine-url is for --engine spark"), duckdb.stderr)
        let http = try TallyProcess.run(["-c", "print \"ran\"", "--engine", "spark", "--engine-url", "http://127.0.0.1:8080"])
        XCTAssertEqual(http.status, 1)
        XCTAssertTrue(http.stderr.contains("error: `http://127.0.0.1:8080` is not a Spark address"), http.stderr)
    }

    /// A Spark Connect address where no server listens fails within seconds (one connection
    /// tried, not the client's minutes of retries), saying so; `.engine spark URL` too, at the
    /// command. No JVM starts.
    func testNoSparkConnectServerFailsAtOnce() throws {
        let url = "sc://127.0.0.1:\(SparkServers.freePort())"
        let start = Date()
        let r = try TallyProcess.run(["-c", "print \"ran\"", "--engine", "spark", "--engine-url", url])
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("error: no Spark Connect server answers at \(url) (Connection refused)\n"), r.stderr)
        XCTAssertTrue(r.stderr.contains("leave out the URL: Spark then runs in Tally's process"), r.stderr)
        XCTAssertEqual(r.stdout, "")
        XCTAssertLessThan(seconds, 15, r.stderr)
        let command = try TallyProcess.run(["-c", ".engine spark \(url)\nprint \"ran\""])
        XCTAssertEqual(command.status, 1)
        XCTAssertTrue(command.stderr.hasPrefix("<command>:1:1: error: no Spark Connect server answers at \(url) (Connection refused)\n"), command.stderr)
        XCTAssertEqual(command.stdout, "")
    }

    /// A script on a Spark Connect server (`sc://`) and on a standalone master with a worker
    /// (`spark://`), each started here on 127.0.0.1 and stopped at the end, gives the in-memory
    /// output; on the Connect server `.engine` also switches to DuckDB and back to Spark (the
    /// same server) and shows the engine in use.
    func testScriptOnSparkConnectAndOnAStandaloneMaster() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-spark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try TallyProcess.courses.write(to: dir.appendingPathComponent("courses.csv"), atomically: true, encoding: .utf8)
        let queries = [
            "sum(enrolled) as enrolled, sum(passed) / sum(enrolled) * 100 as rate courses by project sort enrolled desc",
            "count courses by project",
            "list course_id, passed / enrolled as r courses where project = \"提升工程2.0\"",
        ]
        try (["load \"courses.csv\""] + queries).joined(separator: "\n").write(to: dir.appendingPathComponent("q.tally"), atomically: true, encoding: .utf8)
        let switching = ["load \"courses.csv\"", queries[0], ".engine", ".engine duckdb", queries[1], ".engine spark", ".engine", queries[2]]
        try switching.joined(separator: "\n").write(to: dir.appendingPathComponent("switch.tally"), atomically: true, encoding: .utf8)
        // By hand from TallyProcess.courses: 市常规远程培训 has C1, C2, C4 (enrolled 10 + 20 + 5, passed
        // 9 + 8 + 1: 18 / 35 * 100), 提升工程2.0 has C3 alone (0 enrolled: its rate and r are null).
        let results = ["project,enrolled,rate\n市常规远程培训,35,51.42857142857142\n提升工程2.0,0,\n",
                       "project,count\n市常规远程培训,3\n提升工程2.0,1\n", "course_id,r\nC3,\n"]
        let memory = try TallyProcess.run(["run", "q.tally", "--format", "csv"], directory: dir)
        XCTAssertEqual(memory.status, 0, memory.stderr)
        XCTAssertEqual(memory.stdout, results.joined())

        let spark = try SparkServers()
        defer { spark.stop() }
        let connect = try spark.connect()
        let switched = try TallyProcess.run(["run", "switch.tally", "--format", "csv", "--engine", "spark", "--engine-url", connect], directory: dir)
        XCTAssertEqual(switched.status, 0, switched.stderr)
        XCTAssertEqual(switched.stdout, results[0] + "engine: spark \(connect)\n" + results[1] + "engine: spark \(connect)\n" + results[2])
        let master = try spark.standalone()
        let r = try TallyProcess.run(["run", "q.tally", "--format", "csv", "--engine", "spark", "--engine-url", master], directory: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, memory.stdout, master)
    }
}

/// Spark servers for a test, on 127.0.0.1 at free ports, their output in a folder of their own;
/// `stop` ends every process started.
final class SparkServers {
    let home: URL
    let logs: URL
    private var processes: [Process] = []

    init() throws {
        let python = TallyProcess.repository.appendingPathComponent(".engines/venv/bin/python3")
        let find = Process()
        find.executableURL = python
        find.arguments = ["-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"]
        let out = Pipe()
        find.standardOutput = out
        do { try find.run() } catch {
            XCTFail("Spark is not installed: make engines installs pyspark into .engines/venv (\(error))")
            throw error
        }
        let path = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        find.waitUntilExit()
        guard find.terminationStatus == 0, !path.isEmpty else {
            XCTFail("Spark is not installed: make engines installs pyspark into .engines/venv")
            throw CocoaError(.fileNoSuchFile)
        }
        home = URL(fileURLWithPath: path)
        logs = FileManager.default.temporaryDirectory.appendingPathComponent("tally-spark-servers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
    }

    /// A port nothing listens on now.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Whether something accepts connections on 127.0.0.1:port.
    static func listening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
    }

    /// Starts bin/NAME with the arguments; waits (at most two minutes) until `port` listens.
    private func start(_ name: String, _ arguments: [String], waitingFor port: Int) throws {
        let p = Process()
        p.executableURL = home.appendingPathComponent("bin/\(name)")
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["SPARK_HOME"] = home.path
        env["SPARK_LOCAL_IP"] = "127.0.0.1"
        p.environment = env
        let log = logs.appendingPathComponent("\(processes.count + 1)-\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        processes.append(p)
        for _ in 0..<240 where p.isRunning {
            if SparkServers.listening(port) { return }
            usleep(500_000)
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        XCTFail("\(name) \(arguments.joined(separator: " ")) did not listen on 127.0.0.1:\(port):\n\(text.suffix(3000))")
        throw CocoaError(.executableLoad)
    }

    /// A Spark Connect server; its sc:// address.
    func connect() throws -> String {
        let port = SparkServers.freePort()
        try start("spark-submit", ["--class", "org.apache.spark.sql.connect.service.SparkConnectServer", "--master", "local[2]",
                                   "--conf", "spark.connect.grpc.binding.address=127.0.0.1", "--conf", "spark.connect.grpc.binding.port=\(port)",
                                   "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1", "spark-internal"], waitingFor: port)
        return "sc://127.0.0.1:\(port)"
    }

    /// A standalone master and one worker; the master's spark:// address.
    func standalone() throws -> String {
        let port = SparkServers.freePort(), web = SparkServers.freePort()
        try start("spark-class", ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "\(port)", "--webui-port", "\(web)"], waitingFor: port)
        let url = "spark://127.0.0.1:\(port)"
        let workerPort = SparkServers.freePort(), workerWeb = SparkServers.freePort()
        try start("spark-class", ["org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1", "--port", "\(workerPort)",
                                  "--webui-port", "\(workerWeb)", "--cores", "2", "--memory", "2g"], waitingFor: workerPort)
        return url
    }

    /// Ends every server started (the worker first), and removes their logs.
    func stop() {
        for p in processes.reversed() where p.isRunning {
            p.terminate()
            p.waitUntilExit()
        }
        processes = []
        try? FileManager.default.removeItem(at: logs)
    }
}
