/// A token: its kind and where it lies in the source. Text is read from the source on demand.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case identifier        // name, 课程编号, `quoted name`
        case keyword(Keyword)
        case integer, decimal  // 42, 3.5
        case string            // "text {interpolated}" or 'text'
        case symbol(Symbol)
        case newline           // ends a statement unless the statement goes on (see Parser)
        case end
    }

    public var kind: Kind
    public var span: Span
    /// Identifiers: the name (backticks removed). Strings: the raw body between the quotes.
    public var text: String

    public init(_ kind: Kind, _ span: Span, _ text: String = "") {
        self.kind = kind; self.span = span; self.text = text
    }
}

public enum Symbol: String, Sendable, CaseIterable {
    case lparen = "(", rparen = ")", comma = ",", dot = ".", semicolon = ";"
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
    case eq = "=", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
}

/// Keywords are ASCII and case-insensitive. Function names (sum, avg, month, …) are not
/// keywords: a column may be called `month`.
public enum Keyword: String, Sendable, CaseIterable {
    // statements
    case load, from, with, measure, link, to, set, `let`, print, check, warn, include, export, describe, summary, explain
    // query clauses
    case `where`, by, having, bucket, pct, total, sort, asc, desc, top, `as`, list
    // expressions
    case and, or, not, `in`, between, `is`, null, `true`, `false`, count, distinct, like

    /// Keywords that may start a continuation line: a newline before them does not end the statement.
    public var continuesStatement: Bool {
        switch self {
        case .where, .by, .having, .bucket, .pct, .total, .sort, .top, .and, .or, .to, .with: true
        default: false
        }
    }
}
