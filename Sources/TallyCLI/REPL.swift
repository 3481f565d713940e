// The interactive prompt: `tally [PATH…]` with stdin on a terminal.
//
// Reads statements with LineEditor (libedit), asks the library whether the text typed so
// far is a complete statement (Completeness), runs it in the Session, and shows results
// fitted to the terminal (ScreenFit). Ctrl-C at the prompt clears the line; during a
// statement it sets LineEditor.interruptFlag, which the session polls (isCancelled) to
// stop the load or query. Meta commands (`.help`, `.tables`, …) are in MetaCommands.swift.

import Foundation
import TallyCore
#if canImport(Glibc)
import Glibc
#endif

final class REPL {
    static let primaryPrompt = "tally> "
    static let continuationPrompt = "   ...> "

    let session: Session
    let output: REPLOutput
    let editor: LineEditor
    /// The folder relative paths at the prompt are relative to.
    let currentDirectory = FileManager.default.currentDirectoryPath
    /// Statements that succeeded, with the folder their paths are relative to (for `.save`).
    var script = SavedScript()
    var timer = false
    /// Lines of a statement typed so far (continuation prompt).
    var pending: [String] = []

    /// nil when stdin is not a terminal or libedit cannot start: the caller runs in batch mode.
    init?(common: CommonOptions) throws {
        guard isatty(STDIN_FILENO) == 1,
              let editor = LineEditor(programName: "tally", historyFile: LineEditor.defaultHistoryFile(), historySize: 1000)
        else { return nil }
        self.editor = editor
        output = REPLOutput()
        session = Session(output: output)
        session.loadObserver = ProgressBar.observer()
        try common.apply(to: session)
        session.isCancelled = { LineEditor.interruptFlag.load(ordering: .relaxed) }
        editor.completer = { [unowned self] before, after in
            let earlier = pending.isEmpty ? "" : pending.joined(separator: "\n") + "\n"
            let r = Completion.candidates(before: earlier + before, after: after, catalog: session.catalog,
                                          currentDirectory: currentDirectory)
            return LineEditor.Completion(candidates: r.candidates, replacing: r.replacing)
        }
    }

    /// Loads `paths` (and each folder's startup.tally), then reads statements until Ctrl-D
    /// or `.quit`. Returns the exit status.
    func run(loading paths: [String]) -> Int32 {
        for p in paths {
            let source = SourceFile(name: "<command line>", text: "load " + Lexical.string(p))
            let outcome = execute(source, baseDirectory: "")
            if output.wasCancelled { break }
            guard outcome.errors == 0 else { continue }
            let startup = (p as NSString).appendingPathComponent("startup.tally")
            if FileManager.default.fileExists(atPath: startup) {
                _ = runScript(startup)
                if output.wasCancelled { break }
            }
        }
        Terminal.write(banner() + "\n", fd: 1)

        while true {
            let prompt = pending.isEmpty ? REPL.primaryPrompt : REPL.continuationPrompt
            switch editor.readLine(prompt: output.colour ? REPL.bold(prompt) : prompt) {
            case .endOfFile:
                editor.saveHistory()
                return 0
            case .interrupted:
                pending = []                       // Ctrl-C drops the whole unfinished statement
            case .line(let line):
                if pending.isEmpty {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if trimmed.isEmpty { continue }
                    if REPL.isMetaCommand(trimmed) {
                        remember(trimmed)
                        if meta(trimmed) == .quit {
                            editor.saveHistory()
                            return 0
                        }
                        continue
                    }
                }
                pending.append(line)
                let text = pending.joined(separator: "\n")
                // An empty continuation line submits what there is, so its error shows.
                let giveUp = pending.count > 1 && line.allSatisfy(\.isWhitespace)
                if !giveUp && !Completeness.isComplete(text) { continue }
                pending = []
                let statement = giveUp ? String(text.reversed().drop(while: \.isWhitespace).reversed()) : text
                remember(statement)
                timed { _ = execute(SourceFile(name: "<prompt>", text: statement), baseDirectory: "") }
            }
        }
    }

    /// One history entry per statement (a multi-line one included), saved at once.
    func remember(_ entry: String) {
        editor.addHistory(entry)
        editor.saveHistory()
    }

    /// Runs a statement (or several) in the session and records what succeeded for `.save`.
    @discardableResult
    func execute(_ source: SourceFile, baseDirectory: String) -> Session.Outcome {
        output.width = REPL.terminalWidth()
        session.maxWidth = output.width
        output.wasCancelled = false
        let before = session.succeeded.count
        let outcome = session.run(source, baseDirectory: baseDirectory)
        script.record(source, baseDirectory: absolute(baseDirectory), succeeded: session.succeeded[before...])
        return outcome
    }

    /// `.run FILE` and startup scripts: paths inside are relative to the script's folder.
    @discardableResult
    func runScript(_ path: String) -> Session.Outcome {
        var isDirectory: ObjCBool = false
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            output.diagnostic(Diagnostic(.error, exists && isDirectory.boolValue
                                         ? "\(path) is a folder, not a script" : "cannot read \(path): no such file"))
            return Session.Outcome(errors: 1)
        }
        let source = SourceFile(name: path, text: String(decoding: data, as: UTF8.self))
        return execute(source, baseDirectory: (path as NSString).deletingLastPathComponent)
    }

    /// With `.timer on`: the time and result rows of what `body` ran.
    func timed(_ body: () -> Void) {
        output.resultRows = 0
        output.results = 0
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        guard timer else { return }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var line = "time: " + String(format: "%.3f", seconds) + " s"
        if output.results > 0 { line += ", \(output.resultRows) row\(output.resultRows == 1 ? "" : "s")" }
        Terminal.write((output.colour ? REPL.dim(line) : line) + "\n", fd: 2)
    }

    func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return path.isEmpty ? currentDirectory : (currentDirectory as NSString).appendingPathComponent(path)
    }

    /// `Tally 0.1.0 — 8 tables loaded (teachers, courses, …). Type .help for help, .quit to leave.`
    /// on one line: as many table names as the terminal's width leaves room for.
    func banner(width: Int = REPL.terminalWidth()) -> String {
        let names = session.catalog.tables.map(\.name)
        func line(_ loaded: String) -> String {
            "Tally \(TallyVersion.string) — \(loaded). Type .help for help, .quit to leave."
        }
        if names.isEmpty { return line("no tables loaded yet (load \"FOLDER\" reads a folder of exports)") }
        let count = names.count == 1 ? "1 table loaded" : "\(names.count) tables loaded"
        for shown in stride(from: names.count, through: 1, by: -1) {
            let list = names.prefix(shown).joined(separator: ", ") + (shown < names.count ? ", …" : "")
            let text = line("\(count) (\(list))")
            if DisplayWidth.of(text) < width { return text }
        }
        return line(count)
    }

    // MARK: Helpers

    static func isMetaCommand(_ line: String) -> Bool {
        guard line.hasPrefix("."), let next = line.dropFirst().first else { return line == "." }
        return next.isLetter
    }

    /// The terminal's width (TIOCGWINSZ on stdout, else stdin), read before each statement
    /// so a resized window is honoured; 80 if unknown.
    static func terminalWidth() -> Int {
        var size = winsize()
        for fd in [STDOUT_FILENO, STDIN_FILENO] where ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 {
            return Int(size.ws_col)
        }
        if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c > 0 { return c }
        return 80
    }

    /// Prompt colours are wrapped in \u{1} so libedit does not count them as columns.
    static func bold(_ prompt: String) -> String {
        let trimmed = prompt.hasSuffix(" ") ? String(prompt.dropLast()) : prompt
        return "\u{1}\(Terminal.bold)\u{1}" + trimmed + "\u{1}\(Terminal.reset)\u{1}" + (prompt.hasSuffix(" ") ? " " : "")
    }

    static func dim(_ text: String) -> String { "\u{1B}[2m" + text + Terminal.reset }
}

/// Where the prompt's session writes: results fitted to the screen on stdout, diagnostics
/// (coloured on a terminal) and load messages on stderr.
final class REPLOutput: SessionOutput, ResultPresenter {
    /// Bold headers: stdout is a terminal and NO_COLOR is unset.
    let colour = Terminal.wantsColour(fd: STDOUT_FILENO)
    let colourDiagnostics = Terminal.wantsColour(fd: STDERR_FILENO)
    var width = 80
    /// `.rows N|all`.
    var rowLimit: Int? = 40
    /// Rows and results shown since the counters were reset (`.timer`).
    var resultRows = 0
    var results = 0
    /// Set when the last statement was cancelled by Ctrl-C.
    var wasCancelled = false

    func result(_ text: String) { Terminal.write(text, fd: STDOUT_FILENO) }

    func diagnostic(_ d: Diagnostic) {
        if d.message == "cancelled" {
            wasCancelled = true
            Terminal.write((colourDiagnostics ? Terminal.yellow + "cancelled" + Terminal.reset : "cancelled") + "\n", fd: STDERR_FILENO)
            return
        }
        Terminal.write(Terminal.render(d, colour: colourDiagnostics) + "\n", fd: STDERR_FILENO)
    }

    func info(_ text: String) {
        Terminal.write((colourDiagnostics ? REPL.dim(text) : text) + "\n", fd: STDERR_FILENO)
    }

    func present(_ result: ResultTable, format: OutputFormat) -> String? {
        results += 1
        resultRows += result.rowCount
        guard format == .table else { return nil }
        return ScreenFit.render(result, ScreenFit.Options(width: width, maxRows: rowLimit,
                                                          moreRowsHint: ".rows all shows them", bold: colour))
    }

    /// A listing (`.tables`, `.schema`, …) shown like a result.
    func show(_ table: ResultTable, format: OutputFormat) {
        let text = present(table, format: format) ?? ResultWriter.write(table, as: format, maxWidth: width)
        result(text)
    }
}
