import Foundation
import XCTest
@testable import TallyCore

/// `load "DIR"` runs the folder's startup.tally (as `tally DIR` does), in every session:
/// the prompt, scripts, -c. `with startup false` skips it.
final class StartupScriptTests: XCTestCase {
    var folder: URL!
    var exports: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-startup-\(UUID().uuidString)")
        exports = folder.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        try "course_id,project,enrolled,participated,passed\nC1,A,10,10,9\nC2,A,20,10,8\nC3,B,0,0,0\n"
            .write(to: exports.appendingPathComponent("courses.csv"), atomically: true, encoding: .utf8)
        try "measure passrate = sum(passed) / sum(participated) * 100\nload extra from \"more/extra.csv\"\n"
            .write(to: exports.appendingPathComponent("startup.tally"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: exports.appendingPathComponent("more"), withIntermediateDirectories: true)
        try "x\n1\n2\n".write(to: exports.appendingPathComponent("more/extra.csv"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func run(_ text: String) -> (Session.Outcome, CapturedOutput) {
        let out = CapturedOutput()
        let session = Session(output: out)
        session.display.format = .csv
        return (session.run(SourceFile(name: "t", text: text), baseDirectory: folder.path), out)
    }

    func testLoadingAFolderRunsItsStartupScriptWithPathsRelativeToTheFolder() {
        let (outcome, out) = run("load \"exports\"\npassrate courses by project\ncount extra")
        XCTAssertEqual(outcome.errors, 0, out.diagnostics.joined())
        // By hand: A (9 + 8) / (10 + 10) * 100 = 85; B 0 / 0 is null.
        XCTAssertEqual(out.results, "project,passrate\nA,85\nB,\ncount\n2\n")
        XCTAssertTrue(out.infos.contains("ran \(exports.path)/startup.tally (load … with startup false skips it)"), "\(out.infos)")
        XCTAssertEqual(outcome.completed, 3)
    }

    func testStartupFalseSkipsIt() {
        let (outcome, out) = run("load \"exports\" with startup false\ncount courses\npassrate courses")
        XCTAssertEqual(out.results, "count\n3\n")
        XCTAssertEqual(outcome.errors, 1)
        XCTAssertTrue(out.diagnostics.first?.contains("passrate") ?? false, out.diagnostics.joined())
        XCTAssertFalse(out.infos.contains { $0.hasPrefix("ran ") }, "\(out.infos)")
    }

    func testStartupIsAnOptionOfFolderLoadsOnly() {
        let (_, out) = run("load c from \"exports/courses.csv\" with startup false")
        XCTAssertEqual(out.diagnostics.count, 1)
        XCTAssertTrue(out.diagnostics[0].contains("`startup` applies to a folder load (its startup.tally)"), out.diagnostics[0])
        XCTAssertTrue(out.diagnostics[0].contains("t:1:"), out.diagnostics[0])
        let (_, bad) = run("load \"exports\" with startup 1")
        XCTAssertTrue(bad.diagnostics.first?.contains("`startup` is true or false") ?? false, bad.diagnostics.joined())
    }

    func testAFailingStartupScriptFailsTheLoadThatRanIt() throws {
        try "measure passrate = sum(passed) / sum(participated) * 100\ncount nothing\n"
            .write(to: exports.appendingPathComponent("startup.tally"), atomically: true, encoding: .utf8)
        let (outcome, out) = run("load \"exports\"\ncount courses")
        XCTAssertEqual(outcome.errors, 1)
        XCTAssertEqual(outcome.completed, 0)
        XCTAssertEqual(out.results, "", "the run stops at the load")
        XCTAssertEqual(out.diagnostics.count, 2, out.diagnostics.joined(separator: "\n"))
        XCTAssertTrue(out.diagnostics[0].contains("startup.tally:2:7: error: unknown table `nothing`"), out.diagnostics[0])
        XCTAssertTrue(out.diagnostics[1].contains("t:1:1: note: in the startup.tally of the folder loaded here"), out.diagnostics[1])
    }

    func testAStartupScriptThatLoadsItsOwnFolderIsAnErrorNotAnEndlessLoop() throws {
        try "load \".\"\n".write(to: exports.appendingPathComponent("startup.tally"), atomically: true, encoding: .utf8)
        let (outcome, out) = run("load \"exports\"")
        XCTAssertEqual(outcome.errors, 1)
        XCTAssertTrue(out.diagnostics.joined().contains("startup scripts nested more than 32 deep"), out.diagnostics.joined(separator: "\n"))
        try "load \".\" with startup false\n".write(to: exports.appendingPathComponent("startup.tally"), atomically: true, encoding: .utf8)
        XCTAssertEqual(run("load \"exports\"").0.errors, 0)
    }
}
