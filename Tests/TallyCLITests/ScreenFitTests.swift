import XCTest
@testable import TallyCLI
@testable import TallyCore

/// Results fitted to a terminal: width, ellipsis, vertical mode, row limit.
final class ScreenFitTests: XCTestCase {
    func text(_ name: String, _ values: [String]) -> ResultTable.Column {
        let d = StringDictionary(Array(Set(values)).sorted())
        return .init(name: name, vector: .string(Codes(values.map { d.code(of: $0)! }), d, nil), role: .dimension)
    }

    func integers(_ name: String, _ values: [Int64]) -> ResultTable.Column {
        .init(name: name, vector: .integer(values, nil), role: .measure)
    }

    func lines(_ s: String) -> [String] { s.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

    func testATableThatFitsIsTheUsualTable() {
        let r = ResultTable(columns: [text("district", ["越秀区", "天河区"]), integers("count", [12, 3456])])
        let out = ScreenFit.render(r, .init(width: 80, maxRows: 40))
        XCTAssertEqual(out, ResultWriter.write(r, DisplaySettings()))
        XCTAssertEqual(out, """
            district  count
            ────────  ─────
            越秀区       12
            天河区     3456

            """)
    }

    func testLongCellsAreCutWithAnEllipsisToTheWidth() {
        let long = String(repeating: "很长的课程名称", count: 10)
        let r = ResultTable(columns: [text("title", [long, "短"]), integers("enrolled", [10, 20])])
        let out = ScreenFit.render(r, .init(width: 40, maxRows: 40))
        for line in lines(out) { XCTAssertLessThanOrEqual(DisplayWidth.of(line), 40, line) }
        XCTAssertTrue(out.contains("…"), out)
        XCTAssertFalse(out.contains("─[ row"), "still a table: \(out)")
    }

    func testResultsTooWideEvenWhenCutAreShownVertically() {
        let names = (1...12).map { "column_number_\($0)" }
        let r = ResultTable(columns: names.map { integers($0, [1234567890, 42]) })
        let options = ScreenFit.Options(width: 60, maxRows: 40)
        XCTAssertTrue(ScreenFit.isTooWide(r, ResultWriter.shownCells(r, DisplaySettings()), options))
        let out = ScreenFit.render(r, options)
        let l = lines(out)
        XCTAssertEqual(l.first, "─[ row 1 ]" + String(repeating: "─", count: 19))
        XCTAssertEqual(l[1], "column_number_1  │ 1234567890")
        XCTAssertEqual(l[12], "column_number_12 │ 1234567890")
        XCTAssertTrue(l[13].hasPrefix("─[ row 2 ]"))
        XCTAssertEqual(l[14], "column_number_1  │ 42")
        XCTAssertEqual(l.count, 26)
        for line in l { XCTAssertLessThanOrEqual(DisplayWidth.of(line), 60, line) }
    }

    func testVerticalModeCutsLongValuesAndShowsTheTotalRow() {
        let names = (1...6).map { "c\($0)" }
        var r = ResultTable(columns: names.map { text($0, [String(repeating: "x", count: 50)]) })
        r.totalRow = names.map { _ in .string("all") }
        let out = ScreenFit.render(r, .init(width: 30, maxRows: 40))
        let l = lines(out)
        XCTAssertEqual(l[1], "c1 │ " + String(repeating: "x", count: 24) + "…")
        XCTAssertTrue(l.contains { $0.hasPrefix("─[ total ]") }, out)
        XCTAssertEqual(l.last, "c6 │ all")
        for line in l { XCTAssertLessThanOrEqual(DisplayWidth.of(line), 30, line) }
    }

    func testWideButCuttableStaysHorizontal() {
        // Two columns of 30 cells in 40 columns: cutting each to 8+ cells fits.
        let r = ResultTable(columns: [text("a", [String(repeating: "a", count: 30)]), text("b", [String(repeating: "b", count: 30)])])
        XCTAssertFalse(ScreenFit.isTooWide(r, ResultWriter.shownCells(r, DisplaySettings()), .init(width: 40)))
        XCTAssertEqual(lines(ScreenFit.render(r, .init(width: 40))).count, 3)
    }

    func testRowLimitAddsAFooter() {
        let r = ResultTable(columns: [integers("n", (1...50).map { Int64($0) })])
        let out = ScreenFit.render(r, .init(width: 80, maxRows: 40, moreRowsHint: ".rows all shows them"))
        let l = lines(out)
        XCTAssertEqual(l.count, 2 + 40 + 1)
        XCTAssertEqual(l[41], "40")
        XCTAssertEqual(l.last, "… 10 more rows (.rows all shows them)")
        XCTAssertEqual(lines(ScreenFit.render(r, .init(width: 80, maxRows: nil))).count, 52, "no limit: every row")
        XCTAssertEqual(lines(ScreenFit.render(r, .init(width: 80, maxRows: 49))).last, "… 1 more row")
        XCTAssertEqual(lines(ScreenFit.render(r, .init(width: 80, maxRows: 50))).count, 52, "exactly the limit: no footer")
    }

    func testRowLimitKeepsTheTotalRow() {
        var r = ResultTable(columns: [text("g", (1...5).map { "g\($0)" }), integers("count", [1, 2, 3, 4, 5])])
        r.totalRow = [.string("total"), .integer(15)]
        let l = lines(ScreenFit.render(r, .init(width: 80, maxRows: 2)))
        XCTAssertEqual(l, ["g      count", "─────  ─────", "g1         1", "g2         2", "─────  ─────", "total     15", "… 3 more rows"])
    }

    func testBoldHeaderOnlyWhenAsked() {
        let r = ResultTable(columns: [integers("count", [1])])
        XCTAssertEqual(ScreenFit.render(r, .init(width: 80, bold: true)), "\u{1B}[1mcount\u{1B}[0m\n─────\n    1\n")
        XCTAssertFalse(ScreenFit.render(r, .init(width: 80)).contains("\u{1B}"))
    }

    func testLineBreaksInsideCellsDoNotBreakTheLayout() {
        let r = ResultTable(columns: [text("title", ["两行\n标题"]), integers("n", [1])])
        XCTAssertEqual(lines(ScreenFit.render(r, .init(width: 80, minimumCellWidth: 8))).count, 3)
        let v = ScreenFit.render(ResultTable(columns: (1...20).map { text("c\($0)", ["a\nb"]) }), .init(width: 20))
        XCTAssertTrue(v.contains("c1  │ a b"), v)
    }
}

extension ScreenFitTests {
    /// Batch output: no width to fit, only the row limit (`.rows N`) and its footer.
    func testWithoutAWidthOnlyTheRowLimitApplies() {
        let names = (1...12).map { "column_number_\($0)" }
        let wide = ResultTable(columns: names.map { integers($0, [1234567890, 42]) })
        XCTAssertEqual(ScreenFit.render(wide, .init(width: nil, maxRows: nil)), ResultWriter.write(wide, DisplaySettings()))
        let shown = ScreenFit.text(.table(wide), DisplaySettings(format: .table, rowLimit: 1), width: nil, bold: false, poll: {})
        XCTAssertEqual(lines(shown).count, 4)
        XCTAssertEqual(lines(shown).last, "… 1 more row (.rows all shows them)")
        XCTAssertEqual(ScreenFit.text(.table(wide), DisplaySettings(format: .csv, rowLimit: 1), width: 40, bold: true, poll: {}),
                       ResultWriter.write(wide, DisplaySettings(format: .csv)), "other formats: the writer's, every row")
    }
}
