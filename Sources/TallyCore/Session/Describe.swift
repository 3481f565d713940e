/// `describe TABLE`: one row per column with its type, nulls and distinct values.
enum Describe {
    static func schema(_ t: Table) -> ResultTable {
        let names = t.columns.map(\.name)
        let types = t.columns.map { $0.vector.type.rawValue }
        let nulls = t.columns.map { Int64($0.vector.nullCount) }
        let distinct = t.columns.map { c -> Int64 in
            let v = c.vector
            let dense = GroupKeys.denseCodes(v)
            var seen = [Bool](repeating: false, count: dense.cardinality)
            var n: Int64 = 0
            for (i, code) in dense.codes.enumerated() where !v.isNull(i) && !seen[Int(code)] { seen[Int(code)] = true; n += 1 }
            return n
        }
        func text(_ a: [String]) -> Vector {
            let d = StringDictionary(Array(Set(a)).sorted())
            return .string(a.map { d.code(of: $0)! }, d, nil)
        }
        return ResultTable(columns: [
            .init(name: "column", vector: text(names), role: .dimension),
            .init(name: "type", vector: text(types), role: .dimension),
            .init(name: "nulls", vector: .integer(nulls, nil), role: .measure),
            .init(name: "distinct", vector: .integer(distinct, nil), role: .measure),
        ])
    }
}
