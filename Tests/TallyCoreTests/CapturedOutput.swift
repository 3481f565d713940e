@testable import TallyCore

/// A session's output kept in memory: results, rendered diagnostics, info lines.
final class CapturedOutput: SessionOutput {
    var results = ""
    var diagnostics: [String] = []
    var infos: [String] = []
    func result(_ text: String) { results += text }
    func diagnostic(_ d: Diagnostic) { diagnostics.append(d.render()) }
    func info(_ text: String) { infos.append(text) }
}
