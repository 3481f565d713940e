/// The binder: between the parser and execution, it resolves every name of a statement —
/// table, column, measure, variable, link, function — decides every type and output name,
/// and reports every error that does not depend on the data's values, before any of the
/// statement runs. Its product is a `LogicalQuery` or a `BoundExpr`; execution reads only that.
///
/// Names inside a query: per row (where, by, an aggregate's argument) a name is a column of
/// the query's table, else a variable; per group (the measures, having) a name is a measure,
/// else a `by` item, else a variable — a column there must be inside an aggregate. `having`
/// and `sort` may also name the query's output columns (aliases included).
struct Binder {
    let catalog: Catalog
    private(set) var source: SourceFile
    /// Measures being inlined, innermost last: a cycle or a chain too deep is an error.
    private var expanding: [String] = []
    /// How deeply measures may be defined through one another.
    static let maxMeasureDepth = 64
    /// The statement runs in Tally's memory (no engine in use): a table an engine read, of
    /// which Tally holds no rows, is an error where it is named.
    var needsRows = false

    init(catalog: Catalog, source: SourceFile) {
        self.catalog = catalog
        self.source = source
    }

    /// Where an expression is bound.
    enum Context {
        /// Outside any table (print, check, let): names are variables.
        case scalar
        /// One value per row of the table.
        case rows(Table)
        /// One value per group of a query over the table.
        case groups(Table, Groups)
    }

    /// What a grouped context can name besides measures: the `by` items, and (in `having`)
    /// the measures' output names.
    struct Groups {
        var dimensions: [(name: String, expr: BoundExpr)] = []
        var outputs: [String: BoundExpr] = [:]
    }

    func error(_ message: String, _ span: Span, notes: [String] = []) -> Diagnostic {
        Diagnostic(.error, message, in: source, span: span, notes: notes)
    }

    private func origin(_ span: Span) -> Origin { Origin(source: source, span: span) }

    // MARK: Tables and links

    func table(_ name: Name) throws -> Table {
        if let t = catalog.table(name.text) { try held(t, name.span); return t }
        var notes: [String] = []
        if let s = Suggest.closest(to: name.text, in: catalog.tableOrder) { notes.append("did you mean `\(s)`?") }
        else if catalog.tableOrder.isEmpty { notes.append("no table is loaded yet: load \"exports/\" loads a folder of CSV files") }
        else { notes.append("loaded tables: \(catalog.tableOrder.joined(separator: ", "))") }
        throw error("unknown table `\(name.text)`", name.span, notes: notes)
    }

    /// Checks that Tally holds `t`'s rows, when the statement needs them (`needsRows`).
    func held(_ t: Table, _ span: Span) throws {
        guard needsRows, t.source?.heldByEngine == true else { return }
        throw Binder.notHeld(t, "this statement reads", source, span)
    }

    /// The error of a statement (`what`, as "summary reads") that needs the rows of a table an
    /// engine read, with no engine in use.
    static func notHeld(_ t: Table, _ what: String, _ source: SourceFile, _ span: Span) -> Diagnostic {
        Diagnostic(.error, "\(what) the rows of \(t.name), which an engine read: Tally holds none of them", in: source, span: span,
                   notes: ["switch to an engine first (.engine duckdb, .engine spark), or load it again to read it into Tally"])
    }

    func column(_ name: Name, of t: Table) throws -> Table.Column {
        if let c = t.column(named: name.text) { return c }
        throw unknown(name.text, name.span, candidates: t.columns.map(\.name), what: "column", in: t)
    }

    private func unknown(_ n: String, _ span: Span, candidates: [String], what: String, in table: Table?) -> Diagnostic {
        var notes: [String] = []
        if let s = Suggest.closest(to: n, in: candidates) { notes.append("did you mean `\(s)`?") }
        if let t = table, notes.isEmpty {
            let shown = t.columns.prefix(12).map(\.name).joined(separator: ", ")
            notes.append("\(t.name) has: \(shown)\(t.columns.count > 12 ? ", …" : "")")
        }
        return error("unknown \(what) `\(n)`" + (table.map { " in table \($0.name)" } ?? ""), span, notes: notes)
    }

    /// Whether `span` is the first word of a statement (only blanks, a `;` or the start of the
    /// text before it).
    private func startsStatement(_ span: Span) -> Bool {
        var i = min(span.start, source.bytes.count) - 1
        while i >= 0, source.bytes[i] == 32 || source.bytes[i] == 9 { i -= 1 }
        return i < 0 || source.bytes[i] == 10 || source.bytes[i] == UInt8(ascii: ";")
    }

    /// The link from `base` to `target`: the declared one, else the one inferred (see
    /// `Links.resolve`); an error at `span` shows the `link` statement to write.
    func link(from base: Table, to target: Table, _ span: Span) throws -> Link {
        do { return try Links.resolve(catalog: catalog, base: base, target: target) } catch let e as OperationError {
            throw error(e.message, span, notes: e.notes)
        }
    }

    // MARK: Queries

    /// Binds a query: its table, filter, groups, measures and clauses, and the names and types
    /// of its output columns.
    mutating func bind(_ q: Query) throws -> LogicalQuery {
        let table = try self.table(q.table)
        let filter = try q.filter.map { try condition($0, .rows(table), what: "`where`") }

        var used = Set<String>()
        func outputName(_ item: Item) -> String {
            var base: String
            if let a = item.alias { base = a.text } else {
                switch item.expr.kind {
                case .name(let n): base = n
                case .call where source.slice(item.expr.span).lowercased() == "count": base = "count"
                case .qualified(_, let c): base = c.text
                default: base = source.slice(item.expr.span)
                }
            }
            var n = base, k = 2
            while used.contains(n) { n = "\(base)_\(k)"; k += 1 }
            used.insert(n)
            return n
        }

        if q.listing {
            for word in ["by", "having", "bucket", "pct", "total"] {
                if let span = q.clauseSpans[word] {
                    throw error("`list` shows rows one by one; `\(word)` works on groups", span,
                                notes: ["to count them, ask a query: count \(table.name) … \(word) …"])
                }
            }
        }
        var dimensions: [LogicalQuery.Dimension] = []
        var measures: [LogicalQuery.Measure] = []
        var having: BoundExpr?
        var bucket: LogicalQuery.Bucket?
        var across: LogicalQuery.Across?
        var columns: [(name: String, type: DataType?)]
        if q.listing {
            if q.items.isEmpty {
                for c in table.columns {
                    used.insert(c.name)
                    measures.append(.init(expr: BoundExpr(kind: .column(c), type: Binder.type(of: c), origin: origin(q.table.span),
                                                          key: "\(table.name).\(c.name)", decimals: c.decimals), name: c.name))
                }
            }
            for item in q.items {
                measures.append(.init(expr: try bind(item.expr, .rows(table)), name: outputName(item)))
            }
            columns = measures.map { ($0.name, $0.expr.type) }
        } else {
            var groups = Groups()
            for d in q.dimensions {
                let e = try bind(d.expr, .rows(table))
                let name = outputName(d)
                dimensions.append(.init(expr: e, name: name))
                groups.dimensions.append((name, e))
            }
            // A lookup whose link's key is a plain `by` column is read once per group.
            let plain = Set(dimensions.compactMap { d -> String? in
                if case .column(let c) = d.expr.kind { return c.name }
                return nil
            })
            for i in dimensions.indices {
                if case .lookup(let l, let c) = dimensions[i].expr.kind, l.baseColumns.count == 1, plain.contains(l.baseColumns[0].name) {
                    dimensions[i].readPerGroup = (l, c)
                }
            }

            for item in q.items {
                measures.append(.init(expr: try bind(item.expr, .groups(table, groups)), name: outputName(item)))
            }

            if let h = q.having {
                guard !q.dimensions.isEmpty || q.bucket != nil else {
                    throw error("having keeps or drops groups: add by (or bucket)", h.span,
                                notes: ["count courses by provider having count > 10"])
                }
                var withOutputs = groups
                for m in measures { withOutputs.outputs[m.name] = m.expr }
                having = try condition(h, .groups(table, withOutputs), what: "having")
            }

            if let bounds = q.bucket {
                var value: BoundExpr?, valueName = measures[0].name
                if let v = q.bucketValue {
                    if let span = q.clauseSpans["by"] {
                        throw error("`bucket … at` bands each row's value; `by` groups the rows another way: use one of them", span)
                    }
                    value = try bind(v.expr, .rows(table))
                    valueName = outputName(v)
                } else if q.items.count != 1 {
                    throw error("bucket bands one measure; this query has \(q.items.count)", q.items[1].expr.span,
                                notes: ["to band the rows by a value and compute several measures per band: … bucket VALUE at 90, 80, 70"])
                }
                let banded = value ?? measures[0].expr
                if let t = banded.type, !(t.isNumeric || t == .boolean) {
                    throw error("bucket needs numbers, not \(t.rawValue) values", (q.bucketValue?.expr ?? q.items[0].expr).span)
                }
                let labels = Binder.bandLabels(bounds, integral: banded.type == .integer || banded.type == .boolean)
                if let given = q.bucketLabels {
                    guard given.count == labels.count else {
                        throw error("labels names each band: this bucket has \(labels.count) (\(labels.joined(separator: ", "))), not \(given.count)",
                                    q.clauseSpans["bucket"] ?? q.span)
                    }
                }
                bucket = .init(bounds: bounds, countName: q.bucketCountName, labels: q.bucketLabels ?? labels,
                               value: value, valueName: valueName)
                columns = value == nil ? [(valueName, .string), (q.bucketCountName, .integer), (q.shareName, .decimal)]
                    : [(valueName, .string)] + measures.map { ($0.name, $0.expr.type) } + [(q.shareName, .decimal)]
            } else {
                if q.pct, let t = measures[0].expr.type, !(t.isNumeric || t == .boolean) {
                    throw error("pct needs a numeric first measure", q.items[0].expr.span)
                }
                columns = dimensions.map { ($0.name, $0.expr.type) } + measures.map { ($0.name, $0.expr.type) }
                if q.pct { columns.append((q.shareName, .decimal)) }
            }

            if let a = q.across {
                let span = q.clauseSpans["across"] ?? q.span
                if q.items.count != 1 { throw error("across spreads one measure over columns; this query has \(q.items.count)", q.items[1].expr.span) }
                for word in ["bucket", "pct", "having"] where q.clauseSpans[word] != nil {
                    throw error("across makes a cross-tab; `\(word)` does not combine with it", q.clauseSpans[word]!)
                }
                if !q.allValues.isEmpty { throw error("across makes a cross-tab; `by all` does not combine with it", span) }
                let e = try bind(a.expr, .rows(table))
                across = .init(expr: e, name: outputName(a), values: q.acrossValues)
                // The columns are the across values: listed, or (the one output that depends on
                // the data) every value found; then the row total.
                columns = dimensions.map { ($0.name, $0.expr.type) } + (q.acrossValues ?? []).map { ($0, measures[0].expr.type) }
                if let t = q.total { columns.append((t, measures[0].expr.type)) }
            }

            for i in q.allValues.sorted() {
                guard q.dimensions.count == 1 else {
                    throw error("`by all` shows every value of one `by` item; this query has \(q.dimensions.count)", q.clauseSpans["by"] ?? q.span)
                }
                if q.having != nil { throw error("`by all` keeps the groups with no rows; `having` would drop them", q.clauseSpans["having"] ?? q.span) }
                switch dimensions[i].expr.kind {
                case .column(let c): dimensions[i].allValues = c
                case .lookup(_, let c): dimensions[i].allValues = c
                default:
                    throw error("`by all` needs a column (every value of it is a group), as in by all teachers.district", q.dimensions[i].expr.span)
                }
            }
        }

        var sort: [LogicalQuery.SortKey] = []
        for s in q.sort {
            guard let i = columns.firstIndex(where: { $0.name == s.column.text })
                    ?? columns.firstIndex(where: { $0.name.lowercased() == s.column.text.lowercased() }) else {
                let names = columns.map(\.name)
                throw error("no output column `\(s.column.text)` to sort by", s.column.span,
                            notes: [Suggest.closest(to: s.column.text, in: names).map { "did you mean `\($0)`?" }
                                    ?? "the output columns are: \(names.joined(separator: ", "))"])
            }
            if let p = s.pinyin {
                if let t = columns[i].type, t != .string {
                    throw error("pinyin orders text; `\(columns[i].name)` is \(VectorOps.describe(t))", p,
                                notes: ["sort \(Lexical.name(columns[i].name))\(s.descending ? " desc" : "") orders it as it is"])
                }
                if let missing = PinyinOrder.unavailable { throw error(missing.message, p, notes: missing.notes) }
            }
            sort.append(.init(column: i, descending: s.descending, order: s.order, pinyin: s.pinyin != nil))
        }

        // Ranking: rank numbers, ties kept at the cut, top N within each value of some columns.
        var per: [Int] = []
        for p in q.per {
            guard let i = columns.firstIndex(where: { $0.name.lowercased() == p.text.lowercased() }) else {
                throw error("no output column `\(p.text)` to rank within", p.span,
                            notes: ["the output columns are: \(columns.map(\.name).joined(separator: ", "))"])
            }
            per.append(i)
        }
        if q.sort.isEmpty, let what = q.rank != nil ? "rank" : q.withTies ? "top … with ties" : !q.per.isEmpty ? "top … per" : nil {
            throw error("\(what) needs sort: rows are ranked in the sort's order", q.clauseSpans[q.rank != nil ? "rank" : "top"] ?? q.span,
                        notes: ["count logins by teachers.school sort count desc top 10 with ties"])
        }
        let chart = try q.chart ? self.chart(q, dimensions, measures, bucket) : nil
        if let r = q.rank { columns.insert((r, .integer), at: 0) }

        return LogicalQuery(listing: q.listing, table: table, filter: filter, dimensions: dimensions, having: having, measures: measures,
                            bucket: bucket, across: across, share: q.pct && bucket == nil ? q.shareName : nil, shareName: q.shareName,
                            total: q.total, sort: sort, top: q.top, withTies: q.withTies, per: per, rank: q.rank, chart: chart,
                            columns: columns, origin: origin(q.span))
    }

    /// `chart`: a bar per row of one measure — the groups of one `by` item (or bucket's bands)
    /// and one number each, with the share of `pct` or `bucket` beside it. Any other shape is
    /// an error here, before any data is read.
    private func chart(_ q: Query, _ dimensions: [LogicalQuery.Dimension], _ measures: [LogicalQuery.Measure],
                       _ bucket: LogicalQuery.Bucket?) throws -> LogicalQuery.Chart {
        let span = q.clauseSpans["chart"] ?? q.span
        let example = "count teachers by district chart"
        if q.listing {
            throw error("chart draws a bar per group; `list` shows rows one by one", span,
                        notes: ["a bar per course: sum(enrolled) courses by title sort sum(enrolled) desc top 10 chart"])
        }
        let instead = ["across": "chart one of its values at a time: count enrollments where project = \"提升工程2.0\" by teachers.district chart",
                       "rank": "leave rank out: the bars are in the sort's order, longest first with sort … desc"]
        for word in ["across", "rank"] {
            if let s = q.clauseSpans[word] {
                throw error("chart draws one bar per row; `\(word)` does not combine with it", s, notes: [instead[word]!])
            }
        }
        if measures.count > 1 {
            throw error("chart draws one measure; this query has \(measures.count)", q.items[1].expr.span, notes: [example])
        }
        if bucket == nil {
            if dimensions.isEmpty {
                throw error("chart draws a bar per group; without by this query gives one row", span, notes: ["add by: \(example)"])
            }
            if dimensions.count > 1 {
                throw error("chart draws a bar per group of one `by` item; this query has \(dimensions.count)", q.clauseSpans["by"] ?? span,
                            notes: ["join them into one label: count teachers by \"{district}·{stage}\" as 组 chart"])
            }
        }
        // The bars are the measure's values (bucket without `at`: its count of rows per band).
        let drawsMeasure = bucket == nil || bucket?.value != nil
        if drawsMeasure, let t = measures[0].expr.type, !t.isNumeric {
            throw error("chart draws numbers; this measure is \(VectorOps.describe(t))", q.items[0].expr.span,
                        notes: ["a bar's length is a count, a sum or a rate, as in \(example)"])
        }
        let label = bucket?.valueName ?? dimensions[0].name
        let value = drawsMeasure ? measures[0].name : bucket!.countName
        return .init(title: Binder.text(of: q, without: span, in: source), label: label, value: value, origin: origin(q.items[0].expr.span))
    }

    /// A query as written, without comments and line breaks, and without one word (`chart`).
    static func text(of q: Query, without word: Span, in source: SourceFile) -> String {
        var out = "", last: Span?
        for t in (try? Lexer.tokenize(source, range: q.span.start..<q.span.end)) ?? [] where t.kind != .newline && t.kind != .end && t.span != word {
            if let l = last {
                let gap = source.slice(Span(l.end, t.span.start))
                out += gap.allSatisfy { $0 == " " } ? gap : " "   // a comment, a line break or the word left out: one space
            }
            out += source.slice(t.span)
            last = t.span
        }
        return out
    }

    /// The bands' names, in the order the thresholds are written (high to low: `≥90`, `80–90`, …,
    /// `<60`). Over whole numbers with whole thresholds they read as the numbers they hold:
    /// `1, 2, 6` gives `<1`, `1`, `2–5`, `6+`.
    static func bandLabels(_ bounds: [(value: Double, text: String)], integral: Bool) -> [String] {
        let descending = bounds.count < 2 || bounds[0].value > bounds[1].value
        let sorted = bounds.sorted { $0.value > $1.value }
        var labels: [String]
        if integral, sorted.allSatisfy({ $0.value == $0.value.rounded() && abs($0.value) < 1e15 }) {
            let v = sorted.map { Int64($0.value) }
            labels = ["\(v[0])+"]
            for k in v.indices.dropFirst() { labels.append(v[k - 1] - 1 == v[k] ? "\(v[k])" : "\(v[k])–\(v[k - 1] - 1)") }
            labels.append("<\(v[v.count - 1])")
        } else {
            labels = ["≥\(sorted[0].text)"]
            for k in sorted.indices.dropFirst() { labels.append("\(sorted[k].text)–\(sorted[k - 1].text)") }
            labels.append("<\(sorted[sorted.count - 1].text)")
        }
        return descending ? labels : labels.reversed()
    }

    /// A condition: boolean (or a typeless null), else an error naming `what` needs one.
    mutating func condition(_ e: Expr, _ ctx: Context, what: String) throws -> BoundExpr {
        let b = try bind(e, ctx)
        if let t = b.type, t != .boolean {
            throw error("\(what) needs a condition (true or false), not \(VectorOps.describe(t))", e.span)
        }
        return b
    }

    // MARK: Expressions

    mutating func bind(_ e: Expr, _ ctx: Context) throws -> BoundExpr {
        func node(_ k: BoundExpr.Kind, _ t: DataType?, _ key: String) -> BoundExpr {
            BoundExpr(kind: k, type: t, origin: origin(e.span), key: key)
        }
        switch e.kind {
        case .literal(let v):
            return node(.literal(v), v.type, Binder.literalKey(v))

        case .interpolated(let parts):
            var bound: [BoundPart] = []
            var key = "\""
            for p in parts {
                switch p {
                case .text(let t): bound.append(.text(t)); key += t.replacingOccurrences(of: "{", with: "{{")
                case .expr(let x, let spec):
                    let b = try bind(x, ctx)
                    if spec.width != nil, let t = b.type, !t.isNumeric {
                        throw error("zero padding ({…:0\(spec.width!)}) applies to numbers, not \(VectorOps.describe(t))", x.span)
                    }
                    var spec = spec
                    if spec.decimals == nil { spec.decimals = b.decimals }   // {round(x, 1)} shows 1 decimal
                    bound.append(.value(b, spec))
                    key += "{\(b.key)\(spec == FormatSpec() ? "" : ":" + spec.text)}"
                }
            }
            return node(.interpolated(bound), .string, key + "\"")

        case .name(let n):
            return try name(n, e, ctx)

        case .qualified(let t, let c):
            switch ctx {
            case .rows(let base):
                let target = try table(t)
                let column = try self.column(c, of: target)
                var bound = node(.column(column), Binder.type(of: column), "\(base.name).\(column.name)")
                if target !== base {
                    bound = node(.lookup(try link(from: base, to: target, t.span.to(c.span)), column), Binder.type(of: column), "\(target.name).\(column.name)")
                }
                bound.decimals = column.decimals
                return bound
            case .groups(let base, let g):
                var inner = self
                if let b = try? inner.bind(e, .rows(base)), let i = g.dimensions.firstIndex(where: { $0.expr.key == b.key }) {
                    var d = node(.dimension(i), b.type, g.dimensions[i].name)
                    d.decimals = b.decimals
                    return d
                }
                throw error("`\(t.text).\(c.text)` must be inside an aggregate or listed after by", t.span.to(c.span))
            case .scalar:
                throw error("`\(t.text).\(c.text)` names a column; it needs a query over a table", t.span.to(c.span))
            }

        case .negate(let x):
            let b = try bind(x, ctx)
            let t = try numeric(b.type, "`-`", e.span)
            return node(.negate(b), t == .boolean ? .integer : t, "-(\(b.key))")

        case .not(let x):
            let b = try bind(x, ctx)
            try boolean(b.type, "`not`", e.span)
            return node(.not(b), .boolean, "not (\(b.key))")

        case .binary(let op, let l, let r):
            let a = try bind(l, ctx), b = try bind(r, ctx)
            return node(.binary(op, a, b), try binaryType(op, a, b, e.span), "(\(a.key) \(op.rawValue) \(b.key))")

        case .chain(let first, let rest):
            // Bound step by step, without recursion: a chain may be very long.
            let a = try bind(first, ctx)
            var type = a.type, keys = [a.key], links: [BoundLink] = []
            var acc = a
            for link in rest {
                let b = try bind(link.operand, ctx)
                let span = first.span.to(link.operand.span)
                type = try binaryType(link.op, acc, b, span)
                links.append(BoundLink(op: link.op, operand: b, origin: origin(span)))
                keys.append("\(link.op.rawValue) \(b.key)")
                acc = BoundExpr(kind: .literal(.null), type: type, origin: origin(span), key: "")   // stands for the result so far
            }
            return node(.chain(a, links), type, "(" + keys.joined(separator: " ") + ")")

        case .isNull(let x, let negated):
            let b = try bind(x, ctx)
            return node(.isNull(b, negated: negated), .boolean, "(\(b.key) is \(negated ? "not " : "")null)")

        case .between(let x, let lo, let hi, let negated):
            let v = try bind(x, ctx), a = try bind(lo, ctx), b = try bind(hi, ctx)
            try comparable(v, a, e.span)
            try comparable(v, b, e.span)
            return node(.between(v, low: a, high: b, negated: negated), .boolean,
                        "(\(v.key) \(negated ? "not " : "")between \(a.key) and \(b.key))")

        case .inList(let x, let values, let filter, let negated):
            let probe = try bind(x, ctx)
            if values.count == 1, let (target, columnName, tableSpan) = membershipTarget(values[0], ctx) {
                try held(target, tableSpan)
                let wanted = columnName ?? Binder.columnName(of: x)
                guard let wanted, let column = target.column(named: wanted) else {
                    throw error("which column of \(target.name) should `\(source.slice(x.span))` be looked for in?", tableSpan,
                                notes: ["name it: \(source.slice(x.span)) in (\(target.name).COLUMN where …)"])
                }
                let f = try filter.map { try condition($0, .rows(target), what: "`where`") }
                try membershipTypes(probe.type, Binder.type(of: column), e.span)
                let key = "(\(probe.key) \(negated ? "not " : "")in (\(target.name).\(column.name)\(f.map { " where \($0.key)" } ?? "")))"
                return node(.membership(probe, table: target, column: column, filter: f, negated: negated), .boolean, key)
            }
            if let filter { throw error("`where` inside `in (…)` needs a table: x in (table where …)", filter.span) }
            var bound: [BoundExpr] = []
            for v in values {
                let b = try bind(v, ctx)
                try comparable(probe, b, e.span)
                bound.append(b)
            }
            return node(.inValues(probe, bound, negated: negated), .boolean,
                        "(\(probe.key) \(negated ? "not " : "")in (\(bound.map(\.key).joined(separator: ", "))))")

        case .call(let name, let args, let distinct, let filter):
            return try call(name, args, distinct, filter, e, ctx)

        case .subquery(let q):
            var inner = Binder(catalog: catalog, source: source)
            inner.expanding = expanding
            inner.needsRows = needsRows
            let lq = try inner.bind(q)
            if q.listing || !q.dimensions.isEmpty || q.bucket != nil || q.pct || q.items.count != 1 {
                let why = q.listing ? "it lists rows" : !q.dimensions.isEmpty ? "it has `by`, so it gives a row per group"
                    : q.bucket != nil ? "it has `bucket`, so it gives a row per band"
                    : q.pct ? "it has `pct`, so it gives a share beside its value"
                    : "it gives \(q.items.count) measures"
                throw error("this query is not one value (\(why)); a value is needed here", e.span,
                            notes: ["a query used as a value must give one value, as in (count courses where tutors > 0)",
                                    "to use its rows as a table, name it: let NAME = …; then count NAME"])
            }
            var value = node(.subquery(lq), lq.measures[0].expr.type, "(" + lq.explanation.replacingOccurrences(of: "\n", with: "; ") + ")")
            value.decimals = lq.measures[0].expr.decimals
            return value
        }
    }

    /// `x in (table …)` or `x in (table.column …)`: the table, the named column, and where the
    /// table is written. A name that is a column of the rows in scope is a value, not a table.
    private func membershipTarget(_ v: Expr, _ ctx: Context) -> (Table, String?, Span)? {
        switch v.kind {
        case .name(let n):
            guard let t = catalog.table(n) else { return nil }
            if case .rows(let base) = ctx, base.column(named: n) != nil { return nil }
            return (t, nil, v.span)
        case .qualified(let t, let c):
            guard let table = catalog.table(t.text) else { return nil }
            return (table, c.text, t.span)
        default:
            return nil
        }
    }

    private static func columnName(of e: Expr) -> String? {
        switch e.kind {
        case .name(let n): n
        case .qualified(_, let c): c.text
        default: nil
        }
    }

    // MARK: Names

    private mutating func name(_ n: String, _ e: Expr, _ ctx: Context) throws -> BoundExpr {
        let span = e.span
        func value(_ v: Value) -> BoundExpr {
            BoundExpr(kind: .literal(v), type: v.type, origin: origin(span), key: Binder.literalKey(v), decimals: catalog.decimals(ofVariable: n))
        }
        switch ctx {
        case .rows(let t):
            if let c = t.column(named: n) {
                return BoundExpr(kind: .column(c), type: Binder.type(of: c), origin: origin(span), key: "\(t.name).\(c.name)", decimals: c.decimals)
            }
            if catalog.measure(n) != nil {
                throw error("`\(n)` is a measure (an aggregate); it cannot be used per row here", span,
                            notes: ["use it as a query's measure: \(n) \(t.name) by …"])
            }
            if let v = catalog.variable(n) { return value(v) }
            throw unknown(n, span, candidates: t.columns.map(\.name) + catalog.variableNames, what: "column", in: t)
        case .groups(let t, let g):
            if let out = g.outputs[n] ?? g.outputs.first(where: { $0.key.lowercased() == n.lowercased() })?.value { return out }
            if let m = catalog.measure(n) { return try measure(m, span, ctx) }
            if let i = g.dimensions.firstIndex(where: { $0.name == n }) ?? g.dimensions.firstIndex(where: { $0.name.lowercased() == n.lowercased() }) {
                return BoundExpr(kind: .dimension(i), type: g.dimensions[i].expr.type, origin: origin(span), key: g.dimensions[i].name,
                                 decimals: g.dimensions[i].expr.decimals)
            }
            if t.column(named: n) != nil {
                throw error("column `\(n)` must be inside an aggregate here", span,
                            notes: ["a query's measures are computed per group: sum(\(n)), avg(\(n)), count(distinct \(n)); or group by it: … by \(n)"])
            }
            if let v = catalog.variable(n) { return value(v) }
            var d = unknown(n, span, candidates: catalog.measureOrder + t.columns.map(\.name) + catalog.variableNames,
                            what: "measure or column", in: t)
            // `cont teachers`, `summry teachers`: a misspelt keyword that reads as a query.
            if startsStatement(span), !d.notes.contains(where: { $0.hasPrefix("did you mean") }),
               let k = Suggest.closest(to: n, in: ["count", "list"] + Lexical.statementKeywords.map(\.rawValue)) {
                d.notes.insert("did you mean `\(k)`?", at: 0)
            }
            throw d
        case .scalar:
            if let v = catalog.variable(n) { return value(v) }
            if let t = catalog.table(n) {
                throw error("`\(t.name)` is a table; a value is needed here", span, notes: ["count its rows with (count \(t.name))"])
            }
            throw unknown(n, span, candidates: catalog.variableNames, what: "variable", in: nil)
        }
    }

    /// A named measure, bound where it is used: its definition's names against the query's
    /// table. An error inside it points at the definition, with a note naming the use.
    private mutating func measure(_ m: Catalog.MeasureDefinition, _ use: Span, _ ctx: Context) throws -> BoundExpr {
        if expanding.contains(m.name) {
            throw error("measure `\(m.name)` is defined in terms of itself", use)
        }
        guard expanding.count < Binder.maxMeasureDepth else {
            throw error("measures are defined through one another more than \(Binder.maxMeasureDepth) deep", use)
        }
        let saved = source
        expanding.append(m.name)
        source = m.source
        defer { source = saved; expanding.removeLast() }
        do {
            return try bind(m.expr, ctx)
        } catch var d as Diagnostic {
            let (line, column) = saved.lineAndColumn(of: use.start)
            d.notes.append("in measure `\(m.name)`, used at \(saved.name):\(line):\(column)")
            throw d
        }
    }

    /// Checks a measure's definition before it is stored: known functions with the right
    /// number of arguments, no measure defined through itself, a bounded depth. Its column
    /// names are bound at each use, against the query's table.
    func checkMeasure(_ name: String, _ expr: Expr) throws {
        var chain = [name]
        let fail = { (m: String, s: Span) in Diagnostic(.error, m, in: self.source, span: s) }
        /// `perRow`: inside an aggregate's argument or filter, where a name is a column first.
        /// `entry`: the name of the new definition the walk went through, where errors point.
        func walk(_ e: Expr, perRow: Bool, entry: Span?) throws {
            let sub = { (x: Expr) in try walk(x, perRow: perRow, entry: entry) }
            switch e.kind {
            case .name(let n):
                guard !perRow else { return }
                let at = entry ?? e.span
                if n.lowercased() == name.lowercased() || chain.dropFirst().contains(where: { $0.lowercased() == n.lowercased() }) {
                    throw fail("measure `\(name)` would be defined in terms of itself" + (chain.count > 1 ? " (through `\(chain[1])`)" : ""), at)
                }
                guard let m = catalog.measure(n) else { return }
                guard chain.count < Binder.maxMeasureDepth else {
                    throw fail("measures are defined through one another more than \(Binder.maxMeasureDepth) deep", at)
                }
                chain.append(m.name)
                defer { chain.removeLast() }
                try walk(m.expr, perRow: false, entry: at)
            case .call(let fn, let args, _, let filter):
                var inner = perRow
                switch FunctionRegistry.lookup(fn.text) {
                case nil:
                    if entry == nil { throw unknownFunction(fn) }
                case .scalar(let f)?:
                    if entry == nil && !f.definition.arity.contains(args.count) { throw fail(Binder.arityMessage(f.name, f.definition.arity, args.count), e.span) }
                case .aggregate(let a)?:
                    if entry == nil && a != .count && args.count != 1 { throw fail("\(fn.text) takes one argument, not \(args.count)", e.span) }
                    inner = true
                }
                for a in args { try walk(a, perRow: inner, entry: entry) }
                if let filter { try walk(filter, perRow: inner, entry: entry) }
            case .literal, .qualified, .subquery: return
            case .interpolated(let parts):
                for case .expr(let x, _) in parts { try sub(x) }
            case .negate(let x), .not(let x), .isNull(let x, _): try sub(x)
            case .binary(_, let a, let b): try sub(a); try sub(b)
            case .chain(let first, let rest): try sub(first); for l in rest { try sub(l.operand) }
            case .between(let x, let lo, let hi, _): try sub(x); try sub(lo); try sub(hi)
            case .inList(let x, let values, let filter, _):
                try sub(x)
                for v in values { try sub(v) }
                if let filter { try walk(filter, perRow: true, entry: entry) }
            }
        }
        try walk(expr, perRow: false, entry: nil)
    }

    // MARK: Calls

    func unknownFunction(_ name: Name) -> Diagnostic {
        let names = FunctionRegistry.names
        return error("unknown function `\(name.text)`", name.span,
                     notes: [Suggest.closest(to: name.text.lowercased(), in: names).map { "did you mean `\($0)`?" }
                             ?? "functions: \(names.joined(separator: ", "))"])
    }

    static func arityMessage(_ name: String, _ arity: ClosedRange<Int>, _ n: Int) -> String {
        let allowed = arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "\(arity.lowerBound)–\(arity.upperBound)"
        return "\(name) takes \(allowed) argument\(arity.upperBound == 1 ? "" : "s"), not \(n)"
    }

    private mutating func call(_ name: Name, _ args: [Expr], _ distinct: Bool, _ filter: Expr?, _ e: Expr, _ ctx: Context) throws -> BoundExpr {
        guard let entry = FunctionRegistry.lookup(name.text) else { throw unknownFunction(name) }
        switch entry {
        case .aggregate(let fn):
            guard case .groups(let table, _) = ctx else {
                let place = if case .rows = ctx { "per row (in where, by, or inside another aggregate)" } else { "outside a query" }
                throw error("aggregate `\(name.text)` cannot be used \(place)", e.span,
                            notes: ["aggregates go in a query's measures: \(source.slice(e.span)) TABLE where …"])
            }
            let cond = try filter.map { try condition($0, .rows(table), what: "the aggregate's where") }
            if distinct && !fn.allowsDistinct { throw error("distinct works with count, sum and avg", e.span) }
            var argument: BoundExpr?
            if fn == .count && args.isEmpty {
                if distinct { throw error("count(distinct …) needs a column", e.span) }
            } else {
                guard args.count == 1 else { throw error("\(name.text) takes one argument, not \(args.count)", e.span) }
                argument = try bind(args[0], .rows(table))
            }
            let type: DataType?
            switch fn.resultType(argument?.type) {
            case .success(let t): type = t
            case .failure(let f):
                throw error("\(fn.rawValue) needs numbers, not \(argument?.type?.rawValue ?? "null") values", e.span, notes: f.notes)
            }
            let key = "\(fn.rawValue)(\(distinct ? "distinct " : "")\(argument?.key ?? "*")\(cond.map { " where \($0.key)" } ?? ""))"
            return BoundExpr(kind: .aggregate(fn, argument: argument, distinct: distinct, filter: cond), type: type, origin: origin(e.span), key: key)
        case .scalar(let f):
            if distinct || filter != nil {
                throw error("`distinct` and `where` go inside an aggregate (count, sum, …), not \(name.text)", e.span)
            }
            guard f.definition.arity.contains(args.count) else {
                throw error(Binder.arityMessage(f.name, f.definition.arity, args.count), e.span)
            }
            var bound: [BoundExpr] = []
            for a in args { bound.append(try bind(a, ctx)) }
            switch f.definition.resultType(f.name, bound.map(\.type)) {
            case .success(let t):
                if let bad = f.definition.checkLiterals(f.name, bound.map(Binder.literal)) {
                    throw error(bad.error.message, args[bad.argument].span, notes: bad.error.notes)
                }
                return BoundExpr(kind: .scalar(f, bound), type: t, origin: origin(e.span),
                                 key: "\(f.name)(\(bound.map(\.key).joined(separator: ", ")))", decimals: Binder.roundedDecimals(f.name, bound))
            case .failure(let failure):
                throw error(failure.message, e.span)
            }
        }
    }

    /// The decimals `round(x [, n])` shows: n (none for n ≤ 0, at most `Format.maxDecimals`), when n
    /// is written as a number or a variable; nil for any other function or a computed n.
    static func roundedDecimals(_ function: String, _ args: [BoundExpr]) -> Int? {
        guard function == "round" else { return nil }
        guard args.count == 2 else { return 0 }
        let n: Int64
        switch args[1].kind {
        case .literal(.integer(let k)): n = k
        case .negate(let x): guard case .literal(.integer(let k)) = x.kind else { return nil }; n = k == .min ? .max : -k
        default: return nil
        }
        return Int(min(max(n, 0), Int64(Format.maxDecimals)))
    }

    // MARK: Types

    /// A column's type; a column with no values at all is a typeless null (it fits any type).
    static func type(of c: Table.Column) -> DataType? {
        c.typed ? c.vector.type : VectorOps.allNull(c.vector) ? nil : c.vector.type
    }

    /// The value of a node written as a literal (or a variable), for checks before anything runs.
    static func literal(_ e: BoundExpr) -> Value? {
        if case .literal(let v) = e.kind { return v }
        return nil
    }

    static func literalKey(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .integer(let i): "\(i)"
        case .decimal(let d): "\(d)d"
        case .boolean(let b): "\(b)"
        case .date(let s): "date(\(s))"
        case .timestamp(let s): "timestamp(\(s))"
        case .string(let s): "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }

    /// The type of `a op b`, or the error at `span`.
    private func binaryType(_ op: BinaryOp, _ a: BoundExpr, _ b: BoundExpr, _ span: Span) throws -> DataType? {
        switch op {
        case .and, .or:
            try boolean(a.type, "`\(op.rawValue)`", span)
            try boolean(b.type, "`\(op.rawValue)`", span)
            return .boolean
        case .eq, .ne, .lt, .le, .gt, .ge:
            try comparable(a, b, span)
            return .boolean
        case .like:
            for side in [a, b] where side.type != nil && side.type != .string {
                throw error("like matches text, not \(VectorOps.describe(side.type!))", span)
            }
            if case .string(let p)? = Binder.literal(b) {
                do { _ = try Functions.Pattern.compile(p) } catch let f as OperationError { throw error(f.message, b.origin.span, notes: f.notes) }
            }
            return .boolean
        default:
            return try arithmeticType(op, a.type, b.type, span)
        }
    }

    private func numeric(_ t: DataType?, _ what: String, _ span: Span) throws -> DataType? {
        guard let t else { return nil }
        guard t.isNumeric || t == .boolean else { throw error("\(what) needs numbers, not \(t.rawValue) values", span) }
        return t
    }

    private func boolean(_ t: DataType?, _ what: String, _ span: Span) throws {
        if let t, t != .boolean { throw error("\(what) needs a condition (true or false), not \(VectorOps.describe(t))", span) }
    }

    private func arithmeticType(_ op: BinaryOp, _ a: DataType?, _ b: DataType?, _ span: Span) throws -> DataType? {
        if a?.isTemporal == true || b?.isTemporal == true { return try calendarType(op, a, b, span) }
        let x = try numeric(a, "`\(op.rawValue)`", span), y = try numeric(b, "`\(op.rawValue)`", span)
        guard let x, let y else { return nil }
        if op == .divide || x == .decimal || y == .decimal { return .decimal }
        return .integer
    }

    /// Calendar arithmetic: a date or timestamp plus or minus whole days keeps its type; the
    /// difference of two is in days, an integer for two dates, else a decimal.
    private func calendarType(_ op: BinaryOp, _ a: DataType?, _ b: DataType?, _ span: Span) throws -> DataType? {
        let days: (DataType?) -> Bool = { $0 == nil || $0 == .integer }
        switch (op, a, b) {
        case (.subtract, let x?, let y?) where x.isTemporal && y.isTemporal: return x == .date && y == .date ? .integer : .decimal
        case (.subtract, nil, _): return nil
        case (.add, let x?, let y) where x.isTemporal && days(y), (.subtract, let x?, let y) where x.isTemporal && days(y): return x
        case (.add, let x, let y?) where y.isTemporal && days(x): return y
        case (.add, let x?, let y?) where x.isTemporal && y.isTemporal:
            throw error("cannot add two dates or timestamps", span, notes: ["b - a is the days from a to b"])
        case (.subtract, let x?, let y?) where y.isTemporal:
            throw error("cannot subtract \(VectorOps.describe(y)) from \(VectorOps.describe(x))", span,
                        notes: ["joined - 7 is a week earlier; b - a is the days from a to b"])
        case (.add, _, _), (.subtract, _, _):
            let other = (a?.isTemporal ?? false) ? b : a
            throw error("`\(op.rawValue)` takes a date or timestamp and a whole number of days, not \(other.map(VectorOps.describe) ?? "null")", span,
                        notes: ["joined + 7 is a week later, joined - 7 a week earlier; b - a is the days from a to b"])
        default:
            _ = try numeric(a?.isTemporal == true ? a : b, "`\(op.rawValue)`", span)
            return nil
        }
    }

    /// Whether two values can be compared: numbers with numbers, text with text, booleans with
    /// booleans, dates and timestamps with each other or with text that reads as one.
    private func comparable(_ a: BoundExpr, _ b: BoundExpr, _ span: Span) throws {
        guard let x = a.type, let y = b.type else { return }
        if x == y || (x.isNumeric && y.isNumeric) || (x.isTemporal && y.isTemporal) { return }
        if (x == .string && y.isTemporal) || (x.isTemporal && y == .string) {
            // Text compared with a date is read as one: a literal is checked here, a column as it runs.
            for side in [a, b] {
                if case .literal(.string(let s)) = side.kind {
                    do { _ = try VectorOps.asTemporal(Value.string(s).repeated(1)) } catch let e as OperationError {
                        throw error(e.message, span)
                    }
                }
            }
            return
        }
        throw error("cannot compare \(VectorOps.describe(x)) with \(VectorOps.describe(y))", span)
    }

    private func membershipTypes(_ probe: DataType?, _ members: DataType?, _ span: Span) throws {
        guard let p = probe, let m = members else { return }
        let integral: (DataType) -> Bool = { $0 == .integer || $0.isTemporal || $0 == .boolean }
        if (p == .string && m == .string) || (integral(p) && integral(m)) { return }
        throw error("cannot look for \(VectorOps.describe(p)) values among \(VectorOps.describe(m)) values", span)
    }
}
