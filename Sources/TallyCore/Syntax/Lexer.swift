/// Turns source text into tokens. Comments (`--` to the end of the line, and a `#!` first
/// line) are skipped; newlines inside parentheses are dropped, others become one `newline`
/// token each run of blank lines.
public struct Lexer {
    private let source: SourceFile
    private let b: [UInt8]
    private var i = 0
    private var depth = 0

    private let limit: Int

    /// A lexer over `range` of the source (all of it by default); spans stay absolute.
    public init(_ source: SourceFile, range: Range<Int>? = nil) {
        self.source = source
        self.b = source.bytes
        self.i = range?.lowerBound ?? 0
        self.limit = range?.upperBound ?? source.bytes.count
    }

    public static func tokenize(_ source: SourceFile, range: Range<Int>? = nil) throws -> [Token] {
        var lexer = Lexer(source, range: range)
        var tokens: [Token] = []
        while true {
            let t = try lexer.next()
            if t.kind == .newline, tokens.last?.kind == .newline || tokens.isEmpty { continue }
            tokens.append(t)
            if t.kind == .end { return tokens }
        }
    }

    private func error(_ message: String, _ start: Int, _ end: Int, notes: [String] = []) -> Diagnostic {
        Diagnostic(.error, message, in: source, span: Span(start, end), notes: notes)
    }

    mutating func next() throws -> Token {
        if i == 0 && b.starts(with: [35, 33]) { while i < limit && b[i] != 10 { i += 1 } }  // #!
        while i < limit {
            let c = b[i]
            if c == 32 || c == 9 || c == 13 || c == 0x0C { i += 1; continue }
            if c == 0xE3 && i + 2 < limit && b[i + 1] == 0x80 && b[i + 2] == 0x80 { i += 3; continue }  // ideographic space
            if c == 45 && i + 1 < limit && b[i + 1] == 45 {  // -- comment
                while i < limit && b[i] != 10 { i += 1 }
                continue
            }
            if c == 10 {
                i += 1
                if depth == 0 { return Token(.newline, Span(i - 1, i)) }
                continue
            }
            break
        }
        guard i < limit else { return Token(.end, Span(limit, limit)) }
        let start = i
        let c = b[i]
        if c == 34 || c == 39 { return try string(quote: c) }
        if c == 96 { return try quotedIdentifier() }
        if isDigit(c) || (c == 46 && i + 1 < limit && isDigit(b[i + 1])) { return number() }
        if isIdentifierStart(at: i) {
            while i < limit && isIdentifierContinue(at: i) { i += scalarLength(b[i]) }
            let text = String(decoding: b[start..<i], as: UTF8.self)
            if let k = Lexical.keyword(text) {
                return Token(.keyword(k), Span(start, i), text)
            }
            return Token(.identifier, Span(start, i), text)
        }
        // Symbols, longest first.
        let two = i + 1 < limit ? String(decoding: b[i...(i + 1)], as: UTF8.self) : ""
        switch two {
        case "<=": i += 2; return Token(.symbol(.le), Span(start, i))
        case ">=": i += 2; return Token(.symbol(.ge), Span(start, i))
        case "!=", "<>": i += 2; return Token(.symbol(.ne), Span(start, i))
        case "==": i += 2; return Token(.symbol(.eq), Span(start, i))
        default: break
        }
        if c == 38 || c == 124 {   // `&&`, `||` (and `&`, `|`): the shell's and C's
            let n = i + 1 < limit && b[i + 1] == c ? 2 : 1
            let op = String(decoding: b[i..<(i + n)], as: UTF8.self), word = c == 38 ? "and" : "or"
            var lineStart = start, lineEnd = start
            while lineStart > 0 && b[lineStart - 1] != 10 { lineStart -= 1 }
            while lineEnd < b.count && b[lineEnd] != 10 { lineEnd += 1 }
            throw error("`\(op)` is not part of the language: Tally writes `\(word)`", start, start + n,
                        notes: ["write: " + Lexer.replacingShellOperators(Array(b[lineStart..<lineEnd]))])
        }
        if let s = Symbol(rawValue: String(UnicodeScalar(c))), c < 128 {
            i += 1
            if s == .lparen { depth += 1 }
            if s == .rparen { depth = max(0, depth - 1) }
            return Token(.symbol(s), Span(start, i))
        }
        // Full-width punctuation that Chinese input methods type by accident.
        let n = scalarLength(c)
        let ch = String(decoding: b[i..<min(limit, i + n)], as: UTF8.self)
        let hints: [String: String] = ["，": ",", "（": "(", "）": ")", "“": "\"", "”": "\"", "；": ";", "＝": "=", "：": ":", "‘": "'", "’": "'"]
        if let ascii = hints[ch] {
            throw error("full-width `\(ch)` is not part of the language", start, start + n,
                        notes: ["use the ASCII `\(ascii)` instead"])
        }
        throw error("unexpected character `\(ch)`", start, start + n)
    }

    /// A line with `&&`/`&` written `and` and `||`/`|` written `or` (outside quotes), spaced.
    static func replacingShellOperators(_ line: [UInt8]) -> String {
        var out: [UInt8] = []
        var quote: UInt8?
        var i = 0
        while i < line.count {
            let c = line[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == 34 || c == 39 || c == 96 {
                quote = c
            } else if c == 38 || c == 124 {
                i += i + 1 < line.count && line[i + 1] == c ? 2 : 1
                while out.last == 32 { out.removeLast() }
                out += Array((c == 38 ? " and " : " or ").utf8)
                while i < line.count && line[i] == 32 { i += 1 }
                continue
            }
            out.append(c)
            i += 1
        }
        let trimmed = out.drop(while: { $0 == 32 || $0 == 9 }).reversed().drop(while: { $0 == 32 || $0 == 9 || $0 == 13 }).reversed()
        return String(decoding: Array(trimmed), as: UTF8.self)
    }

    private mutating func number() -> Token {
        let start = i
        while i < limit && isDigit(b[i]) { i += 1 }
        var isDecimal = false
        if i < limit && b[i] == 46 && i + 1 < limit && isDigit(b[i + 1]) {
            isDecimal = true
            i += 1
            while i < limit && isDigit(b[i]) { i += 1 }
        }
        return Token(isDecimal ? .decimal : .integer, Span(start, i), String(decoding: b[start..<i], as: UTF8.self))
    }

    /// A string in single or double quotes; a quote is written twice to include it.
    /// The token's text is the raw body: interpolation (`{expr}`) is parsed by the parser.
    private mutating func string(quote: UInt8) throws -> Token {
        let start = i
        i += 1
        var body: [UInt8] = []
        while true {
            guard i < limit else {
                throw error("this string is never closed", start, start + 1,
                            notes: ["close it with \(quote == 34 ? "\"" : "'")"])
            }
            if b[i] == quote {
                if i + 1 < limit && b[i + 1] == quote { body.append(quote); i += 2; continue }
                i += 1
                break
            }
            body.append(b[i])
            i += 1
        }
        return Token(.string, Span(start, i), String(decoding: body, as: UTF8.self))
    }

    private mutating func quotedIdentifier() throws -> Token {
        let start = i
        i += 1
        var body: [UInt8] = []
        while true {
            guard i < limit, b[i] != 10 else {
                throw error("this quoted name is never closed", start, start + 1, notes: ["close it with `"])
            }
            if b[i] == 96 {
                if i + 1 < limit && b[i + 1] == 96 { body.append(96); i += 2; continue }
                i += 1
                break
            }
            body.append(b[i])
            i += 1
        }
        if body.isEmpty { throw error("a quoted name cannot be empty", start, i) }
        return Token(.identifier, Span(start, i), String(decoding: body, as: UTF8.self))
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    private func scalarLength(_ c: UInt8) -> Int {
        c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4
    }

    private func scalar(at j: Int) -> Unicode.Scalar? {
        let n = scalarLength(b[j])
        guard j + n <= limit else { return nil }
        return String(decoding: b[j..<(j + n)], as: UTF8.self).unicodeScalars.first
    }

    /// Name characters: Lexical.isNameStart / isNameContinue, ASCII without decoding.
    private func isIdentifierStart(at j: Int) -> Bool {
        if b[j] < 0x80 { return Lexical.isNameStart(Unicode.Scalar(b[j])) }
        return scalar(at: j).map(Lexical.isNameStart) ?? false
    }

    private func isIdentifierContinue(at j: Int) -> Bool {
        if b[j] < 0x80 { return Lexical.isNameContinue(Unicode.Scalar(b[j])) }
        return scalar(at: j).map(Lexical.isNameContinue) ?? false
    }
}
