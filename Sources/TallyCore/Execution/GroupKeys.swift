/// Hash group-by: turns the values of one or more dimension vectors into dense group ids.
///
/// Each dimension is first made dense: string codes are already dense, booleans are 0/1,
/// integers and times over a small range are offsets, other numbers go through a hash map.
/// Nulls get a code of their own (null is a group, shown as empty). The dense codes of several
/// dimensions combine into one integer key; small key spaces use a direct table, larger a hash map.
enum GroupKeys {
    struct Dense {
        var codes: [Int32]
        var cardinality: Int
    }

    static func denseCodes(_ v: Vector) -> Dense {
        let n = v.count
        let nulls = v.nulls
        func fromInts(_ a: [Int64]) -> Dense {
            var lo = Int64.max, hi = Int64.min
            for i in 0..<n where !(nulls?.isNull(i) ?? false) { lo = min(lo, a[i]); hi = max(hi, a[i]) }
            if lo > hi { return Dense(codes: [Int32](repeating: 0, count: n), cardinality: 1) }
            let (range, o) = hi.subtractingReportingOverflow(lo)
            if !o && range < 1 << 22 {
                let nullCode = Int32(range + 1)
                var codes = [Int32](repeating: nullCode, count: n)
                for i in 0..<n where !(nulls?.isNull(i) ?? false) { codes[i] = Int32(a[i] - lo) }
                return Dense(codes: codes, cardinality: Int(range) + 2)
            }
            var map = [Int64: Int32]()
            var codes = [Int32](repeating: 0, count: n)
            for i in 0..<n where !(nulls?.isNull(i) ?? false) {
                if let c = map[a[i]] { codes[i] = c } else { let c = Int32(map.count); map[a[i]] = c; codes[i] = c }
            }
            let nullCode = Int32(map.count)
            if let m = nulls { for i in 0..<n where m.isNull(i) { codes[i] = nullCode } }
            return Dense(codes: codes, cardinality: map.count + 1)
        }
        switch v {
        case .string(let a, let d, let m):
            let nullCode = Int32(d.count)
            var codes = a.map { Int32($0) }
            if let m { for i in 0..<n where m.isNull(i) { codes[i] = nullCode } }
            return Dense(codes: codes, cardinality: d.count + 1)
        case .boolean(let a, let m):
            var codes = a.map { Int32($0) }
            if let m { for i in 0..<n where m.isNull(i) { codes[i] = 2 } }
            return Dense(codes: codes, cardinality: 3)
        case .integer(let a, _), .date(let a, _), .timestamp(let a, _):
            return fromInts(a)
        case .decimal(let a, _):
            return fromInts(a.map { $0 == 0 ? 0 : Int64(bitPattern: $0.bitPattern) })
        }
    }

    /// Group ids (0-based, in order of first appearance) for each row, the number of groups,
    /// and the first row of each group (to read the group's dimension values from).
    static func groupIds(_ dims: [Vector], rowCount n: Int) -> (ids: [Int32], count: Int, firstRows: [Int32]) {
        if dims.isEmpty { return ([Int32](repeating: 0, count: n), 1, [0]) }
        let dense = dims.map(denseCodes)
        var space = 1
        var overflow = false
        for d in dense {
            let (p, o) = space.multipliedReportingOverflow(by: d.cardinality)
            if o || p > 1 << 40 { overflow = true; break }
            space = p
        }
        var ids = [Int32](repeating: 0, count: n)
        var firstRows: [Int32] = []
        if !overflow && space <= 1 << 24 {
            var table = [Int32](repeating: -1, count: space)
            for i in 0..<n {
                var key = 0
                for d in dense { key = key * d.cardinality + Int(d.codes[i]) }
                var g = table[key]
                if g < 0 { g = Int32(firstRows.count); table[key] = g; firstRows.append(Int32(i)) }
                ids[i] = g
            }
        } else if !overflow {
            var map = [Int: Int32]()
            for i in 0..<n {
                var key = 0
                for d in dense { key = key * d.cardinality + Int(d.codes[i]) }
                if let g = map[key] { ids[i] = g } else {
                    let g = Int32(firstRows.count); map[key] = g; firstRows.append(Int32(i)); ids[i] = g
                }
            }
        } else {
            var map = [[Int32]: Int32]()
            for i in 0..<n {
                let key = dense.map { $0.codes[i] }
                if let g = map[key] { ids[i] = g } else {
                    let g = Int32(firstRows.count); map[key] = g; firstRows.append(Int32(i)); ids[i] = g
                }
            }
        }
        return (ids, firstRows.count, firstRows)
    }
}
