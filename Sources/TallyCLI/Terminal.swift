import Foundation
import TallyCore

/// Sends a session's output to the process's stdout and stderr.
/// A closed pipe on stdout (`tally … | head`) ends the process quietly; any other failure to
/// write stdout (a full disk, `> /dev/full`) is an error on stderr and exit status 1, so a
/// report that was not written never looks like a success.
final class Terminal: SessionOutput {
    /// Results written so far: the next is set apart from them.
    private var stream = ResultStream()

    /// Batch output: tables as the writer makes them, cut to `.rows N`; no width to fit.
    func show(_ shown: Shown, _ display: DisplaySettings, poll: () throws -> Void) throws {
        Terminal.write(stream.next(try ScreenFit.text(shown, display, width: nil, bold: false, poll: poll), display.format), fd: 1)
    }

    /// Red `error:`, yellow `warning:` and carets: only on a terminal, never with NO_COLOR.
    let colour = Terminal.wantsColour(fd: 2)

    func diagnostic(_ d: Diagnostic) { Terminal.write(Terminal.render(d, colour: colour) + "\n", fd: 2) }

    func info(_ text: String) { Terminal.write(text + "\n", fd: 2) }

    static func write(_ text: String, fd: Int32) {
        let failure = AtomicFile.writeAll(Array(text.utf8), to: fd)
        if failure == EPIPE { exit(0) }
        if failure != 0 && fd == STDOUT_FILENO { outputFailed(failure) }
    }

    /// Reports a failed write to stdout on stderr and ends the process with status 1.
    static func outputFailed(_ code: Int32) -> Never {
        write("error: cannot write the output to stdout: \(String(cString: strerror(code)))\n", fd: STDERR_FILENO)
        exit(1)
    }

    /// Colour is for people: `fd` and stdout are terminals, NO_COLOR is unset or empty
    /// (no-color.org) and TERM is not "dumb".
    static func wantsColour(fd: Int32, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if let v = environment["NO_COLOR"], !v.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(fd) == 1 && isatty(STDOUT_FILENO) == 1
    }

    static let red = "\u{1B}[1;31m", yellow = "\u{1B}[1;33m", cyan = "\u{1B}[1;36m", bold = "\u{1B}[1m", reset = "\u{1B}[0m"

    /// A diagnostic as the engine renders it, with the severity word and the carets coloured.
    static func render(_ d: Diagnostic, colour: Bool) -> String {
        let text = d.render()
        guard colour else { return text }
        let tint = d.severity == .error ? red : (d.severity == .warning ? yellow : cyan)
        var lines = text.components(separatedBy: "\n")
        let word = d.severity.rawValue + ":"
        if let r = lines[0].range(of: word) {
            lines[0].replaceSubrange(r, with: tint + word + reset + bold)
            lines[0] += reset
        }
        for i in lines.indices.dropFirst() {
            // The caret line: "  |   ^^^^".
            guard let bar = lines[i].range(of: "| "), lines[i][..<bar.lowerBound].allSatisfy({ $0 == " " }) else { continue }
            let rest = lines[i][bar.upperBound...]
            if rest.contains("^"), rest.allSatisfy({ $0 == " " || $0 == "^" }) {
                let first = rest.firstIndex(of: "^")!
                lines[i] = String(lines[i][..<first]) + tint + String(lines[i][first...]) + reset
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Writes to a closed pipe fail with EPIPE instead of killing the process.
    static func ignoreBrokenPipe() { signal(SIGPIPE, SIG_IGN) }

    static func exitCode(_ o: Session.Outcome) -> Int32 {
        o.errors > 0 ? 1 : (o.failedChecks > 0 ? 3 : 0)
    }
}
