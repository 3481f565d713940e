/// Expressions, lowest precedence first, and strings with `{…}` parts.
extension Parser {
    // MARK: Expressions, lowest precedence first

    /// expr -> or
    public mutating func parseExpr() throws -> Expr {
        try enter(peek().span)
        defer { depth -= 1 }
        return try parseOr()
    }

    /// or -> and { "or" and }
    mutating func parseOr() throws -> Expr {
        try parseChain(next: { try $0.parseAnd() }, op: { $0.match(.or) ? .or : nil })
    }

    /// and -> not { "and" not }
    mutating func parseAnd() throws -> Expr {
        try parseChain(next: { try $0.parseNot() }, op: { $0.match(.and) ? .and : nil })
    }

    /// The most operands one chain of `+`, `and`, … may have: longer input is an error.
    public static let maxChain = 100_000

    /// A run of operands joined by operators of one precedence level, left to right. Two
    /// operands make a binary node; more make one chain node, so that a long chain
    /// (`1 + 1 + … + 1`, a 50,000-term `or`) is never a deep tree.
    mutating func parseChain(next: (inout Parser) throws -> Expr, op: (inout Parser) -> BinaryOp?) throws -> Expr {
        let first = try next(&self)
        var rest: [ChainLink] = []
        while let o = op(&self) {
            let r = try next(&self)
            rest.append(ChainLink(op: o, operand: r))
            if rest.count >= Parser.maxChain {
                throw error("this expression chains more than \(Parser.maxChain) operands", r.span,
                            notes: ["split it, for example with let: let a = …; let b = …; print a + b"])
            }
        }
        switch rest.count {
        case 0: return first
        case 1: return Expr(kind: .binary(rest[0].op, first, rest[0].operand), span: first.span.to(rest[0].operand.span))
        default: return Expr(kind: .chain(first, rest), span: first.span.to(rest[rest.count - 1].operand.span))
        }
    }

    /// not -> "not" not | comparison
    mutating func parseNot() throws -> Expr {
        let t = peek()
        if t.kind == .keyword(.not) {
            pos += 1
            try enter(t.span)
            defer { depth -= 1 }
            let e = try parseNot()
            return Expr(kind: .not(e), span: t.span.to(e.span))
        }
        return try parseComparison()
    }

    /// comparison -> additive [ cmpop additive | ["not"] "in" "(" list ")" | ["not"] "between" additive "and" additive
    ///               | ["not"] "like" additive | "is" ["not"] "null" ]
    mutating func parseComparison() throws -> Expr {
        let l = try parseAdditive()
        let t = peekOptional()
        let ops: [Symbol: BinaryOp] = [.eq: .eq, .ne: .ne, .lt: .lt, .le: .le, .gt: .gt, .ge: .ge]
        if case .symbol(let s) = t.kind, let op = ops[s] {
            pos += 1
            let r = try parseAdditive()
            return Expr(kind: .binary(op, l, r), span: l.span.to(r.span))
        }
        var negated = false
        if t.kind == .keyword(.not), pos + 1 < tokens.count,
           [Token.Kind.keyword(.in), .keyword(.between), .keyword(.like)].contains(tokens[pos + 1].kind) {
            negated = true
            pos += 1
        }
        if match(.like) {
            let r = try parseAdditive()
            let e = Expr(kind: .binary(.like, l, r), span: l.span.to(r.span))
            return negated ? Expr(kind: .not(e), span: e.span) : e
        }
        if match(.in) {
            try expect(.lparen, "`(` and a list of values, or a table, after `in`")
            var values: [Expr] = []
            if !check(.rparen) {
                values.append(try parseExpr())
                while match(.comma) { values.append(try parseExpr()) }
            }
            var filter: Expr?
            if match(.where) { filter = try parseExpr() }
            let close = try expect(.rparen, "`)` to close the list")
            if values.isEmpty { throw error("an `in` list needs at least one value", t.span.to(close.span)) }
            return Expr(kind: .inList(l, values, filter: filter, negated: negated), span: l.span.to(close.span))
        }
        if match(.between) {
            let low = try parseAdditive()
            try expect(.and, "`and` between the two bounds")
            let high = try parseAdditive()
            return Expr(kind: .between(l, low: low, high: high, negated: negated), span: l.span.to(high.span))
        }
        if negated { throw unexpected(peek(), expected: "`in`, `between` or `like` after `not`") }
        if match(.is) {
            let neg = match(.not)
            let n = try expect(.null, "`null` after `is`")
            return Expr(kind: .isNull(l, negated: neg), span: l.span.to(n.span))
        }
        return l
    }

    /// additive -> multiplicative { ("+" | "-") multiplicative }
    mutating func parseAdditive() throws -> Expr {
        try parseChain(next: { try $0.parseMultiplicative() }, op: { p in p.match(.plus) ? .add : p.match(.minus) ? .subtract : nil })
    }

    /// multiplicative -> unary { ("*" | "/" | "%") unary }
    mutating func parseMultiplicative() throws -> Expr {
        try parseChain(next: { try $0.parseUnary() },
                       op: { p in p.match(.star) ? .multiply : p.match(.slash) ? .divide : p.match(.percent) ? .remainder : nil })
    }

    /// unary -> "-" unary | primary
    mutating func parseUnary() throws -> Expr {
        let t = peek()
        if t.kind == .symbol(.minus) {
            pos += 1
            try enter(t.span)
            defer { depth -= 1 }
            let e = try parseUnary()
            if case .literal(.integer(let v)) = e.kind { return Expr(kind: .literal(.integer(-v)), span: t.span.to(e.span)) }
            if case .literal(.decimal(let v)) = e.kind { return Expr(kind: .literal(.decimal(-v)), span: t.span.to(e.span)) }
            return Expr(kind: .negate(e), span: t.span.to(e.span))
        }
        return try parsePrimary()
    }

    /// primary -> number | string | true | false | null | count-call | name [ "(" args ")" ] | name "." name | "(" expr-or-query ")"
    mutating func parsePrimary() throws -> Expr {
        let t = peek()
        switch t.kind {
        case .integer:
            pos += 1
            guard let v = Int64(t.text) else { throw error("the number \(t.text) is too large for an integer", t.span) }
            return Expr(kind: .literal(.integer(v)), span: t.span)
        case .decimal:
            pos += 1
            guard let v = Double(t.text), v.isFinite else {
                throw error("this number is too large for a decimal (the largest is about 1.8e308)", t.span)
            }
            return Expr(kind: .literal(.decimal(v)), span: t.span)
        case .string:
            pos += 1
            return try interpolated(t)
        case .keyword(.true), .keyword(.false):
            pos += 1
            return Expr(kind: .literal(.boolean(t.kind == .keyword(.true))), span: t.span)
        case .keyword(.null):
            pos += 1
            return Expr(kind: .literal(.null), span: t.span)
        case .keyword(.count):
            pos += 1
            let name = Name(text: "count", span: t.span)
            if current.kind == .symbol(.lparen) { return try parseCall(name) }
            if current.kind == .keyword(.distinct) {
                pos += 1
                let arg = try parseUnary()
                return Expr(kind: .call(name: name, args: [arg], distinct: true, filter: nil), span: t.span.to(arg.span))
            }
            return Expr(kind: .call(name: name, args: [], distinct: false, filter: nil), span: t.span)
        case .identifier:
            pos += 1
            let name = Name(text: t.text, span: t.span)
            if current.kind == .symbol(.lparen) { return try parseCall(name) }
            if current.kind == .symbol(.dot) {
                pos += 1
                let column = try expectName("a column name after `\(t.text).`")
                return Expr(kind: .qualified(table: name, column: column), span: t.span.to(column.span))
            }
            return Expr(kind: .name(t.text), span: t.span)
        case .symbol(.lparen):
            pos += 1
            var e = try parseExprOrQuery()   // parseExpr inside counts the level
            let close = try expect(.rparen, "`)` to close `(`")
            e.span = t.span.to(close.span)
            return e
        default:
            throw unexpected(t, expected: "a value, a column or a measure")
        }
    }

    /// call -> name "(" [ "distinct" ] [ expr { "," expr } ] [ "where" expr ] ")"
    mutating func parseCall(_ name: Name) throws -> Expr {
        try expect(.lparen, "`(`")
        let distinct = match(.distinct)
        var args: [Expr] = []
        if name.text == "count" && check(.star) {
            pos += 1   // count(*) counts rows, as in SQL
        } else if !check(.rparen) && !check(.where) {
            args.append(try parseExpr())
            while match(.comma) { args.append(try parseExpr()) }
        }
        var filter: Expr?
        if match(.where) { filter = try parseExpr() }
        let close = try expect(.rparen, "`)` to close the arguments of \(name.text)")
        return Expr(kind: .call(name: name, args: args, distinct: distinct, filter: filter), span: name.span.to(close.span))
    }

    /// A string's `{expr}` parts are parsed from the source itself, so their spans are exact.
    mutating func interpolated(_ t: Token) throws -> Expr {
        let b = source.bytes
        let quote = b[t.span.start]
        var parts: [StringPart] = []
        var text: [UInt8] = []
        var i = t.span.start + 1
        let end = t.span.end - 1
        while i < end {
            let c = b[i]
            if c == quote { text.append(c); i += 2; continue }           // doubled quote
            if c == 123 && i + 1 < end && b[i + 1] == 123 { text.append(123); i += 2; continue }  // {{
            if c == 125 && i + 1 < end && b[i + 1] == 125 { text.append(125); i += 2; continue }  // }}
            if c == 123 {
                guard let close = (i + 1..<end).first(where: { b[$0] == 125 }) else {
                    throw error("`{` in a string is never closed", Span(i, i + 1), notes: ["write {{ for a literal brace"])
                }
                if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))); text = [] }
                // `{expr:SPEC}`: SPEC = [ "0" width ] [ "." decimals ], as in {x:.1}, {month:02}, {n:06.2}.
                var exprEnd = close
                var spec = FormatSpec()
                if let colon = (i + 1..<close).last(where: { b[$0] == 58 }),
                   let parsed = FormatSpec(String(decoding: b[(colon + 1)..<close], as: UTF8.self)) {
                    guard (parsed.decimals ?? 0) <= Format.maxDecimals else {
                        let digits = (colon + 1..<close).first { b[$0] == 46 }! + 1   // after the `.`
                        throw error("at most \(Format.maxDecimals) decimals can be shown", Span(digits, close), notes: ["as in {x:.2}"])
                    }
                    guard (parsed.width ?? 0) <= FormatSpec.maxWidth else {
                        throw error("a number is padded to at most \(FormatSpec.maxWidth) digits", Span(colon + 1, close), notes: ["as in {month:02}"])
                    }
                    spec = parsed
                    exprEnd = colon
                }
                var inner = Parser(source: source, tokens: try Lexer.tokenize(source, range: (i + 1)..<exprEnd))
                if inner.peek().kind == .end { throw error("empty `{}` in a string", Span(i, close + 1)) }
                let e = try inner.parseExprOrQuery()
                let rest = inner.peek()
                if rest.kind != .end { throw inner.unexpected(rest, expected: "`}`") }
                parts.append(.expr(e, spec))
                i = close + 1
                continue
            }
            text.append(c)
            i += 1
        }
        if parts.isEmpty { return Expr(kind: .literal(.string(String(decoding: text, as: UTF8.self))), span: t.span) }
        if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))) }
        return Expr(kind: .interpolated(parts), span: t.span)
    }
}

extension Expr {
    /// True for an aggregate call or a bare name (which may be a measure).
    var isAggregateLike: Bool {
        switch kind {
        case .call, .name, .binary, .chain: true
        default: false
        }
    }
}
