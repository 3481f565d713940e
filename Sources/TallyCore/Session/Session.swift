import Foundation

/// Where a session's output goes. The library never touches a terminal: the command line
/// decides what reaches stdout and stderr.
public protocol SessionOutput: AnyObject {
    /// A result or printed text — the report itself — with the display settings in force.
    /// `ResultWriter.write` makes it text; the prompt fits tables to its screen. `poll` is
    /// called once a row written (Ctrl-C: it throws `Cancelled`, which ends the writing).
    func show(_ shown: Shown, _ display: DisplaySettings, poll: () throws -> Void) throws
    /// Errors, warnings and failed checks.
    func diagnostic(_ d: Diagnostic)
    /// What a statement did, for the person at the keyboard (tables loaded, files written).
    func info(_ text: String)
}

/// Runs statements against a catalog. A statement that fails changes nothing (but a folder
/// load keeps the files that loaded completely: `Loader.PartialFolderLoad`); in a script
/// the run stops at the first error (failed checks do not stop it).
public final class Session: @unchecked Sendable {
    public let catalog = Catalog()
    /// How results are shown (`--format`, `.format`, `.rows`), handed to the output with each.
    public var display = DisplaySettings()
    /// The last result table shown (a query, `print QUERY`, `describe`, a listing) or written
    /// by `.once`, kept so `.export FILE` writes it again without running its query.
    public private(set) var lastResult: ResultTable?
    /// `.timer on`: each text run (a statement at the prompt, a script, -c) reports its time
    /// and the rows it showed.
    public var timer = false
    /// Results and their rows shown since the timer started.
    private var results = 0, resultRows = 0
    /// Told how each file's load is going (the command line's progress bar).
    public var loadObserver: LoadProgress.Observer?
    /// Polled while a statement runs; true cancels it.
    public var isCancelled: @Sendable () -> Bool = { false }
    public let output: SessionOutput
    /// `--engine duckdb|spark` or `.engine`: queries run on another engine (Engines/Engine.swift), bound here.
    public var engine: Engine? {
        // Ctrl-C interrupts the engine's statement too.
        didSet { engine?.isCancelled = { [weak self] in self?.isCancelled() ?? false } }
    }
    /// `--engine-url`: the Spark that `.engine spark` reaches (nil: Spark in Tally's process, `local[*]`).
    public var engineURL: String?
    /// `--engine-copy`: under an engine, exports load into Tally as always and each table a
    /// query reads is handed to the engine as clean CSV (else the engine reads them itself).
    public var engineCopies = false
    /// `tally sql`: queries are compiled and their SQL printed instead of run.
    public var sqlDialect: SQLDialect?
    /// `tally sql`: the dialect's engine, started for a load whose columns only an engine can
    /// tell (a Parquet file, a DuckDB database's table); nil until one is needed.
    public internal(set) var schemaEngine: Engine? {
        didSet { schemaEngine?.isCancelled = { [weak self] in self?.isCancelled() ?? false } }
    }
    /// How deep includes, startup scripts and `.run` nest (a script that runs itself stops at 32).
    var includeDepth = 0
    /// `.once FILE`: where the next result table goes instead of the screen.
    var once: ResultTarget?

    public struct Outcome: Sendable, Equatable {
        public var errors = 0
        public var failedChecks = 0
        public var warnings = 0
        /// The run stopped because `isCancelled` turned true.
        public var cancelled = false
        /// How many statements ran to their end (a failed check included), in order: when one
        /// fails, the ones before it. Only those of the text run, not of the scripts it includes.
        public var completed = 0
        public var ok: Bool { errors == 0 && failedChecks == 0 }
        public init(errors: Int = 0, failedChecks: Int = 0, warnings: Int = 0) {
            self.errors = errors; self.failedChecks = failedChecks; self.warnings = warnings
        }
    }

    public init(output: SessionOutput) {
        self.output = output
    }

    /// Sets a parameter from the command line (`--set name=value`); it wins over `set` in scripts.
    public func setParameter(_ name: String, _ text: String) {
        catalog.setOverride(name, Session.parameterValue(text))
    }

    static func parameterValue(_ text: String) -> Value {
        if let i = Int64(text), !(text.count > 1 && text.hasPrefix("0")) { return .integer(i) }
        if let d = Double(text), text.contains("."), !text.hasPrefix(".") { return .decimal(d) }
        return .string(text)
    }

    /// Parses and runs a script, file or command. Syntax errors are all reported and nothing
    /// runs; otherwise statements run in order until one fails.
    @discardableResult
    public func run(_ source: SourceFile, baseDirectory: String = "") -> Outcome {
        run(ParsedScript(source), baseDirectory: baseDirectory)
    }

    /// Runs parsed text: its errors, if any, are reported and nothing runs; otherwise its
    /// statements and commands run in order until one fails. `Outcome.completed` says how
    /// many ran. With `.timer on`, a text run at the top (not an included one) reports its time.
    @discardableResult
    public func run(_ parsed: ParsedScript, baseDirectory: String = "") -> Outcome {
        guard timer && includeDepth == 0 else { return runItems(parsed, baseDirectory: baseDirectory) }
        (results, resultRows) = (0, 0)
        let start = DispatchTime.now().uptimeNanoseconds
        let outcome = runItems(parsed, baseDirectory: baseDirectory)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        output.info("time: " + String(format: "%.3f", seconds) + " s"
                    + (results > 0 ? ", \(resultRows) row\(resultRows == 1 ? "" : "s")" : ""))
        return outcome
    }

    /// Shows a result or text: kept as the last result, counted for the timer.
    func show(_ shown: Shown) throws {
        if case .table(let result) = shown {
            lastResult = result
            results += 1
            resultRows += result.rowCount
            // `.once FILE`: this table goes to the file instead.
            if let target = once {
                once = nil
                return try write(result, to: target)
            }
        }
        var poll = CancelPoll(isCancelled)
        try output.show(shown, display, poll: { try poll.step() })
    }

    private func runItems(_ parsed: ParsedScript, baseDirectory: String) -> Outcome {
        var outcome = Outcome()
        if !parsed.errors.isEmpty {
            parsed.errors.forEach(output.diagnostic)
            outcome.errors = parsed.errors.count
            return outcome
        }
        for item in parsed.items {
            do {
                switch item {
                case .statement(let s):
                    // A relative path is relative to the script's folder (`baseDirectory`), or to the
                    // current folder — the one tally was started in — when it comes from the command line.
                    let base = pathIsFromCommandLine(s) ? "" : baseDirectory
                    try execute(s, source: parsed.source, baseDirectory: base, outcome: &outcome)
                    try runStartup(after: s, source: parsed.source, baseDirectory: base, outcome: &outcome)
                case .command(let c):
                    try runCommand(c, source: parsed.source, baseDirectory: baseDirectory, outcome: &outcome)
                }
                outcome.completed += 1
            } catch {
                report(error, in: &outcome)
                return outcome
            }
        }
        return outcome
    }

    /// Whether the path of a load, include or export starts with a command-line parameter
    /// (`load "{data}"`, `load "{data}/teachers.csv"`, `include lib` with `--set data=…`, `--set
    /// lib=…`): the command line's text, so relative to the folder tally was started in.
    private func pathIsFromCommandLine(_ s: Statement) -> Bool {
        var path: Expr
        switch s.kind {
        case .load(_, let p, _), .include(let p), .export(_, let p, _): path = p
        default: return false
        }
        if case .interpolated(let parts) = path.kind, case .expr(let first, _)? = parts.first { path = first }
        guard case .name(let name) = path.kind else { return false }
        return catalog.overrides[name] != nil
    }

    /// After `load "DIR"`: runs DIR/startup.tally, if there is one, as an include of it (its
    /// paths relative to DIR), unless the load says `with startup false`.
    private func runStartup(after s: Statement, source: SourceFile, baseDirectory: String, outcome: inout Outcome) throws {
        guard case .load(nil, let pathExpr, let options) = s.kind,
              try LoadOptions(options, source: source, evaluate: { try scalar($0, source) }).startup else { return }
        let folder = resolve(try text(pathExpr, source, what: "the path to load"), baseDirectory)
        let script = (folder as NSString).appendingPathComponent("startup.tally")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue,
              FileManager.default.fileExists(atPath: script) else { return }
        guard includeDepth < 32 else {
            throw Diagnostic(.error, "startup scripts nested more than 32 deep (does \(script) load its own folder?)",
                             in: source, span: s.span, notes: ["load it there with startup false"])
        }
        includeDepth += 1
        defer { includeDepth -= 1 }
        let inner = run(try readScript(script), baseDirectory: folder)
        outcome.failedChecks += inner.failedChecks
        outcome.warnings += inner.warnings
        if inner.errors > 0 {
            throw Diagnostic(.note, "in the startup.tally of the folder loaded here", in: source, span: s.span,
                             notes: ["load it with startup false to skip the script"])
        }
        output.info("ran \(script) (load … with startup false skips it)")
    }

    /// `tally convert PATH… --out DIR --with '…'`: each export of the paths becomes a clean CSV
    /// file in `folder` (Import/Converter.swift); `options` are a `load`'s, as written after its
    /// `with`. Each file converted is reported, with its warnings; the first error stops.
    public func convert(_ paths: [String], to folder: String, options text: String?) -> Outcome {
        var outcome = Outcome()
        do {
            var options = try text.map(loadOptions) ?? LoadOptions()
            options.observer = loadObserver
            for path in paths {
                try Converter.convert(path: path, to: folder, options: options, isCancelled: isCancelled) { c in
                    let with = c.loadOptions.isEmpty ? "" : " (load it with \(c.loadOptions.joined(separator: ", ")))"
                    output.info("converted \(c.source.summary) to \(c.output): \(c.rows) rows × \(c.columns) columns" + with)
                    for w in c.source.warnings { output.diagnostic(w); outcome.warnings += 1 }
                }
                outcome.completed += 1
            }
        } catch {
            report(error, in: &outcome)
        }
        return outcome
    }

    /// A statement's error, shown and counted (a cancelled one marks the outcome).
    private func report(_ error: Error, in outcome: inout Outcome) {
        if error is Cancelled { outcome.cancelled = true }
        output.diagnostic(error as? Diagnostic ?? (error is Cancelled ? Diagnostic(.error, "cancelled") : Diagnostic(.error, "\(error)")))
        outcome.errors += 1
    }

    /// Load options written as after a `load`'s `with` (`encoding "gbk", skip_bad_rows true`).
    public func loadOptions(_ text: String) throws -> LoadOptions {
        let source = SourceFile(name: "--with", text: "load \"\" with " + text)
        let parsed = ParsedScript(source)
        if let e = parsed.errors.first { throw e }
        guard parsed.statements.count == 1, case .load(_, _, let given) = parsed.statements[0].kind else {
            throw Diagnostic(.error, "--with takes the options of a load, as in --with 'encoding \"gbk\", skip_bad_rows true'")
        }
        return try LoadOptions(given, source: source) { try scalar($0, source) }
    }

    /// Runs a script file (`tally run`, `include`, `.run`).
    @discardableResult
    public func runFile(_ path: String) -> Outcome {
        do {
            return run(try readScript(path), baseDirectory: (path as NSString).deletingLastPathComponent)
        } catch let d as Diagnostic {
            output.diagnostic(d)
            return Outcome(errors: 1)
        } catch {
            output.diagnostic(Diagnostic(.error, "\(error)"))
            return Outcome(errors: 1)
        }
    }

    /// A script file's text, named by its path.
    /// Warnings for `--set` names that none of `scripts` mentions (as a name, in a `{…}` or a
    /// comment): a misspelt parameter would leave the script's own default in force. Each
    /// names the scripts' `set` parameters, the closest first.
    public static func unmentionedParameters(_ names: [String], in scripts: [SourceFile]) -> [Diagnostic] {
        var declared: [String] = []
        for script in scripts {
            for s in ParsedScript(script).statements {
                if case .set(let n, _) = s.kind, !declared.contains(n.text) { declared.append(n.text) }
            }
        }
        return names.filter { name in !scripts.contains { mentions($0.text, name) } }.map { name in
            var notes: [String] = []
            if let close = Suggest.closest(to: name, in: declared) { notes.append("did you mean --set \(close)=…?") }
            notes.append(declared.isEmpty ? "the script sets no parameter" : "its parameters: " + declared.joined(separator: ", "))
            let what = scripts.count == 1 ? scripts[0].name : "the scripts"
            return Diagnostic(.warning, "--set \(name): \(what) never mentions `\(name)`, so it has no effect", notes: notes)
        }
    }

    /// Whether `name` occurs in `text` as a whole name (not inside a longer one).
    static func mentions(_ text: String, _ name: String) -> Bool {
        let scalars = Array(text.unicodeScalars), target = Array(name.unicodeScalars)
        guard !target.isEmpty, scalars.count >= target.count else { return false }
        for i in 0...(scalars.count - target.count) where scalars[i] == target[0] && Array(scalars[i..<(i + target.count)]) == target {
            let before = i == 0 || !Lexical.isNameContinue(scalars[i - 1])
            let after = i + target.count == scalars.count || !Lexical.isNameContinue(scalars[i + target.count])
            if before && after { return true }
        }
        return false
    }

    public func readScript(_ path: String) throws -> SourceFile {
        SourceFile(name: path, text: try readText(path))
    }

    /// A script's text. Only a regular file is opened (FileKind): /dev/zero or a named pipe is an error.
    public func readText(_ path: String) throws -> String {
        switch FileKind(path: path) {
        case .regular: break
        case .folder: throw Diagnostic(.error, "\(path) is a folder, not a script")
        case .other(let kind): throw Diagnostic(.error, "\(path) is \(kind), not a script")
        case .missing(let code):
            throw Diagnostic(.error, "cannot read \(path): \(code == ENOENT ? "no such file" + Session.absoluteNote(path) : FileKind.reason(code))")
        }
        do { return String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) } catch {
            throw Diagnostic(.error, "cannot read \(path): \(CSVReader.describe(error))")
        }
    }

    /// `needsRows`: the statement reads the rows of the tables it names (a query, a value), so
    /// without an engine a table an engine read is an error where it is named.
    private func binder(_ source: SourceFile, needsRows: Bool = true) -> Binder {
        var b = Binder(catalog: catalog, source: source)
        b.needsRows = needsRows && engine == nil
        return b
    }

    /// For an error about a relative path: the absolute path that was tried.
    static func absoluteNote(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return "" }
        let cwd = FileManager.default.currentDirectoryPath
        return " (" + ((cwd as NSString).appendingPathComponent(path) as NSString).standardizingPath + ")"
    }

    private var evaluator: Evaluator { Evaluator(catalog: catalog, isCancelled: isCancelled) }

    /// A query: bound (every error that does not depend on the data is found here, before any
    /// of it runs), then run.
    private func run(_ q: Query, _ source: SourceFile) throws -> ResultTable {
        var b = binder(source)
        let bound = try b.bind(q)
        let result = if let engine { try QueryRunner.charted(try engine.run(bound), bound) } else { try QueryRunner(evaluator: evaluator).run(bound) }
        // The warning of a filter that matches nothing reads the table's values: not for rows the engine holds.
        afterResult = bound.table.source?.heldByEngine == true ? [] : bound.filter.map { UnmatchedFilter.warnings($0, table: bound.table.name) } ?? []
        return result
    }

    /// Warnings about the query just run, shown after its result (a filter that matches nothing).
    private var afterResult: [Diagnostic] = []

    private func reportAfterResult(_ outcome: inout Outcome) {
        for w in afterResult { output.diagnostic(w); outcome.warnings += 1 }
        afterResult = []
    }

    /// A scalar value: a literal, variables, arithmetic, or a query in parentheses.
    private func scalar(_ e: Expr, _ source: SourceFile) throws -> Value {
        try rounded(e, source).value
    }

    /// A scalar value and the decimals it shows with (a `round(x, n)`; nil: the default rule).
    private func rounded(_ e: Expr, _ source: SourceFile) throws -> (value: Value, decimals: Int?) {
        var b = binder(source)
        let bound = try b.bind(e, .scalar)
        // A query in it runs on the engine, when there is one (`let n = count teachers`).
        if let engine, Engine.readsTables(bound) { return (try engine.value(bound), bound.decimals) }
        return (try evaluator.eval(bound, .scalar).value(at: 0), bound.decimals)
    }

    private func text(_ e: Expr, _ source: SourceFile, what: String, example: String = "exports/2002") throws -> String {
        let v = try scalar(e, source)
        guard case .string(let s) = v else {
            throw Diagnostic(.error, "\(what) must be text, as in \"\(example)\"", in: source, span: e.span)
        }
        return s
    }

    func resolve(_ path: String, _ base: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") || base.isEmpty ? expanded : (base as NSString).appendingPathComponent(expanded)
    }

    func execute(_ s: Statement, source: SourceFile, baseDirectory: String, outcome: inout Outcome) throws {
        switch s.kind {
        case .query(let q) where sqlDialect != nil:
            try show(.text(try sql(q, s, source)))

        case .query(let q):
            try show(.table(try run(q, source)))
            reportAfterResult(&outcome)

        case .load(let name, let pathExpr, let options):
            let path = resolve(try text(pathExpr, source, what: "the path to load"), baseDirectory)
            var loadOptions = try LoadOptions(options, source: source) { try scalar($0, source) }
            loadOptions.observer = loadObserver
            func add(_ t: Table) throws {
                catalog.add(t)
                if let d = sqlDialect { try show(.text(SQLCompiler(dialect: d).load(t, statement: s, source: source))) }
                let held = t.source?.heldByEngine == true ? ", read by \((engine ?? schemaEngine)?.dialect.engineName ?? "the engine")" : ""
                output.info("loaded \(t.name): \(held.isEmpty ? t.rowCount : t.source?.rows ?? 0) rows × \(t.columns.count) columns from \(t.source?.summary ?? "")\(held)")
                for w in t.source?.warnings ?? [] { output.diagnostic(w); outcome.warnings += 1 }
            }
            do {
                let engineFile = Loader.readByEngine(path)
                if let d = sqlDialect, engineFile, schemaEngine == nil {
                    do { schemaEngine = try Engine.start(d, url: engineURL) } catch let e as Diagnostic {
                        throw Diagnostic(.error, e.message, in: source, span: pathExpr.span,
                                         notes: ["tally sql asks the engine for the columns of a Parquet file or a DuckDB database's table"] + e.notes)
                    }
                }
                let tables = if let engine = engine ?? (engineFile ? schemaEngine : nil), !engineCopies {
                    try engineLoad(engine, path: path, name: name, options: loadOptions, syntax: options, statement: s, source: source, pathExpr: pathExpr)
                } else {
                    try Loader.load(path: path, name: name?.text, options: loadOptions, isCancelled: isCancelled, locate: { d in
                        Diagnostic(d.severity, d.message, in: source, span: pathExpr.span, notes: d.notes)
                    })
                }
                for t in tables { try add(t) }
            } catch let partial as Loader.PartialFolderLoad {
                // The files that loaded completely are kept; each that failed is reported, and
                // the statement fails (a script stops, batch exits 1).
                for t in partial.tables { try add(t) }
                for d in partial.failures { output.diagnostic(d) }
                let kept = partial.tables.isEmpty ? "no file loaded"
                    : "kept the \(partial.tables.count) loaded completely: " + partial.tables.map(\.name).joined(separator: ", ")
                if partial.cancelled {
                    output.info("load stopped at \(partial.unread[0]) (\(partial.files.count - partial.unread.count) of \(partial.files.count) files read): \(kept)")
                    throw Cancelled()
                }
                let failed = partial.failures.count
                throw Diagnostic(.error, "\(failed) of the folder's \(partial.files.count) files did not load (the error\(failed == 1 ? "" : "s") above)",
                                 in: source, span: pathExpr.span,
                                 notes: [kept, "mend \(failed == 1 ? "it" : "them") and load the folder again, or load a file alone: load NAME from \"FILE\""])
            }

        case .measure(let name, let expr):
            if catalog.table(name.text) != nil {
                throw Diagnostic(.error, "`\(name.text)` is already a table's name", in: source, span: name.span)
            }
            try binder(source, needsRows: false).checkMeasure(name.text, expr)
            catalog.defineMeasure(.init(name: name.text, expr: expr, source: source))

        case .link(let table, let columns, let target, let keys):
            let b = binder(source)
            let t = try b.table(table), u = try b.table(target)
            var from: [Table.Column] = [], to: [Table.Column] = []
            for (c, k) in zip(columns, keys) {
                from.append(try b.column(c, of: t))
                to.append(try b.column(k, of: u))
            }
            let link = Link(base: t, target: u, baseColumns: from, keyColumns: to, declared: true)
            let keySpan = keys.count == 1 && keys[0].span != columns[0].span ? keys[0].span : target.span
            do { _ = try Join.rowMap(link, catalog: catalog) } catch let e as OperationError {
                throw Diagnostic(.error, e.message, in: source, span: keySpan)
            }
            if let engine, u.source?.heldByEngine == true, let problem = try engineKeyProblem(engine, link, source, keySpan) {
                throw Diagnostic(.error, problem, in: source, span: keySpan)
            }
            catalog.addLink(.init(table: t.name, columns: from.map(\.name), target: u.name, keys: to.map(\.name)))

        case .set(let name, let expr):
            if catalog.overrides[name.text] == nil { catalog.setVariable(name.text, try scalar(expr, source)) }

        case .let(let name, let expr):
            // A query with `by`, `bucket` or `list` gives a table; any other a value.
            if case .subquery(let q) = expr.kind, q.listing || !q.dimensions.isEmpty || q.bucket != nil {
                if q.chart, let span = q.clauseSpans["chart"] {
                    throw Diagnostic(.error, "`let` keeps the rows as a table; a chart is drawn where a result is shown", in: source, span: span,
                                     notes: ["draw it from the table: let \(Lexical.name(name.text)) = …; then a query over \(Lexical.name(name.text)) with chart"])
                }
                if sqlDialect != nil { try show(.text(try sql(q, s, source))) }
                let result = try run(q, source)
                catalog.add(Table(name: name.text, columns: result.columns.map { Table.Column(name: $0.name, vector: $0.vector, decimals: $0.decimals) },
                                  rowCount: result.rowCount))
                output.info("\(name.text): \(result.rowCount) rows × \(result.columns.count) columns")
                reportAfterResult(&outcome)
            } else {
                if sqlDialect != nil { try show(.text(try sqlValue(expr, s, source))) }
                let (value, decimals) = try rounded(expr, source)
                catalog.setVariable(name.text, value, decimals: decimals)
            }

        case .print(let expr):
            if case .subquery(let q) = expr.kind, sqlDialect != nil {
                try show(.text(try sql(q, s, source)))
            } else if case .subquery(let q) = expr.kind {
                try show(.table(try run(q, source)))
                reportAfterResult(&outcome)
            } else {
                if sqlDialect != nil { return try show(.text(try sqlValue(expr, s, source))) }
                let (value, decimals) = try rounded(expr, source)
                try show(.text(Format.display(value, decimals: decimals, defaultDecimals: display.decimals)))
            }

        case .check(let expr, _) where sqlDialect != nil:
            try show(.text(try sqlValue(expr, s, source)))

        case .check(let expr, let warning):
            try check(expr, warning: warning, source: source, outcome: &outcome)

        case .include(let pathExpr):
            let path = resolve(try text(pathExpr, source, what: "the script to include"), baseDirectory)
            guard includeDepth < 32 else {
                throw Diagnostic(.error, "includes nested more than 32 deep (does a script include itself?)", in: source, span: s.span)
            }
            let included: String
            do { included = try readText(path) } catch let d as Diagnostic {
                throw Diagnostic(.error, d.message, in: source, span: pathExpr.span)
            }
            includeDepth += 1
            defer { includeDepth -= 1 }
            let inner = run(SourceFile(name: path, text: included), baseDirectory: (path as NSString).deletingLastPathComponent)
            outcome.failedChecks += inner.failedChecks
            outcome.warnings += inner.warnings
            if inner.cancelled {
                outcome.cancelled = true
                throw Diagnostic(.note, "cancelled in the script included here", in: source, span: s.span)
            }
            if inner.errors > 0 {
                throw Diagnostic(.note, "in the script included here", in: source, span: s.span)
            }

        case .export(let q, let toExpr, let options):
            var target = try resultTarget(try text(toExpr, source, what: "the file to write"), baseDirectory, source, toExpr.span)
            try checkChart(q.chart, fits: target)
            if let sheetExpr = options.sheet, let span = options.sheetSpan {
                let name = target.kind == .workbook ? try text(sheetExpr, source, what: "the sheet's name", example: "课程") : ""
                try target.setSheet(name, clause: span, name: sheetExpr.span)
            }
            if let bom = options.bom { try target.setBOM(bom) }
            // `tally sql`: the query's SQL is printed, and nothing is written.
            if sqlDialect != nil { return try show(.text(try sql(q, s, source))) }
            try write(try run(q, source), to: target)
            reportAfterResult(&outcome)

        case .explain(let q):
            var b = binder(source, needsRows: false)
            try show(.text(try b.bind(q).explanation))

        case .describe(let name, let mode):
            let t = try binder(source, needsRows: false).table(name)
            if mode == .load {
                guard let from = t.source else { throw Diagnostic(.error, "\(t.name) was not loaded from a file", in: source, span: name.span) }
                try show(.text(from.loadStatement(for: t)))
            } else if let d = sqlDialect {
                try show(.text(SQLCompiler.heading(s.span, source) + SQLCompiler(dialect: d).describe(t, summary: mode == .summary) + ";"))
            } else if let engine, t.source?.heldByEngine == true {
                // The engine holds the rows: it computes each column's facts, shown as in memory.
                let facts = try engine.describe(t, summary: mode == .summary, at: Origin(source: source, span: s.span))
                try show(.table(Describe.result(t, facts, summary: mode == .summary)))
            } else {
                try checkRowsHeld(t, mode == .summary ? "summary" : "describe", at: s.span, source)
                try show(.table(try mode == .summary ? Describe.summary(t, isCancelled: isCancelled) : Describe.schema(t, isCancelled: isCancelled)))
            }
        }
    }

    /// A file a result is written to (`export`, `.once`, `.export`), by its extension, and where
    /// the statement or command named it (errors about the file point there).
    struct ResultTarget {
        var path: String
        var kind: ResultFile.Kind
        var source: SourceFile
        var span: Span
        /// `sheet "名称"` (a workbook's sheet) and `with bom` (a .csv file's byte-order mark).
        var sheet: String?
        var bom = false

        private var ext: String { "." + (path as NSString).pathExtension }

        /// `sheet NAME`: for a workbook only, and a name Excel takes.
        mutating func setSheet(_ name: String, clause: Span, name nameSpan: Span) throws {
            guard kind == .workbook else {
                throw Diagnostic(.error, "`sheet` applies to .xlsx workbooks, not to \(ext) files", in: source, span: clause,
                                 notes: ["a workbook takes sheets: export … to \"report.xlsx\" sheet \"名称\""])
            }
            if let problem = XLSXWriter.sheetNameProblem(name) {
                throw Diagnostic(.error, problem, in: source, span: nameSpan, notes: ["for example: sheet \"课程 2020-11\""])
            }
            sheet = name
        }

        /// `with bom`: for a .csv file only.
        mutating func setBOM(_ clause: Span) throws {
            guard kind == .text(.csv) else {
                throw Diagnostic(.error, "`with bom` applies to .csv files, not to \(ext) files", in: source, span: clause,
                                 notes: [kind == .workbook ? "a workbook needs no byte-order mark: Excel reads its text as Unicode"
                                                           : "a byte-order mark tells Excel that a .csv file is UTF-8"])
            }
            bom = true
        }
    }

    func resultTarget(_ path: String, _ baseDirectory: String, _ source: SourceFile, _ span: Span) throws -> ResultTarget {
        let path = resolve(path, baseDirectory)
        guard let kind = ResultFile.kind(of: path) else {
            throw Diagnostic(.error, "cannot tell the format of \"\(path)\" from its extension", in: source, span: span,
                             notes: ["use " + ResultFile.knownExtensions + " (.svg for a chart)"])
        }
        return ResultTarget(path: path, kind: kind, source: source, span: span)
    }

    /// A chart (`chart`) is written as a picture (.svg) or as text (.txt), and an .svg file holds
    /// only a chart: checked before the query runs (`export`) and before a result is written.
    func checkChart(_ chart: Bool, fits target: ResultTarget) throws {
        if chart {
            guard target.kind == .svg || target.kind == .text(.table) else {
                throw Diagnostic(.error, "a chart is written to an .svg file (a picture) or a .txt file (text), not ."
                                 + (target.path as NSString).pathExtension.lowercased(), in: target.source, span: target.span,
                                 notes: ["without chart, export writes the rows to " + ResultFile.knownExtensions])
            }
        } else if target.kind == .svg {
            throw Diagnostic(.error, "an .svg file holds a chart: add chart to the query", in: target.source, span: target.span,
                             notes: ["export count teachers by district chart to \"teachers.svg\""])
        }
    }

    /// Writes a result to its file (see `ResultFile.write`) and says so.
    func write(_ result: ResultTable, to target: ResultTarget) throws {
        try checkChart(result.chart != nil, fits: target)
        var poll = CancelPoll(isCancelled)
        do {
            try ResultFile.write(result, to: target.path, as: target.kind, display: display, sheet: target.sheet, bom: target.bom,
                                 poll: { try poll.step() })
        } catch let error as AtomicFile.Failure {
            throw Diagnostic(.error, error.description, in: target.source, span: target.span, notes: error.notes)
        }
        output.info("wrote \(result.rowCount) rows to \(target.path)" + (target.sheet.map { ", sheet \($0)" } ?? ""))
    }

    /// `check` / `warn`: a failed condition is reported with the values of both sides.
    private func check(_ expr: Expr, warning: Bool, source: SourceFile, outcome: inout Outcome) throws {
        let value = try scalar(expr, source)
        guard case .boolean(let ok) = value else {
            if value == .null {
                outcome.failedChecks += warning ? 0 : 1
                outcome.warnings += warning ? 1 : 0
                output.diagnostic(Diagnostic(warning ? .warning : .error, "check could not be decided: the condition is null",
                                             in: source, span: expr.span))
                return
            }
            throw Diagnostic(.error, "a check needs a condition (true or false)", in: source, span: expr.span)
        }
        if ok { return }
        var notes: [String] = []
        if case .binary(let op, let l, let r) = expr.kind, [.eq, .ne, .lt, .le, .gt, .ge].contains(op) {
            for side in [l, r] {
                if case .literal = side.kind { continue }   // a literal's value is on the line already
                let v = try scalar(side, source)
                notes.append("\(source.slice(side.span)) is \(v == .null ? "null" : Format.display(v))")
            }
        }
        if warning { outcome.warnings += 1 } else { outcome.failedChecks += 1 }
        output.diagnostic(Diagnostic(warning ? .warning : .error, "check failed: \(source.slice(expr.span))",
                                     in: source, span: expr.span, notes: notes))
    }
}
