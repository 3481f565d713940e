/// A named, immutable set of equal-length columns.
public final class Table: @unchecked Sendable {
    public struct Column: Sendable {
        public let name: String
        public let vector: Vector
        /// The decimals its values show with (a column of a `let` table computed by `round(x, n)`).
        public let decimals: Int?
        /// The column's type is its vector's even with no rows: a table whose rows an engine
        /// holds (a column of nulls only is otherwise untyped).
        public let typed: Bool
        public init(name: String, vector: Vector, decimals: Int? = nil, typed: Bool = false) {
            self.name = name; self.vector = vector; self.decimals = decimals; self.typed = typed
        }
    }

    public let name: String
    public let columns: [Column]
    public let rowCount: Int
    /// Where the table came from and what its load decided (encoding, header, …), for `describe load`.
    public let source: TableSource?

    public init(name: String, columns: [Column], rowCount: Int? = nil, source: TableSource? = nil) {
        self.name = name
        self.columns = columns
        self.rowCount = rowCount ?? columns.first?.vector.count ?? 0
        self.source = source
    }

    public func column(named name: String) -> Column? {
        columns.first { $0.name == name } ?? columns.first { $0.name.lowercased() == name.lowercased() }
    }

    /// Checks that every column has `rowCount` rows, names are unique, and each vector is valid.
    public func invariantViolation() -> String? {
        var seen = Set<String>()
        for c in columns {
            if !seen.insert(c.name).inserted { return "column \(c.name) appears twice" }
            if c.vector.count != rowCount { return "column \(c.name) has \(c.vector.count) rows, table has \(rowCount)" }
            if let v = c.vector.invariantViolation() { return "column \(c.name): \(v)" }
        }
        return nil
    }
}
