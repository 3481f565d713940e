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

    /// A decimal as an integer key: its bits, with −0.0 as 0.0.
    @inline(__always) private static func key(_ x: Double) -> Int64 { x == 0 ? 0 : Int64(bitPattern: x.bitPattern) }

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
            var codes = [Int32](repeating: 0, count: n)
            codes.withUnsafeMutableBufferPointer { out in a.forEachRow { i, c in out[i] = Int32(c) } }
            if let m { for i in 0..<n where m.isNull(i) { codes[i] = nullCode } }
            return Dense(codes: codes, cardinality: d.count + 1)
        case .boolean(let a, let m):
            var codes = a.map { Int32($0) }
            if let m { for i in 0..<n where m.isNull(i) { codes[i] = 2 } }
            return Dense(codes: codes, cardinality: 3)
        case .integer(let a, _), .date(let a, _), .timestamp(let a, _):
            return fromInts(a)
        case .decimal(let a, _):
            return fromInts(a.map(key))
        }
    }

    /// Each row's group id (0-based, in order of first appearance), the number of groups, and
    /// the first row of each group (to read the group's dimension values from).
    typealias Grouping = (ids: [UInt32], count: Int, firstRows: [Int32])

    /// The grouping by `dims`. Ids number the combinations of the dimensions' values in order
    /// of first appearance, whatever order the dimensions come in.
    static func groupIds(_ dims: [Vector], rowCount n: Int) -> Grouping {
        if dims.isEmpty { return ([UInt32](repeating: 0, count: n), 1, [0]) }
        if dims.count == 1, case .string(let codes, _, nil) = dims[0], let firstRows = codesInOrder(codes) {
            return (codes.wide, firstRows.count, firstRows)
        }
        var grouping: Grouping = ([UInt32](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }, 1, [])
        add(dims, to: &grouping, first: true)
        return grouping
    }

    /// Combines a grouping with more dimensions, in place (`first`: the ids are not set yet).
    /// Dimensions are combined one at a time: (group so far × next dimension's code) is made
    /// dense again, row by row, so keys stay small integers however many dimensions there are.
    static func add(_ dims: [Vector], to grouping: inout Grouping, first: Bool = false) {
        for (k, v) in dims.enumerated() {
            let first = first && k == 0
            let groups = grouping.count
            grouping.firstRows.removeAll(keepingCapacity: true)
            // Each dimension's keys are read in place where they are dense already (dictionary
            // codes, integers over a small range); only other values get dense codes first.
            switch v {
            case .string(let codes, let d, let m) where first || groups * (d.count + 1) <= 1 << 22:
                func byCode<T: FixedWidthInteger>(_ c: UnsafeBufferPointer<T>) {
                    renumber(&grouping.ids, first: first, space: groups * (d.count + 1), cardinality: d.count + 1, firstRows: &grouping.firstRows) { i in
                        m?.isNull(i) ?? false ? d.count : Int(c[i])
                    }
                }
                codes.withRows { rows in
                    switch rows {
                    case .w1(let c): byCode(c)
                    case .w2(let c): byCode(c)
                    case .w4(let c): byCode(c)
                    }
                }
            case .integer(let a, let m), .date(let a, let m), .timestamp(let a, let m):
                if let (lo, card) = smallRange(a, m), groups * card <= 1 << 22 {
                    renumber(&grouping.ids, first: first, space: groups * card, cardinality: card, firstRows: &grouping.firstRows) { i in
                        m?.isNull(i) ?? false ? card - 1 : Int(a[i] &- lo)
                    }
                } else {
                    combine(&grouping.ids, first: first, groups: groups, denseCodes(v), &grouping.firstRows)
                }
            default:
                combine(&grouping.ids, first: first, groups: groups, denseCodes(v), &grouping.firstRows)
            }
            grouping.count = grouping.firstRows.count
        }
    }

    /// Rows per chunk when a computed dimension is grouped a chunk at a time.
    static let chunkRows = 1 << 14

    /// The grouping by one dimension computed a chunk of rows at a time (`by week(login_at)`), so
    /// that its values are never held for all rows at once: `values(r)` evaluates it over rows `r`.
    /// Nil when a chunk gives strings (each chunk has a dictionary of its own) or values of
    /// another type than the first chunk: the caller then evaluates the dimension whole.
    static func groupIds(rowCount n: Int, chunkRows: Int = chunkRows, values: (Range<Int>) throws -> Vector) rethrows -> Grouping? {
        var ids = [UInt32](unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        var numbering = KeyNumbering()
        var keys = [Int64](repeating: 0, count: chunkRows)
        var type: DataType?
        for start in stride(from: 0, to: n, by: chunkRows) {
            let v = try values(start..<min(n, start + chunkRows))
            guard type == nil || v.type == type else { return nil }
            type = v.type
            // Integers are their own keys; booleans and decimals are made integers first.
            let chunk: [Int64]
            switch v {
            case .integer(let a, _), .date(let a, _), .timestamp(let a, _): chunk = a
            case .boolean(let a, _): for j in a.indices { keys[j] = Int64(a[j]) }; chunk = keys
            case .decimal(let a, _): for j in a.indices { keys[j] = key(a[j]) }; chunk = keys
            case .string: return nil
            }
            ids.withUnsafeMutableBufferPointer { out in
                chunk.withUnsafeBufferPointer { k in
                    numbering.number(UnsafeBufferPointer(rebasing: k[0..<v.count]), nulls: v.nulls, firstRow: start, into: out.baseAddress! + start)
                }
            }
        }
        return (ids, numbering.firstRows.count, numbering.firstRows)
    }

    /// Gives integer keys, arriving a chunk at a time, group ids in order of first appearance:
    /// through a direct table over the keys' range while it is small, else a hash map.
    private struct KeyNumbering {
        var firstRows: [Int32] = []
        private var low: Int64 = 0
        private var table: [UInt32] = []   // group id + 1 of key low + i; 0: not seen
        private var map: IntHashMap?
        private var nullGroup: UInt32?

        mutating func number(_ keys: UnsafeBufferPointer<Int64>, nulls m: NullMask?, firstRow: Int, into ids: UnsafeMutablePointer<UInt32>) {
            var lo = Int64.max, hi = Int64.min
            for j in keys.indices where !(m?.isNull(j) ?? false) { lo = min(lo, keys[j]); hi = max(hi, keys[j]) }
            if lo <= hi && map == nil { makeRoom(lo, hi) }
            if m == nil && map == nil {   // the common case, without the checks
                let low = self.low
                table.withUnsafeMutableBufferPointer { t in
                    for j in keys.indices {
                        let slot = Int(keys[j] &- low)
                        if t[slot] == 0 { firstRows.append(Int32(firstRow + j)); t[slot] = UInt32(firstRows.count) }
                        ids[j] = t[slot] - 1
                    }
                }
                return
            }
            for j in keys.indices {
                if let m, m.isNull(j) {
                    if nullGroup == nil { nullGroup = UInt32(firstRows.count); firstRows.append(Int32(firstRow + j)) }
                    ids[j] = nullGroup!
                    continue
                }
                if map == nil {
                    let slot = Int(keys[j] &- low)
                    if table[slot] == 0 { firstRows.append(Int32(firstRow + j)); table[slot] = UInt32(firstRows.count) }
                    ids[j] = table[slot] - 1
                } else {
                    var g = map!.value(keys[j])
                    if g < 0 { g = Int32(firstRows.count); _ = map!.insertNew(keys[j], g); firstRows.append(Int32(firstRow + j)) }
                    ids[j] = UInt32(g)
                }
            }
        }

        /// Widens the table to cover lo...hi, or moves to a hash map when the range is too wide.
        private mutating func makeRoom(_ lo: Int64, _ hi: Int64) {
            let newLow = table.isEmpty ? lo : min(low, lo)
            let newHigh = table.isEmpty ? hi : max(low + Int64(table.count - 1), hi)
            let (range, overflow) = newHigh.subtractingReportingOverflow(newLow)   // -5 … Int64.max overflows
            if !overflow && newLow == low && range < Int64(table.count) { return }   // covered already
            if overflow || range >= 1 << 22 {
                var m = IntHashMap(capacity: 1024)
                for (i, g) in table.enumerated() where g > 0 { _ = m.insertNew(low + Int64(i), Int32(g - 1)) }
                map = m
                table = []
                return
            }
            var wider = [UInt32](repeating: 0, count: Int(range) + 1)
            let offset = table.isEmpty ? 0 : Int(low - newLow)
            for (i, g) in table.enumerated() { wider[offset + i] = g }
            table = wider
            low = newLow
        }
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

    /// The first row of each code if a string column's codes can serve as group ids as they
    /// are: each code first appears after all smaller ones (a loaded column's dictionary numbers
    /// its strings as they first appear in the file). Nil otherwise.
    private static func codesInOrder(_ codes: Codes) -> [Int32]? {
        func inOrder<T: FixedWidthInteger>(_ c: UnsafeBufferPointer<T>) -> [Int32]? {
            var firstRows: [Int32] = []
            var next = 0   // not a T: after code 255 of a 1-byte column comes 256, not 0
            for i in 0..<c.count where Int(c[i]) >= next {
                guard Int(c[i]) == next else { return nil }
                firstRows.append(Int32(i))
                next += 1
            }
            return firstRows
        }
        return codes.withRows { rows in
            switch rows {
            case .w1(let c): inOrder(c)
            case .w2(let c): inOrder(c)
            case .w4(let c): inOrder(c)
            }
        }
    }

    /// The ids so far combined with the next dimension's dense codes.
    private static func combine(_ ids: inout [UInt32], first: Bool, groups: Int, _ d: Dense, _ firstRows: inout [Int32]) {
        if groups * d.cardinality <= 1 << 22 {
            renumber(&ids, first: first, space: groups * d.cardinality, cardinality: d.cardinality, firstRows: &firstRows) { i in Int(d.codes[i]) }
            return
        }
        var map = IntHashMap(capacity: min(ids.count, 1 << 20))
        for i in 0..<ids.count {
            let g = map.valueInserting(Int64(first ? 0 : ids[i]) * Int64(d.cardinality) + Int64(d.codes[i]))
            if Int(g) == firstRows.count { firstRows.append(Int32(i)) }
            ids[i] = UInt32(g)
        }
    }

    /// Makes each row's id the dense id, in order of first appearance, of (its id × cardinality
    /// + its key), or of its key alone for the `first` dimension; keys are below `space`.
    /// `firstRows` gets the row where each new id first appears.
    @inline(__always)
    private static func renumber(_ ids: inout [UInt32], first: Bool, space: Int, cardinality: Int, firstRows: inout [Int32],
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
                    out[i] = UInt32(g)
                }
            }
        }
    }
}
