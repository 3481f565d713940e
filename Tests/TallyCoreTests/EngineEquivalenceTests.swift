import Foundation
import XCTest
@testable import TallyCore

/// Every golden record (Golden/*.test) run twice, in memory and with its queries on DuckDB
/// (`--engine duckdb`), each file in one session of each: the outputs (results and
/// diagnostics) must be the same byte for byte, except, in `query` records (CSV in full
/// precision), decimals that agree within 1e-9 relative or 1e-12 absolute (a float sum or
/// average DuckDB adds in another order); the test reports which records needed that. The
/// engine must be installed (`make engines`; `make test` does it).
///
/// The records that cannot run on DuckDB are listed below, each with its reason; each of them
/// is checked to still differ, so the list stays true when the compiler learns a construct.
final class EngineEquivalenceTests: XCTestCase {
    /// "file:line" of the record's header line → why DuckDB cannot give Tally's output.
    static let cannotRun: [String: String] = [
        "07-measures.test:84": "round of a decimal: Tally rounds the shortest form half away from zero, DuckDB's round scales the double",
        "10-arithmetic-overflow-division.test:106": "round of decimals (as above)",
        "17-exact-digits.test:90": "round of decimals to tens and hundreds (as above)",
        "17-exact-digits.test:98": "round of a decimal to 15 places (as above)",
        "10-arithmetic-overflow-division.test:189": "the overflow is an error on DuckDB too, but in DuckDB's words at the statement, not Tally's at the operator",
        "10-arithmetic-overflow-division.test:197": "a sum beyond 64 bits is an error on DuckDB too, in DuckDB's words",
        "18-text-dates.test:274": "a like pattern ending in \\ is an error on DuckDB too, in DuckDB's words at the statement",
        "12-scripts.test:165": "decimals written into text ({x} shows two places, {x:.3} three): Tally's rounding is not the engine's",
        "17-binder.test:183": "zero padding in text ({month:02})",
        "18-text-dates.test:69": "date() of a text column: Tally reads 2020/11/01, 2020.11.1 and 2020年11月1日 as dates",
        "18-text-dates.test:82": "date() of a text column (as above)",
        "18-text-dates.test:91": "upper and lower: Tally maps every script's cases (ß → SS), DuckDB's case mapping differs",
        "18-text-dates.test:230": "upper (as above)",
        "18-text-dates.test:158": "substring from a negative or per-row start",
        "18-text-dates.test:173": "replace of a per-row text (an empty one changes nothing in Tally)",
        "21-display.test:23": "round of decimals, shown with their n places (as above)",
        "21-display.test:37": "round of decimals through a measure, a let table and a by item (as above)",
        "21-display.test:63": "round of decimals inside coalesce (as above)",
        "21-display.test:128": "round of a small average (as above)",
        "21-display.test:257": "round of decimals in CSV (as above)",
        "21-display.test:327": "round of decimals in JSON (as above)",
        "21-charts-pinyin.test:201": "sort … pinyin: glibc's zh_CN.UTF-8 collation, which no engine has",
        "21-charts-pinyin.test:215": "sort … pinyin (as above)",
        "21-charts-pinyin.test:234": "sort … pinyin (as above)",
        "21-charts-pinyin.test:242": "sort … pinyin (as above)",
        "21-charts-pinyin.test:256": "sort … pinyin (as above)",
        "21-charts-pinyin.test:270": "sort … pinyin (as above)",
    ]

    /// The cells of two CSV texts agree: equal, or decimals within 1e-9 relative or 1e-12 absolute.
    static func closeEnough(_ a: String, _ b: String) -> Bool {
        let x = a.components(separatedBy: "\n"), y = b.components(separatedBy: "\n")
        guard x.count == y.count else { return false }
        for (l, m) in zip(x, y) {
            let p = l.components(separatedBy: ","), q = m.components(separatedBy: ",")
            guard p.count == q.count else { return false }
            for (u, v) in zip(p, q) where u != v {
                guard let d = Double(u), let e = Double(v), u.contains(".") || v.contains("."),
                      abs(d - e) <= max(1e-12, 1e-9 * max(abs(d), abs(e))) else { return false }
            }
        }
        return true
    }

    func testGoldenRecordsOnDuckDB() throws {
        let (ran, matched, withinTolerance, listed) = try EngineEquivalenceTests.compare(.duckdb, cannotRun: EngineEquivalenceTests.cannotRun)
        XCTAssertEqual(Set(EngineEquivalenceTests.cannotRun.keys).subtracting(listed), [], "listed records that no longer exist")
        print("engine equivalence: \(matched) of \(ran) golden records gave the in-memory output on DuckDB, \(listed.count) listed as unable to;"
              + " within the float tolerance only: \(withinTolerance.isEmpty ? "none" : withinTolerance.joined(separator: ", "))")
        XCTAssertGreaterThan(matched, 400)
    }

    /// Runs the golden records (those of `only`, when given) in memory and on the engine, and
    /// checks that they agree, except those listed in `cannotRun`, which must differ. The
    /// `engine` given serves every file (Spark: one JVM), else each file starts one.
    static func compare(_ dialect: SQLDialect, only: Set<String>? = nil, engine sharedEngine: Engine? = nil, cannotRun: [String: String],
                        caller: StaticString = #filePath, callerLine: UInt = #line) throws -> (ran: Int, matched: Int, withinTolerance: [String], listed: Set<String>) {
        let golden = try XCTUnwrap(Bundle.module.url(forResource: "Golden", withExtension: nil))
        let fixtures = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(atPath: golden.path).filter { $0.hasSuffix(".test") }.sorted()
        var ran = 0, matched = 0, withinTolerance: [String] = [], listed = Set<String>()
        for file in files {
            let text = try String(contentsOf: golden.appendingPathComponent(file), encoding: .utf8)
            let records = GoldenTests.records(text).filter { only?.contains("\(file):\($0.line)") ?? true }
            if records.isEmpty { continue }
            let memoryOutput = CapturedOutput(), engineOutput = CapturedOutput()
            let memory = Session(output: memoryOutput), onEngine = Session(output: engineOutput)
            let engine = try sharedEngine ?? Engine.start(dialect)
            defer { if sharedEngine == nil { engine.close() } }
            onEngine.engine = engine
            // The golden fixtures are messy exports (GBK, workbooks, value forms) and the records
            // describe and summarise them: Tally loads them and hands the engine its tables.
            onEngine.engineCopies = true
            for r in records {
                var outputs: [String] = []
                // Both start the record with the in-memory session's display settings: a record that
                // fails on the engine stops before it sets back the .decimals, .thousands or .percent it changed.
                let settings = memory.display
                for (session, capture) in [(memory, memoryOutput), (onEngine, engineOutput)] {
                    capture.results = ""
                    capture.diagnostics = []
                    session.display = settings
                    session.display.format = r.kind == "query" ? .csv : (OutputFormat(rawValue: r.argument) ?? .table)
                    let outcome = session.run(SourceFile(name: "<test>", text: r.statements), baseDirectory: fixtures.path)
                    outputs.append(capture.results + capture.diagnostics.joined(separator: "\n") + "\nerrors \(outcome.errors), failed checks \(outcome.failedChecks)")
                }
                let place = "\(file):\(r.line)"
                var same = outputs[0] == outputs[1]
                if !same && r.kind == "query" && EngineEquivalenceTests.closeEnough(outputs[0], outputs[1]) {
                    same = true
                    withinTolerance.append(place)
                }
                ran += 1
                if let reason = cannotRun[place] {
                    listed.insert(place)
                    XCTAssertFalse(same, "\(place) is listed as not running on \(dialect.engineName) (\(reason)) but now gives the same output: take it off the list",
                                   file: caller, line: callerLine)
                } else {
                    if same { matched += 1 }
                    XCTAssertTrue(same, "\(place) on \(dialect.engineName):\n\(r.statements)\nin memory:\n\(outputs[0])\non \(dialect.engineName):\n\(outputs[1])",
                                  file: caller, line: callerLine)
                }
            }
        }
        return (ran, matched, withinTolerance, listed)
    }
}
