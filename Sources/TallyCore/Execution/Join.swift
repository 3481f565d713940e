/// Many-to-one lookups (`teachers.district` from `enrollments`) and membership tests
/// (`teacher_id in (enrollments where paid)`), both through a hash index on the key.
enum Join {
    /// For each row of `base`, the row of `target` whose key equals the base's key column,
    /// or -1. The link is the declared one, or else inferred: the first column of `target`
    /// whose values are unique and whose name `base` also has.
    static func rowMap(catalog: Catalog, base: Table, target: Table) throws -> [Int32] {
        let cacheKey = pairKey(base, target)
        if let cached = catalog.joinCache[cacheKey]?.rows { return cached }
        let (b, k, index) = try linked(catalog: catalog, base: base, target: target)
        let map = try lookup(b, in: index, keyType: k.type)
        catalog.joinCache[cacheKey]?.rows = map
        return map
    }

    /// The target rows of only the given base rows (a dimension read once per group): no
    /// map of every base row is made unless one is already there.
    static func rows(catalog: Catalog, base: Table, target: Table, at baseRows: [Int32]) throws -> [Int32] {
        if let cached = catalog.joinCache[pairKey(base, target)]?.rows { return baseRows.map { cached[Int($0)] } }
        let (b, k, index) = try linked(catalog: catalog, base: base, target: target)
        return try lookup(b.gather(baseRows), in: index, keyType: k.type)
    }

    /// The link's base column, the target's key column, and an index of the key.
    private static func linked(catalog: Catalog, base: Table, target: Table) throws -> (Vector, Vector, Index) {
        let (baseColumn, keyColumn) = try linkColumns(catalog: catalog, base: base, target: target)
        guard let b = base.column(named: baseColumn)?.vector, let k = target.column(named: keyColumn)?.vector else {
            throw OperationError(message: "the link \(base.name).\(baseColumn) → \(target.name).\(keyColumn) names a missing column")
        }
        guard let index = uniqueIndex(k) else {
            throw OperationError(message: "\(target.name).\(keyColumn) is not a key: a value appears twice, so a row of \(base.name) could match several rows")
        }
        return (b, k, index)
    }

    private static func pairKey(_ base: Table, _ target: Table) -> String {
        "\(ObjectIdentifier(base).hashValue)|\(ObjectIdentifier(target).hashValue)"
    }

    /// The link's two columns; an inferred link is found once per pair of tables.
    static func linkColumns(catalog: Catalog, base: Table, target: Table) throws -> (String, String) {
        let cacheKey = pairKey(base, target)
        if let cached = catalog.joinCache[cacheKey] { return (cached.base, cached.key) }
        let found: (String, String)
        if let l = catalog.links.first(where: { $0.table.lowercased() == base.name.lowercased() && $0.target.lowercased() == target.name.lowercased() }) {
            found = (l.column, l.key)
        } else if let c = target.columns.first(where: { base.column(named: $0.name) != nil && uniqueIndex($0.vector) != nil }) {
            found = (base.column(named: c.name)!.name, c.name)
        } else {
            throw OperationError(message: "no link from \(base.name) to \(target.name): they share no column that is a key of \(target.name)")
        }
        catalog.joinCache[cacheKey] = (found.0, found.1, nil)
        return found
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
            for (i, c) in codes.enumerated() where !(m?.isNull(i) ?? false) {
                if rows[Int(c)] >= 0 { return nil }
                rows[Int(c)] = Int32(i)
            }
            return .strings(d, rows)
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
            for i in 0..<n where !(m?.isNull(i) ?? false) { out[i] = translate[Int(codes[i])] }
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
            for (i, c) in mc.enumerated() where !(mm?.isNull(i) ?? false) { present[Int(c)] = true }
            let translate = d.translation(to: md).map { $0 >= 0 && present[Int($0)] ? UInt8(1) : 0 }
            for i in 0..<n { out[i] = translate[Int(codes[i])] }
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
