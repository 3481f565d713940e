/// `describe TABLE` and `summary TABLE` of a table the engine holds: the engine computes each
/// column's facts (`Describe.Facts`) and Tally shows them as for a table in memory
/// (`Describe.result`), its values read back in the column's type and shown by `Format.display`.
///
/// `describe` is one statement: the rows, and each column's non-null and distinct values
/// (`count(DISTINCT …)`: exact). `summary` is one statement per 32 columns: each column's values
/// counted in one pass over the rows (a grouping set per column), then per column its smallest
/// and largest value, its nulls and its three most frequent values (count descending, then the
/// value ascending). Both engines compare text by its UTF-8 bytes (code points, as `sort`),
/// booleans false before true, and group −0.0 with 0.0, as Tally does.
extension SQLCompiler {
    func describe(_ t: Table) -> String {
        "SELECT count(*)" + t.columns.map { ", count(\(ident($0.name))), count(DISTINCT \(ident($0.name)))" }.joined()
            + "\nFROM \(ident(t.name))"
    }

    /// How many columns one `summary` statement counts: Spark numbers grouping sets in 64 bits.
    static let summaryWidth = 32

    /// `summary` of `columns` of `t`: rows of (the column's place among them, from 1; a kind;
    /// a value in each column's own place; a count). Kind 0 holds the column's smallest value
    /// and its number of distinct values, 1 its largest, 2 its nulls (no row: none), 3 to 5 its
    /// most frequent values with their counts. A column of nulls has its kind 2 row alone.
    func summary(_ t: Table, columns: Range<Int>) -> String {
        let picked = Array(t.columns[columns]), v = picked.indices.map { "v\($0 + 1)" }
        let nulls = picked.map { typedNull(Binder.type(of: $0)) }.joined(separator: ", ")
        let set = "CASE " + picked.enumerated().map { "WHEN grouping(\(ident($1.name))) = 0 THEN \($0 + 1)" }.joined(separator: " ") + " END"
        let values = zip(picked, v).map { "\(ident($0.name)) AS \($1)" }.joined(separator: ", ")
        let sets = picked.map { "(\(ident($0.name)))" }.joined(separator: ", ")
        return """
            WITH g AS (
              SELECT \(set) AS s, \(values), count(*) AS n
              FROM \(ident(t.name))
              GROUP BY GROUPING SETS (\(sets))
            ), v AS (SELECT * FROM g WHERE \(v.map { "\($0) IS NOT NULL" }.joined(separator: " OR ")))
            SELECT s, 0 AS k, \(v.map { "min(\($0))" }.joined(separator: ", ")), count(*) AS n FROM v GROUP BY s
            UNION ALL SELECT s, 1, \(v.map { "max(\($0))" }.joined(separator: ", ")), CAST(NULL AS BIGINT) FROM v GROUP BY s
            UNION ALL SELECT s, 2, \(nulls), n FROM g WHERE \(v.map { "\($0) IS NULL" }.joined(separator: " AND "))
            UNION ALL SELECT s, 2 + r, \(v.joined(separator: ", ")), n
            FROM (SELECT *, row_number() OVER (PARTITION BY s ORDER BY n DESC, \(v.joined(separator: ", "))) AS r FROM v) AS ranked
            WHERE r <= 3
            """
    }
}

extension Engine {
    /// Each column's facts for `describe` (`summary`: also its smallest, largest and most
    /// frequent values), computed by the engine; its error is shown at `origin`. Ctrl-C
    /// interrupts it as it does a query (`isCancelled`).
    func describe(_ t: Table, summary: Bool, at origin: Origin) throws -> [Describe.Facts] {
        try located(origin) {
            try register(t)
            var facts = [Describe.Facts](repeating: .init(), count: t.columns.count)
            guard summary else {
                let row = try execute(compiler.describe(t)).first ?? []
                let counts = try row.map { try count($0) }
                guard counts.count == 1 + 2 * t.columns.count else { throw unreadable(row) }
                for i in facts.indices {
                    facts[i].nulls = counts[0] - counts[1 + 2 * i]
                    facts[i].distinct = counts[2 + 2 * i]
                }
                return facts
            }
            for start in stride(from: 0, to: t.columns.count, by: SQLCompiler.summaryWidth) {
                let columns = start..<min(t.columns.count, start + SQLCompiler.summaryWidth)
                var frequent: [Int: [(kind: Int, value: Value, count: Int)]] = [:]
                for row in try execute(compiler.summary(t, columns: columns)) {
                    guard row.count == columns.count + 3, let place = Int(row[0] ?? ""), let kind = Int(row[1] ?? ""),
                          (1...columns.count).contains(place) else { throw unreadable(row) }
                    let i = start + place - 1
                    let value = EngineResult.value(row[1 + place], Binder.type(of: t.columns[i]))
                    switch kind {
                    case 0: (facts[i].smallest, facts[i].distinct) = (value, try count(row[row.count - 1]))
                    case 1: facts[i].largest = value
                    case 2: facts[i].nulls = try count(row[row.count - 1])
                    default: frequent[i, default: []].append((kind, value, try count(row[row.count - 1])))
                    }
                }
                for (i, found) in frequent { facts[i].frequent = found.sorted { $0.kind < $1.kind }.map { ($0.value, $0.count) } }
            }
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
