import Foundation
import XCTest

/// The README's own command lines, run as a reader would run them: from a folder laid out as the
/// README assumes (Examples/ beside exports/2002, the sample exports), with `tally` on the PATH.
final class ReadmeTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("exports"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TallyProcess.repository.appendingPathComponent("Examples"),
                                         to: folder.appendingPathComponent("Examples"))
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("exports/2002"),
                                                   withDestinationURL: TallyProcess.sample)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// The lines of the indented block that follows the line containing `after` in `section`.
    static func block(in section: String, after: String? = nil) throws -> [String] {
        let readme = try String(contentsOf: TallyProcess.repository.appendingPathComponent("README.md"), encoding: .utf8)
        var lines = readme.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "## " + section) else { throw XCTSkip("README has no section \(section)") }
        lines = Array(lines[(start + 1)...])
        if let after, let i = lines.firstIndex(where: { $0.contains(after) }) { lines = Array(lines[(i + 1)...]) }
        let first = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("    ") })
        return lines[first...].prefix { $0.hasPrefix("    ") || $0.isEmpty }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Runs a shell command line in the laid-out folder.
    func shell(_ line: String) throws -> TallyProcess.Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", line]
        p.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = TallyProcess.executable.deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["NO_COLOR"] = "1"
        env["HOME"] = folder.path
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // stderr is small; stdout is read to its end first so the child never blocks on it.
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return .init(stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self), status: p.terminationStatus)
    }

    func testEveryCommandOfUsingItRuns() throws {
        let commands = try Self.block(in: "Using it").filter { $0.hasPrefix("tally ") || $0.hasPrefix("echo ") }
        XCTAssertGreaterThanOrEqual(commands.count, 5)
        for written in commands {
            // `# …` is the README's comment; `[--scale 10]` an option the reader may add.
            var line = written.replacingOccurrences(of: #"\s+#\s.*$"#, with: "", options: .regularExpression)
            line = line.replacingOccurrences(of: #"\s*\[[^\]]*\]"#, with: "", options: .regularExpression)
            let r = try shell(line)
            XCTAssertEqual(r.status, 0, "\(line)\n\(r.stderr)")
            XCTAssertFalse(r.stderr.contains("error"), "\(line)\n\(r.stderr)")
        }
        // The batch example wrote its report; the sample command wrote a folder of exports.
        let report = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("|"), "a Markdown report: \(report.prefix(200))")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("exports/sample/logins.csv").path))
    }

    func testEveryQuestionOfTheREADMEAnswers() throws {
        let questions = try Self.block(in: "Using it", after: "A few questions")
            .map { $0.replacingOccurrences(of: #"\s+--\s.*$"#, with: "", options: .regularExpression) }
        XCTAssertGreaterThanOrEqual(questions.count, 8)
        let script = questions.map { "print \"@@\"\n" + $0 }.joined(separator: "\n")
        try script.write(to: folder.appendingPathComponent("questions.tally"), atomically: true, encoding: .utf8)
        let r = try shell("tally exports/2002 < questions.tally")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("error"), r.stderr)
        let answers = r.stdout.components(separatedBy: "@@\n").dropFirst()
        XCTAssertEqual(answers.count, questions.count)
        for (q, a) in zip(questions, answers) {
            XCTAssertGreaterThanOrEqual(a.split(separator: "\n").count, 2, "\(q) answers with a table: \(a)")
        }
    }

    /// The "To Excel" lines: a workbook with two sheets, and a CSV that starts with a byte-order mark.
    func testTheToExcelLinesWriteTheirFiles() throws {
        let lines = try Self.block(in: "Using it", after: "To Excel")
        XCTAssertEqual(lines.count, 3)
        try lines.joined(separator: "\n").write(to: folder.appendingPathComponent("excel.tally"), atomically: true, encoding: .utf8)
        let r = try shell("tally exports/2002 < excel.tally && tally -c 'load s from \"out/2002.xlsx\" with sheet \"区县\"; load f from \"out/2002.xlsx\"; count s; count f'")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("error"), r.stderr)
        XCTAssertTrue(r.stderr.contains("from out/2002.xlsx (sheet 区县, header row 1)") && r.stderr.contains("from out/2002.xlsx (sheet Sheet1 (also in the workbook: 区县), header row 1)"), r.stderr)
        let csv = try Data(contentsOf: folder.appendingPathComponent("out/by-project.csv"))
        XCTAssertEqual(Array(csv.prefix(3)), [0xEF, 0xBB, 0xBF])
    }
}
