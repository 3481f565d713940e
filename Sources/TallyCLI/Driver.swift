// One driver for every way of running statements: `tally [PATH…] [-c TEXT]` (a pipe or the
// prompt), `tally run SCRIPT…` and `tally demo`.

import ArgumentParser
import Foundation
import TallyCore

/// Sets up the session (output format, `--set` parameters, the load progress bar), opens the
/// paths given on the command line, and reads and runs
/// scripts, `-c` text and piped input. Each text is parsed once and what of it succeeded is
/// recorded with the folder its paths are relative to: the prompt's `.save` writes that.
final class Driver {
    let session: Session
    /// The statements that succeeded, in order (for `.save`).
    private(set) var script = SavedScript()
    /// The folder tally was started in.
    let currentDirectory = FileManager.default.currentDirectoryPath
    /// The names given with `--set`, in order.
    private(set) var parameterNames: [String] = []

    /// A session writing to `output`. `parameters` are `--set name=value` texts.
    init(output: SessionOutput, format: OutputFormat, parameters: [String]) throws {
        session = Session(output: output)
        session.loadObserver = ProgressBar.observer()
        session.display.format = format
        for p in parameters {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                throw ValidationError("--set needs name=value, as in --set data=exports/2002 (got \"\(p)\")")
            }
            session.setParameter(String(p[..<eq]), String(p[p.index(after: eq)...]))
            parameterNames.append(String(p[..<eq]))
        }
    }

    convenience init(output: SessionOutput, options: CommonOptions) throws {
        try self.init(output: output, format: options.format, parameters: options.parameters)
        session.engineCopies = options.engineCopy
    }

    /// A batch driver writing to the terminal, with its engine started when `--engine` asks
    /// for one (an engine that cannot start is an error saying how to install it: status 1).
    static func started(options: CommonOptions) throws -> Driver {
        let output = Terminal()
        let driver = try Driver(output: output, options: options)
        try driver.startEngine(options, output)
        return driver
    }

    /// The engine `--engine` (and `--engine-url`) ask for; one that cannot start is an error (status 1).
    func startEngine(_ options: CommonOptions, _ output: SessionOutput) throws {
        session.engineURL = options.engineURL
        guard options.engine != nil || options.engineURL != nil else { return }
        do { session.engine = try Engine.start(options.engine ?? .duckdb, url: options.engineURL) } catch let d as Diagnostic {
            output.diagnostic(options.engine == nil ? Diagnostic(.error, "--engine-url is for --engine spark", notes: ["add --engine spark"]) : d)
            throw ExitCode(1)
        }
    }

    /// Runs parsed text and records the statements of it that succeeded.
    @discardableResult
    func run(_ parsed: ParsedScript, baseDirectory: String = "") -> Session.Outcome {
        let outcome = session.run(parsed, baseDirectory: baseDirectory)
        script.record(parsed, completed: outcome.completed, baseDirectory: absolute(baseDirectory))
        return outcome
    }

    @discardableResult
    func run(_ source: SourceFile, baseDirectory: String = "") -> Session.Outcome {
        run(ParsedScript(source), baseDirectory: baseDirectory)
    }

    /// Runs a script file; the paths in it are relative to its folder.
    @discardableResult
    func runFile(_ path: String) -> Session.Outcome {
        let source: SourceFile
        do {
            source = try session.readScript(path)
        } catch {
            session.output.diagnostic(error as? Diagnostic ?? Diagnostic(.error, "\(error)"))
            return Session.Outcome(errors: 1)
        }
        return run(source, baseDirectory: (path as NSString).deletingLastPathComponent)
    }

    /// Runs script files in order, up to the first that fails. First, a `--set` name that none
    /// of them mentions is a warning.
    func runFiles(_ paths: [String]) -> Session.Outcome {
        var total = Session.Outcome()
        let sources = paths.compactMap { try? session.readScript($0) }
        for w in Session.unmentionedParameters(parameterNames, in: sources) {
            session.output.diagnostic(w)
            total.warnings += 1
        }
        for p in paths {
            total.add(runFile(p))
            if total.errors > 0 { break }
        }
        return total
    }

    /// Runs what is piped to stdin, read to its end.
    func runStandardInput() -> Session.Outcome {
        let input = FileHandle.standardInput.readDataToEndOfFile()
        return run(SourceFile(name: "<stdin>", text: String(decoding: input, as: UTF8.self)))
    }

    /// Loads each path given on the command line (a folder's load runs its startup.tally).
    /// With `stopAtError` (batch mode) the first error stops; else (the prompt) the next path
    /// is opened. A cancelled load (Ctrl-C at the prompt) stops.
    @discardableResult
    func open(_ paths: [String], stopAtError: Bool) -> Session.Outcome {
        var total = Session.Outcome()
        for p in paths {
            total.add(run(SourceFile(name: "<command line>", text: "load " + Lexical.string(p))))
            if session.isCancelled() || (stopAtError && total.errors > 0) { break }
        }
        return total
    }

    /// `path` made absolute against the folder tally was started in.
    func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return path.isEmpty ? currentDirectory : (currentDirectory as NSString).appendingPathComponent(path)
    }
}

extension Session.Outcome {
    /// Adds another run's errors, failed checks and warnings.
    mutating func add(_ other: Session.Outcome) {
        errors += other.errors
        failedChecks += other.failedChecks
        warnings += other.warnings
    }
}
