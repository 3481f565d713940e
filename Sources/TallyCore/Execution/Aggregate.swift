/// Aggregate functions over groups: each row carries its group's id, and one pass adds it
/// into that group's slot. Nulls are skipped; a filter (`count(where participated)`) skips
/// the rows where it is not true.
enum Aggregate {

    /// The rows that take part: not filtered out and (when `nonNull`) not null.
    @inline(__always)
    private static func included(_ i: Int, _ filter: ([UInt8], NullMask?)?, _ nulls: NullMask?) -> Bool {
        if let (f, fm) = filter, f[i] == 0 || (fm?.isNull(i) ?? false) { return false }
        if let m = nulls, m.isNull(i) { return false }
        return true
    }

    /// `count` (rows), or `count(x)` (non-null values).
    static func count(groups: [UInt32], groupCount: Int, values: Vector?, filter: ([UInt8], NullMask?)?) -> Vector {
        let nulls = values?.nulls
        if filter == nil && nulls == nil && groups.count <= Int(UInt32.max) {
            // 32-bit counters, widened once at the end: over a million groups (`by teacher_id`)
            // the counters are half the size, so half as many of the random increments miss the
            // cache (15.8M rows into 1.7M groups: 28 ms instead of 65 ms).
            var narrow = [UInt32](repeating: 0, count: groupCount)
            narrow.withUnsafeMutableBufferPointer { o in
                groups.withUnsafeBufferPointer { for g in $0 { o[Int(g)] &+= 1 } }
            }
            return .integer(narrow.map { Int64($0) }, nil)
        }
        var out = [Int64](repeating: 0, count: groupCount)
        for (i, g) in groups.enumerated() where included(i, filter, nulls) { out[Int(g)] += 1 }
        return .integer(out, nil)
    }

    /// Null for a group with no values.
    private static func emptyMask(_ seen: [Bool]) -> NullMask? {
        guard seen.contains(false) else { return nil }
        var m = NullMask(count: seen.count)
        for (g, s) in seen.enumerated() where !s { m.setNull(g) }
        return m
    }

    static func sum(groups: [UInt32], groupCount: Int, values: Vector, filter: ([UInt8], NullMask?)?) throws -> Vector {
        var seen = [Bool](repeating: false, count: groupCount)
        if case .boolean(let v, let m) = values {
            // A count of the true values: no overflow, no conversion to integers first.
            var out = [Int64](repeating: 0, count: groupCount)
            out.withUnsafeMutableBufferPointer { o in
                seen.withUnsafeMutableBufferPointer { s in
                    v.withUnsafeBufferPointer { b in
                        if filter == nil && m == nil {
                            for (i, g) in groups.enumerated() { o[Int(g)] &+= Int64(b[i]); s[Int(g)] = true }
                        } else {
                            for (i, g) in groups.enumerated() where included(i, filter, m) { o[Int(g)] &+= Int64(b[i]); s[Int(g)] = true }
                        }
                    }
                }
            }
            return .integer(out, emptyMask(seen))
        }
        switch try VectorOps.numbers(values, "sum") {
        case .ints(let v, let m):
            var out = [Int64](repeating: 0, count: groupCount)
            for (i, g) in groups.enumerated() where included(i, filter, m) {
                let (s, o) = out[Int(g)].addingReportingOverflow(v[i])
                if o { throw OperationError(message: "integer overflow: the sum \(out[Int(g)]) + \(v[i]) does not fit in 64 bits") }
                out[Int(g)] = s
                seen[Int(g)] = true
            }
            return .integer(out, emptyMask(seen))
        case .doubles(let v, let m):
            // Kahan–Babuška summation keeps decimal sums exact to the last digit shown.
            var out = [Double](repeating: 0, count: groupCount)
            var comp = [Double](repeating: 0, count: groupCount)
            for (i, g) in groups.enumerated() where included(i, filter, m) {
                let gi = Int(g)
                let t = out[gi] + v[i]
                comp[gi] += abs(out[gi]) >= abs(v[i]) ? (out[gi] - t) + v[i] : (v[i] - t) + out[gi]
                out[gi] = t
                seen[gi] = true
            }
            for g in 0..<groupCount { out[g] += comp[g] }
            return .decimal(out, emptyMask(seen))
        }
    }

    static func avg(groups: [UInt32], groupCount: Int, values: Vector, filter: ([UInt8], NullMask?)?) throws -> Vector {
        let s = try sum(groups: groups, groupCount: groupCount, values: values, filter: filter)
        let c = count(groups: groups, groupCount: groupCount, values: values, filter: filter)
        guard case .integer(let counts, _) = c else { return s }
        let sums: [Double]
        switch s {
        case .integer(let v, _): sums = v.map { Double($0) }
        case .decimal(let v, _): sums = v
        default: sums = []
        }
        var mask: NullMask?
        var out = [Double](repeating: 0, count: groupCount)
        for g in 0..<groupCount {
            if counts[g] == 0 {
                if mask == nil { mask = NullMask(count: groupCount) }
                mask!.setNull(g)
            } else {
                out[g] = sums[g] / Double(counts[g])
            }
        }
        return .decimal(out, mask)
    }

    /// `min` and `max` keep the values' type; text compares by its characters.
    static func extreme(max isMax: Bool, groups: [UInt32], groupCount: Int, values: Vector, filter: ([UInt8], NullMask?)?) throws -> Vector {
        var seen = [Bool](repeating: false, count: groupCount)
        func pick<T: Comparable>(_ v: [T], _ m: NullMask?, _ zero: T) -> [T] {
            var out = [T](repeating: zero, count: groupCount)
            for (i, g) in groups.enumerated() where included(i, filter, m) {
                let gi = Int(g)
                if !seen[gi] || (isMax ? v[i] > out[gi] : v[i] < out[gi]) { out[gi] = v[i]; seen[gi] = true }
            }
            return out
        }
        switch values {
        case .integer(let v, let m): let o = pick(v, m, 0); return .integer(o, emptyMask(seen))
        case .decimal(let v, let m): let o = pick(v, m, 0); return .decimal(o, emptyMask(seen))
        case .boolean(let v, let m): let o = pick(v, m, 0); return .boolean(o, emptyMask(seen))
        case .date(let v, let m): let o = pick(v, m, 0); return .date(o, emptyMask(seen))
        case .timestamp(let v, let m): let o = pick(v, m, 0); return .timestamp(o, emptyMask(seen))
        case .string(let v, let d, let m):
            let rank = d.ranks.map { Int($0) }
            var byRank = [UInt32](repeating: 0, count: d.count)
            for (code, r) in rank.enumerated() { byRank[r] = UInt32(code) }
            let ranked = v.map { d.count == 0 ? 0 : UInt32(rank[Int($0)]) }
            let o = pick(ranked, m, 0)
            return .string(Codes(o.map { d.count == 0 ? 0 : byRank[Int($0)] }), d, emptyMask(seen))
        }
    }

    static func median(groups: [UInt32], groupCount: Int, values: Vector, filter: ([UInt8], NullMask?)?) throws -> Vector {
        let nums = try VectorOps.numbers(values, "median")
        let v = nums.doubles
        // Bucket the values by group, then select the middle of each bucket.
        var counts = [Int](repeating: 0, count: groupCount + 1)
        for (i, g) in groups.enumerated() where included(i, filter, nums.mask) { counts[Int(g) + 1] += 1 }
        for g in 0..<groupCount { counts[g + 1] += counts[g] }
        var fill = counts
        var sorted = [Double](repeating: 0, count: counts[groupCount])
        for (i, g) in groups.enumerated() where included(i, filter, nums.mask) {
            sorted[fill[Int(g)]] = v[i]
            fill[Int(g)] += 1
        }
        var out = [Double](repeating: 0, count: groupCount)
        var mask: NullMask?
        for g in 0..<groupCount {
            let lo = counts[g], hi = counts[g + 1]
            if lo == hi {
                if mask == nil { mask = NullMask(count: groupCount) }
                mask!.setNull(g)
                continue
            }
            sorted[lo..<hi].sort()
            let n = hi - lo
            out[g] = n % 2 == 1 ? sorted[lo + n / 2] : (sorted[lo + n / 2 - 1] + sorted[lo + n / 2]) / 2
        }
        return .decimal(out, mask)
    }

    /// For `sum(distinct x)` and `avg(distinct x)`: a filter keeping the first row of each
    /// (group, value) pair among the rows the given filter keeps.
    static func firstOccurrences(groups: [UInt32], values: Vector, filter: ([UInt8], NullMask?)?) -> ([UInt8], NullMask?) {
        let keys = GroupKeys.denseCodes(values)
        var seen = IntHashMap(capacity: 1024)
        var keep = [UInt8](repeating: 0, count: groups.count)
        for (i, g) in groups.enumerated() where included(i, filter, values.nulls) {
            let before = seen.count
            _ = seen.valueInserting(Int64(g) << 32 | Int64(keys.codes[i]))
            if seen.count > before { keep[i] = 1 }
        }
        return (keep, nil)
    }

    /// `count(distinct x)`: sorts (group, value key) pairs and counts the changes.
    static func countDistinct(groups: [UInt32], groupCount: Int, values: Vector, filter: ([UInt8], NullMask?)?) -> Vector {
        let keys = GroupKeys.denseCodes(values)
        var pairs: [UInt64] = []
        pairs.reserveCapacity(groups.count)
        for (i, g) in groups.enumerated() where included(i, filter, values.nulls) {
            pairs.append(UInt64(UInt32(g)) << 32 | UInt64(UInt32(keys.codes[i])))
        }
        pairs.sort()
        var out = [Int64](repeating: 0, count: groupCount)
        var prev: UInt64?
        for p in pairs where p != prev {
            out[Int(p >> 32)] += 1
            prev = p
        }
        return .integer(out, nil)
    }
}
