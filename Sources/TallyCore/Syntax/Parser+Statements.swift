/// The script and its statements: load, measure, link, set, let, print, check, include, export,
/// describe, summary, explain (a query is any other statement: Parser+Queries.swift).
extension Parser {
    // MARK: Script and statements

    /// script -> { statement ( ";" | NEWLINE | END ) }
    mutating func parseScript() -> ([Statement], [Diagnostic]) {
        var statements: [Statement] = []
        var errors: [Diagnostic] = []
        while true {
            while current.kind == .newline || current.kind == .symbol(.semicolon) { pos += 1 }
            if current.kind == .end { break }
            let start = pos
            do {
                let s = try parseStatement()
                let t = peekOptional()
                switch t.kind {
                case .newline, .symbol(.semicolon), .end: statements.append(s)
                default: throw unexpected(t, expected: "the end of the statement")
                }
            } catch let d as Diagnostic {
                if let (hint, end) = sqlHabit(for: d, statementStart: start, errorToken: pos) {
                    errors.append(hint)
                    pos = max(pos, end)
                } else {
                    errors.append(misspeltKeyword(d, statementStart: start, errorToken: pos) ?? d)
                }
                synchronize()
            } catch {
                errors.append(Diagnostic(.error, "\(error)"))
                synchronize()
            }
        }
        return (statements, errors)
    }

    /// Skips to the start of the next statement after an error.
    mutating func synchronize() {
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
                    // `sheet` is a keyword (export … sheet), and a load option too.
                    let n = check(.sheet) ? Name(text: "sheet", span: advance().span)
                        : try expectName("a load option (such as delimiter)")
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
            // export -> "export" query "to" expr [ "sheet" expr ] [ "with" "bom" ]
            pos += 1
            let query = try parseQuery()
            try expect(.to, "`to` and the file to write")
            let path = try parseExpr()
            var options = ExportOptions()
            if check(.sheet) {
                let keyword = advance()
                let name = try parseExpr()
                (options.sheet, options.sheetSpan) = (name, keyword.span.to(name.span))
            }
            if check(.with) {
                let keyword = advance()
                let bom = try expect(.bom, "`bom` (with bom writes a byte-order mark first, for Excel)")
                options.bom = keyword.span.to(bom.span)
            }
            return done(.export(query, to: path, options))
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
    mutating func parseValueList(_ what: String) throws -> [String] {
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
    mutating func parseLinkColumns(_ what: String) throws -> [Name] {
        guard match(.lparen) else { return [try expectName(what)] }
        var names = [try expectName(what)]
        while match(.comma) { names.append(try expectName(what)) }
        try expect(.rparen, "`)` to close the list of columns")
        return names
    }
}
