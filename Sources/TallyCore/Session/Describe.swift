/// `describe TABLE`: one row per column with its type, nulls and distinct values.
/// `summary TABLE`: the same plus each column's smallest and largest value and its most frequent
/// values — the first look at a new export. (`describe load TABLE` is `TableSource.loadStatement`.)
/// For a table an engine holds, the engine computes each column's facts (EngineDescribe.swift)
/// and `result` shows them as for a table in memory.
enum Describe {
    /// What `describe` and `summary` show of one column: its nulls and its distinct non-null
    /// values; for `summary` also the smallest and largest value in `sort`'s order (text by code
    /// points) and the three most frequent with their counts (ties by that order).
    struct Facts {
        var nulls = 0, distinct = 0
        var smallest: Value?, largest: Value?
        var frequent: [(value: Value, count: Int)] = []
    }

    static func schema(_ t: Table, isCancelled: @escaping () -> Bool = { false }) throws -> ResultTable {
        var poll = CancelPoll(isCancelled)
        return result(t, try t.columns.map { Facts(nulls: $0.vector.nullCount, distinct: try counts($0.vector, &poll).count) }, summary: false)
    }

    /// One pass over the rows per column, then one over its distinct values.
    static func summary(_ t: Table, isCancelled: @escaping () -> Bool = { false }) throws -> ResultTable {
        var poll = CancelPoll(isCancelled)
        var facts: [Facts] = []
        for c in t.columns {
            let groups = try counts(c.vector, &poll)
            let order = SortKeyValues(c.vector, fewComparisons: true)
            var lo: Int?, hi: Int?
            var top: [(row: Int, count: Int)] = []
            func before(_ a: (row: Int, count: Int), _ b: (row: Int, count: Int)) -> Bool {
                a.count != b.count ? a.count > b.count : order.compare(a.row, b.row) < 0
            }
            for g in groups {
                try poll.step()
                if lo.map({ order.compare(g.row, $0) < 0 }) ?? true { lo = g.row }
                if hi.map({ order.compare(g.row, $0) > 0 }) ?? true { hi = g.row }
                if top.count < 3 || before(g, top[top.count - 1]) {
                    top.insert(g, at: top.firstIndex { before(g, $0) } ?? top.count)
                    if top.count > 3 { top.removeLast() }
                }
            }
            facts.append(Facts(nulls: c.vector.nullCount, distinct: groups.count,
                               smallest: lo.map(c.vector.value(at:)), largest: hi.map(c.vector.value(at:)),
                               frequent: top.map { (c.vector.value(at: $0.row), $0.count) }))
        }
        return result(t, facts, summary: true)
    }

    /// The table `describe` (`summary`: `summary`) shows, from each column's facts: values as
    /// Tally shows them (`Format.display`), the most frequent as `value (count)`.
    static func result(_ t: Table, _ facts: [Facts], summary: Bool) -> ResultTable {
        var result = Listing.schema(t, nulls: facts.map { Int64($0.nulls) })
        result.columns.append(.init(name: "distinct", vector: .integer(facts.map { Int64($0.distinct) }, nil), role: .measure))
        guard summary else { return result }
        result.columns += [
            .init(name: "min", vector: .text(facts.map { $0.smallest.map(Format.display) ?? "" }), role: .dimension),
            .init(name: "max", vector: .text(facts.map { $0.largest.map(Format.display) ?? "" }), role: .dimension),
            .init(name: "most frequent", vector: .text(facts.map { f in
                f.frequent.map { "\(Format.display($0.value)) (\($0.count))" }.joined(separator: ", ")
            }), role: .dimension),
        ]
        return result
    }

    /// Each distinct non-null value: a row that holds it and how many rows do.
    private static func counts(_ v: Vector, _ poll: inout CancelPoll) throws -> [(row: Int, count: Int)] {
        let dense = GroupKeys.denseCodes(v)
        var first = [Int](repeating: -1, count: dense.cardinality)
        var count = [Int](repeating: 0, count: dense.cardinality)
        for (i, code) in dense.codes.enumerated() where !v.isNull(i) {
            try poll.step()
            if first[Int(code)] < 0 { first[Int(code)] = i }
            count[Int(code)] += 1
        }
        return first.indices.filter { first[$0] >= 0 }.map { (first[$0], count[$0]) }
    }
}
