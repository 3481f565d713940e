/// SQL habits in a statement that does not parse: `select … from`, `group by`, `order by`,
/// `limit N`, and `count(*)` where a column name is expected (`sort count(*) desc`). The error
/// points at the first of them and its note shows the statement rewritten in Tally's words;
/// the next statement starts after the SQL one, whose later lines may start with `group by`,
/// `order by` or `limit`. (`==`, `!=`, `<>` and `count(*)` as a measure are Tally as well;
/// `&&` and `||` are the lexer's.)
extension Parser {
    /// The diagnostic that replaces `error`, and the token (a newline, `;` or the end) where
    /// the statement starting at token `start` ends; nil when the statement has no SQL habit
    /// at or before the error.
    func sqlHabit(for error: Diagnostic, statementStart start: Int, errorToken: Int) -> (Diagnostic, end: Int)? {
        let end = sqlStatementEnd(from: start)
        // The statement's tokens (no newlines) and their depth in parentheses.
        var ts: [(token: Token, depth: Int)] = []
        var depth = 0
        for t in tokens[start..<end] where t.kind != .newline {
            if t.kind == .symbol(.rparen) { depth -= 1 }
            ts.append((t, depth))
            if t.kind == .symbol(.lparen) { depth += 1 }
        }
        func word(_ k: Int) -> String? {
            k < ts.count && ts[k].token.kind == .identifier ? ts[k].token.text.lowercased() : nil
        }
        func isKeyword(_ k: Int, _ kw: Keyword) -> Bool { k < ts.count && ts[k].token.kind == .keyword(kw) }
        let errorStart = tokens[min(errorToken, tokens.count - 1)].span.start

        var edits: [(span: Span, text: String)] = []
        var causes: [(span: Span, message: String)] = []
        var groupItems: [String] = []
        var selectItems: [(span: Span, text: String)] = []
        let isSelect = word(0) == "select" && ts.contains { $0.token.kind == .keyword(.from) && $0.depth == 0 }
        // A table may be called `order` or `group` (`count order by district`): the name right
        // after the measures is the table, not a habit.
        let tablePosition = ts.indices.dropFirst().first { j in
            ts[j].depth == 0 && ts[j].token.kind == .identifier && Parser.endsOperand(ts[j - 1].token)
        }
        var k = 0
        while k < ts.count {
            let (t, d) = ts[k]
            if isSelect, k == 0 {
                if k + 1 < ts.count, ts[k + 1].token.kind == .symbol(.star) {
                    edits.append((t.span.to(ts[k + 1].token.span), "list"))
                    k += 2
                } else {
                    // Columns without an aggregate (and no group by) are rows: `list`.
                    let from = ts.firstIndex { $0.token.kind == .keyword(.from) && $0.depth == 0 } ?? ts.count
                    let aggregates = ts[1..<from].indices.contains { j in
                        let t = ts[j].token
                        return t.kind == .keyword(.count) || (t.kind == .identifier && Lexical.aggregateNames.contains(t.text.lowercased())
                                                              && j + 1 < ts.count && ts[j + 1].token.kind == .symbol(.lparen))
                    }
                    let grouped = ts.indices.contains { word($0) == "group" && isKeyword($0 + 1, .by) }
                    edits.append((t.span, aggregates || grouped ? "" : "list"))
                    selectItems = items(ts, from: 1) { $0.kind == .keyword(.from) }
                    k += 1
                }
                causes.append((t.span, "Tally is not SQL: a query names its measures, then its table, without `select` and `from`"))
                continue
            }
            if isSelect, d == 0, t.kind == .keyword(.from) {
                edits.append((t.span, ""))
            } else if d == 0, let w = word(k), w == "group" || w == "order", isKeyword(k + 1, .by), isSelect || k != tablePosition {
                let span = t.span.to(ts[k + 1].token.span)
                edits.append((span, w == "group" ? "by" : "sort"))
                causes.append((span, w == "group" ? "`group by` is SQL: Tally groups with `by`" : "`order by` is SQL: Tally orders with `sort`"))
                if w == "group" { groupItems = items(ts, from: k + 2) { Parser.endsSQLClause($0) }.map(\.text) }
                k += 2
                continue
            } else if d == 0, word(k) == "limit", k + 1 < ts.count, ts[k + 1].token.kind == .integer {
                edits.append((t.span, "top"))
                causes.append((t.span, "`limit` is SQL: Tally keeps the first rows with `top N`"))
            } else if t.kind == .keyword(.count), k + 3 < ts.count, ts[k + 1].token.kind == .symbol(.lparen),
                      ts[k + 2].token.kind == .symbol(.star), ts[k + 3].token.kind == .symbol(.rparen) {
                let span = t.span.to(ts[k + 3].token.span)
                edits.append((span, "count"))
                // A measure may be written count(*); a column name (after sort, as in SQL) may not.
                if (ts[k + 1].token.span.start...ts[k + 3].token.span.start).contains(errorStart) {
                    causes.append((span, "`count(*)` names no column here: the count column is called `count`"))
                }
                k += 4
                continue
            }
            k += 1
        }
        // `select district, count(*) … group by district`: the grouped column is not a measure.
        if !groupItems.isEmpty {
            let dropped = selectItems.filter { groupItems.contains($0.text) }
            for (n, item) in dropped.enumerated() {
                edits.append((item.span, dropped.count == selectItems.count && n == 0 ? "count" : ""))
            }
        }
        guard let first = causes.first, first.span.start <= errorStart else { return nil }
        let rewritten = rewrite(from: ts.first!.token.span.start, to: ts.last!.token.span.end, edits)
        return (Diagnostic(.error, first.message, in: source, span: first.span, notes: ["write: " + rewritten]), end)
    }

    /// A statement read as SQL continues on lines that start with a clause or with `group`,
    /// `order`, `limit` or `from`: where it ends (a newline, `;` or the end token).
    func sqlStatementEnd(from start: Int) -> Int {
        var depth = 0
        var i = start
        while i < tokens.count - 1 {
            switch tokens[i].kind {
            case .symbol(.lparen): depth += 1
            case .symbol(.rparen): depth -= 1
            case .symbol(.semicolon) where depth <= 0: return i
            case .newline where depth <= 0:
                let next = tokens[i + 1]
                var continues = next.kind == .identifier && ["group", "order", "limit"].contains(next.text.lowercased())
                if case .keyword(let k) = next.kind { continues = k.continuesStatement || k == .from }
                if !continues { return i }
            default: break
            }
            i += 1
        }
        return tokens.count - 1
    }

    /// Whether a token ends an operand, so that a name after it is a query's table.
    static func endsOperand(_ t: Token) -> Bool {
        switch t.kind {
        case .identifier, .integer, .decimal, .string, .symbol(.rparen): true
        case .keyword(let k): k == .count || k == .null || k == .true || k == .false
        default: false
        }
    }

    /// A clause of a SQL statement ends at a keyword of a clause or at `group`, `order`, `limit`.
    static func endsSQLClause(_ t: Token) -> Bool {
        if case .keyword(let k) = t.kind { return k.role == .clause || k == .from }
        return t.kind == .identifier && ["group", "order", "limit"].contains(t.text.lowercased())
    }

    /// The comma-separated items from token `start` up to the first top-level token that `stop`s
    /// them: each one's span and its text (lowercased, spaces removed) for comparing.
    private func items(_ ts: [(token: Token, depth: Int)], from start: Int, until stop: (Token) -> Bool) -> [(span: Span, text: String)] {
        var out: [(span: Span, text: String)] = []
        var first: Int?
        var k = start
        func close(_ last: Int) {
            guard let f = first, f <= last else { return }
            let span = ts[f].token.span.to(ts[last].token.span)
            out.append((span, source.slice(span).lowercased().filter { !$0.isWhitespace }))
        }
        while k < ts.count {
            let (t, d) = ts[k]
            if d == 0 && (stop(t) || t.kind == .symbol(.comma)) {
                close(k - 1)
                first = nil
                if t.kind != .symbol(.comma) { return out }
            } else if first == nil {
                first = k
            }
            k += 1
        }
        close(ts.count - 1)
        return out
    }

    /// The source from `start` to `end` with the edits made (an empty text deletes the span, a
    /// comma after it and the spaces after that), on one line.
    private func rewrite(from start: Int, to end: Int, _ edits: [(span: Span, text: String)]) -> String {
        let b = source.bytes
        var out: [UInt8] = []
        var i = start
        for e in edits.sorted(by: { $0.span.start < $1.span.start }) where e.span.start >= i {
            out += b[i..<e.span.start]
            out += Array(e.text.utf8)
            i = e.span.end
            if e.text.isEmpty {
                var j = i
                while j < end && (b[j] == 32 || b[j] == 9) { j += 1 }
                if j < end && b[j] == 44 { j += 1 }   // the comma after a dropped item
                while j < end && (b[j] == 32 || b[j] == 9) { j += 1 }
                i = j
            }
        }
        out += b[i..<end]
        let text = String(decoding: out, as: UTF8.self)
        return text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
    }
}

extension Parser {
    /// A misspelt keyword where the statement fails: at its start (`lod "exports"`, `mesure`)
    /// the error moves to the word; elsewhere (`count teachers wher …`, `sortt`, `bucekt`) the
    /// error at the word gets a note. nil when the word is not close to a keyword.
    func misspeltKeyword(_ error: Diagnostic, statementStart start: Int, errorToken: Int) -> Diagnostic? {
        var first = start
        while first < tokens.count - 1 && tokens[first].kind == .newline { first += 1 }
        let head = tokens[first]
        if head.kind == .identifier, errorToken > first, errorToken <= first + 2,
           let k = Suggest.closest(to: head.text, in: Lexical.statementKeywords.map(\.rawValue)) {
            return Diagnostic(.error, "`\(head.text)` does not start a statement", in: source, span: head.span,
                              notes: ["did you mean `\(k)`?"])
        }
        let t = tokens[min(errorToken, tokens.count - 1)]
        guard t.kind == .identifier,
              let k = Suggest.closest(to: t.text, in: Keyword.allCases.map(\.rawValue) + Lexical.clauseWords),
              expectedKeyword.map({ $0.0.rawValue != k || $0.at != errorToken }) ?? true else { return nil }
        var d = error
        d.notes.append("did you mean `\(k)`?")
        return d
    }
}
