/// Runs a query: filter to a selection, group, evaluate the measures per group, then
/// bucket, share of total, total row, sort and top.
struct QueryRunner {
    var evaluator: Evaluator

    private func error(_ m: String, _ s: Span, notes: [String] = []) -> Diagnostic { evaluator.error(m, s, notes: notes) }

    mutating func run(_ q: Query) throws -> ResultTable {
        let table = try evaluator.table(q.table)
        var rows: [Int32]?
        if let filter = q.filter {
            let cond = try evaluator.eval(filter, .rows(RowFrame(table: table, rows: nil)))
            rows = try located(filter.span) { try VectorOps.selection(cond, within: nil) }
        }
        var frame = RowFrame(table: table, rows: rows)
        let names = outputNames(q)

        // Groups: one per distinct combination of the dimensions (one group without `by`).
        // A dimension read through a key that is itself a dimension (`by teacher_id,
        // teachers.name`) adds no groups: it is read once per group, not once per row.
        let perGroup = q.having == nil && q.bucket == nil ? dependentDimensions(q, table) : [:]
        // A dimension computed per row (`week(login_at)`) over many rows is grouped a chunk of
        // rows at a time, so its values are never held for all rows at once.
        var chunked: Int?, chunkedGrouping: GroupKeys.Grouping?
        if q.having == nil && q.bucket == nil && frame.count > 2 * GroupKeys.chunkRows,
           let i = q.dimensions.indices.first(where: { perGroup[$0] == nil && isComputedPerRow(q.dimensions[$0].expr, table, top: true) }),
           let grouping = try GroupKeys.groupIds(rowCount: frame.count, values: { r in try evaluator.eval(q.dimensions[i].expr, .rows(frame.slice(r))) }) {
            (chunked, chunkedGrouping) = (i, grouping)
        }
        var dims: [Vector] = []
        for (i, d) in q.dimensions.enumerated() where perGroup[i] == nil && chunked != i {
            dims.append(try evaluator.eval(d.expr, .rows(frame)))
        }
        if let having = q.having {
            (frame, dims) = try keepGroups(having, q, frame, dims)
        }
        var result: ResultTable
        if let bounds = q.bucket {
            result = try bucket(q, bounds, frame, dims)
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
            for i in q.dimensions.indices {
                let vector: Vector
                if let (target, column) = perGroup[i] {
                    let rows = try located(q.dimensions[i].expr.span) { try Join.rows(catalog: evaluator.catalog, base: table, target: target, at: baseRows) }
                    vector = column.vector.gather(rows)
                } else if chunked == i {
                    vector = try evaluator.eval(q.dimensions[i].expr, .rows(RowFrame(table: table, rows: baseRows)))
                } else {
                    vector = next.next()!.gather(firstRows)
                }
                columns.append(.init(name: names.dims[i], vector: vector, role: .dimension))
            }
            let scope = Scope.groups(frame, ids: ids, count: groupCount)
            for (i, item) in q.items.enumerated() {
                columns.append(.init(name: names.items[i], vector: try evaluator.eval(item.expr, scope), role: .measure))
            }
            result = ResultTable(columns: columns)
            if q.pct { result.columns.append(try share(of: result.columns[q.dimensions.count], q)) }
            if let label = q.total, !q.dimensions.isEmpty {  // without `by` the one row is already the total
                let all = Scope.groups(frame, ids: [UInt32](repeating: 0, count: frame.count), count: 1)
                var total: [Value] = q.dimensions.indices.map { $0 == 0 ? .string(label) : .null }
                for item in q.items { total.append(try evaluator.eval(item.expr, all).value(at: 0)) }
                if q.pct { total.append(result.rowCount > 0 ? .decimal(100) : .null) }
                result.totalRow = total
            }
        }
        result = try sortAndCut(result, q, dimensions: q.bucket == nil ? q.dimensions.count : 0)
        return result
    }

    /// Whether an expression is computed from its own row of `table` alone (`week(login_at)`,
    /// `score >= 60`), so that it can be evaluated a chunk of rows at a time; a column by
    /// itself (`top`) is not computed: it is read in place.
    private func isComputedPerRow(_ e: Expr, _ table: Table, top: Bool = false) -> Bool {
        let perRow = { (x: Expr) in isComputedPerRow(x, table) }
        switch e.kind {
        case .literal: return !top
        case .name(let n): return !top && (table.column(named: n) != nil || evaluator.catalog.variable(n) != nil)
        case .negate(let x), .not(let x), .isNull(let x, _): return perRow(x)
        case .binary(_, let a, let b): return perRow(a) && perRow(b)
        case .between(let x, let lo, let hi, _): return perRow(x) && perRow(lo) && perRow(hi)
        case .inList(let x, let values, let filter, _): return filter == nil && perRow(x) && values.allSatisfy(perRow)
        case .call(let name, let args, let distinct, let filter):
            return !distinct && filter == nil && Functions.table[name.text.lowercased()] != nil && args.allSatisfy(perRow)
        case .interpolated, .qualified, .subquery: return false
        }
    }

    /// The dimensions `T.column` whose link key (the query's table's column) is also a plain
    /// dimension: they depend on it, so they can be read per group.
    private func dependentDimensions(_ q: Query, _ table: Table) -> [Int: (Table, Table.Column)] {
        let plain = Set(q.dimensions.compactMap { d -> String? in
            if case .name(let n) = d.expr.kind { return table.column(named: n)?.name }
            return nil
        })
        var out: [Int: (Table, Table.Column)] = [:]
        for (i, d) in q.dimensions.enumerated() {
            guard case .qualified(let t, let c) = d.expr.kind, let target = evaluator.catalog.table(t.text), target !== table,
                  let column = target.column(named: c.text),
                  let (key, _) = try? Join.linkColumns(catalog: evaluator.catalog, base: table, target: target),
                  plain.contains(key) else { continue }
            out[i] = (target, column)
        }
        return out
    }

    /// `having`: evaluates the condition per group (per row for `bucket` without `by`) and keeps
    /// the rows of the groups where it is true; everything after sees only those rows.
    private mutating func keepGroups(_ having: Expr, _ q: Query, _ frame: RowFrame, _ dims: [Vector]) throws -> (RowFrame, [Vector]) {
        guard !dims.isEmpty || q.bucket != nil else {
            throw error("having keeps or drops groups: add by (or bucket)", having.span,
                        notes: ["count courses by provider having count > 10"])
        }
        let n = frame.count
        let (ids, groupCount): ([UInt32], Int) = dims.isEmpty
            ? ((0..<UInt32(n)).map { $0 }, n)
            : { let g = GroupKeys.groupIds(dims, rowCount: n); return (g.ids, g.count) }()
        let cond = try evaluator.eval(having, .groups(frame, ids: ids, count: groupCount))
        let (keep, mask) = try located(having.span) { try VectorOps.bools(cond, "having") }
        var positions: [Int32] = []
        for i in 0..<n {
            let g = Int(ids[i])
            if keep[g] == 1 && !(mask?.isNull(g) ?? false) { positions.append(Int32(i)) }
        }
        let rows = frame.rows.map { sel in positions.map { sel[Int($0)] } } ?? positions
        return (RowFrame(table: frame.table, rows: rows), dims.map { $0.gather(positions) })
    }

    private func located<T>(_ span: Span, _ body: () throws -> T) throws -> T { try evaluator.located(span, body) }

    /// Output column names: the alias, else a measure's or column's name, else the expression as written.
    private func outputNames(_ q: Query) -> (items: [String], dims: [String]) {
        var used = Set<String>()
        func name(_ item: Item) -> String {
            var base: String
            if let a = item.alias { base = a.text } else {
                switch item.expr.kind {
                case .name(let n): base = n
                case .call where evaluator.source.slice(item.expr.span).lowercased() == "count": base = "count"
                case .qualified(_, let c): base = c.text
                default: base = evaluator.source.slice(item.expr.span)
                }
            }
            var n = base, k = 2
            while used.contains(n) { n = "\(base)_\(k)"; k += 1 }
            used.insert(n)
            return n
        }
        let dims = q.dimensions.map(name)
        return (q.items.map(name), dims)
    }

    private func share(of column: ResultTable.Column, _ q: Query) throws -> ResultTable.Column {
        guard let nums = try? VectorOps.numbers(column.vector, "pct") else {
            throw error("pct needs a numeric first measure", q.items[0].expr.span)
        }
        let values = nums.doubles
        var total = 0.0
        for (i, v) in values.enumerated() where !(nums.mask?.isNull(i) ?? false) { total += v }
        var mask = nums.mask
        var out = [Double](repeating: 0, count: values.count)
        for i in values.indices {
            if total == 0 { if mask == nil { mask = NullMask(count: values.count) }; mask!.setNull(i) } else { out[i] = values[i] / total * 100 }
        }
        return .init(name: q.shareName, vector: .decimal(out, mask), role: .share)
    }

    /// `bucket`: the first measure per row (or per group with `by`), banded at the thresholds.
    private mutating func bucket(_ q: Query, _ bounds: [(value: Double, text: String)], _ frame: RowFrame, _ dims: [Vector]) throws -> ResultTable {
        guard q.items.count == 1 else {
            throw error("bucket bands one measure; this query has \(q.items.count)", q.items[1].expr.span)
        }
        let ids: [UInt32], groupCount: Int
        if dims.isEmpty {
            ids = (0..<UInt32(frame.count)).map { $0 }
            groupCount = frame.count
        } else {
            (ids, groupCount, _) = GroupKeys.groupIds(dims, rowCount: frame.count)
        }
        let v = try evaluator.eval(q.items[0].expr, .groups(frame, ids: ids, count: groupCount))
        let nums = try located(q.items[0].expr.span) { try VectorOps.numbers(v, "bucket") }
        let values = nums.doubles
        // Bands from the highest threshold down when written descending, else from the lowest up.
        let descending = bounds.count < 2 || bounds[0].value > bounds[1].value
        let sorted = bounds.sorted { $0.value > $1.value }
        var counts = [Int64](repeating: 0, count: sorted.count + 1)
        var nulls: Int64 = 0
        for (g, x) in values.enumerated() {
            if nums.mask?.isNull(g) ?? false || x.isNaN { nulls += 1; continue }
            var band = sorted.count
            for (k, b) in sorted.enumerated() where x >= b.value { band = k; break }
            counts[band] += 1
        }
        var labels = ["≥\(sorted[0].text)"]
        for k in sorted.indices.dropFirst() { labels.append("\(sorted[k].text)–\(sorted[k - 1].text)") }
        labels.append("<\(sorted[sorted.count - 1].text)")
        if !descending { labels.reverse(); counts.reverse() }
        if nulls > 0 { labels.append("null"); counts.append(nulls) }
        let total = Double(groupCount)
        let shares = counts.map { total == 0 ? 0 : Double($0) / total * 100 }
        var shareMask: NullMask?
        if total == 0 { shareMask = NullMask(count: counts.count); for i in counts.indices { shareMask!.setNull(i) } }
        let d = StringDictionary(labels)
        var result = ResultTable(columns: [
            .init(name: outputNames(q).items[0], vector: .string((0..<UInt32(labels.count)).map { $0 }, d, nil), role: .dimension),
            .init(name: q.bucketCountName, vector: .integer(counts, nil), role: .measure),
            .init(name: q.shareName, vector: .decimal(shares, shareMask), role: .share),
        ])
        if let label = q.total { result.totalRow = [.string(label), .integer(Int64(groupCount)), groupCount > 0 ? .decimal(100) : .null] }
        return result
    }

    /// Orders the rows by the `sort` keys, then by the first `dimensions` columns ascending (so
    /// groups come out in the order of their values, nulls last, and ties are deterministic),
    /// and keeps the `top` rows. With a small `top`, only those rows are selected, not all sorted.
    private func sortAndCut(_ r: ResultTable, _ q: Query, dimensions: Int) throws -> ResultTable {
        var result = r
        var keys: [(SortKeyValues, Bool)] = []
        let n = result.rowCount
        let few = q.top.map { $0 <= n / 8 } ?? false
        do {
            for s in q.sort {
                guard let c = result.columns.first(where: { $0.name == s.column.text })
                        ?? result.columns.first(where: { $0.name.lowercased() == s.column.text.lowercased() }) else {
                    let names = result.columns.map(\.name)
                    throw error("no output column `\(s.column.text)` to sort by", s.column.span,
                                notes: [Suggest.closest(to: s.column.text, in: names).map { "did you mean `\($0)`?" }
                                        ?? "the output columns are: \(names.joined(separator: ", "))"])
                }
                keys.append((SortKeyValues(c.vector, order: s.order, fewComparisons: few), s.descending))
            }
        }
        for d in 0..<dimensions { keys.append((SortKeyValues(result.columns[d].vector, fewComparisons: few), false)) }
        func less(_ a: Int32, _ b: Int32) -> Bool {
            for (k, desc) in keys {
                let c = k.compare(Int(a), Int(b), nullsLast: true, descending: desc)
                if c != 0 { return c < 0 }
            }
            return a < b
        }
        if q.top == 0 { return result.gather([]) }
        if let top = q.top, top < n, top <= n / 8 {
            var best: [Int32] = []   // the `top` smallest so far, in order
            best.reserveCapacity(top + 1)
            for i in 0..<Int32(n) where best.count < top || less(i, best[best.count - 1]) {
                var lo = 0, hi = best.count
                while lo < hi { let mid = (lo + hi) / 2; if less(best[mid], i) { lo = mid + 1 } else { hi = mid } }
                best.insert(i, at: lo)
                if best.count > top { best.removeLast() }
            }
            return result.gather(best)
        }
        if !keys.isEmpty { result = result.gather((0..<Int32(n)).sorted(by: less)) }
        if let top = q.top, top < result.rowCount { result = result.gather((0..<Int32(top)).map { $0 }) }
        return result
    }
}

/// Compares two rows of a vector for sorting; nulls sort last.
struct SortKeyValues {
    private enum Keys { case ints([Int64]), doubles([Double]), ranks([Int]), text([UInt32], StringDictionary) }
    private let keys: Keys
    private let nulls: NullMask?

    /// `order`: values that sort first, in the given order (numbers match by value, other
    /// values by their text); the others follow in their natural order.
    /// `fewComparisons`: text is compared string by string instead of ranking the whole
    /// dictionary first (for a small `top`, where only a few rows are compared).
    init(_ v: Vector, order: [String]? = nil, fewComparisons: Bool = false) {
        nulls = v.nulls
        if let order {
            let natural = SortKeyValues(v)
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
