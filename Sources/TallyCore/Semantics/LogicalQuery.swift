/// What a statement means, as the binder decided it: every name resolved to a column, a link,
/// a function or a value; every type known; every output named. Execution reads only this —
/// it never looks a name up — and `explain` prints it.

/// Where a bound node was written, for the errors only its values can raise (an overflow, a
/// duplicated key): a measure's nodes point into the measure's definition.
struct Origin: Sendable {
    let source: SourceFile
    let span: Span

    func error(_ message: String, notes: [String] = []) -> Diagnostic {
        Diagnostic(.error, message, in: source, span: span, notes: notes)
    }
}

/// A many-to-one link from `base` to `target`: each base row matches the target row whose key
/// columns equal its own columns (one pair for a single key, several for a composite one).
struct Link: Sendable {
    let base: Table
    let target: Table
    let baseColumns: [Table.Column]
    let keyColumns: [Table.Column]
    /// Declared with `link`, or inferred from a column both tables have.
    let declared: Bool

    /// Identifies the link's row map in the catalog's cache.
    var cacheKey: String {
        "\(ObjectIdentifier(base).hashValue)|\(ObjectIdentifier(target).hashValue)|"
            + zip(baseColumns, keyColumns).map { "\($0.name)=\($1.name)" }.joined(separator: ",")
    }

    var description: String {
        func cols(_ t: Table, _ c: [Table.Column]) -> String {
            c.count == 1 ? "\(t.name).\(c[0].name)" : "\(t.name).(\(c.map(\.name).joined(separator: ", ")))"
        }
        return "\(cols(base, baseColumns)) → \(cols(target, keyColumns))\(declared ? "" : " (inferred)")"
    }
}

/// An expression with every name resolved and its type known (`nil`: a typeless null).
struct BoundExpr: Sendable {
    indirect enum Kind: Sendable {
        case literal(Value)
        /// A column of the table the rows in scope belong to.
        case column(Table.Column)
        /// A column of another table, read through a link.
        case lookup(Link, Table.Column)
        /// In a grouped context: the group's value of the query's `by` item at this index.
        case dimension(Int)
        case negate(BoundExpr)
        case not(BoundExpr)
        case binary(BinaryOp, BoundExpr, BoundExpr)
        /// Operands of one precedence level applied left to right (a long `+` or `or` chain).
        case chain(BoundExpr, [BoundLink])
        case isNull(BoundExpr, negated: Bool)
        case between(BoundExpr, low: BoundExpr, high: BoundExpr, negated: Bool)
        case inValues(BoundExpr, [BoundExpr], negated: Bool)
        /// `x in (table [where …])`: is the value among the column's (filtered) values?
        case membership(BoundExpr, table: Table, column: Table.Column, filter: BoundExpr?, negated: Bool)
        case scalar(ScalarFunction, [BoundExpr])
        /// An aggregate over the rows of each group; `argument` is nil for a bare `count`.
        case aggregate(AggregateFunction, argument: BoundExpr?, distinct: Bool, filter: BoundExpr?)
        /// A string with `{expr}` parts, evaluated for each row (or group).
        case interpolated([BoundPart])
        /// A query in parentheses that gives one value.
        case subquery(LogicalQuery)
    }

    var kind: Kind
    var type: DataType?
    var origin: Origin
    /// The bound form as text: the same text means the same computation (the key under which
    /// a query computes an aggregate or a membership once), and `explain` shows it.
    var key: String
    /// The decimals its value shows with when it is rounded — `round(x, n)` outermost (through
    /// a named measure, a variable, a `let` table's column, a `by` item or a query in
    /// parentheses): n, none for n ≤ 0. nil for everything else (`round(x, 1) * 2` included).
    var decimals: Int? = nil
}

/// A step of a chain, with where it was written from the chain's start to this operand.
struct BoundLink: Sendable {
    var op: BinaryOp
    var operand: BoundExpr
    var origin: Origin
}

enum BoundPart: Sendable {
    case text(String)
    case value(BoundExpr, FormatSpec)
}

/// A bound query, in the order it runs: scan → filter → lookups → group → having →
/// aggregates → bucket / pct → total → sort → top.
struct LogicalQuery: Sendable {
    struct Dimension: Sendable {
        var expr: BoundExpr
        var name: String
        /// A lookup whose link key is itself a plain `by` column (`by teacher_id, teachers.name`):
        /// it adds no groups, so it is read once per group through the link.
        var readPerGroup: (link: Link, column: Table.Column)?
        /// `by all`: every value of this column is a group, with or without rows.
        var allValues: Table.Column?
    }

    struct Measure: Sendable {
        var expr: BoundExpr
        var name: String
    }

    struct Bucket: Sendable {
        var bounds: [(value: Double, text: String)]
        var countName: String
        /// The bands' names, in output order (the null band, when there is one, comes last).
        var labels: [String]
        /// `bucket VALUE at …`: the value banded per row; nil bands the query's one measure.
        var value: BoundExpr?
        var valueName: String
    }

    /// `across x`: the values of `x` become the result's columns.
    struct Across: Sendable {
        var expr: BoundExpr
        var name: String
        /// The values listed in the query, in order; nil: every value found, ascending.
        var values: [String]?
    }

    struct SortKey: Sendable {
        /// The output column's position.
        var column: Int
        var descending: Bool
        var order: [String]?
        /// `pinyin`: text compared as glibc's zh_CN.UTF-8 collation does (by pinyin), not by code point.
        var pinyin = false
    }

    /// `chart`: the result is drawn as a bar chart — one bar per row, of its one measure (the
    /// binder checked the shape). It changes no row: it is how the result is shown.
    struct Chart: Sendable {
        /// The query as written, without the word `chart` (the SVG's title).
        var title: String
        /// The output columns of the bars' labels and lengths.
        var label: String, value: String
        /// The measure drawn, where an error about its values (a negative one) points.
        var origin: Origin
    }

    /// `list`: the rows themselves; `measures` are then the columns shown for each row.
    var listing: Bool
    var table: Table
    var filter: BoundExpr?
    var dimensions: [Dimension]
    var having: BoundExpr?
    var measures: [Measure]
    var bucket: Bucket?
    var across: Across?
    /// The share column's name when the query has `pct` (bucket always has one).
    var share: String?
    var shareName: String
    var total: String?
    /// Positions in `columns` without the rank column (which, when asked for, comes first).
    var sort: [SortKey]
    var top: Int?
    var withTies: Bool
    /// `top N per …`: the output columns (positions as in `sort`) whose values each get N rows.
    var per: [Int]
    /// The rank column's name (`rank`, `rank as 名次`).
    var rank: String?
    var chart: Chart?
    /// The output columns, in order, with their types.
    var columns: [(name: String, type: DataType?)]
    var origin: Origin

    /// The lookups the query reads, each link once (for `explain`).
    var links: [Link] {
        var seen = Set<String>(), out: [Link] = []
        func visit(_ e: BoundExpr) {
            e.visit { node in
                if case .lookup(let l, _) = node.kind, seen.insert(l.cacheKey).inserted { out.append(l) }
            }
        }
        filter.map(visit)
        dimensions.forEach { visit($0.expr) }
        having.map(visit)
        measures.forEach { visit($0.expr) }
        return out
    }

    /// The logical query, one step a line, for `explain`.
    var explanation: String {
        var lines = ["scan \(table.name) (\(table.rowCount) rows)"]
        if let filter { lines.append("filter \(filter.key)") }
        for l in links { lines.append("lookup \(l.description)") }
        if !dimensions.isEmpty {
            lines.append("group by " + dimensions.map { d in
                let through = d.readPerGroup.map { " (read once per group through \($0.link.description))" } ?? ""
                return "\(d.allValues == nil ? "" : "all ")\(d.expr.key) as \(d.name)\(through)"
            }.joined(separator: ", "))
        }
        if let having { lines.append("having \(having.key)") }
        lines.append((listing ? "columns " : "aggregate ") + measures.map { "\($0.expr.key) as \($0.name)" }.joined(separator: ", "))
        if let b = bucket {
            lines.append("bucket \(b.value.map { "\($0.key) at " } ?? "")\(b.bounds.map(\.text).joined(separator: ", ")) (lower bounds inclusive) as \(b.labels.joined(separator: ", "))")
        }
        if let a = across { lines.append("across \(a.expr.key)\(a.values.map { " (\($0.joined(separator: ", ")))" } ?? " (a column per value found)")") }
        if let share { lines.append("pct as \(share)") }
        if let total { lines.append("total \"\(total)\"") }
        let shown = rank == nil ? columns : Array(columns.dropFirst())
        let sortKeys = sort.map { "\(shown[$0.column].name)\($0.order == nil ? "" : " (listed values first)")\($0.pinyin ? " pinyin" : "")\($0.descending ? " desc" : "")" }
        let groupOrder = bucket == nil ? dimensions.map { "\($0.name) (groups in order, nulls last)" } : listing ? ["the table's row order"] : []
        if !sortKeys.isEmpty || !groupOrder.isEmpty { lines.append("sort " + (sortKeys + groupOrder).joined(separator: ", ")) }
        if let rank { lines.append("rank as \(rank) (equal sort keys share a rank: 1, 2, 2, 4)\(per.isEmpty ? "" : " within " + per.map { shown[$0].name }.joined(separator: ", "))") }
        if let top { lines.append("top \(top)\(withTies ? " with ties" : "")\(per.isEmpty ? "" : " per " + per.map { shown[$0].name }.joined(separator: ", "))") }
        if let chart { lines.append("chart: a bar of \(chart.value) per \(chart.label) (the total row is not a bar)") }
        lines.append("output " + columns.map { "\($0.name) \($0.type?.rawValue ?? "null")" }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}

extension BoundExpr {
    /// Calls `body` on this node and every node under it (subqueries excluded: they run apart).
    func visit(_ body: (BoundExpr) -> Void) {
        body(self)
        switch kind {
        case .literal, .column, .lookup, .dimension, .subquery: break
        case .negate(let x), .not(let x), .isNull(let x, _): x.visit(body)
        case .binary(_, let a, let b): a.visit(body); b.visit(body)
        case .chain(let a, let rest): a.visit(body); rest.forEach { $0.operand.visit(body) }
        case .between(let x, let lo, let hi, _): x.visit(body); lo.visit(body); hi.visit(body)
        case .inValues(let x, let values, _): x.visit(body); values.forEach { $0.visit(body) }
        case .membership(let x, _, _, let filter, _): x.visit(body); filter?.visit(body)
        case .scalar(_, let args): args.forEach { $0.visit(body) }
        case .aggregate(_, let arg, _, let filter): arg?.visit(body); filter?.visit(body)
        case .interpolated(let parts):
            for case .value(let e, _) in parts { e.visit(body) }
        }
    }
}
