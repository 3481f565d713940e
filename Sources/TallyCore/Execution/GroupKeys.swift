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
        // The ids are combined with each dimension in place: (id so far × cardinality + key)
        // made dense again, row by row, so one array of ids serves every dimension.
        var ids = [Int32](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        var groups = 1
        var firstRows: [Int32] = []
        for (k, v) in dims.enumerated() {
            let first = k == 0
            firstRows.removeAll(keepingCapacity: true)
            // Each dimension's keys are read in place where they are dense already (dictionary
            // codes, integers over a small range); only other values get dense codes first.
            switch v {
            case .string(let codes, let d, let m) where first || groups * (d.count + 1) <= 1 << 22:
                renumber(&ids, first: first, space: groups * (d.count + 1), cardinality: d.count + 1, firstRows: &firstRows) { i in
                    m?.isNull(i) ?? false ? d.count : Int(codes[i])
                }
            case .integer(let a, let m), .date(let a, let m), .timestamp(let a, let m):
                if let (lo, card) = smallRange(a, m), groups * card <= 1 << 22 {
                    renumber(&ids, first: first, space: groups * card, cardinality: card, firstRows: &firstRows) { i in
                        m?.isNull(i) ?? false ? card - 1 : Int(a[i] &- lo)
                    }
                } else {
                    combine(&ids, first: first, groups: groups, denseCodes(v), &firstRows)
                }
            default:
                combine(&ids, first: first, groups: groups, denseCodes(v), &firstRows)
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
    private static func combine(_ ids: inout [Int32], first: Bool, groups: Int, _ d: Dense, _ firstRows: inout [Int32]) {
        if groups * d.cardinality <= 1 << 22 {
            renumber(&ids, first: first, space: groups * d.cardinality, cardinality: d.cardinality, firstRows: &firstRows) { i in Int(d.codes[i]) }
            return
        }
        var map = IntHashMap(capacity: min(ids.count, 1 << 20))
        for i in 0..<ids.count {
            let g = map.valueInserting(Int64(first ? 0 : ids[i]) * Int64(d.cardinality) + Int64(d.codes[i]))
            if Int(g) == firstRows.count { firstRows.append(Int32(i)) }
            ids[i] = g
        }
    }

    /// Makes each row's id the dense id, in order of first appearance, of (its id × cardinality
    /// + its key), or of its key alone for the `first` dimension; keys are below `space`.
    /// `firstRows` gets the row where each new id first appears.
    @inline(__always)
    private static func renumber(_ ids: inout [Int32], first: Bool, space: Int, cardinality: Int, firstRows: inout [Int32],
                                 key: (Int) -> Int) {
        var table = [Int32](repeating: -1, count: space)
        table.withUnsafeMutableBufferPointer { t in
            ids.withUnsafeMutableBufferPointer { out in
                for i in 0..<out.count {
                    let k = (first ? 0 : Int(out[i]) * cardinality) + key(i)
                    var g = t[k]
                    if g < 0 {
                        g = Int32(firstRows.count)
                        t[k] = g
                        firstRows.append(Int32(i))
                    }
                    out[i] = g
                }
            }
        }
    }
}
