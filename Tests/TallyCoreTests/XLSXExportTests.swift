import Foundation
import XCTest
@testable import TallyCore

/// `export … to "x.xlsx" [sheet "名称"]` and `with bom`. Workbooks are read back by openpyxl
/// (an independent reader; `pip install openpyxl==3.1.5`, which `make deps` installs) and by
/// Tally's own reader. Expected values are worked out by hand from the inputs below.
final class XLSXExportTests: XCTestCase {
    var folder: URL!

    /// Every type, a null in each column but the first, text with XML's special characters.
    static let typed = """
        id,name,joined,at,score,ok
        1,王小明,2020-10-13,2020-10-13 08:30:00,92.5,是
        2,"a&b<c>""d",1900-02-28,1900-03-01 12:00:00,,否
        3,,,,-1.25,

        """

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.typed.write(to: folder.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        try "grp,n\nA,1387\nB,1113\n".write(to: folder.appendingPathComponent("g.csv"), atomically: true, encoding: .utf8)
        for name in ["courses_openpyxl.xlsx", "courses_xlsxwriter.xlsx", "courses_utf8.csv"] {
            try FileManager.default.copyItem(atPath: Messy.directory + "/" + name, toPath: folder.appendingPathComponent(name).path)
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `script` after loading t, g and c (the courses) from the folder.
    @discardableResult
    func run(_ script: String) -> CapturedOutput {
        let out = CapturedOutput()
        Session(output: out).run(SourceFile(name: "s.tally", text: """
            load t from "t.csv"
            load g from "g.csv"
            load c from "courses_utf8.csv"
            \(script)
            """), baseDirectory: folder.path)
        return out
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// What openpyxl reads: the sheet names, then per sheet its name, frozen pane and per row
    /// each cell as (type, value, number format, bold), then the column widths. With `parts`,
    /// then a SHA-256 of each of those zip members, and how many cell formats styles.xml has.
    func openpyxl(_ file: String, sheets: [String]? = nil, parts: [String] = []) throws -> String {
        try python("""
            import openpyxl, sys, zipfile, hashlib
            wb = openpyxl.load_workbook(sys.argv[1])
            print(wb.sheetnames)
            wanted = sys.argv[2].split("|") if sys.argv[2] else wb.sheetnames
            for name in wanted:
                ws = wb[name]
                print("--", ws.title, ws.freeze_panes)
                for row in ws.iter_rows():
                    print([(c.data_type, c.value, c.number_format, bool(c.font.b)) for c in row])
                print(sorted((k, v.width) for k, v in ws.column_dimensions.items()))
            z = zipfile.ZipFile(sys.argv[1])
            for part in sys.argv[3:]:
                print("part", part, hashlib.sha256(z.read(part)).hexdigest())
            if len(sys.argv) > 3:
                print("cell formats", z.read("xl/styles.xml").decode().count("<xf "))
            """, [path(file), sheets?.joined(separator: "|") ?? ""] + parts)
    }

    func python(_ script: String, _ arguments: [String]) throws -> String {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import openpyxl"]
        probe.standardError = FileHandle.nullDevice
        do { try probe.run() } catch { throw XCTSkip("python3 is not installed") }
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else { throw XCTSkip("openpyxl is not installed (pip install openpyxl==3.1.5)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script] + arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, String(decoding: errors, as: UTF8.self))
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Cells

    /// Numbers as numbers, decimals in 0.00, dates and timestamps as serials in date formats
    /// (1900-02-28 is serial 59, before Excel's 1900-02-29), booleans as booleans, nulls empty,
    /// text escaped; the header bold and frozen; widths: the widest cell as shown + 2 (王小明
    /// is 6 cells, a date 10, a timestamp 19, FALSE 5).
    func testCellsAsOpenpyxlReadsThem() throws {
        let out = run(#"export list t to "out/a.xlsx""#)
        XCTAssertEqual(out.diagnostics, [])
        XCTAssertEqual(out.infos.last, "wrote 3 rows to \(path("out/a.xlsx"))")
        XCTAssertEqual(try openpyxl("out/a.xlsx"), """
            ['Sheet1']
            -- Sheet1 A2
            [('s', 'id', 'General', True), ('s', 'name', 'General', True), ('s', 'joined', 'General', True), ('s', 'at', 'General', True), ('s', 'score', 'General', True), ('s', 'ok', 'General', True)]
            [('n', 1, 'General', False), ('s', '王小明', 'General', False), ('d', datetime.datetime(2020, 10, 13, 0, 0), 'yyyy-mm-dd', False), ('d', datetime.datetime(2020, 10, 13, 8, 30), 'yyyy-mm-dd hh:mm:ss', False), ('n', 92.5, '0.00', False), ('b', True, 'General', False)]
            [('n', 2, 'General', False), ('s', 'a&b<c>"d', 'General', False), ('d', datetime.datetime(1900, 2, 28, 0, 0), 'yyyy-mm-dd', False), ('d', datetime.datetime(1900, 3, 1, 12, 0), 'yyyy-mm-dd hh:mm:ss', False), ('n', None, 'General', False), ('b', False, 'General', False)]
            [('n', 3, 'General', False), ('n', None, 'General', False), ('n', None, 'General', False), ('n', None, 'General', False), ('n', -1.25, '0.00', False), ('n', None, 'General', False)]
            [('A', 4.0), ('B', 10.0), ('C', 12.0), ('D', 21.0), ('E', 7.0), ('F', 7.0)]

            """)
    }

    /// pct as fractions in 0.00% (1387 of 2500 is 55.48%, 0.5548), the total row bold, a
    /// Chinese sheet name.
    func testSharesTotalAndChineseSheetName() throws {
        let out = run(#"export sum(n) as 人次 g by grp pct as 占比 total "合计" to "b.xlsx" sheet "分组统计""#)
        XCTAssertEqual(out.diagnostics, [])
        XCTAssertEqual(out.infos.last, "wrote 2 rows to \(path("b.xlsx")), sheet 分组统计")
        XCTAssertEqual(try openpyxl("b.xlsx"), """
            ['分组统计']
            -- 分组统计 A2
            [('s', 'grp', 'General', True), ('s', '人次', 'General', True), ('s', '占比', 'General', True)]
            [('s', 'A', 'General', False), ('n', 1387, 'General', False), ('n', 0.5548, '0.00%', False)]
            [('s', 'B', 'General', False), ('n', 1113, 'General', False), ('n', 0.4452, '0.00%', False)]
            [('s', '合计', 'General', True), ('n', 2500, 'General', True), ('n', 1, '0.00%', True)]
            [('A', 6.0), ('B', 6.0), ('C', 9.0)]

            """)
    }

    /// A `round(x, n)` column shows n decimals in Excel too (none for n ≤ 0), as at the prompt;
    /// other decimals 0.00. The average score of t is (92.5 − 1.25) / 2 = 45.625: rounded half
    /// away from zero 46, 45.625 and 50; widths 2, 6, 2 and 5 cells ("45.63") + 2.
    func testRoundedColumnsKeepTheirDecimals() throws {
        let out = run(#"export round(avg(score), 0) as a, round(avg(score), 3) as b, round(avg(score), -1) as d, avg(score) as c t to "r.xlsx""#)
        XCTAssertEqual(out.diagnostics, [])
        XCTAssertEqual(try openpyxl("r.xlsx"), """
            ['Sheet1']
            -- Sheet1 A2
            [('s', 'a', 'General', True), ('s', 'b', 'General', True), ('s', 'd', 'General', True), ('s', 'c', 'General', True)]
            [('n', 46.0, '0', False), ('n', 45.625, '0.000', False), ('n', 50.0, '0', False), ('n', 45.625, '0.00', False)]
            [('A', 4.0), ('B', 8.0), ('C', 4.0), ('D', 7.0)]

            """)
        // A second export into the workbook finds its formats again: no second 0.000.
        XCTAssertEqual(run(#"export round(avg(score), 3) as b t to "r.xlsx" sheet "again""#).diagnostics, [])
        let formats = try python("""
            import zipfile, sys
            print(zipfile.ZipFile(sys.argv[1]).read("xl/styles.xml").decode().count('formatCode="0.000"'))
            """, [path("r.xlsx")])
        XCTAssertEqual(formats, "1\n")
    }

    /// Tally's own reader gives back the values exported (the shares as percentages again).
    func testRoundTripThroughTallysReader() {
        let out = run("""
            export list t to "r.xlsx"
            export sum(n) g by grp pct to "r.xlsx" sheet "g"
            load back from "r.xlsx"
            load shares from "r.xlsx" with sheet "g"
            """)
        XCTAssertEqual(out.diagnostics, [])
        let s = Session(output: CapturedOutput())
        s.run(SourceFile(name: "s", text: "load t from \"t.csv\"\nload back from \"r.xlsx\"\nload shares from \"r.xlsx\" with sheet \"g\""),
              baseDirectory: folder.path)
        let original = s.catalog.table("t")!, back = s.catalog.table("back")!
        XCTAssertEqual(Messy.schema(back), Messy.schema(original))
        XCTAssertEqual(Messy.rows(back), Messy.rows(original))
        XCTAssertEqual(Messy.rows(back)[1], ["2", "a&b<c>\"d", "1900-02-28", "1900-03-01 12:00:00", "∅", "false"])
        // The shares read back exactly as Tally computed them (1113 / 2500 · 100 is 44.519999999999996 in doubles).
        let shares = Messy.run("load g from \"\(folder.path)/g.csv\"\nlet s = sum(n) g by grp pct", in: nil).session.catalog.table("s")!
        XCTAssertEqual(Messy.rows(s.catalog.table("shares")!), Messy.rows(shares))
        XCTAssertEqual(Messy.rows(shares).map { Double($0[2])! }.map { ($0 * 100).rounded() / 100 }, [55.48, 44.52])
    }

    /// Characters XML 1.0 forbids and a carriage return travel as _xHHHH_, a literal _x0041_
    /// keeps its underscore escaped; Tally's reader undoes both (openpyxl does not undo them).
    func testTextEscapes() throws {
        let texts: [String] = ["a\u{1}b", "line\r\nnext", "_x0041_", "  spaced  ", "tab\there", "\u{FFFF}"]
        let column = Vector.string(Codes(texts.indices.map(UInt32.init)), StringDictionary(texts), nil)
        let result = ResultTable(columns: [.init(name: "s", vector: column, role: .dimension)])
        try ResultFile.write(result, to: path("e.xlsx"), as: .workbook)
        let s = Session(output: CapturedOutput())
        s.run(SourceFile(name: "s", text: "load t from \"e.xlsx\" with types (s = string)"), baseDirectory: folder.path)
        // (A load ignores spaces around a value, so "  spaced  " reads as "spaced"; the sheet keeps them.)
        XCTAssertEqual(Messy.rows(s.catalog.table("t")!).map { $0[0] }, ["a\u{1}b", "line\r\nnext", "_x0041_", "spaced", "tab\there", "\u{FFFF}"])
        let sheet = try python("import zipfile, sys; print(zipfile.ZipFile(sys.argv[1]).read('xl/worksheets/sheet1.xml').decode())", [path("e.xlsx")])
        for written in ["<t>a_x0001_b</t>", "<t xml:space=\"preserve\">line_x000D_\nnext</t>", "<t>_x005F_x0041_</t>",
                        "<t xml:space=\"preserve\">  spaced  </t>", "<t xml:space=\"preserve\">tab\there</t>", "<t>_xFFFF_</t>"] {
            XCTAssertTrue(sheet.contains(written), written + " in " + sheet)
        }
    }

    func testSerialDays() {
        func date(_ y: Int, _ m: Int, _ d: Int) -> Double? { XLSXWriter.serial(seconds: Int64(CivilCalendar.daysFromCivil(y, m, d) - CivilCalendar.daysFromCivil(1970, 1, 1)) * 86400) }
        XCTAssertEqual(date(1900, 1, 1), 1)
        XCTAssertEqual(date(1900, 2, 28), 59)
        XCTAssertEqual(date(1900, 3, 1), 61)       // Excel's 1900-02-29 is 60
        XCTAssertEqual(date(2020, 10, 13), 44117)
        XCTAssertEqual(date(9999, 12, 31), 2_958_465)
        XCTAssertNil(date(1899, 12, 31))
        XCTAssertNil(date(10000, 1, 1))
        XCTAssertEqual(XLSXWriter.fraction(ofPercent: "55.48"), "0.5548")
        XCTAssertEqual(XLSXWriter.fraction(ofPercent: "100.0"), "1")
        XCTAssertEqual(XLSXWriter.fraction(ofPercent: "-0.5"), "-0.005")
        XCTAssertEqual(XLSXWriter.fraction(ofPercent: "7"), "0.07")
        // Widths of decimals as "0.00" shows them: 100.00, 0.00, -1.25, 123456.79.
        for (d, shown) in [(99.999, "100.00"), (-0.001, "0.00"), (-1.25, "-1.25"), (123456.789, "123456.79"), (0, "0.00")] {
            XCTAssertEqual(XLSXWriter.shownDecimalWidth(d), shown.count, "\(d)")
        }
        // With other places: "0" and "0.000" formats.
        for (d, n, shown) in [(45.625, 0, "46"), (-0.4, 0, "0"), (-0.6, 0, "-1"), (45.625, 3, "45.625"), (-1.0005, 3, "-1.001")] {
            XCTAssertEqual(XLSXWriter.shownDecimalWidth(d, decimals: n), shown.count, "\(d), \(n)")
        }
    }

    // MARK: Sheets in an existing workbook

    /// A sheet added to an openpyxl workbook (inline strings, two sheets) and to an xlsxwriter
    /// one (shared strings, docProps): the old sheets read as before and their parts are copied
    /// byte for byte; export to the same sheet name again replaces it.
    func testSheetAddedThenReplacedKeepsTheOtherSheets() throws {
        let kept = ["xl/worksheets/sheet1.xml", "xl/theme/theme1.xml"]
        for (file, old) in [("courses_openpyxl.xlsx", ["课程", "说明"]), ("courses_xlsxwriter.xlsx", ["Sheet1"])] {
            func lines(_ text: String, _ prefix: String) -> [Substring] { text.split(separator: "\n").filter { $0.hasPrefix(prefix) } }
            let before = try openpyxl(file, sheets: old, parts: kept)
            let oldSheets = before.split(separator: "\n").dropFirst().prefix { !$0.hasPrefix("part ") }.joined(separator: "\n")
            XCTAssertEqual(run("export count c by 项目 to \"\(file)\" sheet \"统计\"").diagnostics, [], file)
            let added = try openpyxl(file, parts: kept)
            XCTAssertTrue(added.hasPrefix("\(old + ["统计"])\n".replacingOccurrences(of: "\"", with: "'")), added)
            XCTAssertTrue(added.contains(oldSheets + "\n-- 统计"), "the old sheets read as before: " + added)
            XCTAssertTrue(added.contains("""
                -- 统计 A2
                [('s', '项目', 'General', True), ('s', 'count', 'General', True)]
                [('s', '市常规远程培训', 'General', False), ('n', 2, 'General', False)]
                [('s', '提升工程2.0', 'General', False), ('n', 2, 'General', False)]
                [('A', 16.0), ('B', 7.0)]
                part
                """), added)
            XCTAssertEqual(lines(added, "part "), lines(before, "part "), "copied byte for byte")

            XCTAssertEqual(run("export count c to \"\(file)\" sheet \"统计\"").diagnostics, [])
            let replaced = try openpyxl(file, parts: kept)
            XCTAssertTrue(replaced.hasPrefix("\(old + ["统计"])\n".replacingOccurrences(of: "\"", with: "'")), replaced)
            XCTAssertTrue(replaced.contains(oldSheets + "\n-- 统计 A2\n[('s', 'count', 'General', True)]\n[('n', 4, 'General', False)]\n[('A', 7.0)]\npart"), replaced)
            XCTAssertEqual(lines(replaced, "part "), lines(before, "part "))
            XCTAssertEqual(lines(replaced, "cell formats"), lines(added, "cell formats"), "Tally's cell formats are found again, not added twice")
        }
    }

    /// Without `sheet`, an existing workbook is replaced by a new one.
    func testWithoutSheetTheFileIsReplaced() throws {
        XCTAssertEqual(run(#"export count c to "courses_openpyxl.xlsx""#).diagnostics, [])
        XCTAssertEqual(try openpyxl("courses_openpyxl.xlsx"), "['Sheet1']\n-- Sheet1 A2\n[('s', 'count', 'General', True)]\n[('n', 4, 'General', False)]\n[('A', 7.0)]\n")
    }

    // MARK: Errors

    func error(_ script: String) -> String {
        run(script).diagnostics.first.map { $0.replacingOccurrences(of: folder.path + "/", with: "") } ?? "(no error)"
    }

    func testClausesThatDoNotFitTheTarget() {
        XCTAssertEqual(error(#"export count t to "a.csv" sheet "x""#), """
            s.tally:4:27: error: `sheet` applies to .xlsx workbooks, not to .csv files
            4 | export count t to "a.csv" sheet "x"
              |                           ^^^^^^^^^
              = a workbook takes sheets: export … to "report.xlsx" sheet "名称"
            """)
        XCTAssertEqual(error(#"export count t to "a.xlsx" with bom"#), """
            s.tally:4:28: error: `with bom` applies to .csv files, not to .xlsx files
            4 | export count t to "a.xlsx" with bom
              |                            ^^^^^^^^
              = a workbook needs no byte-order mark: Excel reads its text as Unicode
            """)
        XCTAssertEqual(error(#"export count t to "a.xls""#), """
            s.tally:4:19: error: cannot tell the format of "a.xls" from its extension
            4 | export count t to "a.xls"
              |                   ^^^^^^^
              = use .csv, .json, .md, .txt or .xlsx (.svg for a chart)
            """)
        XCTAssertEqual(error(#"export count t to "a.xlsx" with bon"#), """
            s.tally:4:33: error: expected `bom` (with bom writes a byte-order mark first, for Excel), found `bon`
            4 | export count t to "a.xlsx" with bon
              |                                 ^^^
            """)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("a.xlsx")))
    }

    func testSheetNamesFollowExcelsRules() {
        let cases = [("\"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二\"", "a sheet's name has at most 31 characters; \"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二\" has 32"),
                     ("\"2020/11\"", "a sheet's name cannot hold `/` (nor any of : \\ / ? * [ ])"),
                     ("\"[统计]\"", "a sheet's name cannot hold `[` (nor any of : \\ / ? * [ ])"),
                     ("\"\"", "a sheet's name cannot be empty"),
                     ("\"'q'\"", "a sheet's name cannot start or end with an apostrophe (')"),
                     ("\"history\"", "Excel keeps the sheet name History for itself"),
                     ("42", "the sheet's name must be text, as in \"课程\"")]
        for (name, message) in cases {
            let text = error("export count t to \"a.xlsx\" sheet \(name)")
            XCTAssertTrue(text.hasPrefix("s.tally:4:34: error: \(message)\n"), text)
            XCTAssertTrue(text.contains("  |                                  " + String(repeating: "^", count: DisplayWidth.of(name))), text)
        }
        XCTAssertNil(XLSXWriter.sheetNameProblem("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("a.xlsx")))
    }

    /// A file that is not a workbook, or a damaged one, is named and left as it was.
    func testDamagedWorkbookIsNotOverwritten() throws {
        try "id,name\n".write(to: folder.appendingPathComponent("plain.xlsx"), atomically: true, encoding: .utf8)
        XCTAssertEqual(error(#"export count t to "plain.xlsx" sheet "x""#), """
            s.tally:4:19: error: cannot write plain.xlsx: it is not an .xlsx workbook (not a zip archive), so no sheet can be added to it
            4 | export count t to "plain.xlsx" sheet "x"
              |                   ^^^^^^^^^^^^
              = without `sheet`, export writes a new workbook in its place
            """)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("plain.xlsx"), encoding: .utf8), "id,name\n")
        let damaged = folder.appendingPathComponent("checksum.xlsx")
        try FileManager.default.copyItem(atPath: Messy.directory + "/damaged/checksum.xlsx", toPath: damaged.path)
        let bytes = try Data(contentsOf: damaged)
        let text = error(#"export count t to "checksum.xlsx" sheet "x""#)
        XCTAssertTrue(text.hasPrefix("s.tally:4:19: error: cannot write checksum.xlsx: its part xl/worksheets/sheet1.xml is damaged: its checksum does not match\n"), text)
        XCTAssertTrue(text.contains("= if Excel opens the workbook, save it again from Excel and load that copy"), text)
        XCTAssertEqual(try Data(contentsOf: damaged), bytes)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }, [], "no temporary file is left")
    }

    /// Missing folders are made; a file where a folder should be is an error.
    func testFolders() throws {
        XCTAssertEqual(run(#"export count t to "new/deeper/a.xlsx" sheet "统计""#).diagnostics, [])
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("new/deeper/a.xlsx")))
        XCTAssertEqual(error(#"export count t to "t.csv/a.xlsx""#), """
            s.tally:4:19: error: cannot write t.csv/a.xlsx: t.csv is not a folder
            4 | export count t to "t.csv/a.xlsx"
              |                   ^^^^^^^^^^^^^^
            """)
    }

    // MARK: CSV with a byte-order mark

    func testCSVWithBOM() throws {
        XCTAssertEqual(run(#"export list t to "bom.csv" with bom"#).diagnostics, [])
        let bytes = try Data(contentsOf: folder.appendingPathComponent("bom.csv"))
        XCTAssertEqual(Array(bytes.prefix(6)), [0xEF, 0xBB, 0xBF] + Array("id,".utf8))
        XCTAssertEqual(String(decoding: bytes.dropFirst(3), as: UTF8.self), Self.typed)
        let s = Session(output: CapturedOutput())
        s.run(SourceFile(name: "s", text: "load t from \"t.csv\"\nload back from \"bom.csv\""), baseDirectory: folder.path)
        XCTAssertEqual(Messy.schema(s.catalog.table("back")!), Messy.schema(s.catalog.table("t")!))
        XCTAssertEqual(Messy.rows(s.catalog.table("back")!), Messy.rows(s.catalog.table("t")!))
        XCTAssertEqual(run(#"export list t to "plain.csv""#).diagnostics, [])
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("plain.csv")).first, UInt8(ascii: "i"), "no mark without with bom")
    }
}
