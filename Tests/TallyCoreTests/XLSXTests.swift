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
            """)
    }

    func testSerialDates() {
        func date(_ v: String, _ kind: XLSXReader.NumberKind = .date, _ date1904: Bool = false) -> String {
            String(decoding: SheetRows.number(Array(v.utf8), kind: kind, date1904: date1904), as: UTF8.self)
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

    func testSharedStringsWithRichTextAndPhonetics() {
        let xml = #"<?xml version="1.0"?><sst xmlns="x"><si><t>课程</t></si><si><r><rPr><b/></rPr><t>选课</t></r>"#
            + #"<r><t xml:space="preserve"> 人数</t></r><rPh sb="0" eb="1"><t>xuan</t></rPh></si><si><t>a &amp; b&#x4E2D;_x000D_</t></si><si/></sst>"#
        XCTAssertEqual(XLSXReader.sharedStrings(Array(xml.utf8)).map { String(decoding: $0, as: UTF8.self) },
                       ["课程", "选课 人数", "a & b中\r", ""])
    }
}
