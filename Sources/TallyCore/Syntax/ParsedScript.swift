import Foundation

/// A text parsed once: its statements and dot-commands in order, or the errors that keep it
/// from running, and whether it is complete. At the prompt the same parsed form decides the
/// continuation prompt, is run (`Session.run(_:baseDirectory:)`) and is recorded for `.save`.
///
/// A line that starts with `.` and a letter (`.format csv`, `.tables`) is a dot-command, up to
/// a `;`, a `--` comment or the end of the line — unless it is inside a string that an earlier
/// line opened.
public struct ParsedScript: Sendable {
    public enum Item: Sendable {
        case statement(Statement)
        case command(MetaCommand)
    }

    public let source: SourceFile
    /// The statements and commands, when there are no errors.
    public let items: [Item]
    /// The first lexical error of each part, or its syntax errors: nothing runs when there is one.
    public let errors: [Diagnostic]
    /// False when the text needs another line: a string or a parenthesis is still open, or the
    /// parser ran out of input where the grammar expects more (`count enrollments where`,
    /// `sum(`, a trailing comma or operator). The REPL shows its continuation prompt then.
    public let isComplete: Bool
    /// Whether the text ends inside a string (or quoted name) it opened: a next line that starts
    /// with `.` is then text, not a command.
    public let endsInString: Bool

    public var statements: [Statement] {
        items.compactMap { if case .statement(let s) = $0 { s } else { nil } }
    }

    public init(_ source: SourceFile) {
        self.source = source
        let b = source.bytes
        var items: [Item] = [], errors: [Diagnostic] = []
        var chunkStart = 0
        var lineStart = 0
        while lineStart < b.count {
            let lineEnd = b[lineStart...].firstIndex(of: 10) ?? b.count
            var j = lineStart
            while true {   // commands at the line's start, and after a command's `;`
                while j < lineEnd && (b[j] == 32 || b[j] == 9) { j += 1 }
                guard j + 1 < lineEnd, b[j] == 46, ParsedScript.isASCIILetter(b[j + 1]) else { break }
                let before = ParsedScript.parse(source, chunkStart..<j)
                if before.insideString { break }
                items += before.items
                errors += before.errors
                let end = ParsedScript.commandEnd(b, from: j, lineEnd: lineEnd)
                items.append(.command(MetaCommand(source, Span(j, end))))
                chunkStart = end < lineEnd && b[end] == 59 ? end + 1 : end   // after a `;`; a comment is lexed
                guard chunkStart > end else { break }
                j = chunkStart
            }
            lineStart = lineEnd + 1
        }
        let last = ParsedScript.parse(source, chunkStart..<b.count)
        items += last.items
        errors += last.errors
        self.errors = errors
        self.items = errors.isEmpty ? items : []
        isComplete = last.complete
        endsInString = last.insideString
    }

    /// The text of a statement, as written.
    public func text(of statement: Statement) -> String { source.slice(statement.span) }

    /// The text of a statement or a command, as written.
    public func text(of item: Item) -> String {
        switch item {
        case .statement(let s): source.slice(s.span)
        case .command(let c): source.slice(c.span).trimmingCharacters(in: .whitespaces)
        }
    }

    private static func isASCIILetter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }

    /// Where a command starting at `start` ends: at a `;` or `--` outside quotes, or at the line's end.
    private static func commandEnd(_ b: [UInt8], from start: Int, lineEnd: Int) -> Int {
        var quote: UInt8?
        var i = start
        while i < lineEnd {
            if let q = quote {
                if b[i] == q { quote = nil }
            } else if b[i] == 34 || b[i] == 39 {
                quote = b[i]
            } else if b[i] == 59 || (b[i] == 45 && i + 1 < lineEnd && b[i + 1] == 45) {
                return i
            }
            i += 1
        }
        return lineEnd
    }

    /// The statements of one part of the source (between commands).
    private static func parse(_ source: SourceFile, _ range: Range<Int>) -> (items: [Item], errors: [Diagnostic], complete: Bool, insideString: Bool) {
        let tokens: [Token]
        do {
            tokens = try Lexer.tokenize(source, range: range)
        } catch {
            let d = error as? Diagnostic ?? Diagnostic(.error, "\(error)")
            let open = d.message.contains("never closed")
            return ([], [d], !open, open)
        }
        var depth = 0
        for t in tokens {
            if t.kind == .symbol(.lparen) { depth += 1 }
            if t.kind == .symbol(.rparen) { depth -= 1 }
        }
        var parser = Parser(source: source, tokens: tokens)
        let (statements, errors) = parser.parseScript()
        return (statements.map(Item.statement), errors, depth <= 0 && (errors.isEmpty || !parser.endedEarly), false)
    }
}

/// A dot-command written in a script or typed at the prompt: `.format csv`, `.schema teachers`.
public struct MetaCommand: Sendable {
    /// `.format`, lowercased.
    public var name: String
    /// The rest of the command, trimmed; quotes around all of it removed.
    public var argument: String
    /// The rest of the command, trimmed, its quotes kept (`.once "a b.xlsx" sheet "区县"`).
    public var rawArgument: String
    public var span: Span

    public init(_ source: SourceFile, _ span: Span) {
        self.span = span
        let text = source.slice(span).trimmingCharacters(in: .whitespaces)
        let name = text.prefix(while: { !$0.isWhitespace })
        self.name = name.lowercased()
        var argument = text.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        rawArgument = argument
        if argument.count >= 2, let q = argument.first, q == "\"" || q == "'", argument.last == q {
            argument = String(argument.dropFirst().dropLast())
        }
        self.argument = argument
    }
}
