/// An error or warning, with the place in a script or data file it is about.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning, note }

    /// Where a diagnostic points: a file, a 1-based line and column (in characters),
    /// the text of that line, and how many characters the carets cover.
    public struct Location: Sendable, Equatable {
        public var file: String
        public var line: Int
        public var column: Int
        public var lineText: String
        public var length: Int
        public init(file: String, line: Int, column: Int, lineText: String, length: Int) {
            self.file = file; self.line = line; self.column = column
            self.lineText = lineText; self.length = max(1, length)
        }
    }

    public var severity: Severity
    public var message: String
    public var location: Location?
    /// Lines shown after the caret line: "did you mean …", what was expected, a hint.
    public var notes: [String]

    public init(_ severity: Severity = .error, _ message: String, at location: Location? = nil, notes: [String] = []) {
        self.severity = severity
        self.message = message
        self.location = location
        self.notes = notes
    }

    /// A diagnostic about `span` of `source`; the carets cover the span's first line.
    public init(_ severity: Severity = .error, _ message: String, in source: SourceFile, span: Span, notes: [String] = []) {
        let (line, column) = source.lineAndColumn(of: span.start)
        let lineText = source.line(line)
        let (endLine, endColumn) = source.lineAndColumn(of: span.end)
        let length = endLine == line ? endColumn - column : lineText.unicodeScalars.count - column + 1
        self.init(severity, message,
                  at: Location(file: source.name, line: line, column: column, lineText: lineText, length: length),
                  notes: notes)
    }

    public var description: String { render() }

    /// `file:line:col: error: message`, the source line, carets under the span, then the notes.
    /// Caret padding counts display cells, so a line with Chinese text stays aligned.
    public func render() -> String {
        guard let l = location else {
            return (["\(severity.rawValue): \(message)"] + notes.map { "  = \($0)" }).joined(separator: "\n")
        }
        let scalars = Array(l.lineText.unicodeScalars)
        let before = String(String.UnicodeScalarView(scalars.prefix(max(0, l.column - 1))))
        let under = String(String.UnicodeScalarView(scalars.dropFirst(max(0, l.column - 1)).prefix(l.length)))
        let gutter = String(l.line)
        let pad = String(repeating: " ", count: gutter.count)
        let shownLine = l.lineText.visible()
        var out = "\(l.file):\(l.line):\(l.column): \(severity.rawValue): \(message.visible(tabs: false))\n"
        out += "\(gutter) | \(shownLine)\n"
        out += "\(pad) | " + String(repeating: " ", count: DisplayWidth.of(before.visible()))
            + String(repeating: "^", count: max(1, DisplayWidth.of(under.visible())))
        for n in notes { out += "\n\(pad) = \(n)" }
        return out
    }
}

extension String {
    /// The text as an error shows it: a tab as one space (so carets line up), a NUL byte as
    /// `\0` and other control characters as `\u{1B}`, so none of them garbles the terminal.
    fileprivate func visible(tabs: Bool = true) -> String {
        guard unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return self }
        var out = ""
        for u in unicodeScalars {
            switch u.value {
            case 0x09: out += tabs ? " " : "\t"
            case 0x0A: out += "\n"
            case 0: out += "\\0"
            case 0..<0x20, 0x7F: out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}

/// Suggests the known name closest to a misspelt one ("did you mean `enrolled`?").
public enum Suggest {
    public static func closest(to name: String, in candidates: [String]) -> String? {
        let target = Array(name.lowercased())
        var best: (String, Int)?
        for c in candidates {
            let d = distance(target, Array(c.lowercased()))
            let limit = max(1, min(3, max(target.count, c.count) / 3))
            if d <= limit, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { cur[j] = min(cur[j], prev2[j - 2] + 1) }
            }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }
}

/// A statement stopped because the session's `isCancelled` turned true (Ctrl-C at the
/// prompt): not an error in the statement. The session reports it as "cancelled" and counts it
/// in `Outcome.cancelled`.
public struct Cancelled: Error, Sendable {
    public init() {}
}
