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
            var map = IntHashMap(capacity: 1024)
            var codes = [Int32](repeating: 0, count: n)
            for i in 0..<n where !(nulls?.isNull(i) ?? false) { codes[i] = map.valueInserting(a[i]) }
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
    /// Dimensions are combined one at a time: (group so far × next dimension's code) is made
    /// dense again, so keys stay small integers however many dimensions there are.
    static func groupIds(_ dims: [Vector], rowCount n: Int) -> (ids: [Int32], count: Int, firstRows: [Int32]) {
        if dims.isEmpty { return ([Int32](repeating: 0, count: n), 1, [0]) }
        var ids: [Int32] = []
        var groups = 1
        var firstRows: [Int32] = []
        for (k, v) in dims.enumerated() {
            firstRows.removeAll(keepingCapacity: true)
            if k == 0, case .string(let codes, let d, let m) = v {
                // Dictionary codes are dense already: no copy of them is made.
                ids = renumber(n, space: d.count + 1, firstRows: &firstRows) { i in m?.isNull(i) ?? false ? d.count : Int(codes[i]) }
            } else {
                let d = denseCodes(v)
                let space = groups * d.cardinality
                if space <= 1 << 22 {
                    ids = ids.isEmpty
                        ? renumber(n, space: space, firstRows: &firstRows) { i in Int(d.codes[i]) }
                        : renumber(n, space: space, firstRows: &firstRows) { [ids] i in Int(ids[i]) * d.cardinality + Int(d.codes[i]) }
                } else {
                    var map = IntHashMap(capacity: min(n, 1 << 20))
                    var next: [Int32] = []
                    next.reserveCapacity(n)
                    for i in 0..<n {
                        let g = map.valueInserting(Int64(ids.isEmpty ? 0 : ids[i]) * Int64(d.cardinality) + Int64(d.codes[i]))
                        if Int(g) == firstRows.count { firstRows.append(Int32(i)) }
                        next.append(g)
                    }
                    ids = next
                }
            }
            groups = firstRows.count
        }
        return (ids, groups, firstRows)
    }

    /// Dense ids, in order of first appearance, for keys below `space`; `firstRows` gets the
    /// row where each id first appears.
    @inline(__always)
    private static func renumber(_ n: Int, space: Int, firstRows: inout [Int32], key: (Int) -> Int) -> [Int32] {
        var table = [Int32](repeating: -1, count: space)
        return table.withUnsafeMutableBufferPointer { t in
            [Int32](unsafeUninitializedCapacity: n) { out, initialized in
                for i in 0..<n {
                    let key = key(i)
                    var g = t[key]
                    if g < 0 {
                        g = Int32(firstRows.count)
                        t[key] = g
                        firstRows.append(Int32(i))
                    }
                    out[i] = g
                }
                initialized = n
            }
        }
    }
}
