import Foundation
import XCTest

/// `tally run … --engine duckdb` and `tally sql` from the command line.
final class EngineCommandTests: XCTestCase {
    /// Every Example gives the same output, byte for byte, with its queries on DuckDB.
    func testEveryExampleGivesTheSameOutputOnDuckDB() throws {
        XCTAssertGreaterThanOrEqual(TallyProcess.examples.count, 5)
        for (s, path, memory) in TallyProcess.examples {
            let duckdb = try TallyProcess.run(TallyProcess.exampleArguments(path) + ["--engine", "duckdb"])
            XCTAssertFalse(duckdb.stderr.contains("error:"), "\(s): \(duckdb.stderr)")
            XCTAssertEqual(duckdb.status, memory.status, s)
            XCTAssertFalse(memory.stdout.isEmpty, s)
            XCTAssertEqual(duckdb.stdout, memory.stdout, "\(s) on DuckDB")
            XCTAssertEqual(duckdb.stderr.replacingOccurrences(of: ", read by DuckDB\n", with: "\n"), memory.stderr,
                           "\(s): the same loaded lines and warnings, each load read by DuckDB itself")
        }
    }

    /// Without the engine installed, --engine duckdb says how to install it, and nothing runs.
    func testEngineNotInstalledSaysHowToInstallIt() throws {
        let venv = FileManager.default.temporaryDirectory.appendingPathComponent("tally-no-duckdb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: venv) }
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        make.arguments = ["python3", "-m", "venv", "--without-pip", venv.path]   // a Python without the duckdb package
        try make.run()
        make.waitUntilExit()
        XCTAssertEqual(make.terminationStatus, 0)
        let r = try TallyProcess.run(["-c", "print \"ran\"", "--engine", "duckdb"],
                                     environment: ["TALLY_ENGINE_PYTHON": venv.appendingPathComponent("bin/python3").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("error: DuckDB is not installed for Tally"), r.stderr)
        XCTAssertTrue(r.stderr.contains("make engines"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }

    /// `tally sql` prints each query's SQL; a construct the dialect cannot compute exactly is a
    /// located error (status 1), after the SQL of the statements before it.
    func testSQLCommand() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-sql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try TallyProcess.courses.write(to: dir.appendingPathComponent("courses.csv"), atomically: true, encoding: .utf8)
        try "load \"courses.csv\"\ncount courses by project\ncount courses by round(enrolled / 3, 1)\n"
            .write(to: dir.appendingPathComponent("q.tally"), atomically: true, encoding: .utf8)
        for dialect in ["duckdb", "spark"] {
            let r = try TallyProcess.run(["sql", "q.tally", "--dialect", dialect], directory: dir)
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stdout.contains("-- q.tally:2: count courses by project"), r.stdout)
            XCTAssertTrue(r.stdout.contains(dialect == "spark" ? "SELECT t1.`project` AS c1, count(*) AS c2" : "SELECT t1.\"project\" AS c1, count(*) AS c2"), r.stdout)
            XCTAssertTrue(r.stderr.contains("q.tally:3:18: error: \(dialect == "spark" ? "Spark" : "DuckDB") cannot compute round of decimals exactly as Tally does"), r.stderr)
        }
    }
}
