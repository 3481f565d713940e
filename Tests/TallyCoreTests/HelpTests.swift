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

    func testCommandsAreUniqueAndDotted() {
        let names = Help.commands.flatMap { [$0.name] + $0.aliases }
        XCTAssertEqual(names.count, Set(names).count)
        XCTAssertTrue(names.allSatisfy { $0.hasPrefix(".") })
        XCTAssertEqual(Help.command(named: ".EXIT")?.name, ".quit")
    }
}
