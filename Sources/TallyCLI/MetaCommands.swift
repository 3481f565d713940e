// The prompt's meta commands: a line starting with `.`. Their names, usage and summaries
// are in the library (Help.commands) so `.help` and TAB completion list the same ones.

import Foundation
import TallyCore

extension REPL {
    enum MetaResult { case keepGoing, quit }

    func meta(_ line: String) -> MetaResult {
        let name = String(line.prefix(while: { !$0.isWhitespace }))
        var argument = line.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        if argument.count >= 2, let q = argument.first, q == "\"" || q == "'", argument.last == q {
            argument = String(argument.dropFirst().dropLast())
        }
        guard let command = Help.command(named: name) else {
            var notes: [String] = []
            if let s = Suggest.closest(to: name, in: Help.commands.map(\.name)) { notes.append("did you mean `\(s)`?") }
            notes.append(".help lists the commands")
            output.diagnostic(Diagnostic(.error, "unknown command `\(name)`", notes: notes))
            return .keepGoing
        }
        switch command.name {
        case ".help": help(argument)
        case ".tables": tables()
        case ".schema": schema(argument)
        case ".measures": measures()
        case ".format": format(argument)
        case ".rows": rows(argument)
        case ".timer": timerCommand(argument)
        case ".run":
            guard !argument.isEmpty else { usage(command); return .keepGoing }
            timed { runScript(argument) }
        case ".save": save(argument)
        case ".quit": return .quit
        default: break
        }
        return .keepGoing
    }

    func usage(_ command: Help.Command) {
        output.diagnostic(Diagnostic(.error, "usage: \(command.usage)", notes: [command.summary]))
    }

    func say(_ text: String) { output.result(text.hasSuffix("\n") ? text : text + "\n") }

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

    func tables() {
        guard !session.catalog.tables.isEmpty else {
            return say("no tables loaded yet: load \"FOLDER\" reads a folder of exports (.help load)")
        }
        output.show(Listing.tables(session.catalog), format: session.format)
    }

    func schema(_ name: String) {
        guard !name.isEmpty else { usage(Help.command(named: ".schema")!); return }
        let tableName = name.hasPrefix("`") && name.hasSuffix("`") && name.count >= 2 ? String(name.dropFirst().dropLast()) : name
        guard let table = session.catalog.table(tableName) else {
            let known = session.catalog.tables.map(\.name)
            var notes: [String] = []
            if let s = Suggest.closest(to: tableName, in: known) { notes.append("did you mean `\(s)`?") }
            notes.append(known.isEmpty ? "no table is loaded yet" : "tables: " + known.joined(separator: ", "))
            output.diagnostic(Diagnostic(.error, "unknown table `\(tableName)`", notes: notes))
            return
        }
        output.show(Listing.schema(table), format: session.format)
    }

    func measures() {
        guard !session.catalog.measureOrder.isEmpty else {
            return say("no measures yet: define one with  measure passrate = sum(passed) / sum(participated) * 100")
        }
        output.show(Listing.measures(session.catalog), format: session.format)
    }

    func format(_ name: String) {
        guard !name.isEmpty else { return say("format: \(session.format.rawValue)") }
        guard let f = OutputFormat(rawValue: name.lowercased()) else {
            usage(Help.command(named: ".format")!); return
        }
        session.format = f
    }

    func rows(_ value: String) {
        guard !value.isEmpty else { return say("rows: " + (output.rowLimit.map(String.init) ?? "all")) }
        if value.lowercased() == "all" { output.rowLimit = nil; return }
        guard let n = Int(value), n > 0 else { usage(Help.command(named: ".rows")!); return }
        output.rowLimit = n
    }

    func timerCommand(_ value: String) {
        switch value.lowercased() {
        case "": say("timer: " + (timer ? "on" : "off"))
        case "on": timer = true
        case "off": timer = false
        default: usage(Help.command(named: ".timer")!)
        }
    }

    /// Writes the statements that succeeded in this session as a script.
    func save(_ path: String) {
        guard !path.isEmpty else { usage(Help.command(named: ".save")!); return }
        let target = driver.absolute((path as NSString).expandingTildeInPath)
        let parameters = session.catalog.overrides.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let text = driver.script.render(savingTo: target, parameters: parameters,
                                 header: "saved at the tally prompt; replay with: tally run \(path)")
        do {
            let folder = (target as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        } catch {
            output.diagnostic(Diagnostic(.error, "cannot write \(path): \(error.localizedDescription)"))
            return
        }
        let n = driver.script.entries.count
        output.info("saved \(n) statement\(n == 1 ? "" : "s") to \(path) — replay with: tally run \(path)")
    }
}
