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

/// `tally demo`: the period report on the sample exports, generated on first use. The report is
/// built in (DemoScript.swift, generated from Examples/period-report.tally), so it runs from any folder.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the period report on the sample exports (generated into a cache folder on first use).",
        discussion: """
            The report is Examples/period-report.tally, built into tally. At scale 1 its figures are
            those of the 2002 period report; a smaller scale is quicker and its figures smaller.
            """)

    @Option(help: "Output format: table, csv, json or markdown.")
    var format: OutputFormat = .table

    @Option(help: "Rows of the sample relative to one real period (0 < scale ≤ 100).")
    var scale: Double = 1

    func run() throws {
        Terminal.ignoreBrokenPipe()
        let env = ProcessInfo.processInfo.environment
        let cacheRoot = env["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? ((env["HOME"] ?? NSTemporaryDirectory()) as NSString).appendingPathComponent(".cache")
        let folder = (cacheRoot as NSString).appendingPathComponent("tally/sample-2002" + (scale == 1 ? "" : "-scale-\(scale)"))
        let done = (folder as NSString).appendingPathComponent(".complete")
        if !FileManager.default.fileExists(atPath: done) {
            Terminal.write("generating the sample exports into \(folder) (once)…\n", fd: 2)
            try? FileManager.default.removeItem(atPath: folder)
            _ = try Sample.generate(folder, scale: scale, seed: 2002)
            _ = FileManager.default.createFile(atPath: done, contents: Data())
        }
        let driver = try Driver(output: Terminal(), format: format, parameters: [])
        driver.session.setParameter("data", folder)
        let outcome = driver.run(SourceFile(name: DemoScript.name, text: DemoScript.text), baseDirectory: folder)
        if outcome.errors == 0 {
            Terminal.write("\nOpen the same data at the prompt: tally \(folder)\n", fd: 2)
        }
        throw ExitCode(Terminal.exitCode(outcome))
    }
}
