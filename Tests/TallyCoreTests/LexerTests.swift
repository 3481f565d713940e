import XCTest
@testable import TallyCore

final class LexerTests: XCTestCase {
    func testQueryTokens() throws {
        let tokens = try Lexer.tokenize(SourceFile(name: "t", text: "passrate courses where enrolled>0 bucket 90,80"))
        XCTAssertEqual(tokens.map(\.kind), [.identifier, .identifier, .keyword(.where), .identifier, .symbol(.gt), .integer,
                                            .keyword(.bucket), .integer, .symbol(.comma), .integer, .end])
    }
}
