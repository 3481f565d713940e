import Synchronization

/// The rows an expression is evaluated over: a table's rows, a selection of them, or a run
/// of them (a chunk). Columns read and values computed for it are kept while it lives.
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

    /// The frame's rows of a vector of the table's length.
    func restrict(_ v: Vector) -> Vector {
        rows.map { v.gather($0) } ?? range.map { v.slice($0) } ?? v
    }

    func column(_ c: Table.Column) -> Vector {
        cached("column " + c.name) { restrict(c.vector) }
    }

    /// A value computed over this frame, under the key of its bound form.
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
    /// The groups of a frame: each row's group id, the number of groups, and each `by` item's
    /// value per group (empty for the total row, whose `by` items are null).
    case groups(RowFrame, ids: [UInt32], count: Int, dimensions: [Vector])

    var count: Int {
        switch self {
        case .scalar: 1
        case .rows(let f): f.count
        case .groups(_, _, let n, _): n
        }
    }
}

/// Counts the vector operations execution runs, so a test can check that a statement whose
/// error the binder finds runs none.
enum ExecutionCounter {
    static let operations = Atomic<Int>(0)
}

/// Evaluates bound expressions to vectors. Every name is already resolved; what can still go
/// wrong depends on the values (an overflow, a text that is not a date, a duplicated key), and
/// comes back as a diagnostic located at the node's origin.
struct Evaluator {
    let catalog: Catalog
    /// Polled between operations; true cancels the statement.
    let isCancelled: @Sendable () -> Bool

    init(catalog: Catalog, isCancelled: @escaping @Sendable () -> Bool) {
        self.catalog = catalog
        self.isCancelled = isCancelled
    }

    /// Runs an operation, turning its `OperationError` into a diagnostic at `origin`.
    func located<T>(_ origin: Origin, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as OperationError { throw origin.error(e.message, notes: e.notes) }
    }

    func eval(_ e: BoundExpr, _ scope: Scope) throws -> Vector {
        if isCancelled() { throw Cancelled() }
        ExecutionCounter.operations.add(1, ordering: .relaxed)
        switch e.kind {
        case .literal(let v):
            return v.repeated(scope.count, as: e.type ?? .integer)
        case .column(let c):
            guard case .rows(let f) = scope else { throw misplaced(e) }
            return f.column(c)
        case .lookup(let link, let column):
            guard case .rows(let f) = scope else { throw misplaced(e) }
            return try f.cached("lookup " + e.key) {
                let map = try located(e.origin) { try Join.rowMap(link, catalog: catalog) }
                let rows = f.rows.map { sel in sel.map { map[Int($0)] } } ?? f.range.map { Array(map[$0]) } ?? map
                return column.vector.gather(rows)
            }
        case .dimension(let i):
            guard case .groups(_, _, let n, let dims) = scope else { throw misplaced(e) }
            return i < dims.count ? dims[i] : .nulls(e.type ?? .integer, count: n)
        case .negate(let x):
            let v = try eval(x, scope)
            return try located(e.origin) { try VectorOps.negate(v) }
        case .not(let x):
            let v = try eval(x, scope)
            return try located(e.origin) { try VectorOps.not(v) }
        case .binary(let op, let l, let r):
            let a = try eval(l, scope), b = try eval(r, scope)
            return try located(e.origin) { try Evaluator.apply(op, a, b) }
        case .chain(let first, let rest):
            var acc = try eval(first, scope)
            for link in rest {
                let b = try eval(link.operand, scope)
                acc = try located(link.origin) { try Evaluator.apply(link.op, acc, b) }
            }
            return acc
        case .isNull(let x, let negated):
            return VectorOps.isNull(try eval(x, scope), negated: negated)
        case .between(let x, let lo, let hi, let negated):
            let v = try eval(x, scope), a = try eval(lo, scope), b = try eval(hi, scope)
            return try located(e.origin) {
                let r = try VectorOps.logic(.and, try VectorOps.compare(.ge, v, a), try VectorOps.compare(.le, v, b))
                return negated ? try VectorOps.not(r) : r
            }
        case .inValues(let x, let values, let negated):
            let probe = try eval(x, scope)
            // A long list of literals: one pass through a hash of them, not a comparison per value.
            if values.count > 8, let members = Evaluator.literals(values, like: probe) {
                let r = try located(e.origin) { try Join.membership(probe, members: members) }
                return negated ? try located(e.origin) { try VectorOps.not(r) } : r
            }
            var result: Vector?
            for v in values {
                let c = try located(e.origin) { try VectorOps.compare(.eq, probe, try eval(v, scope)) }
                result = try result.map { r in try located(e.origin) { try VectorOps.logic(.or, r, c) } } ?? c
            }
            return negated ? try located(e.origin) { try VectorOps.not(result!) } : result!
        case .membership(let x, let target, let column, let filter, let negated):
            let compute = {
                let probe = try eval(x, scope)
                var members = column.vector
                if let filter {
                    let cond = try eval(filter, .rows(RowFrame(table: target, rows: nil)))
                    members = members.gather(try located(filter.origin) { try VectorOps.selection(cond, within: nil) })
                }
                let r = try located(e.origin) { try Join.membership(probe, members: members) }
                return negated ? try located(e.origin) { try VectorOps.not(r) } : r
            }
            // The same membership twice in a query (in two measures) is computed once.
            if case .rows(let f) = scope { return try f.cached("in " + e.key, compute) }
            return try compute()
        case .scalar(let f, let args):
            var vs: [Vector] = []
            for a in args { vs.append(try eval(a, scope)) }
            return try located(e.origin) { try f.definition.apply(vs) }
        case .aggregate(let fn, let argument, let distinct, let filter):
            guard case .groups(let f, let ids, let count, _) = scope else { throw misplaced(e) }
            // The same aggregate twice in a query (`sum(x)` and `sum(x) / count`) is computed once.
            // Within one frame, groupings with as many groups are the same grouping: the query's
            // groups, or all rows as one (the total row, or a query whose rows form one group).
            return try f.cached("aggregate \(count) " + e.key) {
                try aggregate(fn, argument, distinct, filter, e.origin, f, ids, count)
            }
        case .interpolated(let parts):
            return try interpolate(parts, scope)
        case .subquery(let q):
            let result = try QueryRunner(evaluator: self).run(q)
            let column = result.columns[result.columns.count - 1]
            return column.vector.value(at: 0).repeated(scope.count, as: column.vector.type)
        }
    }

    /// The values of an `in` list as one vector of the probe's type, when every value is a
    /// non-null literal of that type (text for text; whole numbers for integers): membership in
    /// it then answers exactly as comparing with each value would.
    static func literals(_ values: [BoundExpr], like probe: Vector) -> Vector? {
        switch probe.type {
        case .string:
            var strings: [String] = []
            for v in values { guard case .literal(.string(let s)) = v.kind else { return nil }; strings.append(s) }
            return .text(strings)
        case .integer:
            var ints: [Int64] = []
            for v in values { guard case .literal(.integer(let i)) = v.kind else { return nil }; ints.append(i) }
            return .integer(ints, nil)
        default:
            return nil
        }
    }

    static func apply(_ op: BinaryOp, _ a: Vector, _ b: Vector) throws -> Vector {
        switch op {
        case .and, .or: try VectorOps.logic(op, a, b)
        case .eq, .ne, .lt, .le, .gt, .ge: try VectorOps.compare(op, a, b)
        case .like: try Functions.like(a, b)
        default: try VectorOps.arithmetic(op, a, b)
        }
    }

    /// A node the binder never places in this scope: a defect in Tally, reported plainly.
    private func misplaced(_ e: BoundExpr) -> Diagnostic {
        e.origin.error("internal error: `\(e.key)` was bound for another context", notes: ["please report this statement"])
    }

    /// An aggregate over the groups of `frame`: `count`, `sum(x)`, `avg(distinct x)`, `count(where c)`…
    private func aggregate(_ fn: AggregateFunction, _ argument: BoundExpr?, _ distinct: Bool, _ filter: BoundExpr?, _ origin: Origin,
                           _ frame: RowFrame, _ ids: [UInt32], _ count: Int) throws -> Vector {
        let rowScope = Scope.rows(frame)
        var cond: ([UInt8], NullMask?)?
        if let filter {
            let c = try eval(filter, rowScope)
            cond = try located(filter.origin) { try VectorOps.bools(c, "the aggregate's where") }
        }
        guard let argument else { return Aggregate.count(groups: ids, groupCount: count, values: nil, filter: cond) }
        let v = try eval(argument, rowScope)
        if distinct && fn != .count { cond = Aggregate.firstOccurrences(groups: ids, values: v, filter: cond) }
        return try located(origin) {
            switch fn {
            case .count where distinct: return Aggregate.countDistinct(groups: ids, groupCount: count, values: v, filter: cond)
            case .count: return Aggregate.count(groups: ids, groupCount: count, values: v, filter: cond)
            case .sum: return try Aggregate.sum(groups: ids, groupCount: count, values: v, filter: cond)
            case .avg: return try Aggregate.avg(groups: ids, groupCount: count, values: v, filter: cond)
            case .min, .max: return try Aggregate.extreme(max: fn == .max, groups: ids, groupCount: count, values: v, filter: cond)
            case .median: return try Aggregate.median(groups: ids, groupCount: count, values: v, filter: cond)
            }
        }
    }

    // MARK: Strings

    /// `"…{expr}…"`, for each row (or group) in scope.
    private func interpolate(_ parts: [BoundPart], _ scope: Scope) throws -> Vector {
        var values: [(Vector, FormatSpec)] = []
        for case .value(let e, let spec) in parts { values.append((try eval(e, scope), spec)) }
        let n = scope.count
        var out = [String]()
        out.reserveCapacity(n)
        for row in 0..<n {
            var s = "", k = 0
            for p in parts {
                switch p {
                case .text(let t): s += t
                case .value:
                    let (v, spec) = values[k]
                    k += 1
                    s += Format.formatted(v.value(at: row), spec)
                }
            }
            out.append(s)
        }
        return .text(out)
    }
}
