import Foundation
import XCTest
@testable import TallyCore

/// Grammar.md cannot drift from the parser: every `tally` example in it parses, and its
/// keyword list is exactly the lexer's.
final class GrammarDocumentTests: XCTestCase {
    static var document: String {
        get throws {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Grammar.md")
            return try String(contentsOf: url, encoding: .utf8)
        }
    }

    func testEveryExampleParses() throws {
        let text = try Self.document
        var blocks: [String] = []
        var current: [String]?
        for line in text.components(separatedBy: "\n") {
            if line == "```tally" { current = [] } else if line == "```", let c = current { blocks.append(c.joined(separator: "\n")); current = nil } else { current?.append(line) }
        }
        XCTAssertGreaterThan(blocks.count, 10)
        for (i, b) in blocks.enumerated() {
            let (statements, errors) = try Parser.parse(SourceFile(name: "Grammar.md example \(i + 1)", text: b))
            XCTAssertEqual(errors.map { $0.render() }, [], "example \(i + 1):\n\(b)")
            XCTAssertFalse(statements.isEmpty)
        }
    }

    func testKeywordListMatchesLexer() throws {
        let text = try Self.document
        let start = try XCTUnwrap(text.range(of: "<!-- keywords -->")), end = try XCTUnwrap(text.range(of: "<!-- /keywords -->"))
        let listed = text[start.upperBound..<end.lowerBound].split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        XCTAssertEqual(listed, listed.sorted(), "keep the list sorted")
        XCTAssertEqual(Set(listed), Set(Keyword.allCases.map(\.rawValue)))
    }

    func testContinuationKeywordsMatchTheParser() throws {
        let text = try Self.document
        let start = try XCTUnwrap(text.range(of: "the next line starts with one of `"))
        let end = try XCTUnwrap(text[start.upperBound...].firstIndex(of: "`"))
        let listed = text[start.upperBound..<end].split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        XCTAssertEqual(listed.count, Set(listed).count)
        XCTAssertEqual(Set(listed), Set(Lexical.continuationKeywords.map(\.rawValue)))
    }
}
