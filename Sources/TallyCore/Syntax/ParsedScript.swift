/// A text parsed once: its statements, or the errors that keep it from running, and whether it
/// is complete. At the prompt the same parsed form decides the continuation prompt, is run
/// (`Session.run(_:baseDirectory:)`) and is recorded for `.save` (SavedScript).
public struct ParsedScript: Sendable {
    public let source: SourceFile
    /// The statements, when there are no errors.
    public let statements: [Statement]
    /// The first lexical error, or every syntax error: nothing runs when there is one.
    public let errors: [Diagnostic]
    /// False when the text needs another line: a string or a parenthesis is still open, or the
    /// parser ran out of input where the grammar expects more (`count enrollments where`,
    /// `sum(`, a trailing comma or operator). The REPL shows its continuation prompt then.
    public let isComplete: Bool

    public init(_ source: SourceFile) {
        self.source = source
        let tokens: [Token]
        do {
            tokens = try Lexer.tokenize(source)
        } catch {
            let d = error as? Diagnostic ?? Diagnostic(.error, "\(error)")
            (statements, errors, isComplete) = ([], [d], !d.message.contains("never closed"))
            return
        }
        var depth = 0
        for t in tokens {
            if t.kind == .symbol(.lparen) { depth += 1 }
            if t.kind == .symbol(.rparen) { depth -= 1 }
        }
        var parser = Parser(source: source, tokens: tokens)
        let (parsed, errors) = parser.parseScript()
        self.statements = errors.isEmpty ? parsed : []
        self.errors = errors
        isComplete = depth <= 0 && (errors.isEmpty || !parser.endedEarly)
    }

    /// The text of a statement, as written.
    public func text(of statement: Statement) -> String { source.slice(statement.span) }
}
