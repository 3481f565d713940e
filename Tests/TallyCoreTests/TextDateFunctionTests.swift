import Foundation
import XCTest
@testable import TallyCore

/// The text and date functions: their edge cases against DuckDB and their documentation (their
/// errors: the extension of BinderTests below).
final class TextDateFunctionTests: XCTestCase {
    /// substring("王小明ab", start, length) for start -7…7 and length none, -3…7, as DuckDB 2.0.1
    /// gives it (`select substring('王小明ab', start, length)`).
    func testSubstringAgreesWithDuckDB() {
        let expected: [Int64: [String]] = [
            -7: ["王小明ab", "", "", "", "", "", "", "王", "王小", "王小明", "王小明a", "王小明ab"],
            -6: ["王小明ab", "", "", "", "", "", "王", "王小", "王小明", "王小明a", "王小明ab", "王小明ab"],
            -5: ["王小明ab", "", "", "", "", "王", "王小", "王小明", "王小明a", "王小明ab", "王小明ab", "王小明ab"],
            -4: ["小明ab", "王", "王", "王", "", "小", "小明", "小明a", "小明ab", "小明ab", "小明ab", "小明ab"],
            -3: ["明ab", "王小", "王小", "小", "", "明", "明a", "明ab", "明ab", "明ab", "明ab", "明ab"],
            -2: ["ab", "王小明", "小明", "明", "", "a", "ab", "ab", "ab", "ab", "ab", "ab"],
            -1: ["b", "小明a", "明a", "a", "", "b", "b", "b", "b", "b", "b", "b"],
            0: ["王小明ab", "", "", "", "", "", "王", "王小", "王小明", "王小明a", "王小明ab", "王小明ab"],
            1: ["王小明ab", "", "", "", "", "王", "王小", "王小明", "王小明a", "王小明ab", "王小明ab", "王小明ab"],
            2: ["小明ab", "王", "王", "王", "", "小", "小明", "小明a", "小明ab", "小明ab", "小明ab", "小明ab"],
            3: ["明ab", "王小", "王小", "小", "", "明", "明a", "明ab", "明ab", "明ab", "明ab", "明ab"],
            4: ["ab", "王小明", "小明", "明", "", "a", "ab", "ab", "ab", "ab", "ab", "ab"],
            5: ["b", "小明a", "明a", "a", "", "b", "b", "b", "b", "b", "b", "b"],
            6: ["", "明ab", "ab", "b", "", "", "", "", "", "", "", ""],
            7: ["", "ab", "b", "", "", "", "", "", "", "", "", ""],
        ]
        for (start, row) in expected {
            for (j, want) in row.enumerated() {
                let length: Int64? = j == 0 ? nil : Int64(j - 4)
                XCTAssertEqual(Functions.substring("王小明ab", start: start, length: length), want, "start \(start), length \(length.map(String.init) ?? "none")")
            }
        }
        // DuckDB: substring('abc', 5, -3) -> 'bc' (the characters before position 5).
        XCTAssertEqual(Functions.substring("abc", start: 5, length: -3), "bc")
        // Far beyond the text (DuckDB refuses offsets beyond 32 bits): no overflow, the same rule.
        // From -2⁶³ (counted from the end: position 3 - 2⁶³, 0-based) 2⁶³ - 1 characters end
        // before 0-based 2: "ab"; every character lies before position 2⁶³ - 1.
        XCTAssertEqual(Functions.substring("abc", start: Int64.min, length: Int64.max), "ab")
        XCTAssertEqual(Functions.substring("abc", start: Int64.max, length: Int64.min), "abc")
        XCTAssertEqual(Functions.substring("abc", start: Int64.max, length: Int64.max), "")
    }

    /// `text like pattern` (escape `\`) as DuckDB 2.0.1 gives it, backtracking cases included.
    func testLikeAgreesWithDuckDB() throws {
        let cases: [(String, String, Bool)] = [
            ("abcabc", "a%c", true), ("abcabc", "%b_", true), ("abcabd", "a%c", false),
            ("", "%", true), ("", "_", false), ("", "", true), ("a", "%%a%%", true),
            ("王小明", "王_明", true), ("王小明", "__", false), ("王小明", "___", true),
            ("aaa", "a%a%a", true), ("aa", "a%a%a", false),
            ("mississippi", "%sip%", true), ("mississippi", "m%ss%pi", true), ("mississippi", "m%ss%pj", false),
            ("100%", "100\\%", true), ("100x", "100\\%", false), ("a_b", "a\\_b", true), ("axb", "a\\_b", false),
            ("a\\b", "a\\\\b", true), ("ABC", "abc", false), ("👨\u{200D}👩", "👨_👩", true),
            ("abc", "abc%", true), ("abc", "%abc%", true), ("ab", "a", false), ("a", "ab", false),
            ("abab", "%ab", true), ("aXbYc", "a_b_c", true),
        ]
        for (text, pattern, want) in cases {
            let p = try Functions.Pattern.compile(pattern)
            XCTAssertEqual(Functions.Pattern.matches(Array(text.unicodeScalars), p), want, "\(text) like \(pattern)")
        }
        XCTAssertThrowsError(try Functions.Pattern.compile("abc\\"))
    }

    /// A function of text computed per distinct string gives a dictionary without repeats, even
    /// when two strings map to one (upper of "a" and "A").
    func testPerStringResultsKeepADictionaryOfDistinctStrings() throws {
        let v = Vector.string([0, 1, 2, 0, 1, 2, 0], StringDictionary(["a", "A", "b"]), nil)
        let upper = try XCTUnwrap(Functions.table["upper"]).apply([v])
        XCTAssertNil(upper.invariantViolation())
        XCTAssertEqual((0..<7).map { upper.value(at: $0) }, ["A", "A", "B", "A", "A", "B", "A"].map(Value.string))
        guard case .string(_, let d, _) = upper else { return XCTFail("not text") }
        XCTAssertEqual(d.count, 2)
        // Told apart by their bytes, as dictionaries are: É (U+00C9) and E + U+0301 stay two.
        let accents = Vector.string([0, 1, 0, 1], StringDictionary(["\u{E9}", "e\u{301}"]), nil)
        let both = try XCTUnwrap(Functions.table["upper"]).apply([accents])
        XCTAssertNil(both.invariantViolation())
        guard case .string(_, let d2, _) = both else { return XCTFail("not text") }
        XCTAssertEqual(d2.strings.map { Array($0.unicodeScalars.map(\.value)) }.sorted { $0.count < $1.count }, [[0xC9], [0x45, 0x301]])
        // Fewer rows than strings: computed per row, same values.
        let few = try XCTUnwrap(Functions.table["upper"]).apply([v.gather([1, 2])])
        XCTAssertEqual((0..<2).map { few.value(at: $0) }, [.string("A"), .string("B")])
    }

    /// Every scalar function is in `.help functions` and in Grammar.md's function table.
    func testEveryFunctionIsDocumented() throws {
        let help = Help.text(of: try XCTUnwrap(Help.topic(named: "functions")))
        let grammar = try GrammarDocumentTests.document
        for name in Functions.table.keys.sorted() {
            XCTAssertTrue(help.contains(name), "\(name) is missing from .help functions")
            XCTAssertTrue(grammar.contains("`\(name)("), "\(name) is missing from Grammar.md")
        }
        XCTAssertTrue(help.contains("like") && grammar.contains("s like pattern"))
    }
}

/// The function errors the binder finds, and the one only the values raise.
extension BinderTests {
    /// A table `d` with text `k` and a date `day`, beside the binder's table `t`.
    func addDays() {
        session.catalog.add(Table(name: "d", columns: [
            .init(name: "k", vector: .string([0, 1, 0, 1], StringDictionary(["甲", "乙"]), nil)),
            .init(name: "day", vector: .date([0, 86400, 2 * 86400, 3 * 86400], nil)),
        ]))
    }

    func testFunctionErrorsComeBeforeAnyWork() {
        addDays()
        let statements = [
            "count d where contains(k, 1)",                  // a number where text goes
            "count d by date_trunc(\"hour\", day)",          // a part date_trunc does not cut to
            "count d by date_diff(\"dya\", day, day)",        // an unknown part
            "count d by format_date(day, \"%Q\")",            // an unknown format field
            "count d where day > date(\"2020-02-30\")",       // a text that is not a date
            "count d where day + 1.5 > day",                 // half a day
            "count d where k like 1",                        // like over a number
            "count d where k like \"甲\\\"",                  // a pattern ending in \\
            "count d where day like \"2020%\"",               // like over a date
            "count d by substring(k, \"1\")",                 // a text where a position goes
        ]
        for s in statements {
            let r = run(s)
            XCTAssertEqual(r.errors.count, 1, s)
            XCTAssertEqual(r.operations, 0, "\(s) ran \(r.operations) vector operations before its error: \(r.errors)")
        }
        XCTAssertEqual(run("count d where k like \"甲%\"").errors, [])
        XCTAssertEqual(capture.results, "count\n2\n")
    }

    func testDaysBeyond64BitsAreAnError() {
        addDays()
        let r = run("count d where day + 9223372036854775807 > day")
        XCTAssertEqual(r.errors, ["""
            q:1:15: error: integer overflow: 9223372036854775807 days from a date does not fit in 64 bits
            1 | count d where day + 9223372036854775807 > day
              |               ^^^^^^^^^^^^^^^^^^^^^^^^^
            """])
    }
}
