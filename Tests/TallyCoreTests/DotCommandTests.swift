import Foundation
import XCTest
@testable import TallyCore

/// Dot-commands outside the prompt: the settings and listings work in scripts, -c and pipes;
/// the prompt's own are an error that says what a script does instead.
final class DotCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-dot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "course_id,project,enrolled\nC1,A,10\nC2,A,20\nC3,B,0\nC4,B,5\n"
            .write(to: folder.appendingPathComponent("courses.csv"), atomically: true, encoding: .utf8)
        try "load c2 from \"../courses.csv\"\n.format csv\ncount c2\n"
            .write(to: folder.appendingPathComponent("sub/inner.tally"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func run(_ text: String) -> (Session.Outcome, CapturedOutput) {
        let out = CapturedOutput()
        let session = Session(output: out)
        let outcome = session.run(SourceFile(name: "s.tally", text: "load courses from \"courses.csv\"\n" + text), baseDirectory: folder.path)
        return (outcome, out)
    }

    func testCommandLinesAreFoundBetweenStatements() throws {
        let parsed = ParsedScript(SourceFile(name: "t", text: ".format csv -- for Excel\ncount t\n  .tables; count u\nprint \"a\n.b\"\n"))
        XCTAssertEqual(parsed.errors.map { $0.render() }, [])
        let kinds = parsed.items.map { item -> String in
            switch item {
            case .command(let c): return c.name + "(" + c.argument + ")"
            case .statement(let s): return parsed.text(of: s)
            }
        }
        XCTAssertEqual(kinds, [".format(csv)", "count t", ".tables()", "count u", "print \"a\n.b\""], "a line inside a string is text")
        XCTAssertEqual(ParsedScript(SourceFile(name: "t", text: ".format csv; .tables; count t")).items.count, 3)
        XCTAssertTrue(ParsedScript(SourceFile(name: "t", text: ".tables")).isComplete)
        XCTAssertEqual(ParsedScript(SourceFile(name: "t", text: ".run \"my script.tally\"")).items.count, 1)
    }

    func testSettingsApplyToWhatFollows() {
        let (outcome, out) = run(".format csv\ncount courses by project\n.format json\ncount courses")
        XCTAssertEqual(outcome.errors, 0, out.diagnostics.joined())
        XCTAssertEqual(out.results, "project,count\nA,2\nB,2\n[{\"count\": 4}]\n")
        // The row limit goes to the output with each result (the command line cuts tables to it).
        let (_, rows) = run(".rows 2\ncount courses by course_id")
        XCTAssertEqual(rows.display?.rowLimit, 2, rows.results + rows.diagnostics.joined())
        let (_, answers) = run(".rows 2\n.rows\n.rows all\n.rows")
        XCTAssertEqual(answers.results, "rows: 2\n\nrows: all\n", "answers are results, set apart")
        XCTAssertEqual(answers.display?.rowLimit, nil)
        let (_, timed) = run(".timer on\n.timer")
        XCTAssertEqual(timed.results, "timer: on\n")
    }

    /// The session keeps the last result table it showed (printed text does not replace it).
    func testTheLastResultTableIsKept() {
        let out = CapturedOutput()
        let session = Session(output: out)
        XCTAssertNil(session.lastResult)
        session.run(SourceFile(name: "s.tally", text: "load courses from \"courses.csv\"\ncount courses by project\nprint \"x\""),
                    baseDirectory: folder.path)
        XCTAssertEqual(session.lastResult.map { $0.columns.map(\.name) }, ["project", "count"])
        XCTAssertEqual(session.lastResult?.rowCount, 2)
        session.run(SourceFile(name: "s.tally", text: ".tables"))
        XCTAssertEqual(session.lastResult?.columns.first?.name, "table")
    }

    func testListings() {
        let (outcome, out) = run(".format csv\n.tables\n.schema courses\n.measures")
        XCTAssertEqual(outcome.errors, 0, out.diagnostics.joined())
        XCTAssertTrue(out.results.hasPrefix("table,rows,columns,file\ncourses,4,3,\(folder.path)/courses.csv\n"), out.results)
        XCTAssertTrue(out.results.contains("column,type,nulls\ncourse_id,string,0\nproject,string,0\nenrolled,integer,0\n"), out.results)
        XCTAssertTrue(out.results.hasSuffix("no measures yet: define one with  measure passrate = sum(passed) / sum(participated) * 100\n"))
        let (_, unknown) = run(".schema cours")
        XCTAssertTrue(unknown.diagnostics.first?.contains("s.tally:2:1: error: unknown table `cours`") ?? false, unknown.diagnostics.joined())
        XCTAssertTrue(unknown.diagnostics.first?.contains("did you mean `courses`?") ?? false)
    }

    func testRunIsRelativeToTheScriptAndItsCommandsWork() {
        let (outcome, out) = run(".run sub/inner.tally\ncount c2")
        XCTAssertEqual(outcome.errors, 0, out.diagnostics.joined())
        XCTAssertEqual(out.results, "count\n4\ncount\n4\n", "the inner .format csv holds after it")
    }

    /// sqlite3's `.read FILE` and `.mode csv` are `.run` and `.format`.
    func testTheSqliteShellsReadAndModeAreRunAndFormat() {
        let (outcome, out) = run(".read sub/inner.tally\n.mode table\ncount c2 where enrolled > 5\n.mode\n.mode xml")
        XCTAssertEqual(outcome.errors, 1, out.diagnostics.joined())
        XCTAssertEqual(out.results, "count\n4\n\ncount\n─────\n    2\n\nformat: table\n", "a blank line before each result in table output")
        XCTAssertTrue(out.diagnostics.joined().contains("s.tally:6:1: error: usage: .format table|csv|json|markdown"), out.diagnostics.joined())
    }

    func testPromptOnlyCommandsAreAnErrorThatNamesTheScriptForm() {
        for (command, form) in [(".save x.tally", "export QUERY to \"FILE\""), (".quit", "ends after its last statement"),
                                (".exit", "ends after its last statement"), (".help bucket", "Grammar.md")] {
            let (outcome, out) = run(command + "\ncount courses")
            XCTAssertEqual(outcome.errors, 1, command)
            XCTAssertEqual(out.results, "", "the run stops: \(command)")
            let text = out.diagnostics.joined()
            XCTAssertTrue(text.contains("s.tally:2:1: error: `\(Help.command(named: String(command.prefix { $0 != " " }))!.name)` works at the prompt only"), text)
            XCTAssertTrue(text.contains(form), text)
        }
        let (_, unknown) = run(".tabels")
        XCTAssertTrue(unknown.diagnostics.joined().contains("unknown command `.tabels`"), unknown.diagnostics.joined())
        XCTAssertTrue(unknown.diagnostics.joined().contains("did you mean `.tables`?"))
        let (_, usage) = run(".format xml")
        XCTAssertTrue(usage.diagnostics.joined().contains("usage: .format table|csv|json|markdown"), usage.diagnostics.joined())
    }

    /// `.once FILE`: the next result table goes to the file, not to the screen (text printed
    /// before it still shows); the one after shows again. `.export FILE` writes the last result
    /// without running the query again: the table is replaced in between, and the file still
    /// holds the old count.
    func testOnceAndExport() throws {
        try "course_id\nX1\n".write(to: folder.appendingPathComponent("other.csv"), atomically: true, encoding: .utf8)
        let (outcome, out) = run("""
            .format csv
            .once out/by-project.xlsx
            print "before"
            count courses by project
            count courses
            load courses from "other.csv"
            .export sub/last.json
            .export last.md
            """)
        XCTAssertEqual(outcome.errors, 0, out.diagnostics.joined())
        XCTAssertEqual(out.results, "before\ncount\n4\n")
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("sub/last.json"), encoding: .utf8), "[{\"count\": 4}]\n")
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("last.md"), encoding: .utf8), "| count |\n| ---: |\n| 4 |\n")
        XCTAssertEqual(out.infos.filter { $0.hasPrefix("wrote") }, ["wrote 2 rows to \(folder.path)/out/by-project.xlsx",
                                                                   "wrote 1 rows to \(folder.path)/sub/last.json", "wrote 1 rows to \(folder.path)/last.md"])
        let (_, back) = run("load w from \"out/by-project.xlsx\"\n.format csv\nlist w")
        XCTAssertEqual(back.results, "project,count\nA,2\nB,2\n")
    }

    /// `.once` and `.export` take export's `sheet` and `with bom`; a file or sheet with spaces
    /// is quoted; an unquoted path with spaces is still the whole path.
    func testOnceAndExportTakeSheetAndBOM() throws {
        let (outcome, out) = run("""
            .once "月报 11.xlsx" sheet "按 项目"
            count courses by project
            .export "月报 11.xlsx" sheet 合计
            .export plain.csv with bom
            .once my report.csv
            count courses
            """)
        XCTAssertEqual(outcome.errors, 0, out.diagnostics.joined())
        XCTAssertEqual(out.infos.filter { $0.hasPrefix("wrote") }, [
            "wrote 2 rows to \(folder.path)/月报 11.xlsx, sheet 按 项目",
            "wrote 2 rows to \(folder.path)/月报 11.xlsx, sheet 合计",
            "wrote 2 rows to \(folder.path)/plain.csv",
            "wrote 1 rows to \(folder.path)/my report.csv"])
        // The byte-order mark EF BB BF, then the rows.
        let bytes = try Data(contentsOf: folder.appendingPathComponent("plain.csv"))
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
        XCTAssertEqual(String(decoding: bytes.dropFirst(3), as: UTF8.self), "project,count\nA,2\nB,2\n")
        let (_, back) = run("load w from \"月报 11.xlsx\" with sheet \"合计\"\n.format csv\nlist w")
        XCTAssertEqual(back.diagnostics, [])
        XCTAssertEqual(back.results, "project,count\nA,2\nB,2\n")
        // export's own rules: sheet for workbooks, bom for .csv.
        let (_, wrong) = run(".once x.csv sheet a")
        XCTAssertTrue(wrong.diagnostics.joined().contains("`sheet` applies to .xlsx workbooks, not to .csv files"), wrong.diagnostics.joined())
        let (_, wrongBOM) = run(".once x.xlsx with bom")
        XCTAssertTrue(wrongBOM.diagnostics.joined().contains("`with bom` applies to .csv files, not to .xlsx files"), wrongBOM.diagnostics.joined())
        let (_, badName) = run(".once x.xlsx sheet a/b")
        XCTAssertTrue(badName.diagnostics.joined().contains("error: "), badName.diagnostics.joined())
        XCTAssertEqual(Session.fileAndOptions(#"'a b.csv' with bom"#)?.path, "a b.csv")
        XCTAssertNil(Session.fileAndOptions(#""unclosed.csv"#))
    }

    func testOnceAndExportErrors() {
        let (none, noResult) = run(".export x.csv")
        XCTAssertEqual(none.errors, 1)
        XCTAssertEqual(noResult.diagnostics, ["""
            s.tally:2:1: error: there is no result to write yet
            2 | .export x.csv
              | ^^^^^^^^^^^^^
              = run a query first, or write one at once: export QUERY to "x.csv"
            """])
        let (_, unknown) = run(".once x.xls")
        XCTAssertEqual(unknown.diagnostics, ["""
            s.tally:2:1: error: cannot tell the format of "\(folder.path)/x.xls" from its extension
            2 | .once x.xls
              | ^^^^^^^^^^^
              = use .csv, .json, .md, .txt or .xlsx (.svg for a chart)
            """])
        let (_, usage) = run(".once")
        XCTAssertTrue(usage.diagnostics.joined().contains("usage: .once FILE"), usage.diagnostics.joined())
        // The file is written when the result comes; a failure there points at the .once that named it.
        let (failed, blocked) = run(".once courses.csv/out.csv\ncount courses\ncount courses")
        XCTAssertEqual(failed.completed, 2)
        XCTAssertEqual(blocked.results, "")
        XCTAssertEqual(blocked.diagnostics, ["""
            s.tally:2:1: error: cannot write \(folder.path)/courses.csv/out.csv: \(folder.path)/courses.csv is not a folder
            2 | .once courses.csv/out.csv
              | ^^^^^^^^^^^^^^^^^^^^^^^^^
            """])
    }
}
