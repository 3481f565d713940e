import Foundation
import XCTest
@testable import TallyCore

/// The binder: every error that does not depend on the data is found before any of the
/// statement runs, and execution looks no name up.
final class BinderTests: XCTestCase {
    var capture = CapturedOutput()
    var session: Session!

    override func setUp() {
        capture = CapturedOutput()
        session = Session(output: capture)
        session.format = .csv
        let d = StringDictionary(["甲", "乙"])
        session.catalog.add(Table(name: "t", columns: [
            .init(name: "k", vector: .string([0, 1, 0, 1], d, nil)),
            .init(name: "v", vector: .integer([1, 2, 3, 4], nil)),
            .init(name: "title", vector: .string([0, 0, 1, 1], d, nil)),
        ]))
    }

    /// Runs `text`; returns the errors and how many vector operations execution ran.
    func run(_ text: String) -> (errors: [String], operations: Int) {
        capture.results = ""
        capture.diagnostics = []
        let before = ExecutionCounter.operations.load(ordering: .relaxed)
        session.run(SourceFile(name: "q", text: text))
        return (capture.diagnostics, ExecutionCounter.operations.load(ordering: .relaxed) - before)
    }

    func testErrorsThatDoNotDependOnTheDataComeBeforeAnyWork() {
        let statements = [
            "count t where v > 1 by k sort nosuch",              // an unknown sort column
            "count, sum(v) t where v > 1 by k bucket 2",         // bucket over two measures
            "min(title) t where v > 1 by k pct",                 // pct on text
            "count t where v > 1 having count > 1",              // having without by
            "count t where v > 1 by k having count > \"a\"",     // a comparison of types that never match
            "sum(v) t where v > 1 by k, nosuch",                 // an unknown column after the filter
            "count t where v > 1 by k sort count (1, 2), zz",    // the second sort key
            "print (count t where v > 1) + \"x\"",               // arithmetic on text
        ]
        for s in statements {
            let r = run(s)
            XCTAssertEqual(r.errors.count, 1, s)
            XCTAssertEqual(r.operations, 0, "\(s) ran \(r.operations) vector operations before its error: \(r.errors)")
        }
        // The hook counts: a statement that runs does work.
        XCTAssertGreaterThan(run("count t where v > 1 by k").operations, 0)
    }

    func testErrorsThatDependOnTheDataAreLocatedWhenTheyOccur() {
        session.catalog.add(Table(name: "big", columns: [.init(name: "x", vector: .integer([Int64.max, 1], nil))]))
        let r = run("count big where x + 1 > 0")
        XCTAssertEqual(r.errors, ["""
            q:1:17: error: integer overflow: 9223372036854775807 + 1 does not fit in 64 bits
            1 | count big where x + 1 > 0
              |                 ^^^^^
            """])
    }

    func testInterpolationIsEvaluatedPerRow() {
        XCTAssertEqual(run("count t by \"<{k}>\" as label").errors, [])
        XCTAssertEqual(capture.results, "label,count\n<乙>,2\n<甲>,2\n")
        _ = run("count t where \"{k}{v}\" = \"乙4\"")
        XCTAssertEqual(capture.results, "count\n1\n")
    }

    func testHavingNamesOutputColumns() {
        _ = run("sum(v) as s t by k having s > 4")
        XCTAssertEqual(capture.results, "k,s\n乙,6\n")
        _ = run("sum(v) as s t by k as 组 having 组 = \"甲\"")
        XCTAssertEqual(capture.results, "组,s\n甲,4\n")
    }

    /// Execution reads only bound queries: no file under Execution/ resolves a name.
    func testExecutionLooksNoNameUp() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/TallyCore/Execution")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        XCTAssertFalse(files.isEmpty)
        for f in files {
            let text = try String(contentsOf: folder.appendingPathComponent(f), encoding: .utf8)
            for lookup in ["column(named:", "catalog.table(", "catalog.measure(", "catalog.variable(", "catalog.links"] {
                XCTAssertFalse(text.contains(lookup), "Execution/\(f) uses `\(lookup)`")
            }
            // Nor does it read the syntax tree (`Expr`, `Query`, `Name`): only the bound forms.
            let syntax = try NSRegularExpression(pattern: #"\b(Expr|ExprKind|Query|Name|Statement)\b"#)
            let hits = syntax.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { (text as NSString).substring(with: $0.range) }
            XCTAssertEqual(hits, [], "Execution/\(f) reads the syntax tree")
        }
    }

    func testEveryFunctionComesFromTheRegistry() {
        for name in FunctionRegistry.names { XCTAssertNotNil(FunctionRegistry.lookup(name), name) }
        XCTAssertEqual(Set(FunctionRegistry.names).count, FunctionRegistry.names.count)
        XCTAssertNil(FunctionRegistry.lookup("mediann"))
        XCTAssertEqual(run("mediann(v) t").errors.first?.contains("unknown function `mediann`"), true)
    }
}
