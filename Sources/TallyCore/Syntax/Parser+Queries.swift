/// Queries: the measures, the table, and the clauses (where, by, having, bucket, across, pct,
/// total, sort, top, rank, chart), each case opening with its rule.
extension Parser {
    /// query -> item { "," item } table { clause } | "list" [ item { "," item } ] table { clause }
    mutating func parseQuery() throws -> Query {
        let start = peek().span
        if match(.list) { return try parseList(start) }
        var items = [try parseItem()]
        while match(.comma) { items.append(try parseItem()) }
        return try parseQueryTail(items: items, start: start)
    }

    /// `list TABLE …` (every column) or `list col, … TABLE …`.
    mutating func parseList(_ start: Span) throws -> Query {
        var items: [Item] = []
        let first = peek()
        let second = pos + 1 < tokens.count ? tokens[pos + 1] : first
        // `list TABLE` alone, or followed by a clause or by export's `to`: every column.
        var bareTable = false
        if first.kind == .identifier {
            switch second.kind {
            case .end, .newline, .symbol(.semicolon): bareTable = true
            case .keyword(let k): bareTable = k.role == .clause || k == .to
            default: break
            }
        }
        if !bareTable {
            items = [try parseItem()]
            while match(.comma) { items.append(try parseItem()) }
        }
        var q = try parseQueryTail(items: items, start: start)
        q.listing = true
        return q
    }

    mutating func parseItem() throws -> Item {
        let e = try parseExpr()
        var alias: Name?
        if match(.as) { alias = try parseColumnName("a name for this column") }
        return Item(expr: e, alias: alias)
    }

    /// An output column's name: a name, `count`, or a string.
    mutating func parseColumnName(_ what: String) throws -> Name {
        let t = peek()
        switch t.kind {
        case .identifier: pos += 1; return Name(text: t.text, span: t.span)
        case .string: pos += 1; return Name(text: t.text, span: t.span)
        case .keyword(let k) where k == .count || k == .total: pos += 1; return Name(text: k.rawValue, span: t.span)
        default: throw unexpected(t, expected: what)
        }
    }

    mutating func parseQueryTail(items: [Item], start: Span) throws -> Query {
        let t = peek()
        guard t.kind == .identifier else {
            var notes: [String] = []
            if t.kind == .end { endedEarly = true }
            if t.kind == .end || t.kind == .newline { notes.append("a query names its table after the measures: count enrollments where paid") }
            throw Diagnostic(.error, "expected a table name after the measures, found \(describe(t))", in: source, span: t.span, notes: notes)
        }
        pos += 1
        var q = Query(items: items, table: Name(text: t.text, span: t.span), filter: nil, span: start)
        var seen = Set<String>()
        func once(_ k: Token) throws {
            let word = source.slice(k.span).lowercased()
            if !seen.insert(word).inserted { throw error("`\(word)` is given twice in this query", k.span) }
            q.clauseSpans[word] = k.span
        }
        clauses: while true {
            let k = peekOptional()
            if k.kind == .identifier && k.text.lowercased() == "rank" {
                // rank -> "rank" [ "as" colname ]   (a word, not a keyword: a column may be called rank)
                try once(k); pos += 1
                q.rank = match(.as) ? try parseColumnName("a name for the rank column").text : "rank"
                continue
            }
            guard case .keyword(let kw) = k.kind else { break }
            switch kw {
            case .where:
                // where -> "where" expr
                try once(k); pos += 1
                q.filter = try parseExpr()
            case .by:
                // by -> "by" [ "all" ] item { "," [ "all" ] item }   ("all" a word: a column may be called all)
                try once(k); pos += 1
                repeat {
                    let t = peek()
                    if t.kind == .identifier && t.text.lowercased() == "all" && tokens[pos + 1].kind == .identifier {
                        pos += 1
                        q.allValues.insert(q.dimensions.count)
                    }
                    q.dimensions.append(try parseItem())
                } while match(.comma)
            case .across:
                // across -> "across" name [ "." name ] [ "(" value { "," value } ")" ] [ "as" colname ]
                try once(k); pos += 1
                let first = try expectName("the column whose values become columns")
                var e = Expr(kind: .name(first.text), span: first.span)
                if match(.dot) {
                    let c = try expectName("a column name")
                    e = Expr(kind: .qualified(table: first, column: c), span: first.span.to(c.span))
                }
                if match(.lparen) {
                    q.acrossValues = try parseValueList("a value that becomes a column, as in across project (\"市常规远程培训\", \"提升工程2.0\")")
                }
                q.across = Item(expr: e, alias: nil)
            case .having:
                // having -> "having" expr   (over the groups; may name the output columns)
                try once(k); pos += 1
                q.having = try parseExpr()
            case .bucket:
                // bucket -> "bucket" [ item "at" ] number { "," number } [ "as" colname ] [ "labels" "(" string { "," string } ")" ]
                try once(k); pos += 1
                let n0 = peek()
                if !(n0.kind == .integer || n0.kind == .decimal || n0.kind == .symbol(.minus) || n0.kind == .end || n0.kind == .newline) {
                    q.bucketValue = try parseItem()
                    let at = peek()
                    guard at.kind == .identifier && at.text.lowercased() == "at" else {
                        throw unexpected(at, expected: "`at` and the thresholds, as in bucket length(content) at 100, 200, 500")
                    }
                    pos += 1
                }
                var bounds: [(Double, String)] = []
                repeat {
                    let negative = match(.minus)
                    let n = peek()
                    guard n.kind == .integer || n.kind == .decimal, let v = Double(n.text), v.isFinite else {
                        throw unexpected(n, expected: "a threshold number, as in bucket 90,80,70,60")
                    }
                    pos += 1
                    bounds.append((negative ? -v : v, (negative ? "-" : "") + n.text))
                } while match(.comma)
                if Set(bounds.map { $0.0 }).count != bounds.count {
                    throw error("a threshold is given twice", k.span.to(tokens[pos - 1].span))
                }
                q.bucket = bounds.map { (value: $0.0, text: $0.1) }
                if match(.as) { q.bucketCountName = try parseColumnName("a name for the count column").text }
                if peekOptional().kind == .identifier && current.text.lowercased() == "labels" {
                    pos += 1
                    try expect(.lparen, "`(` and a name for each band")
                    q.bucketLabels = try parseValueList("a band's name, as in labels (\"优秀\", \"良好\", \"及格\", \"不及格\")")
                }
            case .pct:
                // pct -> "pct" [ "as" colname ]
                try once(k); pos += 1
                q.pct = true
                if match(.as) { q.shareName = try parseColumnName("a name for the share column").text }
            case .total:
                // total -> "total" [ string ]
                try once(k); pos += 1
                q.total = "total"
                if peekOptional().kind == .string { q.total = advance().text }
            case .sort:
                // sort -> "sort" sortkey { "," sortkey }
                // sortkey -> colname [ "(" value { "," value } ")" ] [ "pinyin" ] [ "asc" | "desc" ]   ("pinyin" a word)
                try once(k); pos += 1
                repeat {
                    let name = try parseColumnName("an output column to sort by")
                    var order: [String]?
                    if match(.lparen) {
                        order = try parseValueList("a value to sort by, as in sort rating (\"很满意\", \"满意\")")
                    }
                    var pinyin: Span?
                    if peekOptional().kind == .identifier && current.text.lowercased() == "pinyin" { pinyin = advance().span }
                    var descending = false
                    if match(.desc) { descending = true } else { _ = match(.asc) }
                    q.sort.append(SortKey(column: name, descending: descending, order: order, pinyin: pinyin))
                } while match(.comma)
            case .top:
                // top -> "top" integer [ "with" "ties" ] [ "per" colname { "," colname } ]
                try once(k); pos += 1
                let n = peek()
                guard n.kind == .integer, let v = Int(n.text), v >= 0 else {
                    throw unexpected(n, expected: "a row count, as in top 10")
                }
                pos += 1
                q.top = v
                if check(.with) {
                    let t = tokens[pos + 1 < tokens.count ? pos + 1 : pos]
                    guard t.kind == .identifier, t.text.lowercased() == "ties" else { break }
                    pos += 2
                    q.withTies = true
                }
                if peekOptional().kind == .identifier && current.text.lowercased() == "per" {
                    pos += 1
                    repeat { q.per.append(try parseColumnName("an output column, as in top 5 per district")) } while match(.comma)
                }
            case .chart:
                // chart -> "chart"
                try once(k); pos += 1
                q.chart = true
            default:
                break clauses
            }
        }
        q.span = start.to(tokens[max(0, pos - 1)].span)
        return q
    }

    /// An expression, or a query whose first measure is that expression (`let`, `print`, `( … )`).
    mutating func parseExprOrQuery() throws -> Expr {
        let start = peek().span
        if peek().kind == .keyword(.list) {
            let q = try parseQuery()
            return Expr(kind: .subquery(q), span: q.span)
        }
        let first = try parseItem()
        let next = peekOptional()
        if next.kind == .identifier || (next.kind == .symbol(.comma) && first.expr.isAggregateLike) || first.alias != nil {
            var items = [first]
            while match(.comma) { items.append(try parseItem()) }
            let q = try parseQueryTail(items: items, start: start)
            return Expr(kind: .subquery(q), span: q.span)
        }
        return first.expr
    }
}
