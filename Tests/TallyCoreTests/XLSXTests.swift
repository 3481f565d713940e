import Foundation
import XCTest
@testable import TallyCore

/// .xlsx workbooks: sheets, shared and inline strings, number formats, report-shaped sheets.
final class XLSXTests: XCTestCase {
    /// Rows 1–2 a title and a note; rows 3–4 a header merged across two rows; 小计 and 合计 rows;
    /// `-` and `暂无` for missing values; a cell left empty.
    func testReportShapedSheet() {
        let t = Messy.table(#"load t from "report.xlsx" with skip_totals true"#)!
        XCTAssertEqual(Messy.schema(t), ["序号 integer", "区 string", "选课人数_人次 integer", "选课人数_人数 integer",
                                         "通过人数_人次 integer", "通过人数_人数 integer"])
        XCTAssertEqual(Messy.rows(t), [["1", "越秀区", "100", "80", "90", "70"], ["2", "海珠区", "50", "∅", "45", "35"],
                                       ["3", "天河区", "∅", "12", "∅", "11"]])
        XCTAssertEqual(t.source?.summary, "\(Messy.directory)/report.xlsx (sheet 统计, header rows 3–4, 2 summary rows left out)")
        let all = Messy.table(#"load t from "report.xlsx""#)!
        XCTAssertEqual(Messy.rows(all).map { $0[1] }, ["越秀区", "海珠区", "小计", "天河区", "合计"])
    }

    /// notes_first.xlsx (openpyxl): 说明 holds three lines of text, 课程 a table of two courses,
    /// 附表 one remark. Without `sheet` the table is read and the loaded line says so.
    func testANotesPageBeforeTheTableIsPassedOver() {
        let (s, out) = Messy.run(#"load t from "notes_first.xlsx""#)
        XCTAssertEqual(out.diagnostics, [])
        let t = s.catalog.table("t")!
        XCTAssertEqual(Messy.schema(t), ["course_id string", "title string", "enrolled integer"])
        XCTAssertEqual(Messy.rows(t), [["C1", "数学", "10"], ["C2", "语文", "20"]])
        XCTAssertEqual(out.infos, ["loaded t: 2 rows × 3 columns from notes_first.xlsx (sheet 课程, the first with a table "
                                   + "(also in the workbook: 说明, 附表), header row 1)"])
        XCTAssertTrue(t.source!.loadStatement(for: t).contains("sheet \"课程\""))
        // `sheet` still chooses, notes included.
        let notes = Messy.table(#"load t from "notes_first.xlsx" with sheet "说明""#)!
        XCTAssertEqual(notes.columns.map(\.name), ["本表由平台导出"])
        XCTAssertEqual(notes.rowCount, 2)
        // The first sheet holds a table: it is read, the others named.
        let (_, first) = Messy.run(#"load t from "courses_openpyxl.xlsx""#)
        XCTAssertTrue(first.infos.first?.contains("(sheet 课程 (also in the workbook: 说明), ") ?? false, "\(first.infos)")
    }

    func testNamedSheet() {
        let t = Messy.table(#"load t from "courses_openpyxl.xlsx" with sheet "说明""#)!
        XCTAssertEqual(t.columns.map(\.name), ["本表由平台导出"])
        XCTAssertEqual(t.rowCount, 0)
        XCTAssertEqual(Messy.error(#"load t from "courses_openpyxl.xlsx" with sheet "课表""#), """
            t:1:42: error: courses_openpyxl.xlsx has no sheet "课表"
            1 | load t from "courses_openpyxl.xlsx" with sheet "课表"
              |                                          ^^^^^^^^^^^^
              = its sheets: "课程", "说明"
            """)
        XCTAssertEqual(Messy.error(#"load t from "report.xlsx" with encoding "gbk""#), """
            t:1:32: error: `encoding` applies to text files, not to .xlsx workbooks
            1 | load t from "report.xlsx" with encoding "gbk"
              |                                ^^^^^^^^^^^^^^
            """)
    }

    func testBadCellIsLocatedByRowAndCell() {
        XCTAssertEqual(Messy.error(#"load t from "bad_type.xlsx" with types (score = integer)"#), """
            bad_type.xlsx:3:7: error: `优秀` in column score is not an integer
            3 | GZ002,优秀
              |       ^^
              = cell B3 of sheet Sheet
              = the column's type is given on load: types (score = integer)
              = or leave bad rows out (counted, the first shown): with skip_bad_rows true
            """)
    }

    func testSerialDates() {
        func date(_ v: String, _ kind: XLSXReader.NumberKind = .date, _ date1904: Bool = false) -> String {
            String(decoding: try! SheetRows.number(Array(v.utf8), kind: kind, date1904: date1904), as: UTF8.self)
        }
        XCTAssertEqual(date("1"), "1900-01-01")
        XCTAssertEqual(date("59"), "1900-02-28")
        XCTAssertEqual(date("60"), "1900-02-28")   // Excel's 1900-02-29 does not exist
        XCTAssertEqual(date("61"), "1900-03-01")
        XCTAssertEqual(date("44117"), "2020-10-13")
        XCTAssertEqual(date("44117.354166666664", .timestamp), "2020-10-13 08:30:00")
        XCTAssertEqual(date("44117", .timestamp), "2020-10-13 00:00:00")
        XCTAssertEqual(date("0", .date, true), "1904-01-01")
        XCTAssertEqual(date("42655", .date, true), "2020-10-13")   // 44117 − 1462
        XCTAssertEqual(date("0.9213", .percent), "92.13%")
        XCTAssertEqual(date("1", .percent), "100%")
        XCTAssertEqual(date("-0.005", .percent), "-0.5%")
        XCTAssertEqual(date("1.5E-3", .percent), "0.15%")
        XCTAssertEqual(date("12.5", .plain), "12.5")
    }

    func testNumberFormats() {
        XCTAssertEqual(XLSXReader.kind(ofBuiltIn: 14), .date)
        XCTAssertEqual(XLSXReader.kind(ofBuiltIn: 22), .timestamp)
        XCTAssertEqual(XLSXReader.kind(ofBuiltIn: 10), .percent)
        XCTAssertEqual(XLSXReader.kind(ofBuiltIn: 3), .plain)
        XCTAssertEqual(XLSXReader.kind(ofBuiltIn: 31), .date)      // yyyy"年"m"月"d"日" in Chinese locales
        for (code, kind) in [("yyyy/m/d", XLSXReader.NumberKind.date), ("yyyy\"年\"m\"月\"d\"日\"", .date), ("h:mm", .timestamp),
                             ("yyyy-mm-dd hh:mm:ss", .timestamp), ("[h]:mm:ss", .timestamp), ("0.00%", .percent),
                             ("#,##0", .plain), ("[Red]0.00", .plain), ("0.00\"天\"", .plain), ("General", .plain),
                             ("[$-804]yyyy\"年\"m\"月\"", .date)] {
            XCTAssertEqual(XLSXReader.kind(ofFormat: code), kind, code)
        }
    }

    func testSharedStringsWithRichTextAndPhonetics() throws {
        let xml = #"<?xml version="1.0"?><sst xmlns="x"><si><t>课程</t></si><si><r><rPr><b/></rPr><t>选课</t></r>"#
            + #"<r><t xml:space="preserve"> 人数</t></r><rPh sb="0" eb="1"><t>xuan</t></rPh></si><si><t>a &amp; b&#x4E2D;_x000D_</t></si><si/></sst>"#
        XCTAssertEqual(try XLSXReader.sharedStrings(Array(xml.utf8)).map { String(decoding: $0, as: UTF8.self) },
                       ["课程", "选课 人数", "a & b中\r", ""])
    }

    // MARK: Damaged workbooks (damaged/, written by make_damaged.py): each an error naming the part and the cell

    /// A sheet's XML is inflated and scanned a window at a time: windows of a byte or a few,
    /// which cut every tag, text, entity and comment, give the table one window gives, and the
    /// same error for each damaged workbook.
    func testSheetsReadInSmallWindowsGiveWhatOneWindowGives() throws {
        let fm = FileManager.default
        let files = try fm.contentsOfDirectory(atPath: Messy.directory).filter { $0.hasSuffix(".xlsx") }
            + fm.contentsOfDirectory(atPath: Messy.directory + "/damaged").filter { $0.hasSuffix(".xlsx") }.map { "damaged/" + $0 }
        XCTAssertGreaterThan(files.count, 20)
        func read(_ file: String, window: Int?) -> String {
            var options = LoadOptions()
            options.sheetBytes = window
            do {
                let t = try XLSXReader.read(path: Messy.directory + "/" + file, tableName: "t", options: options)
                return "\(Messy.schema(t)) \(Messy.rows(t))"
            } catch { return "\(error)" }
        }
        for file in files {
            let whole = read(file, window: nil)
            for window in [1, 2, 3, 7, 64] { XCTAssertEqual(read(file, window: window), whole, "\(file), windows of \(window) bytes") }
        }
    }

    func testDamagedWorkbooksAreErrorsNamingThePartAndCell() {
        let part = "its part xl/worksheets/sheet1.xml (sheet Sheet1) is damaged"
        var cases: [(String, String)] = [
            ("style_negative", "at cell A2: its style `-1` is not a style number"),
            ("style_unknown", "at cell B2: it has style 2, but xl/styles.xml defines styles 0 to 1"),
            ("column_overflow", "at cell ZZZZZZZZZZZZZZ2: its column is beyond XFD, a sheet's last"),
            ("column_huge", "at cell ZZZZZZZZ2: its column is beyond XFD, a sheet's last"),
            ("column_wide", "at cell ZZZZZ4: its column is beyond XFD, a sheet's last"),
            ("shared_missing", "at cell A1: it cites shared string `0`, but the workbook has no xl/sharedStrings.xml"),
            ("shared_range", "at cell B3: it cites shared string `3`, but xl/sharedStrings.xml holds strings 0 to 2"),
            ("shared_negative", "at cell B2: it cites shared string `-1`, but xl/sharedStrings.xml holds strings 0 to 2"),
            ("shared_text", "at cell B2: it cites shared string `x`, but xl/sharedStrings.xml holds strings 0 to 2"),
            ("truncated", "at cell B7: it ends inside <v> (cut short)"),
            ("corrupt", "at cell B3: </d> closes <c>"),
            ("row_zero", "after row 1: a row numbered `0` (rows run from 1 to 1048576)"),
            ("ref_digits_first", "in row 2: a cell's reference `4A` is not a column and row like B7"),
            ("ref_symbols", "after cell A2: a cell's reference `!!` is not a column and row like B7"),
            ("cells_unordered", "at cell A2: it comes after cell C2"),
            ("rows_unordered", ": row 2 comes after row 3"),
            ("date_huge", "at cell B3: 1e300 has a date format but is no date (serial numbers run from 0 to 2958465, 9999-12-31)"),
        ].map { ($0, "\(part)\($1.hasPrefix(":") ? "" : " ")\($1)") }
        // The zip's own damage: a deflate stream running past the end of the file (it hung), a changed byte.
        cases += [("deflate_cut", "\(part): its data is cut short"), ("checksum", "\(part): its checksum does not match")]
        for (file, what) in cases {
            XCTAssertEqual(Messy.error(#"load t from "damaged/\#(file).xlsx""#), """
                error: cannot read damaged/\(file).xlsx: \(what)
                  = if Excel opens the workbook, save it again from Excel and load that copy
                """, file)
        }
    }

    /// The parts' XML is checked whole: cut short, a tag closing another, an unterminated tag or comment.
    func testDamagedXMLIsCaught() {
        func problem(_ xml: String) -> String? {
            Array(xml.utf8).withUnsafeBufferPointer { buf in
                var x = XMLScanner(buf)
                while x.next() != nil {}
                return x.problem
            }
        }
        XCTAssertNil(problem(#"<?xml version="1.0"?><a x="1"><!-- c --><b/><c>t<![CDATA[<d>]]></c></a>"#))
        XCTAssertEqual(problem("<a><b>"), "it ends inside <b> (cut short)")
        XCTAssertEqual(problem("<a><b></a>"), "</a> closes <b>")
        XCTAssertEqual(problem("<a></b></a>"), "</b> closes <a>")
        XCTAssertEqual(problem("<a/></a>"), "</a> closes no element")
        XCTAssertEqual(problem(#"<a><b x="1"#), "it ends inside a tag")
        XCTAssertEqual(problem("<a><!-- never closed"), "it ends inside a comment")
        XCTAssertEqual(problem("<a><![CDATA[x"), "it ends inside a CDATA section")
        XCTAssertEqual(problem("<a>< /></a>"), "a tag has no name")
        XCTAssertEqual(problem(""), "it holds no XML")
        XCTAssertEqual(problem("<" + String(repeating: "x", count: 1000) + ">"), "it ends inside <xxxxxxxxxxxxxxxxxxxxxxxx…> (cut short)")
    }

    func testCellReferences() {
        func ref(_ s: String) -> [Int]? {
            Array(s.utf8).withUnsafeBufferPointer { SheetRows.cellReference($0, 0..<$0.count).map { [$0.column, $0.row] } }
        }
        XCTAssertEqual(ref("A1"), [0, 1])
        XCTAssertEqual(ref("AB12"), [27, 12])            // A=1, B=2: 1·26 + 2 = 28th column
        XCTAssertEqual(ref("XFD1048576"), [16383, 1048576])
        XCTAssertEqual(ref("XFE1"), [16384, 1])          // one beyond: the caller's error
        XCTAssertEqual(ref("ZZZZZZZZZZZZZZ2"), [16384, 2]) // capped one beyond, never overflowing
        XCTAssertEqual(ref("A99999999999999999999"), [0, 1048577])
        for bad in ["4A", "!!", "A", "1", "", "A0", "A01", "a1", "A1B", "A 1"] { XCTAssertNil(ref(bad), bad) }
        XCTAssertEqual(SheetRows.columnName(0), "A")
        XCTAssertEqual(SheetRows.columnName(27), "AB")
        XCTAssertEqual(SheetRows.columnName(16383), "XFD")
    }

    /// Numeric cells hold decimal numbers; a percentage or date that cannot be shown is an error.
    func testNumericCellValues() {
        func number(_ v: String, _ kind: XLSXReader.NumberKind = .plain) -> String {
            do { return String(decoding: try SheetRows.number(Array(v.utf8), kind: kind, date1904: false), as: UTF8.self) }
            catch let d as XLSXReader.Damage { return d.message } catch { return "\(error)" }
        }
        for ok in ["0", "-12", "0.5", "1.5E-3", "2e+10", ".5", "7."] { XCTAssertEqual(number(ok), ok) }
        for bad in ["abc", "1,5", "+1", "0x1p3", "nan", "inf", "1e", "-", "1e3.5", " 1"] {
            XCTAssertEqual(number(bad), ": `\(bad)` is not a number", bad)
        }
        XCTAssertEqual(number("1e400"), ": 1e400 is too large a number")
        XCTAssertEqual(number("1e307", .percent), ": 1e307 is too large a percentage")
        XCTAssertEqual(number("2958465", .date), "9999-12-31")
        XCTAssertEqual(number("2958466", .date), ": 2958466 has a date format but is no date (serial numbers run from 0 to 2958465, 9999-12-31)")
        XCTAssertEqual(number("-1", .timestamp), ": -1 has a date format but is no date (serial numbers run from 0 to 2958465, 9999-12-31)")
    }
}
