import Foundation

/// Another engine that runs a script's queries: one engine process per run, fed one statement
/// at a time over a pipe (a small Python driver around the pinned `duckdb` or `pyspark`
/// package, one Spark session for the whole run; see `EngineDriver`). Tally binds each statement
/// as always, compiles it (SQLCompiler), and reads the result back into a ResultTable that its
/// own writers print, so the output is the in-memory engine's.
///
/// The tables are the session's: each one a query reads is handed to the engine once, as a
/// clean UTF-8 CSV file (ISO dates, full-precision numbers, true/false) in a private folder,
/// read with its column types given — whatever the export was (GBK, xlsx, `225,319`,
/// `92.13%`, null markers), the loader's reading of it carries over exactly.
public final class Engine {
    public let dialect: SQLDialect
    /// The Spark it reaches (`--engine-url`); nil: its own.
    public let url: String?
    let compiler: SQLCompiler
    private let process: Process
    private let input: FileHandle, output: FileHandle, errors: Pipe
    private var buffer = Data()
    /// The last of what the driver wrote to stderr (read as it comes, so that the engine never
    /// waits on a full pipe), shown when it stops.
    private let errorTail = ErrorTail()
    /// The table handed over under each name (kept, so that its identity stays its own): a
    /// name that now holds another table is handed over again.
    private var registered: [String: Table] = [:]
    /// The database files attached (`load … with table`), by path.
    private var attached: [String: String] = [:]
    private let folder: String
    private var fileCount = 0
    /// The engine's own version, as it reports it.
    public private(set) var version = ""
    /// Ctrl-C (the session's `isCancelled`): the statement running is interrupted, its answer
    /// dropped and `Cancelled` thrown, so nothing of it is shown — as for a query in memory.
    public var isCancelled: () -> Bool = { false }
    /// Whether the statement running was asked to stop.
    private var interrupted = false

    /// The driver's Python: `TALLY_ENGINE_PYTHON`, else `.engines/venv/bin/python3` in the
    /// current folder or one above it, or beside the tally executable or above it.
    static func python() -> String? {
        let env = ProcessInfo.processInfo.environment
        if let p = env["TALLY_ENGINE_PYTHON"], !p.isEmpty { return p }
        var starts = [FileManager.default.currentDirectoryPath]
        starts.append((CommandLine.arguments.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().deletingLastPathComponent().path }) ?? "")
        for start in starts where !start.isEmpty {
            var dir = URL(fileURLWithPath: start)
            for _ in 0..<8 {
                let candidate = dir.appendingPathComponent(".engines/venv/bin/python3").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                dir.deleteLastPathComponent()
            }
        }
        return nil
    }

    /// How to install the engine.
    public static func installNote(_ dialect: SQLDialect) -> String {
        let what = dialect == .duckdb ? "duckdb \(EngineDriver.duckdbVersion) from PyPI into .engines/venv"
            : "pyspark \(EngineDriver.pysparkVersion) with its Spark Connect client from PyPI into .engines/venv, and Java 17 (Debian's openjdk-17-jre-headless)"
        return "install it with `make engines` in Tally's folder (\(what)), or set TALLY_ENGINE_PYTHON to a python3 that has \(dialect == .duckdb ? "duckdb" : "pyspark")"
    }

    private var installNote: String { Engine.installNote(dialect) }

    /// Starts the engine; for Spark, `url` picks a standalone master (`spark://host:port`) or a
    /// Spark Connect server (`sc://host:port`) instead of `local[*]`. An engine that is not
    /// installed is an error saying how to install it.
    public static func start(_ dialect: SQLDialect, url: String? = nil) throws -> Engine {
        if let url {
            guard dialect == .spark else {
                throw Diagnostic(.error, "--engine-url is for --engine spark", notes: ["\(dialect.engineName) runs in Tally's own process: leave out --engine-url"])
            }
            guard url.hasPrefix("spark://") || url.hasPrefix("sc://") || url.hasPrefix("local") else {
                throw Diagnostic(.error, "`\(url)` is not a Spark address",
                                 notes: ["spark://HOST:PORT is a standalone master, sc://HOST:PORT a Spark Connect server; without --engine-url Spark runs here (local[*])"])
            }
        }
        guard let python = python() else {
            throw Diagnostic(.error, "\(dialect.engineName) is not installed for Tally", notes: [installNote(dialect)])
        }
        return try Engine(dialect: dialect, python: python, url: url)
    }

    private init(dialect: SQLDialect, python: String, url: String?) throws {
        self.dialect = dialect
        self.url = url
        compiler = SQLCompiler(dialect: dialect)
        folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("tally-engine-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = dialect == .duckdb ? ["-u", "-c", EngineDriver.duckdb] : ["-u", "-c", EngineDriver.spark, url ?? "", folder]
        let inPipe = Pipe(), outPipe = Pipe()
        errors = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errors
        let tail = errorTail
        errors.fileHandleForReading.readabilityHandler = { h in
            let chunk = h.availableData
            if chunk.isEmpty { h.readabilityHandler = nil } else { tail.append(chunk) }
        }
        do { try process.run() } catch {
            throw Diagnostic(.error, "cannot start the \(dialect.engineName) driver (\(python)): \(error.localizedDescription)", notes: [Engine.installNote(dialect)])
        }
        input = inPipe.fileHandleForWriting
        output = outPipe.fileHandleForReading
        let hello = try response()
        version = hello["ready"] as? String ?? ""
        if let e = hello["error"] as? String {
            close()
            if dialect == .duckdb || hello["missing"] as? Bool == true {
                throw Diagnostic(.error, "\(dialect.engineName) is not installed for Tally (\(python): \(e))", notes: [Engine.installNote(dialect)])
            }
            if hello["unreachable"] as? Bool == true {
                throw Diagnostic(.error, e, notes: ["start the server first, or leave out the URL: Spark then runs in Tally's process (local[*])"])
            }
            throw Diagnostic(.error, e, notes: url == nil ? [] : ["is a Spark server running at \(url!)?"])
        }
        for statement in compiler.preamble { _ = try execute(statement) }
    }

    deinit { close() }

    public func close() {
        errors.fileHandleForReading.readabilityHandler = nil
        if process.isRunning {
            try? input.close()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The next line the driver writes, as JSON.
    private func response() throws -> [String: Any] {
        while true {
            if let nl = buffer.firstIndex(of: 10) {
                let line = buffer[buffer.startIndex..<nl]
                buffer.removeSubrange(buffer.startIndex...nl)
                guard let obj = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                    throw Diagnostic(.error, "the \(dialect.engineName) driver answered something unreadable: \(String(decoding: line.prefix(200), as: UTF8.self))")
                }
                return obj
            }
            let chunk = try nextChunk()
            if chunk.isEmpty {
                process.waitUntilExit()
                let why = errorTail.text
                throw Diagnostic(.error, "the \(dialect.engineName) driver stopped" + (why.isEmpty ? "" : ": \(why)"), notes: [installNote])
            }
            buffer.append(chunk)
        }
    }

    /// What the driver writes next (empty: it stopped), waited for a tenth of a second at a
    /// time (a signal may cut a wait short): on Ctrl-C the driver is asked once to interrupt the
    /// statement, whose answer then still comes.
    private func nextChunk() throws -> Data {
        var ready = pollfd(fd: output.fileDescriptor, events: Int16(POLLIN), revents: 0)
        while poll(&ready, 1, 100) <= 0 {
            guard !interrupted, isCancelled() else { continue }
            interrupted = true
            try send(["cancel": true])
        }
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(output.fileDescriptor, &bytes, bytes.count)
            if n >= 0 { return Data(bytes[0..<n]) }
            if errno != EINTR { return Data() }
        }
    }

    private func send(_ request: [String: Any]) throws {
        do { try input.write(contentsOf: try JSONSerialization.data(withJSONObject: request) + Data([10])) } catch {
            throw Diagnostic(.error, "the \(dialect.engineName) driver stopped", notes: [installNote])
        }
    }

    /// Runs one statement; its rows as text (nil for null), or the engine's error.
    func execute(_ sql: String) throws -> [[String?]] {
        if isCancelled() { throw Cancelled() }
        interrupted = false
        try send(["sql": sql])
        let r = try response()
        if interrupted || isCancelled() { throw Cancelled() }
        if let e = r["error"] as? String { throw EngineError(message: e) }
        return (r["rows"] as? [[Any]] ?? []).map { $0.map { $0 as? String } }
    }

    struct EngineError: Error { let message: String }

    /// An engine error, shown at the statement that met it.
    func located<T>(_ origin: Origin, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as EngineError {
            throw origin.error("\(dialect.engineName): \(e.message.split(separator: "\n").first.map(String.init) ?? e.message)",
                               notes: e.message.contains("\n") ? [String(e.message.split(separator: "\n").dropFirst().joined(separator: " ").prefix(300))] : [])
        }
    }

    // MARK: Tables

    /// Every table a query reads: its own, those it looks up, those of its memberships and subqueries.
    static func tables(of q: LogicalQuery) -> [Table] {
        var out: [Table] = [q.table]
        func visit(_ e: BoundExpr) {
            e.visit { node in
                switch node.kind {
                case .lookup(let l, _): out.append(l.target)
                case .membership(_, let t, _, let f, _): out.append(t); f.map(visit)
                case .subquery(let inner): out += tables(of: inner)
                default: break
                }
            }
        }
        q.filter.map(visit)
        q.having.map(visit)
        q.dimensions.forEach { visit($0.expr) }
        q.measures.forEach { visit($0.expr) }
        q.bucket?.value.map(visit)
        q.across.map { visit($0.expr) }
        return out
    }

    /// The engine reads each loaded export itself, as `tally sql` prints it (a file it cannot
    /// read as Tally did is still handed over as clean CSV). For files whose values are all in
    /// plain forms; a value in another form is the engine's error.
    public var readsExports = false

    /// Hands a table to the engine (once): written as a clean CSV file, read with its types; a
    /// table whose rows the engine holds (`TableSource.heldByEngine`) is the engine's own read
    /// (of a Parquet file or a database's table: a view, its rows never copied).
    func register(_ t: Table) throws {
        guard registered[t.name] !== t else { return }
        if let database = t.source?.databaseTable, let path = t.source?.path {
            let columns = t.columns.map { ($0.name, Binder.type(of: $0)) }
            _ = try execute(compiler.view(t.name, of: "\(try attach(path)).\(compiler.ident(database))", row: "rowid", columns: columns))
            registered[t.name] = t
            return
        }
        if t.source?.heldByEngine == true || readsExports && compiler.obstacles(t).isEmpty {
            for s in compiler.statements(compiler.readExport(t, absolute: true)) { _ = try execute(s) }
            registered[t.name] = t
            return
        }
        fileCount += 1
        let path = (folder as NSString).appendingPathComponent("\(fileCount).csv")
        try CleanCSV.write(t, to: path)
        for s in compiler.statements(compiler.createTable(t.name, csv: path, columns: t.columns.map { ($0.name, Binder.type(of: $0)) })) {
            _ = try execute(s)
        }
        registered[t.name] = t
    }

    /// A DuckDB database file, attached read-only (once): the name its tables are reached by.
    func attach(_ path: String) throws -> String {
        if let name = attached[path] { return name }
        let name = compiler.ident("database_\(attached.count + 1)")
        _ = try execute("ATTACH \(compiler.string(path)) AS \(name) (READ_ONLY)")
        attached[path] = name
        return name
    }

    // MARK: Running

    /// Runs a bound query on the engine.
    func run(_ q: LogicalQuery) throws -> ResultTable {
        guard let a = q.across, a.values == nil else {
            let sql = try compiler.compile(q)
            return try located(q.origin) {
                for t in Engine.tables(of: q) { try register(t) }
                return EngineResult.table(q, try execute(sql))
            }
        }
        // A cross-tab over the values found: first the values (its columns), then the cells.
        let valuesSQL = try compiler.acrossValues(q, a)
        return try located(q.origin) {
            for t in Engine.tables(of: q) { try register(t) }
            let found = try execute(valuesSQL).map { EngineResult.value($0[0], a.expr.type) }
            var spread = q, c = compiler
            let names = found.map { $0 == .null ? "null" : Format.display($0) }
            spread.across?.values = names
            let type = q.measures[0].expr.type
            spread.columns = Array(q.columns.prefix(q.dimensions.count)) + names.map { ($0, type) } + (q.total.map { [($0, type)] } ?? [])
            c.acrossFound = found
            let sql = try c.compile(spread)
            return EngineResult.table(spread, try execute(sql))
        }
    }

    /// The value of an expression with a query in it (`let n = count teachers`, `check (…) = 5`).
    func value(_ e: BoundExpr) throws -> Value {
        let sql = try compiler.compileValue(e)
        return try located(e.origin) {
            var subqueries: [LogicalQuery] = []
            e.visit { if case .subquery(let q) = $0.kind { subqueries.append(q) } }
            for q in subqueries { for t in Engine.tables(of: q) { try register(t) } }
            let rows = try execute(sql)
            return EngineResult.value(rows.first?.first ?? nil, e.type)
        }
    }

    /// Whether an expression reads a table (a query in parentheses): then the engine computes it.
    static func readsTables(_ e: BoundExpr) -> Bool {
        var found = false
        e.visit { if case .subquery = $0.kind { found = true } }
        return found
    }
}

/// The end of what a driver wrote to stderr.
final class ErrorTail: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) {
        lock.lock(); defer { lock.unlock() }
        data.append(chunk)
        if data.count > 8000 { data = data.suffix(4000) }
    }

    var text: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: data.suffix(2000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The engine's rows (text per cell) read back as a ResultTable of the query's output types.
enum EngineResult {
    static func value(_ text: String?, _ type: DataType?) -> Value {
        guard let text else { return .null }
        switch type {
        case .integer?: return Int64(text).map(Value.integer) ?? .null
        case .decimal?: return Double(text).map(Value.decimal) ?? .null
        case .boolean?: return .boolean(text == "true")
        case .date?: return FieldParsing.temporal(text).map { .date($0.seconds) } ?? .null
        case .timestamp?: return FieldParsing.temporal(text).map { .timestamp($0.seconds) } ?? .null
        case .string?: return .string(text)
        case nil: return .null
        }
    }

    static func vector(_ values: [Value], _ type: DataType?) -> Vector {
        let n = values.count
        var mask: NullMask?
        for (i, v) in values.enumerated() where v == .null {
            if mask == nil { mask = NullMask(count: n) }
            mask!.setNull(i)
        }
        switch type {
        case nil: return .nulls(.integer, count: n)
        case .integer?: return .integer(values.map { if case .integer(let x) = $0 { x } else { 0 } }, mask)
        case .decimal?: return .decimal(values.map { if case .decimal(let x) = $0 { x } else { 0 } }, mask)
        case .boolean?: return .boolean(values.map { if case .boolean(let x) = $0 { x ? 1 : 0 } else { 0 } }, mask)
        case .date?: return .date(values.map { if case .date(let x) = $0 { x } else { 0 } }, mask)
        case .timestamp?: return .timestamp(values.map { if case .timestamp(let x) = $0 { x } else { 0 } }, mask)
        case .string?:
            var strings: [String] = [], codes: [UInt32] = [], index: [String: UInt32] = [:]
            for v in values {
                guard case .string(let s) = v else { codes.append(0); continue }
                if let c = index[s] { codes.append(c) } else {
                    index[s] = UInt32(strings.count); codes.append(UInt32(strings.count)); strings.append(s)
                }
            }
            if strings.isEmpty && n > 0 { return .nulls(.string, count: n) }
            return .string(Codes(codes), StringDictionary(strings), mask)
        }
    }

    /// The roles of the query's output columns, as the in-memory engine gives them.
    static func roles(_ q: LogicalQuery) -> [ResultTable.Role] {
        var roles: [ResultTable.Role]
        if q.listing { roles = q.measures.map { _ in .dimension } }
        else if q.bucket != nil { roles = [.dimension] + Array(repeating: .measure, count: q.columns.count - (q.rank == nil ? 2 : 3)) + [.share] }
        else {
            let shown = q.columns.count - (q.rank == nil ? 0 : 1)
            roles = Array(repeating: .dimension, count: q.dimensions.count) + Array(repeating: .measure, count: shown - q.dimensions.count)
            if q.share != nil { roles[roles.count - 1] = .share }
        }
        if q.rank != nil { roles.insert(.dimension, at: 0) }
        return roles
    }

    /// The decimals each output column shows with (a `round(x, n)` measure or `by` item; nil:
    /// the default rule), as the in-memory engine sets them: the cells and total of a cross-tab
    /// take its measure's, a bucket's counts and shares and a rank none.
    static func decimals(_ q: LogicalQuery) -> [Int?] {
        let shown = q.columns.count - (q.rank == nil ? 0 : 1)
        var out: [Int?]
        if q.listing { out = q.measures.map(\.expr.decimals) }
        else if q.across != nil {
            out = q.dimensions.map(\.expr.decimals)
            out += Array(repeating: q.measures[0].expr.decimals, count: max(0, shown - out.count))
        } else if let b = q.bucket { out = [nil] + (b.value == nil ? [] : q.measures.map(\.expr.decimals)) }
        else { out = q.dimensions.map(\.expr.decimals) + q.measures.map(\.expr.decimals) }
        if q.rank != nil { out.insert(nil, at: 0) }
        return Array((out + Array(repeating: nil, count: max(0, q.columns.count - out.count))).prefix(q.columns.count))
    }

    static func table(_ q: LogicalQuery, _ rows: [[String?]]) -> ResultTable {
        let hasTotal = rows.first.map { $0.count == q.columns.count + 1 } ?? false
        var body = rows, totalRow: [Value]?
        if hasTotal, let last = rows.last, last.last == "true" {
            body.removeLast()
            let offset = q.rank == nil ? 0 : 1
            totalRow = q.columns.enumerated().map { i, c in
                i == offset ? .string(q.total ?? "") : value(last[i], c.type)
            }
        }
        let roles = roles(q), decimals = decimals(q)
        let columns = q.columns.enumerated().map { i, c in
            ResultTable.Column(name: c.name, vector: vector(body.map { value($0[i], c.type) }, c.type), role: roles[i], decimals: decimals[i])
        }
        return ResultTable(columns: columns, totalRow: totalRow)
    }
}
