/// `describe TABLE` and `summary TABLE` of a table the engine holds: the engine computes each
/// column's facts (`Describe.Facts`) and Tally shows them as for a table in memory
/// (`Describe.result`), its values read back in the column's type and shown by `Format.display`.
///
/// Each is one statement for the table: per column its values counted (one GROUP BY over the
/// rows: distinct counts exact), then a UNION ALL of a few rows per column — its distinct values
/// and nulls, for `summary` also its smallest and largest value and its three most frequent
/// (count descending, then the value ascending). Measured on 2.55 M rows × 10 columns, this took
/// DuckDB 1.9 s and Spark 47 s where grouping sets (one pass, a set per column) took 3.9 s and
/// 91 s. Both engines compare text by its UTF-8 bytes (code points, as `sort`), booleans false
/// before true, and group −0.0 with 0.0, as Tally does.
extension SQLCompiler {
    /// The statement's rows: (the column's place, from 1; a kind; for `summary` a value in the
    /// place of its type among `describedTypes`; a count). Kind 0 holds the number of distinct
    /// values (and the smallest), 1 the nulls (and the largest), 3 to 5 the most frequent values
    /// with their counts.
    func describe(_ t: Table, summary: Bool) -> String {
        let types = describedTypes(t)
        // The counts' names, which must not be the table's (`g1` would hide a table g1).
        let prefix = t.name.lowercased().hasPrefix("g") ? "h" : "g"
        var counted: [String] = [], rows: [String] = []
        for (i, c) in t.columns.enumerated() {
            let g = "\(prefix)\(i + 1)", place = types.firstIndex(of: sqlType(Binder.type(of: c)))
            func at(_ value: String) -> String {
                summary ? types.indices.map { $0 == place ? value : "CAST(NULL AS \(types[$0]))" }.joined(separator: ", ") + ", " : ""
            }
            counted.append("\(g) AS (SELECT \(ident(c.name)) AS v, count(*) AS n FROM \(ident(t.name)) GROUP BY \(ident(c.name)))")
            rows.append("SELECT \(i + 1) AS s, 0 AS k, \(at("min(v)"))count(v) AS n FROM \(g)")
            rows.append("SELECT \(i + 1), 1, \(at("max(v)"))coalesce(sum(CASE WHEN v IS NULL THEN n END), 0) FROM \(g)")
            if summary {
                rows.append("SELECT \(i + 1), 2 + r, \(at("v"))n FROM (SELECT v, n, row_number() OVER (ORDER BY n DESC, v) AS r FROM \(g) WHERE v IS NOT NULL) AS r\(i + 1) WHERE r <= 3")
            }
        }
        return "WITH " + counted.joined(separator: ",\n") + "\n" + rows.joined(separator: "\nUNION ALL ")
    }

    /// The engine's types of `t`'s columns, each once: the value columns of a `summary`'s rows.
    func describedTypes(_ t: Table) -> [String] {
        var types: [String] = []
        for c in t.columns where !types.contains(sqlType(Binder.type(of: c))) { types.append(sqlType(Binder.type(of: c))) }
        return types
    }
}

extension Engine {
    /// Each column's facts for `describe` (`summary`: also its smallest, largest and most
    /// frequent values), computed by the engine; its error is shown at `origin`. Ctrl-C
    /// interrupts it as it does a query (`isCancelled`).
    func describe(_ t: Table, summary: Bool, at origin: Origin) throws -> [Describe.Facts] {
        try located(origin) {
            try register(t)
            let types = compiler.describedTypes(t), width = 3 + (summary ? types.count : 0)
            var facts = [Describe.Facts](repeating: .init(), count: t.columns.count)
            var frequent: [Int: [(kind: Int, value: Value, count: Int)]] = [:]
            for row in try execute(compiler.describe(t, summary: summary)) {
                guard row.count == width, let place = Int(row[0] ?? ""), let kind = Int(row[1] ?? ""),
                      facts.indices.contains(place - 1) else { throw unreadable(row) }
                let i = place - 1, type = Binder.type(of: t.columns[i]), n = try count(row[width - 1])
                // A value of the column's type (none: a column of nulls, or `describe`).
                let read = summary ? EngineResult.value(row[2 + (types.firstIndex(of: compiler.sqlType(type)) ?? 0)], type) : .null
                let value = read == .null ? nil : read
                switch kind {
                case 0: (facts[i].distinct, facts[i].smallest) = (n, value)
                case 1: (facts[i].nulls, facts[i].largest) = (n, value)
                default: frequent[i, default: []].append((kind, read, n))
                }
            }
            for (i, found) in frequent { facts[i].frequent = found.sorted { $0.kind < $1.kind }.map { ($0.value, $0.count) } }
            return facts
        }
    }

    private func count(_ cell: String?) throws -> Int {
        guard let cell, let n = Int(cell) else { throw EngineError(message: "a count Tally cannot read: \(cell ?? "null")") }
        return n
    }

    private func unreadable(_ row: [String?]) -> EngineError {
        EngineError(message: "an answer Tally cannot read: " + row.map { $0 ?? "null" }.joined(separator: ", "))
    }
}
