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
        session.display.format = .csv
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
            "sum(v), count t where v > 1 by k chart",            // a chart of two measures
            "count t where v > 1 chart",                         // a chart without groups
            "min(title) t where v > 1 by k chart",               // a chart of text
            "count t where v > 1 by k, title chart",             // a chart of two by items
            "list k, v t where v > 1 chart",                     // a chart of rows
            "count t where v > 1 by k sort count pinyin",        // pinyin order of numbers
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

    /// Long chains of one operator are evaluated (they were a deep tree, and a stack overflow);
    /// beyond the documented length they are a located error.
    func testLongChainsEvaluate() {
        _ = run("print " + Array(repeating: "1", count: 10_000).joined(separator: " + "))
        XCTAssertEqual(capture.results, "10000\n")
        let terms = (0..<50_000).map { "v = \($0)" }.joined(separator: " or ")
        XCTAssertEqual(run("count t where " + terms).errors, [])
        XCTAssertEqual(capture.results, "count\n4\n")
        let tooLong = run("print " + Array(repeating: "1", count: Parser.maxChain + 1).joined(separator: "+"))
        XCTAssertEqual(tooLong.errors.count, 1)
        XCTAssertTrue(tooLong.errors[0].contains("chains more than 100000 operands"), tooLong.errors[0])
    }

    /// A long `in` list of literals goes through a hash of its values: the same answers as
    /// comparing with each (checked here against the short form, which compares).
    func testLongInListsAnswerAsComparisons() {
        let ints = (0..<100_000).map { String($0 * 2 + 3) }.joined(separator: ", ")     // 3, 5, 7, …: holds v = 3 only
        _ = run("count t where v in (\(ints))")
        XCTAssertEqual(capture.results, "count\n1\n")
        _ = run("count t where v not in (\(ints))")
        XCTAssertEqual(capture.results, "count\n3\n")
        let texts = (0..<20_000).map { "\"k\($0)\"" }.joined(separator: ", ") + ", \"乙\""
        _ = run("count t where k in (\(texts)) by k")
        XCTAssertEqual(capture.results, "k,count\n乙,2\n")
        // A null among the values, or values of another type, take the comparing path.
        _ = run("count t where v in (1, 2, 3, 4, 5, 6, 7, 8, 9, null)")
        XCTAssertEqual(capture.results, "count\n4\n")
        _ = run("count t where (v in (11, 12, 13, 14, 15, 16, 17, 18, 19, null)) is null")
        XCTAssertEqual(capture.results, "count\n4\n")
    }

    /// Measures defined through one another: deeper than the limit is an error where the
    /// chain passes it (it was a stack overflow at 3,000).
    func testMeasureChainsAreBounded() {
        var script = "measure m0 = count\n"
        for i in 1..<3000 { script += "measure m\(i) = m\(i - 1) + 1\n" }
        let r = run(script + "m2999 t")
        XCTAssertEqual(r.errors.count, 1)
        XCTAssertTrue(r.errors[0].hasPrefix("q:65:15: error: measures are defined through one another more than 64 deep"), r.errors[0])
        _ = run("m63 t")
        XCTAssertEqual(capture.results, "m63\n67\n")
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
