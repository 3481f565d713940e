/// The text functions, and the `like` operator. Text is counted and cut in Unicode code points
/// (`length("王小明")` is 3), and compared code point by code point, without normalisation.
/// A function of one text column runs once per distinct string of the column's dictionary when
/// it has fewer strings than the rows in scope (the other arguments being the same on every row).
extension Functions {
    static let text: [String: Functions] = [
        "length": Functions(arity: 1...1, result: signature([.string], .integer)) { v in
            integers(try mapText(v, "length", zero: 0) { s, _ in Int64(s.unicodeScalars.count) })
        },
        "upper": Functions(arity: 1...1, result: signature([.string], .string)) { v in
            texts(try mapText(v, "upper", zero: "") { s, _ in s.uppercased() })
        },
        "lower": Functions(arity: 1...1, result: signature([.string], .string)) { v in
            texts(try mapText(v, "lower", zero: "") { s, _ in s.lowercased() })
        },
        "trim": Functions(arity: 1...1, result: signature([.string], .string)) { v in
            texts(try mapText(v, "trim", zero: "") { s, _ in trimmed(s) })
        },
        "contains": Functions(arity: 2...2, result: signature([.string, .string], .boolean)) { v in
            booleans(try mapText(v, "contains", zero: false) { s, i in find(Array(string(v[1], i).utf8), in: Array(s.utf8), from: 0) != nil })
        },
        "starts_with": Functions(arity: 2...2, result: signature([.string, .string], .boolean)) { v in
            booleans(try mapText(v, "starts_with", zero: false) { s, i in s.utf8.starts(with: string(v[1], i).utf8) })
        },
        "ends_with": Functions(arity: 2...2, result: signature([.string, .string], .boolean)) { v in
            booleans(try mapText(v, "ends_with", zero: false) { s, i in s.utf8.reversed().starts(with: string(v[1], i).utf8.reversed()) })
        },
        "replace": Functions(arity: 3...3, result: signature([.string, .string, .string], .string)) { v in
            texts(try mapText(v, "replace", zero: "") { s, i in replacing(string(v[1], i), with: string(v[2], i), in: s) })
        },
        "substring": Functions(arity: 2...3, result: signature([.string, .integer, .integer], .string)) { v in
            texts(try mapText(v, "substring", zero: "") { s, i in substring(s, start: integer(v[1], i), length: v.count > 2 ? integer(v[2], i) : nil) })
        },
        "concat": Functions(arity: 2...16, result: { _, _ in .success(.string) }) { v in concat(v) },
    ]

    // MARK: Types

    /// A type rule: each argument's type (the last one repeats), the result's type.
    static func signature(_ expected: [DataType], _ result: DataType) -> @Sendable (String, [DataType?]) -> Result<DataType?, OperationError> {
        { name, args in
            for (i, t) in args.enumerated() {
                let want = expected[min(i, expected.count - 1)]
                if let t, t != want {
                    let what = want == .string ? "text" : "a whole number"
                    let position = args.count == 1 ? "" : " as its \(["first", "second", "third"][min(i, 2)]) argument"
                    return .failure(OperationError(message: "\(name) needs \(what)\(position), not \(VectorOps.describe(t))"))
                }
            }
            return .success(result)
        }
    }

    // MARK: Evaluation

    /// `f` of each row's string (the first argument) and row number, with the rows where any
    /// argument is null masked. When every other argument is the same on every row, `f` runs
    /// once per distinct string instead if there are fewer of those than rows; then `codes`
    /// gives each row's position in `values`.
    private static func mapText<T>(_ v: [Vector], _ name: String, zero: T,
                                   _ f: (String, Int) throws -> T) throws -> (values: [T], codes: Codes?, nulls: NullMask?) {
        let n = v[0].count
        var nulls = v[0].nulls
        for other in v.dropFirst() { nulls = VectorOps.union(nulls, other.nulls, count: n) }
        guard !v.contains(where: VectorOps.allNull) else { return ([T](repeating: zero, count: n), nil, Vector.nulls(.integer, count: n).nulls) }
        guard case .string(let codes, let d, _) = v[0] else { throw OperationError(message: "\(name) needs text, not \(VectorOps.describe(v[0].type))") }
        if d.count < n && v.dropFirst().allSatisfy(isConstant) {
            return (try d.strings.map { try f($0, 0) }, codes, nulls)
        }
        var out = [T](repeating: zero, count: n)
        for i in 0..<n where !(nulls?.isNull(i) ?? false) { out[i] = try f(d.strings[Int(codes[i])], i) }
        return (out, nil, nulls)
    }

    /// True when every row holds the same value (a literal, or a single row).
    private static func isConstant(_ v: Vector) -> Bool {
        if v.count <= 1 { return true }
        if v.nulls != nil { return false }
        switch v {
        case .string(let c, _, _): return c.allSatisfy { $0 == c[0] }
        case .integer(let a, _): return a.allSatisfy { $0 == a[0] }
        default: return false
        }
    }

    /// Row `i` of a text vector ("" when null).
    private static func string(_ v: Vector, _ i: Int) -> String {
        guard case .string(let codes, let d, _) = v, Int(codes[i]) < d.count else { return "" }
        return d.strings[Int(codes[i])]
    }

    /// Row `i` of an integer vector (0 when null).
    private static func integer(_ v: Vector, _ i: Int) -> Int64 {
        guard case .integer(let a, _) = v else { return 0 }
        return a[i]
    }

    private static func perRow<T>(_ m: (values: [T], codes: Codes?, nulls: NullMask?)) -> [T] {
        guard let codes = m.codes else { return m.values }
        return codes.map { m.values[Int($0)] }
    }

    private static func integers(_ m: (values: [Int64], codes: Codes?, nulls: NullMask?)) -> Vector { .integer(perRow(m), m.nulls) }

    private static func booleans(_ m: (values: [Bool], codes: Codes?, nulls: NullMask?)) -> Vector {
        .boolean(perRow(m).map { $0 ? 1 : 0 }, m.nulls)
    }

    /// A text vector; strings computed per dictionary entry become a dictionary of their own.
    private static func texts(_ m: (values: [String], codes: Codes?, nulls: NullMask?)) -> Vector {
        let (mapped, d) = distinct(m.values)
        guard let codes = m.codes else { return .string(Codes(mapped), d, m.nulls) }
        return .string(Codes(codes.map { mapped[Int($0)] }), d, m.nulls)
    }

    /// Strings as codes into a dictionary of the distinct ones, told apart by their bytes (as the
    /// dictionaries compare them: `é` and `e` + U+0301 are two strings).
    private static func distinct(_ strings: [String]) -> ([UInt32], StringDictionary) {
        var index: [[UInt8]: UInt32] = [:], unique: [String] = []
        let codes = strings.map { s -> UInt32 in
            let key = Array(s.utf8)
            if let c = index[key] { return c }
            let c = UInt32(unique.count)
            index[key] = c
            unique.append(s)
            return c
        }
        return (codes, StringDictionary(unique))
    }

    // MARK: Text

    /// Without white space at either end: spaces, tabs, line breaks, the ideographic space (U+3000),
    /// the no-break space — every character Unicode calls white space.
    static func trimmed(_ s: String) -> String {
        let u = s.unicodeScalars
        guard let first = u.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = u.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(u[first...last])
    }

    /// The first position of `needle` in `hay` at or after `from` (UTF-8 bytes: a match of whole
    /// code points, since no code point's bytes begin inside another's).
    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count <= hay.count - from else { return nil }
        if needle.isEmpty { return from }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// Every occurrence of `from`, left to right and not overlapping, replaced by `to`; an empty
    /// `from` changes nothing.
    static func replacing(_ from: String, with to: String, in s: String) -> String {
        let hay = Array(s.utf8), needle = Array(from.utf8)
        guard !needle.isEmpty, var at = find(needle, in: hay, from: 0) else { return s }
        var out: [UInt8] = [], start = 0
        while true {
            out += hay[start..<at]
            out += to.utf8
            start = at + needle.count
            guard let next = find(needle, in: hay, from: start) else { break }
            at = next
        }
        out += hay[start...]
        return String(decoding: out, as: UTF8.self)
    }

    /// `substring(s, start [, length])` as SQL: positions count code points from 1; a start of 0
    /// or below still counts toward the length (`substring("abc", 0, 2)` is "a"); a negative start
    /// counts from the end (-1 is the last character); a negative length takes the characters
    /// before `start` instead; what lies outside the text is left out.
    static func substring(_ s: String, start: Int64, length: Int64?) -> String {
        let u = Array(s.unicodeScalars)
        let n = Int128(u.count), start = Int128(start)   // 128 bits: exact for any 64-bit arguments
        var begin = start > 0 ? start - 1 : start == 0 ? -1 : n + start
        var end = n
        if let length = length.map({ Int128($0) }) {
            if length >= 0 { end = begin + length } else { end = begin; begin += length }
        }
        let b = Int(max(begin, 0)), e = Int(max(min(end, n), 0))
        return b < e ? String(String.UnicodeScalarView(u[b..<e])) : ""
    }

    /// `concat(a, b, …)`: the values side by side as text, shown as in a table (decimals with two
    /// places, 是/否); a null adds nothing, as in `"{a}{b}"`, so the result is never null.
    private static func concat(_ v: [Vector]) -> Vector {
        let n = v[0].count
        var out = [String]()
        out.reserveCapacity(n)
        for i in 0..<n {
            var s = ""
            for x in v { s += Format.display(x.value(at: i)) }
            out.append(s)
        }
        let (codes, d) = distinct(out)
        return .string(Codes(codes), d, nil)
    }

    // MARK: like

    /// A `like` pattern, read once: `%` matches any run of characters (none included), `_` one
    /// character, `\` makes the next character literal (`\%`, `\_`, `\\`); the rest match themselves,
    /// case included.
    enum Pattern {
        case any, one, char(Unicode.Scalar)

        static func compile(_ p: String) throws -> [Pattern] {
            var out: [Pattern] = [], escaped = false
            for c in p.unicodeScalars {
                if escaped { out.append(.char(c)); escaped = false; continue }
                switch c {
                case "%": if case .any? = out.last {} else { out.append(.any) }
                case "_": out.append(.one)
                case "\\": escaped = true
                default: out.append(.char(c))
                }
            }
            if escaped {
                throw OperationError(message: "the like pattern \"\(p)\" ends with \\, which makes the next character literal",
                                     notes: ["write \\\\ for a backslash, \\% and \\_ for a literal % or _"])
            }
            return out
        }

        static func matches(_ s: [Unicode.Scalar], _ p: [Pattern]) -> Bool {
            var i = 0, j = 0, star = -1, mark = 0
            while i < s.count {
                if j < p.count, case .any = p[j] {
                    star = j; mark = i; j += 1
                    continue
                }
                if j < p.count {
                    switch p[j] {
                    case .one: i += 1; j += 1; continue
                    case .char(let c) where c == s[i]: i += 1; j += 1; continue
                    default: break
                    }
                }
                guard star >= 0 else { return false }
                j = star + 1; mark += 1; i = mark
            }
            while j < p.count, case .any = p[j] { j += 1 }
            return j == p.count
        }
    }

    /// `s like pattern`, per distinct string when the pattern is one text (a literal).
    static func like(_ s: Vector, _ pattern: Vector) throws -> Vector {
        var compiled: [String: [Pattern]] = [:]
        return booleans(try mapText([s, pattern], "like", zero: false) { text, i in
            let p = string(pattern, i)
            if compiled[p] == nil { compiled[p] = try Pattern.compile(p) }
            return Pattern.matches(Array(text.unicodeScalars), compiled[p]!)
        })
    }
}
