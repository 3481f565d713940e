// The interactive prompt: `tally [PATH…]` with stdin on a terminal.
//
// Reads statements with LineEditor (libedit), parses the text typed so far once (ParsedScript:
// complete, or the continuation prompt), runs that parsed form through the Driver (which
// records it for `.save`), and shows results
// fitted to the terminal (ScreenFit). Ctrl-C at the prompt clears the line; during a
// statement it sets LineEditor.interruptFlag, which the session polls (isCancelled) to
// stop the load or query. Meta commands (`.help`, `.tables`, …) are in MetaCommands.swift.

import ArgumentParser
import Foundation
import TallyCore
#if canImport(Glibc)
import Glibc
#endif

final class REPL {
    static let primaryPrompt = "tally> "
    static let continuationPrompt = "   ...> "

    let driver: Driver
    let output: REPLOutput
    let editor: LineEditor
    var session: Session { driver.session }
    /// Lines of a statement typed so far (continuation prompt).
    var pending: [String] = []

    /// nil when stdin is not a terminal or libedit cannot start: the caller runs in batch mode.
    init?(common: CommonOptions) throws {
        guard isatty(STDIN_FILENO) == 1,
              let editor = LineEditor(programName: "tally", historyFile: LineEditor.defaultHistoryFile(), historySize: 1000)
        else { return nil }
        self.editor = editor
        editor.continuationPrompt = REPL.continuationPrompt
        output = REPLOutput()
        driver = try Driver(output: output, options: common)
        if let e = common.engine {
            do { driver.session.engine = try Engine.start(e) } catch let d as Diagnostic {
                output.diagnostic(d)
                throw ExitCode(1)
            }
        }
        session.display.rowLimit = 40
        session.isCancelled = { LineEditor.interruptFlag.load(ordering: .relaxed) }
        editor.completer = { [unowned self] before, after in
            let earlier = pending.isEmpty ? "" : pending.joined(separator: "\n") + "\n"
            let r = Completion.candidates(before: earlier + before, after: after, catalog: session.catalog,
                                          currentDirectory: driver.currentDirectory)
            return LineEditor.Completion(candidates: r.candidates, replacing: r.replacing)
        }
    }

    /// Loads `paths` (and each folder's startup.tally), then reads statements until Ctrl-D
    /// or `.quit`. Returns the exit status.
    func run(loading paths: [String]) -> Int32 {
        prepare()
        driver.open(paths, stopAtError: false)
        Terminal.write(banner() + "\n", fd: 1)

        while true {
            let prompt = pending.isEmpty ? REPL.primaryPrompt : REPL.continuationPrompt
            switch editor.readLine(prompt: output.colour ? REPL.bold(prompt) : prompt) {
            case .endOfFile:
                editor.saveHistory()
                session.engine?.close()
                return 0
            case .interrupted:
                pending = []                       // Ctrl-C drops the whole unfinished statement
            case .paste(let block):
                if runPasted(block) == .quit {
                    editor.saveHistory()
                    session.engine?.close()
                    return 0
                }
            case .line(let line):
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if pending.isEmpty && trimmed.isEmpty { continue }
                // A dot-command (or a bare help, quit, exit) runs at once; typed at `...>` it
                // drops the unfinished statement first, unless that left a string open.
                let command = REPL.isMetaCommand(trimmed) ? trimmed : pending.isEmpty ? REPL.bareWordCommand(trimmed) : nil
                if let command, pending.isEmpty || !ParsedScript(SourceFile(name: "<prompt>", text: pending.joined(separator: "\n"))).endsInString {
                    if let first = pending.first {
                        output.info("dropped the unfinished statement (\(first.trimmingCharacters(in: .whitespaces))\(pending.count > 1 ? " …" : ""))")
                        pending = []
                    }
                    remember(trimmed)
                    if meta(command) == .quit {
                        editor.saveHistory()
                        session.engine?.close()
                        return 0
                    }
                    continue
                }
                pending.append(line)
                let text = pending.joined(separator: "\n")
                // An empty continuation line submits what there is, so its error shows.
                let giveUp = pending.count > 1 && line.allSatisfy(\.isWhitespace)
                let statement = giveUp ? String(text.reversed().drop(while: \.isWhitespace).reversed()) : text
                let parsed = ParsedScript(SourceFile(name: "<prompt>", text: statement))
                if !giveUp && !parsed.isComplete { continue }
                pending = []
                remember(statement)
                execute(parsed)
            }
        }
    }

    /// A pasted block runs as a script would: a line continues the statement when the script
    /// rules say so (it starts with `where`, `by`, … or the statement cannot end), not line by
    /// line. A dot-command line in it runs as typed, after what came before it; a block that
    /// ends unfinished waits at the continuation prompt. Each statement is a history entry.
    func runPasted(_ block: String) -> MetaResult {
        var chunk = pending
        pending = []
        func source(_ lines: [String]) -> SourceFile { SourceFile(name: "<prompt>", text: lines.joined(separator: "\n")) }
        for line in block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard REPL.isMetaCommand(trimmed), !ParsedScript(source(chunk)).endsInString else {
                chunk.append(line)
                continue
            }
            submit(ParsedScript(source(chunk)))
            chunk = []
            remember(trimmed)
            if meta(trimmed) == .quit { return .quit }
        }
        let parsed = ParsedScript(source(chunk))
        if !parsed.isComplete {
            pending = chunk
            return .keepGoing
        }
        submit(parsed)
        return .keepGoing
    }

    /// Runs parsed text, each statement (or the whole text, when it does not parse) a history entry.
    func submit(_ parsed: ParsedScript) {
        let text = parsed.source.text
        guard !text.allSatisfy(\.isWhitespace) else { return }
        if parsed.errors.isEmpty {
            for item in parsed.items { remember(parsed.text(of: item)) }
        } else {
            remember(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        execute(parsed)
    }

    /// One history entry per statement (a multi-line one included), saved at once.
    func remember(_ entry: String) {
        editor.addHistory(entry)
        editor.saveHistory()
    }

    /// Before each run: the terminal's width now (the window may have been resized), and a new
    /// stream of results (the prompt line already separates them from the ones before).
    func prepare() {
        output.width = REPL.terminalWidth()
        output.stream = ResultStream()
    }

    /// Runs what was typed (the driver records what succeeded for `.save`).
    func execute(_ parsed: ParsedScript) {
        prepare()
        driver.run(parsed)
    }

    /// `.run FILE`: paths inside are relative to the script's folder.
    func runScript(_ path: String) {
        prepare()
        driver.runFile(path)
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

    /// `help`, `help TOPIC`, `quit` and `exit` typed without the dot: what they say (no query
    /// is one word, and `help bucket` would not parse). nil for anything else.
    static func bareWordCommand(_ line: String) -> String? {
        let words = line.lowercased().split(whereSeparator: \.isWhitespace)
        switch (words.first, words.count) {
        case ("quit", 1), ("exit", 1), ("help", 1): return "." + words[0]
        case ("help", 2) where Help.topic(named: String(words[1])) != nil: return ".help " + words[1]
        default: return nil
        }
    }

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
final class REPLOutput: SessionOutput {
    /// Bold headers: stdout is a terminal and NO_COLOR is unset.
    let colour = Terminal.wantsColour(fd: STDOUT_FILENO)
    let colourDiagnostics = Terminal.wantsColour(fd: STDERR_FILENO)
    var width = 80
    /// The results of the statement typed last: each set apart from the one before.
    var stream = ResultStream()

    /// Tables fitted to the terminal's width, bold headers when colour is wanted.
    func show(_ shown: Shown, _ display: DisplaySettings, poll: () throws -> Void) throws {
        Terminal.write(stream.next(try ScreenFit.text(shown, display, width: width, bold: colour, poll: poll), display.format), fd: STDOUT_FILENO)
    }

    func diagnostic(_ d: Diagnostic) {
        if d.message == "cancelled" {
            Terminal.write((colourDiagnostics ? Terminal.yellow + "cancelled" + Terminal.reset : "cancelled") + "\n", fd: STDERR_FILENO)
            return
        }
        Terminal.write(Terminal.render(d, colour: colourDiagnostics) + "\n", fd: STDERR_FILENO)
    }

    func info(_ text: String) {
        Terminal.write((colourDiagnostics ? REPL.dim(text) : text) + "\n", fd: STDERR_FILENO)
    }
}
