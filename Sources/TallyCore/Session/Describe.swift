/// `describe TABLE`: one row per column with its type, nulls and distinct values.
/// `summary TABLE`: the same plus each column's smallest and largest value and its most frequent
/// values — the first look at a new export. (`describe load TABLE` is `TableSource.loadStatement`.)
enum Describe {
    static func schema(_ t: Table) -> ResultTable {
        var result = Listing.schema(t)
        result.columns.append(.init(name: "distinct", vector: .integer(t.columns.map { Int64(counts($0.vector).count) }, nil), role: .measure))
        return result
    }

    static func summary(_ t: Table) -> ResultTable {
        var mins: [String] = [], maxes: [String] = [], frequent: [String] = []
        for c in t.columns {
            let groups = counts(c.vector)
            let values = groups.map { (value: c.vector.value(at: $0.row), count: $0.count) }
            let ordered = values.map(\.value).sorted(by: less)
            mins.append(ordered.first.map(Format.display) ?? "")
            maxes.append(ordered.last.map(Format.display) ?? "")
            let top = values.sorted { $0.count != $1.count ? $0.count > $1.count : less($0.value, $1.value) }.prefix(3)
            frequent.append(top.map { "\(Format.display($0.value)) (\($0.count))" }.joined(separator: ", "))
        }
        var result = schema(t)
        result.columns += [
            .init(name: "min", vector: .text(mins), role: .dimension),
            .init(name: "max", vector: .text(maxes), role: .dimension),
            .init(name: "most frequent", vector: .text(frequent), role: .dimension),
        ]
        return result
    }

    /// Each distinct non-null value: a row that holds it and how many rows do.
    private static func counts(_ v: Vector) -> [(row: Int, count: Int)] {
        let dense = GroupKeys.denseCodes(v)
        var first = [Int](repeating: -1, count: dense.cardinality)
        var count = [Int](repeating: 0, count: dense.cardinality)
        for (i, code) in dense.codes.enumerated() where !v.isNull(i) {
            if first[Int(code)] < 0 { first[Int(code)] = i }
            count[Int(code)] += 1
        }
        return first.indices.filter { first[$0] >= 0 }.map { (first[$0], count[$0]) }
    }

    private static func less(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): x < y
        case (.boolean(let x), .boolean(let y)): !x && y
        default: (a.asDouble ?? a.temporalSeconds ?? 0) < (b.asDouble ?? b.temporalSeconds ?? 0)
        }
    }

}

private extension Value {
    var temporalSeconds: Double? {
        switch self {
        case .date(let s), .timestamp(let s): Double(s)
        default: nil
        }
    }
}
