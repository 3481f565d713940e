/// Many-to-one lookups (`teachers.district` from `enrollments`) and membership tests
/// (`teacher_id in (enrollments where paid)`), both through a hash index on the key.
/// Links themselves are resolved by the binder (Semantics/Links.swift); these kernels run them.
enum Join {
    /// For each row of the link's base, the row of its target with the same key, or -1.
    static func rowMap(_ link: Link, catalog: Catalog) throws -> [Int32] {
        if let cached = catalog.rowMaps[link.cacheKey] { return cached }
        let map: [Int32]
        if link.keyColumns.count == 1 {
            map = try lookup(link.baseColumns[0].vector, in: try index(link), keyType: link.keyColumns[0].vector.type)
        } else {
            map = try compositeRowMap(link)
        }
        catalog.rowMaps[link.cacheKey] = map
        return map
    }

    /// The target rows of only the given base rows (a dimension read once per group): no
    /// map of every base row is made unless one is already there.
    static func rows(_ link: Link, catalog: Catalog, at baseRows: [Int32]) throws -> [Int32] {
        if let cached = catalog.rowMaps[link.cacheKey] { return baseRows.map { cached[Int($0)] } }
        guard link.keyColumns.count == 1 else { return try rowMap(link, catalog: catalog).pick(baseRows) }
        return try lookup(link.baseColumns[0].vector.gather(baseRows), in: try index(link), keyType: link.keyColumns[0].vector.type)
    }

    /// The index of a single-column key; a duplicated value is an error naming it.
    private static func index(_ link: Link) throws -> Index {
        let k = link.keyColumns[0]
        guard let index = uniqueIndex(k.vector) else {
            throw OperationError(message: "\(link.target.name).\(k.name) is not a key: \(duplicateDescription(k.vector)) appears twice, so a row of \(link.base.name) could match several rows")
        }
        return index
    }

    /// A composite key: each key column's values numbered densely, the numbers combined one
    /// column at a time (a base row whose value is absent from the target matches nothing).
    private static func compositeRowMap(_ link: Link) throws -> [Int32] {
        let n = link.target.rowCount, m = link.base.rowCount
        var targetIds = [Int64](repeating: 0, count: n), baseIds = [Int64](repeating: 0, count: m)
        var targetValid = [Bool](repeating: true, count: n), baseValid = [Bool](repeating: true, count: m)
        for (bc, kc) in zip(link.baseColumns, link.keyColumns) {
            let (t, b, width) = try sharedCodes(key: kc.vector, probe: bc.vector)
            var combined = IntHashMap(capacity: n)
            for i in 0..<n {
                guard targetValid[i], t[i] >= 0 else { targetValid[i] = false; continue }
                targetIds[i] = Int64(combined.valueInserting(targetIds[i] * width + t[i]))
            }
            for i in 0..<m {
                guard baseValid[i], b[i] >= 0 else { baseValid[i] = false; continue }
                let v = combined.value(baseIds[i] * width + b[i])
                if v < 0 { baseValid[i] = false } else { baseIds[i] = Int64(v) }
            }
        }
        var rowOf = [Int32](repeating: -1, count: n)
        for i in 0..<n where targetValid[i] {
            if rowOf[Int(targetIds[i])] >= 0 {
                let values = link.keyColumns.map { Format.display($0.vector.value(at: i)) }.joined(separator: ", ")
                let names = link.keyColumns.map(\.name).joined(separator: ", ")
                throw OperationError(message: "\(link.target.name).(\(names)) is not a key: (\(values)) appears twice, so a row of \(link.base.name) could match several rows")
            }
            rowOf[Int(targetIds[i])] = Int32(i)
        }
        return (0..<m).map { baseValid[$0] ? rowOf[Int(baseIds[$0])] : -1 }
    }

    /// The key column's values and the probe column's as numbers in one dense range (-1 for
    /// null, and for a probe value the key column does not have), and the range's width.
    private static func sharedCodes(key: Vector, probe: Vector) throws -> ([Int64], [Int64], Int64) {
        switch (key, probe) {
        case (.string(let kc, let kd, let km), .string(let pc, let pd, let pm)):
            let translate = pd.translation(to: kd)
            let k = kc.indices.map { km?.isNull($0) ?? false ? -1 : Int64(kc[$0]) }
            let p = pc.indices.map { pm?.isNull($0) ?? false ? -1 : Int64(translate[Int(pc[$0])]) }
            return (k, p, Int64(max(1, kd.count)))
        default:
            guard let ka = intsOf(key), let pa = intsOf(probe) else {
                throw OperationError(message: "cannot match \(VectorOps.describe(probe.type)) keys against \(VectorOps.describe(key.type)) keys")
            }
            var numbering = IntHashMap(capacity: ka.count)
            let k = ka.indices.map { key.isNull($0) ? -1 : Int64(numbering.valueInserting(ka[$0])) }
            let p = pa.indices.map { probe.isNull($0) ? -1 : Int64(numbering.value(pa[$0])) }
            return (k, p, Int64(max(1, numbering.count)))
        }
    }

    /// The first value that appears twice among the non-null values, as text for an error.
    static func duplicateDescription(_ v: Vector) -> String {
        var seen = Set<String>()
        for i in 0..<v.count where !v.isNull(i) {
            let s = Format.display(v.value(at: i))
            if !seen.insert(s).inserted { return v.type == .string ? "\"\(s)\"" : s }
        }
        return "a value"
    }

    enum Index {
        case strings(StringDictionary, [Int32])   // dictionary code → row
        case ints(IntHashMap)   // key → row
    }

    /// A key → row index, or nil if some non-null value appears twice.
    static func uniqueIndex(_ v: Vector) -> Index? {
        switch v {
        case .string(let codes, let d, let m):
            var rows = [Int32](repeating: -1, count: d.count)
            var unique = true
            rows.withUnsafeMutableBufferPointer { r in
                codes.forEachRow { i, c in
                    guard !(m?.isNull(i) ?? false) else { return }
                    if r[Int(c)] >= 0 { unique = false }
                    r[Int(c)] = Int32(i)
                }
            }
            return unique ? .strings(d, rows) : nil
        case .integer(let a, let m), .date(let a, let m), .timestamp(let a, let m):
            var map = IntHashMap(capacity: a.count)
            for (i, x) in a.enumerated() where !(m?.isNull(i) ?? false) {
                if !map.insertNew(x, Int32(i)) { return nil }
            }
            return .ints(map)
        default:
            return nil
        }
    }

    static func lookup(_ keys: Vector, in index: Index, keyType: DataType) throws -> [Int32] {
        let n = keys.count
        var out = [Int32](repeating: -1, count: n)
        switch (keys, index) {
        case (.string(let codes, let d, let m), .strings(let td, let rows)):
            let translate = d.translation(to: td).map { $0 < 0 ? -1 : rows[Int($0)] }
            if !translate.isEmpty { out = codes.lookup(translate) }
            if let m { for i in 0..<n where m.isNull(i) { out[i] = -1 } }
        case (.integer(let a, let m), .ints(let map)), (.date(let a, let m), .ints(let map)), (.timestamp(let a, let m), .ints(let map)):
            for i in 0..<n where !(m?.isNull(i) ?? false) { out[i] = map.value(a[i]) }
        default:
            throw OperationError(message: "cannot match \(VectorOps.describe(keys.type)) keys against \(VectorOps.describe(keyType)) keys")
        }
        return out
    }

    /// For each value of `probe`: is it among `members` (ignoring nulls)? Null stays null.
    static func membership(_ probe: Vector, members: Vector) throws -> Vector {
        let n = probe.count
        var out = [UInt8](repeating: 0, count: n)
        switch (probe, members) {
        case (.string(let codes, let d, let m), .string(let mc, let md, let mm)):
            var present = [Bool](repeating: false, count: md.count)
            present.withUnsafeMutableBufferPointer { p in
                mc.forEachRow { i, c in if !(mm?.isNull(i) ?? false) { p[Int(c)] = true } }
            }
            let translate = d.translation(to: md).map { $0 >= 0 && present[Int($0)] ? UInt8(1) : 0 }
            if !translate.isEmpty { out = codes.lookup(translate) }
            return .boolean(out, m)
        default:
            if let a = intsOf(probe), let b = intsOf(members) {
                var set = IntHashMap(capacity: b.count)
                let mm = members.nulls
                for (i, x) in b.enumerated() where !(mm?.isNull(i) ?? false) { _ = set.insertNew(x, 0) }
                for i in 0..<n { out[i] = set.value(a[i]) >= 0 ? 1 : 0 }
                return .boolean(out, probe.nulls)
            }
            throw OperationError(message: "cannot look for \(VectorOps.describe(probe.type)) values among \(VectorOps.describe(members.type)) values")
        }
    }

    private static func intsOf(_ v: Vector) -> [Int64]? {
        switch v {
        case .integer(let a, _), .date(let a, _), .timestamp(let a, _): a
        case .boolean(let a, _): a.map { Int64($0) }
        default: nil
        }
    }
}

extension Array where Element == Int32 {
    /// The elements at the given positions.
    func pick(_ positions: [Int32]) -> [Int32] { positions.map { self[Int($0)] } }
}
