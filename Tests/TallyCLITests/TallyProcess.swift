import Foundation
import XCTest

/// Runs the `tally` binary built beside the tests and captures what it prints.
struct TallyProcess {
    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    /// The `tally` executable of this build (the test bundle sits in the same folder).
    static var executable: URL {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tally")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repo.appendingPathComponent(".build/debug/tally")
    }

    /// The repository's root folder (Examples/ and the fixtures live there).
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A small courses export (Chinese text, a quoted comma, a course with no enrollment).
    static let courses = """
        course_id,title,project,enrolled,participated,passed
        C1,数学,市常规远程培训,10,10,9
        C2,"语文, 高级",市常规远程培训,20,10,8
        C3,英语,提升工程2.0,0,0,0
        C4,物理,市常规远程培训,5,4,1

        """

    /// The scale-1 sample exports (93 MB), generated once per test run (it takes a few seconds)
    /// and removed when the test process exits.
    static let sample: URL = {
        let dir = URL(fileURLWithPath: samplePath)
        if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("tutor_ratings.csv").path) {
            let r = try! TallyProcess.run(["sample", "--out", dir.path])
            precondition(r.status == 0, r.stderr)
        }
        atexit { try? FileManager.default.removeItem(atPath: TallyProcess.samplePath) }
        return dir
    }()
    /// Each script of Examples/ (by file name, in order) with its in-memory run on the sample,
    /// run once per test process: the Examples tests and the engine tests compare with it.
    static let examples: [(name: String, path: String, memory: Result)] = {
        let folder = repository.appendingPathComponent("Examples")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".tally") }.sorted()
        return names.map { name in
            let path = folder.appendingPathComponent(name).path
            return (name, path, try! run(exampleArguments(path)))
        }
    }()

    /// `run SCRIPT --set data=SAMPLE`.
    static func exampleArguments(_ path: String) -> [String] { ["run", path, "--set", "data=\(sample.path)"] }

    /// The in-memory run of one Example.
    static func example(_ name: String) -> Result { examples.first { $0.name == name }!.memory }

    private static let samplePath = FileManager.default.temporaryDirectory
        .appendingPathComponent("tally-sample-\(ProcessInfo.processInfo.processIdentifier)").path

    /// Runs tally with `arguments`. With a `launcher` (as ["/usr/bin/unshare", "-m", "sh", "-c", SCRIPT]),
    /// the launcher runs instead, with tally's path and the arguments after its own.
    /// With `standardOutput`, stdout goes there (the result's stdout is then empty).
    static func run(_ arguments: [String], stdin: String? = nil, directory: URL? = nil,
                    environment: [String: String] = [:], launcher: [String] = [],
                    standardOutput: FileHandle? = nil) throws -> Result {
        let p = Process()
        p.executableURL = launcher.first.map { URL(fileURLWithPath: $0) } ?? executable
        p.arguments = launcher.isEmpty ? arguments : launcher.dropFirst() + [executable.path] + arguments
        if let directory { p.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        // stderr goes to a file, stdout through a pipe read to its end: neither can block the child.
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("tally-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let err = try FileHandle(forWritingTo: errFile)
        let out = Pipe(), input = Pipe()
        p.standardOutput = standardOutput ?? out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = standardOutput == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        p.waitUntilExit()
        try err.close()
        let errData = try Data(contentsOf: errFile)
        return Result(stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
                      status: p.terminationStatus)
    }
}
