import Foundation
import XCTest
@testable import TallyCore

/// Loads fixtures from Fixtures/messy/ (written by make_fixtures.py) through a session, as a
/// script would, and shows tables and diagnostics as plain text for the tests to compare.
enum Messy {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/messy").path

    /// Runs a script with paths relative to the fixtures; diagnostics name files relative to them too.
    @discardableResult
    static func run(_ script: String, in session: Session? = nil) -> (session: Session, output: CapturedOutput) {
        let s = session ?? Session(output: CapturedOutput())
        s.run(SourceFile(name: "t", text: script), baseDirectory: directory)
        let out = s.output as! CapturedOutput
        out.diagnostics = out.diagnostics.map { $0.replacingOccurrences(of: directory + "/", with: "") }
        out.infos = out.infos.map { $0.replacingOccurrences(of: directory + "/", with: "") }
        out.results = out.results.replacingOccurrences(of: directory + "/", with: "")
        return (s, out)
    }

    /// The table that `script` loads as `t`; fails the test on any error.
    static func table(_ script: String, file: StaticString = #filePath, line: UInt = #line) -> Table? {
        let (s, out) = run(script)
        XCTAssertEqual(out.diagnostics.filter { $0.contains("error:") }, [], file: file, line: line)
        let t = s.catalog.table("t")
        if let t { XCTAssertNil(t.invariantViolation(), file: file, line: line) }
        return t
    }

    /// The first error a script gives, rendered.
    static func error(_ script: String) -> String {
        run(script).output.diagnostics.first { $0.contains("error:") } ?? "(no error)"
    }

    /// `name type` per column.
    static func schema(_ t: Table) -> [String] { t.columns.map { "\($0.name) \($0.vector.type.rawValue)" } }

    /// The rows, each value written so its type shows: 92.13 and 50.0 are decimals, `∅` is null.
    static func rows(_ t: Table) -> [[String]] {
        (0..<t.rowCount).map { r in
            t.columns.map { c in
                switch c.vector.value(at: r) {
                case .null: "∅"
                case .integer(let i): "\(i)"
                case .decimal(let d): "\(d)"
                case .boolean(let b): "\(b)"
                case .date(let s): CivilCalendar.format(seconds: s, dateOnly: true)
                case .timestamp(let s): CivilCalendar.format(seconds: s, dateOnly: false)
                case .string(let s): s
                }
            }
        }
    }
}

final class ImportTests: XCTestCase {
    func check(_ script: String, _ schema: [String], _ rows: [[String]], file: StaticString = #filePath, line: UInt = #line) {
        guard let t = Messy.table(script, file: file, line: line) else { return XCTFail("no table t", file: file, line: line) }
        XCTAssertEqual(Messy.schema(t), schema, file: file, line: line)
        XCTAssertEqual(Messy.rows(t), rows, file: file, line: line)
    }

    // MARK: One fixture per quirk, contents worked out by hand from make_fixtures.py

    func testTitleAndNotesAboveTheHeaderAreSkipped() {
        // Line 1 a title, line 2 a note (one filled cell of three), line 3 blank, line 4 the header.
        check(#"load t from "title_notes.csv""#, ["区 string", "学校数 integer", "人数 integer"],
              [["越秀区", "12", "340"], ["海珠区", "9", "215"]])
        let (_, out) = Messy.run(#"load t from "title_notes.csv""#)
        XCTAssertEqual(out.infos, ["loaded t: 2 rows × 3 columns from title_notes.csv (UTF-8, delimiter ',', header line 4)"])
    }

    func testQuotedFieldsHoldDelimitersQuotesAndLineBreaks() {
        check(#"load t from "quoted.csv""#, ["id integer", "note string"],
              [["1", "a, b"], ["2", "say \"hi\""], ["3", "two\nlines"], ["4", "spaced"]])
    }

    func testChineseNumberForms() {
        // a: thousands separators. b: percentages as written. c: 万 and 亿 (exact, so integers).
        // d: full-width digits, point and minus. e: separators with a fraction and a sign.
        check(#"load t from "numbers.csv""#, ["a integer", "b decimal", "c integer", "d decimal", "e decimal"], [
            ["225319", "92.13", "12000", "123.0", "-1234.5"],
            ["1000", "50.0", "300000000", "45.5", "7.0"],
            ["12", "0.5", "5000", "-8.0", "2000000.0"],
        ])
    }

    func testBooleanForms() {
        check(#"load t from "booleans.csv""#, ["a boolean", "b boolean", "c boolean", "d boolean"], [
            ["true", "true", "true", "true"], ["false", "false", "false", "false"], ["true", "true", "true", "true"],
        ])
    }

    func testDateForms() {
        check(#"load t from "dates.csv""#, ["a date", "b date", "c timestamp", "d date"], [
            ["2020-10-13", "2020-10-13", "2020-10-13 08:30:00", "2020-01-05"],
            ["2020-01-05", "2020-01-05", "2020-01-05 23:59:59", "2020-12-31"],
        ])
    }

    func testNullMarkers() {
        // -, —, /, NULL, N/A, #N/A, 无, 暂无, empty and (any case) null are missing; 7 is the only value.
        check(#"load t from "nulls.csv""#, ["k string", "v integer"],
              ["abcdefghijk".map { [String($0), $0 == "j" ? "7" : "∅"] }].flatMap { $0 })
    }

    func testNullMarkersGivenOnLoad() {
        // Only - and 无 (and empty) are null now: the other markers are text, so v is a string.
        check(#"load t from "nulls.csv" with nulls ("-", "无")"#, ["k string", "v string"], [
            ["a", "∅"], ["b", "—"], ["c", "/"], ["d", "NULL"], ["e", "N/A"], ["f", "#N/A"], ["g", "∅"], ["h", "暂无"],
            ["i", "∅"], ["j", "7"], ["k", "null"],
        ])
    }

    func testNoNullMarkersLeavesOnlyTheEmptyField() {
        // nulls (): every marker is text; only i's empty field is null.
        check(#"load t from "nulls.csv" with nulls ()"#, ["k string", "v string"], [
            ["a", "-"], ["b", "—"], ["c", "/"], ["d", "NULL"], ["e", "N/A"], ["f", "#N/A"], ["g", "无"], ["h", "暂无"],
            ["i", "∅"], ["j", "7"], ["k", "null"],
        ])
        // Another option with an empty list is an error at the option.
        XCTAssertEqual(Messy.error(#"load t from "nulls.csv" with types ()"#), """
            t:1:30: error: `types ()` is empty: give a value between the parentheses
            1 | load t from "nulls.csv" with types ()
              |                              ^^^^^
            """)
    }

    func testSpacesAroundFieldsAndBlankRowsAtTheEnd() {
        // Header `name , n`; values `  甲  `, `  1 `; then an empty line, a row of empty fields, more empty lines.
        check(#"load t from "spaces_blank.csv""#, ["name string", "n integer"], [["甲", "1"], ["乙", "2"]])
    }

    func testLeadingZerosKeepAColumnText() {
        check(#"load t from "leading_zeros.csv""#, ["code string", "n integer"], [["00123", "1"], ["00456", "2"], ["789", "3"]])
    }

    func testSummaryRowsLeftOutOnRequest() {
        check(#"load t from "totals.csv" with skip_totals true"#, ["区 string", "人数 integer"],
              [["越秀区", "10"], ["海珠区", "20"], ["天河区", "5"]])
        check(#"load t from "totals.csv""#, ["区 string", "人数 integer"],
              [["越秀区", "10"], ["海珠区", "20"], ["小计", "30"], ["天河区", "5"], ["合  计：", "35"]])
        XCTAssertEqual(Messy.run(#"load t from "totals.csv" with skip_totals true"#).output.infos,
                       ["loaded t: 3 rows × 2 columns from totals.csv (UTF-8, delimiter ',', header line 1, 2 summary rows left out)"])
    }

    func testTwoRowHeaderJoinedIntoOneName() {
        let names = ["序号 integer", "区 string", "选课人数_人次 integer", "选课人数_人数 integer", "通过人数_人次 integer", "通过人数_人数 integer"]
        let rows = [["1", "越秀区", "100", "80", "90", "70"], ["2", "海珠区", "50", "40", "45", "35"]]
        check(#"load t from "wide_header.csv""#, names, rows)
        check(#"load t from "wide_header.csv" with header (1, 2)"#, names, rows)
        // Given as one row, the second header row is data.
        check(#"load t from "wide_header.csv" with header 1"#,
              ["序号 integer", "区 string", "选课人数 string", "column_4 string", "通过人数 string", "column_6 string"],
              [["∅", "∅", "人次", "人数", "人次", "人数"], rows[0], rows[1]])
    }

    func testHeaderGivenOnLoad() {
        check(#"load t from "title_notes.csv" with header 4"#, ["区 string", "学校数 integer", "人数 integer"],
              [["越秀区", "12", "340"], ["海珠区", "9", "215"]])
        XCTAssertEqual(Messy.error(#"load t from "title_notes.csv" with header 3"#), """
            t:1:36: error: title_notes.csv has no header at line 3
            1 | load t from "title_notes.csv" with header 3
              |                                    ^^^^^^^^
              = rows start at lines 1, 2, 4, 5, 6
            """)
    }

    func testRenameAndTypesOnLoad() {
        check(#"load t from "leading_zeros.csv" with rename (code = 编号, n = 人数), types (人数 = decimal)"#,
              ["编号 string", "人数 decimal"], [["00123", "1.0"], ["00456", "2.0"], ["789", "3.0"]])
        check(#"load t from "bom.csv" with types (id = string, 名称 = string)"#, ["id string", "名称 string"], [["1", "甲"], ["2", "乙"]])
        check(#"load t from "booleans.csv" with types (a = string)"#, ["a string", "b boolean", "c boolean", "d boolean"],
              [["是", "true", "true", "true"], ["否", "false", "false", "false"], ["是", "true", "true", "true"]])
    }

    func testOptionErrors() {
        XCTAssertEqual(Messy.error(#"load t from "bom.csv" with delimeter ",""#), """
            t:1:28: error: unknown load option `delimeter`
            1 | load t from "bom.csv" with delimeter ","
              |                            ^^^^^^^^^
              = did you mean `delimiter`?
            """)
        XCTAssertEqual(Messy.error(#"load t from "bom.csv" with types (id = text)"#), """
            t:1:35: error: unknown type `text`
            1 | load t from "bom.csv" with types (id = text)
              |                                   ^^^^^^^^^
              = types: integer, decimal, boolean, date, timestamp, string
            """)
        XCTAssertEqual(Messy.error(#"load t from "bom.csv" with rename (名字 = name)"#), """
            t:1:36: error: no column `名字` in bom.csv
            1 | load t from "bom.csv" with rename (名字 = name)
              |                                    ^^^^^^^^^^^
              = did you mean `名称`?
            """)
        XCTAssertEqual(Messy.error(#"load t from "bom.csv" with sheet "x""#), """
            t:1:28: error: `sheet` applies to .xlsx workbooks, not to text files
            1 | load t from "bom.csv" with sheet "x"
              |                            ^^^^^^^^^
            """)
        XCTAssertEqual(Messy.error(#"load t from "bom.csv" with encoding "klingon""#), """
            t:1:37: error: unknown encoding klingon
            1 | load t from "bom.csv" with encoding "klingon"
              |                                     ^^^^^^^^^
              = use "utf-8", "gbk", "gb18030", "utf-16le" or "utf-16be"
            """)
    }

    func testLoadOptionSyntax() throws {
        let s = try Parser.parseOrThrow(SourceFile(name: "t", text: """
            load t from "x.xlsx" with sheet "课程", header (3, 4),
                types (课程编号 = string, `选课 人数` = integer), nulls ("-", "无")
            """))
        guard case .load(_, _, let options) = s[0].kind else { return XCTFail("not a load") }
        XCTAssertEqual(options.map(\.name.text), ["sheet", "header", "types", "nulls"])
        XCTAssertEqual(options[2].entries.map { $0.key?.text }, ["课程编号", "选课 人数"])
        XCTAssertEqual(options[3].entries.map { $0.key?.text }, [nil, nil])
    }

    // MARK: The same data four ways

    /// UTF-8 CSV; GBK CSV with CRLF, a title row and Excel's number forms; an openpyxl workbook
    /// (inline strings, a title row, a 合计 row); an xlsxwriter workbook (shared strings, built-in
    /// date formats, the 1904 date system, missing cells). Every query gives the same result.
    func testSameDataFromUTF8AndGBKAndXLSXGivesIdenticalResults() throws {
        let files = ["courses_utf8.csv", "courses_gbk.csv", "courses_openpyxl.xlsx", "courses_xlsxwriter.xlsx"]
        let queries = """
            describe t
            count, sum(选课人数), sum(学时), avg(通过率), sum(是否必修) t
            count, avg(通过率) t by 项目
            count t where 开课日期 >= "2020-11-01"
            count t where 备注 is null
            min(开课日期), max(最后更新) t
            count t where 最后更新 < "2020-10-14 09:05:08" and 通过率 > 90
            """
        var outputs: [String] = []
        for f in files {
            let (_, out) = Messy.run("load t from \"\(f)\" with skip_totals true\n" + queries)
            XCTAssertEqual(out.diagnostics, [], f)
            outputs.append(out.results)
        }
        for (f, o) in zip(files, outputs).dropFirst() { XCTAssertEqual(o, outputs[0], "\(f) differs from \(files[0])") }
        // And the values themselves, worked out by hand: 1234+56+225319+0, 10+20+8+10, (92.13+50+100)/3.
        let (s, _) = Messy.run(#"load t from "courses_gbk.csv""#)
        let source = SourceFile(name: "q", text: "count, sum(选课人数), sum(学时), avg(通过率), sum(是否必修) t")
        let q = try Parser.parseOrThrow(source)
        guard case .query(let query) = q[0].kind else { return XCTFail() }
        var binder = Binder(catalog: s.catalog, source: source)
        let r = try QueryRunner(evaluator: Evaluator(catalog: s.catalog, isCancelled: { false })).run(try binder.bind(query))
        let values = r.columns.map { $0.vector.value(at: 0) }
        XCTAssertEqual(values.map(\.asDouble), [4, 226609, 48, values[3].asDouble, 2])
        XCTAssertEqual(values[3].asDouble ?? 0, 80.71, accuracy: 1e-9)
    }

    // MARK: Malformed files: each error names file, line and column, shows the line, and hints

    func testMalformedFilesGiveLocatedErrors() {
        XCTAssertEqual(Messy.error(#"load t from "unterminated_quote.csv""#), """
            unterminated_quote.csv:3:3: error: this quoted field is never closed
            3 | 2,"never closed
              |   ^
              = a quote inside a quoted field is written twice: "say ""hi""\"
              = or leave bad rows out (counted, the first shown): with skip_bad_rows true
            """)
        XCTAssertEqual(Messy.error(#"load t from "ragged_short.csv""#), """
            ragged_short.csv:3:1: error: this row has 2 fields, the header has 3
            3 | 2,乙
              | ^
              = a field holding the delimiter or a line break must be quoted: "a,b"
              = or leave bad rows out (counted, the first shown): with skip_bad_rows true
            """)
        XCTAssertEqual(Messy.error(#"load t from "ragged_long.csv""#), """
            ragged_long.csv:3:5: error: this row has a value beyond the header's 2 columns
            3 | 2,乙,多余
              |      ^^
              = a field holding the delimiter or a line break must be quoted: "a,b"
              = or leave bad rows out (counted, the first shown): with skip_bad_rows true
            """)
        XCTAssertEqual(Messy.error(#"load t from "text_after_quote.csv""#), """
            text_after_quote.csv:3:8: error: unexpected text after a closing quote
            3 | 2,"bad"x
              |        ^
              = a quote inside a quoted field is written twice: "say ""hi""\"
              = or leave bad rows out (counted, the first shown): with skip_bad_rows true
            """)
        XCTAssertEqual(Messy.error(#"load t from "bad_type.csv" with types (score = integer)"#), """
            bad_type.csv:3:7: error: `优秀` in column score is not an integer
            3 | GZ002,优秀
              |       ^^
              = the column's type is given on load: types (score = integer)
              = or leave bad rows out (counted, the first shown): with skip_bad_rows true
            """)
    }

    /// A folder whose second file has a bad row: the error names the row and skip_bad_rows; the
    /// other files are read and kept (a and c), the statement fails and says what was kept; a
    /// table loaded before stays.
    func testAFolderLoadThatFailsOnOneFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-folder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "id,name\n1,甲\n2,乙\n".write(to: dir.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        try "id,n\n1,2\n2,3,4\n".write(to: dir.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        try "id,x\n1,2\n".write(to: dir.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
        let session = Session(output: CapturedOutput())
        Messy.run("load before from \"\(dir.path)/c.csv\"", in: session)
        let (_, out) = Messy.run("load \"\(dir.path)\"", in: session)
        XCTAssertEqual(out.diagnostics, ["""
            \(dir.path)/b.csv:3:5: error: this row has a value beyond the header's 2 columns
            3 | 2,3,4
              |     ^
              = a field holding the delimiter or a line break must be quoted: "a,b"
              = or leave bad rows out (counted, the first shown): with skip_bad_rows true
            """, """
            t:1:6: error: 1 of the folder's 3 files did not load (the error above)
            1 | load "\(dir.path)"
              |      \(String(repeating: "^", count: dir.path.count + 2))
              = kept the 2 loaded completely: a, c
              = mend it and load the folder again, or load a file alone: load NAME from "FILE"
            """])
        XCTAssertEqual(session.catalog.tables.map(\.name).sorted(), ["a", "before", "c"])
        Messy.run("load \"\(dir.path)\" with skip_bad_rows true", in: session)
        XCTAssertEqual(session.catalog.tables.map(\.name).sorted(), ["a", "b", "before", "c"])
        XCTAssertEqual(session.catalog.table("b")?.rowCount, 1)
    }

    /// Ctrl-C while a folder loads: the files read completely are kept (a), the one being read
    /// and those after it are not (b, c), and the load says so.
    func testAFolderLoadCancelledKeepsTheFilesRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-folder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["a", "b", "c"] {
            try "id,v\n1,2\n".write(to: dir.appendingPathComponent("\(name).csv"), atomically: true, encoding: .utf8)
        }
        // Ctrl-C comes as soon as a.csv is read (the progress observer's last call for it).
        final class Flag: @unchecked Sendable { var pressed = false }
        let flag = Flag()
        let out = CapturedOutput()
        let session = Session(output: out)
        session.loadObserver = { p in if p.isFinished && p.file.hasSuffix("/a.csv") { flag.pressed = true } }
        session.isCancelled = { flag.pressed }
        let outcome = session.run(SourceFile(name: "<test>", text: "load \"\(dir.path)\""))
        XCTAssertTrue(outcome.cancelled)
        XCTAssertEqual(session.catalog.tables.map(\.name), ["a"])
        XCTAssertEqual(out.infos.last, "load stopped at b.csv (1 of 3 files read): kept the 1 loaded completely: a")
    }

    func testBadRowsSkippedCountedAndShown() {
        let (s, out) = Messy.run(#"load t from "ragged_short.csv" with skip_bad_rows true"#)
        XCTAssertEqual(Messy.rows(s.catalog.table("t")!), [["1", "甲", "3"], ["3", "丙", "5"]])
        XCTAssertEqual(out.infos, ["loaded t: 2 rows × 3 columns from ragged_short.csv (UTF-8, delimiter ',', header line 1, 1 bad row skipped)"])
        XCTAssertEqual(out.diagnostics, ["""
            ragged_short.csv:3:1: warning: skipped a bad row: this row has 2 fields, the header has 3
            3 | 2,乙
              | ^
            """])
        // An unterminated quote: the reading resumes on the line after the quote.
        let (u, _) = Messy.run(#"load t from "unterminated_quote.csv" with skip_bad_rows true"#)
        XCTAssertEqual(Messy.rows(u.catalog.table("t")!), [["1", "ok"], ["3", "x"]])
        let (b, _) = Messy.run(#"load t from "bad_type.csv" with types (score = decimal), skip_bad_rows true"#)
        XCTAssertEqual(Messy.rows(b.catalog.table("t")!), [["GZ001", "90.0"], ["GZ003", "85.5"]])
    }

    func testManyBadRowsShowTheFirstThree() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("a,b\n1,2\n3\n4\n5\n6,7\n8\n".utf8).write(to: dir.appendingPathComponent("x.csv"))
        let (s, out) = Messy.run("load t from \"\(dir.path)/x.csv\" with skip_bad_rows true")
        XCTAssertEqual(s.catalog.table("t")?.rowCount, 2)
        XCTAssertEqual(out.diagnostics.count, 4)
        XCTAssertEqual(out.diagnostics.last, "warning: 4 bad rows skipped in \(dir.path)/x.csv; the first 3 are shown above")
    }

    // MARK: Provenance and the first look

    func testDescribeLoadWritesAStatementThatReadsTheFileIdentically() throws {
        for script in [#"load t from "courses_gbk.csv""#, #"load t from "report.xlsx" with skip_totals true"#,
                       #"load t from "leading_zeros.csv" with rename (code = 编号)"#, #"load t from "utf16le.txt""#,
                       #"load t from "ragged_long.csv" with skip_bad_rows true, nulls ("-")"#] {
            let (s, out) = Messy.run(script + "\ndescribe load t")
            let statement = out.results
            let again = Messy.run(statement)
            XCTAssertEqual(again.output.diagnostics.filter { $0.contains("error") }, [], statement)
            let a = s.catalog.table("t")!, b = try XCTUnwrap(again.session.catalog.table("t"), statement)
            XCTAssertEqual(Messy.schema(a), Messy.schema(b), statement)
            XCTAssertEqual(Messy.rows(a), Messy.rows(b), statement)
        }
        XCTAssertEqual(Messy.run("load t from \"courses_gbk.csv\"\ndescribe load t").output.results, """
            load t from "courses_gbk.csv"
                with encoding "GB18030", delimiter ",", header 2,
                nulls ("-", "—", "/", "NULL", "N/A", "#N/A", "无", "暂无"),
                types (课程编号 = string, 项目 = string, 学时 = integer, 选课人数 = integer, 通过率 = decimal, 是否必修 = boolean, 开课日期 = date, 最后更新 = timestamp, 备注 = string)

            """)
        XCTAssertEqual(Messy.run("load t from \"report.xlsx\" with skip_totals true, rename (区 = district)\ndescribe load t").output.results, """
            load t from "report.xlsx"
                with sheet "统计", header (3, 4), skip_totals true,
                nulls ("-", "—", "/", "NULL", "N/A", "#N/A", "无", "暂无"),
                types (序号 = integer, 区 = string, 选课人数_人次 = integer, 选课人数_人数 = integer, 通过人数_人次 = integer, 通过人数_人数 = integer),
                rename (区 = district)

            """)
    }

    /// Names that are keywords or hold spaces, braces or backticks, and a path with a quote and
    /// braces: `describe load` writes them so they read back as the same names and file.
    func testDescribeLoadQuotesNamesAndPathsAsTheLexerReadsThem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-describe-\(UUID().uuidString)/q\"{d}")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let file = dir.appendingPathComponent("t.csv").path
        try Data("where,选课 人数,a{b},x`y,总数\n1,2,3,4,5\n6,7,8,9,10\n".utf8).write(to: URL(fileURLWithPath: file))
        let (s, out) = Messy.run("load `count` from \(Lexical.string(file)) with rename (`where` = `by`)\ndescribe load `count`")
        XCTAssertEqual(out.diagnostics, [])
        let statement = out.results
        let escapedFile = file.replacingOccurrences(of: "\"", with: "\"\"").replacingOccurrences(of: "{", with: "{{")
            .replacingOccurrences(of: "}", with: "}}")
        XCTAssertTrue(statement.hasPrefix("load `count` from \"\(escapedFile)\"\n"), statement)
        XCTAssertTrue(statement.contains("types (`where` = integer, `选课 人数` = integer, `a{b}` = integer, `x``y` = integer, 总数 = integer)"), statement)
        XCTAssertTrue(statement.contains("rename (`where` = `by`)"), statement)
        let again = Messy.run(statement)
        XCTAssertEqual(again.output.diagnostics, [], statement)
        let a = try XCTUnwrap(s.catalog.table("count")), b = try XCTUnwrap(again.session.catalog.table("count"), statement)
        XCTAssertEqual(b.columns.map(\.name), ["by", "选课 人数", "a{b}", "x`y", "总数"])
        XCTAssertEqual(Messy.schema(a), Messy.schema(b), statement)
        XCTAssertEqual(Messy.rows(a), Messy.rows(b), statement)
    }

    func testSummaryIsAFirstLookAtEachColumn() {
        let (_, out) = Messy.run("load t from \"courses_utf8.csv\"\nsummary t")
        XCTAssertEqual(out.results, """
            column    type       nulls  distinct  min                  max                  most frequent
            ────────  ─────────  ─────  ────────  ───────────────────  ───────────────────  ─────────────────────────────────────────────────────────────────────────
            课程编号  string         0         4  C0001                C0004                C0001 (1), C0002 (1), C0003 (1)
            项目      string         0         2  市常规远程培训       提升工程2.0          市常规远程培训 (2), 提升工程2.0 (2)
            学时      integer        0         3  8                    20                   10 (2), 8 (1), 20 (1)
            选课人数  integer        0         4  0                    225319               0 (1), 56 (1), 1234 (1)
            通过率    decimal        1         3  50.00                100.00               50.00 (1), 92.13 (1), 100.00 (1)
            是否必修  boolean        0         2  否                   是                   否 (2), 是 (2)
            开课日期  date           0         4  2020-10-13           2020-12-13           2020-10-13 (1), 2020-10-14 (1), 2020-11-01 (1)
            最后更新  timestamp      0         4  2020-10-13 08:30:00  2020-12-13 00:00:00  2020-10-13 08:30:00 (1), 2020-10-14 09:05:07 (1), 2020-11-02 23:59:59 (1)
            备注      string         2         2  含讨论               重开                 含讨论 (1), 重开 (1)

            """)
    }

    func testFolderLoadReadsWorkbooksToo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-folder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (from, to) in [("courses_utf8.csv", "a.csv"), ("courses_openpyxl.xlsx", "b.xlsx"), ("bom.csv", "~$b.xlsx")] {
            try FileManager.default.copyItem(atPath: Messy.directory + "/" + from, toPath: dir.appendingPathComponent(to).path)
        }
        let (s, out) = Messy.run("load \"\(dir.path)\" with skip_totals true, sheet \"课程\", types (学时 = decimal, id = string)")
        XCTAssertEqual(out.diagnostics, [])
        XCTAssertEqual(s.catalog.tables.map(\.name), ["a", "b"])
        XCTAssertEqual(s.catalog.table("b")?.rowCount, 4)
        XCTAssertEqual(s.catalog.tables.map { $0.column(named: "学时")?.vector.type }, [.decimal, .decimal])
    }
}
