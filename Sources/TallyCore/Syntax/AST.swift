/// The syntax tree. Every node keeps its span, so any later error can point at it.

public struct Name: Sendable, Equatable {
    public var text: String
    public var span: Span
}

public indirect enum ExprKind: Sendable {
    case literal(Value)
    /// A string literal with `{expr}` parts.
    case interpolated([StringPart])
    /// A column, a measure, or a variable (`let`, `set`), resolved by the evaluator.
    case name(String)
    /// `table.column`: a column of another table, reached through a link.
    case qualified(table: Name, column: Name)
    case negate(Expr)
    case not(Expr)
    case binary(BinaryOp, Expr, Expr)
    /// Functions and aggregates: `sum(x)`, `count(distinct x where c)`, `month(t)`, bare `count`.
    case call(name: Name, args: [Expr], distinct: Bool, filter: Expr?)
    /// `x in (1, 2)`, or membership in another table: `x in (enrollments where paid)`.
    case inList(Expr, [Expr], filter: Expr?, negated: Bool)
    case between(Expr, low: Expr, high: Expr, negated: Bool)
    case isNull(Expr, negated: Bool)
    /// A query in parentheses used as a value: `(count courses where tutors > 0)`.
    case subquery(Query)
}

public enum StringPart: Sendable {
    case text(String)
    /// `{expr}`, or `{expr:.N}` to show N decimals.
    case expr(Expr, decimals: Int?)
}

public enum BinaryOp: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case eq = "=", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case and, or
    /// `s like "王%"`: `%` any run of characters, `_` one, `\` makes the next one literal.
    case like
}

public struct Expr: Sendable {
    public var kind: ExprKind
    public var span: Span
}

/// An output column: an expression and the name it is shown under.
public struct Item: Sendable {
    public var expr: Expr
    public var alias: Name?
}

public struct SortKey: Sendable {
    public var column: Name
    public var descending: Bool
    /// `sort rating ("很满意", "满意", …)`: these values first, in this order.
    public var order: [String]?
}

/// `measures TABLE [where …] [by …] [bucket …] [pct] [total] [sort …] [top N]`, or
/// `list [columns] TABLE [where …] [sort …] [top N]` (the rows themselves).
public struct Query: Sendable {
    /// `list`: the items are columns of each row, not measures.
    public var listing = false
    public var items: [Item]
    public var table: Name
    public var filter: Expr?
    public var dimensions: [Item] = []
    /// `having`: a condition on each group's measures, keeping the groups where it holds.
    public var having: Expr?
    public var bucket: [(value: Double, text: String)]?
    public var pct = false
    /// The name of the share column (`pct as 占比`); "share" by default.
    public var shareName = "share"
    /// The name of bucket's count column (`bucket 90,80 as 课程数`); "count" by default.
    public var bucketCountName = "count"
    public var total: String?
    public var sort: [SortKey] = []
    public var top: Int?
    /// `top N with ties`: rows tied with the last one kept are kept too.
    public var withTies = false
    /// `top N per col, …`: the first N rows of each value of these output columns.
    public var per: [Name] = []
    /// `rank [as NAME]`: a column numbering the rows in the sort's order (1, 2, 2, 4).
    public var rank: String?
    /// Where each clause keyword was written, for errors about clauses.
    public var clauseSpans: [String: Span] = [:]
    public var span: Span
}

/// `NAME VALUE` after `load … with`, or `NAME (item, …)`: one entry per item of the list.
/// An item `name = name` (`types (score = decimal)`) has a key and a `.name` value.
public struct LoadOption: Sendable {
    public struct Entry: Sendable {
        public var key: Name?
        public var value: Expr
    }
    public var name: Name
    public var entries: [Entry]
}

/// What `describe` shows: the columns, the load that made the table, or a first look at its values.
public enum DescribeMode: Sendable { case columns, load, summary }

public enum StatementKind: Sendable {
    case query(Query)
    case load(name: Name?, path: Expr, options: [LoadOption])
    case measure(Name, Expr)
    /// `link t.c to u[.k]`, or `link t.(a, b) to u.(x, y)` for a key of several columns.
    case link(table: Name, columns: [Name], target: Name, keys: [Name])
    case set(Name, Expr)
    case `let`(Name, Expr)
    case print(Expr)
    case check(Expr, warning: Bool)
    case include(Expr)
    case export(Query, to: Expr)
    case describe(Name, DescribeMode)
    /// `explain QUERY`: the logical query the binder makes of it, with its resolved links.
    case explain(Query)
}

public struct Statement: Sendable {
    public var kind: StatementKind
    public var span: Span
}
