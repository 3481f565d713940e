/// Decides whether typed text is a complete statement or needs another line: used by the
/// REPL for its continuation prompt. Text is incomplete when a string or a parenthesis is
/// still open, or when the parser ran out of input where the grammar expects more
/// (`count enrollments where`, `sum(`, a trailing comma or operator).
public enum Completeness {
    public static func isComplete(_ text: String) -> Bool {
        let source = SourceFile(name: "<input>", text: text)
        let tokens: [Token]
        do {
            tokens = try Lexer.tokenize(source)
        } catch let d as Diagnostic {
            return !d.message.contains("never closed")
        } catch {
            return true
        }
        var depth = 0
        for t in tokens {
            if t.kind == .symbol(.lparen) { depth += 1 }
            if t.kind == .symbol(.rparen) { depth -= 1 }
        }
        if depth > 0 { return false }
        var parser = Parser(source: source, tokens: tokens)
        let (_, errors) = parser.parseScript()
        return errors.isEmpty || !parser.endedEarly
    }
}
