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
            if let (lo, card) = smallRange(a, nulls) {
                var codes = [Int32](repeating: Int32(card - 1), count: n)
                for i in 0..<n where !(nulls?.isNull(i) ?? false) { codes[i] = Int32(a[i] - lo) }
                return Dense(codes: codes, cardinality: card)
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
        for v in dims {
            firstRows.removeAll(keepingCapacity: true)
            let previous = ids
            // Each dimension's keys are read in place where they are dense already (dictionary
            // codes, integers over a small range); only other values get dense codes first.
            switch v {
            case .string(let codes, let d, let m) where previous.isEmpty || groups * (d.count + 1) <= 1 << 22:
                let card = d.count + 1
                ids = renumber(n, space: groups * card, firstRows: &firstRows) { i in
                    (previous.isEmpty ? 0 : Int(previous[i]) * card) + (m?.isNull(i) ?? false ? d.count : Int(codes[i]))
                }
            case .integer(let a, let m), .date(let a, let m), .timestamp(let a, let m):
                if let (lo, card) = smallRange(a, m), groups * card <= 1 << 22 {
                    ids = renumber(n, space: groups * card, firstRows: &firstRows) { i in
                        (previous.isEmpty ? 0 : Int(previous[i]) * card) + (m?.isNull(i) ?? false ? card - 1 : Int(a[i] &- lo))
                    }
                } else {
                    ids = combine(previous, groups, denseCodes(v), n, &firstRows)
                }
            default:
                ids = combine(previous, groups, denseCodes(v), n, &firstRows)
            }
            groups = firstRows.count
        }
        return (ids, groups, firstRows)
    }

    /// The smallest value and the number of keys (the range, plus one for null) of integers
    /// over a range small enough for a direct table; nil otherwise.
    private static func smallRange(_ a: [Int64], _ m: NullMask?) -> (lo: Int64, cardinality: Int)? {
        var lo = Int64.max, hi = Int64.min
        for i in 0..<a.count where !(m?.isNull(i) ?? false) { lo = min(lo, a[i]); hi = max(hi, a[i]) }
        if lo > hi { return (0, 1) }
        let (range, o) = hi.subtractingReportingOverflow(lo)
        return !o && range < 1 << 22 ? (lo, Int(range) + 2) : nil
    }

    /// The ids so far combined with the next dimension's dense codes.
    private static func combine(_ previous: [Int32], _ groups: Int, _ d: Dense, _ n: Int, _ firstRows: inout [Int32]) -> [Int32] {
        let space = groups * d.cardinality
        if space <= 1 << 22 {
            return renumber(n, space: space, firstRows: &firstRows) { i in
                (previous.isEmpty ? 0 : Int(previous[i]) * d.cardinality) + Int(d.codes[i])
            }
        }
        var map = IntHashMap(capacity: min(n, 1 << 20))
        var next: [Int32] = []
        next.reserveCapacity(n)
        for i in 0..<n {
            let g = map.valueInserting(Int64(previous.isEmpty ? 0 : previous[i]) * Int64(d.cardinality) + Int64(d.codes[i]))
            if Int(g) == firstRows.count { firstRows.append(Int32(i)) }
            next.append(g)
        }
        return next
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
