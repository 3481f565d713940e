/// Runs a bound query: filter to a selection, group, evaluate the measures per group, then
/// bucket, share of total, total row, sort and top.
struct QueryRunner {
    let evaluator: Evaluator

    func run(_ q: LogicalQuery) throws -> ResultTable { try QueryRunner.charted(try rows(q), q) }

    /// With `chart`, the result (of this engine or another) checked for bars and marked to be drawn.
    static func charted(_ result: ResultTable, _ q: LogicalQuery) throws -> ResultTable {
        guard let chart = q.chart else { return result }
        do { try Chart.check(result) } catch let e as OperationError { throw chart.origin.error(e.message, notes: e.notes) }
        var charted = result
        charted.chart = chart.title
        return charted
    }

    private func rows(_ q: LogicalQuery) throws -> ResultTable {
        let table = q.table
        var rows: [Int32]?
        if let filter = q.filter {
            let cond = try evaluator.eval(filter, .rows(RowFrame(table: table, rows: nil)))
            rows = try located(filter.origin) { try VectorOps.selection(cond, within: nil) }
        }
        var frame = RowFrame(table: table, rows: rows)
        if q.listing { return try list(q, frame) }
        if let a = q.across { return try sortAndCut(try crossTab(q, a, frame), q, dimensions: q.dimensions.count) }
        if let column = q.dimensions.first?.allValues {
            return try sortAndCut(try everyValue(q, column, frame), q, dimensions: 1)
        }

        // Groups: one per distinct combination of the dimensions (one group without `by`).
        // A dimension read through a key that is itself a dimension (`by teacher_id,
        // teachers.name`) adds no groups: it is read once per group, not once per row.
        let perGroup = q.having == nil && q.bucket == nil
        // A dimension computed per row (`week(login_at)`) over many rows is grouped a chunk of
        // rows at a time, so its values are never held for all rows at once.
        var chunked: Int?, chunkedGrouping: GroupKeys.Grouping?
        if q.having == nil && q.bucket == nil && frame.count > 2 * GroupKeys.chunkRows,
           let i = q.dimensions.indices.first(where: { q.dimensions[$0].readPerGroup == nil && QueryRunner.isComputedPerRow(q.dimensions[$0].expr, top: true) }),
           let grouping = try GroupKeys.groupIds(rowCount: frame.count, values: { r in try evaluator.eval(q.dimensions[i].expr, .rows(frame.slice(r))) }) {
            (chunked, chunkedGrouping) = (i, grouping)
        }
        var dims: [Vector] = []
        for (i, d) in q.dimensions.enumerated() where !(perGroup && d.readPerGroup != nil) && chunked != i {
            dims.append(try evaluator.eval(d.expr, .rows(frame)))
        }
        if let having = q.having {
            (frame, dims) = try keepGroups(having, q, frame, dims)
        }
        var result: ResultTable
        if let b = q.bucket {
            result = try bucket(q, b, frame, dims)
        } else {
            let grouping: GroupKeys.Grouping
            if var g = chunkedGrouping.take() {   // taken, so that its ids are combined in place, not copied
                GroupKeys.add(dims, to: &g)
                grouping = g
            } else {
                grouping = GroupKeys.groupIds(dims, rowCount: frame.count)
            }
            let (ids, groupCount, firstRows) = grouping
            var columns: [ResultTable.Column] = []
            var next = dims.makeIterator()
            // The table rows the groups' dimension values are read from (without `by`, the one
            // group of an empty selection has no such row).
            let baseRows = q.dimensions.isEmpty ? [] : firstRows.map { frame.rows?[Int($0)] ?? $0 }
            // Dimensions read through the same link (teachers.name, teachers.school) share its rows.
            var linked: [String: [Int32]] = [:]
            for (i, d) in q.dimensions.enumerated() {
                let vector: Vector
                if perGroup, let (link, column) = d.readPerGroup {
                    let rows = try linked[link.cacheKey] ?? located(d.expr.origin) { try Join.rows(link, catalog: evaluator.catalog, at: baseRows) }
                    linked[link.cacheKey] = rows
                    vector = column.vector.gather(rows)
                } else if chunked == i {
                    vector = try evaluator.eval(d.expr, .rows(RowFrame(table: table, rows: baseRows)))
                } else {
                    vector = next.next()!.gather(firstRows)
                }
                columns.append(.init(name: d.name, vector: vector, role: .dimension, decimals: d.expr.decimals))
            }
            let scope = Scope.groups(frame, ids: ids, count: groupCount, dimensions: columns.map(\.vector))
            for m in q.measures {
                columns.append(.init(name: m.name, vector: try evaluator.eval(m.expr, scope), role: .measure, decimals: m.expr.decimals))
            }
            result = try shareAndTotal(ResultTable(columns: columns), q, frame)
        }
        return try sortAndCut(result, q, dimensions: q.bucket == nil ? q.dimensions.count : 0)
    }

    /// `pct` and `total` of a grouped result: each row's share of the first measure, and the
    /// measures over every row in scope (without `by` the one row is already the total).
    private func shareAndTotal(_ r: ResultTable, _ q: LogicalQuery, _ frame: RowFrame) throws -> ResultTable {
        var result = r
        if let share = q.share { result.columns.append(self.share(of: result.columns[q.dimensions.count], named: share)) }
        if let label = q.total, !q.dimensions.isEmpty {
            let all = Scope.groups(frame, ids: [UInt32](repeating: 0, count: frame.count), count: 1, dimensions: [])
            var total: [Value] = q.dimensions.indices.map { $0 == 0 ? .string(label) : .null }
            for m in q.measures { total.append(try evaluator.eval(m.expr, all).value(at: 0)) }
            if q.share != nil { total.append(result.rowCount > 0 ? .decimal(100) : .null) }
            result.totalRow = total
        }
        return result
    }

    /// `by all x`: the groups are every value of the column `x` reads (its whole table), with
    /// or without rows in scope; a group without rows has count 0 and null other measures.
    private func everyValue(_ q: LogicalQuery, _ column: Table.Column, _ frame: RowFrame) throws -> ResultTable {
        let d = q.dimensions[0]
        let values = try evaluator.eval(d.expr, .rows(frame))
        // The values in scope, then every value of the column: the groups of both, the ids of the first.
        let extended = try located(d.expr.origin) { try values.appending(column.vector) }
        let g = GroupKeys.groupIds([extended], rowCount: extended.count)
        let dimension = extended.gather(g.firstRows)
        var columns = [ResultTable.Column(name: d.name, vector: dimension, role: .dimension, decimals: d.expr.decimals)]
        let scope = Scope.groups(frame, ids: Array(g.ids[0..<frame.count]), count: g.count, dimensions: [dimension])
        for m in q.measures { columns.append(.init(name: m.name, vector: try evaluator.eval(m.expr, scope), role: .measure, decimals: m.expr.decimals)) }
        return try shareAndTotal(ResultTable(columns: columns), q, frame)
    }

    /// `across x`: a cross-tab. The rows are the `by` groups, the columns the values of `x` (the
    /// listed ones, in order — rows with other values are left out — or every value found, in
    /// ascending order, null last), each cell the measure over the rows of both; `total` adds
    /// the row totals as a last column and the column totals as a last row, each computed over
    /// its rows, not summed.
    private func crossTab(_ q: LogicalQuery, _ a: LogicalQuery.Across, _ all: RowFrame) throws -> ResultTable {
        var frame = all
        let values = try evaluator.eval(a.expr, .rows(frame))
        let found = GroupKeys.groupIds([values], rowCount: frame.count)
        let foundValues = values.gather(found.firstRows)
        var column = [Int](repeating: -1, count: found.count)   // found value → result column
        var names: [String]
        if let listed = a.values {
            names = listed
            for g in 0..<found.count {
                let v = foundValues.value(at: g)
                column[g] = listed.firstIndex { l in v.asDouble.map { Double(l) == $0 } ?? (Format.display(v) == l) } ?? -1
            }
        } else {
            let order = SortKeyValues(foundValues)
            let sorted = (0..<found.count).sorted { order.compare($0, $1, nullsLast: true) < 0 }
            for (k, g) in sorted.enumerated() { column[g] = k }
            names = sorted.map { foundValues.isNull($0) ? "null" : Format.display(foundValues.value(at: $0)) }
        }
        var colIds = found.ids.map { UInt32(bitPattern: Int32(column[Int($0)])) }
        if column.contains(-1) {   // rows whose value is not listed are left out
            let keep = (0..<Int32(frame.count)).filter { column[Int(found.ids[Int($0)])] >= 0 }
            frame = RowFrame(table: q.table, rows: frame.rows.map { rows in keep.map { rows[Int($0)] } } ?? keep)
            colIds = keep.map { colIds[Int($0)] }
        }
        let n = frame.count, columns = names.count
        var dims: [Vector] = []
        for d in q.dimensions { dims.append(try evaluator.eval(d.expr, .rows(frame))) }
        let rowsG = dims.isEmpty ? ([UInt32](repeating: 0, count: n), 1, [Int32]()) : GroupKeys.groupIds(dims, rowCount: n)
        let rowCount = rowsG.1
        // Each grouping over a frame of its own: the aggregate cache knows groupings by their size.
        func measure(_ ids: [UInt32], _ count: Int) throws -> Vector {
            try evaluator.eval(q.measures[0].expr, .groups(RowFrame(table: q.table, rows: frame.rows), ids: ids, count: count, dimensions: []))
        }
        let cells = try measure((0..<n).map { UInt32(Int(rowsG.0[$0]) * columns + Int(colIds[$0])) }, rowCount * columns)
        var out: [ResultTable.Column] = []
        let decimals = q.measures[0].expr.decimals
        for (i, d) in q.dimensions.enumerated() { out.append(.init(name: d.name, vector: dims[i].gather(rowsG.2), role: .dimension, decimals: d.expr.decimals)) }
        for c in 0..<columns {
            out.append(.init(name: names[c], vector: cells.gather((0..<rowCount).map { Int32($0 * columns + c) }), role: .measure, decimals: decimals))
        }
        var result = ResultTable(columns: out)
        if let label = q.total {
            result.columns.append(.init(name: label, vector: try measure(rowsG.0, rowCount), role: .measure, decimals: decimals))
            if !q.dimensions.isEmpty {
                let perColumn = try measure(colIds, columns)
                var total: [Value] = q.dimensions.indices.map { $0 == 0 ? .string(label) : .null }
                total += (0..<columns).map { perColumn.value(at: $0) }
                total.append(try measure([UInt32](repeating: 0, count: n), 1).value(at: 0))
                result.totalRow = total
            }
        }
        return result
    }

    /// `list`: each row's columns, sorted and cut. Without `sort`, only the rows `top` keeps
    /// are read.
    private func list(_ q: LogicalQuery, _ all: RowFrame) throws -> ResultTable {
        var frame = all
        if q.sort.isEmpty, let top = q.top, top < all.count {
            frame = RowFrame(table: q.table, rows: all.rows.map { Array($0.prefix(top)) } ?? (0..<Int32(top)).map { $0 })
        }
        var columns: [ResultTable.Column] = []
        for m in q.measures { columns.append(.init(name: m.name, vector: try evaluator.eval(m.expr, .rows(frame)), role: .dimension, decimals: m.expr.decimals)) }
        return try sortAndCut(ResultTable(columns: columns), q, dimensions: 0)
    }

    /// Whether an expression is computed from its own row alone (`week(login_at)`,
    /// `score >= 60`), so that it can be evaluated a chunk of rows at a time; a column by
    /// itself (`top`) is not computed: it is read in place.
    static func isComputedPerRow(_ e: BoundExpr, top: Bool = false) -> Bool {
        let perRow = { (x: BoundExpr) in isComputedPerRow(x) }
        switch e.kind {
        case .literal: return !top
        case .column: return !top
        case .negate(let x), .not(let x), .isNull(let x, _): return perRow(x)
        case .binary(_, let a, let b): return perRow(a) && perRow(b)
        case .chain(let a, let rest): return perRow(a) && rest.allSatisfy { perRow($0.operand) }
        case .between(let x, let lo, let hi, _): return perRow(x) && perRow(lo) && perRow(hi)
        case .inValues(let x, let values, _): return perRow(x) && values.allSatisfy(perRow)
        case .scalar(_, let args): return args.allSatisfy(perRow)
        case .interpolated, .lookup, .membership, .subquery, .aggregate, .dimension: return false
        }
    }

    /// `having`: evaluates the condition per group (per row for `bucket` without `by`) and keeps
    /// the rows of the groups where it is true; everything after sees only those rows.
    private func keepGroups(_ having: BoundExpr, _ q: LogicalQuery, _ frame: RowFrame, _ dims: [Vector]) throws -> (RowFrame, [Vector]) {
        let n = frame.count
        let (ids, groupCount, firstRows): ([UInt32], Int, [Int32]) = dims.isEmpty
            ? ((0..<UInt32(n)).map { $0 }, n, [])
            : GroupKeys.groupIds(dims, rowCount: n)
        let groupValues = dims.map { $0.gather(firstRows) }
        let cond = try evaluator.eval(having, .groups(frame, ids: ids, count: groupCount, dimensions: groupValues))
        let (keep, mask) = try located(having.origin) { try VectorOps.bools(cond, "having") }
        var positions: [Int32] = []
        for i in 0..<n {
            let g = Int(ids[i])
            if keep[g] == 1 && !(mask?.isNull(g) ?? false) { positions.append(Int32(i)) }
        }
        let rows = frame.rows.map { sel in positions.map { sel[Int($0)] } } ?? positions
        return (RowFrame(table: frame.table, rows: rows), dims.map { $0.gather(positions) })
    }

    private func located<T>(_ origin: Origin, _ body: () throws -> T) throws -> T { try evaluator.located(origin, body) }

    /// `pct`: each row's first measure as a percentage of the column's sum (null when it is 0).
    private func share(of column: ResultTable.Column, named name: String) -> ResultTable.Column {
        let nums = (try? VectorOps.numbers(column.vector, "pct")) ?? .ints([Int64](repeating: 0, count: column.vector.count), NullMask?.none)
        let values = nums.doubles
        var total = 0.0
        for (i, v) in values.enumerated() where !(nums.mask?.isNull(i) ?? false) { total += v }
        var mask = nums.mask
        var out = [Double](repeating: 0, count: values.count)
        for i in values.indices {
            if total == 0 { if mask == nil { mask = NullMask(count: values.count) }; mask!.setNull(i) } else { out[i] = values[i] / total * 100 }
        }
        return .init(name: name, vector: .decimal(out, mask), role: .share)
    }

    /// `bucket`: the first measure per row (or per group with `by`), banded at the thresholds.
    private func bucket(_ q: LogicalQuery, _ b: LogicalQuery.Bucket, _ frame: RowFrame, _ dims: [Vector]) throws -> ResultTable {
        if let value = b.value { return try bucketRows(q, b, value, frame) }
        let ids: [UInt32], groupCount: Int, firstRows: [Int32]
        if dims.isEmpty {
            ids = (0..<UInt32(frame.count)).map { $0 }
            groupCount = frame.count
            firstRows = []
        } else {
            (ids, groupCount, firstRows) = GroupKeys.groupIds(dims, rowCount: frame.count)
        }
        let measure = q.measures[0]
        let v = try evaluator.eval(measure.expr, .groups(frame, ids: ids, count: groupCount, dimensions: dims.map { $0.gather(firstRows) }))
        let bands = try band(v, b, measure.expr.origin)
        var counts = [Int64](repeating: 0, count: b.labels.count + 1)
        for k in bands { counts[Int(k)] += 1 }
        var labels = b.labels
        if counts[labels.count] > 0 { labels.append("null") } else { counts.removeLast() }
        let total = Double(groupCount)
        let shares = counts.map { total == 0 ? 0 : Double($0) / total * 100 }
        var shareMask: NullMask?
        if total == 0 { shareMask = NullMask(count: counts.count); for i in counts.indices { shareMask!.setNull(i) } }
        var result = ResultTable(columns: [
            .init(name: b.valueName, vector: .string(Codes((0..<UInt32(labels.count)).map { $0 }), StringDictionary(labels), nil), role: .dimension),
            .init(name: b.countName, vector: .integer(counts, nil), role: .measure),
            .init(name: q.shareName, vector: .decimal(shares, shareMask), role: .share),
        ])
        if let label = q.total { result.totalRow = [.string(label), .integer(Int64(groupCount)), groupCount > 0 ? .decimal(100) : .null] }
        return result
    }

    /// `bucket VALUE at …`: each row's value is banded, and the bands are the groups the
    /// measures are computed over (every band listed; the null band when it has rows).
    private func bucketRows(_ q: LogicalQuery, _ b: LogicalQuery.Bucket, _ value: BoundExpr, _ frame: RowFrame) throws -> ResultTable {
        let ids = try band(try evaluator.eval(value, .rows(frame)), b, value.origin)
        var present = [Bool](repeating: false, count: b.labels.count + 1)
        for k in ids { present[Int(k)] = true }
        let bandCount = present[b.labels.count] ? b.labels.count + 1 : b.labels.count
        let labels = b.labels + (bandCount > b.labels.count ? ["null"] : [])
        let scope = Scope.groups(frame, ids: ids, count: b.labels.count + 1, dimensions: [])
        var columns: [ResultTable.Column] = [
            .init(name: b.valueName, vector: .string(Codes((0..<UInt32(labels.count)).map { $0 }), StringDictionary(labels), nil), role: .dimension),
        ]
        let kept = (0..<Int32(bandCount)).map { $0 }
        for m in q.measures {
            columns.append(.init(name: m.name, vector: try evaluator.eval(m.expr, scope).gather(kept), role: .measure, decimals: m.expr.decimals))
        }
        var result = ResultTable(columns: columns)
        result.columns.append(share(of: result.columns[1], named: q.shareName))
        if let label = q.total {
            let all = Scope.groups(frame, ids: [UInt32](repeating: 0, count: frame.count), count: 1, dimensions: [])
            var total: [Value] = [.string(label)]
            for m in q.measures { total.append(try evaluator.eval(m.expr, all).value(at: 0)) }
            total.append(result.rowCount > 0 ? .decimal(100) : .null)
            result.totalRow = total
        }
        return result
    }

    /// The band of each value, as a position in the bucket's labels (the null band is the
    /// position after them). Lower bounds are inclusive; bands use the full value.
    private func band(_ v: Vector, _ b: LogicalQuery.Bucket, _ origin: Origin) throws -> [UInt32] {
        let nums = try located(origin) { try VectorOps.numbers(v, "bucket") }
        let values = nums.doubles
        let descending = b.bounds.count < 2 || b.bounds[0].value > b.bounds[1].value
        let sorted = b.bounds.map(\.value).sorted(by: >)
        let bands = UInt32(sorted.count + 1)
        var out = [UInt32](repeating: 0, count: values.count)
        for (i, x) in values.enumerated() {
            if nums.mask?.isNull(i) ?? false || x.isNaN { out[i] = bands; continue }
            var k = UInt32(sorted.count)
            for (j, t) in sorted.enumerated() where x >= t { k = UInt32(j); break }
            out[i] = descending ? k : bands - 1 - k
        }
        return out
    }

    /// Orders the rows by the `sort` keys, then by the first `dimensions` columns ascending (so
    /// groups come out in the order of their values, nulls last, and ties are deterministic;
    /// listed rows keep the table's order), and keeps the `top` rows — with ties, or per value
    /// of the `per` columns — numbering them when `rank` is asked for. With a small plain
    /// `top`, only those rows are selected, not all sorted.
    private func sortAndCut(_ r: ResultTable, _ q: LogicalQuery, dimensions: Int) throws -> ResultTable {
        var result = r
        let n = result.rowCount
        let ranking = q.rank != nil || q.withTies || !q.per.isEmpty
        let few = !ranking && (q.top.map { $0 <= n / 8 } ?? false)
        // A constant the comparison reads (a captured `var` would be retained at every call).
        let keys: [(SortKeyValues, Bool)] = q.sort.map {
            (SortKeyValues(result.columns[$0.column].vector, order: $0.order, pinyin: $0.pinyin, fewComparisons: few), $0.descending)
        } + (0..<dimensions).map { (SortKeyValues(result.columns[$0].vector, fewComparisons: few), false) }
        let sortKeys = q.sort.count
        var poll = CancelPoll(evaluator.isCancelled)
        func less(_ a: Int32, _ b: Int32) throws -> Bool {
            try poll.step()
            for (k, desc) in keys {
                let c = k.compare(Int(a), Int(b), nullsLast: true, descending: desc)
                if c != 0 { return c < 0 }
            }
            return a < b
        }
        if ranking { return try ranked(result, q, order: (0..<Int32(n)).sorted(by: less), keys: Array(keys.prefix(sortKeys))) }
        if q.top == 0 { return result.gather([]) }
        if let top = q.top, top < n, top <= n / 8 {
            var best: [Int32] = []   // the `top` smallest so far, in order
            best.reserveCapacity(top + 1)
            for i in 0..<Int32(n) where try best.count < top || less(i, best[best.count - 1]) {
                var lo = 0, hi = best.count
                while lo < hi { let mid = (lo + hi) / 2; if try less(best[mid], i) { lo = mid + 1 } else { hi = mid } }
                best.insert(i, at: lo)
                if best.count > top { best.removeLast() }
            }
            return result.gather(best)
        }
        if !keys.isEmpty { result = result.gather(try (0..<Int32(n)).sorted(by: less)) }
        if let top = q.top, top < result.rowCount { result = result.gather((0..<Int32(top)).map { $0 }) }
        return result
    }

    /// Ranks sorted rows within each value of the `per` columns (all rows, without `per`): a
    /// row's rank is 1 + the number of rows before it that sort strictly before it (1, 2, 2, 4).
    /// `top N` keeps the rows ranked ≤ N with ties, else the first N of each.
    private func ranked(_ r: ResultTable, _ q: LogicalQuery, order: [Int32], keys: [(SortKeyValues, Bool)]) throws -> ResultTable {
        let partitions = q.per.isEmpty ? [UInt32](repeating: 0, count: r.rowCount)
            : GroupKeys.groupIds(q.per.map { r.columns[$0].vector }, rowCount: r.rowCount).ids
        var seen: [UInt32: (count: Int, last: Int32, rank: Int)] = [:]
        var kept: [Int32] = [], ranks: [Int64] = []
        var poll = CancelPoll(evaluator.isCancelled)
        for row in order {
            try poll.step()
            let p = partitions[Int(row)]
            var state = seen[p] ?? (0, -1, 0)
            state.count += 1
            let tied = state.last >= 0 && keys.allSatisfy { $0.0.compare(Int(state.last), Int(row), nullsLast: true, descending: $0.1) == 0 }
            if !tied { state.rank = state.count }
            state.last = row
            seen[p] = state
            if let top = q.top, q.withTies ? state.rank > top : state.count > top { continue }
            kept.append(row)
            ranks.append(Int64(state.rank))
        }
        var result = r.gather(kept)
        if let name = q.rank {
            result.columns.insert(.init(name: name, vector: .integer(ranks, nil), role: .dimension), at: 0)
            result.totalRow?.insert(.null, at: 0)
        }
        return result
    }
}

/// Compares two rows of a vector for sorting; nulls sort last.
struct SortKeyValues {
    private enum Keys { case ints([Int64]), doubles([Double]), ranks([Int]), text(Codes, StringDictionary) }
    private let keys: Keys
    private let nulls: NullMask?

    /// `order`: values that sort first, in the given order (numbers match by value, other
    /// values by their text); the others follow in their natural order.
    /// `pinyin`: text in pinyin order (see `PinyinOrder`), not code point order.
    /// `fewComparisons`: text is compared string by string instead of ranking the whole
    /// dictionary first (for a small `top`, where only a few rows are compared).
    init(_ v: Vector, order: [String]? = nil, pinyin: Bool = false, fewComparisons: Bool = false) {
        nulls = v.nulls
        if let order {
            let natural = SortKeyValues(v, pinyin: pinyin)
            let n = v.count
            let listed: [Int?] = (0..<n).map { i -> Int? in
                let value = v.value(at: i)
                if let d = value.asDouble { return order.firstIndex { Double($0) == d } }
                return order.firstIndex(of: Format.display(value))
            }
            // Rank every row: listed ones by their place in the list, the rest after them in natural order.
            let rest = (0..<n).filter { listed[$0] == nil }.sorted { natural.compare($0, $1) < 0 }
            var ranks = [Int](repeating: 0, count: n)
            var rank = order.count
            for (k, i) in rest.enumerated() {
                if k > 0 && natural.compare(rest[k - 1], i) != 0 { rank += 1 }
                ranks[i] = rank
            }
            for i in 0..<n { if let p = listed[i] { ranks[i] = p } }
            keys = .ranks(ranks)
            return
        }
        switch v {
        case .integer(let a, _), .date(let a, _), .timestamp(let a, _): keys = .ints(a)
        case .decimal(let a, _): keys = .doubles(a)
        case .boolean(let a, _): keys = .ints(a.map { Int64($0) })
        case .string(let codes, let d, _):
            if pinyin { keys = .ranks(PinyinOrder.ranks(codes, d)); return }
            if fewComparisons { keys = .text(codes, d); return }
            let rank = d.ranks
            keys = .ranks(codes.map { d.count == 0 ? 0 : Int(rank[Int($0)]) })
        }
    }

    func compare(_ a: Int, _ b: Int, nullsLast: Bool = true, descending: Bool = false) -> Int {
        let na = nulls?.isNull(a) ?? false, nb = nulls?.isNull(b) ?? false
        if na || nb { return na == nb ? 0 : (na ? 1 : -1) }
        let c: Int
        switch keys {
        case .ints(let k): c = k[a] < k[b] ? -1 : (k[a] == k[b] ? 0 : 1)
        case .doubles(let k): c = k[a] < k[b] ? -1 : (k[a] == k[b] ? 0 : 1)
        case .ranks(let k): c = k[a] < k[b] ? -1 : (k[a] == k[b] ? 0 : 1)
        case .text(let codes, let d):
            let x = d.strings[Int(codes[a])].utf8, y = d.strings[Int(codes[b])].utf8
            c = codes[a] == codes[b] ? 0 : (x.lexicographicallyPrecedes(y) ? -1 : (y.lexicographicallyPrecedes(x) ? 1 : 0))
        }
        return descending ? -c : c
    }
}
