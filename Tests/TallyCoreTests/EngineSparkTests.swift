import Foundation
import XCTest
@testable import TallyCore

/// Tally's queries on a real Spark (pyspark 4.0.1 in local mode, `make engines`): one Spark
/// session (one JVM) serves every test here, started by the first and stopped at the end.
/// Spark must be installed: without it these fail with the install hint.
final class EngineSparkTests: XCTestCase {
    nonisolated(unsafe) private static var started: Engine?

    /// The one Spark of these tests.
    static func spark() throws -> Engine {
        if let started { return started }
        let e = try Engine.start(.spark)
        started = e
        return e
    }

    override class func tearDown() {
        started?.close()
        started = nil
        super.tearDown()
    }

    var fixtures: URL { Bundle.module.url(forResource: "Fixtures", withExtension: nil)! }

    /// The golden files run on Spark, whole (a file's records build on its first ones), chosen
    /// for the families of constructs they hold: null rules and `where` with nulls (03-nulls),
    /// buckets and their groups (05-bucket), pct, total, sort, top and ties over groups
    /// (06-pct-total-sort-top), `/0`, `%0`, overflow errors and exact decimal sums
    /// (10-arithmetic-overflow-division), text functions, `like`, text read as dates, calendar
    /// arithmetic, date_diff, date_trunc and format_date (18-text-dates), lists, ranks and ties
    /// (19-lists-ranking); filters and groups run in every one of them. The whole corpus runs
    /// on DuckDB (EngineEquivalenceTests), and ran on Spark once (its 575 records in about four
    /// minutes: too long for every test run) with the same results but for these files' records
    /// below and the records DuckDB cannot run either.
    static let files: Set<String> = ["03-nulls.test", "05-bucket.test", "06-pct-total-sort-top.test",
                                     "10-arithmetic-overflow-division.test", "18-text-dates.test", "19-lists-ranking.test"]

    /// "file:line" of a record in those files → why Spark cannot give Tally's output (each is
    /// checked to still differ).
    static let cannotRun: [String: String] = [
        "10-arithmetic-overflow-division.test:106": "round of decimals: Tally rounds the shortest form half away from zero, Spark's round scales the double",
        "10-arithmetic-overflow-division.test:189": "the overflow is an error on Spark too, but in Spark's words (ARITHMETIC_OVERFLOW) at the statement",
        "10-arithmetic-overflow-division.test:197": "a sum beyond 64 bits is an error on Spark too, in Spark's words",
        "18-text-dates.test:69": "date() of a text column: Tally reads 2020/11/01, 2020.11.1 and 2020年11月1日 as dates",
        "18-text-dates.test:82": "date() of a text column (as above)",
        "18-text-dates.test:91": "upper and lower: Tally maps every script's cases (ß → SS)",
        "18-text-dates.test:158": "substring from a negative or per-row start",
        "18-text-dates.test:173": "replace of a per-row text (an empty one changes nothing in Tally)",
        "18-text-dates.test:230": "upper (as above)",
        "18-text-dates.test:274": "a like pattern ending in \\ is an error on Spark too, in Spark's words",
        "18-text-dates.test:455": "format_date with %G, %V, %u and %j: Spark's date_format has no letter for them",
    ]

    func testGoldenFilesOnSpark() throws {
        let golden = try XCTUnwrap(Bundle.module.url(forResource: "Golden", withExtension: nil))
        var only = Set<String>()
        for file in EngineSparkTests.files {
            let text = try String(contentsOf: golden.appendingPathComponent(file), encoding: .utf8)
            for r in GoldenTests.records(text) { only.insert("\(file):\(r.line)") }
        }
        XCTAssertTrue(Set(EngineSparkTests.cannotRun.keys).isSubset(of: only), "listed records that no longer exist")
        let engine = try EngineSparkTests.spark()
        let (ran, matched, withinTolerance, listed) = try EngineEquivalenceTests.compare(.spark, only: only, engine: engine,
                                                                                         cannotRun: EngineSparkTests.cannotRun)
        XCTAssertEqual(listed, Set(EngineSparkTests.cannotRun.keys))
        print("engine equivalence: \(matched) of \(ran) golden records gave the in-memory output on Spark, \(listed.count) listed as unable to;"
              + " within the float tolerance only: \(withinTolerance.isEmpty ? "none" : withinTolerance.joined(separator: ", "))")
        XCTAssertGreaterThan(matched, 130)
    }

    /// The SQL `tally sql --dialect spark` prints (Golden-sql/queries.spark.sql: the reads of the
    /// fixtures' own files, then the queries) runs on Spark and gives the in-memory output.
    func testPrintedSparkReadsGiveTheInMemoryOutput() throws {
        let goldenSQL = try XCTUnwrap(Bundle.module.url(forResource: "Golden-sql", withExtension: nil))
        let text = try String(contentsOf: goldenSQL.appendingPathComponent("queries.tally"), encoding: .utf8)
        let outputs = try inMemoryAndOnSpark(SourceFile(name: "queries.tally", text: text), in: fixtures.path, readsExports: true)
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertTrue(outputs[0].contains("很满意,13"), outputs[0])   // counted by hand from tutor_ratings.csv
    }

    /// The CSV output of `script` run in memory, then on the shared Spark (`readsExports`: Spark
    /// reads the fixtures' files itself); each run without errors.
    func inMemoryAndOnSpark(_ script: SourceFile, in folder: String, readsExports: Bool = false) throws -> [String] {
        let engine = try EngineSparkTests.spark()
        var outputs: [String] = []
        for onEngine in [false, true] {
            let capture = CapturedOutput()
            let session = Session(output: capture)
            session.display.format = .csv
            if onEngine { session.engine = engine }
            engine.readsExports = onEngine && readsExports
            defer { engine.readsExports = false }
            let outcome = session.run(script, baseDirectory: folder)
            XCTAssertEqual(outcome.errors, 0, capture.diagnostics.joined(separator: "\n"))
            outputs.append(capture.results)
        }
        return outputs
    }

    /// The Spark that runs is the pinned one, and the Makefile installs that version.
    func testSparkIsThePinnedVersion() throws {
        XCTAssertEqual(try EngineSparkTests.spark().version, EngineDriver.pysparkVersion)
        let makefile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Makefile")
        XCTAssertTrue(try String(contentsOf: makefile, encoding: .utf8).contains("PYSPARK_VERSION = \(EngineDriver.pysparkVersion)\n"))
    }

    func diagnostics(_ text: String, engine: Engine) -> [String] {
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.engine = engine
        session.run(SourceFile(name: "t.tally", text: text), baseDirectory: fixtures.path)
        return capture.diagnostics
    }

    /// An error Spark raises while running is shown at the statement that met it; a construct
    /// Spark cannot compute exactly is a located error before anything runs, naming Spark.
    func testSparkErrorsAreLocated() throws {
        let engine = try EngineSparkTests.spark()
        // misc/big.csv: m is 999999999999999999 on each of its 10 rows; the sum does not fit in 64 bits.
        let overflow = diagnostics("load \"misc/big.csv\"\nprint \"ok\"\nsum(m) big", engine: engine)
        XCTAssertEqual(overflow.count, 1, overflow.joined())
        XCTAssertTrue(overflow[0].hasPrefix("t.tally:3:1: error: Spark: [ARITHMETIC_OVERFLOW]"), overflow[0])
        XCTAssertTrue(overflow[0].contains("3 | sum(m) big"), overflow[0])
        let refused = diagnostics("load \"golden\" with startup false\ncount logins by format_date(login_at, \"%G-W%V\")", engine: engine)
        XCTAssertEqual(refused.count, 1, refused.joined())
        XCTAssertTrue(refused[0].hasPrefix("t.tally:2:39: error: Spark cannot compute format_date with %j, %u, %V or %G exactly as Tally does"), refused[0])
        XCTAssertTrue(refused[0].contains("run this statement without --engine"), refused[0])
    }

    /// A table's rows handed to Spark keep every value: text with quotes, commas and line
    /// breaks, nulls apart from empty text, decimals in full, dates and times (UTC, as Tally's).
    func testCleanCSVCarriesEveryValueToSpark() throws {
        try EngineSQLTests.assertCleanCSVCarriesEveryValue(try EngineSparkTests.spark(), "SELECT s IS NULL, char_length(s), s = '', d, t, n FROM v ORDER BY __row")
    }

    /// Ctrl-C interrupts a long statement on Spark (its jobs cancelled) as on DuckDB.
    func testCtrlCInterruptsALongStatementOnSpark() throws {
        try EngineSQLTests.assertLongStatementIsInterrupted(try EngineSparkTests.spark(), "SELECT count(*) FROM range(0, 100000000000, 1, 2) WHERE id % 7 = 3")
    }

    /// Text sorts by code points on Spark (its UTF8_BINARY collation compares UTF-8 bytes), as
    /// in memory: U+FF01 comes before U+1F600, which UTF-16 order would turn around; nulls last.
    /// A field of U+0001 alone is text, not null (Spark's null marker is a text no file holds).
    /// `describe` and `summary` of tables Spark holds (EngineLoadTests.describedFiles) print what
    /// they print in memory: Spark computes them, its min, max and ties in that order too.
    func testTextSortsByCodePointsOnSpark() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-spark-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "id,s\n1,😀\n2,a\n3,！\n4,B\n5,\n6,é\n7,z\n8,王\n9,\u{1}\n".write(to: dir.appendingPathComponent("texts.csv"), atomically: true, encoding: .utf8)
        for (name, text) in EngineLoadTests.describedFiles {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let script = "load \"texts.csv\"\nlist id, s texts sort s\nlist id texts where s > \"王\"\nsummary texts\n"
        let outputs = try inMemoryAndOnSpark(SourceFile(name: "t.tally", text: script + EngineLoadTests.describing), in: dir.path)
        // By code point: U+0001, B 42, a 61, z 7A, é E9, 王 738B, ！ FF01, 😀 1F600, then the null;
        // s: one null, its smallest U+0001, its largest 😀, each value once (ties in that order).
        XCTAssertTrue(outputs[0].hasPrefix("id,s\n9,\u{1}\n4,B\n2,a\n7,z\n6,é\n8,王\n3,！\n1,😀\n5,\nid\n1\n3\n"), outputs[0])
        XCTAssertTrue(outputs[0].contains("\ns,string,1,8,\u{1},😀,\"\u{1} (1), B (1), a (1)\"\n"), outputs[0])
        XCTAssertTrue(outputs[0].contains("\nname,string,1,6,z,😀,\"z (2), é (1), 中 (1)\"\n"), outputs[0])
        XCTAssertEqual(outputs[1], outputs[0])
    }

    /// Parquet files and a dataset partitioned into folders, read by Spark: what DuckDB gives
    /// (EngineLoadTests), the dataset's rows listed by file then row.
    func testParquetOnSpark() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-spark-parquet-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try EngineLoadTests.writeParquet(in: dir)
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.display.format = .csv
        session.engine = try EngineSparkTests.spark()
        session.run(SourceFile(name: "t.tally", text: EngineLoadTests.parquetScript + "\nload b from \"blobs.parquet\""), baseDirectory: dir)
        XCTAssertEqual(capture.results, EngineLoadTests.parquetOutput(dir))
        XCTAssertEqual(capture.diagnostics.count, 1)
        XCTAssertTrue(capture.diagnostics.first?.contains("error: column b of \(dir)/blobs.parquet is BINARY, which Tally has no type for") ?? false,
                      capture.diagnostics.joined())
    }

    /// `.engine` switches a session's engine for the statements after it and shows the one in use;
    /// one that cannot start is an error at the command, and the engine before it stays.
    func testEngineCommandSwitchesEngines() throws {
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.display.format = .csv
        let script = """
            load "golden" with startup false
            .engine
            count courses by project
            .engine duckdb
            .engine
            count courses by project
            .engine memory
            .engine
            count courses by project
            """
        let outcome = session.run(SourceFile(name: "t.tally", text: script), baseDirectory: fixtures.path)
        XCTAssertEqual(outcome.errors, 0, capture.diagnostics.joined(separator: "\n"))
        let parts = capture.results.components(separatedBy: "engine: ")
        XCTAssertEqual(parts.count, 4, capture.results)
        XCTAssertTrue(parts[1].hasPrefix("memory"), capture.results)
        XCTAssertTrue(parts[2].hasPrefix("duckdb"), capture.results)
        XCTAssertTrue(parts[3].hasPrefix("memory"), capture.results)
        let counts = capture.results.components(separatedBy: "\n").filter { $0.hasPrefix("project,") }
        XCTAssertEqual(counts.count, 3, capture.results)
        let bad = CapturedOutput()
        let other = Session(output: bad)
        other.run(SourceFile(name: "t.tally", text: ".engine duckdb\n.engine spark http://127.0.0.1:1\n.engine"), baseDirectory: fixtures.path)
        XCTAssertEqual(bad.diagnostics.count, 1, bad.diagnostics.joined())
        XCTAssertTrue(bad.diagnostics.first?.hasPrefix("t.tally:2:1: error: `http://127.0.0.1:1` is not a Spark address") ?? false, bad.diagnostics.joined())
        XCTAssertEqual(other.engine?.dialect, .duckdb)
        other.engine?.close()
    }
}
