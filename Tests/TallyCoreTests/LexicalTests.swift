import Foundation
import XCTest
@testable import TallyCore

/// The lexical rules (Lexical): what they write, the lexer and parser read back as meant.
final class LexicalTests: XCTestCase {
    /// The one expression of `print EXPR`.
    func printed(_ literal: String) throws -> Expr {
        let statements = try Parser.parseOrThrow(SourceFile(name: "t", text: "print " + literal))
        guard statements.count == 1, case .print(let e) = statements[0].kind else {
            throw Diagnostic(.error, "not one print statement: \(statements)")
        }
        return e
    }

    func testPlainNamesAndNamesThatNeedBackticks() throws {
        // By hand: letters (Chinese and full-width ones included), digits after the first, `_`; not a keyword.
        let plain = ["teacher_id", "_x1", "课程编号", "month", "sum", "ｉｄ１", "学段2"]
        let quoted = ["count", "WHERE", "Having", "选课 人数", "a{b}", "x`y", "1abc", "a-b", "名（称）", "", "a.b", "\"q\""]
        for n in plain { XCTAssertTrue(Lexical.isPlainName(n), n); XCTAssertEqual(Lexical.name(n), n) }
        for n in quoted { XCTAssertFalse(Lexical.isPlainName(n), n) }
        XCTAssertEqual(Lexical.name("x`y"), "`x``y`")
        XCTAssertEqual(Lexical.name("count"), "`count`")
        // Each name, as written, lexes as one identifier with exactly that text.
        for n in plain + quoted where !n.isEmpty {
            let tokens = try Lexer.tokenize(SourceFile(name: "t", text: Lexical.name(n)))
            XCTAssertEqual(tokens.map(\.kind), [.identifier, .end], n)
            XCTAssertEqual(tokens.first?.text, n)
        }
    }

    func testKeywordsAreASCIIAndCaseInsensitive() {
        XCTAssertEqual(Lexical.keyword("WHERE"), .where)
        XCTAssertEqual(Lexical.keyword("Having"), .having)
        XCTAssertNil(Lexical.keyword("sum"), "functions are not keywords")
        XCTAssertNil(Lexical.keyword("ｗｈｅｒｅ"), "full-width letters spell a name")
    }

    func testStringLiteralsMeanExactlyTheirText() throws {
        let texts = ["x{y}", "a\"b", "{{", "}", "say \"hi\" {n}", "多行\n文本", "", "it's", "{data}/teachers.csv"]
        for t in texts {
            let e = try printed(Lexical.string(t))
            guard case .literal(let v) = e.kind else { XCTFail("\(t): \(e.kind)"); continue }
            XCTAssertEqual(v, .string(t))
            XCTAssertEqual(Lexical.unescaped(Lexical.escaped(t, quote: "'"), quote: "'"), t)
        }
        XCTAssertEqual(Lexical.string("x{y}"), "\"x{{y}}\"")
        XCTAssertEqual(Lexical.string("a\"b"), "\"a\"\"b\"")
        XCTAssertEqual(Lexical.escaped("it's \"so\"", quote: "'"), "it''s \"so\"")
        XCTAssertNil(Lexical.unescaped("{data}/x", quote: "\""), "an interpolation")
        XCTAssertNil(Lexical.unescaped("a}b", quote: "\""))
        XCTAssertEqual(Lexical.unescaped("a{{b}}\"\"c", quote: "\""), "a{b}\"c")
    }

    /// The lexer has no exponents: decimals are written out. Expected texts by hand (and
    /// Python's format(Decimal(repr(x)), 'f')).
    func testDecimalsAreWrittenWithoutExponents() throws {
        let cases: [(Double, String)] = [
            (0.00001, "0.00001"), (1.5e-05, "0.000015"), (-2.5e-07, "-0.00000025"), (1e16, "10000000000000000.0"),
            (1.25e20, "125000000000000000000.0"), (3.0, "3.0"), (0.1, "0.1"), (123.456, "123.456"),
            (9.999999999999999e-11, "0.00000000009999999999999999"),
        ]
        for (d, text) in cases {
            XCTAssertEqual(Lexical.literal(.decimal(d)), text)
            let e = try printed(text)
            guard case .literal(let v) = e.kind else { XCTFail("\(text): \(e.kind)"); continue }
            XCTAssertEqual(v, .decimal(d), text)
        }
        XCTAssertEqual(Lexical.literal(.integer(-5)), "-5")
        XCTAssertEqual(Lexical.literal(.boolean(true)), "true")
        XCTAssertEqual(Lexical.literal(.null), "null")
        XCTAssertEqual(Lexical.literal(.string("{x}")), "\"{{x}}\"")
    }

    func testKeywordRoles() {
        XCTAssertEqual(Lexical.statementKeywords.map(\.rawValue),
                       ["load", "measure", "link", "set", "let", "print", "check", "warn", "include", "export", "describe", "summary", "explain", "list"])
        XCTAssertEqual(Lexical.clauseKeywords.map(\.rawValue), ["where", "by", "having", "bucket", "across", "pct", "total", "sort", "top", "chart"])
        XCTAssertEqual(Set(Lexical.continuationKeywords), Set(Lexical.clauseKeywords + [.and, .or, .to, .with, .sheet]))
        XCTAssertTrue(Lexical.expressionKeywords.contains(.between) && !Lexical.expressionKeywords.contains(.where))
    }

    func testFunctionNamesAreTheEngines() {
        // Every name the registry resolves, aggregates and scalar functions, and no other.
        XCTAssertEqual((Lexical.aggregateNames + Lexical.functionNames).sorted(), FunctionRegistry.names)
        for n in Lexical.aggregateNames { guard case .aggregate? = FunctionRegistry.lookup(n) else { return XCTFail(n) } }
        for n in Lexical.functionNames { guard case .scalar? = FunctionRegistry.lookup(n) else { return XCTFail(n) } }
        XCTAssertTrue(Lexical.aggregateNames.contains("median") && Lexical.functionNames.contains("month"))
    }
}
