import Foundation
import XCTest

/// The `tally` binary on small hand-made exports: output, stderr and exit codes.
final class EndToEndTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try TallyProcess.courses.write(to: folder.appendingPathComponent("courses.csv"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testCommandRunsStatementsAndExitsZero() throws {
        let r = try TallyProcess.run([folder.path, "-c", "count courses where enrolled > 0", "--format", "csv"])
        XCTAssertEqual(r.stdout, "count\n3\n")
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("loaded courses: 4 rows × 6 columns"), r.stderr)
    }

    /// `.once` and `.export` in piped statements: the next result to a workbook, the last one
    /// to a CSV file; Tally reads the workbook back.
    func testOnceAndExportWriteFiles() throws {
        let r = try TallyProcess.run([folder.path, "--format", "csv"], stdin: ".once by-project.xlsx\ncount courses by project\ncount courses\n.export total.csv\n",
                                     directory: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "count\n4\n")
        XCTAssertTrue(r.stderr.contains("wrote 2 rows to by-project.xlsx\nwrote 1 rows to total.csv\n"), r.stderr)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("total.csv"), encoding: .utf8), "count\n4\n")
        let back = try TallyProcess.run(["-c", "load t from \"by-project.xlsx\"; list t", "--format", "csv"], directory: folder)
        XCTAssertEqual(back.stdout, "project,count\n市常规远程培训,3\n提升工程2.0,1\n", back.stderr)
    }

    /// A folder given on the command line is loaded by its name as it is: braces are not an
    /// interpolation, a quote does not end the string.
    func testFoldersWithBracesOrQuotesInTheirNameLoad() throws {
        for name in ["x{y}", "say \"hi\"", "a{{b}}"] {
            let dir = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try TallyProcess.courses.write(to: dir.appendingPathComponent("courses.csv"), atomically: true, encoding: .utf8)
            let piped = try TallyProcess.run([name, "--format", "csv"], stdin: "count courses\n", directory: folder)
            XCTAssertEqual(piped.stderr.components(separatedBy: "error").count, 1, piped.stderr)
            XCTAssertEqual(piped.stdout, "count\n4\n", name)
            XCTAssertEqual(piped.status, 0)
            let command = try TallyProcess.run([name, "-c", "count courses where enrolled > 0", "--format", "csv"], directory: folder)
            XCTAssertEqual(command.stdout, "count\n3\n", command.stderr)
        }
    }

    /// Batch mode stops at the first error, a folder's startup.tally included: the command
    /// or piped statements after it would run without what the script defines.
    func testAFailingStartupScriptStopsTheBatchRunBeforeTheCommand() throws {
        try "measure passrate = sum(passed) / sum(participated) * 100\ncount nothing\n"
            .write(to: folder.appendingPathComponent("startup.tally"), atomically: true, encoding: .utf8)
        for stdin in [nil, "print \"after\"\n"] {
            let r = try TallyProcess.run([folder.path] + (stdin == nil ? ["-c", "print \"after\""] : []), stdin: stdin)
            XCTAssertEqual(r.stdout, "")
            XCTAssertEqual(r.status, 1)
            XCTAssertTrue(r.stderr.contains("startup.tally:2:7: error: unknown table `nothing`"), r.stderr)
        }
        try "measure passrate = sum(passed) / sum(participated) * 100\n"
            .write(to: folder.appendingPathComponent("startup.tally"), atomically: true, encoding: .utf8)
        let r = try TallyProcess.run([folder.path, "-c", "passrate courses where enrolled > 0", "--format", "csv"])
        XCTAssertEqual(r.stdout, "passrate\n75\n", r.stderr)   // (9 + 8 + 1) / (10 + 10 + 4) * 100
    }

    /// `load "DIR"` in -c or a pipe runs the folder's startup.tally, as `tally DIR` does: the
    /// README's `passrate` question works either way.
    func testLoadingAFolderInACommandRunsItsStartupScript() throws {
        try "measure passrate = sum(passed) / sum(participated) * 100\n"
            .write(to: folder.appendingPathComponent("startup.tally"), atomically: true, encoding: .utf8)
        let question = "passrate courses where enrolled > 0"
        let command = try TallyProcess.run(["-c", "load \"\(folder.path)\"; \(question)", "--format", "csv"])
        XCTAssertEqual(command.stdout, "passrate\n75\n", command.stderr)   // (9 + 8 + 1) / (10 + 10 + 4) * 100
        XCTAssertTrue(command.stderr.contains("ran \(folder.path)/startup.tally"), command.stderr)
        let piped = try TallyProcess.run(["--format", "csv"], stdin: "load \"\(folder.lastPathComponent)\"\n\(question)\n",
                                         directory: folder.deletingLastPathComponent())
        XCTAssertEqual(piped.stdout, "passrate\n75\n", piped.stderr)
        let skipped = try TallyProcess.run(["-c", "load \"\(folder.path)\" with startup false; \(question)"])
        XCTAssertEqual(skipped.status, 1)
        XCTAssertTrue(skipped.stderr.contains("passrate"), skipped.stderr)
    }

    /// The README's batch example: a `--set` value is command-line text, so a path built from
    /// it is relative to the folder tally was started in; a path written in the script is
    /// relative to the script's folder. A missing path is named in full.
    func testAPathFromSetIsRelativeToTheStartingFolderAndOneInAScriptToTheScriptsFolder() throws {
        let exports = folder.appendingPathComponent("exports/2002"), examples = folder.appendingPathComponent("Examples")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: examples, withIntermediateDirectories: true)
        try TallyProcess.courses.write(to: exports.appendingPathComponent("courses.csv"), atomically: true, encoding: .utf8)
        try TallyProcess.courses.write(to: examples.appendingPathComponent("local.csv"), atomically: true, encoding: .utf8)
        try "set data = \"exports/2002\"\nload \"{data}\"\nload \"local.csv\"\ncount courses; count local\n"
            .write(to: examples.appendingPathComponent("report.tally"), atomically: true, encoding: .utf8)
        let r = try TallyProcess.run(["run", "Examples/report.tally", "--set", "data=exports/2002", "--format", "csv"], directory: folder)
        XCTAssertEqual(r.stdout, "count\n4\ncount\n4\n", r.stderr)
        XCTAssertEqual(r.status, 0)
        let included = try TallyProcess.run(["run", "Examples/report.tally", "--set", "data=exports/2002/courses.csv"], directory: folder)
        XCTAssertEqual(included.status, 0, "a file named from the command line: \(included.stderr)")
        // Without --set the script's own `set` is the script's text: relative to Examples/.
        let missing = try TallyProcess.run(["run", "Examples/report.tally"], directory: folder)
        XCTAssertEqual(missing.status, 1)
        let tried = folder.appendingPathComponent("Examples/exports/2002").path
        XCTAssertTrue(missing.stderr.contains("no such file or folder: Examples/exports/2002 (\(tried))"), missing.stderr)
    }

    func testDotCommandsWorkInPipesAndCommands() throws {
        let piped = try TallyProcess.run([folder.path], stdin: ".format csv\ncount courses\n")
        XCTAssertEqual(piped.stdout, "count\n4\n", piped.stderr)
        XCTAssertEqual(piped.status, 0)
        let tables = try TallyProcess.run([folder.path, "-c", ".format csv; .tables"])
        XCTAssertEqual(tables.stdout, "table,rows,columns,file\ncourses,4,6,\(folder.path)/courses.csv\n", tables.stderr)
        let rows = try TallyProcess.run([folder.path, "-c", ".rows 2; list course_id courses"])
        XCTAssertEqual(rows.stdout, "course_id\n─────────\nC1\nC2\n… 2 more rows (.rows all shows them)\n", rows.stderr)
        let save = try TallyProcess.run([folder.path, "-c", ".save today.tally"])
        XCTAssertEqual(save.status, 1)
        XCTAssertTrue(save.stderr.contains("<command>:1:1: error: `.save` works at the prompt only"), save.stderr)
    }

    /// Table output: one blank line between consecutive results, nothing after the last; an
    /// empty result says `0 rows` (CSV: the header alone).
    func testResultsAreSetApartByOneBlankLine() throws {
        let r = try TallyProcess.run([folder.path, "-c", "print \"# 标题\"; count courses by project\n.rows\ncount courses where enrolled > 100 by project; print \"完\""])
        XCTAssertEqual(r.stdout, """
            标题
            ════

            project         count
            ──────────────  ─────
            市常规远程培训      3
            提升工程2.0         1

            rows: all

            project  count
            ───────  ─────
            0 rows

            完

            """, r.stderr)
        let csv = try TallyProcess.run([folder.path, "--format", "csv", "-c", "count courses where enrolled > 100 by project"])
        XCTAssertEqual(csv.stdout, "project,count\n")
    }

    /// `--format json` of a script with a print and several queries is JSON Lines: each line one
    /// document, as Python's json module reads it. Figures by hand from TallyProcess.courses:
    /// three courses in 市常规远程培训, one in 提升工程2.0; (9 + 8 + 0 + 1) / (10 + 10 + 0 + 4) = 75%.
    func testJSONOfSeveralResultsIsOneDocumentPerLine() throws {
        let script = folder.appendingPathComponent("report.tally")
        try """
            load "{data}"
            print "说明 {1/3}"
            count courses by project
            count courses where enrolled > 100 by project
            sum(passed) / sum(participated) * 100 as rate courses

            """.write(to: script, atomically: true, encoding: .utf8)
        let r = try TallyProcess.run(["run", script.path, "--set", "data=\(folder.path)", "--format", "json"], directory: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", """
            import json, sys
            lines = sys.stdin.read().split("\\n")
            assert lines[-1] == "", "the output ends with a line break"
            print(json.dumps([json.loads(line) for line in lines[:-1]], ensure_ascii=False, sort_keys=True))
            """]
        let input = Pipe(), output = Pipe()
        python.standardInput = input
        python.standardOutput = output
        try python.run()
        input.fileHandleForWriting.write(Data(r.stdout.utf8))
        try input.fileHandleForWriting.close()
        let parsed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        XCTAssertEqual(python.terminationStatus, 0, "python3 could not read the output as JSON Lines:\n\(r.stdout)")
        XCTAssertEqual(parsed, #"["说明 0.33", [{"count": 3, "project": "市常规远程培训"}, {"count": 1, "project": "提升工程2.0"}], [], [{"rate": 75}]]"# + "\n")
    }

    /// `--set dta=…` for a script whose parameter is `data`: the script's default would be used
    /// without a word; a warning names the parameters, the closest first.
    func testASetNameTheScriptNeverMentionsIsAWarning() throws {
        let script = folder.appendingPathComponent("r.tally")
        try """
            -- count the courses of a folder
            set data = "."
            set period = "2002"
            load c from "{data}/courses.csv"
            print "{period}: {count c}"

            """.write(to: script, atomically: true, encoding: .utf8)
        let typo = try TallyProcess.run(["run", script.path, "--set", "dta=elsewhere", "--set", "period=2003"])
        XCTAssertEqual(typo.status, 0, typo.stderr)
        XCTAssertEqual(typo.stdout, "2003: 4\n")
        XCTAssertTrue(typo.stderr.contains("""
            warning: --set dta: \(script.path) never mentions `dta`, so it has no effect
              = did you mean --set data=…?
              = its parameters: data, period
            """), typo.stderr)
        XCTAssertFalse(typo.stderr.contains("--set period"), typo.stderr)
        let right = try TallyProcess.run(["run", script.path, "--set", "data=\(folder.path)"])
        XCTAssertEqual(right.status, 0, right.stderr)
        XCTAssertFalse(right.stderr.contains("warning"), right.stderr)
    }

    func testUsageErrorsExit64() throws {
        let r = try TallyProcess.run(["-c", "print 1", "--set", "nonsense"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("--set needs name=value"), r.stderr)
        XCTAssertEqual(r.stdout, "")
    }

    func testAFailedCheckExitsThreeAfterRunningTheRest() throws {
        let r = try TallyProcess.run(["-c", "check 1 = 2\nprint \"after\""])
        XCTAssertEqual(r.status, 3)
        XCTAssertEqual(r.stdout, "after\n")
    }

    func testUnknownTableIsLocatedAndExitsOne() throws {
        let r = try TallyProcess.run([folder.path, "-c", "count coures"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("""
            <command>:1:7: error: unknown table `coures`
            1 | count coures
              |       ^^^^^^
              = did you mean `courses`?
            """), r.stderr)
    }
}
