import Foundation
import XCTest
@testable import TallyCore

/// Encodings: detected (byte-order mark, else valid UTF-8, else GB18030), given, or wrong.
final class EncodingTests: XCTestCase {
    func testByteOrderMarksAndUTF16() {
        XCTAssertEqual(Messy.run(#"load t from "bom.csv""#).output.infos,
                       ["loaded t: 2 rows × 2 columns from bom.csv (UTF-8 with byte-order mark, delimiter ',', header line 1)"])
        let le = Messy.table(#"load t from "utf16le.txt""#)!
        XCTAssertEqual(Messy.schema(le), ["id integer", "名称 string", "人数 integer"])
        XCTAssertEqual(Messy.rows(le), [["1", "甲", "3"], ["2", "乙", "4"]])
        XCTAssertEqual(le.source?.summary, "\(Messy.directory)/utf16le.txt (UTF-16LE with byte-order mark, delimiter tab, header line 1)")
        let be = Messy.table(#"load t from "utf16be.csv""#)!
        XCTAssertEqual(Messy.rows(be), [["1", "甲"]])
        XCTAssertEqual(be.source?.encoding, "UTF-16BE")
    }

    func testGBKWithChineseHeadersAndCRLF() {
        let t = Messy.table(#"load t from "courses_gbk.csv""#)!
        XCTAssertEqual(t.source?.encoding, "GB18030")
        XCTAssertEqual(t.columns.map(\.name), ["课程编号", "项目", "学时", "选课人数", "通过率", "是否必修", "开课日期", "最后更新", "备注"])
        XCTAssertEqual(Messy.rows(t)[1], ["C0002", "提升工程2.0", "20", "56", "50.0", "false", "2020-10-14", "2020-10-14 09:05:07", "∅"])
        // Given explicitly, under another name iconv knows.
        XCTAssertEqual(Messy.table(#"load t from "courses_gbk.csv" with encoding "gbk""#)?.source?.encoding, "GBK")
    }

    func testDetection() {
        func detect(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer { TextDecoding.detect($0).encoding } }
        XCTAssertEqual(detect(Array("a,b\n中,文\n".utf8)), "UTF-8")
        XCTAssertEqual(detect([0xEF, 0xBB, 0xBF, 0x61]), "UTF-8")
        XCTAssertEqual(detect([0xFF, 0xFE, 0x61, 0x00]), "UTF-16LE")
        XCTAssertEqual(detect([0xFE, 0xFF, 0x00, 0x61]), "UTF-16BE")
        XCTAssertEqual(detect([0x61, 0x2C, 0xD6, 0xD0]), "GB18030")   // 中 in GBK
    }

    /// The first 64 KB are ASCII, so the sniff says UTF-8; the GBK row near the end is found when
    /// its string is interned, and the file is read again as GB18030.
    func testGBKFoundBeyondTheSniffedPrefix() throws {
        var bytes = Array("id,name\n".utf8)
        for i in 0..<9000 { bytes += Array("\(i),abcdef\n".utf8) }
        XCTAssertGreaterThan(bytes.count, 1 << 16)
        bytes += Array("9000,".utf8) + [0xD6, 0xD0, 0xCE, 0xC4] + [10]   // 中文
        let t = try bytes.withUnsafeBufferPointer { try CSVReader.parse($0, fileName: "late.csv", tableName: "t") }
        XCTAssertEqual(t.source?.encoding, "GB18030")
        XCTAssertEqual(t.rowCount, 9001)
        XCTAssertEqual(t.columns[1].vector.value(at: 9000), .string("中文"))
    }

    func testInvalidBytesAreLocatedErrors() {
        // GBK with two bytes that are not GB18030 on line 3 (and the file is not UTF-8 either).
        XCTAssertEqual(Messy.error(#"load t from "bad_gbk.csv""#), """
            bad_gbk.csv:3:3: error: byte 0xFF is not valid GB18030
            3 | 2,��
              |   ^
              = the file is neither valid UTF-8 nor GB18030 (GBK); if it is in another encoding, give it: with encoding "utf-16le" or "utf-16be", or another name iconv knows
              = or read the bad bytes as �: with skip_bad_rows true
            """)
        // UTF-8 with a character cut short on line 3: it reads further as UTF-8, so that is reported.
        XCTAssertEqual(Messy.error(#"load t from "bad_utf8.csv""#), """
            bad_utf8.csv:3:3: error: byte 0xE7 is not valid UTF-8
            3 | 2,��
              |   ^
              = the file is neither valid UTF-8 nor GB18030 (GBK); if it is in another encoding, give it: with encoding "utf-16le" or "utf-16be", or another name iconv knows
              = or read the bad bytes as �: with skip_bad_rows true
            """)
        // A GBK file said to be UTF-8: the first Chinese character is the error.
        XCTAssertEqual(Messy.error(#"load t from "bad_gbk.csv" with encoding "utf-8""#), """
            bad_gbk.csv:1:4: error: byte 0xC3 is not valid UTF-8
            1 | id,����
              |    ^
              = if it is in another encoding, give it: with encoding "utf-16le" or "utf-16be", or another name iconv knows
              = or read the bad bytes as �: with skip_bad_rows true
            """)
    }

    func testInvalidBytesReplacedAndCountedWhenSkipping() {
        let (s, out) = Messy.run(#"load t from "bad_utf8.csv" with skip_bad_rows true"#)
        XCTAssertEqual(Messy.rows(s.catalog.table("t")!), [["1", "甲"], ["2", "\u{FFFD}\u{FFFD}"], ["3", "丙"]])
        XCTAssertEqual(out.infos, ["loaded t: 3 rows × 2 columns from bad_utf8.csv (UTF-8, delimiter ',', header line 1, 2 invalid bytes replaced by U+FFFD)"])
        XCTAssertEqual(out.diagnostics, ["""
            bad_utf8.csv:3:3: warning: 2 invalid bytes replaced by �; the first: byte 0xE7 is not valid UTF-8
            3 | 2,��
              |   ^
            """])
    }

    /// Byte 0x80 is € in Windows' GBK (code page 936) but not in GB18030: detection fails, naming it.
    func testWindowsEuroSignNeedsCP936() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-enc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("euro.csv").path
        try Data([0x69, 0x64, 0x2C, 0xBC, 0xDB, 0x0A, 0x31, 0x2C, 0x80, 0x0A]).write(to: URL(fileURLWithPath: path))   // id,价 / 1,€
        let detected = Messy.error("load t from \"\(path)\"")
        XCTAssertTrue(detected.contains("error: byte 0x80 is not valid GB18030"), detected)
        XCTAssertTrue(detected.contains("= the file is neither valid UTF-8 nor GB18030 (GBK); the file reads as CP936 without an invalid byte: with encoding \"cp936\""), detected)
        let given = Messy.error("load t from \"\(path)\" with encoding \"gb18030\"")
        XCTAssertTrue(given.contains("= the file reads as CP936 without an invalid byte: with encoding \"cp936\""), given)
        let (s, out) = Messy.run("load t from \"\(path)\" with encoding \"cp936\"")
        XCTAssertEqual(out.diagnostics, [])
        XCTAssertEqual(Messy.rows(s.catalog.table("t")!), [["1", "€"]])
        XCTAssertEqual(s.catalog.table("t")?.columns[1].name, "价")
    }

    /// A GB18030 file with a character GBK lacks (㐀, U+3400: 81 39 EE 39, bytes from Python's
    /// gb18030 codec; glibc's GBK rejects them as `iconv -f GBK` does) said to be GBK: the hint
    /// names gb18030, not gbk again.
    func testTheHintNamesAnEncodingThatReadsTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-enc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("gb18030.csv").path
        try Data([0x6E, 0x61, 0x6D, 0x65, 0x2C, 0x63, 0x69, 0x74, 0x79, 0x0A,               // name,city
                  0xD5, 0xC5, 0xC8, 0xFD, 0x2C, 0x81, 0x39, 0xEE, 0x39, 0xB3, 0xC7, 0x0A])   // 张三,㐀城
            .write(to: URL(fileURLWithPath: path))
        let error = Messy.error("load t from \"\(path)\" with encoding \"gbk\"")
        XCTAssertTrue(error.contains("error: byte 0x81 is not valid GBK"), error)
        XCTAssertTrue(error.contains("= the file reads as GB18030 without an invalid byte: with encoding \"gb18030\""), error)
        XCTAssertFalse(error.contains("\"gbk\""), error)
        let t = Messy.table("load t from \"\(path)\" with encoding \"gb18030\"")!
        XCTAssertEqual(Messy.rows(t), [["张三", "㐀城"]])
    }

    func testFieldFormsOnRawBytes() {
        let markers = NullMarkers(NullMarkers.standard)
        func classify(_ s: String) -> FieldValue {
            var s = s
            return s.withUTF8 { FieldParsing.classify($0.baseAddress!, $0.count, nulls: markers) }
        }
        XCTAssertEqual(classify("225,319"), .integer(225319))
        XCTAssertEqual(classify("22,53,19"), .text)         // not groups of three
        XCTAssertEqual(classify("0,123"), .text)            // a leading zero stays text
        XCTAssertEqual(classify("92.13%"), .decimal(92.13))
        XCTAssertEqual(classify("1.2万"), .integer(12000))
        XCTAssertEqual(classify("1.23456万"), .decimal(12345.6))
        XCTAssertEqual(classify("0.5亿"), .integer(50_000_000))
        XCTAssertEqual(classify("１２３"), .integer(123))
        XCTAssertEqual(classify("\u{3000}42\u{3000}"), .integer(42))
        XCTAssertEqual(classify("Ｎ／Ａ"), .null)
        XCTAssertEqual(classify("n"), .boolean(false))
        XCTAssertEqual(classify("2020年10月13日 08:30"), .temporal(Int64(CivilCalendar.daysFromCivil(2020, 10, 13)) * 86400 + 8 * 3600 + 30 * 60, isDate: false))
        XCTAssertEqual(classify("2020/13/01"), .text)
        XCTAssertEqual(classify("2020/10-13"), .text)       // mixed separators
        XCTAssertEqual(classify("12%%"), .text)
    }
}
