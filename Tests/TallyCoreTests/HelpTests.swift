import Foundation
import XCTest
@testable import TallyCore
import TallySample

/// The prompt's help cannot drift from the language: every example parses, and every
/// runnable one runs on (small) sample exports.
final class HelpTests: XCTestCase {
    func testEveryExampleParses() throws {
        XCTAssertGreaterThan(Help.allExamples.count, 30)
        for (i, e) in Help.allExamples.enumerated() {
            XCTAssertNoThrow(try Parser.parseOrThrow(SourceFile(name: "help example \(i + 1)", text: e.code)), e.code)
            XCTAssertFalse(try Parser.parseOrThrow(SourceFile(name: "help example", text: e.code)).isEmpty)
        }
    }

    func testEveryExampleAsPrintedParses() throws {
        // What `.help TOPIC` prints, comment lines included, is itself a valid script.
        for topic in Help.topics {
            let page = Help.text(of: topic)
            let start = try XCTUnwrap(page.range(of: "Examples:\n"))
            var block = page[start.upperBound...]
            if let end = block.range(of: "\n`") { block = block[..<end.lowerBound] }
            XCTAssertNoThrow(try Parser.parseOrThrow(SourceFile(name: topic.name, text: String(block))), String(block))
        }
    }

    func testRunnableExamplesRunOnTheSampleExports() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-help-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try SampleGenerator.generate(into: folder, options: SampleOptions(scale: 0.01))
        func freshSession() -> (Session, CapturedOutput) {
            let out = CapturedOutput()
            let session = Session(output: out)
            XCTAssertEqual(session.run(SourceFile(name: "load", text: "load \"\(folder.path)\"")).errors, 0, out.diagnostics.joined())
            XCTAssertEqual(session.runFile(folder.appendingPathComponent("startup.tally").path).errors, 0, out.diagnostics.joined())
            return (session, out)
        }
        var ran = 0
        for (name, examples) in [("overview", Help.firstExamples)] + Help.topics.map({ ($0.name, $0.examples) }) {
            let (session, out) = freshSession()
            for e in examples where e.runnable {
                let outcome = session.run(SourceFile(name: "\(name) example", text: e.code))
                XCTAssertEqual(outcome.errors, 0, "\(e.code)\n\(out.diagnostics.joined(separator: "\n"))")
                XCTAssertEqual(outcome.failedChecks, 0, e.code)
                ran += 1
            }
        }
        XCTAssertGreaterThan(ran, 25)
    }

    func testOverviewAnswersTheFirstQuestion() {
        let page = Help.overview()
        XCTAssertTrue(page.contains("how many teachers participated, per district?"), page)
        XCTAssertTrue(page.contains("count distinct teacher_id enrollments where participated by teachers.district"), page)
        for c in Help.commands { XCTAssertTrue(page.contains(c.usage), c.usage) }
        for t in Help.topics { XCTAssertTrue(page.contains(t.name), t.name) }
        for line in page.split(separator: "\n") { XCTAssertLessThanOrEqual(DisplayWidth.of(String(line)), 80, String(line)) }
    }

    func testTopicsAreFoundByNameOrAlias() throws {
        for name in ["query", "where", "by", "bucket", "pct", "total", "sort", "top", "measures", "lookups", "load", "scripts", "formats"] {
            XCTAssertNotNil(Help.topic(named: name), name)
        }
        XCTAssertEqual(Help.topic(named: "BUCKET")?.name, "bucket")
        XCTAssertEqual(Help.topic(named: "in")?.name, "lookups")
        XCTAssertNil(Help.topic(named: "nonsense"))
        let bucket = Help.text(of: try XCTUnwrap(Help.topic(named: "bucket")))
        XCTAssertTrue(bucket.contains("passrate courses where project = \"市常规远程培训\" and enrolled > 0 bucket 90,80,70,60"), bucket)
        XCTAssertTrue(bucket.contains("≥90") && bucket.contains("<60"), bucket)
    }

    func testEveryStatementAndClauseKeywordHasATopic() {
        for k in Lexical.statementKeywords + Lexical.clauseKeywords {
            XCTAssertNotNil(Help.topic(named: k.rawValue), "`.help \(k.rawValue)` finds nothing")
        }
        XCTAssertEqual(Help.topic(named: "having")?.name, "by")
        XCTAssertEqual(Help.topic(named: "measure")?.name, "measures")
        XCTAssertTrue(Help.text(of: Help.topic(named: "query")!).contains("[having COND]"))
    }

    /// What a first hour needs is one `.help WORD` away, and the page speaks of it.
    func testClausesStatementsAndLoadOptionsHaveATopicThatMentionsThem() throws {
        for word in ["summary", "having", "explain", "list", "rank", "ties", "per", "xlsx", "gbk"] + LoadOptions.names {
            let topic = try XCTUnwrap(Help.topic(named: word), "`.help \(word)` finds nothing")
            XCTAssertTrue(Help.text(of: topic).lowercased().contains(word), "`.help \(word)` (\(topic.name)) does not mention it")
        }
        let load = Help.text(of: try XCTUnwrap(Help.topic(named: "load")))
        XCTAssertTrue(load.contains(".xlsx") && load.contains("sheet \"课程\"") && load.contains("GBK") && load.contains("encoding \"gbk\""), load)
        let overview = Help.overview()
        for t in Help.topics { XCTAssertTrue(overview.contains("  " + t.name + " "), "overview lists \(t.name)") }
        XCTAssertTrue(overview.contains("rank") && overview.contains("explain") && overview.contains("summary"), overview)
    }

    /// Help fits the window: prose is wrapped to the width (at a space, a table's second column
    /// kept), example code is left whole so that it can be copied.
    func testHelpIsWrappedToTheWidth() throws {
        let code = Set(Help.allExamples.flatMap { $0.code.split(separator: "\n").map { "  " + $0 } })
        for width in [40, 60, 80, 120] {
            let pages = [Help.overview(width: width)] + Help.topics.map { Help.text(of: $0, width: width) }
            for page in pages {
                for line in page.split(separator: "\n").map(String.init) where !code.contains(line) {
                    let longestWord = line.split(separator: " ").map { DisplayWidth.of(String($0)) }.max() ?? 0
                    XCTAssertTrue(DisplayWidth.of(line) <= width || longestWord > width / 2, "\(width): \(line)")
                }
            }
        }
        // A command's summary stays in its column; what does not fit goes on below it.
        let usage = Help.commands.map(\.usage.count).max()!
        let narrow60 = Help.overview(width: 60)
        XCTAssertTrue(narrow60.contains("\n  .tables" + String(repeating: " ", count: usage - 7 + 2) + "the loaded tables: rows\n" + String(repeating: " ", count: usage + 4) + "and columns\n"), narrow60)
        XCTAssertTrue(narrow60.contains("\n  .format table|csv|json|markdown  how results are shown\n" + String(repeating: " ", count: usage + 4) + "(also .mode)\n"), narrow60)
        // A paragraph becomes as few lines as the width allows.
        let where_ = try XCTUnwrap(Help.topic(named: "where"))
        let wide = Help.text(of: where_, width: 400).split(separator: "\n")
        XCTAssertTrue(wide.contains { $0.hasPrefix("`where` keeps the rows where the condition is true. Compare with") && $0.hasSuffix("\"2020-11-01\".") },
                      "\(wide)")
        let narrow = Help.text(of: try XCTUnwrap(Help.topic(named: "pct")), width: 50).split(separator: "\n").map(String.init)
        XCTAssertTrue(narrow.contains("total      adds a last row `total` (or the text"), "\(narrow)")
        XCTAssertTrue(narrow.contains("           given) computed over all rows —"), "a continuation under the table's second column: \(narrow)")
    }

    func testCommandsAreUniqueAndDotted() {
        let names = Help.commands.flatMap { [$0.name] + $0.aliases }
        XCTAssertEqual(names.count, Set(names).count)
        XCTAssertTrue(names.allSatisfy { $0.hasPrefix(".") })
        XCTAssertEqual(Help.command(named: ".EXIT")?.name, ".quit")
    }
}
