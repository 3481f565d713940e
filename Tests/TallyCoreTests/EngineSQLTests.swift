import Foundation
import XCTest
@testable import TallyCore

/// `tally sql`: the SQL of Golden-sql/queries.tally pinned per dialect, the DuckDB text run on
/// DuckDB against the fixtures' own files, and the located errors of the compiler and engine.
final class EngineSQLTests: XCTestCase {
    var fixtures: URL { Bundle.module.url(forResource: "Fixtures", withExtension: nil)! }
    var goldenSQL: URL { Bundle.module.url(forResource: "Golden-sql", withExtension: nil)! }

    /// What `tally sql queries.tally --dialect D` prints when run beside the fixtures.
    func printedSQL(_ dialect: SQLDialect) throws -> String {
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.sqlDialect = dialect
        let text = try String(contentsOf: goldenSQL.appendingPathComponent("queries.tally"), encoding: .utf8)
        let outcome = session.run(SourceFile(name: "queries.tally", text: text), baseDirectory: fixtures.path)
        XCTAssertEqual(outcome.errors, 0, capture.diagnostics.joined(separator: "\n"))
        let preamble = SQLCompiler(dialect: dialect).preamble.map { $0 + ";\n" }.joined() + "\n"
        return preamble + capture.results.replacingOccurrences(of: fixtures.path + "/", with: "")
    }

    /// The pins were printed by `tally sql` and read through by hand; the DuckDB one is also
    /// checked by running it (below). A change to the compiler shows here as a diff to review;
    /// TALLY_WRITE_SQL_PINS=Tests/TallyCoreTests/Golden-sql rewrites the pins for that review.
    func testSQLIsPinnedPerDialect() throws {
        for d in SQLDialect.allCases {
            let expected = try String(contentsOf: goldenSQL.appendingPathComponent("queries.\(d.rawValue).sql"), encoding: .utf8)
            let actual = try printedSQL(d)
            if let folder = ProcessInfo.processInfo.environment["TALLY_WRITE_SQL_PINS"] {
                try actual.write(toFile: folder + "/queries.\(d.rawValue).sql", atomically: true, encoding: .utf8)
            }
            XCTAssertEqual(actual, expected, "tally sql --dialect \(d.rawValue) differs from Golden-sql/queries.\(d.rawValue).sql")
        }
    }

    /// The printed reads of the exports (read_csv with Tally's schema, booleans mapped) and
    /// queries, run on DuckDB, give what the in-memory engine gives.
    func testPrintedDuckDBReadsGiveTheInMemoryOutput() throws {
        let text = try String(contentsOf: goldenSQL.appendingPathComponent("queries.tally"), encoding: .utf8)
        var outputs: [String] = []
        for onEngine in [false, true] {
            let capture = CapturedOutput()
            let session = Session(output: capture)
            session.display.format = .csv
            if onEngine {
                session.engine = try Engine.start(.duckdb)
                session.engine!.readsExports = true
                session.engineCopies = true   // the tables loaded in memory too: the engine reads the files the same
            }
            let outcome = session.run(SourceFile(name: "queries.tally", text: text), baseDirectory: fixtures.path)
            XCTAssertEqual(outcome.errors, 0, capture.diagnostics.joined(separator: "\n"))
            outputs.append(capture.results)
            session.engine?.close()
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertTrue(outputs[0].contains("很满意,13"), outputs[0])   // counted by hand from tutor_ratings.csv
    }

    /// The engine that runs is the pinned one, and the Makefile installs that version.
    func testTheEngineIsThePinnedVersion() throws {
        let engine = try Engine.start(.duckdb)
        defer { engine.close() }
        XCTAssertEqual(engine.version, EngineDriver.duckdbVersion)
        let makefile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Makefile")
        XCTAssertTrue(try String(contentsOf: makefile, encoding: .utf8).contains("DUCKDB_VERSION = \(EngineDriver.duckdbVersion)\n"))
    }

    func diagnostics(_ text: String, dialect: SQLDialect? = nil, engine: Engine? = nil) -> [String] {
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.sqlDialect = dialect
        session.engine = engine
        session.run(SourceFile(name: "t.tally", text: text), baseDirectory: fixtures.path)
        return capture.diagnostics
    }

    /// A construct an engine cannot compute exactly fails at compile time, at the construct,
    /// naming the engine; nothing of the statement runs.
    func testUnsupportedConstructIsALocatedErrorAtCompileTime() throws {
        for d in SQLDialect.allCases {
            let errors = diagnostics("load \"golden\" with startup false\ncount enrollments by round(hours_earned, 1)", dialect: d)
            XCTAssertEqual(errors.count, 1, errors.joined())
            XCTAssertTrue(errors[0].hasPrefix("t.tally:2:22: error: \(d.engineName) cannot compute round of decimals exactly as Tally does"), errors[0])
            XCTAssertTrue(errors[0].contains("^^^^^^^^^^^^^^^^^^^^^^"), errors[0])
        }
        let spark = diagnostics("load \"golden\" with startup false\ncount logins by format_date(login_at, \"%G-W%V\")", dialect: .spark)
        XCTAssertTrue(spark.first?.hasPrefix("t.tally:2:39: error: Spark cannot compute format_date with %j, %u, %V or %G") ?? false, spark.joined())
    }

    /// An error the engine raises while running is shown at the statement that met it.
    func testEngineErrorIsShownAtTheStatement() throws {
        let engine = try Engine.start(.duckdb)
        defer { engine.close() }
        // misc/big.csv: m is 999999999999999999 on each of its 10 rows; the sum does not fit in 64 bits.
        let errors = diagnostics("load \"misc/big.csv\"\nprint \"ok\"\nsum(m) big", engine: engine)
        XCTAssertEqual(errors.count, 1, errors.joined())
        XCTAssertTrue(errors[0].hasPrefix("t.tally:3:1: error: DuckDB: Conversion Error"), errors[0])
        XCTAssertTrue(errors[0].contains("3 | sum(m) big"), errors[0])
    }

    func testCtrlCInterruptsALongStatement() throws {
        let engine = try Engine.start(.duckdb)
        defer { engine.close() }
        try EngineSQLTests.assertLongStatementIsInterrupted(engine, "SELECT count(*) FROM range(100000000000) AS r(x) WHERE x % 7 = 3")
    }

    /// Ctrl-C a second into a statement that would run for minutes: the driver interrupts it
    /// within seconds, the statement is `Cancelled`, and the engine runs the next one.
    static func assertLongStatementIsInterrupted(_ engine: Engine, _ sql: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let start = Date()
        engine.isCancelled = { Date().timeIntervalSince(start) > 1 }
        XCTAssertThrowsError(try engine.execute(sql), file: file, line: line) { XCTAssertTrue($0 is Cancelled, "\($0)", file: file, line: line) }
        XCTAssertLessThan(Date().timeIntervalSince(start), 8, file: file, line: line)
        engine.isCancelled = { false }
        XCTAssertEqual(try engine.execute("SELECT 42"), [["42"]], file: file, line: line)
    }

    /// A table's rows handed to the engine keep every value: text with quotes, commas and line
    /// breaks, nulls apart from empty text, decimals in full, dates and times, 64-bit integers.
    func testCleanCSVCarriesEveryValue() throws {
        let engine = try Engine.start(.duckdb)
        defer { engine.close() }
        try EngineSQLTests.assertCleanCSVCarriesEveryValue(engine, "SELECT s IS NULL, length(s), s = '', d, t, n FROM v ORDER BY rowid")
    }

    /// `query` reads the table v back in its rows' order: each column as handed over (text of
    /// U+0001 alone too, which is no null marker).
    static func assertCleanCSVCarriesEveryValue(_ engine: Engine, _ query: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let t = Table(name: "v", columns: [
            .init(name: "s", vector: .string([0, 1, 2, 0, 3], StringDictionary(["a\"b,c", "第一行\n第二行", "", "\u{1}"]), { var m = NullMask(count: 5); m.setNull(3); return m }())),
            .init(name: "d", vector: .decimal([0.1, 1.0 / 3, -2.5e-300, 1e20, 2], nil)),
            .init(name: "t", vector: .timestamp([0, 86399, 1_602_577_800, -86400, 0], nil)),
            .init(name: "n", vector: .integer([.min, -1, 0, .max, 1], nil)),
        ])
        try engine.register(t)
        let rows = try engine.execute(query)
        XCTAssertEqual(rows.map { $0[0] }, ["false", "false", "false", "true", "false"], file: file, line: line)
        XCTAssertEqual(rows.map { $0[1] }, ["5", "7", "0", nil, "1"], file: file, line: line)
        XCTAssertEqual(rows.map { $0[2] }, ["false", "false", "true", nil, "false"], file: file, line: line)
        XCTAssertEqual(rows.map { $0[3].flatMap(Double.init) }, [0.1, 1.0 / 3, -2.5e-300, 1e20, 2], file: file, line: line)
        XCTAssertEqual(rows.map { $0[4] }, ["1970-01-01 00:00:00", "1970-01-01 23:59:59", "2020-10-13 08:30:00", "1969-12-31 00:00:00", "1970-01-01 00:00:00"], file: file, line: line)
        XCTAssertEqual(rows.map { $0[5] }, ["-9223372036854775808", "-1", "0", "9223372036854775807", "1"], file: file, line: line)
    }
}
