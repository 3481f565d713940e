import Foundation

/// Loads under an engine: the engine reads each export itself and holds its rows; Tally keeps
/// the columns and their types, from a streaming pass over the file (`Converter.schema`). A
/// file the engine cannot read exactly as Tally does is an error naming the `tally convert`
/// that makes it one it can. With `engineCopies` (`--engine-copy`), Tally loads the exports as
/// always and hands the engine each table as clean CSV: for exports that fit in memory.
extension Session {
    func engineLoad(_ engine: Engine, path: String, name: Name?, options: LoadOptions, syntax: [LoadOption],
                    statement s: Statement, source: SourceFile, pathExpr: Expr) throws -> [Table] {
        let locate = { (d: Diagnostic) in Diagnostic(d.severity, d.message, in: source, span: pathExpr.span, notes: d.notes) }
        switch (path as NSString).pathExtension.lowercased() {
        case "duckdb":
            return [try engineError(engine, source, pathExpr.span) { try databaseTable(engine, path: path, name: name, options: options, locate: locate) }]
        case "parquet":
            return [try engineError(engine, source, pathExpr.span) { try parquetTable(engine, path: path, name: name, options: options, locate: locate) }]
        default: break
        }
        let tables: [Table], isCancelled = self.isCancelled
        do {
            tables = try Loader.load(path: path, name: name?.text, options: options, isCancelled: isCancelled, locate: locate) { file, table, options in
                try Converter.schema(path: file, tableName: table, options: options, isCancelled: isCancelled)
            }
        } catch let o as Converter.Obstacles {
            let given = syntax.first.map { source.slice(Span($0.name.span.start, s.span.end)) }
            let folder = FileKind(path: path) == .folder
            let out = folder ? (path.hasSuffix("/") ? String(path.dropLast()) : path) + "-clean"
                : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("clean")
            let command = (["tally", "convert", path, "--out", out] + (given.map { ["--with", $0] } ?? [])).map(Session.shellWord).joined(separator: " ")
            let clean = folder ? out : (out as NSString).appendingPathComponent(((path as NSString).lastPathComponent as NSString).deletingPathExtension + ".csv")
            throw Diagnostic(.error, "\(engine.dialect.engineName) cannot read \(o.path) exactly as Tally does: \(o.reasons.joined(separator: "; "))",
                             in: source, span: pathExpr.span,
                             notes: ["convert it first: \(command)", "then load \(Lexical.string(clean))",
                                     "or, for exports that fit in memory, let Tally read them and hand the engine its tables: --engine-copy"])
        }
        for t in tables { try engineError(engine, source, pathExpr.span) { try engine.register(t) } }
        return tables
    }

    /// The engine's error, shown at `span`.
    private func engineError<T>(_ engine: Engine, _ source: SourceFile, _ span: Span, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as Engine.EngineError {
            throw Diagnostic(.error, "\(engine.dialect.engineName): \(e.message.split(separator: "\n").first.map(String.init) ?? e.message)",
                             in: source, span: span)
        }
    }

    /// `load t from "x.duckdb" with table "logins"`: a table of a DuckDB database file, its
    /// columns and types as the engine reports them (the engine holds the rows).
    private func databaseTable(_ engine: Engine, path: String, name: Name?, options: LoadOptions,
                               locate: (Diagnostic) -> Diagnostic) throws -> Table {
        guard engine.dialect == .duckdb else { throw locate(Diagnostic(.error, "a .duckdb database is read by DuckDB, not \(engine.dialect.engineName)")) }
        switch FileKind(path: path) {
        case .regular: break
        case .missing: throw locate(Diagnostic(.error, "no such file or folder: \(path)" + Session.absoluteNote(path)))
        default: throw locate(Diagnostic(.error, "cannot load \(path): it is not a file"))
        }
        if let (option, span) = options.given.first(where: { $0.key != "table" }) {
            throw options.error("`\(option)` does not apply to a DuckDB database: its tables are typed already", span)
        }
        let c = engine.compiler, database = try engine.attach(path)
        let catalog = c.string(String(database.dropFirst().dropLast()))
        let tables = try engine.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = \(catalog) ORDER BY table_name").compactMap { $0[0] }
        let listed = tables.isEmpty ? "it holds no tables" : "its tables: " + tables.joined(separator: ", ")
        guard let wanted = options.table else {
            throw locate(Diagnostic(.error, "name the table of \(path) to read: with table \"…\"", notes: [listed]))
        }
        guard tables.contains(wanted) else {
            throw options.error("no table `\(wanted)` in \(path)", options.given["table"] ?? .none,
                                notes: [Suggest.closest(to: wanted, in: tables).map { "did you mean `\($0)`?" } ?? listed])
        }
        let columns = try engine.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = \(catalog) AND table_name = \(c.string(wanted)) ORDER BY ordinal_position")
        var source = TableSource(path: path)
        source.databaseTable = wanted
        return try heldTable(engine, name?.text ?? wanted, source, columns: columns, from: "\(database).\(c.ident(wanted))",
                             what: "\(wanted) in \(path)", locate: locate)
    }

    /// `load t from "logins.parquet"`: a Parquet file, or a folder of them (a dataset Spark or
    /// DuckDB wrote, `key=value` subfolders read as columns), its columns and types as the
    /// engine reports them (the engine holds the rows).
    private func parquetTable(_ engine: Engine, path: String, name: Name?, options: LoadOptions,
                              locate: (Diagnostic) -> Diagnostic) throws -> Table {
        let kind = FileKind(path: path)
        switch kind {
        case .regular, .folder: break
        case .missing: throw locate(Diagnostic(.error, "no such file or folder: \(path)" + Session.absoluteNote(path)))
        default: throw locate(Diagnostic(.error, "cannot load \(path): it is not a file or a folder"))
        }
        if let (option, span) = options.given.first {
            throw options.error("`\(option)` does not apply to a Parquet file: its columns are typed already", span)
        }
        let from = engine.compiler.parquet(SQLCompiler.absolute(path), folder: kind == .folder).from
        let columns = try engine.execute(engine.compiler.columnsQuery(from))
        var source = TableSource(path: path)
        source.parquet = true
        let table = name?.text ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try heldTable(engine, table, source, columns: columns, from: from, what: path, locate: locate)
    }

    /// A table whose rows the engine holds: `columns` (name and engine type, the first two cells
    /// of each row) as Tally's types, and the rows of `from` counted.
    private func heldTable(_ engine: Engine, _ name: String, _ source: TableSource, columns: [[String?]], from: String, what: String,
                           locate: (Diagnostic) -> Diagnostic) throws -> Table {
        var source = source
        source.heldByEngine = true
        let count = try engine.execute("SELECT count(*) FROM \(from)")
        source.rows = count.first?.first.flatMap { $0.flatMap { Int($0) } } ?? 0
        let typed = try columns.map { row -> Table.Column in
            let (column, sqlType) = (row[0] ?? "", (row.count > 1 ? row[1] ?? "" : "").uppercased())
            guard let type = Session.tallyType(sqlType) else {
                throw locate(Diagnostic(.error, "column \(column) of \(what) is \(sqlType), which Tally has no type for",
                                        notes: ["Tally's types: integer (BIGINT and smaller), decimal (DOUBLE, FLOAT, DECIMAL), boolean, date, timestamp, string (VARCHAR)"]))
            }
            return Table.Column(name: column, vector: .nulls(type, count: 0), typed: true)
        }
        source.fileNames = typed.map(\.name)
        return Table(name: name, columns: typed, rowCount: 0, source: source)
    }

    /// The Tally type of a DuckDB or Spark column type (in capitals), when it has one. A time
    /// with a zone is its UTC time (both engines' sessions are in UTC).
    static func tallyType(_ sql: String) -> DataType? {
        switch sql {
        case "BIGINT", "INTEGER", "INT", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UTINYINT": .integer
        case "DOUBLE", "FLOAT", "REAL": .decimal
        case _ where sql.hasPrefix("DECIMAL"): .decimal
        case "BOOLEAN": .boolean
        case "DATE": .date
        case "TIMESTAMP", "DATETIME", "TIMESTAMP_NTZ", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS": .timestamp
        case "VARCHAR", "TEXT", "STRING": .string
        default: nil
        }
    }

    /// `link` to a table the engine holds: the key's uniqueness, checked by the engine (nulls
    /// match nothing, as in memory); nil when it is a key, else the error.
    func engineKeyProblem(_ engine: Engine, _ link: Link, _ source: SourceFile, _ span: Span) throws -> String? {
        let c = engine.compiler, keys = link.keyColumns.map { c.ident($0.name) }
        let sql = "SELECT \(keys.joined(separator: ", ")) FROM \(c.ident(link.target.name)) WHERE "
            + keys.map { "\($0) IS NOT NULL" }.joined(separator: " AND ")
            + " GROUP BY \(keys.joined(separator: ", ")) HAVING count(*) > 1 LIMIT 1"
        let rows: [[String?]]
        do {
            try engine.register(link.target)
            rows = try engine.execute(sql)
        } catch let e as Engine.EngineError {
            throw Diagnostic(.error, "\(engine.dialect.engineName): \(e.message.split(separator: "\n").first.map(String.init) ?? e.message)", in: source, span: span)
        }
        guard let row = rows.first else { return nil }
        let values = zip(row, link.keyColumns).map { Format.display(EngineResult.value($0, Binder.type(of: $1))) }
        if link.keyColumns.count == 1 {
            let value = Binder.type(of: link.keyColumns[0]) == .string ? "\"\(values[0])\"" : values[0]
            return "\(link.target.name).\(link.keyColumns[0].name) is not a key: \(value) appears twice, so a row of \(link.base.name) could match several rows"
        }
        return "\(link.target.name).(\(link.keyColumns.map(\.name).joined(separator: ", "))) is not a key: (\(values.joined(separator: ", "))) appears twice, so a row of \(link.base.name) could match several rows"
    }

    /// A word as a shell reads it: quoted when it holds anything but letters, digits and `/._-=`.
    static func shellWord(_ w: String) -> String {
        if !w.isEmpty && w.allSatisfy({ $0.isLetter || $0.isNumber || "/._-=".contains($0) }) { return w }
        return "'" + w.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A statement that needs the rows of a table an engine read, with no engine in use (after
    /// `.engine memory`): an error saying so.
    func checkRowsHeld(_ t: Table, _ what: String, at span: Span, _ source: SourceFile) throws {
        guard t.source?.heldByEngine == true, engine == nil else { return }
        throw Binder.notHeld(t, "\(what) reads", source, span)
    }
}
