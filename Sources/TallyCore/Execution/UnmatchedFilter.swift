/// A `where` that can match no row because it compares a text column with a value the column
/// does not hold (`district = "天河"` when the districts are "天河区", …): the warning that says
/// so after the result, with the column's nearest values. Decided from the columns'
/// dictionaries alone, without the rows: a filter is unmatched when an `and` of it, or every
/// branch of an `or`, is `column = "text"` (or `column in ("text", …)`) with no such value,
/// so a result that has rows never gets the warning.
enum UnmatchedFilter {
    /// The warnings for `filter` of a query over `table` (none when the filter may match).
    static func warnings(_ filter: BoundExpr, table: String) -> [Diagnostic] {
        var search = Search()
        guard let misses = search.misses(filter) else { return [] }
        // At most three (a long `or` of absent values is one mistake, said three times at most).
        return misses.prefix(3).map { m in
            let owner = m.table.isEmpty ? table : m.table, named = m.column
            let compared = m.values.count == 1 ? "= " + Lexical.string(m.values[0])
                : "in (" + m.values.prefix(5).map(Lexical.string).joined(separator: ", ") + (m.values.count > 5 ? ", …" : "") + ")"
            var notes: [String] = []
            var near: [String] = []
            for v in m.values.prefix(3) { near += nearest(v, in: m.dictionary.strings).filter { !near.contains($0) } }
            if !near.isEmpty {
                notes.append("did you mean " + near.prefix(3).map(Lexical.string).joined(separator: " or ") + "?")
            } else if m.dictionary.count == 0 {
                notes.append("\(named) holds no text at all")
            } else if m.dictionary.count <= 12 {
                notes.append("its values: " + m.dictionary.strings.sorted().map(Lexical.string).joined(separator: ", "))
            }
            return m.origin.warning("no row of \(owner) has \(named) \(compared): the filter matches nothing", notes: notes)
        }
    }

    struct Miss {
        var table: String, column: String, values: [String]
        var dictionary: StringDictionary
        var origin: Origin
    }

    /// Finds the misses of a filter, with each column's strings looked up once.
    struct Search {
        /// The comparisons that make `e` match no row, or nil when it may match one. (`table` of
        /// a miss is empty for a column of the query's own table.)
        mutating func misses(_ e: BoundExpr) -> [Miss]? {
            switch e.kind {
            case .binary(.eq, let a, let b):
                if let m = miss(a, [b], e.origin) ?? miss(b, [a], e.origin) { return [m] }
            case .inValues(let x, let values, negated: false):
                if let m = miss(x, values, e.origin) { return [m] }
            case .binary(.and, let a, let b):
                return misses(a) ?? misses(b)
            case .binary(.or, let a, let b):
                guard let l = misses(a), let r = misses(b) else { return nil }
                return l + r
            case .chain(let first, let rest) where rest.allSatisfy({ $0.op == .and }):
                for operand in [first] + rest.map(\.operand) {
                    if let m = misses(operand) { return m }
                }
                return nil
            case .chain(let first, let rest) where rest.allSatisfy({ $0.op == .or }):
                var all: [Miss] = []
                for operand in [first] + rest.map(\.operand) {
                    guard let m = misses(operand) else { return nil }
                    all += m
                }
                return all
            default:
                break
            }
            return nil
        }

        /// `x` a text column (of this table or through a link) and `values` text literals none of
        /// which the column holds (bytes compared, as the engine compares text).
        private mutating func miss(_ x: BoundExpr, _ values: [BoundExpr], _ origin: Origin) -> Miss? {
            let column: Table.Column, table: String
            switch x.kind {
            case .column(let c): (column, table) = (c, "")
            case .lookup(let link, let c): (column, table) = (c, link.target.name)
            default: return nil
            }
            guard case .string(_, let dictionary, _) = column.vector else { return nil }
            var texts: [String] = []
            for v in values {
                guard case .literal(.string(let s)) = v.kind else { return nil }
                if holds(dictionary, s) { return nil }
                texts.append(s)
            }
            guard !texts.isEmpty else { return nil }
            return Miss(table: table, column: column.name, values: texts, dictionary: dictionary, origin: origin)
        }

        /// Whether the column's strings include `s`, bytes compared (as the engine compares
        /// text): a pass over them for the first few values, then a set made once per column
        /// for the rest of a long `or` or `in` list.
        private var lookups: [ObjectIdentifier: Int] = [:]
        private var present: [ObjectIdentifier: Set<[UInt8]>] = [:]
        private mutating func holds(_ d: StringDictionary, _ s: String) -> Bool {
            let id = ObjectIdentifier(d)
            if let p = present[id] { return p.contains(Array(s.utf8)) }
            lookups[id, default: 0] += 1
            guard lookups[id]! > 8 else { return d.strings.contains { $0.utf8.elementsEqual(s.utf8) } }
            let p = Set(d.strings.map { Array($0.utf8) })
            present[id] = p
            return p.contains(Array(s.utf8))
        }
    }

    /// Up to three values close to `value`: the same but for case, then values that contain it
    /// or are contained in it (the shortest first), then those a typo or two away.
    static func nearest(_ value: String, in strings: [String]) -> [String] {
        let lower = value.lowercased()
        var found = strings.filter { $0.lowercased() == lower }
        if found.isEmpty, !value.isEmpty {
            found = strings.filter { $0.contains(value) || (!$0.isEmpty && value.contains($0)) }
                .sorted { ($0.count, $0) < ($1.count, $1) }
        }
        if found.isEmpty, let close = Suggest.closest(to: value, in: strings) { found = [close] }
        return Array(found.prefix(3))
    }
}

extension Origin {
    func warning(_ message: String, notes: [String] = []) -> Diagnostic {
        Diagnostic(.warning, message, in: source, span: span, notes: notes)
    }
}
