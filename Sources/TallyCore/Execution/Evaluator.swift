/// Where an expression is evaluated.
/// - `scalar`: outside any table (print, check, let): names are variables.
/// - `rows`: one value per row in scope (where, by, an aggregate's argument).
/// - `groups`: one value per group (a query's measures): columns only inside aggregates.
final class RowFrame {
    let table: Table
    /// The rows in scope, or nil for all of them (or for those of `range`).
    let rows: [Int32]?
    /// The rows in scope when they are one run of the table's rows (a chunk of it).
    let range: Range<Int>?
    private var cache: [String: Vector] = [:]

    init(table: Table, rows: [Int32]?, range: Range<Int>? = nil) {
        self.table = table
        self.rows = rows
        self.range = rows == nil ? range : nil
    }

    var count: Int { rows?.count ?? range?.count ?? table.rowCount }

    /// The frame of the rows at positions `r` of this one.
    func slice(_ r: Range<Int>) -> RowFrame {
        if let rows { return RowFrame(table: table, rows: Array(rows[r])) }
        let first = range?.lowerBound ?? 0
        return RowFrame(table: table, rows: nil, range: first + r.lowerBound..<first + r.upperBound)
    }

    func column(_ c: Table.Column) -> Vector {
        if let v = cache[c.name] { return v }
        let v = rows.map { c.vector.gather($0) } ?? range.map { c.vector.slice($0) } ?? c.vector
        cache[c.name] = v
        return v
    }

    func cached(_ key: String, _ make: () throws -> Vector) rethrows -> Vector {
        if let v = cache[key] { return v }
        let v = try make()
        cache[key] = v
        return v
    }
}

enum Scope {
    case scalar
    case rows(RowFrame)
    case groups(RowFrame, ids: [UInt32], count: Int)

    var count: Int {
        switch self {
        case .scalar: 1
        case .rows(let f): f.count
        case .groups(_, _, let n): n
        }
    }
}

/// Evaluates expressions to vectors. Name, type and arithmetic errors come back as
/// diagnostics located at the offending part of the expression.
struct Evaluator {
    let catalog: Catalog
    var source: SourceFile
    /// Polled between operations; true cancels the statement.
    let isCancelled: @Sendable () -> Bool
    /// Measures being expanded, to report a measure defined in terms of itself.
    private var expanding: [String] = []

    init(catalog: Catalog, source: SourceFile, isCancelled: @escaping @Sendable () -> Bool) {
        self.catalog = catalog
        self.source = source
        self.isCancelled = isCancelled
    }

    func error(_ message: String, _ span: Span, notes: [String] = []) -> Diagnostic {
        Diagnostic(.error, message, in: source, span: span, notes: notes)
    }

    /// Runs an operation, turning its `OperationError` into a diagnostic at `span`.
    func located<T>(_ span: Span, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as OperationError { throw error(e.message, span) }
    }

    mutating func eval(_ e: Expr, _ scope: Scope) throws -> Vector {
        if isCancelled() { throw Diagnostic(.error, "cancelled") }
        switch e.kind {
        case .literal(let v):
            return v.repeated(scope.count)
        case .interpolated(let parts):
            return .string([UInt32](repeating: 0, count: scope.count), StringDictionary([try interpolate(parts, scope)]), nil)
        case .name(let n):
            return try name(n, e.span, scope)
        case .qualified(let t, let c):
            return try qualified(t, c, scope)
        case .negate(let x):
            let v = try eval(x, scope)
            return try located(e.span) { try VectorOps.negate(v) }
        case .not(let x):
            let v = try eval(x, scope)
            return try located(e.span) { try VectorOps.not(v) }
        case .binary(let op, let l, let r):
            let a = try eval(l, scope), b = try eval(r, scope)
            return try located(e.span) {
                switch op {
                case .and, .or: try VectorOps.logic(op, a, b)
                case .eq, .ne, .lt, .le, .gt, .ge: try VectorOps.compare(op, a, b)
                default: try VectorOps.arithmetic(op, a, b)
                }
            }
        case .isNull(let x, let negated):
            return VectorOps.isNull(try eval(x, scope), negated: negated)
        case .between(let x, let lo, let hi, let negated):
            let v = try eval(x, scope), a = try eval(lo, scope), b = try eval(hi, scope)
            return try located(e.span) {
                let r = try VectorOps.logic(.and, try VectorOps.compare(.ge, v, a), try VectorOps.compare(.le, v, b))
                return negated ? try VectorOps.not(r) : r
            }
        case .inList(let x, let values, let filter, let negated):
            let r = try inList(x, values, filter, e.span, scope)
            return negated ? try located(e.span) { try VectorOps.not(r) } : r
        case .call(let name, let args, let distinct, let filter):
            return try call(name, args, distinct, filter, e.span, scope)
        case .subquery(let q):
            var runner = QueryRunner(evaluator: self)
            let result = try runner.run(q)
            guard result.rowCount == 1 && result.columns.count == 1 + (result.columns.first?.role == .dimension ? 1 : 0),
                  let column = result.columns.last else {
                throw error("this query gives \(result.rowCount) row\(result.rowCount == 1 ? "" : "s") × \(result.columns.count) columns; a value is needed here",
                            e.span, notes: ["a query used as a value must give one value, as in (count courses where tutors > 0)"])
            }
            return column.vector.value(at: 0).repeated(scope.count, as: column.vector.type)
        }
    }

    // MARK: Names

    private mutating func name(_ n: String, _ span: Span, _ scope: Scope) throws -> Vector {
        switch scope {
        case .rows(let f):
            if let c = f.table.column(named: n) { return f.column(c) }
            if catalog.measure(n) != nil {
                throw error("`\(n)` is a measure (an aggregate); it cannot be used per row here", span,
                            notes: ["use it as a query's measure: \(n) \(f.table.name) by …"])
            }
            if let v = catalog.variable(n) { return v.repeated(f.count) }
            throw unknown(n, span, candidates: f.table.columns.map(\.name) + catalog.variableNames, what: "column", in: f.table)
        case .groups(let f, _, _):
            if let m = catalog.measure(n) {
                if expanding.contains(m.name) {
                    throw error("measure `\(m.name)` is defined in terms of itself", span)
                }
                let saved = source
                expanding.append(m.name)
                source = m.source
                defer { source = saved; expanding.removeLast() }
                return try eval(m.expr, scope)
            }
            if f.table.column(named: n) != nil {
                throw error("column `\(n)` must be inside an aggregate here", span,
                            notes: ["a query's measures are computed per group: sum(\(n)), avg(\(n)), count(distinct \(n)); or group by it: … by \(n)"])
            }
            if let v = catalog.variable(n) { return v.repeated(scope.count) }
            throw unknown(n, span, candidates: catalog.measureOrder + f.table.columns.map(\.name) + catalog.variableNames,
                          what: "measure or column", in: f.table)
        case .scalar:
            if let v = catalog.variable(n) { return v.repeated(1) }
            if let t = catalog.table(n) {
                throw error("`\(t.name)` is a table; a value is needed here", span, notes: ["count its rows with (count \(t.name))"])
            }
            throw unknown(n, span, candidates: catalog.variableNames, what: "variable", in: nil)
        }
    }

    private func unknown(_ n: String, _ span: Span, candidates: [String], what: String, in table: Table?) -> Diagnostic {
        var notes: [String] = []
        if let s = Suggest.closest(to: n, in: candidates) { notes.append("did you mean `\(s)`?") }
        if let t = table, notes.isEmpty {
            let shown = t.columns.prefix(12).map(\.name).joined(separator: ", ")
            notes.append("\(t.name) has: \(shown)\(t.columns.count > 12 ? ", …" : "")")
        }
        return error("unknown \(what) `\(n)`" + (table.map { " in table \($0.name)" } ?? ""), span, notes: notes)
    }

    func table(_ name: Name) throws -> Table {
        if let t = catalog.table(name.text) { return t }
        var notes: [String] = []
        if let s = Suggest.closest(to: name.text, in: catalog.tableOrder) { notes.append("did you mean `\(s)`?") }
        else if catalog.tableOrder.isEmpty { notes.append("no table is loaded yet: load \"exports/\" loads a folder of CSV files") }
        else { notes.append("loaded tables: \(catalog.tableOrder.joined(separator: ", "))") }
        throw error("unknown table `\(name.text)`", name.span, notes: notes)
    }

    private mutating func qualified(_ t: Name, _ c: Name, _ scope: Scope) throws -> Vector {
        guard case .rows(let f) = scope else {
            if case .groups = scope {
                throw error("`\(t.text).\(c.text)` must be inside an aggregate or listed after by", t.span.to(c.span))
            }
            throw error("`\(t.text).\(c.text)` names a column; it needs a query over a table", t.span.to(c.span))
        }
        let target = try table(t)
        guard let column = target.column(named: c.text) else {
            throw unknown(c.text, c.span, candidates: target.columns.map(\.name), what: "column", in: target)
        }
        if target === f.table { return f.column(column) }
        let map = try located(t.span.to(c.span)) { try Join.rowMap(catalog: catalog, base: f.table, target: target) }
        return f.cached("\(target.name).\(column.name)") {
            let rows = f.rows.map { sel in sel.map { map[Int($0)] } } ?? f.range.map { Array(map[$0]) } ?? map
            return column.vector.gather(rows)
        }
    }

    // MARK: Membership

    private mutating func inList(_ x: Expr, _ values: [Expr], _ filter: Expr?, _ span: Span, _ scope: Scope) throws -> Vector {
        let probe = try eval(x, scope)
        // `x in (table [where …])` or `x in (table.column [where …])`
        if values.count == 1 {
            var target: Table?, columnName: String?, tableSpan = values[0].span
            switch values[0].kind {
            case .name(let n) where catalog.table(n) != nil:
                if case .rows(let f) = scope, f.table.column(named: n) != nil { break }
                target = catalog.table(n)
            case .qualified(let t, let c) where catalog.table(t.text) != nil:
                target = catalog.table(t.text); columnName = c.text; tableSpan = t.span
            default: break
            }
            if let target, case .rows(let f) = scope {
                // The same membership twice in a query (in two measures) is computed once.
                return try f.cached("in " + source.slice(span)) { try membership(probe, x, target, columnName, filter, span, tableSpan) }
            }
            if let target {
                return try membership(probe, x, target, columnName, filter, span, tableSpan)
            }
        }
        if let filter { throw error("`where` inside `in (…)` needs a table: x in (table where …)", filter.span) }
        var result: Vector?
        for v in values {
            let c = try located(span) { try VectorOps.compare(.eq, probe, try eval(v, scope)) }
            result = try result.map { r in try located(span) { try VectorOps.logic(.or, r, c) } } ?? c
        }
        return result!
    }

    /// `x in (table [where …])`: is each value of `probe` in the table's column?
    private mutating func membership(_ probe: Vector, _ x: Expr, _ target: Table, _ columnName: String?, _ filter: Expr?,
                                     _ span: Span, _ tableSpan: Span) throws -> Vector {
        let wanted = columnName ?? self.columnName(of: x)
        guard let wanted, let column = target.column(named: wanted) else {
            throw error("which column of \(target.name) should `\(source.slice(x.span))` be looked for in?", tableSpan,
                        notes: ["name it: \(source.slice(x.span)) in (\(target.name).COLUMN where …)"])
        }
        let frame = RowFrame(table: target, rows: nil)
        var members = column.vector
        if let filter {
            let cond = try eval(filter, .rows(frame))
            let rows = try located(filter.span) { try VectorOps.selection(cond, within: nil) }
            members = members.gather(rows)
        }
        return try located(span) { try Join.membership(probe, members: members) }
    }

    private func columnName(of e: Expr) -> String? {
        switch e.kind {
        case .name(let n): n
        case .qualified(_, let c): c.text
        default: nil
        }
    }

    // MARK: Calls

    private mutating func call(_ name: Name, _ args: [Expr], _ distinct: Bool, _ filter: Expr?, _ span: Span, _ scope: Scope) throws -> Vector {
        let fn = name.text.lowercased()
        if Aggregate.names.contains(fn) {
            guard case .groups(let f, let ids, let count) = scope else {
                let place: String
                switch scope {
                case .rows: place = "per row (in where, by, or inside another aggregate)"
                default: place = "outside a query"
                }
                throw error("aggregate `\(name.text)` cannot be used \(place)", span,
                            notes: ["aggregates go in a query's measures: \(source.slice(span)) TABLE where …"])
            }
            // The same aggregate twice in a query (`sum(x)` and `sum(x) / count`) is computed once.
            // Within one frame, groupings with as many groups are the same grouping: the query's
            // groups, or all rows as one (the total row, or a query whose rows form one group).
            return try f.cached("\u{1}aggregate \(count) " + source.slice(span)) {
                try aggregate(fn, name, args, distinct, filter, span, f, ids, count)
            }
        }
        if distinct || filter != nil {
            throw error("`distinct` and `where` go inside an aggregate (count, sum, …), not \(name.text)", span)
        }
        guard let f = Functions.table[fn] else {
            throw error("unknown function `\(name.text)`", name.span,
                        notes: [Suggest.closest(to: fn, in: (Array(Functions.table.keys) + Array(Aggregate.names)).sorted()).map { "did you mean `\($0)`?" }
                                ?? "functions: \((Array(Aggregate.names) + Functions.table.keys).sorted().joined(separator: ", "))"])
        }
        guard f.arity.contains(args.count) else {
            throw error("\(fn) takes \(f.arity.lowerBound == f.arity.upperBound ? "\(f.arity.lowerBound)" : "\(f.arity.lowerBound)–\(f.arity.upperBound)") argument\(f.arity.upperBound == 1 ? "" : "s"), not \(args.count)", span)
        }
        var vs: [Vector] = []
        for a in args { vs.append(try eval(a, scope)) }
        return try located(span) { try f.apply(vs) }
    }

    /// An aggregate over the groups of `frame`: `count`, `sum(x)`, `avg(distinct x)`, `count(where c)`…
    private mutating func aggregate(_ fn: String, _ name: Name, _ args: [Expr], _ distinct: Bool, _ filter: Expr?, _ span: Span,
                                    _ frame: RowFrame, _ ids: [UInt32], _ count: Int) throws -> Vector {
        let rowScope = Scope.rows(frame)
        var cond: ([UInt8], NullMask?)?
        if let filter {
            let c = try eval(filter, rowScope)
            cond = try located(filter.span) { try VectorOps.bools(c, "the aggregate's where") }
        }
        if distinct && !(fn == "count" || fn == "sum" || fn == "avg") {
            throw error("distinct works with count, sum and avg", span)
        }
        if fn == "count" && args.isEmpty {
            if distinct { throw error("count(distinct …) needs a column", span) }
            return Aggregate.count(groups: ids, groupCount: count, values: nil, filter: cond)
        }
        guard args.count == 1 else {
            throw error("\(name.text) takes one argument, not \(args.count)", span)
        }
        let v = try eval(args[0], rowScope)
        if distinct && fn != "count" { cond = Aggregate.firstOccurrences(groups: ids, values: v, filter: cond) }
        return try located(span) {
            switch fn {
            case "count" where distinct: return Aggregate.countDistinct(groups: ids, groupCount: count, values: v, filter: cond)
            case "count": return Aggregate.count(groups: ids, groupCount: count, values: v, filter: cond)
            case "sum": return try Aggregate.sum(groups: ids, groupCount: count, values: v, filter: cond)
            case "avg": return try Aggregate.avg(groups: ids, groupCount: count, values: v, filter: cond)
            case "min", "max": return try Aggregate.extreme(max: fn == "max", groups: ids, groupCount: count, values: v, filter: cond)
            default: return try Aggregate.median(groups: ids, groupCount: count, values: v, filter: cond)
            }
        }
    }

    // MARK: Strings

    mutating func interpolate(_ parts: [StringPart], _ scope: Scope) throws -> String {
        var out = ""
        for p in parts {
            switch p {
            case .text(let t): out += t
            case .expr(let e, let decimals):
                let v = try eval(e, scope)
                guard v.count >= 1 else { continue }
                let value = v.value(at: 0)
                if let decimals, let d = value.asDouble { out += Format.fixed(d, digits: decimals) } else { out += Format.display(value) }
            }
        }
        return out
    }
}
