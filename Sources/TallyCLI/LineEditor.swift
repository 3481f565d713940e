// The one wrapper over libedit (CLibEdit) that the rest of the CLI uses.
//
// Use it only when stdin is a terminal: with stdin piped libedit reads one byte per
// read(2), keeps `\r` and drops invalid UTF-8. `LineEditor(...)` returns nil in that case.
//
// Bracketed paste: with stdout a terminal too, the terminal is asked (ESC[?2004h) to wrap
// pasted text in ESC[200~ … ESC[201~. libedit does not know the markers: the start marker is
// bound to a function that reads the pasted bytes itself, up to the end marker, so a
// multi-line paste comes back whole (`Input.paste`) instead of line by line. The mode is
// turned off (ESC[?2004l) at exit and while the process is suspended (Ctrl-Z).

@preconcurrency import CLibEdit
import Foundation
import Synchronization
import TallyCore
#if canImport(Glibc)
import Glibc
#endif

final class LineEditor {
    enum Input: Equatable {
        /// One physical line, without its newline. (A recalled multi-line history entry
        /// comes back whole, with its embedded "\n"s.)
        case line(String)
        /// Pasted text with a line break in it (bracketed paste), joined with what the line
        /// held around the cursor: the block, "\n" between lines, without a final newline.
        /// It has been shown, each later line after `continuationPrompt`.
        case paste(String)
        /// Ctrl-C at the prompt: the line was discarded; "^C" and a newline were printed.
        case interrupted
        /// Ctrl-D on an empty line (or the terminal went away). The cursor is on a fresh line.
        case endOfFile
    }

    /// What a completer returns: `candidates` replace the last `replacing` Characters
    /// before the cursor (the word being completed). Candidates are whole words.
    struct Completion {
        var candidates: [String]
        var replacing: Int
        init(candidates: [String], replacing: Int) {
            self.candidates = candidates
            self.replacing = replacing
        }
    }

    /// Set by SIGINT (Ctrl-C) at any time; cleared at the start of each `readLine`.
    /// The evaluator polls it to cancel a running statement.
    static let interruptFlag = Atomic<Bool>(false)

    /// Display width of text in terminal cells (CJK wide characters count 2): the engine's
    /// own width table, so the completion listing lines up like result tables do.
    static func displayWidth(_ text: String) -> Int { DisplayWidth.of(text) }

    /// Characters that end a word for `wordBeforeCursor`.
    static let wordBreakCharacters: Set<Character> = [
        " ", "\t", "\n", "(", ")", ",", ";", "=", "<", ">", "!", "+", "*", "%", "|", "&",
        "[", "]", "{", "}", "'", "`",
    ]

    /// TAB: given the text before and after the cursor, what may replace the word being
    /// completed. One candidate → it is inserted (plus a space unless it ends with `/`, `"`,
    /// `(` or `.`); several → their common prefix if longer than the word, else they are listed.
    var completer: ((_ textBeforeCursor: String, _ textAfterCursor: String) -> Completion)?

    let historyFile: URL?
    let historySize: Int
    /// Shown before each later line of a pasted block (the REPL's `   ...> `).
    var continuationPrompt = ""
    /// Set by the paste function for `readLine` to return.
    private var pasted: Input?

    private let el: OpaquePointer       // EditLine *
    private let history: OpaquePointer  // History *
    private var promptBuffer: UnsafeMutablePointer<CChar>
    private var visiblePrompt = ""
    /// Entries added since the last save; merged into the file's current contents on save.
    private var unsavedEntries: [String] = []

    /// Returns nil when stdin is not a terminal (don't line-edit pipes) or libedit fails.
    init?(programName: String, historyFile: URL?, historySize: Int = 2000) {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        LineEditor.ensureUTF8Locale()           // before el_init: libedit reads the codeset there
        LineEditor.installInterruptHandler()

        guard let history = history_init() else { return nil }
        guard let el = tally_el_init(programName) else {
            history_end(history)
            return nil
        }
        self.el = el
        self.history = history
        self.historyFile = historyFile
        self.historySize = max(1, historySize)
        self.promptBuffer = strdup("")!

        tally_history_set_size(history, Int32(clamping: self.historySize))
        tally_history_set_unique(history, 1)
        if let historyFile {
            _ = tally_history_load(history, historyFile.path)
        }

        tally_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        tally_el_set_prompt(el, lineEditorPrompt)
        tally_el_set_editor(el, "emacs")
        tally_el_set_signal(el, 1)
        tally_el_set_history(el, history)
        tally_el_add_function(el, "tally-complete", "Complete the word before the cursor",
                              lineEditorComplete)
        tally_el_add_function(el, "tally-paste", "Read a bracketed paste", lineEditorPaste)
        _ = el_source(el, nil)                  // ~/.editrc (or $EDITRC), e.g. `bind -v`
        // After el_source: `bind -v` / `bind -e` there resets the key maps.
        tally_el_bind(el, "^I", "tally-complete")
        tally_el_bind(el, "^[[200~", "tally-paste")
        if isatty(STDOUT_FILENO) == 1 { LineEditor.enableBracketedPaste() }
    }

    deinit {
        LineEditor.disableBracketedPaste()
        el_end(el)                              // restores the terminal
        history_end(history)
        free(promptBuffer)
    }

    // MARK: Reading

    /// Reads one physical line. `prompt` may contain colour sequences wrapped in "\u{01}".
    func readLine(prompt: String) -> Input {
        if prompt != currentPromptSource {
            free(promptBuffer)
            promptBuffer = strdup(prompt)!
            currentPromptSource = prompt
            visiblePrompt = LineEditor.removingEscapedParts(prompt)
        }
        LineEditor.interruptFlag.store(false, ordering: .relaxed)
        var count: Int32 = 0
        errno = 0
        let result = el_gets(el, &count)
        let error = errno
        if let pasted {
            self.pasted = nil
            return pasted
        }
        guard let result, count > 0 else {
            if count < 0 && (error == EINTR || LineEditor.interruptFlag.load(ordering: .relaxed)) {
                // libedit reads with ECHO off, so the terminal does not echo ^C itself. Print
                // it at the cursor (like bash), then move below the whole edited line so the
                // next prompt does not land on its later rows. (el_line still describes the
                // interrupted line here.)
                var below = 1
                if let (before, after) = currentLine() {
                    let rows = editAreaRows(before: before, after: after)
                    below += rows.last - rows.cursor
                }
                tally_el_write("^C" + String(repeating: "\n", count: below))
                return .interrupted
            }
            tally_el_write("\n")               // after libedit's own "^D"
            return .endOfFile                   // Ctrl-D (count 0) or a read error (EIO, …)
        }
        var bytes = Array(UnsafeBufferPointer(
            start: UnsafeRawPointer(result).assumingMemoryBound(to: UInt8.self), count: strlen(result)))
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        return .line(String(decoding: bytes, as: UTF8.self))
    }

    private var currentPromptSource: String?

    // MARK: History

    /// Adds one history entry (a whole statement, possibly multi-line). Blank entries and
    /// a repeat of the newest entry are dropped.
    func addHistory(_ entry: String) {
        guard !entry.allSatisfy(\.isWhitespace) else { return }
        tally_history_enter(history, entry)
        if unsavedEntries.last != entry { unsavedEntries.append(entry) }
        if unsavedEntries.count > historySize { unsavedEntries.removeFirst() }
    }

    /// Writes the history file (mode 0600, parent directories created with mode 0700).
    /// Entries added in this session are appended to the file's *current* contents, so
    /// two sessions saving in turn don't erase each other. Written as an AtomicFile (a
    /// temporary file beside it, fsync'd and renamed into place). Returns false on failure (history is a convenience: callers
    /// normally ignore it).
    @discardableResult
    func saveHistory() -> Bool {
        guard let historyFile else { return true }
        let path = historyFile.path
        let directory = historyFile.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            return false
        }

        guard let merged = history_init() else { return false }
        defer { history_end(merged) }
        tally_history_set_size(merged, Int32(clamping: historySize))
        tally_history_set_unique(merged, 1)
        let toSave: OpaquePointer
        if access(path, F_OK) != 0 {
            toSave = history                    // no file (yet): everything we know
        } else if tally_history_load(merged, path) >= 0 {
            for entry in unsavedEntries { tally_history_enter(merged, entry) }
            toSave = merged
        } else {
            toSave = history                    // unreadable file: replace it with ours
        }

        // libedit writes to a FILE (and sets its mode to 0600): here the AtomicFile's temporary file.
        let saved = try? AtomicFile.write(to: path, permissions: 0o600) { fd in
            let copy = dup(fd)
            guard copy >= 0, let file = fdopen(copy, "w") else { return errno }
            let written = tally_history_save_fp(toSave, file)
            return fclose(file) != 0 ? errno : (written < 0 ? EIO : 0)
        }
        guard saved != nil else { return false }
        unsavedEntries.removeAll()
        return true
    }

    /// `$XDG_STATE_HOME/tally/history`, else `~/.local/state/tally/history`
    /// (HOME, else the password database). nil if no home can be found.
    static func defaultHistoryFile(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> URL? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {  // relative: ignored (XDG spec)
            return URL(fileURLWithPath: state, isDirectory: true)
                .appendingPathComponent("tally", isDirectory: true)
                .appendingPathComponent("history", isDirectory: false)
        }
        var home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        if home == nil, let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir {
            home = String(cString: dir)
        }
        guard let home, !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".local/state/tally", isDirectory: true)
            .appendingPathComponent("history", isDirectory: false)
    }

    // MARK: Completion

    /// The word ending at the cursor, delimited by `wordBreakCharacters`. Includes `"`,
    /// `.`, `/`, `-` and `_`, so `"data/fi` and `.imp` are single words.
    static func wordBeforeCursor(_ textBeforeCursor: String) -> Substring {
        let start = textBeforeCursor.lastIndex(where: { wordBreakCharacters.contains($0) })
            .map { textBeforeCursor.index(after: $0) } ?? textBeforeCursor.startIndex
        return textBeforeCursor[start...]
    }

    fileprivate func complete() -> UInt8 {
        guard let completer, let (before, after) = currentLine() else { return UInt8(CC_ERROR) }

        let completion = completer(before, after)
        var seen = Set<String>()
        let candidates = completion.candidates.filter { seen.insert($0).inserted }
        guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        let word = String(before.suffix(max(0, completion.replacing)))

        if candidates.count == 1 {
            var text = candidates[0]
            if !text.hasSuffix("/") && !text.hasSuffix("\"") && !text.hasSuffix("(") && !text.hasSuffix(".")
                && !after.hasPrefix(" ") {
                text += " "
            }
            replaceWordBeforeCursor(word, with: text)
            return UInt8(CC_REFRESH)
        }
        let prefix = LineEditor.commonPrefix(candidates)
        if prefix.count > word.count {
            replaceWordBeforeCursor(word, with: prefix)
            return UInt8(CC_REFRESH)
        }
        list(candidates, before: before, after: after)
        return UInt8(CC_REDISPLAY)
    }

    private func replaceWordBeforeCursor(_ word: String, with text: String) {
        if text.utf8.starts(with: word.utf8) {
            let rest = String(decoding: text.utf8.dropFirst(word.utf8.count), as: UTF8.self)
            if !rest.isEmpty { el_insertstr(el, rest) }
        } else {
            // libedit counts wchar_t, i.e. Unicode scalars on Linux.
            if !word.isEmpty { el_deletestr(el, Int32(word.unicodeScalars.count)) }
            if !text.isEmpty { el_insertstr(el, text) }
        }
    }

    /// Prints the candidates in columns below the edited line; the caller returns
    /// CC_REDISPLAY so libedit redraws prompt and line underneath.
    private func list(_ candidates: [String], before: String, after: String) {
        let columns = terminalColumns()
        let width = LineEditor.displayWidth
        let widths = candidates.map(width)
        let columnWidth = (widths.max() ?? 0) + 2
        // Leave the last cell free: writing there makes some terminals wrap.
        let perRow = max(1, min(candidates.count, (columns - 1 + 2) / columnWidth))
        let rows = (candidates.count + perRow - 1) / perRow

        // libedit believes the cursor is on row `cursorRow` of its edit area and will
        // clear rows 0...last relative to it on CC_REDISPLAY: print the listing below
        // the whole edit area, then enough newlines that the redraw starts under it.
        let (cursorRow, lastRow) = editAreaRows(before: before, after: after)
        var out = String(repeating: "\n", count: lastRow - cursorRow + 1)
        for row in 0..<rows {
            var line = ""
            for column in 0..<perRow {
                let index = column * rows + row
                guard index < candidates.count else { break }
                line += candidates[index]
                if (column + 1) * rows + row < candidates.count {
                    line += String(repeating: " ", count: columnWidth - widths[index])
                }
            }
            out += line + "\n"
        }
        out += String(repeating: "\n", count: cursorRow)
        tally_el_write(out)
    }

    /// Rows (0 = the prompt's) of the cursor and of the end of the line, as displayed.
    private func editAreaRows(before: String, after: String) -> (cursor: Int, last: Int) {
        let width = LineEditor.displayWidth
        let columns = max(1, terminalColumns())
        let cursorColumns = width(visiblePrompt) + width(before)
        return (cursorColumns / columns, (cursorColumns + width(after)) / columns)
    }

    /// Text before and after the cursor in libedit's line buffer.
    private func currentLine() -> (before: String, after: String)? {
        guard let info = el_line(el)?.pointee,
              let buffer = info.buffer, let cursor = info.cursor, let end = info.lastchar
        else { return nil }
        return (LineEditor.string(from: buffer, to: cursor), LineEditor.string(from: cursor, to: end))
    }

    private func terminalColumns() -> Int {
        let columns = Int(tally_el_columns(el))
        if columns > 0 { return columns }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return Int(size.ws_col)
        }
        return 80
    }

    // MARK: Bracketed paste

    static let pasteStart = "\u{1B}[200~", pasteEnd = "\u{1B}[201~"

    /// After the start marker: reads the pasted bytes up to the end marker. Text without a
    /// line break is inserted at the cursor, to be edited like typed text; a block ends the
    /// line: it is shown (later lines after the continuation prompt) and `readLine` returns it.
    fileprivate func paste() -> UInt8 {
        let (before, after) = currentLine() ?? ("", "")
        guard let bytes = LineEditor.readPastedBytes() else {
            // Ctrl-C or the terminal went away during the paste: the line is dropped.
            pasted = .interrupted
            tally_el_write("^C\n")
            return UInt8(CC_NEWLINE)
        }
        var text = String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        guard text.contains("\n") else {
            if !text.isEmpty { el_insertstr(el, text) }
            return UInt8(CC_REFRESH)
        }
        while text.hasSuffix("\n") { text.removeLast() }
        pasted = .paste(before + text + after)
        let continuation = "\n" + LineEditor.removingEscapedParts(continuationPrompt)
        // libedit's cursor is after `before`: clear from there, show the rest as typed.
        tally_el_write("\u{1B}[J" + (text + after).replacingOccurrences(of: "\n", with: continuation) + "\n")
        return UInt8(CC_NEWLINE)
    }

    /// The pasted bytes, read one at a time so nothing after the end marker is consumed
    /// (libedit reads what follows). nil on Ctrl-C or end of input before the end marker.
    static func readPastedBytes() -> [UInt8]? {
        let end = Array(pasteEnd.utf8)
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(STDIN_FILENO, &byte, 1)
            if n == 1 {
                bytes.append(byte)
                if byte == end.last!, bytes.count >= end.count, bytes.suffix(end.count).elementsEqual(end) {
                    return Array(bytes.dropLast(end.count))
                }
                continue
            }
            if n < 0 && errno == EINTR && !interruptFlag.load(ordering: .relaxed) { continue }   // a resize
            return nil
        }
    }

    /// Asks the terminal to mark pasted text; turned off again at exit and while suspended.
    static func enableBracketedPaste() {
        guard !bracketedPaste.exchange(true, ordering: .relaxed) else { return }
        _ = pasteModeOn; _ = pasteModeOff                // initialised before any handler reads them
        atexit { LineEditor.disableBracketedPaste() }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = lineEditorSIGTSTP
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGTSTP, &action, nil)
        writePasteMode(pasteModeOn)
    }

    static func disableBracketedPaste() {
        guard bracketedPaste.exchange(false, ordering: .relaxed) else { return }
        writePasteMode(pasteModeOff)
    }

    /// Whether the terminal was asked to mark pastes (and has not been told to stop).
    static let bracketedPaste = Atomic<Bool>(false)
    nonisolated(unsafe) static let pasteModeOn: UnsafeMutablePointer<CChar> = strdup("\u{1B}[?2004h")!
    nonisolated(unsafe) static let pasteModeOff: UnsafeMutablePointer<CChar> = strdup("\u{1B}[?2004l")!

    /// write(2) only: also called from the SIGTSTP handler.
    static func writePasteMode(_ sequence: UnsafeMutablePointer<CChar>) {
        _ = write(STDOUT_FILENO, sequence, strlen(sequence))
    }

    // MARK: Helpers

    fileprivate var promptPointer: UnsafeMutablePointer<CChar> { promptBuffer }

    private static func string(from start: UnsafePointer<CChar>, to end: UnsafePointer<CChar>) -> String {
        let count = max(0, end - start)
        return String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    }

    static func commonPrefix(_ strings: [String]) -> String {
        guard var prefix = strings.first.map({ $0[...] }) else { return "" }
        for string in strings.dropFirst() {
            var i = prefix.startIndex, j = string.startIndex
            while i < prefix.endIndex, j < string.endIndex, prefix[i] == string[j] {
                i = prefix.index(after: i)
                j = string.index(after: j)
            }
            prefix = prefix[..<i]
        }
        return String(prefix)
    }

    /// The prompt without its "\u{01}"-wrapped non-printing parts.
    static func removingEscapedParts(_ prompt: String) -> String {
        var result = "", hidden = false
        for scalar in prompt.unicodeScalars {
            if scalar == "\u{01}" { hidden.toggle() } else if !hidden { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    // MARK: Process-wide setup

    /// libedit silently drops every non-ASCII byte unless LC_CTYPE is a UTF-8 locale.
    /// Only LC_CTYPE is touched (LC_ALL would change the decimal point).
    static func ensureUTF8Locale() {
        _ = setlocale(LC_CTYPE, "")
        if isUTF8Codeset() { return }
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] {
            if setlocale(LC_CTYPE, name) != nil, isUTF8Codeset() { return }
        }
    }

    private static func isUTF8Codeset() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    private static let handlerInstalled = Atomic<Bool>(false)

    /// SIGINT → `interruptFlag`. sa_flags 0 (no SA_RESTART) so blocking reads see EINTR.
    /// Installed once; libedit saves and restores it around each el_gets.
    static func installInterruptHandler() {
        guard !handlerInstalled.exchange(true, ordering: .relaxed) else { return }
        // Initialise the lazy static now: swift_once is not async-signal-safe.
        interruptFlag.store(false, ordering: .relaxed)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = lineEditorSIGINT
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }
}

// C callbacks: non-capturing; the editor comes back through EL_CLIENTDATA.

private func lineEditorSIGINT(_: Int32) {
    LineEditor.interruptFlag.store(true, ordering: .relaxed)
}

nonisolated(unsafe) private let emptyPrompt: UnsafeMutablePointer<CChar> = strdup("")!

private func lineEditorPrompt(_ el: OpaquePointer?) -> UnsafeMutablePointer<CChar>? {
    guard let el, let data = tally_el_get_clientdata(el) else { return emptyPrompt }
    return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().promptPointer
}

/// Ctrl-Z: bracketed paste off (the shell gets plain pastes), stop; on `fg`, on again. libedit
/// (during el_gets) restores the terminal first and passes the signal on to this handler.
private func lineEditorSIGTSTP(_: Int32) {
    LineEditor.writePasteMode(LineEditor.pasteModeOff)
    var stop = sigaction()
    stop.__sigaction_handler.sa_handler = SIG_DFL
    sigemptyset(&stop.sa_mask)
    var previous = sigaction()
    sigaction(SIGTSTP, &stop, &previous)
    var blocked = sigset_t()
    sigemptyset(&blocked)
    sigaddset(&blocked, SIGTSTP)
    sigprocmask(SIG_UNBLOCK, &blocked, nil)
    raise(SIGTSTP)                              // stopped here until SIGCONT
    sigaction(SIGTSTP, &previous, nil)
    if LineEditor.bracketedPaste.load(ordering: .relaxed) { LineEditor.writePasteMode(LineEditor.pasteModeOn) }
}

private func lineEditorPaste(_ el: OpaquePointer?, _: Int32) -> UInt8 {
    guard let el, let data = tally_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
    return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().paste()
}

private func lineEditorComplete(_ el: OpaquePointer?, _: Int32) -> UInt8 {
    guard let el, let data = tally_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
    return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().complete()
}
