import Foundation

/// The dot-commands that work everywhere — at the prompt, in `-c`, pipes and scripts: the
/// settings (`.format`, `.rows`, `.decimals`, `.thousands`, `.percent`, `.timer`), the listings (`.tables`, `.schema`, `.measures`),
/// `.run`, and the result files (`.once`, `.export`). The prompt's own (`.help`, `.save`, `.quit`) are an error elsewhere that says
/// what a script does instead (`Help.Command.scriptForm`).
extension Session {
    func runCommand(_ c: MetaCommand, source: SourceFile, baseDirectory: String, outcome: inout Outcome) throws {
        func fail(_ message: String, _ notes: [String]) -> Diagnostic {
            Diagnostic(.error, message, in: source, span: c.span, notes: notes)
        }
        guard let command = Help.command(named: c.name) else {
            var notes: [String] = []
            if let s = Suggest.closest(to: c.name, in: Help.commands.map(\.name)) { notes.append("did you mean `\(s)`?") }
            throw fail("unknown command `\(c.name)`", notes + [".help at the prompt lists the commands"])
        }
        if let form = command.scriptForm {
            throw fail("`\(command.name)` works at the prompt only", [form])
        }
        let usage = fail("usage: \(command.usage)", [command.summary])
        let argument = c.argument
        switch command.name {
        case ".format":
            guard !argument.isEmpty else { return try say("format: \(display.format.rawValue)") }
            guard let f = OutputFormat(rawValue: argument.lowercased()) else { throw usage }
            display.format = f
        case ".rows":
            guard !argument.isEmpty else { return try say("rows: " + (display.rowLimit.map(String.init) ?? "all")) }
            if argument.lowercased() == "all" { display.rowLimit = nil; return }
            guard let n = Int(argument), n > 0 else { throw usage }
            display.rowLimit = n
        case ".decimals":
            guard !argument.isEmpty else { return try say("decimals: \(display.decimals)") }
            guard let n = Int(argument), (0...Format.maxDefaultDecimals).contains(n) else { throw usage }
            display.decimals = n
        case ".thousands": display.thousands = try toggle(display.thousands, "thousands", argument, usage)
        case ".percent": display.percent = try toggle(display.percent, "percent", argument, usage)
        case ".timer": timer = try toggle(timer, "timer", argument, usage)
        case ".tables":
            try list(catalog.tables.isEmpty ? "no tables loaded yet: load \"FOLDER\" reads a folder of exports (.help load)" : nil) {
                Listing.tables(catalog)
            }
        case ".schema":
            guard !argument.isEmpty else { throw usage }
            let name = argument.hasPrefix("`") && argument.hasSuffix("`") && argument.count >= 2
                ? String(argument.dropFirst().dropLast()) : argument
            guard let table = catalog.table(name) else {
                let known = catalog.tables.map(\.name)
                var notes: [String] = []
                if let s = Suggest.closest(to: name, in: known) { notes.append("did you mean `\(s)`?") }
                notes.append(known.isEmpty ? "no table is loaded yet" : "tables: " + known.joined(separator: ", "))
                throw fail("unknown table `\(name)`", notes)
            }
            try show(.table(Listing.schema(table)))
        case ".measures":
            try list(catalog.measureOrder.isEmpty ? "no measures yet: define one with  measure passrate = sum(passed) / sum(participated) * 100" : nil) {
                Listing.measures(catalog)
            }
        case ".run":
            // Like `include`: the script's path is relative to this script's folder.
            guard !argument.isEmpty else { throw usage }
            let path = resolve((argument as NSString).expandingTildeInPath, baseDirectory)
            guard includeDepth < 32 else { throw fail("scripts nested more than 32 deep (does a script run itself?)", []) }
            includeDepth += 1
            defer { includeDepth -= 1 }
            let inner = runFile(path)
            outcome.failedChecks += inner.failedChecks
            outcome.warnings += inner.warnings
            if inner.errors > 0 { throw Diagnostic(.note, "in the script run here", in: source, span: c.span) }
        case ".once", ".export":
            // The file (its path relative to this script's folder) and export's options:
            // `.once FILE [sheet NAME] [with bom]`; the next result table goes there, or the last one.
            guard !argument.isEmpty else { throw usage }
            let file = Self.fileAndOptions(c.rawArgument) ?? (argument, nil, false)
            var target = try resultTarget((file.path as NSString).expandingTildeInPath, baseDirectory, source, c.span)
            if let sheet = file.sheet { try target.setSheet(sheet, clause: c.span, name: c.span) }
            if file.bom { try target.setBOM(c.span) }
            if command.name == ".once" { once = target; return }
            guard let result = lastResult else {
                throw fail("there is no result to write yet", ["run a query first, or write one at once: export QUERY to \"\(file.path)\""])
            }
            try write(result, to: target)
        default:
            throw fail("`\(command.name)` works at the prompt only", [])
        }
    }

    /// `FILE [sheet NAME] [with bom]`, each of FILE and NAME quoted (`"…"`, `'…'`) or a word;
    /// nil when the words after FILE are not those options (then all of it is the file's path,
    /// as `.once my report.csv` has always meant).
    static func fileAndOptions(_ raw: String) -> (path: String, sheet: String?, bom: Bool)? {
        var words: [(text: String, quoted: Bool)] = []
        var rest = Substring(raw)
        while let first = rest.first {
            if first == " " || first == "\t" { rest = rest.dropFirst(); continue }
            if first == "\"" || first == "'" {
                guard let close = rest.dropFirst().firstIndex(of: first) else { return nil }
                words.append((String(rest[rest.index(after: rest.startIndex)..<close]), true))
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? rest.endIndex
                words.append((String(rest[..<end]), false))
                rest = rest[end...]
            }
        }
        guard let path = words.first else { return nil }
        var i = 1, sheet: String?, bom = false
        func keyword(_ k: String) -> Bool { i < words.count && !words[i].quoted && words[i].text.lowercased() == k }
        if keyword("sheet"), i + 1 < words.count { sheet = words[i + 1].text; i += 2 }
        if keyword("with"), i + 1 < words.count, !words[i + 1].quoted, words[i + 1].text.lowercased() == "bom" { bom = true; i += 2 }
        return i == words.count ? (path.text, sheet, bom) : nil
    }

    /// An on/off setting's new value: `on`, `off`, or as it is when nothing is given (and shown: `timer: off`).
    private func toggle(_ setting: Bool, _ name: String, _ argument: String, _ usage: Diagnostic) throws -> Bool {
        switch argument.lowercased() {
        case "": try say("\(name): " + (setting ? "on" : "off")); return setting
        case "on": return true
        case "off": return false
        default: throw usage
        }
    }

    /// A command's short answer (`format: csv`), shown as a result.
    private func say(_ text: String) throws { try show(.text(text)) }

    /// A listing shown like a result, or what to do when there is nothing to list.
    private func list(_ whenEmpty: String?, _ listing: () -> ResultTable) throws {
        if let whenEmpty { try say(whenEmpty) } else { try show(.table(listing())) }
    }
}
