/// Recursive descent over the tokens, one method per grammar rule (see Grammar.md), each
/// opening with its rule. The rules live by grammar area: statements (Parser+Statements.swift),
/// queries and their clauses (Parser+Queries.swift), expressions and strings
/// (Parser+Expressions.swift); this file holds the state and the token helpers.
///
/// Statements end at `;`, at the end of the input, or at a newline — unless the statement
/// cannot end there (inside parentheses, after an operator, a comma or a clause keyword) or the
/// next line starts with a keyword that continues it (`Keyword.continuesStatement`: the clause
/// keywords, `and`, `or`, `to`, `with`). After an error the parser skips to the next statement,
/// so one run reports every syntax error once.
public struct Parser {
    let source: SourceFile
    var tokens: [Token]
    var pos = 0
    var depth = 0
    /// The keyword the last failed `expect` wanted, and where: a misspelling of it there needs no
    /// did-you-mean, the error names it already.
    var expectedKeyword: (Keyword, at: Int)?
    public static let maxDepth = 200

    public init(source: SourceFile, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    /// Parses a whole script. Throws the first lexical error; returns the statements and
    /// the syntax errors found (statements with errors are left out).
    public static func parse(_ source: SourceFile) throws -> (statements: [Statement], errors: [Diagnostic]) {
        var p = Parser(source: source, tokens: try Lexer.tokenize(source))
        return p.parseScript()
    }

    /// Parses a script and throws its first error, if any.
    public static func parseOrThrow(_ source: SourceFile) throws -> [Statement] {
        let (statements, errors) = try parse(source)
        if let first = errors.first { throw first }
        return statements
    }

    // MARK: Token helpers

    var current: Token { tokens[pos] }

    /// The next token where the grammar needs one: newlines are skipped.
    mutating func peek() -> Token {
        while tokens[pos].kind == .newline { pos += 1 }
        return tokens[pos]
    }

    /// The next token where the statement may end: a newline counts, unless the next line
    /// starts with a keyword that continues the statement.
    mutating func peekOptional() -> Token {
        if tokens[pos].kind == .newline, pos + 1 < tokens.count,
           case .keyword(let k) = tokens[pos + 1].kind, k.continuesStatement {
            pos += 1
        }
        return tokens[pos]
    }

    @discardableResult
    mutating func advance() -> Token {
        let t = peek()
        if t.kind != .end { pos += 1 }
        return t
    }

    mutating func check(_ k: Keyword) -> Bool { peekOptional().kind == .keyword(k) }
    mutating func check(_ s: Symbol) -> Bool { peekOptional().kind == .symbol(s) }

    mutating func match(_ k: Keyword) -> Bool {
        if check(k) { pos += 1; return true }
        return false
    }

    mutating func match(_ s: Symbol) -> Bool {
        if check(s) { pos += 1; return true }
        return false
    }

    @discardableResult
    mutating func expect(_ k: Keyword, _ what: String) throws -> Token {
        let t = peek()
        guard t.kind == .keyword(k) else {
            expectedKeyword = (k, pos)
            throw unexpected(t, expected: what)
        }
        pos += 1
        return t
    }

    @discardableResult
    mutating func expect(_ s: Symbol, _ what: String) throws -> Token {
        let t = peek()
        guard t.kind == .symbol(s) else { throw unexpected(t, expected: what) }
        pos += 1
        return t
    }

    mutating func expectName(_ what: String) throws -> Name {
        let t = peek()
        guard t.kind == .identifier else {
            if case .keyword(let k) = t.kind {
                throw error("`\(k.rawValue)` is a keyword, not a name", t.span,
                            notes: ["expected \(what); to use `\(k.rawValue)` as a name, quote it: `\(k.rawValue)` in backticks"])
            }
            throw unexpected(t, expected: what)
        }
        pos += 1
        return Name(text: t.text, span: t.span)
    }

    func describe(_ t: Token) -> String {
        switch t.kind {
        case .end: "the end of the input"
        case .newline: "the end of the line"
        case .string: "a string"
        case .integer, .decimal: "the number \(t.text)"
        default: "`\(source.slice(t.span))`"
        }
    }

    func error(_ message: String, _ span: Span, notes: [String] = []) -> Diagnostic {
        Diagnostic(.error, message, in: source, span: span, notes: notes)
    }

    /// Set when an error was found at the end of the input: the statement may just be unfinished.
    var endedEarly = false

    mutating func unexpected(_ t: Token, expected: String) -> Diagnostic {
        if t.kind == .end { endedEarly = true }
        return error("expected \(expected), found \(describe(t))", t.span)
    }

    mutating func enter(_ span: Span) throws {
        depth += 1
        if depth > Parser.maxDepth {
            throw error("this expression is nested too deeply (more than \(Parser.maxDepth) levels)", span)
        }
    }
}
