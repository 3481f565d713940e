import Foundation

/// TAB completion at the prompt, decided from the text before the cursor: what kind of word
/// the grammar expects there (a statement, a table, a column of the statement's table, a
/// measure, a clause, a file) and which known names start with what is typed.
///
/// The text is read with the lexer; an unfinished string or quoted name at the end is
/// tolerated (an open string after `load`/`include` completes file names).
public enum Completion {
    /// Candidates replace the last `replacing` Characters before the cursor.
    public struct Result: Equatable, Sendable {
        public var candidates: [String]
        public var replacing: Int
        public init(candidates: [String], replacing: Int) {
            self.candidates = candidates
            self.replacing = replacing
        }
    }

    /// - Parameters:
    ///   - before: the statement's text up to the cursor (earlier lines of a multi-line
    ///     statement included, separated by "\n").
    ///   - after: the rest of the line after the cursor, used to find the query's table when
    ///     the cursor sits inside its measures.
    ///   - currentDirectory: relative paths are completed from here.
    ///   - commands: the prompt's meta commands (`.help`, `.schema TABLE`, `.run FILE`, …).
    public static func candidates(before: String, after: String = "", catalog: Catalog,
                                  currentDirectory: String,
                                  commands: [Help.Command] = Help.commands) -> Result {
        var context = Context(catalog: catalog, currentDirectory: currentDirectory, after: after)
        let trimmed = before.drop(while: { $0 == " " || $0 == "\t" })
        if trimmed.hasPrefix("."), trimmed.dropFirst().first.map({ !$0.isNumber }) ?? true {
            return context.meta(String(trimmed), commands: commands)
        }
        return context.statement(before)
    }

    /// Keywords that start a statement (besides queries) and query clauses: Lexical's.
    static var statementKeywords: [Keyword] { Lexical.statementKeywords }
    static var clauseKeywords: [Keyword] { Lexical.clauseKeywords }
    /// Keywords that may follow a complete operand in a condition (`x in (…)`, `x not between …`).
    static let operatorKeywords = ["and", "or", "not", "in", "between", "is"]
    static var aggregates: [String] { Lexical.aggregateNames }
    static var functions: [String] { Lexical.functionNames }
}

// MARK: - The analysis

extension Completion {
    /// What the word at the cursor may be, found by walking the statement's tokens.
    fileprivate struct Context {
        let catalog: Catalog
        let currentDirectory: String
        let after: String
        /// The text the statement's tokens were read from (their spans point into it).
        var text = ""

        // MARK: Words

        /// The unfinished word at the end of `text`: a name being typed, a quoted name
        /// (after a backtick) or a string (after a quote).
        enum Tail {
            case word(String)
            case quotedName(String)
            case string(body: String, quote: Character)
            case comment
        }

        /// Splits `text` into what comes before the word being completed and that word.
        func split(_ text: String) -> (context: String, tail: Tail) {
            enum State { case code, string(Character, String.Index), backtick(String.Index), comment }
            var state = State.code
            var i = text.startIndex
            while i < text.endIndex {
                let c = text[i]
                switch state {
                case .code:
                    if c == "\"" || c == "'" { state = .string(c, i) } else if c == "`" { state = .backtick(i) } else if c == "-", text.index(after: i) < text.endIndex, text[text.index(after: i)] == "-" { state = .comment }
                case .string(let q, _):
                    if c == q {
                        let next = text.index(after: i)
                        if next < text.endIndex, text[next] == q { i = next } else { state = .code }   // a doubled quote stays inside
                    }
                case .backtick:
                    if c == "`" { state = .code } else if c == "\n" { state = .code }
                case .comment:
                    if c == "\n" { state = .code }
                }
                i = text.index(after: i)
            }
            switch state {
            case .string(let q, let start):
                let body = String(text[text.index(after: start)...])
                return (String(text[..<start]), .string(body: body, quote: q))
            case .backtick(let start):
                return (String(text[..<start]), .quotedName(String(text[text.index(after: start)...])))
            case .comment:
                return (text, .comment)
            case .code:
                var start = text.endIndex
                while start > text.startIndex {
                    let p = text.index(before: start)
                    guard text[p].unicodeScalars.allSatisfy(Lexical.isNameContinue) else { break }
                    start = p
                }
                return (String(text[..<start]), .word(String(text[start...])))
            }
        }

        // MARK: Statements

        mutating func statement(_ before: String) -> Result {
            let (contextText, tail) = split(before)
            text = contextText
            let word: String, replacing: Int, forceQuotes: Bool
            switch tail {
            case .comment:
                return Result(candidates: [], replacing: 0)
            case .word(let w):
                if let f = w.unicodeScalars.first, f >= "0" && f <= "9" { return Result(candidates: [], replacing: 0) }
                (word, replacing, forceQuotes) = (w, w.count, false)
            case .quotedName(let w):
                (word, replacing, forceQuotes) = (w, w.count + 1, true)
            case .string(let body, let quote):
                guard let tokens = statementTokens(contextText), expectsPath(tokens) else {
                    return Result(candidates: [], replacing: 0)
                }
                return paths(body, quote: quote)
            }
            guard let tokens = statementTokens(contextText) else { return Result(candidates: [], replacing: 0) }
            let offer = expected(tokens, lookahead: contextText + before.suffix(replacing) + after)
            if let pathQuote = offer.pathWithQuote {
                // `load exp` → `load "exports/`: open the quote for the user.
                var r = paths(word, quote: pathQuote)
                r.candidates = r.candidates.map { String(pathQuote) + $0 }
                r.replacing = replacing
                return r
            }
            return Result(candidates: offer.matching(word, quoteNames: forceQuotes), replacing: replacing)
        }

        /// The tokens of the statement the cursor is in (after the last `;`, or after a
        /// newline followed by a statement keyword), without newlines. nil if the text
        /// does not lex.
        func statementTokens(_ text: String) -> [Token]? {
            guard let all = try? Lexer.tokenize(SourceFile(name: "<completion>", text: text)) else { return nil }
            var tokens: [Token] = []
            var afterNewline = false
            for t in all {
                switch t.kind {
                case .end: continue
                case .newline: afterNewline = true; continue
                case .symbol(.semicolon): tokens = []; afterNewline = false; continue
                case .keyword(let k) where afterNewline && Completion.statementKeywords.contains(k): tokens = []
                default: break
                }
                afterNewline = false
                tokens.append(t)
            }
            return tokens
        }

        /// Whether an open string at the end of these tokens is a path.
        func expectsPath(_ tokens: [Token]) -> Bool {
            guard let last = tokens.last else { return false }
            switch last.kind {
            case .keyword(.load), .keyword(.from), .keyword(.include): return true
            case .keyword(.to): return tokens.first?.kind == .keyword(.export)
            case .symbol(.eq): return tokens.first?.kind == .keyword(.set) && tokens.count == 3
            default: return false
            }
        }

        // MARK: What may come next

        struct Offer {
            var keywords: [String] = []
            var names: [String] = []        // tables, columns, measures, variables: quoted as needed
            var verbatim: [String] = []     // `sum(`, `teachers.`, `"tab"`: as they are
            var pathWithQuote: Character?
            /// Listed first: statement keywords; else names come first, then the rest.
            var keywordsFirst = false
            /// Names written as they are although they are keywords (`sort count`).
            var bare = Set<String>()

            func matching(_ word: String, quoteNames: Bool) -> [String] {
                let w = word.lowercased()
                func starts(_ s: String) -> Bool { s.lowercased().hasPrefix(w) }
                var out: [String] = []
                var seen = Set<String>()
                func add(_ s: String) { if seen.insert(s).inserted { out.append(s) } }
                if !quoteNames && keywordsFirst {
                    for k in keywords where starts(k) { add(k) }
                }
                for n in names where starts(n) {
                    add(quoteNames ? Lexical.backticked(n) : bare.contains(n) ? n : Lexical.name(n))
                }
                if !quoteNames {
                    for v in verbatim where starts(v) { add(v) }
                    if !keywordsFirst { for k in keywords where starts(k) { add(k) } }
                }
                return out
            }
        }

        var tableNames: [String] { catalog.tables.map(\.name) }

        func columns(of table: String?) -> [String] {
            if let table, let t = catalog.table(table) { return t.columns.map(\.name) }
            var seen = Set<String>()
            return catalog.tables.flatMap { $0.columns.map(\.name) }.filter { seen.insert($0).inserted }
        }

        /// Other tables, as `table.` prefixes for lookups.
        func lookupPrefixes(except table: String?) -> [String] {
            let own = table.flatMap { catalog.table($0)?.name }
            return tableNames.filter { $0 != own }.map { Lexical.name($0) + "." }
        }

        var measureOffer: Offer {
            var o = Offer()
            o.verbatim = ["count"] + Completion.aggregates.filter { $0 != "count" }.map { $0 + "(" }
            o.names = catalog.measureOrder + catalog.variableNames
            return o
        }

        func expected(_ tokens: [Token], lookahead: String) -> Offer {
            guard let first = tokens.first else {
                var o = measureOffer
                o.keywords = Completion.statementKeywords.map(\.rawValue) + ["count"]
                o.keywordsFirst = true
                return o
            }
            // `table.` anywhere: that table's columns.
            if tokens.count >= 2, tokens[tokens.count - 1].kind == .symbol(.dot),
               tokens[tokens.count - 2].kind == .identifier {
                var o = Offer()
                if let t = catalog.table(tokens[tokens.count - 2].text) { o.names = t.columns.map(\.name) }
                return o
            }
            let rest = Array(tokens.dropFirst())
            switch first.kind {
            case .keyword(.load):
                return load(rest)
            case .keyword(.include):
                var o = Offer()
                if rest.isEmpty { o.pathWithQuote = "\"" }
                return o
            case .keyword(.describe), .keyword(.summary):
                // describe [load] TABLE, summary TABLE
                var o = Offer()
                if rest.isEmpty || (rest.count == 1 && rest[0].kind == .keyword(.load) && first.kind == .keyword(.describe)) {
                    o.names = tableNames
                }
                if rest.isEmpty && first.kind == .keyword(.describe) { o.keywords = ["load"] }
                return o
            case .keyword(.link):
                return link(rest)
            case .keyword(.measure):
                var o = Offer()
                if rest.count == 1 { o.verbatim = ["="] }
                if rest.count >= 2, rest[1].kind == .symbol(.eq) {
                    return query(Array(rest.dropFirst(2)), lookahead: nil, expressionOnly: true)
                }
                return o
            case .keyword(.set), .keyword(.let):
                var o = Offer()
                if rest.count == 1 { o.verbatim = ["="] }
                if rest.count >= 2, rest[1].kind == .symbol(.eq) {
                    return query(Array(rest.dropFirst(2)), lookahead: nil)
                }
                return o
            case .keyword(.print), .keyword(.check), .keyword(.warn):
                return query(rest, lookahead: nil)
            case .keyword(.export):
                return query(rest, lookahead: nil, export: true)
            default:
                return query(tokens, lookahead: lookahead)
            }
        }

        func load(_ rest: [Token]) -> Offer {
            var o = Offer()
            guard let last = rest.last else { o.pathWithQuote = "\""; return o }
            switch last.kind {
            case .keyword(.from): o.pathWithQuote = "\""
            case .string: o.keywords = ["with"]
            case .keyword(.with), .symbol(.comma): o.verbatim = LoadOptions.names
            case .identifier where last.text.lowercased() == "delimiter":
                o.verbatim = LoadOptions.delimiterNames.map(Lexical.string)
            case .identifier where last.text.lowercased() == "encoding":
                o.verbatim = LoadOptions.encodingNames.map(Lexical.string)
            case .identifier where LoadOptions.booleanNames.contains(last.text.lowercased()):
                o.keywords = ["true", "false"]
            case .identifier where rest.count == 1: o.keywords = ["from"]
            default: break
            }
            return o
        }

        func link(_ rest: [Token]) -> Offer {
            var o = Offer()
            switch rest.count {
            case 0, 4: o.names = tableNames
            case 1: o.verbatim = ["."]
            case 3: o.keywords = ["to"]
            default: break
            }
            if rest.count == 4, rest[3].kind != .keyword(.to) { o.names = [] }
            return o
        }

        // MARK: Queries

        /// Where an open parenthesis sits.
        enum Paren {
            case call(String)       // sum( … ), month( … )
            case membership         // x in ( … )
            case group              // ( … ): an expression or a query
        }

        /// Walks a query (or an expression) and offers what may follow its last token.
        func query(_ tokens: [Token], lookahead: String?, expressionOnly: Bool = false, export: Bool = false) -> Offer {
            var walk = QueryWalk()
            for t in tokens { walk.feed(t) }

            // Inside parentheses: the innermost one decides.
            if let (paren, inner) = walk.openParens.last {
                switch paren {
                case .group:
                    return query(inner, lookahead: nil, expressionOnly: expressionOnly)
                case .membership:
                    return membership(inner)
                case .call(let name) where name.lowercased() == "labels":
                    return Offer()                       // the bands' names: text the user writes
                case .call(let name):
                    let table = walk.table ?? tableAhead(lookahead)
                    var o = Offer()
                    let isAggregate = Completion.aggregates.contains(name.lowercased())
                    if inner.isEmpty {
                        if isAggregate { o.keywords = ["distinct", "where"] }
                    }
                    if let last = inner.last, QueryWalk.endsOperand(last) {
                        o.keywords = isAggregate && !inner.contains(where: { $0.kind == .keyword(.where) }) ? ["where"] : []
                        o.keywords += Completion.operatorKeywords
                        return o
                    }
                    o.names = columns(of: table) + catalog.variableNames
                    o.verbatim = Completion.functions.map { $0 + "(" } + lookupPrefixes(except: table)
                    return o
                }
            }

            let lastToken = tokens.last
            let afterOperand = lastToken.map(QueryWalk.endsOperand) ?? false
            guard let table = walk.table else {
                // Still in the measures.
                if lastToken?.kind == .keyword(.distinct) {
                    var o = Offer()
                    o.names = columns(of: tableAhead(lookahead))
                    return o
                }
                if lastToken?.kind == .keyword(.as) { return Offer() }
                if afterOperand {
                    var o = Offer()
                    if expressionOnly { return o }
                    o.names = tableNames               // the measures are complete: the table comes next
                    if lastToken?.kind == .keyword(.count) { o.keywords = ["distinct"] }
                    return o
                }
                var o = measureOffer
                if expressionOnly {
                    o.names = catalog.measureOrder + columns(of: nil) + catalog.variableNames
                    o.verbatim += Completion.functions.map { $0 + "(" }
                }
                return o
            }

            var o = Offer()
            let used = walk.usedClauses.map(\.rawValue) + (walk.sawRank ? ["rank"] : [])
            let unused = Lexical.clauseStarts.filter { !used.contains($0) } + (export && !walk.sawTo ? ["to"] : [])
            if walk.sawTo {
                // export … to "file" [sheet "name"] [with bom]
                switch lastToken?.kind {
                case .keyword(.to)?: o.pathWithQuote = "\""
                case .string?:
                    let afterSheet = tokens.count >= 2 && tokens[tokens.count - 2].kind == .keyword(.sheet)
                    o.keywords = (afterSheet || tokens.contains { $0.kind == .keyword(.sheet) } ? [] : ["sheet"]) + ["with bom"]
                case .keyword(.with)?: o.keywords = ["bom"]
                default: break
                }
                return o
            }
            guard let clause = walk.clause else {
                o.keywords = unused                      // right after the table
                return o
            }
            switch clause {
            case .where, .having:
                if lastToken?.kind == .keyword(.is) { o.keywords = ["null", "not"]; return o }
                if lastToken?.kind == .keyword(.not) && walk.previousIsOperand { o.keywords = ["in", "between"]; return o }
                if afterOperand {
                    o.keywords = Completion.operatorKeywords + unused
                    return o
                }
                if clause == .having {                   // a condition on each group's measures
                    o = measureOffer
                    o.keywords = ["not"]
                    return o
                }
                o.names = columns(of: table) + catalog.variableNames
                o.keywords = ["not"]
                o.verbatim = lookupPrefixes(except: table) + Completion.functions.map { $0 + "(" }
            case .by:
                // `by all COLUMN`: `all` is a word only right after `by` or a comma.
                let startsItem = lastToken?.kind == .keyword(.by) || lastToken?.kind == .symbol(.comma)
                let afterAll = lastToken.map { $0.kind == .identifier && $0.text.lowercased() == "all" } ?? false
                    && tokens.count >= 2 && [.keyword(.by), .symbol(.comma)].contains(tokens[tokens.count - 2].kind)
                if afterOperand && !afterAll { o.keywords = unused; return o }
                if lastToken?.kind == .keyword(.as) { return o }
                o.names = columns(of: table)
                o.verbatim = lookupPrefixes(except: table) + Completion.functions.map { $0 + "(" }
                if startsItem { o.keywords = ["all"] }
            case .bucket:
                // bucket [VALUE at] N, … [as NAME] [labels (…)]
                let words = tokens.drop(while: { $0.span.start < (walk.clauseToken?.span.start ?? 0) }).dropFirst()
                let hasAt = words.contains { $0.kind == .identifier && $0.text.lowercased() == "at" }
                let hasLabels = words.contains { $0.kind == .identifier && $0.text.lowercased() == "labels" }
                switch lastToken?.kind {
                case .keyword(.bucket)?:
                    o.names = columns(of: table)
                    o.verbatim = lookupPrefixes(except: table) + Completion.functions.map { $0 + "(" }
                case .integer?, .decimal?:
                    o.keywords = unused + (hasLabels ? [] : ["as", "labels"])
                default:
                    if afterOperand && !hasAt && !words.contains(where: { if case .integer = $0.kind { true } else { false } }) {
                        o.keywords = ["at"]
                    } else if afterOperand {
                        o.keywords = unused + (hasLabels ? [] : ["labels"])
                    }
                }
            case .sort:
                if lastToken?.kind == .keyword(.sort) || lastToken?.kind == .symbol(.comma) {
                    // `count` and `total` may be written bare after sort.
                    for name in outputColumns(tokens, sortToken: walk.clauseToken) {
                        if ["count", "total"].contains(name.lowercased()) { o.names.append(name); o.bare.insert(name) } else { o.names.append(name) }
                    }
                    return o
                }
                if lastToken.map(QueryWalk.endsOperand) ?? false || lastToken?.kind == .keyword(.count) || lastToken?.kind == .keyword(.total) {
                    o.keywords = ["asc", "desc", "pinyin"] + unused
                    return o
                }
                o.keywords = unused
            case .top:
                if case .integer = lastToken?.kind { o.keywords = unused + ["with ties", "per"] }
            default:
                o.keywords = unused
            }
            return o
        }

        /// Inside `x in ( … )`: a table (with `where` and its columns) or a list of values.
        func membership(_ inner: [Token]) -> Offer {
            var o = Offer()
            guard let first = inner.first else { o.names = tableNames; return o }
            guard first.kind == .identifier, let t = catalog.table(first.text) else { return o }
            if inner.count == 1 { o.keywords = ["where"]; return o }
            if let w = inner.firstIndex(where: { $0.kind == .keyword(.where) }) {
                let cond = inner[(w + 1)...]
                if let last = cond.last, QueryWalk.endsOperand(last) {
                    o.keywords = Completion.operatorKeywords
                } else {
                    o.names = t.columns.map(\.name)
                }
            } else if inner.count == 3, inner[1].kind == .symbol(.dot) {
                o.keywords = ["where"]
            }
            return o
        }

        /// The query's table when the cursor is still in its measures: from the whole line.
        func tableAhead(_ text: String?) -> String? {
            guard let text, let tokens = statementTokens(text) else { return nil }
            var walk = QueryWalk()
            for t in tokens { walk.feed(t) }
            return walk.table
        }

        /// The output columns of the query before `sort`, as its results name them.
        func outputColumns(_ tokens: [Token], sortToken: Token?) -> [String] {
            guard let first = tokens.first, let sortToken else { return ["count"] }
            let bytes = Array(text.utf8)
            guard first.span.start <= sortToken.span.start, sortToken.span.start <= bytes.count else { return ["count"] }
            let source = SourceFile(name: "<completion>",
                                    text: String(decoding: bytes[first.span.start..<sortToken.span.start], as: UTF8.self))
            guard let statements = try? Parser.parseOrThrow(source), let s = statements.first else { return ["count"] }
            let q: Query
            switch s.kind {
            case .query(let query): q = query
            case .export(let query, _, _): q = query
            default: return ["count"]
            }
            // The names the binder gives the output columns (the rank column, first, is not sorted by).
            var binder = Binder(catalog: catalog, source: source)
            guard let bound = try? binder.bind(q) else { return ["count"] }
            return (bound.rank == nil ? bound.columns : Array(bound.columns.dropFirst())).map(\.name)
        }

        // MARK: Meta commands

        func meta(_ text: String, commands: [Help.Command]) -> Result {
            guard let space = text.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                let names = commands.map(\.name).filter { $0.hasPrefix(text.lowercased()) }
                return Result(candidates: names, replacing: text.count)
            }
            let name = text[..<space].lowercased()
            guard let command = commands.first(where: { $0.name == name || $0.aliases.contains(name) }) else {
                return Result(candidates: [], replacing: 0)
            }
            let argument = String(text[space...].drop(while: { $0 == " " || $0 == "\t" }))
            switch command.argument {
            case .none:
                return Result(candidates: [], replacing: 0)
            case .path:
                if let q = argument.first, q == "\"" || q == "'" { return paths(String(argument.dropFirst()), quote: q, literal: false) }
                return paths(argument, quote: nil)
            case .table:
                var o = Offer()
                o.names = tableNames
                let word = split(argument)
                guard case .word(let w) = word.tail, word.context.isEmpty else { return Result(candidates: [], replacing: 0) }
                return Result(candidates: o.matching(w, quoteNames: false), replacing: w.count)
            case .words(let words):
                guard !argument.contains(" ") else { return Result(candidates: [], replacing: 0) }
                return Result(candidates: words.filter { $0.lowercased().hasPrefix(argument.lowercased()) }, replacing: argument.count)
            }
        }

        // MARK: Paths

        /// Files and folders whose names start with the last part of `typed` (a path as
        /// typed so far); folders end with `/`. Inside a string literal (`quote`, `literal`) the
        /// typed text is a string's body: candidates are written with quotes and braces doubled,
        /// and a path that interpolates (`{data}/…`) is not completed. A meta command's quoted
        /// argument is taken as it is. With a quote, a lone file gets the closing quote.
        func paths(_ typed: String, quote: Character?, literal: Bool = true) -> Result {
            var partial = typed
            if let quote, literal {
                guard let text = Lexical.unescaped(typed, quote: quote) else { return Result(candidates: [], replacing: 0) }
                partial = text
            }
            let replacing = typed.count - (typed.lastIndex(of: "/").map { typed.distance(from: typed.startIndex, to: $0) + 1 } ?? 0)
            let slash = partial.lastIndex(of: "/")
            let folderPart = slash.map { String(partial[...$0]) } ?? ""
            let prefix = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
            var folder: String
            if folderPart.hasPrefix("/") {
                folder = folderPart
            } else if folderPart.hasPrefix("~") {
                folder = (folderPart as NSString).expandingTildeInPath
            } else {
                folder = (currentDirectory as NSString).appendingPathComponent(folderPart)
            }
            if folder.isEmpty { folder = "." }
            let fm = FileManager.default
            guard let entries = try? fm.contentsOfDirectory(atPath: folder) else { return Result(candidates: [], replacing: replacing) }
            var candidates: [(String, Bool)] = []
            for e in entries.sorted() where e.hasPrefix(prefix) {
                if e.hasPrefix(".") && !prefix.hasPrefix(".") { continue }
                var isDir: ObjCBool = false
                _ = fm.fileExists(atPath: (folder as NSString).appendingPathComponent(e), isDirectory: &isDir)
                candidates.append((e, isDir.boolValue))
            }
            var names = candidates.map { $0.1 ? $0.0 + "/" : $0.0 }
            if let quote {
                if literal { names = names.map { Lexical.escaped($0, quote: quote) } }
                if candidates.count == 1, !candidates[0].1, !after.hasPrefix(String(quote)) { names[0] += String(quote) }
            }
            return Result(candidates: names, replacing: replacing)
        }
    }

    /// Follows a query's tokens: parentheses, where the measures end and the table is named,
    /// and the clause in force.
    fileprivate struct QueryWalk {
        var openParens: [(Context.Paren, [Token])] = []
        var table: String?
        var tableToken: Token?
        var clause: Keyword?
        var clauseToken: Token?
        var usedClauses = Set<Keyword>()
        var sawTo = false
        /// A `rank` clause (a word, not a keyword) after the table.
        var sawRank = false
        private var previous: Token?
        private var beforePrevious: Token?
        /// Whether the token before the last one ended an operand (`x not` → `in`/`between`).
        var previousIsOperand: Bool { beforePrevious.map(QueryWalk.endsOperand) ?? false }

        /// Whether a token ends an operand: after it, an operator, a clause or the table may follow.
        static func endsOperand(_ t: Token) -> Bool { Parser.endsOperand(t) }

        mutating func feed(_ t: Token) {
            defer { beforePrevious = previous; previous = t }
            if !openParens.isEmpty {
                if t.kind == .symbol(.rparen) {
                    openParens.removeLast()
                    if !openParens.isEmpty { openParens[openParens.count - 1].1.append(t) }
                    return
                }
                if t.kind == .symbol(.lparen) {
                    openParens[openParens.count - 1].1.append(t)
                    openParens.append((paren(after: previous), []))
                    return
                }
                openParens[openParens.count - 1].1.append(t)
                return
            }
            switch t.kind {
            case .symbol(.lparen):
                openParens.append((paren(after: previous), []))
            case .identifier:
                // A name right after a complete operand: the measures ended, this is the table.
                // (After `as` it is an alias; `as` itself does not end an operand.)
                if table == nil, let p = previous, QueryWalk.endsOperand(p) {
                    table = t.text
                    tableToken = t
                } else if table != nil, t.text.lowercased() == "rank" {
                    sawRank = true
                }
            case .keyword(let k):
                if table != nil, k.role == .clause {
                    clause = k
                    clauseToken = t
                    usedClauses.insert(k)
                }
                if table != nil, k == .to { sawTo = true }
            default:
                break
            }
        }

        private func paren(after p: Token?) -> Context.Paren {
            guard let p else { return .group }
            switch p.kind {
            case .identifier: return .call(p.text)
            case .keyword(.count): return .call("count")
            case .keyword(.in): return .membership
            default: return .group
            }
        }
    }
}
