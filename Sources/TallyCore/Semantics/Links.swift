/// How the binder finds the link behind `table.column`: the one declared with `link`, or one
/// inferred from the data only when it cannot be a coincidence.
enum Links {
    /// An inferred link needs more than this share of the base column's non-null values to be
    /// found in the target's key: a shared name whose values mostly do not match is a coincidence.
    static let inferenceThreshold = 0.5
    /// How many rows of the base table the threshold is checked on, at most.
    static let sampleRows = 65_536

    /// The link from `base` to `target`: the declared one, or else the one inferred — exactly
    /// one column of `target` that `base` has by name and whose values are unique, holding more
    /// than half of the base column's non-null values. Otherwise an error whose note shows the
    /// `link` statement to write.
    static func resolve(catalog: Catalog, base: Table, target: Table) throws -> Link {
        if let d = catalog.links.first(where: { $0.table.lowercased() == base.name.lowercased() && $0.target.lowercased() == target.name.lowercased() }) {
            var b: [Table.Column] = [], k: [Table.Column] = []
            for (x, y) in zip(d.columns, d.keys) {
                guard let bc = base.column(named: x), let kc = target.column(named: y) else {
                    throw OperationError(message: "the link \(base.name).\(x) → \(target.name).\(y) names a column the table no longer has",
                                         notes: ["declare it again: link \(base.name).COLUMN to \(target.name).KEY"])
                }
                b.append(bc); k.append(kc)
            }
            return Link(base: base, target: target, baseColumns: b, keyColumns: k, declared: true)
        }
        let pair = "\(ObjectIdentifier(base).hashValue)|\(ObjectIdentifier(target).hashValue)"
        if let known = catalog.inferredLinks[pair] { return try known.get() }
        do {
            let l = try infer(catalog: catalog, base: base, target: target)
            catalog.inferredLinks[pair] = .success(l)
            return l
        } catch let e as OperationError {
            catalog.inferredLinks[pair] = .failure(e)
            throw e
        }
    }

    private static func infer(catalog: Catalog, base: Table, target: Table) throws -> Link {
        let shared = target.columns.filter { base.column(named: $0.name) != nil }
        let keys = shared.compactMap { c in Join.uniqueIndex(c.vector).map { (c, $0) } }
        let declare = "declare the link: link \(base.name).COLUMN to \(target.name).KEY"
        guard keys.count == 1, let (key, index) = keys.first else {
            if keys.isEmpty {
                throw OperationError(message: "no link from \(base.name) to \(target.name): they share no column that is a key of \(target.name)",
                                     notes: [shared.isEmpty ? declare : "shared, but not unique in \(target.name): \(shared.map(\.name).joined(separator: ", ")); " + declare])
            }
            throw OperationError(message: "no link from \(base.name) to \(target.name): several shared columns are keys of \(target.name) (\(keys.map(\.0.name).joined(separator: ", ")))",
                                 notes: ["say which: link \(base.name).\(keys[0].0.name) to \(target.name).\(keys[0].0.name)"])
        }
        let column = base.column(named: key.name)!
        // Measured on the non-null values of evenly spaced rows, at most `sampleRows` of them
        // (all of a smaller table), so that inferring a link costs the same at any scale.
        let v = column.vector
        let step = max(1, (v.count + sampleRows - 1) / sampleRows)
        let rows = stride(from: 0, to: v.count, by: step).filter { !v.isNull($0) }.map { Int32($0) }
        let map = try Join.lookup(v.gather(rows), in: index, keyType: key.vector.type)
        let present = rows.count
        let found = map.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        if present > 0 && Double(found) <= Double(present) * inferenceThreshold {
            let share = Int((Double(found) / Double(present) * 100).rounded(.down))
            throw OperationError(message: "no link from \(base.name) to \(target.name): only \(share) % of \(base.name).\(column.name)'s values are in \(target.name).\(key.name), so the shared name looks like a coincidence",
                                 notes: ["if it is the key, declare it: link \(base.name).\(column.name) to \(target.name).\(key.name)"])
        }
        return Link(base: base, target: target, baseColumns: [column], keyColumns: [key], declared: false)
    }

}
