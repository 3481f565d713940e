import XCTest
@testable import TallyCore

final class ParserTests: XCTestCase {
    func parse(_ text: String) throws -> [Statement] {
        try Parser.parseOrThrow(SourceFile(name: "t", text: text))
    }

    func query(_ text: String) throws -> Query {
        let s = try parse(text)
        XCTAssertEqual(s.count, 1)
        guard case .query(let q) = s[0].kind else { throw XCTSkip("not a query") }
        return q
    }

    func errorText(_ text: String) -> String {
        do { _ = try parse(text); return "" } catch let d as Diagnostic { return d.render() } catch { return "\(error)" }
    }

    func testTheUsersExample() throws {
        let q = try query("passrate courses where enrolled>0 bucket 90,80,70,60")
        XCTAssertEqual(q.table.text, "courses")
        XCTAssertEqual(q.items.count, 1)
        guard case .name("passrate") = q.items[0].expr.kind else { return XCTFail("measure") }
        XCTAssertEqual(q.bucket?.map(\.value), [90, 80, 70, 60])
        guard case .binary(.gt, _, _) = q.filter?.kind else { return XCTFail("filter") }
    }

    func testPrecedence() throws {
        let q = try query("count t where a or b and not c = 1 + 2 * 3")
        guard case .binary(.or, _, let r) = q.filter?.kind, case .binary(.and, _, let n) = r.kind,
              case .not(let cmp) = n.kind, case .binary(.eq, _, let sum) = cmp.kind,
              case .binary(.add, _, let prod) = sum.kind, case .binary(.multiply, _, _) = prod.kind else {
            return XCTFail("wrong tree")
        }
    }

    func testClausesInAnyOrderAndContinuationLines() throws {
        let q = try query("count, sum(x) as 合计 t\n  by a, month(d)\n  where x > 0\n  sort count desc top 3 pct total \"合计\"")
        XCTAssertEqual(q.items.count, 2)
        XCTAssertEqual(q.items[1].alias?.text, "合计")
        XCTAssertEqual(q.dimensions.count, 2)
        XCTAssertEqual(q.sort.first?.column.text, "count")
        XCTAssertEqual(q.sort.first?.descending, true)
        XCTAssertEqual(q.top, 3)
        XCTAssertTrue(q.pct)
        XCTAssertEqual(q.total, "合计")
    }

    func testNewlineAndSemicolonSeparateStatements() throws {
        XCTAssertEqual(try parse("count a\ncount b; count c\n\n-- comment\ncount d").count, 4)
        // A trailing operator or an open parenthesis carries on to the next line.
        XCTAssertEqual(try parse("count a where x >\n 1\ncount a where x in (1,\n2)").count, 2)
    }

    /// export … to FILE [sheet NAME] [with bom], on one line or continued; `list TABLE to …`
    /// is every column; `sheet` stays a load option.
    func testExportClauses() throws {
        func export(_ text: String) throws -> (Query, Expr, ExportOptions) {
            let s = try parse(text)
            guard s.count == 1, case .export(let q, let path, let options) = s[0].kind else { throw XCTSkip("not an export: \(text)") }
            return (q, path, options)
        }
        let (q, path, options) = try export("export count t by a to \"r.xlsx\"\n  sheet \"统计\"")
        XCTAssertEqual(q.dimensions.count, 1)
        guard case .literal(.string("r.xlsx")) = path.kind, case .literal(.string("统计"))? = options.sheet?.kind else { return XCTFail("\(path.kind)") }
        XCTAssertEqual(options.sheetSpan.map { SourceFile(name: "t", text: "export count t by a to \"r.xlsx\"\n  sheet \"统计\"").slice($0) }, "sheet \"统计\"")
        XCTAssertNil(options.bom)
        let (_, _, bom) = try export("export count t to \"r.csv\" with bom")
        XCTAssertNil(bom.sheet)
        XCTAssertNotNil(bom.bom)
        let (list, _, _) = try export("export list t to \"r.xlsx\"")
        XCTAssertTrue(list.listing && list.items.isEmpty && list.table.text == "t")
        XCTAssertNoThrow(try parse("load t from \"a.xlsx\" with sheet \"课程\", header 2"))
        XCTAssertEqual(errorText("export count t to \"r.csv\" with"), """
            t:1:31: error: expected `bom` (with bom writes a byte-order mark first, for Excel), found the end of the input
            1 | export count t to "r.csv" with
              |                               ^
            """)
    }

    func testCountForms() throws {
        for text in ["count t", "count(*) t", "count(x) t", "count distinct x t", "count(distinct x) t", "count(where p) t", "count(x where p) t"] {
            XCTAssertNoThrow(try query(text), text)
        }
    }

    func testMembershipAndSubquery() throws {
        let s = try parse("let n = count teachers where teacher_id in (enrollments where paid)\ncheck (count t) = n")
        XCTAssertEqual(s.count, 2)
        guard case .let(_, let e) = s[0].kind, case .subquery(let q) = e.kind, let filter = q.filter,
              case .inList(_, let values, let inner, false) = filter.kind else {
            return XCTFail("let")
        }
        XCTAssertEqual(values.count, 1)
        XCTAssertNotNil(inner)
    }

    func testStringInterpolationParsesInside() throws {
        let s = try parse("print \"总数 {F1 + F2} 人次, {{literal}}\"")
        guard case .print(let e) = s[0].kind, case .interpolated(let parts) = e.kind else { return XCTFail() }
        XCTAssertEqual(parts.count, 3)
    }

    func testErrorsPointAtTheToken() {
        XCTAssertEqual(errorText("count courses where"), """
            t:1:20: error: expected a value, a column or a measure, found the end of the input
            1 | count courses where
              |                    ^
            """)
        XCTAssertEqual(errorText("count 课程 where 选课人数 >> 3"), """
            t:1:22: error: expected a value, a column or a measure, found `>`
            1 | count 课程 where 选课人数 >> 3
              |                            ^
            """)
        XCTAssertEqual(errorText("count t where a in (1，2)"), """
            t:1:22: error: full-width `，` is not part of the language
            1 | count t where a in (1，2)
              |                      ^^
              = use the ASCII `,` instead
            """)
        XCTAssertEqual(errorText("print \"abc"), """
            t:1:7: error: this string is never closed
            1 | print "abc
              |       ^
              = close it with "
            """)
    }

    func testEveryErrorInAScriptIsReported() throws {
        let (statements, errors) = try Parser.parse(SourceFile(name: "t", text: "count a where\ncount b\ncount c where )\ncount d"))
        XCTAssertEqual(statements.count, 1)
        XCTAssertEqual(errors.count, 2)
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        XCTAssertTrue(errorText("print " + deep).contains("nested too deeply"))
        XCTAssertTrue(errorText("print " + String(repeating: "- ", count: 5000) + "1").contains("nested too deeply"))
        XCTAssertTrue(errorText("print " + String(repeating: "not ", count: 5000) + "true").contains("nested too deeply"))
    }

    func complete(_ text: String) -> Bool { ParsedScript(SourceFile(name: "<prompt>", text: text)).isComplete }

    func testCompleteness() {
        XCTAssertTrue(complete("count enrollments"))
        XCTAssertTrue(complete("count enrollments where paid; count t"))
        XCTAssertFalse(complete("count enrollments where"))
        XCTAssertFalse(complete("count enrollments where x in (1,"))
        XCTAssertFalse(complete("print \"abc"))
        XCTAssertFalse(complete("sum(x) /"))
        XCTAssertFalse(complete("count"))
        XCTAssertTrue(complete("count t where )"), "an error not at the end is complete: show it")
        XCTAssertTrue(complete(""))
    }
}
