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
