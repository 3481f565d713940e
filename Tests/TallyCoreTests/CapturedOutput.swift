@testable import TallyCore

/// A session's output kept in memory: results as the library's writer makes them (with the
/// settings the session handed over), rendered diagnostics, info lines.
final class CapturedOutput: SessionOutput {
    /// Emptied, it starts a new stream: the next result is the first again.
    var results = "" { didSet { if results.isEmpty { stream = ResultStream() } } }
    private var stream = ResultStream()
    /// The settings handed over with the last result.
    var display: DisplaySettings?
    var diagnostics: [String] = []
    var infos: [String] = []
    func show(_ shown: Shown, _ display: DisplaySettings, poll: () throws -> Void) throws {
        results += stream.next(try ResultWriter.write(shown, display, poll: poll), display.format)
        self.display = display
    }
    func diagnostic(_ d: Diagnostic) { diagnostics.append(d.render()) }
    func info(_ text: String) { infos.append(text) }
}
