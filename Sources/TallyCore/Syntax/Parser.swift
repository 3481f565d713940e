/// Recursive descent over the tokens, one method per grammar rule (see Grammar.md).
///
/// Statements end at `;`, at the end of the input, or at a newline — unless the statement
/// cannot end there (inside parentheses, after an operator, a comma or a clause keyword) or the
/// next line starts with a keyword that continues it (`Keyword.continuesStatement`: the clause
/// keywords, `and`, `or`, `to`, `with`). After an error the parser skips to the next statement,
/// so one run reports every syntax error once.
public struct Parser {
    private let source: SourceFile
    private var tokens: [Token]
    private var pos = 0
    private var depth = 0
    public static let maxDepth = 200

    public init(source: SourceFile, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    /// Parses a whole script. Throws the first lexical error; returns the statements and
    /// the syntax errors found (statements with errors are left out).
    public static func parse(_ source: SourceFile) throws -> (statements: [Statement], errors: [Diagnostic]) {
        var p = Parser(source: source, tokens: try Lexer.tokenize(source))
        return p.parseScript()
    }

    /// Parses a script and throws its first error, if any.
    public static func parseOrThrow(_ source: SourceFile) throws -> [Statement] {
        let (statements, errors) = try parse(source)
        if let first = errors.first { throw first }
        return statements
    }

    // MARK: Token helpers

    private var current: Token { tokens[pos] }

    /// The next token where the grammar needs one: newlines are skipped.
    private mutating func peek() -> Token {
        while tokens[pos].kind == .newline { pos += 1 }
        return tokens[pos]
    }

    /// The next token where the statement may end: a newline counts, unless the next line
    /// starts with a keyword that continues the statement.
    private mutating func peekOptional() -> Token {
        if tokens[pos].kind == .newline, pos + 1 < tokens.count,
           case .keyword(let k) = tokens[pos + 1].kind, k.continuesStatement {
            pos += 1
        }
        return tokens[pos]
    }

    @discardableResult
    private mutating func advance() -> Token {
        let t = peek()
        if t.kind != .end { pos += 1 }
        return t
    }

    private mutating func check(_ k: Keyword) -> Bool { peekOptional().kind == .keyword(k) }
    private mutating func check(_ s: Symbol) -> Bool { peekOptional().kind == .symbol(s) }

    private mutating func match(_ k: Keyword) -> Bool {
        if check(k) { pos += 1; return true }
        return false
    }

    private mutating func match(_ s: Symbol) -> Bool {
        if check(s) { pos += 1; return true }
        return false
    }

    @discardableResult
    private mutating func expect(_ k: Keyword, _ what: String) throws -> Token {
        let t = peek()
        guard t.kind == .keyword(k) else { throw unexpected(t, expected: what) }
        pos += 1
        return t
    }

    @discardableResult
    private mutating func expect(_ s: Symbol, _ what: String) throws -> Token {
        let t = peek()
        guard t.kind == .symbol(s) else { throw unexpected(t, expected: what) }
        pos += 1
        return t
    }

    private mutating func expectName(_ what: String) throws -> Name {
        let t = peek()
        guard t.kind == .identifier else {
            if case .keyword(let k) = t.kind {
                throw error("`\(k.rawValue)` is a keyword, not a name", t.span,
                            notes: ["expected \(what); to use `\(k.rawValue)` as a name, quote it: `\(k.rawValue)` in backticks"])
            }
            throw unexpected(t, expected: what)
        }
        pos += 1
        return Name(text: t.text, span: t.span)
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .end: "the end of the input"
        case .newline: "the end of the line"
        case .string: "a string"
        case .integer, .decimal: "the number \(t.text)"
        default: "`\(source.slice(t.span))`"
        }
    }

    private func error(_ message: String, _ span: Span, notes: [String] = []) -> Diagnostic {
        Diagnostic(.error, message, in: source, span: span, notes: notes)
    }

    /// Set when an error was found at the end of the input: the statement may just be unfinished.
    private(set) var endedEarly = false

    private mutating func unexpected(_ t: Token, expected: String) -> Diagnostic {
        if t.kind == .end { endedEarly = true }
        return error("expected \(expected), found \(describe(t))", t.span)
    }

    private mutating func enter(_ span: Span) throws {
        depth += 1
        if depth > Parser.maxDepth {
            throw error("this expression is nested too deeply (more than \(Parser.maxDepth) levels)", span)
        }
    }

    // MARK: Script and statements

    /// script -> { statement ( ";" | NEWLINE | END ) }
    mutating func parseScript() -> ([Statement], [Diagnostic]) {
        var statements: [Statement] = []
        var errors: [Diagnostic] = []
        while true {
            while current.kind == .newline || current.kind == .symbol(.semicolon) { pos += 1 }
            if current.kind == .end { break }
            do {
                let s = try parseStatement()
                let t = peekOptional()
                switch t.kind {
                case .newline, .symbol(.semicolon), .end: statements.append(s)
                default: throw unexpected(t, expected: "the end of the statement")
                }
            } catch let d as Diagnostic {
                errors.append(d)
                synchronize()
            } catch {
                errors.append(Diagnostic(.error, "\(error)"))
                synchronize()
            }
        }
        return (statements, errors)
    }

    /// Skips to the start of the next statement after an error.
    private mutating func synchronize() {
        depth = 0
        while current.kind != .end && current.kind != .newline && current.kind != .symbol(.semicolon) { pos += 1 }
    }

    mutating func parseStatement() throws -> Statement {
        let t = peek()
        let start = t.span
        func done(_ k: StatementKind) -> Statement {
            Statement(kind: k, span: start.to(tokens[max(0, pos - 1)].span))
        }
        switch t.kind {
        case .keyword(.load):
            // load -> "load" [ name "from" ] expr [ "with" option { "," option } ]
            // option -> name ( "(" entry { "," entry } ")" | expr ) ;  entry -> name "=" name | expr
            pos += 1
            var name: Name?
            if peek().kind == .identifier, tokens[pos + 1].kind == .keyword(.from) {
                name = try expectName("a table name")
                pos += 1
            }
            let path = try parseExpr()
            var options: [LoadOption] = []
            if match(.with) {
                repeat {
                    let n = try expectName("a load option (such as delimiter)")
                    guard match(.lparen) else {
                        options.append(LoadOption(name: n, entries: [.init(key: nil, value: try parseExpr())]))
                        continue
                    }
                    var entries: [LoadOption.Entry] = []
                    if match(.rparen) { options.append(LoadOption(name: n, entries: [])); continue }   // nulls ()
                    repeat {
                        if peek().kind == .identifier, tokens[pos + 1].kind == .symbol(.eq) {
                            let key = try expectName("a column name")
                            pos += 1
                            let value = try expectName("a name after `=`")
                            entries.append(.init(key: key, value: Expr(kind: .name(value.text), span: value.span)))
                        } else {
                            entries.append(.init(key: nil, value: try parseExpr()))
                        }
                    } while match(.comma)
                    try expect(.rparen, "`)` to close the list of \(n.text)")
                    options.append(LoadOption(name: n, entries: entries))
                } while match(.comma)
            }
            return done(.load(name: name, path: path, options: options))
        case .keyword(.measure):
            // measure -> "measure" name "=" expr
            pos += 1
            let name = try expectName("the measure's name")
            try expect(.eq, "`=` after the measure's name")
            return done(.measure(name, try parseExpr()))
        case .keyword(.link):
            // link -> "link" table "." columns "to" table [ "." columns ] ;  columns -> name | "(" name { "," name } ")"
            pos += 1
            let table = try expectName("a table name")
            try expect(.dot, "`.` and the column that holds the key")
            let columns = try parseLinkColumns("a column name")
            try expect(.to, "`to` and the table the key points to")
            let target = try expectName("a table name")
            var keys = columns
            if match(.dot) {
                keys = try parseLinkColumns("the key column")
                guard keys.count == columns.count else {
                    throw error("the link pairs \(columns.count) column\(columns.count == 1 ? "" : "s") with \(keys.count) key column\(keys.count == 1 ? "" : "s")",
                                keys[0].span.to(keys[keys.count - 1].span),
                                notes: ["pair them in order: link tutor_ratings.(course_id, tutor_id) to tutors.(course_id, tutor_id)"])
                }
            }
            return done(.link(table: table, columns: columns, target: target, keys: keys))
        case .keyword(.explain):
            // explain -> "explain" query
            pos += 1
            return done(.explain(try parseQuery()))
        case .keyword(.set), .keyword(.let):
            // set -> "set" name "=" expr ;  let -> "let" name "=" ( query | expr )
            pos += 1
            let name = try expectName("a name")
            try expect(.eq, "`=` after the name")
            let value = try parseExprOrQuery()
            return done(t.kind == .keyword(.set) ? .set(name, value) : .let(name, value))
        case .keyword(.print):
            pos += 1
            return done(.print(try parseExprOrQuery()))
        case .keyword(.check), .keyword(.warn):
            pos += 1
            return done(.check(try parseExpr(), warning: t.kind == .keyword(.warn)))
        case .keyword(.include):
            pos += 1
            return done(.include(try parseExpr()))
        case .keyword(.export):
            // export -> "export" query "to" expr
            pos += 1
            let query = try parseQuery()
            try expect(.to, "`to` and the file to write")
            return done(.export(query, to: try parseExpr()))
        case .keyword(.describe):
            // describe -> "describe" [ "load" ] name
            pos += 1
            let mode: DescribeMode = match(.load) ? .load : .columns
            return done(.describe(try expectName("a table name"), mode))
        case .keyword(.summary):
            // summary -> "summary" name
            pos += 1
            return done(.describe(try expectName("a table name"), .summary))
        case .end:
            throw unexpected(t, expected: "a statement")
        default:
            return done(.query(try parseQuery()))
        }
    }

    /// values -> value { "," value } ")"   (after the opening parenthesis; strings and numbers, as text)
    private mutating func parseValueList(_ what: String) throws -> [String] {
        var values: [String] = []
        repeat {
            let negative = match(.minus)
            let v = peek()
            guard v.kind == .string || v.kind == .integer || v.kind == .decimal, !(negative && v.kind == .string) else {
                throw unexpected(v, expected: what)
            }
            pos += 1
            values.append((negative ? "-" : "") + v.text)
        } while match(.comma)
        try expect(.rparen, "`)` to close the list of values")
        return values
    }

    /// columns -> name | "(" name { "," name } ")"
    private mutating func parseLinkColumns(_ what: String) throws -> [Name] {
        guard match(.lparen) else { return [try expectName(what)] }
        var names = [try expectName(what)]
        while match(.comma) { names.append(try expectName(what)) }
        try expect(.rparen, "`)` to close the list of columns")
        return names
    }

    /// query -> item { "," item } table { clause } | "list" [ item { "," item } ] table { clause }
    mutating func parseQuery() throws -> Query {
        let start = peek().span
        if match(.list) { return try parseList(start) }
        var items = [try parseItem()]
        while match(.comma) { items.append(try parseItem()) }
        return try parseQueryTail(items: items, start: start)
    }

    /// `list TABLE …` (every column) or `list col, … TABLE …`.
    private mutating func parseList(_ start: Span) throws -> Query {
        var items: [Item] = []
        let first = peek()
        let second = pos + 1 < tokens.count ? tokens[pos + 1] : first
        // `list TABLE` alone, or followed by a clause: every column.
        var bareTable = false
        if first.kind == .identifier {
            switch second.kind {
            case .end, .newline, .symbol(.semicolon): bareTable = true
            case .keyword(let k): bareTable = k.role == .clause
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

    private mutating func parseItem() throws -> Item {
        let e = try parseExpr()
        var alias: Name?
        if match(.as) { alias = try parseColumnName("a name for this column") }
        return Item(expr: e, alias: alias)
    }

    /// An output column's name: a name, `count`, or a string.
    private mutating func parseColumnName(_ what: String) throws -> Name {
        let t = peek()
        switch t.kind {
        case .identifier: pos += 1; return Name(text: t.text, span: t.span)
        case .string: pos += 1; return Name(text: t.text, span: t.span)
        case .keyword(let k) where k == .count || k == .total: pos += 1; return Name(text: k.rawValue, span: t.span)
        default: throw unexpected(t, expected: what)
        }
    }

    private mutating func parseQueryTail(items: [Item], start: Span) throws -> Query {
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
                try once(k); pos += 1
                q.pct = true
                if match(.as) { q.shareName = try parseColumnName("a name for the share column").text }
            case .total:
                try once(k); pos += 1
                q.total = "total"
                if peekOptional().kind == .string { q.total = advance().text }
            case .sort:
                try once(k); pos += 1
                repeat {
                    let name = try parseColumnName("an output column to sort by")
                    var order: [String]?
                    if match(.lparen) {
                        order = try parseValueList("a value to sort by, as in sort rating (\"很满意\", \"满意\")")
                    }
                    var descending = false
                    if match(.desc) { descending = true } else { _ = match(.asc) }
                    q.sort.append(SortKey(column: name, descending: descending, order: order))
                } while match(.comma)
            case .top:
                try once(k); pos += 1
                let n = peek()
                guard n.kind == .integer, let v = Int(n.text), v >= 0 else {
                    throw unexpected(n, expected: "a row count, as in top 10")
                }
                pos += 1
                q.top = v
                // top N [ "with" "ties" ] [ "per" colname { "," colname } ]
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
            default:
                break clauses
            }
        }
        q.span = start.to(tokens[max(0, pos - 1)].span)
        return q
    }

    /// An expression, or a query whose first measure is that expression (`let`, `print`, `( … )`).
    private mutating func parseExprOrQuery() throws -> Expr {
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

    // MARK: Expressions, lowest precedence first

    /// expr -> or
    public mutating func parseExpr() throws -> Expr {
        try enter(peek().span)
        defer { depth -= 1 }
        return try parseOr()
    }

    /// or -> and { "or" and }
    private mutating func parseOr() throws -> Expr {
        try parseChain(next: { try $0.parseAnd() }, op: { $0.match(.or) ? .or : nil })
    }

    /// and -> not { "and" not }
    private mutating func parseAnd() throws -> Expr {
        try parseChain(next: { try $0.parseNot() }, op: { $0.match(.and) ? .and : nil })
    }

    /// The most operands one chain of `+`, `and`, … may have: longer input is an error.
    public static let maxChain = 100_000

    /// A run of operands joined by operators of one precedence level, left to right. Two
    /// operands make a binary node; more make one chain node, so that a long chain
    /// (`1 + 1 + … + 1`, a 50,000-term `or`) is never a deep tree.
    private mutating func parseChain(next: (inout Parser) throws -> Expr, op: (inout Parser) -> BinaryOp?) throws -> Expr {
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
    private mutating func parseNot() throws -> Expr {
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
    private mutating func parseComparison() throws -> Expr {
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
    private mutating func parseAdditive() throws -> Expr {
        try parseChain(next: { try $0.parseMultiplicative() }, op: { p in p.match(.plus) ? .add : p.match(.minus) ? .subtract : nil })
    }

    /// multiplicative -> unary { ("*" | "/" | "%") unary }
    private mutating func parseMultiplicative() throws -> Expr {
        try parseChain(next: { try $0.parseUnary() },
                       op: { p in p.match(.star) ? .multiply : p.match(.slash) ? .divide : p.match(.percent) ? .remainder : nil })
    }

    /// unary -> "-" unary | primary
    private mutating func parseUnary() throws -> Expr {
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
    private mutating func parsePrimary() throws -> Expr {
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
    private mutating func parseCall(_ name: Name) throws -> Expr {
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
    private mutating func interpolated(_ t: Token) throws -> Expr {
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
