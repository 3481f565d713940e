import Foundation

/// `tally sql`: each query of a script printed as the SQL that computes it. The script runs as
/// it would in memory for everything but its queries — loads (whose inferred schema becomes
/// the engine's read), measures, links, `set` and `let` — so each query binds exactly as in a
/// run, and is then compiled instead of run.
extension Session {
    /// The statement's SQL, headed by where it is and its first line (shown as text: one
    /// statement per result, set apart by a blank line).
    func sql(_ q: Query, _ statement: Statement, _ source: SourceFile) throws -> String {
        var b = Binder(catalog: catalog, source: source)
        let bound = try b.bind(q)
        let compiled = try SQLCompiler(dialect: sqlDialect ?? .duckdb).compile(bound)
        return SQLCompiler.heading(statement.span, source) + compiled + ";"
    }
}

extension Session {
    /// A value's SQL (`let n = count teachers`, `print`, `check`) when it reads a table; else
    /// only the heading: the value is Tally's own, computed without the engine.
    func sqlValue(_ e: Expr, _ statement: Statement, _ source: SourceFile) throws -> String {
        var b = Binder(catalog: catalog, source: source)
        let bound = try b.bind(e, .scalar)
        let heading = SQLCompiler.heading(statement.span, source)
        guard Engine.readsTables(bound) else { return String(heading.dropLast()) }   // shown as text: its newline is added
        return heading + (try SQLCompiler(dialect: sqlDialect ?? .duckdb).compileValue(bound)) + ";"
    }
}

extension SQLCompiler {
    /// `-- FILE:LINE: the statement's first line`.
    static func heading(_ span: Span, _ source: SourceFile) -> String {
        let (line, _) = source.lineAndColumn(of: span.start)
        let first = source.slice(span).split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        return "-- \(source.name):\(line): \(first)\n"
    }

    /// Why the engine cannot read a loaded table's file as Tally did (empty: it can, when the
    /// values are in plain forms).
    static func obstacles(_ t: Table) -> [String] {
        guard let s = t.source else { return ["it was not loaded from a file"] }
        var why: [String] = []
        if s.sheet != nil { why.append("it is a workbook") }
        if let e = s.encoding, e.uppercased() != "UTF-8" { why.append("it is \(e), not UTF-8") }
        if s.byteOrderMark { why.append("it starts with a byte-order mark") }
        if s.headerRows.count > 1 { why.append("its header spans two rows") }
        if s.summaryRows > 0 || s.badRows > 0 || s.replacedBytes > 0 { why.append("its load left rows out") }
        if s.fileNames != t.columns.map(\.name) { why.append("its columns are renamed") }
        return why
    }

    /// The same, for this dialect: Spark's reader cannot skip lines above the header.
    func obstacles(_ t: Table) -> [String] {
        SQLCompiler.obstacles(t) + (dialect == .spark && (t.source?.headerRows.first ?? 1) > 1 ? ["its header is not on the first line"] : [])
    }

    /// A path as the engine must be given it: absolute (a Spark Connect server or a master
    /// works in another folder).
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    /// The engine's read of a loaded table's own file, with the schema Tally inferred. `absolute`:
    /// the file's path made absolute (for an engine whose working folder is not Tally's: a
    /// Spark Connect server, a standalone master); else as the load wrote it.
    func readExport(_ t: Table, absolute: Bool = false) -> String {
        let delimiter = t.source?.delimiter.map { String(Unicode.Scalar($0)) } ?? ","
        let path = absolute ? SQLCompiler.absolute(t.source?.path ?? t.name) : t.source?.path ?? t.name
        if let database = t.source?.databaseTable {
            // A DuckDB database's table: the database attached, the table read through a view.
            let name = ident("database_" + ((path as NSString).lastPathComponent as NSString).deletingPathExtension)
            return "ATTACH IF NOT EXISTS \(string(path)) AS \(name) (READ_ONLY);\n"
                + view(t.name, of: "\(name).\(ident(database))", row: "rowid", columns: t.columns.map { ($0.name, Binder.type(of: $0)) })
        }
        if t.source?.parquet == true {
            let (from, row) = parquet(path, folder: FileKind(path: t.source?.path ?? "") == .folder, numbered: true)
            return view(t.name, of: from, row: row, columns: t.columns.map { ($0.name, Binder.type(of: $0)) })
        }
        return createTable(t.name, csv: path, columns: t.columns.map { ($0.name, Binder.type(of: $0)) }, delimiter: delimiter,
                           skip: max(0, (t.source?.headerRows.first ?? 1) - 1), nulls: t.source?.nulls ?? [], mapBooleans: true)
    }

    /// A loaded table as the engine's read of its file; a file the engine cannot read as Tally
    /// does says why (a run hands the engine the table as clean CSV instead).
    func load(_ t: Table, statement: Statement, source: SourceFile) -> String {
        var text = SQLCompiler.heading(statement.span, source)
        let why = obstacles(t)
        if !why.isEmpty {
            text += "-- \(t.name): the engine cannot read \(t.source?.path ?? t.name) as Tally does (\(why.joined(separator: ", "))); a run hands it the table as clean UTF-8 CSV\n"
        }
        return text + readExport(t) + ";"
    }
}
