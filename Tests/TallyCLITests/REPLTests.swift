import Foundation
import TallyCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The real `tally` binary at its prompt, driven through a pseudo-terminal: history across
/// sessions, completion, continuation lines, errors, Ctrl-C, Ctrl-D, `.save`, and piped input.
final class REPLTests: XCTestCase {
    var folder: URL!
    var home: URL!
    var exports: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-repl-\(UUID().uuidString)")
        home = folder.appendingPathComponent("home")
        exports = folder.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        try TallyProcess.courses.write(to: exports.appendingPathComponent("courses.csv"), atomically: true, encoding: .utf8)
        try """
        teacher_id,name,district,in_service,学段
        T1,张三,越秀区,是,小学
        T2,李四,天河区,否,初中
        T3,王五,越秀区,是,小学

        """.write(to: exports.appendingPathComponent("teachers.csv"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts `tally ARGS` on a pty and waits for the first prompt, ready for typing.
    func start(_ arguments: [String]? = nil, columns: Int = 100, environment: [String: String] = [:],
               timeout: TimeInterval = 30) throws -> PseudoTerminal {
        let env = PseudoTerminal.isolatedEnvironment(home: home, adding: ["NO_COLOR": "1"].merging(environment) { $1 })
        let term = try PseudoTerminal(executable: TallyProcess.executable, arguments: arguments ?? [exports.path],
                                      environment: env, columns: columns)
        try term.expect("Type .help for help, .quit to leave.", timeout: timeout)
        try term.expect("tally> ")
        try term.waitForRawMode()
        return term
    }

    /// Types a statement and returns what it printed up to the next prompt (the echoed
    /// line itself excluded).
    @discardableResult
    func run(_ term: PseudoTerminal, _ line: String, timeout: TimeInterval = 20) throws -> String {
        term.send(line + "\r")
        try term.expect("\n")                          // the end of the echoed line (a long one wraps without "\n")
        let out = try term.expect("tally> ", timeout: timeout)
        try term.waitForRawMode()
        return String(out.dropLast("tally> ".count))
    }

    /// Ctrl-D once the line editor is reading (typed earlier, canonical mode would eat it),
    /// then the exit status.
    func ctrlD(_ term: PseudoTerminal) throws -> Int32 {
        try term.waitForRawMode()
        term.send("\u{04}")
        return try term.waitForExit()
    }

    // MARK: First contact

    func testBannerNamesTheTablesAndHelpAnswersTheFirstQuestion() throws {
        let term = try start()
        XCTAssertTrue(term.transcriptText.contains("Tally 0.1.0 — 2 tables loaded (courses, teachers). Type .help for help, .quit to leave."),
                      term.transcriptText)
        let help = try run(term, ".help")
        XCTAssertTrue(help.contains("how many teachers participated, per district?"), help)
        XCTAssertTrue(help.contains("count distinct teacher_id enrollments where participated by teachers.district"), help)
        XCTAssertTrue(help.contains(".schema TABLE"), help)
        let bucket = try run(term, ".help bucket")
        XCTAssertTrue(bucket.contains("bucket 90,80,70,60"), bucket)
        // The help's own bucket example runs on these courses.
        try run(term, "measure passrate = sum(passed) / sum(participated) * 100")
        let banded = try run(term, "passrate courses where project = \"市常规远程培训\" and enrolled > 0 bucket 90,80,70,60")
        XCTAssertTrue(banded.contains("≥90"), banded)
        XCTAssertTrue(banded.contains("<60"), banded)
        XCTAssertEqual(try ctrlD(term), 0)
    }

    /// At the prompt, help is wrapped to the window: only example code (to copy whole) may be wider.
    func testHelpIsWrappedToTheWindow() throws {
        let term = try start(columns: 60)
        let code = Set(Help.allExamples.flatMap { $0.code.split(separator: "\n").map { "  " + $0 } })
        for topic in ["", " load", " pct", " rank"] {
            let page = try run(term, ".help" + topic)
            XCTAssertGreaterThan(page.split(separator: "\n").count, 10, page)
            for line in page.replacingOccurrences(of: "\r", with: "").split(separator: "\n").map(String.init) where !code.contains(line) {
                XCTAssertLessThanOrEqual(DisplayWidth.of(line), 60, ".help\(topic): \(line)")
            }
        }
        XCTAssertTrue(try run(term, ".help rank").contains("rank       adds a first column numbering the rows"))
        XCTAssertEqual(try ctrlD(term), 0)
    }

    func testListingCommands() throws {
        let term = try start()
        let tables = try run(term, ".tables")
        XCTAssertTrue(tables.contains("courses"), tables)
        XCTAssertTrue(tables.range(of: #"teachers\s+3\s+5"#, options: .regularExpression) != nil, tables)
        let schema = try run(term, ".schema courses")
        XCTAssertTrue(schema.range(of: #"enrolled\s+integer\s+0"#, options: .regularExpression) != nil, schema)
        let none = try run(term, ".measures")
        XCTAssertTrue(none.contains("no measures yet"), none)
        try run(term, "measure rate = sum(passed) / sum(participated) * 100")
        let measures = try run(term, ".measures")
        XCTAssertTrue(measures.contains("rate") && measures.contains("sum(passed) / sum(participated) * 100"), measures)
        let unknown = try run(term, ".tabels")
        XCTAssertTrue(unknown.contains("unknown command `.tabels`") && unknown.contains("did you mean `.tables`?"), unknown)
        try run(term, ".format csv")
        XCTAssertEqual(try run(term, "count courses"), "count\n4\n")
        try run(term, ".format table")
        try run(term, ".timer on")
        let timed = try run(term, "count courses by project")
        XCTAssertTrue(timed.range(of: #"time: \d+\.\d{3} s, 2 rows"#, options: .regularExpression) != nil, timed)
        term.send(".quit\r")
        XCTAssertEqual(try term.waitForExit(), 0)
    }

    // MARK: History

    func testUpArrowRecallsAStatementFromAPreviousSession() throws {
        let first = try start()
        XCTAssertTrue(try run(first, "count courses where enrolled > 0").contains("    3"))
        XCTAssertEqual(try ctrlD(first), 0)

        let file = home.appendingPathComponent("state/tally/history")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)

        let second = try start()
        second.send("\u{1b}[A")
        try second.expect("count courses where enrolled > 0")
        second.send("\r")
        let out = try second.expect("tally> ")
        XCTAssertTrue(out.contains("count\n─────\n    3\n"), out)
        XCTAssertEqual(try ctrlD(second), 0)
    }

    // MARK: Completion

    func testTabCompletesAPartialColumnNameAfterWhere() throws {
        let term = try start()
        term.send("count courses where enr\t")
        try term.expect("olled")                     // the rest of `enrolled` inserted
        let out = try run(term, "> 0")
        XCTAssertTrue(out.contains("count\n─────\n    3\n"), out)
        // Several candidates: listed in columns, the line kept.
        term.send("count teachers where \t")
        try term.expect("teacher_id")
        try term.expect("in_service")
        term.send("in_\t")
        try term.expect("service")
        XCTAssertTrue(try run(term, "").contains("    2"))
        // Chinese names complete like any other.
        term.send("count teachers by 学\t")
        try term.expect("段")
        let stages = try run(term, "")
        XCTAssertTrue(stages.contains("小学") && stages.contains("初中"), stages)
        XCTAssertEqual(try ctrlD(term), 0)
    }

    // MARK: Multi-line input

    func testATwoLineStatementRunsAndIsOneHistoryEntry() throws {
        let term = try start()
        try run(term, "count courses")
        term.send("count courses where\r")
        try term.expect("   ...> ")
        try term.waitForRawMode()
        term.send("enrolled > 0 and passed > 5\r")
        let out = try term.expect("tally> ")
        XCTAssertTrue(out.contains("count\n─────\n    2\n"), out)
        // Up recalls the two lines as one entry.
        try term.waitForRawMode()
        term.send("\u{1b}[A")
        try term.expect("enrolled > 0 and passed > 5")
        term.send("\r")
        XCTAssertTrue(try term.expect("tally> ").contains("    2\n"))
        // An empty continuation line submits, so the error shows.
        try term.waitForRawMode()
        term.send("count courses where\r")
        try term.expect("   ...> ")
        try term.waitForRawMode()
        term.send("\r")
        let error = try term.expect("tally> ")
        XCTAssertTrue(error.contains("error:"), error)
        XCTAssertEqual(try ctrlD(term), 0)
        let history = try String(contentsOf: home.appendingPathComponent("state/tally/history"), encoding: .utf8)
        XCTAssertTrue(history.hasPrefix("_HiStOrY_V2_"), history)
        XCTAssertEqual(history.components(separatedBy: "\n").filter { $0.hasPrefix("count\\040courses\\040where") }.count, 2,
                       "the two-line statement is one entry (consecutive repeats dropped): \(history)")
    }

    // MARK: Pasting

    /// The two-line Table 1 statement of Examples/period-report.tally, pasted with the
    /// terminal's bracketed-paste markers, is one statement (its second line starts with
    /// `bucket`), one result, and one history entry.
    func testAPastedMultiLineStatementRunsOnceByTheScriptRules() throws {
        let term = try start()
        XCTAssertTrue(String(decoding: term.rawTranscript, as: UTF8.self).contains("\u{1B}[?2004h"),
                      "bracketed paste is turned on")
        try run(term, "measure passrate = sum(passed) / sum(participated) * 100")
        let block = """
            passrate as 通过率 courses where project = "市常规远程培训" and enrolled > 0
                bucket 90, 80, 70, 60 as 课程数 pct as 占比 total "合计"

            """.replacingOccurrences(of: "\n", with: "\r")   // terminals paste line breaks as CR
        term.send("\u{1B}[200~" + block + "\u{1B}[201~")
        let out = try term.expect("tally> ")
        // C1 passes 9 of 10 (90), C2 8 of 10 (80), C4 1 of 4 (25); C3 is another project.
        XCTAssertTrue(out.contains("bucket 90, 80, 70, 60 as 课程数"), "the pasted lines are shown: \(out)")
        XCTAssertFalse(out.contains("error"), out)
        XCTAssertFalse(out.contains("200~") || out.contains("201~"), "no marker echoed: \(out)")
        let rows = out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(rows.filter { $0.first == "通过率" }.count, 1, "exactly one result: \(out)")
        XCTAssertTrue(rows.contains(["≥90", "1", "33.33"]), out)
        XCTAssertTrue(rows.contains(["80–90", "1", "33.33"]), out)
        XCTAssertTrue(rows.contains(["70–80", "0", "0.00"]), out)
        XCTAssertTrue(rows.contains(["<60", "1", "33.33"]), out)
        XCTAssertTrue(rows.contains(["合计", "3", "100.00"]), out)
        // Several statements and a dot-command in one paste: each runs once, in order.
        try term.waitForRawMode()
        term.send("\u{1B}[200~count courses\r.format csv\rcount teachers\r  where in_service\r\u{1B}[201~")
        let more = try term.expect("tally> ")
        XCTAssertTrue(more.contains("    4\n"), more)
        XCTAssertTrue(more.contains("count\n2\n"), more)
        try term.waitForRawMode()
        // A paste without a line break is put on the line, to be edited and run with Enter.
        term.send("\u{1B}[200~count teachers\u{1B}[201~")
        try term.expect("count teachers")
        XCTAssertEqual(try run(term, " where not in_service"), "count\n1\n")
        XCTAssertEqual(try ctrlD(term), 0)
        XCTAssertTrue(String(decoding: term.rawTranscript, as: UTF8.self).hasSuffix("\u{1B}[?2004l"),
                      "bracketed paste is turned off at exit: \(String(decoding: term.rawTranscript.suffix(40), as: UTF8.self).debugDescription)")
        let history = try String(contentsOf: home.appendingPathComponent("state/tally/history"), encoding: .utf8)
            .components(separatedBy: "\n")
        XCTAssertTrue(history.contains { $0.hasPrefix("passrate\\040as") && $0.contains("bucket\\04090,") }, "\(history)")
        XCTAssertTrue(history.contains("count\\040teachers\\012\\040\\040where\\040in_service"), "\(history)")
        XCTAssertTrue(history.contains(".format\\040csv"), "\(history)")
    }

    /// Ctrl-Z turns bracketed paste off before the process stops (the shell then gets plain
    /// pastes) and on again when it continues. (The test's tally leads its own session, so its
    /// stop is skipped by the kernel — an orphaned process group — and it continues at once.)
    func testSuspendTurnsBracketedPasteOffAndResumeOn() throws {
        let term = try start()
        let before = term.rawTranscript.count
        term.send("\u{1a}")
        let deadline = Date().addingTimeInterval(10)
        var after = ""
        while Date() < deadline {
            _ = term.pendingOutput()
            after = String(decoding: term.rawTranscript.dropFirst(before), as: UTF8.self)
            if after.contains("\u{1B}[?2004l\u{1B}[?2004h") { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(after.contains("\u{1B}[?2004l\u{1B}[?2004h"), after.debugDescription)
        term.signal(SIGCONT)                       // libedit goes back to raw mode and redraws the line
        try term.expect("tally> ")
        try term.waitForRawMode()
        let out = try run(term, "count courses")
        XCTAssertTrue(out.contains("    4\n"), out)
        XCTAssertEqual(try ctrlD(term), 0)
    }

    /// Bare help, quit and exit do what they say; a dot-command at `...>` drops the unfinished
    /// statement (saying so) and runs, unless the statement left a string open.
    func testBareWordsAndADotCommandAtTheContinuationPrompt() throws {
        let term = try start()
        let help = try run(term, "help")
        XCTAssertTrue(help.contains("how many teachers participated, per district?"), help)
        XCTAssertTrue(try run(term, "help bucket").contains("bucket 90,80,70,60"))
        term.send("count courses where\r")
        try term.expect("   ...> ")
        try term.waitForRawMode()
        let tables = try run(term, ".tables")
        XCTAssertTrue(tables.contains("dropped the unfinished statement (count courses where)"), tables)
        XCTAssertTrue(tables.contains("courses") && tables.contains("teachers"), tables)
        XCTAssertFalse(tables.contains("error"), tables)
        // Inside an open string a line starting with a dot is text.
        term.send("print \"a\r")
        try term.expect("   ...> ")
        try term.waitForRawMode()
        let printed = try run(term, ".b\"")
        XCTAssertTrue(printed.contains("a\r\n.b") || printed.contains("a\n.b"), printed)
        term.send("quit\r")
        XCTAssertEqual(try term.waitForExit(), 0)
    }

    func testExitLeaves() throws {
        let term = try start()
        term.send("exit\r")
        XCTAssertEqual(try term.waitForExit(), 0)
    }

    // MARK: Errors

    func testAnErrorShowsItsCaretAndTheNextStatementRunsOnTheSameData() throws {
        let term = try start()
        let error = try run(term, "count courses where enroled > 0")
        XCTAssertTrue(error.contains("""
            <prompt>:1:21: error: unknown column `enroled` in table courses
            1 | count courses where enroled > 0
              |                     ^^^^^^^
              = did you mean `enrolled`?
            """), error)
        XCTAssertTrue(try run(term, "count courses").contains("    4\n"))
        XCTAssertEqual(try ctrlD(term), 0, "errors at the prompt do not change Ctrl-D's status")
    }

    // MARK: Ctrl-C and Ctrl-D

    func testCtrlCAtThePromptClearsTheLine() throws {
        let term = try start()
        term.send("count cour")
        try term.expect("count cour")
        try term.waitForRawMode()
        term.send("\u{03}")
        try term.expect("^C")
        try term.expect("tally> ")
        try term.waitForRawMode()
        XCTAssertTrue(try run(term, "count courses").contains("    4\n"))
        // At a continuation prompt it drops the whole unfinished statement.
        term.send("count courses where\r")
        try term.expect("   ...> ")
        try term.waitForRawMode()
        term.send("\u{03}")
        try term.expect("tally> ")
        try term.waitForRawMode()
        XCTAssertTrue(try run(term, "count teachers").contains("    3\n"))
        XCTAssertEqual(try ctrlD(term), 0)
    }

    func testCtrlCCancelsALongRunningQueryAndKeepsTheTables() throws {
        // A query of a few hundred operations over 200,000 rows: seconds in a debug build.
        var csv = "id,g,x\n"
        for i in 0..<200_000 { csv += "\(i),\(i % 100),\(i % 7)\n" }
        try csv.write(to: exports.appendingPathComponent("big.csv"), atomically: true, encoding: .utf8)
        let term = try start(timeout: 60)
        let terms = Array(repeating: "x", count: 400).joined(separator: " + ")
        let query = "count big where \(terms) > 0 by g"
        term.send(query + "\r")
        try term.expect("\n")
        Thread.sleep(forTimeInterval: 0.5)
        if term.pendingOutput().contains("tally> ") {
            throw XCTSkip("the query finished within 0.5 s (a release build?): nothing left to cancel")
        }
        let pressed = Date()
        term.send("\u{03}")
        try term.expect("cancelled", timeout: 10)
        let latency = Date().timeIntervalSince(pressed)
        try term.expect("tally> ")
        XCTAssertLessThan(latency, 2, "cancelled within \(latency) s")
        try term.waitForRawMode()
        // Everything loaded before is still there.
        XCTAssertTrue(try run(term, "count big").contains("200000"))
        XCTAssertTrue(try run(term, "count courses").contains("    4\n"))
        XCTAssertEqual(try ctrlD(term), 0)
    }

    func testCtrlDOnAnEmptyLineExitsZero() throws {
        let term = try start()
        XCTAssertEqual(try ctrlD(term), 0)
    }

    func testRunAScriptFileAndSaveIt() throws {
        let script = folder.appendingPathComponent("scripts/rates.tally")
        try FileManager.default.createDirectory(at: script.deletingLastPathComponent(), withIntermediateDirectories: true)
        try """
            load t from "../exports/courses.csv"
            measure rate = sum(passed) / sum(participated) * 100
            rate t by project

            """.write(to: script, atomically: true, encoding: .utf8)
        let term = try start([])
        XCTAssertTrue(term.transcriptText.contains("Tally 0.1.0 — no tables loaded yet"), term.transcriptText)
        let out = try run(term, ".run \(script.path)")
        XCTAssertTrue(out.contains("市常规远程培训") && out.contains("75.00"), out)
        XCTAssertTrue(try run(term, ".run /nonexistent.tally").contains("cannot read /nonexistent.tally"))
        let saved = folder.appendingPathComponent("today.tally")
        try run(term, ".save \(saved.path)")
        XCTAssertEqual(try ctrlD(term), 0)
        XCTAssertEqual(try String(contentsOf: saved, encoding: .utf8), """
            -- saved at the tally prompt; replay with: tally run \(saved.path)
            load t from "exports/courses.csv"
            measure rate = sum(passed) / sum(participated) * 100
            rate t by project

            """)
        let replay = try TallyProcess.run(["run", saved.path])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertTrue(replay.stdout.contains("75.00"), replay.stdout)
    }

    // MARK: Results that fit the screen

    func testNarrowTerminalsGetVerticalResultsAndARowLimit() throws {
        let term = try start(columns: 40)
        let wide = try run(term, "count, sum(enrolled), sum(participated), sum(passed), min(title) courses by project")
        XCTAssertTrue(wide.contains("─[ row 1 ]"), wide)
        XCTAssertTrue(wide.contains("project              │ 市常规远程培训") || wide.contains("│ 市常规远程培训"), wide)
        for line in wide.split(separator: "\n") {
            XCTAssertLessThanOrEqual(DisplayWidth.of(String(line)), 40, String(line))
        }
        try run(term, ".rows 2")
        let cut = try run(term, "count teachers by name")
        XCTAssertTrue(cut.contains("… 1 more row (.rows all shows them)"), cut)
        try run(term, ".rows all")
        XCTAssertFalse(try run(term, "count teachers by name").contains("more row"))
        XCTAssertEqual(try ctrlD(term), 0)
    }

    // MARK: Saving work

    func testASavedSessionReplaysToTheSameOutput() throws {
        let term = try start()
        var printed: [String] = []   // each line typed at the prompt shows one result here
        try run(term, "measure rate = sum(passed) / sum(participated) * 100")
        printed.append(try run(term, "rate, count courses where enrolled > 0 by project total"))
        _ = try run(term, "count courses where enroled > 0")          // fails: not saved
        printed.append(try run(term, "count teachers where in_service by district"))
        try run(term, ".format csv")                                   // meta commands are not saved
        try run(term, ".format table")
        let saved = folder.appendingPathComponent("work/today.tally")
        XCTAssertTrue(try run(term, ".save \(saved.path)").contains("there is no folder \(folder.path)/work"))
        try FileManager.default.createDirectory(at: saved.deletingLastPathComponent(), withIntermediateDirectories: true)
        let message = try run(term, ".save \(saved.path)")
        XCTAssertTrue(message.contains("saved 4 statements to"), message)
        // An existing file is kept unless .save! says to replace it.
        printed.append(try run(term, "count teachers"))
        let refused = try run(term, ".save \(saved.path)")
        XCTAssertTrue(refused.contains("exists already; it is left as it is") && refused.contains(".save! \(saved.path) replaces it"), refused)
        XCTAssertFalse(try String(contentsOf: saved, encoding: .utf8).contains("count teachers\n"))
        XCTAssertTrue(try run(term, ".save! \(saved.path)").contains("saved 5 statements to"))
        XCTAssertTrue(try String(contentsOf: saved, encoding: .utf8).contains("count teachers\n"))
        XCTAssertEqual(try ctrlD(term), 0)

        let script = try String(contentsOf: saved, encoding: .utf8)
        XCTAssertTrue(script.contains("load \"\(exports.path)\"\n"), script)
        XCTAssertFalse(script.contains("enroled"), script)
        XCTAssertFalse(script.contains(".format"), script)

        let replay = try TallyProcess.run(["run", saved.path])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertEqual(replay.stdout, printed.joined(separator: "\n"), "the same results, set apart by a blank line in one run")
    }

    // MARK: Piped input

    func testPipedInputPrintsNoPromptAndEqualsDashC() throws {
        let statements = """
            count courses where enrolled > 0
            count courses
                where project = "市常规远程培训"
                by title
            count teachers by district
            """
        let piped = try TallyProcess.run([exports.path], stdin: statements + "\n")
        let command = try TallyProcess.run([exports.path, "-c", statements])
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(piped.stdout, command.stdout)
        XCTAssertEqual(piped.status, command.status)
        XCTAssertFalse(piped.stdout.contains("tally>") || piped.stderr.contains("tally>"))
        XCTAssertFalse(piped.stdout.contains("Type .help"), "no banner in batch mode")
        XCTAssertTrue(piped.stdout.contains("越秀区"), piped.stdout)
        // And an error in a pipe exits 1, as with -c.
        let failing = try TallyProcess.run([exports.path], stdin: "count coures\n")
        XCTAssertEqual(failing.status, 1)
        XCTAssertTrue(failing.stderr.contains("did you mean `courses`?"), failing.stderr)
    }
}
