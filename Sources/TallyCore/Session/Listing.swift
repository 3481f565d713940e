/// What the prompt's `.tables`, `.schema` and `.measures` show, as result tables (so they
/// are fitted to the screen and written in any format like query results).
public enum Listing {
    /// One row per table: name, rows, columns.
    public static func tables(_ catalog: Catalog) -> ResultTable {
        let tables = catalog.tables
        return ResultTable(columns: [
            text("table", tables.map(\.name)),
            .init(name: "rows", vector: .integer(tables.map { Int64($0.source?.heldByEngine == true ? $0.source!.rows : $0.rowCount) }, nil), role: .measure),
            .init(name: "columns", vector: .integer(tables.map { Int64($0.columns.count) }, nil), role: .measure),
            text("file", tables.map { $0.source?.path ?? "" }),
        ])
    }

    /// One row per column: name, type, null count — `nulls` when given (an engine's count),
    /// else Tally's own (not known for a table an engine holds).
    public static func schema(_ table: Table, nulls: [Int64]? = nil) -> ResultTable {
        let unknown = nulls == nil && table.source?.heldByEngine == true
        var mask = NullMask(count: table.columns.count)
        for i in table.columns.indices where unknown { mask.setNull(i) }
        return ResultTable(columns: [
            text("column", table.columns.map(\.name)),
            text("type", table.columns.map { $0.vector.type.rawValue }),
            .init(name: "nulls", vector: .integer(nulls ?? table.columns.map { Int64($0.vector.nullCount) }, unknown ? mask : nil), role: .measure),
        ])
    }

    /// One row per named measure, in the order defined: name and definition.
    public static func measures(_ catalog: Catalog) -> ResultTable {
        let names = catalog.measureOrder
        return ResultTable(columns: [
            text("measure", names),
            text("definition", names.map { catalog.measure($0)?.text ?? "" }),
        ])
    }

    static func text(_ name: String, _ values: [String]) -> ResultTable.Column {
        .init(name: name, vector: .text(values), role: .dimension)
    }
}
