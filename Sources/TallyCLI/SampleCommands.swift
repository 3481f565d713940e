import ArgumentParser
import Foundation
import TallyCore
import TallySample

/// `tally sample`: writes a period's exports, deterministic, for trying Tally and for benchmarks.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate one training period's sample exports.",
        discussion: """
            At scale 1 with the default seed the exports reproduce every figure of the 2002 period
            report. Beside them goes startup.tally, which loading the folder runs (tally DIR, load "DIR").

            Examples:
              tally sample --out exports/sample
              tally sample --out /tmp/big --scale 10
            """)

    @Option(help: "The folder to write the exports into.")
    var out: String

    @Option(help: "Rows relative to one real period (0 < scale ≤ 100).")
    var scale: Double = 1

    @Option(help: "Seed of the generator: the same seed gives the same files.")
    var seed: UInt64 = 2002

    func run() throws {
        Terminal.ignoreBrokenPipe()
        let summary = try Sample.generate(out, scale: scale, seed: seed)
        for f in summary.files { Terminal.write("\(f.name)  \(f.rows) rows\n", fd: 2) }
        Terminal.write("wrote the sample exports to \(out); open them with: tally \(out)\n", fd: 2)
    }

    static func generate(_ folder: String, scale: Double, seed: UInt64) throws -> SampleSummary {
        do {
            return try SampleGenerator.generate(into: URL(fileURLWithPath: folder), options: SampleOptions(scale: scale, seed: seed))
        } catch let e as SampleError {
            Terminal.write("error: \(e)\n", fd: 2)
            throw ExitCode(1)
        }
    }
}

/// `tally demo`: the period report on the sample exports, generated on first use.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the period report on the sample exports (generated into a cache folder on first use).")

    @Option(help: "Output format: table, csv, json or markdown.")
    var format: OutputFormat = .table

    func run() throws {
        Terminal.ignoreBrokenPipe()
        let env = ProcessInfo.processInfo.environment
        let cacheRoot = env["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? ((env["HOME"] ?? NSTemporaryDirectory()) as NSString).appendingPathComponent(".cache")
        let folder = (cacheRoot as NSString).appendingPathComponent("tally/sample-2002")
        let done = (folder as NSString).appendingPathComponent(".complete")
        if !FileManager.default.fileExists(atPath: done) {
            Terminal.write("generating the sample exports into \(folder) (once)…\n", fd: 2)
            try? FileManager.default.removeItem(atPath: folder)
            _ = try Sample.generate(folder, scale: 1, seed: 2002)
            _ = FileManager.default.createFile(atPath: done, contents: Data())
        }
        guard let report = Demo.findReport() else {
            Terminal.write("error: cannot find Examples/period-report.tally; run tally demo from the Tally repository\n", fd: 2)
            throw ExitCode(1)
        }
        let driver = try Driver(output: Terminal(), format: format, parameters: [])
        driver.session.setParameter("data", folder)
        let outcome = driver.runFile(report)
        if outcome.errors == 0 {
            Terminal.write("\nOpen the same data at the prompt: tally \(folder)\n", fd: 2)
        }
        throw ExitCode(Terminal.exitCode(outcome))
    }

    /// Examples/period-report.tally in the current folder or above the executable (`.build/release/tally`).
    static func findReport() -> String? {
        var candidates = [FileManager.default.currentDirectoryPath]
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 { candidates.append(dir.path); dir = dir.deletingLastPathComponent() }
        for c in candidates {
            let p = (c as NSString).appendingPathComponent("Examples/period-report.tally")
            if FileManager.default.fileExists(atPath: p) { return p }
        }
        return nil
    }
}
