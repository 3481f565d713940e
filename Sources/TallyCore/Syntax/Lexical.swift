/// The lexical rules of the language in one place: what a plain name is and how any other
/// name is written (backticks), how text is written as a string literal (quotes and braces
/// doubled), the keywords and their roles, and the function names the engine knows.
///
/// The lexer reads by these rules; whatever writes statements — completion, `.save`
/// (SavedScript), `describe load` (TableSource) and the command line's `load "PATH"` — writes
/// by them, so what it writes reads back as meant.
public enum Lexical {
    // MARK: Names

    /// A name starts with a letter (Chinese included) or `_`. Full-width punctuation typed by
    /// a Chinese input method is not a letter (the lexer reports it).
    public static func isNameStart(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || s == "_" }
        return s.properties.isAlphabetic && !isFullWidthPunctuation(s)
    }

    /// After the first character: letters, `_`, digits (non-ASCII digits such as full-width ones included).
    public static func isNameContinue(_ s: Unicode.Scalar) -> Bool {
        isNameStart(s) || (s >= "0" && s <= "9") || (!s.isASCII && s.properties.numericType != nil)
    }

    static func isFullWidthPunctuation(_ s: Unicode.Scalar) -> Bool {
        (0x3000...0x303F).contains(s.value) || (0xFF00...0xFF0F).contains(s.value) || (0xFF1A...0xFF20).contains(s.value)
    }

    /// The keyword `word` spells: keywords are ASCII and case-insensitive (`WHERE` = `where`).
    public static func keyword(_ word: String) -> Keyword? {
        word.allSatisfy(\.isASCII) ? Keyword(rawValue: word.lowercased()) : nil
    }

    /// A name the lexer reads as one identifier as it is: name characters only, and not a keyword.
    public static func isPlainName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isNameStart(first),
              name.unicodeScalars.allSatisfy(isNameContinue) else { return false }
        return keyword(name) == nil
    }

    /// `name` as written in a statement: as it is when plain, else in backticks (a backtick
    /// inside written twice): `` `选课 人数` ``, `` `count` ``.
    public static func name(_ name: String) -> String {
        isPlainName(name) ? name : backticked(name)
    }

    /// `name` in backticks, whatever it is.
    public static func backticked(_ name: String) -> String {
        "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
    }

    // MARK: Strings

    /// `text` as a double-quoted string literal that means exactly `text`: quotes doubled, and
    /// braces doubled so nothing in it is interpolated (`{x}` → `"{{x}}"`).
    public static func string(_ text: String) -> String {
        "\"" + escaped(text, quote: "\"") + "\""
    }

    /// The body of a string literal in `quote`s that means exactly `text`.
    public static func escaped(_ text: String, quote: Character) -> String {
        var out = ""
        for ch in text {
            if ch == quote || ch == "{" || ch == "}" { out.append(ch) }
            out.append(ch)
        }
        return out
    }

    /// The text a string literal's body (between `quote`s) means, or nil when it interpolates
    /// (a single `{` or `}`): the reverse of `escaped`.
    public static func unescaped(_ body: String, quote: Character) -> String? {
        var out = ""
        var i = body.startIndex
        while i < body.endIndex {
            let ch = body[i]
            let next = body.index(after: i)
            if ch == quote || ch == "{" || ch == "}" {
                if next < body.endIndex && body[next] == ch {
                    out.append(ch)
                    i = body.index(after: next)
                    continue
                }
                if ch != quote { return nil }
            }
            out.append(ch)
            i = next
        }
        return out
    }

    // MARK: Values

    /// A literal that the parser reads back as `value`: numbers in positional notation (the
    /// lexer has no exponents), text as a string; dates and times as their text.
    public static func literal(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .integer(let i): String(i)
        case .decimal(let d) where d.isFinite: decimal(d)
        case .boolean(let b): b ? "true" : "false"
        case .string(let s): string(s)
        default: string(Format.display(value))
        }
    }

    /// A finite double in positional notation with at least one digit after the point, shortest
    /// exact digits: 0.5, 3.0, 0.000015 (not 1.5e-05), 12345678901234567000.0.
    static func decimal(_ d: Double) -> String {
        let text = "\(d)"
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }), let exponent = Int(text[text.index(after: e)...]) else {
            return text
        }
        var mantissa = String(text[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let point = mantissa.firstIndex(of: ".") ?? mantissa.endIndex
        let whole = String(mantissa[..<point])
        let fraction = point < mantissa.endIndex ? String(mantissa[mantissa.index(after: point)...]) : ""
        var digits = whole + fraction
        var pointAt = whole.count + exponent            // digits before the point
        if pointAt <= 0 { digits = String(repeating: "0", count: 1 - pointAt) + digits; pointAt = 1 }
        if pointAt >= digits.count { digits += String(repeating: "0", count: pointAt - digits.count + 1) }
        var result = String(digits.prefix(pointAt)) + "." + String(digits.dropFirst(pointAt))
        while result.hasSuffix("0") && !result.hasSuffix(".0") { result.removeLast() }
        return (negative ? "-" : "") + result
    }

    // MARK: Keywords

    /// Keywords that start a statement (any other start is a query).
    public static let statementKeywords = Keyword.allCases.filter { $0.role == .statement }
    /// Keywords that start a query clause.
    public static let clauseKeywords = Keyword.allCases.filter { $0.role == .clause }
    /// Keywords inside expressions.
    public static let expressionKeywords = Keyword.allCases.filter { $0.role == .expression }
    /// Keywords that continue the statement when a line starts with them.
    public static let continuationKeywords = Keyword.allCases.filter(\.continuesStatement)
    /// Words of a clause that are not keywords (a column may be called `rank`): the `rank`
    /// clause, `top N with ties per …`, `by all`, `bucket … at`, `labels (…)`.
    public static let clauseWords = ["rank", "ties", "per", "all", "at", "labels"]
    /// What may start a query clause: the clause keywords, then `rank`.
    public static let clauseStarts = clauseKeywords.map(\.rawValue) + ["rank"]

    // MARK: Functions

    /// The aggregates as the engine knows them (`count`, `sum`, …), from the function
    /// registry, sorted. They are not keywords (except `count`): a column may be called `sum`.
    public static var aggregateNames: [String] { AggregateFunction.allCases.map(\.rawValue).sorted() }
    /// The row functions as the engine knows them (`month`, `year`, …), from the registry, sorted.
    public static var functionNames: [String] { FunctionRegistry.scalarNames }
}

/// Keywords are ASCII and case-insensitive. Function names (sum, avg, month, …) are not
/// keywords: a column may be called `month`.
public enum Keyword: String, Sendable, CaseIterable {
    // statements
    case load, from, with, measure, link, to, set, `let`, print, check, warn, include, export, sheet, bom, describe, summary, explain
    // queries: `list` starts one that shows rows; the clauses
    case list
    case `where`, by, having, bucket, across, pct, total, sort, top, chart, asc, desc, `as`
    // expressions
    case and, or, not, `in`, between, `is`, null, `true`, `false`, count, distinct, like

    /// Where a keyword belongs in the grammar.
    public enum Role: Sendable {
        /// Starts a statement: `load`, `measure`, …
        case statement
        /// Inside a statement other than a query: `load t from … with …`, `link … to …`,
        /// `export … to … sheet … with bom`.
        case statementPart
        /// Starts a query clause: `where`, `by`, …
        case clause
        /// Inside a clause or a measure: `as`, `asc`, `desc`.
        case clausePart
        /// Inside an expression: operators, literals, `count`, `distinct`.
        case expression
    }

    public var role: Role {
        switch self {
        case .load, .measure, .link, .set, .let, .print, .check, .warn, .include, .export, .describe, .summary, .explain, .list: .statement
        case .from, .with, .to, .sheet, .bom: .statementPart
        case .where, .by, .having, .bucket, .across, .pct, .total, .sort, .top, .chart: .clause
        case .asc, .desc, .as: .clausePart
        case .and, .or, .not, .in, .between, .is, .null, .true, .false, .count, .distinct, .like: .expression
        }
    }

    /// Keywords that may start a continuation line: a newline before them does not end the
    /// statement. The clauses, `and`/`or`, `to`/`with` (of link, export and load) and `sheet`.
    public var continuesStatement: Bool {
        switch self {
        case .and, .or, .to, .with, .sheet: true
        default: role == .clause
        }
    }
}
