/// What a query gives: named, typed columns of equal length, and an optional total row.
public struct ResultTable: Sendable {
    public enum Role: Sendable, Equatable { case dimension, measure, share }

    public struct Column: Sendable {
        public var name: String
        public var vector: Vector
        public var role: Role
        /// A `round(x, n)` column: its decimals show n places (none for n ≤ 0); nil: the default rule.
        public var decimals: Int? = nil
    }

    public var columns: [Column]
    /// The total row's cells, one per column (the label sits in the first column).
    public var totalRow: [Value]?
    /// `chart`: the result is shown as a bar chart (`Chart`) under this title, the query as written.
    public var chart: String?

    public var rowCount: Int { columns.first?.vector.count ?? 0 }

    public init(columns: [Column], totalRow: [Value]? = nil, chart: String? = nil) {
        self.columns = columns
        self.totalRow = totalRow
        self.chart = chart
    }

    /// Reorders (or cuts) the rows.
    func gather(_ rows: [Int32]) -> ResultTable {
        var out = self
        for c in out.columns.indices { out.columns[c].vector = columns[c].vector.gather(rows) }
        return out
    }

    /// The first `n` rows (and the total row).
    public func prefix(_ n: Int) -> ResultTable { n >= rowCount ? self : gather((0..<Int32(max(0, n))).map { $0 }) }
}
