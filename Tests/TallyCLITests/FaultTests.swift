import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The binary when the world misbehaves: a full disk, a read-only folder, a folder, a named pipe
/// or a device where a file should be, stdout that cannot be written, and signals during a run.
///
/// Tests run as root, where permissions do not stop writes, so full and read-only disks are small
/// tmpfs mounts in a private mount namespace (`unshare -m`), made by a shell that then runs tally
/// and lists what the mount holds afterwards. Where mounting is refused the tests are skipped.
final class FaultTests: XCTestCase {
    var folder: URL!
    /// 8,000 rows of about 30 bytes: far more than a 64 KB disk holds once exported.
    var big: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-faults-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        big = folder.appendingPathComponent("big.csv")
        var csv = "id,name\n"
        for i in 0..<8000 { csv += "\(i),teacher-name-\(String(format: "%06d", i))\n" }
        try csv.write(to: big, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs tally with `arguments` after `setup` (shell commands; `$D` is a fresh folder to mount
    /// on) in a private mount namespace, then prints `--- files` and the folder's listing, and
    /// `--- FILE` with the contents of each of `show`. The status is tally's.
    func isolated(_ setup: String, show: [String] = [], _ arguments: [String], mountPoint: URL) throws -> TallyProcess.Result {
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let probe = try TallyProcess.run([], launcher: ["/usr/bin/unshare", "-m", "sh", "-c",
                                                        "mount -t tmpfs -o size=64k tmpfs '\(mountPoint.path)' && exit 0; exit 97"])
        guard probe.status == 0 else {
            throw XCTSkip("cannot mount a tmpfs in a private mount namespace here (unshare -m): \(probe.stderr)")
        }
        let after = show.map { "echo '--- \($0)'; cat \"$D/\($0)\"" }.joined(separator: "; ")
        let script = """
            D='\(mountPoint.path)'
            \(setup) || exit 97
            "$0" "$@"; rc=$?
            echo '--- files'; ls -A "$D"; \(after)
            exit $rc
            """
        let r = try TallyProcess.run(arguments, launcher: ["/usr/bin/unshare", "-m", "sh", "-c", script])
        if r.status == 97 { throw XCTSkip("the mount for the test was refused: \(r.stderr)") }
        return r
    }

    // MARK: Writing

    /// Replacing a file, the old one stays whole; a new file is not left behind (nor, in either
    /// case, a temporary file).
    func testExportOnAFullDiskKeepsTheOldFileAndLeavesNoNewOne() throws {
        let disk = folder.appendingPathComponent("full")
        let cases = [("keep.csv", "printf 'id,count\\n1,1\\n' > \"$D/keep.csv\"", "--- files\nkeep.csv\n--- keep.csv\nid,count\n1,1\n"),
                     ("new.csv", "true", "--- files\n")]
        for (file, prepare, listing) in cases {
            let r = try isolated("mount -t tmpfs -o size=64k tmpfs \"$D\" && \(prepare)", show: file == "keep.csv" ? [file] : [],
                                 ["-c", "load \"\(big.path)\"; export count big by id, name to \"\(disk.path)/\(file)\""], mountPoint: disk)
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("error: cannot write \(disk.path)/\(file): No space left on device"), r.stderr)
            XCTAssertEqual(r.stdout, listing, file)
        }
    }

    func testExportIntoAReadOnlyFolder() throws {
        let disk = folder.appendingPathComponent("readonly")
        let r = try isolated("mount -t tmpfs -o ro tmpfs \"$D\"",
                             ["-c", "load \"\(big.path)\"; export count big to \"\(disk.path)/out.csv\""], mountPoint: disk)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("error: cannot write \(disk.path)/out.csv: Read-only file system"), r.stderr)
        XCTAssertEqual(r.stdout, "--- files\n")
    }

    /// A sheet added to a workbook on a read-only disk, or on a full one: the error names the
    /// file, and the workbook is as it was (compared with the original's bytes).
    func testSheetIntoAWorkbookOnAReadOnlyOrFullDiskKeepsTheWorkbook() throws {
        let disk = folder.appendingPathComponent("disk")
        let fixture = TallyProcess.repository.appendingPathComponent("Tests/TallyCoreTests/Fixtures/messy/courses_openpyxl.xlsx")
        let original = String(decoding: try Data(contentsOf: fixture), as: UTF8.self)
        let cases = [("mount -o remount,ro \"$D\"", "Read-only file system", "r.xlsx"),
                     ("(dd if=/dev/zero of=\"$D/filler\" bs=4k count=100 2>/dev/null; true)", "No space left on device", "filler\nr.xlsx")]
        for (fault, reason, listing) in cases {
            let r = try isolated("mount -t tmpfs -o size=64k tmpfs \"$D\" && cp '\(fixture.path)' \"$D/r.xlsx\" && \(fault)", show: ["r.xlsx"],
                                 ["-c", "load \"\(big.path)\"; export count big by id to \"\(disk.path)/r.xlsx\" sheet \"统计\""], mountPoint: disk)
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("error: cannot write \(disk.path)/r.xlsx: \(reason)"), r.stderr)
            XCTAssertEqual(r.stdout, "--- files\n\(listing)\n--- r.xlsx\n" + original, reason)
        }
    }

    func testExportOntoAFolderSaysItIsAFolder() throws {
        let target = folder.appendingPathComponent("out.csv")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let r = try TallyProcess.run(["-c", "load \"\(big.path)\"; export count big to \"\(target.path)\""])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("<command>:1:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("error: cannot write \(target.path): it is a folder, not a file"), r.stderr)
        XCTAssertTrue(r.stderr.contains("= name a file inside it, as in \(target.path)/result.csv"), r.stderr)
    }

    /// Without the check, opening the pipe waits for a reader for ever: `timeout` ends it.
    func testExportOntoANamedPipeIsRefused() throws {
        let pipe = folder.appendingPathComponent("out.csv")
        XCTAssertEqual(mkfifo(pipe.path, 0o644), 0)
        let r = try TallyProcess.run(["-c", "load \"\(big.path)\"; export count big to \"\(pipe.path)\""],
                                     launcher: ["/usr/bin/timeout", "60"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("error: cannot write \(pipe.path): it is a named pipe (FIFO), not a file"), r.stderr)
    }

    func testExportReplacesAFileKeepingItsPermissions() throws {
        let target = folder.appendingPathComponent("out.csv")
        try "old\n".write(to: target, atomically: false, encoding: .utf8)
        XCTAssertEqual(chmod(target.path, 0o640), 0)
        let r = try TallyProcess.run(["-c", "load \"\(big.path)\"; export count big to \"\(target.path)\""])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "count\n8000\n")
        let mode = try FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o640)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["big.csv", "out.csv"])
    }

    /// At the prompt on a full disk: `.save` and the history file keep their old contents, and
    /// `.save` onto a folder says so. The files are read through /proc/PID/root while tally,
    /// the shell's exec'd successor, still runs in the private mount namespace.
    func testSaveAndHistoryOnAFullDiskKeepTheirOldContents() throws {
        let disk = folder.appendingPathComponent("full")
        let exports = folder.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        try TallyProcess.courses.write(to: exports.appendingPathComponent("courses.csv"), atomically: true, encoding: .utf8)
        _ = try isolated("true", [], mountPoint: disk)      // skips where mounting is refused
        let script = """
            D='\(disk.path)'
            mount -t tmpfs -o size=64k tmpfs "$D" || exit 97
            mkdir -p "$D/state/tally" "$D/work"
            printf '_HiStOrY_V2_\\ncount\\\\040old\\n' > "$D/state/tally/history"
            printf 'old script\\n' > "$D/keep.tally"
            dd if=/dev/zero of="$D/filler" bs=4k count=100 2>/dev/null
            exec "$0" "$@"
            """
        let env = PseudoTerminal.isolatedEnvironment(home: folder, adding: [
            "NO_COLOR": "1", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "XDG_STATE_HOME": disk.appendingPathComponent("state").path])
        let term = try PseudoTerminal(executable: URL(fileURLWithPath: "/usr/bin/unshare"),
                                      arguments: ["-m", "sh", "-c", script, TallyProcess.executable.path, exports.path],
                                      environment: env)
        try term.expect("tally> ", timeout: 30)
        try term.waitForRawMode()
        func typed(_ line: String) throws -> String {
            term.send(line + "\r")
            try term.expect("\n")
            let out = try term.expect("tally> ", timeout: 20)
            try term.waitForRawMode()
            return out
        }
        XCTAssertTrue(try typed("count courses").contains("    4"))
        let saved = try typed(".save! \(disk.path)/keep.tally")
        XCTAssertTrue(saved.contains("error: cannot write \(disk.path)/keep.tally: No space left on device"), saved)
        let onFolder = try typed(".save \(disk.path)/work")
        XCTAssertTrue(onFolder.contains("error: cannot write \(disk.path)/work: it is a folder, not a file"), onFolder)

        let root = "/proc/\(term.pid)/root" + disk.path
        XCTAssertEqual(try String(contentsOfFile: root + "/keep.tally", encoding: .utf8), "old script\n")
        XCTAssertEqual(try String(contentsOfFile: root + "/state/tally/history", encoding: .utf8), "_HiStOrY_V2_\ncount\\040old\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root).sorted(), ["filler", "keep.tally", "state", "work"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/state/tally"), ["history"])
        term.send("\u{04}")
        XCTAssertEqual(try term.waitForExit(), 0)
    }

    // MARK: Reading odd files

    /// Without the stat first, the load waits for a writer for ever: `timeout` ends it.
    func testLoadingANamedPipeIsALocatedError() throws {
        let pipe = folder.appendingPathComponent("in.csv")
        XCTAssertEqual(mkfifo(pipe.path, 0o644), 0)
        let r = try TallyProcess.run(["-c", "load \"\(pipe.path)\""], launcher: ["/usr/bin/timeout", "60"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("<command>:1:6: error: cannot load \(pipe.path): it is a named pipe (FIFO), not a file\n"), r.stderr)
    }

    func testLoadingOrIncludingADeviceIsALocatedError() throws {
        for device in ["/dev/null", "/dev/zero"] {
            let r = try TallyProcess.run(["-c", "load \"\(device)\""])
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix("<command>:1:6: error: cannot load \(device): it is a device, not a file\n"), r.stderr)
        }
        let r = try TallyProcess.run(["-c", "include \"/dev/zero\""], launcher: ["/usr/bin/timeout", "60"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("<command>:1:9: error: /dev/zero is a device, not a script\n"), r.stderr)
    }

    func testAScriptWithANulByteShowsItVisibly() throws {
        let script = folder.appendingPathComponent("nul.tally")
        try Data("print 1\nprint 2 \u{0} 3\n".utf8).write(to: script)
        let r = try TallyProcess.run(["run", script.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(r.stderr.contains("\u{0}"), r.stderr.debugDescription)
        XCTAssertTrue(r.stderr.contains("""
            \(script.path):2:9: error: unexpected character `\\0`
            2 | print 2 \\0 3
              |         ^
            """), r.stderr)
    }

    func testScriptsFromNotepadAndOldMacEditorsRun() throws {
        let bom = folder.appendingPathComponent("bom.tally")
        try Data([0xEF, 0xBB, 0xBF] + Array("print 1\nprint 2\n".utf8)).write(to: bom)
        let cr = folder.appendingPathComponent("cr.tally")
        try Data("print 1\rprint 2\r".utf8).write(to: cr)
        for script in [bom, cr] {
            let r = try TallyProcess.run(["run", script.path])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, "1\n\n2\n", script.lastPathComponent)   // two results, set apart
        }
    }

    // MARK: stdout

    func testAFullStdoutIsAnErrorAndExitsOne() throws {
        let full = try XCTUnwrap(FileHandle(forWritingAtPath: "/dev/full"))
        let r = try TallyProcess.run(["-c", "load \"\(big.path)\"; count big by id"], standardOutput: full)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("error: cannot write the output to stdout: No space left on device"), r.stderr)
    }

    func testAReaderThatClosedThePipeEndsTheRunQuietly() throws {
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let r = try TallyProcess.run(["-c", "load \"\(big.path)\"; count big by id"], standardOutput: pipe.fileHandleForWriting)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("error"), r.stderr)
    }

    // MARK: Signals

    /// A batch run killed during a long query dies of the signal (the shell sees 128 + N), with
    /// what it printed before complete.
    func testSIGINTAndSIGTERMDuringALongQueryEndTheRun() throws {
        // A query of a few hundred operations over 200,000 rows: seconds in a debug build, and
        // the script runs it 20 times.
        var csv = "id,g,x\n"
        for i in 0..<200_000 { csv += "\(i),\(i % 100),\(i % 7)\n" }
        let data = folder.appendingPathComponent("slow.csv")
        try csv.write(to: data, atomically: true, encoding: .utf8)
        let terms = Array(repeating: "x", count: 400).joined(separator: " + ")
        let slow = Array(repeating: "count slow where \(terms) > 0 by g", count: 20).joined(separator: "\n")
        let script = "load \"\(data.path)\"\ncount slow by x\n\(slow)\n"

        for signal in [SIGINT, SIGTERM] {
            let p = Process()
            p.executableURL = TallyProcess.executable
            p.arguments = ["-c", script]
            var env = ProcessInfo.processInfo.environment
            env["NO_COLOR"] = "1"
            p.environment = env
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            // The first result (count slow by x: 7 groups, the rule, the header) is all there.
            var printed = Data()
            while !String(decoding: printed, as: UTF8.self).contains("\n6  ") {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                printed += chunk
            }
            kill(p.processIdentifier, signal)
            printed += out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
            XCTAssertEqual(status, 128 + signal, "signal \(signal)")
            // by hand: 200000 = 7 × 28571 + 3, so i % 7 is 0, 1 and 2 28572 times, 3…6 28571 times
            XCTAssertEqual(String(decoding: printed, as: UTF8.self), """
                x  count
                ─  ─────
                0  28572
                1  28572
                2  28572
                3  28571
                4  28571
                5  28571
                6  28571

                """, "signal \(signal)")
        }
    }
}
