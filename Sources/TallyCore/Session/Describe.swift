/// `describe TABLE`: one row per column with its type, nulls and distinct values.
/// `summary TABLE`: the same plus each column's smallest and largest value and its most frequent
/// values — the first look at a new export. (`describe load TABLE` is `TableSource.loadStatement`.)
enum Describe {
    static func schema(_ t: Table, isCancelled: @escaping () -> Bool = { false }) throws -> ResultTable {
        var poll = CancelPoll(isCancelled)
        return with(t, distinct: try t.columns.map { Int64(try counts($0.vector, &poll).count) })
    }

    /// One pass over the rows per column, then one over its distinct values: the smallest and
    /// largest in `sort`'s order (text by code points), and the three most frequent (ties by value).
    static func summary(_ t: Table, isCancelled: @escaping () -> Bool = { false }) throws -> ResultTable {
        var poll = CancelPoll(isCancelled)
        var distinct: [Int64] = [], mins: [String] = [], maxes: [String] = [], frequent: [String] = []
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
            distinct.append(Int64(groups.count))
            mins.append(lo.map { Format.display(c.vector.value(at: $0)) } ?? "")
            maxes.append(hi.map { Format.display(c.vector.value(at: $0)) } ?? "")
            frequent.append(top.map { "\(Format.display(c.vector.value(at: $0.row))) (\($0.count))" }.joined(separator: ", "))
        }
        var result = with(t, distinct: distinct)
        result.columns += [
            .init(name: "min", vector: .text(mins), role: .dimension),
            .init(name: "max", vector: .text(maxes), role: .dimension),
            .init(name: "most frequent", vector: .text(frequent), role: .dimension),
        ]
        return result
    }

    private static func with(_ t: Table, distinct: [Int64]) -> ResultTable {
        var result = Listing.schema(t)
        result.columns.append(.init(name: "distinct", vector: .integer(distinct, nil), role: .measure))
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
