/// Where a table came from and what its load decided. Shown when the table loads, and by
/// `describe load TABLE` as the `load` statement that re-reads the file the same way (every
/// decision written as an option), so a saved script reads the next period's export identically.
public struct TableSource: Sendable {
    public var path: String
    /// Workbooks: the sheet read. Text files: the encoding (and whether a byte-order mark was
    /// skipped) and the delimiter.
    public var sheet: String?
    /// Workbooks read without `sheet`: the workbook's other sheets, and how many sheets before
    /// the one read were passed over for holding no table (a notes page).
    public var otherSheets: [String] = []
    public var sheetsPassedOver = 0
    public var encoding: String?
    public var byteOrderMark = false
    public var delimiter: UInt8?
    /// The header's line (text) or row (sheet) numbers: one, or two joined into one name.
    public var headerRows: [Int] = []
    /// The columns' names in the file, before `rename`.
    public var fileNames: [String] = []
    public var nulls: [String] = []
    public var skipTotals = false, skipBadRows = false
    /// What was left out: summary rows (合计/小计/总计), bad rows, invalid bytes replaced by U+FFFD.
    public var summaryRows = 0, badRows = 0, replacedBytes = 0
    /// The first few bad rows and the first invalid bytes, as warnings to show after the load.
    public var warnings: [Diagnostic] = []
    /// Under an engine: the engine reads the file itself and holds its rows (Tally has the
    /// columns and their types, no rows), `rows` of them.
    public var heldByEngine = false
    public var rows = 0
    /// A DuckDB database file's table (`load t from "x.duckdb" with table "logins"`).
    public var databaseTable: String?
    /// A Parquet file, or a folder of them (`load t from "logins.parquet"`), read by the engine.
    public var parquet = false

    public init(path: String) { self.path = path }

    /// `x.csv (GB18030, delimiter ',', header line 1)`, with what was left out.
    public var summary: String {
        if let databaseTable { return "\(path) (table \(databaseTable))" }
        if parquet { return "\(path) (Parquet)" }
        let isSheet = sheet != nil
        var parts: [String] = []
        if let sheet {
            parts.append("sheet \(sheet)" + (sheetsPassedOver > 0 ? ", the first with a table" : "")
                         + (otherSheets.isEmpty ? "" : " (also in the workbook: \(otherSheets.joined(separator: ", ")))"))
        }
        if let encoding { parts.append(encoding + (byteOrderMark ? " with byte-order mark" : "")) }
        if let delimiter { parts.append("delimiter " + (delimiter == 9 ? "tab" : "'\(Character(Unicode.Scalar(delimiter)))'")) }
        let what = isSheet ? "row" : "line"
        parts.append(headerRows.count == 2 ? "header \(what)s \(headerRows[0])–\(headerRows[1])" : "header \(what) \(headerRows.first ?? 1)")
        if summaryRows > 0 { parts.append("\(summaryRows) summary row\(summaryRows == 1 ? "" : "s") left out") }
        if badRows > 0 { parts.append("\(badRows) bad row\(badRows == 1 ? "" : "s") skipped") }
        if replacedBytes > 0 { parts.append("\(replacedBytes) invalid byte\(replacedBytes == 1 ? "" : "s") replaced by U+FFFD") }
        return "\(path) (\(parts.joined(separator: ", ")))"
    }

    /// The `load` statement that reads the file again with every decision of this load fixed.
    public func loadStatement(for table: Table) -> String {
        if let databaseTable { return "load \(Lexical.name(table.name)) from \(Lexical.string(path)) with table \(Lexical.string(databaseTable))" }
        if parquet { return "load \(Lexical.name(table.name)) from \(Lexical.string(path))" }
        var options: [String] = []
        if let sheet { options.append("sheet \(Lexical.string(sheet))") }
        if let encoding { options.append("encoding \(Lexical.string(encoding))") }
        if let delimiter { options.append("delimiter " + Lexical.string(delimiter == 9 ? "tab" : String(Unicode.Scalar(delimiter)))) }
        options.append(headerRows.count == 2 ? "header (\(headerRows[0]), \(headerRows[1]))" : "header \(headerRows.first ?? 1)")
        if skipTotals { options.append("skip_totals true") }
        if skipBadRows { options.append("skip_bad_rows true") }
        var lines = ["load \(Lexical.name(table.name)) from \(Lexical.string(path))", "    with " + options.joined(separator: ", ")]
        lines.append("    nulls (\(nulls.map(Lexical.string).joined(separator: ", ")))")
        lines.append("    types (" + zip(fileNames, table.columns).map { "\(Lexical.name($0)) = \($1.vector.type.rawValue)" }.joined(separator: ", ") + ")")
        let renamed = zip(fileNames, table.columns).filter { $0 != $1.name }
        if !renamed.isEmpty { lines.append("    rename (" + renamed.map { "\(Lexical.name($0)) = \(Lexical.name($1.name))" }.joined(separator: ", ") + ")") }
        return lines.joined(separator: ",\n").replacingOccurrences(of: ",\n    with ", with: "\n    with ")
    }
}
