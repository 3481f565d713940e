/// Compiles a bound query (LogicalQuery.swift) to one SQL statement for another engine, with
/// Tally's semantics spelled out: division by zero is null (`NULLIF`), integers stay 64-bit
/// (a sum that does not fit is the engine's overflow error), decimals are doubles (never SQL
/// DECIMAL), text compares byte by byte (code points), groups come out in ascending order with
/// nulls last, `top`/`rank` use the same keys and tie-breaks as the in-memory engine. A
/// construct the engine cannot compute exactly as Tally does is an error at compile time,
/// located at the construct and naming the engine — never a silently different answer.
///
/// The statement's columns are the query's output columns in order, then, when the query has
/// a total row, a last boolean column `__total` true on that row (which comes last).
public enum SQLDialect: String, CaseIterable, Sendable {
    case duckdb, spark

    public var engineName: String { self == .duckdb ? "DuckDB" : "Spark" }
}

public struct SQLCompiler: Sendable {
    public let dialect: SQLDialect
    /// `across` without listed values: the values found (by `acrossValues`), one column each.
    var acrossFound: [Value]?

    public init(dialect: SQLDialect) { self.dialect = dialect }

    // MARK: Spelling

    func ident(_ s: String) -> String {
        dialect == .spark ? "`" + s.replacingOccurrences(of: "`", with: "``") + "`"
            : "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    func string(_ s: String) -> String {
        // Line breaks as chr(…), so that every literal stays on its line (statements are indented).
        if s.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
            var parts: [String] = [], current = ""
            for u in s.unicodeScalars {
                if u == "\n" || u == "\r" {
                    parts.append(quote(current)); parts.append("chr(\(u.value))"); current = ""
                } else { current.unicodeScalars.append(u) }
            }
            parts.append(quote(current))
            return "(" + parts.joined(separator: " || ") + ")"
        }
        return quote(s)
    }

    private func quote(_ s: String) -> String {
        // Spark reads a backslash in a string literal as an escape.
        dialect == .spark ? "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
            : "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A decimal as a double, through its shortest text (a bare `3.5` is a SQL DECIMAL).
    func double(_ d: Double) -> String { "CAST(\(string("\(d)")) AS DOUBLE)" }

    func literal(_ v: Value) -> String {
        switch v {
        case .null: "NULL"
        case .integer(let i): i == .min ? "(-9223372036854775807 - 1)" : "\(i)"
        case .decimal(let d): double(d)
        case .boolean(let b): b ? "TRUE" : "FALSE"
        case .date(let s): "DATE " + string(CivilCalendar.format(seconds: s, dateOnly: true))
        case .timestamp(let s): "TIMESTAMP " + string(CivilCalendar.format(seconds: s, dateOnly: false))
        case .string(let s): string(s)
        }
    }

    /// The engine's name of a Tally type.
    func sqlType(_ t: DataType?) -> String {
        switch t {
        case .integer?: "BIGINT"
        case .decimal?: "DOUBLE"
        case .boolean?: "BOOLEAN"
        case .date?: "DATE"
        case .timestamp?: "TIMESTAMP"
        case .string?, nil: dialect == .spark ? "STRING" : "VARCHAR"
        }
    }

    /// The column that numbers a table's rows in file order (the ties of `list`, `bucket`'s rows).
    func rowNumber(_ alias: String) -> String { dialect == .spark ? "\(alias).__row" : "\(alias).rowid" }

    func unsupported(_ what: String, at origin: Origin, _ note: String? = nil) -> Diagnostic {
        origin.error("\(dialect.engineName) cannot compute \(what) exactly as Tally does", notes: (note.map { [$0] } ?? [])
                     + ["run this statement without --engine, or rewrite it without \(what)"])
    }

    /// The session settings the statements rely on, run before them: tables keep their rows'
    /// order (`list`'s ties), and DuckDB's expression rewriter stays off — it folds `m * 10 > 0`
    /// into `m > 0`, which would lose Tally's overflow error.
    public var preamble: [String] {
        dialect == .duckdb ? ["SET preserve_insertion_order = true", "SET disabled_optimizers = 'expression_rewriter'", "SET enable_progress_bar = false"]
            : ["SET spark.sql.ansi.enabled = true", "SET spark.sql.session.timeZone = UTC"]
    }

    /// The statements of a text that holds several (Spark's read of a file is two), split at
    /// each `;` that ends a line outside quotes.
    func statements(_ sql: String) -> [String] {
        var out: [String] = [], current = "", quote: Character?, escaped = false
        let chars = Array(sql)
        for (i, ch) in chars.enumerated() {
            if let q = quote {
                if escaped { escaped = false } else if ch == "\\" && dialect == .spark && q == "'" { escaped = true } else if ch == q { quote = nil }
            } else if ch == "'" || ch == "\"" || ch == "`" {
                quote = ch
            } else if ch == ";" && (i + 1 == chars.count || chars[i + 1] == "\n") {
                out.append(current)
                current = ""
                continue
            }
            current.append(ch)
        }
        if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { out.append(current) }
        return out.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    // MARK: Loads

    /// The statement that makes `name` a table of the engine from a UTF-8 CSV file with a header
    /// line and the given column types (the clean file an `Engine` writes, or an export whose
    /// values are in plain forms). With `mapBooleans`, boolean columns are read as text and
    /// mapped as Tally reads them (是/否, Y/N, true/false, 1/0, any case); another value is an error.
    func createTable(_ name: String, csv path: String, columns: [(name: String, type: DataType?)], delimiter: String = ",",
                     skip: Int = 0, nulls: [String] = [], mapBooleans: Bool = false) -> String {
        let booleans = mapBooleans ? columns.filter { $0.type == .boolean }.map(\.name) : []
        let read = columns.map { (name: $0.name, type: booleans.contains($0.name) ? DataType.string : $0.type) }
        let mapped = booleans.map { c -> String in
            let v = "lower(trim(\(ident(c))))"
            return "CASE WHEN \(ident(c)) IS NULL THEN NULL WHEN \(v) IN ('是', 'y', 'true', '1') THEN TRUE WHEN \(v) IN ('否', 'n', 'false', '0') THEN FALSE"
                + " ELSE \(dialect == .spark ? "raise_error" : "error")(\(string("not a boolean in column \(c): ")) || \(ident(c))) END AS \(ident(c))"
        }
        if dialect == .spark {
            // Every column read as text (FAILFAST: a malformed row is an error, never nulls),
            // then typed under ANSI casts, which fail on a value that does not fit; the null
            // markers in any case, as Tally reads them. An empty field is null and a quoted
            // empty one ("") empty text, as DuckDB reads them: Spark's reader gives an unquoted
            // empty field its nullValue, and then a field equal to nullValue is null. So that no
            // other field is, nullValue is a text no file holds: a lone surrogate (U+D800),
            // which decoding UTF-8 never gives (Tally reads only valid UTF-8 here, and Java
            // decodes an invalid sequence as U+FFFD). The typed view is cached: read and
            // numbered once, not again by every query.
            let file = ident(name + "__file")
            let markers = nulls.map { string($0.uppercased()) }.joined(separator: ", ")
            let typed = columns.map { c -> String in
                if let i = booleans.firstIndex(of: c.name) { return mapped[i] }
                let v = nulls.isEmpty ? ident(c.name) : "CASE WHEN upper(trim(\(ident(c.name)))) IN (\(markers)) THEN NULL ELSE \(ident(c.name)) END"
                return c.type == .string || c.type == nil ? "\(v) AS \(ident(c.name))" : "CAST(\(v) AS \(sqlType(c.type))) AS \(ident(c.name))"
            }
            return """
                CREATE OR REPLACE TEMPORARY VIEW \(file) (\(columns.map { "\(ident($0.name)) STRING" }.joined(separator: ", ")))
                USING csv OPTIONS (path \(string(path)), header 'true', sep \(string(delimiter)), quote '"', escape '"', multiLine 'true', mode 'FAILFAST', nullValue '\\uD800');
                CREATE OR REPLACE TEMPORARY VIEW \(ident(name)) AS
                SELECT monotonically_increasing_id() AS __row, \(typed.joined(separator: ", "))
                FROM \(file);
                CACHE LAZY TABLE \(ident(name))
                """
        }
        let cols = read.map { "\(string($0.name)): \(string(sqlType($0.type)))" }.joined(separator: ", ")
        let nullstr = nulls.isEmpty ? "''" : "[" + ([""] + nulls).map(string).joined(separator: ", ") + "]"
        return """
            CREATE OR REPLACE TABLE \(ident(name)) AS
            SELECT *\(mapped.isEmpty ? "" : " REPLACE (" + mapped.joined(separator: ", ") + ")")
            FROM read_csv(\(string(path)), header = true, delim = \(string(delimiter)), quote = '"', escape = '"',\(skip > 0 ? " skip = \(skip)," : "")
                nullstr = \(nullstr), allow_quoted_nulls = false, auto_detect = false,
                columns = {\(cols)})
            """
    }

    /// A Parquet file, or a folder of them (with `key=value` subfolders as columns), as the
    /// engine reads it; `numbered`: with the row number a listing is ordered by (the file's
    /// path, then the row's place in it) as the column `row`.
    func parquet(_ path: String, folder: Bool, numbered: Bool = false) -> (from: String, row: String) {
        if dialect == .spark {
            return ("parquet.\(ident(path))", "named_struct('file', _metadata.file_path, 'row', _metadata.row_index)")
        }
        let files = string(folder ? path + (path.hasSuffix("/") ? "" : "/") + "**/*.parquet" : path)
        return ("read_parquet(\(files)\(numbered ? ", filename = true, file_row_number = true" : ""))",
                "{'file': filename, 'row': file_row_number}")
    }

    /// The query that lists the columns of `from` and their engine types (the first two cells).
    func columnsQuery(_ from: String) -> String { "DESCRIBE \(dialect == .spark ? "QUERY " : "")SELECT * FROM \(from)" }

    /// `name` as a view of rows the engine holds (a database's table, Parquet files), with
    /// Tally's column types and `row` as the row number listings order by: nothing is copied.
    func view(_ name: String, of from: String, row: String, columns: [(name: String, type: DataType?)]) -> String {
        let typed = columns.map { "CAST(\(ident($0.name)) AS \(sqlType($0.type))) AS \(ident($0.name))" }
        let numbered = "\(row) AS \(dialect == .spark ? "__row" : "rowid")"
        return "CREATE OR REPLACE \(dialect == .spark ? "TEMPORARY " : "")VIEW \(ident(name)) AS SELECT \(([numbered] + typed).joined(separator: ", ")) FROM \(from)"
    }

    // MARK: Queries

    /// Names given inside one statement (table aliases), so that nested parts never clash.
    final class Names {
        var next = 0
        func fresh(_ prefix: String) -> String { next += 1; return "\(prefix)\(next)" }
    }

    /// The rows an expression is computed over: a table under an alias, and the lookups it
    /// needs, each link joined once.
    final class RowScope {
        let table: Table
        let alias: String
        var joins: [(key: String, alias: String, sql: String)] = []
        init(table: Table, alias: String) { self.table = table; self.alias = alias }
    }

    /// Where an expression is compiled.
    struct Context {
        var rows: RowScope?
        /// Per group: each `by` item's SQL.
        var dimensions: [String] = []
        /// Added to every aggregate's filter (a cross-tab's cell).
        var extraFilter: String?
        /// A bare `count` counts this column's non-null values (groups built by a left join,
        /// where a group without rows has one row of nulls).
        var countColumn: String?
    }

    func from(_ scope: RowScope) -> String {
        "\(ident(scope.table.name)) AS \(scope.alias)" + scope.joins.map { "\n    " + $0.sql }.joined()
    }

    /// The scope as the right side of a join: its join tree in parentheses.
    func joined(_ scope: RowScope) -> String { scope.joins.isEmpty ? from(scope) : "(\(from(scope)))" }

    /// A null of the type an expression has (SQL needs one where Tally's null fits any type).
    func typedNull(_ t: DataType?) -> String { t == nil ? "NULL" : "CAST(NULL AS \(sqlType(t)))" }

    /// The query as one statement (with the `__total` column when it has a total row).
    func compile(_ q: LogicalQuery) throws -> String {
        try compile(q, names: Names())
    }

    private func hasTotal(_ q: LogicalQuery) -> Bool {
        guard q.total != nil, !q.listing else { return false }
        return q.bucket != nil || !q.dimensions.isEmpty
    }

    func compile(_ q: LogicalQuery, names: Names) throws -> String {
        let scope = RowScope(table: q.table, alias: names.fresh("t"))
        var ctes: [(String, String)] = []
        var main: String             // the result rows, as columns c1…cN (before the rank column)
        var tie: [String] = []       // the tie-breaking order after the sort keys
        var total: [String]?         // the total row's cells
        let shown = q.rank == nil ? q.columns : Array(q.columns.dropFirst())
        let where_ = try q.filter.map { try condition($0, Context(rows: scope), names) }
        func whereClause(_ s: RowScope, _ extra: String? = nil) -> String {
            let parts = [where_, extra].compactMap { $0 }
            return parts.isEmpty ? "" : "\nWHERE " + parts.joined(separator: " AND ")
        }
        let c = { (i: Int) in "c\(i + 1)" }

        if q.listing {
            var cols: [String] = []
            for (i, m) in q.measures.enumerated() { cols.append("\(try expr(m.expr, Context(rows: scope), names)) AS \(c(i))") }
            cols.append("\(rowNumber(scope.alias)) AS __row")
            main = "SELECT " + cols.joined(separator: ", ") + "\nFROM " + from(scope) + whereClause(scope)
            tie = ["__row"]
        } else if let b = q.bucket {
            (main, total) = try bucket(q, b, scope, where_, names, &ctes)
            tie = ["__band"]
        } else if let a = q.across {
            (main, total) = try crossTab(q, a, scope, where_, names)
            tie = q.dimensions.indices.map { "\(c($0)) NULLS LAST" }
        } else {
            let dims = try q.dimensions.map { try expr($0.expr, Context(rows: scope), names) }
            var cols: [String] = []
            let byAll = q.dimensions.first?.allValues
            let dom = names.fresh("d")
            // `by all`: the groups are every value of the column and those in scope; a group
            // without rows is one row of nulls from the left join, so `count` counts a column.
            let measureContext = byAll == nil ? Context(rows: scope, dimensions: dims)
                : Context(rows: scope, dimensions: ["\(dom).v"], countColumn: rowNumber(scope.alias))
            var measures: [String] = []
            for m in q.measures { measures.append(try expr(m.expr, measureContext, names)) }
            let having = try q.having.map { "\nHAVING " + (try condition($0, Context(rows: scope, dimensions: dims), names)) } ?? ""
            let fromSQL: String, group: String
            if let column = byAll {
                let home = RowScope(table: tableOf(q.dimensions[0].expr, q.table), alias: names.fresh("v"))
                let domain = "SELECT \(home.alias).\(ident(column.name)) AS v FROM \(ident(home.table.name)) AS \(home.alias)"
                    + "\n    UNION SELECT \(dims[0]) FROM \(from(scope))\(whereClause(scope))"
                fromSQL = "(\(domain)) AS \(dom)\nLEFT JOIN \(joined(scope)) ON \(dom).v IS NOT DISTINCT FROM \(dims[0])"
                    + (where_.map { " AND \($0)" } ?? "")
                cols.append("\(dom).v AS c1")
                group = "\nGROUP BY \(dom).v"
            } else {
                for (i, d) in dims.enumerated() { cols.append("\(d) AS \(c(i))") }
                fromSQL = from(scope) + whereClause(scope)
                group = dims.isEmpty ? "" : "\nGROUP BY " + dims.indices.map { "\($0 + 1)" }.joined(separator: ", ")
            }
            for (i, m) in measures.enumerated() { cols.append("\(m) AS \(c(q.dimensions.count + i))") }
            if q.share != nil { cols.append("\(share(of: measures[0], type: q.measures[0].expr.type)) AS \(c(cols.count))") }
            main = "SELECT " + cols.joined(separator: ", ") + "\nFROM " + fromSQL + group + having
            tie = q.dimensions.indices.map { "\(c($0)) NULLS LAST" }
            if q.total != nil && !q.dimensions.isEmpty {
                // Over every row in scope: after `where`, and only the rows of the kept groups.
                let allRows = Context(rows: scope)
                var cells = [string(q.total!)] + Array(repeating: "NULL", count: q.dimensions.count - 1)
                for m in q.measures { cells.append(try expr(m.expr, allRows, names)) }
                if q.share != nil { cells.append("CASE WHEN (SELECT count(*) FROM r) > 0 THEN \(double(100)) END") }
                var totalFrom = from(scope)
                if q.having != nil {
                    totalFrom += "\n    JOIN (SELECT " + dims.indices.map { c($0) }.joined(separator: ", ") + " FROM r) AS kept ON "
                        + dims.enumerated().map { "\($1) IS NOT DISTINCT FROM kept.\(c($0))" }.joined(separator: " AND ")
                }
                total = ["SELECT " + cells.joined(separator: ", ") + "\nFROM " + totalFrom + whereClause(scope)]
            }
        }
        ctes.append(("r", main))
        return try finish(q, shown: shown, ctes: ctes, tie: tie, total: total?.first)
    }

    /// The table whose column a `by all` item reads.
    private func tableOf(_ e: BoundExpr, _ base: Table) -> Table {
        if case .lookup(let l, _) = e.kind { return l.target }
        return base
    }

    /// `pct`: the value's share of the column's sum, in percent; null when the sum is 0.
    private func share(of m: String, type: DataType?) -> String {
        let v = "CAST(\(m) AS DOUBLE)"
        return "CASE WHEN sum(\(v)) OVER () = 0 THEN NULL ELSE \(v) / sum(\(v)) OVER () * 100 END"
    }

    /// Sort, rank, top and the total row, over the result rows `r` (columns c1…cN).
    private func finish(_ q: LogicalQuery, shown: [(name: String, type: DataType?)], ctes: [(String, String)], tie: [String], total: String?) throws -> String {
        var keys: [String] = []
        for s in q.sort {
            if s.pinyin { throw unsupported("a sort by pinyin (glibc's zh_CN.UTF-8 collation)", at: q.origin, "sort without pinyin orders text by code points on every engine") }
            let col = "c\(s.column + 1)", dir = s.descending ? " DESC" : ""
            if let order = s.order {
                let t = shown[s.column].type
                var whens: [String] = []
                for (k, v) in order.enumerated() {
                    switch t {
                    case .string?: whens.append("WHEN \(col) = \(string(v)) THEN \(k)")
                    case .integer?, .decimal?: if let d = Double(v) { whens.append("WHEN \(col) = \(double(d)) THEN \(k)") }
                    case .boolean?: if v == "是" || v == "否" { whens.append("WHEN \(col) = \(v == "是" ? "TRUE" : "FALSE") THEN \(k)") }
                    default: throw unsupported("a sort by listed \(t?.rawValue ?? "null") values", at: q.origin)
                    }
                }
                keys.append("CASE " + whens.joined(separator: " ") + " ELSE \(order.count) END\(dir)")
            }
            keys.append("\(col)\(dir) NULLS LAST")
        }
        let sortKeys = keys
        let order = sortKeys + tie
        let ranking = q.rank != nil || q.withTies || !q.per.isEmpty
        var body = "SELECT *"
        var cut: String?
        if ranking || q.top != nil {
            let partition = q.per.isEmpty ? "" : "PARTITION BY " + q.per.map { "c\($0 + 1)" }.joined(separator: ", ") + " "
            if ranking {
                body += sortKeys.isEmpty ? ", 1 AS __rank" : ", rank() OVER (\(partition)ORDER BY \(sortKeys.joined(separator: ", "))) AS __rank"
            }
            body += ", row_number() OVER (\(partition)ORDER BY \(order.isEmpty ? "1" : order.joined(separator: ", "))) AS __n"
            if let top = q.top { cut = q.withTies ? "__rank <= \(top)" : "__n <= \(top)" }
        }
        var outputs = shown.indices.map { "c\($0 + 1)" }
        if q.rank != nil { outputs.insert("__rank", at: 0) }
        let named = zip(outputs, q.columns).map { "\($0) AS \(ident($1.name))" }
        let with = "WITH " + ctes.map { "\($0.0) AS (\n\(indent($0.1))\n)" }.joined(separator: ",\n") + ",\ns AS (\(body) FROM r)\n"
        if let total {
            // The rows, then the total row: its cells have no sort keys and it comes last.
            let keyNames = order.indices.map { "k\($0 + 1)" }
            let keyCols = zip(order, keyNames).map { ", \(stripDirection($0)) AS \($1)" }.joined()
            let rowsPart = "SELECT \(named.joined(separator: ", ")), FALSE AS __total, 0 AS __last\(keyNames.map { ", " + $0 }.joined())"
                + " FROM (SELECT *\(keyCols) FROM s\(cut.map { " WHERE \($0)" } ?? "")) AS kept_rows"
            let cells = (q.rank != nil ? ["NULL"] : []) + shown.indices.map { "tot.x\($0 + 1)" }
            let totalPart = "SELECT " + cells.joined(separator: ", ") + ", TRUE, 1" + keyNames.map { _ in ", NULL" }.joined()
                + "\nFROM (\n\(indent(total))\n) AS tot(\(shown.indices.map { "x\($0 + 1)" }.joined(separator: ", ")))"
            let finalOrder = ["__last"] + zip(order, keyNames).map { $1 + direction($0) }
            return with + "SELECT \(q.columns.map { ident($0.name) }.joined(separator: ", ")), __total FROM (\n\(indent(rowsPart))\nUNION ALL\n\(indent(totalPart))\n) AS u\nORDER BY "
                + finalOrder.joined(separator: ", ")
        }
        return with + "SELECT \(named.joined(separator: ", ")) FROM s" + (cut.map { "\nWHERE \($0)" } ?? "")
            + (order.isEmpty ? "" : "\nORDER BY " + order.joined(separator: ", "))
    }

    /// A sort key without its direction (`c1 DESC NULLS LAST` → `c1`), and the direction alone.
    private func stripDirection(_ key: String) -> String {
        var k = key
        for suffix in [" NULLS LAST", " DESC"] where k.hasSuffix(suffix) { k.removeLast(suffix.count) }
        return k
    }

    private func direction(_ key: String) -> String { String(key.dropFirst(stripDirection(key).count)) }

    private func indent(_ s: String) -> String { s.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") }

    // MARK: bucket

    /// The band of a value: a position in the labels, the null band after them.
    private func band(_ v: String, _ b: LogicalQuery.Bucket) -> String {
        let descending = b.bounds.count < 2 || b.bounds[0].value > b.bounds[1].value
        let sorted = b.bounds.map(\.value).sorted(by: >)
        let n = sorted.count
        var whens = ["WHEN \(v) IS NULL OR isnan(CAST(\(v) AS DOUBLE)) THEN \(n + 1)"]
        for (j, t) in sorted.enumerated() { whens.append("WHEN \(v) >= \(double(t)) THEN \(descending ? j : n - j)") }
        return "CASE " + whens.joined(separator: " ") + " ELSE \(descending ? n : 0) END"
    }

    private func labels(_ b: LogicalQuery.Bucket) -> String {
        "(VALUES " + (b.labels + ["null"]).enumerated().map { "(\($0), \(string($1)))" }.joined(separator: ", ") + ")"
    }

    private func bucket(_ q: LogicalQuery, _ b: LogicalQuery.Bucket, _ scope: RowScope, _ where_: String?, _ names: Names,
                        _ ctes: inout [(String, String)]) throws -> (String, [String]?) {
        let whereSQL = where_.map { "\nWHERE \($0)" } ?? ""
        let nullBand = b.labels.count
        if let value = b.value {
            if q.having != nil { throw unsupported("`having` with `bucket … at`", at: q.origin) }
            // The bands are the groups: every band (the null band when it has rows) left-joined to its rows.
            let v = try expr(value, Context(rows: scope), names)
            let l = names.fresh("b")
            let ctx = Context(rows: scope, countColumn: rowNumber(scope.alias))
            var cols = ["\(l).label AS c1"]
            var measures: [String] = []
            for m in q.measures { measures.append(try expr(m.expr, ctx, names)) }
            for (i, m) in measures.enumerated() { cols.append("\(m) AS c\(i + 2)") }
            cols.append("\(share(of: measures[0], type: q.measures[0].expr.type)) AS c\(cols.count + 1)")
            cols.append("\(l).i AS __band")
            let main = "SELECT " + cols.joined(separator: ", ") + "\nFROM \(labels(b)) AS \(l)(i, label)\nLEFT JOIN \(joined(scope)) ON \(band(v, b)) = \(l).i"
                + (where_.map { " AND \($0)" } ?? "") + "\nGROUP BY \(l).i, \(l).label\nHAVING \(l).i < \(nullBand) OR count(\(rowNumber(scope.alias))) > 0"
            var total: [String]?
            if let label = q.total {
                var cells = [string(label)]
                for m in q.measures { cells.append(try expr(m.expr, Context(rows: scope), names)) }
                cells.append(double(100))
                total = ["SELECT " + cells.joined(separator: ", ") + "\nFROM " + from(scope) + whereSQL]
            }
            return (main, total)
        }
        // The measure per group (per row without `by`), banded; every band listed, the null band when it has any.
        let dims = try q.dimensions.map { try expr($0.expr, Context(rows: scope), names) }
        let m = try expr(q.measures[0].expr, Context(rows: scope, dimensions: dims), names)
        let having = try q.having.map { "\nHAVING " + (try condition($0, Context(rows: scope, dimensions: dims), names)) } ?? ""
        let group = dims.isEmpty ? rowNumber(scope.alias) : dims.indices.map { "\($0 + 1)" }.joined(separator: ", ")
        let groupCols = dims.isEmpty ? "" : dims.enumerated().map { "\($1) AS g\($0 + 1), " }.joined()
        ctes.append(("g", "SELECT \(groupCols)\(m) AS v\nFROM \(from(scope))\(whereSQL)\nGROUP BY \(group)\(having)"))
        ctes.append(("banded", "SELECT \(band("v", b)) AS band FROM g"))
        let l = names.fresh("b")
        let n = "count(banded.band)", groups = "(SELECT count(*) FROM g)"
        let main = "SELECT \(l).label AS c1, \(n) AS c2, CASE WHEN \(groups) = 0 THEN NULL ELSE CAST(\(n) AS DOUBLE) / \(groups) * 100 END AS c3, \(l).i AS __band"
            + "\nFROM \(labels(b)) AS \(l)(i, label)\nLEFT JOIN banded ON banded.band = \(l).i\nGROUP BY \(l).i, \(l).label\nHAVING \(l).i < \(nullBand) OR \(n) > 0"
        let total = q.total.map { ["SELECT \(string($0)), \(groups), CASE WHEN \(groups) > 0 THEN \(double(100)) END"] }
        return (main, total)
    }

    // MARK: across

    /// The values a cross-tab without listed values spreads, in its columns' order (ascending, null last).
    func acrossValues(_ q: LogicalQuery, _ a: LogicalQuery.Across) throws -> String {
        let names = Names(), scope = RowScope(table: q.table, alias: names.fresh("t"))
        let v = try expr(a.expr, Context(rows: scope), names)
        let w = try q.filter.map { "\nWHERE " + (try condition($0, Context(rows: scope), names)) } ?? ""
        return "SELECT DISTINCT v FROM (SELECT \(v) AS v FROM \(from(scope))\(w)) AS found ORDER BY v NULLS LAST"
    }

    private func crossTab(_ q: LogicalQuery, _ a: LogicalQuery.Across, _ scope: RowScope, _ where_: String?, _ names: Names) throws -> (String, [String]?) {
        let v = try expr(a.expr, Context(rows: scope), names)
        var matches: [String] = []
        if let found = acrossFound {
            matches = found.map { "(\(v) IS NOT DISTINCT FROM \(literal($0)))" }
        } else if a.values == nil {
            throw unsupported("`across` over the values found (its columns depend on the data)", at: a.expr.origin,
                              "list the values: across \(a.name) (\"…\", \"…\")")
        }
        for value in acrossFound == nil ? a.values ?? [] : [] {
            switch a.expr.type {
            case .string?: matches.append("\(v) = \(string(value))")
            case .integer?, .decimal?: matches.append(Double(value).map { "\(v) = \(double($0))" } ?? "FALSE")
            default: throw unsupported("`across` over \(a.expr.type?.rawValue ?? "null") values", at: a.expr.origin)
            }
        }
        let inListed = "(" + matches.joined(separator: " OR ") + ")"
        let dims = try q.dimensions.map { try expr($0.expr, Context(rows: scope), names) }
        var cols = dims.enumerated().map { "\($1) AS c\($0 + 1)" }
        func cells(_ ctx: Context) throws -> [String] {
            var out: [String] = []
            for m in matches {
                var c = ctx
                c.extraFilter = m
                out.append(try expr(q.measures[0].expr, c, names))
            }
            if q.total != nil { out.append(try expr(q.measures[0].expr, ctx, names)) }
            return out
        }
        cols += try cells(Context(rows: scope, dimensions: dims)).enumerated().map { "\($1) AS c\(dims.count + $0 + 1)" }
        let totalCells = q.total != nil && !dims.isEmpty ? try cells(Context(rows: scope)) : []
        let scoped = "\nFROM \(from(scope))\nWHERE " + ([where_, inListed].compactMap { $0 }.joined(separator: " AND "))
        let group = dims.isEmpty ? "" : "\nGROUP BY " + dims.indices.map { "\($0 + 1)" }.joined(separator: ", ")
        var total: [String]?
        if let label = q.total, !dims.isEmpty {
            let row = [string(label)] + Array(repeating: "NULL", count: dims.count - 1) + totalCells
            total = ["SELECT " + row.joined(separator: ", ") + scoped]
        }
        return ("SELECT " + cols.joined(separator: ", ") + scoped + group, total)
    }

    // MARK: Expressions

    /// An expression outside any table (print, check, let): a SELECT of one value.
    func compileValue(_ e: BoundExpr) throws -> String {
        "SELECT " + (try expr(e, Context(), Names())) + " AS value"
    }

    /// A condition (`where`, `having`, a filter): a bare null is a boolean one (Spark refuses a
    /// condition of no type).
    func condition(_ e: BoundExpr, _ ctx: Context, _ names: Names) throws -> String {
        e.type == nil ? typedNull(.boolean) : try expr(e, ctx, names)
    }

    func expr(_ e: BoundExpr, _ ctx: Context, _ names: Names) throws -> String {
        let sub = { (x: BoundExpr) in try self.expr(x, ctx, names) }
        switch e.kind {
        case .literal(let v):
            return literal(v)
        case .column(let c):
            guard let rows = ctx.rows else { throw unsupported("a column outside a query", at: e.origin) }
            return Binder.type(of: c) == nil ? "NULL" : "\(rows.alias).\(ident(c.name))"
        case .lookup(let link, let c):
            guard let rows = ctx.rows else { throw unsupported("a lookup outside a query", at: e.origin) }
            let alias: String
            if let j = rows.joins.first(where: { $0.key == link.cacheKey }) { alias = j.alias } else {
                alias = names.fresh("l")
                let on = zip(link.baseColumns, link.keyColumns).map { "\(alias).\(ident($1.name)) = \(rows.alias).\(ident($0.name))" }
                rows.joins.append((link.cacheKey, alias, "LEFT JOIN \(ident(link.target.name)) AS \(alias) ON " + on.joined(separator: " AND ")))
            }
            return Binder.type(of: c) == nil ? "NULL" : "\(alias).\(ident(c.name))"
        case .dimension(let i):
            return ctx.dimensions[i]
        case .negate(let x):
            return "(-\(number(try sub(x), x.type)))"
        case .not(let x):
            return "(NOT \(try sub(x)))"
        case .binary(let op, let a, let b):
            return try binary(op, a, try sub(a), b, try sub(b), e)
        case .chain(let first, let rest):
            var acc = try sub(first), accExpr = first
            for link in rest {
                let operand = try sub(link.operand)
                let result = BoundExpr(kind: .literal(.null), type: nil, origin: link.origin, key: "")
                acc = try binary(link.op, accExpr, acc, link.operand, operand, result)
                accExpr = BoundExpr(kind: .literal(.null), type: Self.chainType(link.op, accExpr.type, link.operand.type), origin: link.origin, key: "")
            }
            return acc
        case .isNull(let x, let negated):
            return "(\(try sub(x)) IS \(negated ? "NOT " : "")NULL)"
        case .between(let x, let lo, let hi, let negated):
            return "(\(try comparand(x, lo, ctx, names)) \(negated ? "NOT " : "")BETWEEN \(try comparand(lo, x, ctx, names)) AND \(try comparand(hi, x, ctx, names)))"
        case .inValues(let x, let values, let negated):
            let v = try sub(x)
            return "(\(v) \(negated ? "NOT " : "")IN (\(try values.map { try comparand($0, x, ctx, names) }.joined(separator: ", "))))"
        case .membership(let x, let target, let column, let filter, let negated):
            let inner = RowScope(table: target, alias: names.fresh("m"))
            let f = try filter.map { try condition($0, Context(rows: inner), names) }
            let col = "\(inner.alias).\(ident(column.name))"
            let conds = ["\(col) IS NOT NULL"] + (f.map { [$0] } ?? [])
            return "(\(try sub(x)) \(negated ? "NOT " : "")IN (SELECT \(col) FROM \(from(inner)) WHERE \(conds.joined(separator: " AND "))))"
        case .scalar(let f, let args):
            return try scalar(f.name, args, ctx, names, e)
        case .aggregate(let fn, let argument, let distinct, let filter):
            return try aggregate(fn, argument, distinct, filter, ctx, names, e)
        case .interpolated(let parts):
            var pieces: [String] = []
            for p in parts {
                switch p {
                case .text(let t): pieces.append(string(t))
                case .value(let x, let spec):
                    guard spec == FormatSpec(), x.type == nil || x.type == .string || x.type == .integer else {
                        throw unsupported("\(x.type.map { "\($0.rawValue) values" } ?? "values") written into text", at: x.origin,
                                          "only text and whole numbers without a {…:spec} are written by the engine")
                    }
                    pieces.append("coalesce(CAST(\(try sub(x)) AS \(sqlType(.string))), '')")
                }
            }
            return pieces.isEmpty ? "''" : "concat(" + pieces.joined(separator: ", ") + ")"
        case .subquery(let q):
            if q.across != nil { throw unsupported("a cross-tab used as a value", at: e.origin) }
            let name = ident(q.columns[q.columns.count - 1].name)
            return "(SELECT \(name) FROM (\n\(indent(try compile(q, names: names)))\n) AS \(names.fresh("q")))"
        }
    }

    /// The other side's type decides how a text literal compared with a date reads.
    private func comparand(_ e: BoundExpr, _ other: BoundExpr, _ ctx: Context, _ names: Names) throws -> String {
        if case .literal(.string(let s)) = e.kind, let t = other.type, t.isTemporal {
            guard let parsed = FieldParsing.temporal(s) else { throw unsupported("this text as a date", at: e.origin) }
            return literal(t == .date && parsed.seconds % 86400 == 0 ? .date(parsed.seconds) : .timestamp(parsed.seconds))
        }
        if e.type == .string, let t = other.type, t.isTemporal {
            throw unsupported("text read as dates", at: e.origin, "Tally reads 2020/11/01 and 2020年11月1日 as dates; write the date as a literal")
        }
        return try expr(e, ctx, names)
    }

    /// A boolean in arithmetic counts as 0 or 1.
    private func number(_ sql: String, _ t: DataType?) -> String { t == .boolean ? "CAST(\(sql) AS BIGINT)" : sql }

    static func chainType(_ op: BinaryOp, _ a: DataType?, _ b: DataType?) -> DataType? {
        switch op {
        case .and, .or, .eq, .ne, .lt, .le, .gt, .ge, .like: return .boolean
        case .divide: return .decimal
        default:
            if a?.isTemporal == true || b?.isTemporal == true { return a?.isTemporal == true ? a : b }
            guard let a, let b else { return nil }
            return a == .decimal || b == .decimal ? .decimal : .integer
        }
    }

    private func binary(_ op: BinaryOp, _ a: BoundExpr, _ x: String, _ b: BoundExpr, _ y: String, _ e: BoundExpr) throws -> String {
        let spark = dialect == .spark
        switch op {
        case .and: return "(\(x) AND \(y))"
        case .or: return "(\(x) OR \(y))"
        case .eq, .ne, .lt, .le, .gt, .ge:
            let sqlOp = op == .ne ? "<>" : op.rawValue
            func side(_ s: BoundExpr, _ sql: String, _ other: BoundExpr) throws -> String {
                if case .literal(.string) = s.kind, other.type?.isTemporal == true {
                    return try comparand(s, other, Context(), Names())
                }
                if s.type == .string, other.type?.isTemporal == true {
                    throw unsupported("text read as dates", at: s.origin, "Tally reads 2020/11/01 and 2020年11月1日 as dates; write the date as a literal")
                }
                return sql
            }
            return "(\(try side(a, x, b)) \(sqlOp) \(try side(b, y, a)))"
        case .like:
            return "(\(x) LIKE \(y) ESCAPE \(string("\\")))"
        case .divide:
            return "(CAST(\(x) AS DOUBLE) / NULLIF(CAST(\(y) AS DOUBLE), 0))"
        case .remainder:
            if a.type?.isTemporal == true || b.type?.isTemporal == true { throw unsupported("`%` of dates", at: e.origin) }
            return "(\(number(x, a.type)) % NULLIF(\(number(y, b.type)), 0))"
        case .add, .subtract, .multiply:
            let ta = a.type, tb = b.type
            if ta == nil || tb == nil { return typedNull(e.type) }
            if ta?.isTemporal == true || tb?.isTemporal == true {
                switch (op, ta, tb) {
                case (.subtract, .date?, .date?):
                    return dialect == .spark ? "CAST(datediff(\(y), \(x)) * -1 AS BIGINT)" : "(\(x) - \(y))"
                case (.add, .date?, .integer?), (.subtract, .date?, .integer?):
                    return dialect == .spark ? "date_\(op == .add ? "add" : "sub")(\(x), \(y))" : "CAST(\(x) \(op.rawValue) \(y) AS DATE)"
                case (.add, .integer?, .date?):
                    return dialect == .spark ? "date_add(\(y), \(x))" : "CAST(\(y) + \(x) AS DATE)"
                case (.add, .timestamp?, .integer?), (.subtract, .timestamp?, .integer?):
                    return spark ? "timestampadd(DAY, \(op == .add ? y : "-(\(y))"), \(x))" : "(\(x) \(op.rawValue) to_days(CAST(\(y) AS INTEGER)))"
                case (.add, .integer?, .timestamp?):
                    return spark ? "timestampadd(DAY, \(x), \(y))" : "(\(y) + to_days(CAST(\(x) AS INTEGER)))"
                case (.subtract, let p?, let q?) where p.isTemporal && q.isTemporal:
                    // Days and their fraction, from whole seconds (Tally's times have no finer part).
                    return spark ? "(CAST(unix_seconds(CAST(\(x) AS TIMESTAMP)) - unix_seconds(CAST(\(y) AS TIMESTAMP)) AS DOUBLE) / 86400)"
                        : "((epoch(\(x)) - epoch(\(y))) / 86400)"
                default:
                    throw unsupported("this calendar arithmetic (timestamps)", at: e.origin)
                }
            }
            return "(\(number(x, ta)) \(op.rawValue) \(number(y, tb)))"
        }
    }

    private func aggregate(_ fn: AggregateFunction, _ argument: BoundExpr?, _ distinct: Bool, _ filter: BoundExpr?,
                           _ ctx: Context, _ names: Names, _ e: BoundExpr) throws -> String {
        var rowCtx = ctx
        rowCtx.dimensions = []
        rowCtx.extraFilter = nil
        rowCtx.countColumn = nil
        let conds = [try filter.map { try condition($0, rowCtx, names) }, ctx.extraFilter].compactMap { $0 }
        let f = conds.isEmpty ? "" : " FILTER (WHERE \(conds.joined(separator: " AND ")))"
        let d = distinct ? "DISTINCT " : ""
        guard let argument else { return "count(\(ctx.countColumn ?? "*"))\(f)" }
        let x = try expr(argument, rowCtx, names)
        let t = argument.type
        if t == nil && fn != .count { return "max(CAST(NULL AS BIGINT))\(f)" }
        switch fn {
        case .count: return "count(\(d)\(x))\(f)"
        case .min, .max: return "\(fn.rawValue)(\(x))\(f)"
        case .median: return "median(CAST(\(x) AS DOUBLE))\(f)"
        case .sum, .avg:
            let value = t == .boolean ? "CAST(\(x) AS BIGINT)" : x
            // Decimals: a compensated sum, as Tally adds them (Kahan–Babuška). Spark's sum adds
            // plainly: there the values are folded in Tally's steps (null when there are none).
            let sum = t != .decimal ? "CAST(sum(\(d)\(value))\(f) AS BIGINT)"
                : dialect == .duckdb ? "fsum(\(d)\(value))\(f)"
                : "CASE WHEN count(\(d)\(value))\(f) = 0 THEN NULL ELSE aggregate(\(distinct ? "collect_set" : "collect_list")(\(value))\(f),"
                    + " named_struct('s', CAST(0 AS DOUBLE), 'c', CAST(0 AS DOUBLE)), (__a, __v) -> named_struct('s', __a.s + __v,"
                    + " 'c', __a.c + CASE WHEN abs(__a.s) >= abs(__v) THEN (__a.s - (__a.s + __v)) + __v ELSE (__v - (__a.s + __v)) + __a.s END),"
                    + " __a -> __a.s + __a.c) END"
            if fn == .sum { return sum }
            return "(CAST(\(sum) AS DOUBLE) / count(\(d)\(value))\(f))"
        }
    }

    private func scalar(_ name: String, _ args: [BoundExpr], _ ctx: Context, _ names: Names, _ e: BoundExpr) throws -> String {
        var a: [String] = []
        for x in args {
            // A text written as a literal where a date is read: read here, as Tally reads it.
            if case .literal(.string(let s)) = x.kind, ["year", "month", "day", "hour", "week", "weekday", "date"].contains(name) {
                guard let t = FieldParsing.temporal(s) else { throw unsupported("this text as a date", at: x.origin) }
                a.append(literal(.timestamp(t.seconds)))
                continue
            }
            a.append(try expr(x, ctx, names))
        }
        let spark = dialect == .spark
        if !["coalesce", "if", "concat"].contains(name), args.contains(where: { $0.type == nil }) { return typedNull(e.type) }
        func temporal() throws {
            if args[0].type == .string, Binder.literal(args[0]) == nil { throw unsupported("\(name) of text", at: args[0].origin, "Tally reads 2020/11/01 and 2020年11月1日 as dates") }
        }
        func literalText(_ i: Int) -> String? {
            if case .literal(.string(let s)) = args[i].kind { return s }
            return nil
        }
        switch name {
        case "year", "month", "day", "hour":
            try temporal()
            return "CAST(\(name)(\(a[0])) AS BIGINT)"
        case "week":
            try temporal()
            return "CAST(weekofyear(\(a[0])) AS BIGINT)"
        case "weekday":
            try temporal()
            return spark ? "CAST(weekday(\(a[0])) + 1 AS BIGINT)" : "CAST(isodow(\(a[0])) AS BIGINT)"
        case "date":
            try temporal()
            return "CAST(\(a[0]) AS DATE)"
        case "abs":
            return "abs(\(number(a[0], args[0].type)))"
        case "round":
            if args[0].type == .decimal {
                throw unsupported("round of decimals", at: e.origin,
                                  "Tally rounds the shortest form half away from zero (1.005 → 1.01); \(dialect.engineName)'s round scales the double")
            }
            if args.count == 2 {
                guard case .literal(.integer(let digits)) = args[1].kind, digits >= 0 else {
                    throw unsupported("round to tens, hundreds, …", at: e.origin)
                }
            }
            return number(a[0], args[0].type)
        case "coalesce":
            if e.type == .string && args.contains(where: { $0.type != nil && $0.type != .string }) {
                throw unsupported("coalesce of text with other values", at: e.origin)
            }
            return "coalesce(" + a.joined(separator: ", ") + ")"
        case "if":
            if e.type == .string && args.dropFirst().contains(where: { $0.type != nil && $0.type != .string }) {
                throw unsupported("if of text with other values", at: e.origin)
            }
            return "CASE WHEN \(a[0]) THEN \(a[1]) ELSE \(a[2]) END"
        case "length":
            return "CAST(\(spark ? "char_length" : "length")(\(a[0])) AS BIGINT)"
        case "contains":
            return "contains(\(a[0]), \(a[1]))"
        case "starts_with":
            return spark ? "startswith(\(a[0]), \(a[1]))" : "starts_with(\(a[0]), \(a[1]))"
        case "ends_with":
            return spark ? "endswith(\(a[0]), \(a[1]))" : "ends_with(\(a[0]), \(a[1]))"
        case "trim":
            // Every character Unicode calls white space, as Tally trims (U+3000 included).
            let spaces = "\t\n\u{0B}\u{0C}\r \u{85}\u{A0}\u{1680}\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}"
            return spark ? "trim(BOTH \(string(spaces)) FROM \(a[0]))" : "trim(\(a[0]), \(string(spaces)))"
        case "substring":
            guard case .literal(.integer(let start)) = args[1].kind, start >= 1 else {
                throw unsupported("substring from a position below 1 or computed per row", at: e.origin)
            }
            if args.count == 3 {
                guard case .literal(.integer(let n)) = args[2].kind, n >= 0 else {
                    throw unsupported("substring of a negative or computed length", at: e.origin)
                }
            }
            return "substring(" + a.joined(separator: ", ") + ")"
        case "replace":
            guard let from = literalText(1), !from.isEmpty else {
                throw unsupported("replace of an empty or computed text", at: e.origin)
            }
            return "replace(" + a.joined(separator: ", ") + ")"
        case "concat":
            guard args.allSatisfy({ $0.type == nil || $0.type == .string || $0.type == .integer }) else {
                throw unsupported("concat of values other than text and whole numbers", at: e.origin)
            }
            return "concat(" + a.map { "coalesce(CAST(\($0) AS \(sqlType(.string))), '')" }.joined(separator: ", ") + ")"
        case "date_trunc":
            guard let part = literalText(0)?.lowercased(), ["year", "quarter", "month", "week", "day"].contains(part) else {
                throw unsupported("date_trunc with a computed part", at: e.origin)
            }
            try temporalArgument(args[1], name)
            return "CAST(date_trunc(\(string(part)), \(a[1])) AS DATE)"
        case "date_diff":
            // DuckDB counts boundaries as Tally does, except weeks (whole 7-day spans there).
            guard let part = literalText(0)?.lowercased(), ["year", "quarter", "month", "week", "day", "hour", "minute", "second"].contains(part) else {
                throw unsupported("date_diff with a computed part", at: e.origin)
            }
            let times = try args[1...2].map { x -> String in
                if case .literal(.string(let s)) = x.kind {
                    guard let t = FieldParsing.temporal(s) else { throw unsupported("this text as a date", at: x.origin) }
                    return literal(.timestamp(t.seconds))
                }
                try temporalArgument(x, name)
                return "CAST(\(try expr(x, ctx, names)) AS TIMESTAMP)"
            }
            if spark { return sparkDateDiff(part, times[0], times[1]) }
            // Weeks: the Mondays between, as date_trunc cuts weeks (DuckDB counts whole 7-day spans).
            if part == "week" { return "(date_diff('day', date_trunc('week', \(times[0])), date_trunc('week', \(times[1]))) // 7)" }
            return "date_diff(\(string(part)), \(times[0]), \(times[1]))"
        case "format_date":
            guard let format = literalText(1) else { throw unsupported("format_date with a computed format", at: e.origin) }
            try temporalArgument(args[0], name)
            // DuckDB's strftime writes every specifier Tally knows the same way; Spark's
            // date_format has letters of its own, and none for %u, %V, %G.
            guard spark else { return "strftime(\(a[0]), \(a[1]))" }
            guard let pattern = SQLCompiler.sparkPattern(format) else {
                throw unsupported("format_date with %j, %u, %V or %G", at: args[1].origin)
            }
            return "date_format(\(a[0]), \(string(pattern)))"
        default:
            throw unsupported("\(name)", at: e.origin,
                              name == "upper" || name == "lower" ? "Tally maps every script's cases (ß → SS)" : nil)
        }
    }

    /// `date_diff` on Spark: the boundaries of the part between two times, as Tally counts them
    /// (Spark's own timestampdiff counts whole units elapsed instead).
    private func sparkDateDiff(_ part: String, _ a: String, _ b: String) -> String {
        func span(_ f: (String) -> String) -> String { "CAST(\(f(b)) - \(f(a)) AS BIGINT)" }
        func seconds(_ unit: String, _ n: Int) -> String {
            "((unix_seconds(date_trunc('\(unit)', \(b))) - unix_seconds(date_trunc('\(unit)', \(a)))) div \(n))"
        }
        switch part {
        case "year": return span { "year(\($0))" }
        case "quarter": return span { "(year(\($0)) * 4 + quarter(\($0)))" }
        case "month": return span { "(year(\($0)) * 12 + month(\($0)))" }
        case "week": return "CAST(datediff(CAST(date_trunc('week', \(b)) AS DATE), CAST(date_trunc('week', \(a)) AS DATE)) div 7 AS BIGINT)"
        case "day": return "CAST(datediff(CAST(\(b) AS DATE), CAST(\(a) AS DATE)) AS BIGINT)"
        case "hour": return seconds("HOUR", 3600)
        case "minute": return seconds("MINUTE", 60)
        default: return "(unix_seconds(\(b)) - unix_seconds(\(a)))"
        }
    }

    /// A Tally date format as a Spark datetime pattern (text in quotes), or nil for a specifier
    /// Spark has no letter for.
    static func sparkPattern(_ format: String) -> String? {
        let letters: [String: String] = ["Y": "yyyy", "m": "MM", "d": "dd", "H": "HH", "M": "mm", "S": "ss", "y": "yy",
                                         "-m": "M", "-d": "d", "-H": "H"]
        var out = "", literal = "", chars = Array(format), i = 0
        func flush() {
            if !literal.isEmpty { out += "'" + literal.replacingOccurrences(of: "'", with: "''") + "'"; literal = "" }
        }
        while i < chars.count {
            if chars[i] == "%", i + 1 < chars.count {
                var spec = String(chars[i + 1])
                if spec == "-", i + 2 < chars.count { spec += String(chars[i + 2]) }
                if spec == "%" { literal += "%"; i += 2; continue }
                guard let l = letters[spec] else { return nil }
                flush()
                out += l
                i += 1 + spec.count
            } else {
                literal.append(chars[i])
                i += 1
            }
        }
        flush()
        return out
    }

    private func temporalArgument(_ x: BoundExpr, _ name: String) throws {
        if x.type == .string { throw unsupported("\(name) of text", at: x.origin) }
    }
}
