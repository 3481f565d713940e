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
    /// Three or more operands of one precedence level, left to right: `a + b - c`, `x or y or z`.
    case chain(Expr, [ChainLink])
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
    /// `{expr}`, or `{expr:SPEC}`: `{x:.1}` one decimal, `{month:02}` zero padded to 2 digits.
    case expr(Expr, FormatSpec)
}

/// One step of a chain: the operator and the operand after it.
public struct ChainLink: Sendable {
    public var op: BinaryOp
    public var operand: Expr
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
    /// `sort district pinyin`: text in the order of glibc's zh_CN.UTF-8 collation (by pinyin);
    /// where the word was written.
    public var pinyin: Span? = nil
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
    /// `bucket EXPR at N, …`: the value banded for each row (the measures are then per band);
    /// without it, bucket bands the query's one measure.
    public var bucketValue: Item?
    /// `bucket … labels ("优秀", …)`: the bands' names, highest band first as written.
    public var bucketLabels: [String]?
    /// `by all x`: the positions of the `by` items whose every value is a group, rows or not.
    public var allValues: Set<Int> = []
    /// `across x [("a", "b")]`: the values of `x` become columns (a cross-tab).
    public var across: Item?
    public var acrossValues: [String]?
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
    /// `chart`: the result drawn as a bar chart (on screen, or as SVG by `export … to "x.svg"`).
    public var chart = false
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
    case export(Query, to: Expr, ExportOptions)
    case describe(Name, DescribeMode)
    /// `explain QUERY`: the logical query the binder makes of it, with its resolved links.
    case explain(Query)
}

/// What follows `export QUERY to FILE`: `sheet NAME`, the workbook's sheet to write (.xlsx),
/// and `with bom`, a byte-order mark before the text (.csv). Each keeps where it was written.
public struct ExportOptions: Sendable {
    public var sheet: Expr?
    /// From `sheet` to the end of the name.
    public var sheetSpan: Span?
    /// `with bom`.
    public var bom: Span?
    public init(sheet: Expr? = nil, sheetSpan: Span? = nil, bom: Span? = nil) {
        self.sheet = sheet; self.sheetSpan = sheetSpan; self.bom = bom
    }
}

public struct Statement: Sendable {
    public var kind: StatementKind
    public var span: Span
}

/// How a `{…}` value is written: `[0 width][.decimals]` after a colon. `.N` rounds a number to N
/// decimals (half away from zero); `0W` pads a number with zeros after its sign to W characters.
public struct FormatSpec: Sendable, Equatable {
    public var width: Int?
    public var decimals: Int?
    public static let maxWidth = 64

    public init(width: Int? = nil, decimals: Int? = nil) { self.width = width; self.decimals = decimals }

    /// Parses `02`, `.1`, `06.2`; nil for anything else (then the colon is not a spec).
    public init?(_ text: String) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let w = parts[0], d = parts.count > 1 ? parts[1] : nil
        guard w.isEmpty || (w.first == "0" && w.allSatisfy(\.isASCIIDigit)), d.map({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) ?? !w.isEmpty else {
            return nil
        }
        width = w.isEmpty ? nil : Int(w) ?? Int.max
        decimals = d.map { Int($0) ?? Int.max }
    }

    /// `:…` as written, for the bound form's key.
    public var text: String { (width.map { "0\($0)" } ?? "") + (decimals.map { ".\($0)" } ?? "") }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
