import Foundation

/// What `.save FILE` writes: the statements that succeeded at the prompt (command-line loads,
/// startup scripts, typed statements, `.run` scripts), in order, as a script `tally run FILE`
/// replays with the same results.
///
/// Each statement is kept with the folder its relative paths are relative to. When saved
/// into another folder, plain string paths of `load`, `include` and `export` are rewritten
/// so they still point at the same files.
public struct SavedScript: Sendable {
    public struct Entry: Sendable, Equatable {
        /// The statement as it was written.
        public var text: String
        /// The absolute folder its relative paths are relative to.
        public var baseDirectory: String
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Records the statements of `parsed` that succeeded: the first `completed` ones (a run
    /// stops at the first that fails; see `Session.Outcome.completed`). The statements of
    /// scripts they include are not recorded: the `include` replays them.
    public mutating func record(_ parsed: ParsedScript, completed: Int, baseDirectory: String) {
        for s in parsed.statements.prefix(completed) {
            entries.append(Entry(text: parsed.text(of: s), baseDirectory: baseDirectory))
        }
    }

    /// The script, for a file at `path`. `parameters` (from `--set`) become `set` lines first,
    /// so the script replays without them. A parameter that names an existing file or folder
    /// relative to `startDirectory` (a command-line path) is rewritten relative to the saved
    /// script's folder, as a path written in the script is read.
    public func render(savingTo path: String, parameters: [(String, Value)] = [], header: String? = nil,
                       startDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        let folder = SavedScript.standardized((path as NSString).deletingLastPathComponent)
        var lines: [String] = []
        if let header { lines.append("-- " + header) }
        for (name, value) in parameters {
            var value = value
            if case .string(let p) = value, !p.isEmpty, !p.hasPrefix("/"), !p.hasPrefix("~") {
                let absolute = SavedScript.standardized((startDirectory as NSString).appendingPathComponent(p))
                if FileManager.default.fileExists(atPath: absolute) { value = .string(SavedScript.relative(absolute, to: folder)) }
            }
            lines.append("set \(Lexical.name(name)) = \(Lexical.literal(value))")
        }
        for e in entries {
            lines.append(SavedScript.relocated(e.text, from: e.baseDirectory, to: folder))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` with the plain relative paths of a `load`, `include` or `export` rewritten
    /// from `base` to `folder`.
    static func relocated(_ text: String, from base: String, to folder: String) -> String {
        let base = standardized(base)
        guard base != folder else { return text }
        let source = SourceFile(name: "<saved>", text: text)
        guard let statements = try? Parser.parseOrThrow(source), statements.count == 1 else { return text }
        let pathExpr: Expr
        switch statements[0].kind {
        case .load(_, let p, _): pathExpr = p
        case .include(let p): pathExpr = p
        case .export(_, let p, _): pathExpr = p
        default: return text
        }
        guard case .literal(.string(let path)) = pathExpr.kind, !path.hasPrefix("/"), !path.hasPrefix("~") else { return text }
        let absolute = standardized((base as NSString).appendingPathComponent(path))
        let moved = relative(absolute, to: folder)
        let bytes = source.bytes
        return String(decoding: bytes[..<pathExpr.span.start], as: UTF8.self) + Lexical.string(moved)
            + String(decoding: bytes[pathExpr.span.end...], as: UTF8.self)
    }

    /// `path` relative to `folder` (both absolute and standardized): `exports/2002`, or
    /// `../exports/2002` when they share a folder below the root, else `path` itself.
    static func relative(_ path: String, to folder: String) -> String {
        if path == folder { return "." }
        let p = path.split(separator: "/"), f = folder.split(separator: "/")
        var common = 0
        while common < min(p.count, f.count) && p[common] == f[common] { common += 1 }
        guard common > 0 else { return path }
        let up = Array(repeating: "..", count: f.count - common)
        return (up + p[common...].map(String.init)).joined(separator: "/")
    }

    static func standardized(_ path: String) -> String {
        var p = (path as NSString).expandingTildeInPath
        if p.isEmpty { p = "." }
        if !p.hasPrefix("/") { p = (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(p) }
        return (p as NSString).standardizingPath
    }
}
