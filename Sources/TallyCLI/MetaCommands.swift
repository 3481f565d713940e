// The prompt's meta commands: a line starting with `.`. Their names, usage and summaries
// are in the library (Help.commands) so `.help` and TAB completion list the same ones.

import Foundation
import TallyCore

extension REPL {
    enum MetaResult { case keepGoing, quit }

    /// The prompt's own commands (`.help`, `.save`, `.quit`) and `.run` (whose statements are
    /// recorded for `.save`) run here; the others — settings, listings, an unknown command —
    /// the session runs, as it does in scripts.
    func meta(_ line: String) -> MetaResult {
        let source = SourceFile(name: "<prompt>", text: line)
        let c = MetaCommand(source, Span(0, source.bytes.count))
        switch Help.command(named: c.name)?.name {
        case ".help": help(c.argument)
        case ".save": save(c.argument, replacing: c.name == ".save!")
        case ".quit": return .quit
        case ".run":
            guard !c.argument.isEmpty else { usage(Help.command(named: ".run")!); return .keepGoing }
            runScript(c.argument)
        default:
            prepare()
            session.run(ParsedScript(source))
        }
        return .keepGoing
    }

    func usage(_ command: Help.Command) {
        output.diagnostic(Diagnostic(.error, "usage: \(command.usage)", notes: [command.summary]))
    }

    /// Help for the person at the prompt, on the terminal whatever the format.
    func say(_ text: String) { Terminal.write(text.hasSuffix("\n") ? text : text + "\n", fd: STDOUT_FILENO) }

    func help(_ topic: String) {
        if topic.isEmpty { return say(Help.overview()) }
        if topic.lowercased() == "commands" { return say(Help.commandList()) }
        guard let t = Help.topic(named: topic) else {
            var notes: [String] = []
            if let s = Suggest.closest(to: topic, in: Help.topics.map(\.name)) { notes.append("did you mean `\(s)`?") }
            notes.append("topics: " + Help.topics.map(\.name).joined(separator: ", "))
            output.diagnostic(Diagnostic(.error, "no help on `\(topic)`", notes: notes))
            return
        }
        say(Help.text(of: t))
    }

    /// Writes the statements that succeeded in this session as a script: into a folder that
    /// exists, and over an existing file only with `.save!`.
    func save(_ path: String, replacing: Bool) {
        guard !path.isEmpty else { usage(Help.command(named: ".save")!); return }
        let target = driver.absolute((path as NSString).expandingTildeInPath)
        let folder = (target as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            output.diagnostic(Diagnostic(.error, "cannot save to \(path): there is no folder \(folder)",
                                         notes: ["make it first (mkdir -p \(folder)), or save somewhere else"]))
            return
        }
        var isDirectory: ObjCBool = false   // a folder there is refused by the writer, which says so
        if !replacing && FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) && !isDirectory.boolValue {
            output.diagnostic(Diagnostic(.error, "\(path) exists already; it is left as it is",
                                         notes: [".save! \(path) replaces it"]))
            return
        }
        let parameters = session.catalog.overrides.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let text = driver.script.render(savingTo: target, parameters: parameters,
                                 header: "saved at the tally prompt; replay with: tally run \(path)")
        do { try AtomicFile.write(Array(text.utf8), to: target) } catch {
            output.diagnostic(Diagnostic(.error, "cannot write \(path): \(error.reason)", notes: error.notes))
            return
        }
        let n = driver.script.entries.count
        output.info("saved \(n) statement\(n == 1 ? "" : "s") to \(path) — replay with: tally run \(path)")
    }
}
