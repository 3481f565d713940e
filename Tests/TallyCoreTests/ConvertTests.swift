import Foundation
import XCTest
@testable import TallyCore

/// `tally convert`: every messy export converts to a clean CSV that Tally loads to the same
/// table, cell for cell; the parts of a streaming read combine their types as one read does.
final class ConvertTests: XCTestCase {
    private var folder = ""

    override func setUp() {
        folder = NSTemporaryDirectory() + "tally-convert-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    /// Converts `file` (in Fixtures/messy) with the load options `with`, then loads the
    /// original with them and the clean file with the options the conversion names; both
    /// tables must be the same. Returns the conversion's report.
    @discardableResult
    private func roundTrip(_ file: String, with: String = "", parts: Int? = nil, sheetBatch: Int? = nil, sheetBytes: Int? = nil,
                           line: UInt = #line) -> Converter.Converted? {
        var options = LoadOptions()
        if !with.isEmpty {
            do { options = try Session(output: CapturedOutput()).loadOptions(with) } catch {
                XCTFail("\(with): \(error)", line: line)
                return nil
            }
        }
        options.parts = parts
        options.sheetBatch = sheetBatch
        options.sheetBytes = sheetBytes
        var report: Converter.Converted?
        do {
            try Converter.convert(path: Messy.directory + "/" + file, to: folder, options: options, converted: { report = $0 })
        } catch {
            XCTFail("\(file): \(error)", line: line)
            return nil
        }
        guard let report else { XCTFail("nothing converted", line: line); return nil }
        let original = Messy.table("load t from \(Lexical.string(file))" + (with.isEmpty ? "" : " with \(with)"), line: line)
        let clean = Messy.table("load t from \(Lexical.string(report.output))"
                                + (report.loadOptions.isEmpty ? "" : " with " + report.loadOptions.joined(separator: ", ")), line: line)
        guard let original, let clean else { return report }
        XCTAssertEqual(Messy.schema(clean), Messy.schema(original), file, line: line)
        XCTAssertEqual(Messy.rows(clean), Messy.rows(original), file, line: line)
        XCTAssertEqual(report.rows, original.rowCount, line: line)
        return report
    }

    func testEveryMessyExportLoadsTheSameFromItsCleanFile() {
        for file in ["courses_gbk.csv", "courses_utf8.csv", "courses_openpyxl.xlsx", "courses_xlsxwriter.xlsx", "report.xlsx",
                     "notes_first.xlsx", "numbers.csv", "dates.csv", "nulls.csv", "booleans.csv", "bom.csv", "leading_zeros.csv",
                     "quoted.csv", "spaces_blank.csv", "title_notes.csv", "utf16be.csv", "utf16le.txt", "wide_header.csv", "totals.csv"] {
            roundTrip(file)
        }
    }

    /// A workbook is converted a batch of rows at a time, its XML inflated a window at a time:
    /// with batches of one row and more, and windows of a few bytes (cut inside every tag and
    /// text), the clean file loads to the table one read gives. In bad_type.xlsx the score
    /// column holds integers until row 3 (`优秀`): the batches' types combine to text.
    func testWorkbooksConvertInBatchesAndWindows() {
        for file in ["courses_openpyxl.xlsx", "courses_xlsxwriter.xlsx", "report.xlsx", "notes_first.xlsx", "bad_type.xlsx"] {
            for (batch, window) in [(1, 1), (2, 3), (3, 7), (1, nil), (nil, 5)] as [(Int?, Int?)] {
                roundTrip(file, sheetBatch: batch, sheetBytes: window)
            }
        }
        roundTrip("report.xlsx", with: "skip_totals true, header (3, 4)", sheetBatch: 1, sheetBytes: 2)
        XCTAssertEqual(roundTrip("bad_type.xlsx", sheetBatch: 1)?.loadOptions, [])
    }

    func testLoadOptionsCarryOver() {
        roundTrip("totals.csv", with: "skip_totals true")
        roundTrip("ragged_long.csv", with: "skip_bad_rows true")
        roundTrip("bad_gbk.csv", with: "skip_bad_rows true")
        roundTrip("bad_utf8.csv", with: "skip_bad_rows true")
        roundTrip("bad_type.csv", with: "types (score = decimal), skip_bad_rows true")
        roundTrip("courses_gbk.csv", with: #"encoding "gbk", rename (选课人数 = enrolled, 学时 = hours)"#)
        roundTrip("courses_utf8.csv", with: "types (学时 = decimal, 选课人数 = string)")
    }

    func testACleanFileNamesTheOptionsItNeeds() {
        // 选课人数 given as text holds only numbers: read by default, the clean file would make it
        // an integer column. With nulls ("无"), `-`, `NULL`, `暂无` … are text, which the standard
        // markers make null, and the column's other value is 7: without types it would be an integer.
        let r = roundTrip("courses_utf8.csv", with: "types (选课人数 = string)")
        XCTAssertEqual(r?.loadOptions, ["types (选课人数 = string)"])
        let n = roundTrip("nulls.csv", with: #"nulls ("无")"#)
        XCTAssertEqual(n?.loadOptions, ["nulls ()", "types (v = string)"])
        XCTAssertEqual(roundTrip("numbers.csv")?.loadOptions, [])
    }

    func testTheCleanFileIsWrittenInCleanForms() throws {
        roundTrip("numbers.csv")
        // numbers.csv by hand: "225,319" → 225319, 92.13% → 92.13, 1.2万 → 12000, １２３ → 123 (a
        // decimal column: ４５．５ is in it), "-1,234.5" → -1234.5.
        let text = try String(contentsOfFile: folder + "/numbers.csv", encoding: .utf8)
        XCTAssertEqual(text.split(separator: "\n").prefix(2), [#""a","b","c","d","e""#, "225319,92.13,12000,123.0,-1234.5"])
        roundTrip("dates.csv")
        let dates = try String(contentsOfFile: folder + "/dates.csv", encoding: .utf8)
        XCTAssertEqual(dates.split(separator: "\n")[1], "2020-10-13,2020-10-13,2020-10-13 08:30:00,2020-01-05")
    }

    /// Types that change from part to part combine as in one read: an integer column that turns
    /// decimal, 0/1 that turns out boolean (是 comes later), numbers then text, dates then times.
    func testPartsCombineTheirTypesAsOneReadDoes() throws {
        try FileManager.default.createDirectory(atPath: folder + "-in", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder + "-in") }
        var lines = ["n,flag,code,when,empty,late"]
        for i in 0..<400 {
            let n = i == 350 ? "2.5" : "\(i)"
            let flag = i == 300 ? "是" : "\(i % 2)"
            let code = i == 390 ? "X\(i)" : "\(i)"
            let when = i == 200 ? "2020-01-02 03:04:05" : "2020-01-\(String(format: "%02d", i % 28 + 1))"
            let late = i < 380 ? "" : "\(i)"
            lines.append("\(n),\(flag),\(code),\(when),,\(late)")
        }
        let path = folder + "-in/mixed.csv"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var options = LoadOptions()
        options.parts = 7
        var report: Converter.Converted?
        try Converter.convert(path: path, to: folder, options: options, converted: { report = $0 })
        let original = try XCTUnwrap(Messy.table("load t from \(Lexical.string(path))"))
        // By hand: n has 2.5 → decimal; flag 0/1 then 是 → boolean; code has X390 → text; when
        // has a time → timestamp; empty only nulls → text; late integers after nulls.
        XCTAssertEqual(Messy.schema(original), ["n decimal", "flag boolean", "code string", "when timestamp", "empty string", "late integer"])
        let clean = try XCTUnwrap(Messy.table("load t from \(Lexical.string(report!.output))"
                                              + (report!.loadOptions.isEmpty ? "" : " with " + report!.loadOptions.joined(separator: ", "))))
        XCTAssertEqual(Messy.schema(clean), Messy.schema(original))
        XCTAssertEqual(Messy.rows(clean), Messy.rows(original))
    }

    func testAFoldersExportsAndStartupScriptCarryOver() throws {
        let input = folder + "-in"
        try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: input) }
        for f in ["numbers.csv", "report.xlsx"] { try FileManager.default.copyItem(atPath: Messy.directory + "/" + f, toPath: input + "/" + f) }
        try "measure total = sum(选课人数_人次)\n".write(toFile: input + "/startup.tally", atomically: true, encoding: .utf8)
        var outputs: [String] = []
        try Converter.convert(path: input, to: folder, options: LoadOptions(), converted: { outputs.append(($0.output as NSString).lastPathComponent) })
        XCTAssertEqual(outputs, ["numbers.csv", "report.csv"])
        XCTAssertEqual(try String(contentsOfFile: folder + "/startup.tally", encoding: .utf8), "measure total = sum(选课人数_人次)\n")
        // `startup false`: the tables only.
        try FileManager.default.removeItem(atPath: folder)
        try Converter.convert(path: input, to: folder, options: try Session(output: CapturedOutput()).loadOptions("startup false"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/startup.tally"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/report.csv"))
    }

    func testErrorsAreLocated() {
        func error(_ file: String) -> Diagnostic? {
            do { try Converter.convert(path: Messy.directory + "/" + file, to: folder, options: LoadOptions()); return nil }
            catch { return error as? Diagnostic }
        }
        // ragged_long.csv line 3 is `2,乙,多余`: the third field (column 5) is beyond the header's two.
        let ragged = error("ragged_long.csv")
        XCTAssertEqual(ragged?.message, "this row has a value beyond the header's 2 columns")
        XCTAssertEqual(ragged?.location.map { "\($0.line):\($0.column)" }, "3:5")
        // bad_gbk.csv line 3 is `2,` then 0xFF 0xFE: not GBK, nor UTF-8.
        let gbk = error("bad_gbk.csv")
        XCTAssertEqual(gbk?.message, "byte 0xFF is not valid GB18030")
        XCTAssertEqual(gbk?.location?.line, 3)
        XCTAssertEqual(error("no_such.csv")?.message, "no such file or folder: \(Messy.directory)/no_such.csv")
        // A failed conversion leaves no file behind.
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/ragged_long.csv"))
    }
}
