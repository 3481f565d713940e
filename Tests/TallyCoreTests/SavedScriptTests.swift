import Foundation
import XCTest
@testable import TallyCore

/// What the prompt's `.save` writes (SavedScript): the statements that succeeded, in order,
/// with paths still pointing at the same files from the saved script's folder.
final class SaveForREPLTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-save-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("exports"), withIntermediateDirectories: true)
        try "course_id,project,enrolled,participated,passed\nC1,A,10,10,9\nC2,A,20,10,8\nC3,B,0,0,0\n"
            .write(to: folder.appendingPathComponent("exports/courses.csv"), atomically: true, encoding: .utf8)
        try "measure passrate = sum(passed) / sum(participated) * 100\ncount courses\n"
            .write(to: folder.appendingPathComponent("exports/measures.tally"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `text` as the prompt does and records it.
    func run(_ session: Session, _ script: inout SavedScript, _ text: String, base: String) {
        let parsed = ParsedScript(SourceFile(name: "<prompt>", text: text))
        let outcome = session.run(parsed, baseDirectory: base)
        script.record(parsed, completed: outcome.completed, baseDirectory: base)
    }

    func testRecordsWhatSucceededWithoutTheStatementsOfIncludedScripts() {
        let out = CapturedOutput()
        let session = Session(output: out)
        var script = SavedScript()
        let base = folder.path
        run(session, &script, "load \"exports\"", base: base)
        run(session, &script, "include \"exports/measures.tally\"", base: base)
        run(session, &script, "passrate courses by project", base: base)
        run(session, &script, "count courses where enroled > 0", base: base)      // fails
        run(session, &script, "count courses; count nothing; count courses", base: base)  // stops at the error
        XCTAssertEqual(script.entries.map(\.text), [
            "load \"exports\"", "include \"exports/measures.tally\"", "passrate courses by project", "count courses",
        ])
        XCTAssertEqual(out.diagnostics.count, 2)
    }

    /// What is recorded is the statements that ran, from the parsed text, not the texts that
    /// match: an included script that ran the same statement before it failed adds nothing.
    func testAStatementThatDidNotRunIsNotRecordedAlthoughAnIncludedScriptRanTheSameText() throws {
        try "count courses\ncount nothing\n".write(to: folder.appendingPathComponent("exports/bad.tally"), atomically: true, encoding: .utf8)
        let out = CapturedOutput()
        let session = Session(output: out)
        var script = SavedScript()
        run(session, &script, "load \"exports\"", base: folder.path)
        run(session, &script, "count courses; include \"exports/bad.tally\"; count courses", base: folder.path)
        XCTAssertEqual(script.entries.map(\.text), ["load \"exports\"", "count courses"])
        XCTAssertEqual(out.diagnostics.count, 2, out.diagnostics.joined())   // the unknown table, and where it was included
    }

    func testTheSavedScriptReplaysToTheSameOutput() throws {
        let out = CapturedOutput()
        let session = Session(output: out)
        var script = SavedScript()
        run(session, &script, "load \"exports\"\ninclude \"exports/measures.tally\"", base: folder.path)
        let before = out.results.count
        run(session, &script, "passrate, count courses by project total", base: folder.path)
        run(session, &script, "count courses where\n  enrolled > 0", base: folder.path)
        let printed = String(out.results.dropFirst(before))

        let path = folder.appendingPathComponent("work/today.tally").path
        let text = script.render(savingTo: path, header: "saved")
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(text, """
            -- saved
            load "../exports"
            include "../exports/measures.tally"
            passrate, count courses by project total
            count courses where
              enrolled > 0

            """)

        let replayed = CapturedOutput()
        let replay = Session(output: replayed)
        XCTAssertEqual(replay.runFile(path).errors, 0, replayed.diagnostics.joined())
        // The include prints `count courses` once more, as it did when it ran at the prompt.
        XCTAssertTrue(replayed.results.hasSuffix(printed), "\(replayed.results)\n---\n\(printed)")
    }

    func testPathsAreRelocatedOnlyWhenTheFolderChanges() {
        XCTAssertEqual(SavedScript.relocated("load \"exports/2002\"", from: "/w", to: "/w"), "load \"exports/2002\"")
        XCTAssertEqual(SavedScript.relocated("load \"exports/2002\"", from: "/w", to: "/w/out"), "load \"../exports/2002\"")
        XCTAssertEqual(SavedScript.relocated("load t from \"a.csv\" with delimiter \"tab\"", from: "/w/in", to: "/w"),
                       "load t from \"in/a.csv\" with delimiter \"tab\"")
        XCTAssertEqual(SavedScript.relocated("export count t to \"out/x.csv\"", from: "/w", to: "/w/s"),
                       "export count t to \"../out/x.csv\"")
        XCTAssertEqual(SavedScript.relocated("load \"/data/x\"", from: "/w", to: "/v"), "load \"/data/x\"", "absolute stays")
        XCTAssertEqual(SavedScript.relocated("load \"{data}/x.csv\"", from: "/w", to: "/v"), "load \"{data}/x.csv\"",
                       "interpolated paths are left as written")
        XCTAssertEqual(SavedScript.relocated("load \"a{{b}}.csv\"", from: "/w", to: "/w/s"), "load \"../a{{b}}.csv\"")
        XCTAssertEqual(SavedScript.relocated("count t", from: "/w", to: "/v"), "count t")
    }

    func testCommandLineParametersBecomeSetLines() {
        var script = SavedScript()
        let session = Session(output: CapturedOutput())
        session.setParameter("data", "exports/2002")
        session.setParameter("target", "3")
        run(session, &script, "let x = target + 1", base: folder.path)
        let text = script.render(savingTo: folder.appendingPathComponent("s.tally").path,
                                 parameters: session.catalog.overrides.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        XCTAssertEqual(text, "set data = \"exports/2002\"\nset target = 3\nlet x = target + 1\n")
    }

    /// A `--set` path is relative to the folder tally was started in; in the saved script it is
    /// the script's text, relative to the script's folder: it is rewritten to name the same folder.
    func testACommandLinePathParameterStillNamesTheSameFolderFromTheSavedScript() throws {
        let session = Session(output: CapturedOutput())
        session.setParameter("data", "exports")
        session.setParameter("title", "exports 2002")   // not a path that exists: as it is
        let script = SavedScript()
        let path = folder.appendingPathComponent("work/today.tally").path
        let text = script.render(savingTo: path, parameters: session.catalog.overrides.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                                 startDirectory: folder.path)
        XCTAssertEqual(text, "set data = \"../exports\"\nset title = \"exports 2002\"\n")
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try (text + "load \"{data}\"\ncheck (count courses) = 3\n").write(toFile: path, atomically: true, encoding: .utf8)
        let replayed = CapturedOutput()
        XCTAssertEqual(Session(output: replayed).runFile(path).errors, 0, replayed.diagnostics.joined())
    }

    /// `--set` values are written as literals that read back as the same values: braces in text
    /// doubled (they would interpolate), small decimals without an exponent, names quoted.
    func testParametersAreWrittenAsLiteralsThatReadBack() throws {
        let session = Session(output: CapturedOutput())
        let given = [("title", "{x} 报告"), ("rate", "0.00001"), ("big", "12345678901234567.5"), ("where", "x"), ("两 字", "-3")]
        for (name, text) in given { session.setParameter(name, text) }
        let parameters = session.catalog.overrides.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let text = SavedScript().render(savingTo: folder.appendingPathComponent("s.tally").path, parameters: parameters)
        XCTAssertEqual(text, """
            set big = 12345678901234568.0
            set rate = 0.00001
            set title = "{{x}} 报告"
            set `where` = "x"
            set `两 字` = -3

            """)
        let replay = Session(output: CapturedOutput())
        XCTAssertEqual(replay.run(SourceFile(name: "s.tally", text: text)).errors, 0, (replay.output as! CapturedOutput).diagnostics.joined())
        XCTAssertEqual(replay.catalog.variables["title"], .string("{x} 报告"))
        XCTAssertEqual(replay.catalog.variables["rate"], .decimal(0.00001))
        XCTAssertEqual(replay.catalog.variables["big"], .decimal(12345678901234567.5))
        XCTAssertEqual(replay.catalog.variables["两 字"], .integer(-3))
    }
}
