/// One typed column of values, stored contiguously; nulls live in a separate mask.
///
/// Tables are made of vectors, and so are the intermediate results of evaluation:
/// operators switch on the case once per vector and then run a tight loop over the array.
/// - `integer`: Int64. `decimal`: Double.
/// - `boolean`: 0 or 1 per row.
/// - `date` and `timestamp`: seconds since 1970-01-01 00:00:00, local civil time (no zone);
///   a date is its midnight.
/// - `string`: codes into a shared `StringDictionary`, each row as narrow as the codes allow (`Codes`).
public enum Vector: Sendable {
    case integer([Int64], NullMask?)
    case decimal([Double], NullMask?)
    case boolean([UInt8], NullMask?)
    case date([Int64], NullMask?)
    case timestamp([Int64], NullMask?)
    case string(Codes, StringDictionary, NullMask?)

    public var type: DataType {
        switch self {
        case .integer: .integer
        case .decimal: .decimal
        case .boolean: .boolean
        case .date: .date
        case .timestamp: .timestamp
        case .string: .string
        }
    }

    public var count: Int {
        switch self {
        case .integer(let v, _), .date(let v, _), .timestamp(let v, _): v.count
        case .decimal(let v, _): v.count
        case .boolean(let v, _): v.count
        case .string(let v, _, _): v.count
        }
    }

    public var nulls: NullMask? {
        switch self {
        case .integer(_, let m), .decimal(_, let m), .boolean(_, let m), .date(_, let m),
             .timestamp(_, let m), .string(_, _, let m): m
        }
    }

    @inline(__always) public func isNull(_ i: Int) -> Bool { nulls?.isNull(i) ?? false }

    public var nullCount: Int { nulls?.nullCount ?? 0 }

    /// The rows at `rows`, in that order. A row index of -1 gives null (an unmatched lookup).
    public func gather(_ rows: [Int32]) -> Vector {
        func mask(_ m: NullMask?) -> NullMask? {
            var out: NullMask?
            for (j, r) in rows.enumerated() where r < 0 || (m?.isNull(Int(r)) ?? false) {
                if out == nil { out = NullMask(count: rows.count) }
                out!.setNull(j)
            }
            return out
        }
        switch self {
        case .integer(let v, let m): return .integer(v.gathered(rows, zero: 0), mask(m))
        case .decimal(let v, let m): return .decimal(v.gathered(rows, zero: 0), mask(m))
        case .boolean(let v, let m): return .boolean(v.gathered(rows, zero: 0), mask(m))
        case .date(let v, let m): return .date(v.gathered(rows, zero: 0), mask(m))
        case .timestamp(let v, let m): return .timestamp(v.gathered(rows, zero: 0), mask(m))
        case .string(let v, let d, let m): return .string(v.gather(rows), d, mask(m))
        }
    }

    /// This vector's rows followed by `other`'s, which must have the same type (a vector of
    /// nulls only takes the other's). Text keeps one dictionary, this one's strings first.
    func appending(_ other: Vector) throws -> Vector {
        func mask(_ a: NullMask?, _ b: NullMask?, _ n: Int, _ m: Int) -> NullMask? {
            guard a != nil || b != nil else { return nil }
            var out = NullMask(count: n + m)
            for i in 0..<n where a?.isNull(i) ?? false { out.setNull(i) }
            for i in 0..<m where b?.isNull(i) ?? false { out.setNull(n + i) }
            return out
        }
        let n = count, m = other.count
        if nullCount == n && type != other.type { return try Vector.nulls(other.type, count: n).appending(other) }
        if other.nullCount == m && type != other.type { return try appending(Vector.nulls(type, count: m)) }
        switch (self, other) {
        case (.integer(let a, let x), .integer(let b, let y)): return .integer(a + b, mask(x, y, n, m))
        case (.decimal(let a, let x), .decimal(let b, let y)): return .decimal(a + b, mask(x, y, n, m))
        case (.boolean(let a, let x), .boolean(let b, let y)): return .boolean(a + b, mask(x, y, n, m))
        case (.date(let a, let x), .date(let b, let y)): return .date(a + b, mask(x, y, n, m))
        case (.timestamp(let a, let x), .timestamp(let b, let y)): return .timestamp(a + b, mask(x, y, n, m))
        case (.string(let a, let d, let x), .string(let b, let e, let y)):
            var strings = d.strings
            let translate = e.translation(to: d).enumerated().map { k, code -> UInt32 in
                if code >= 0 { return UInt32(code) }
                strings.append(e.strings[k])
                return UInt32(strings.count - 1)
            }
            var codes = a
            codes.reserveCapacity(n + m)
            for c in b { codes.append(translate.isEmpty ? 0 : translate[Int(c)]) }
            return .string(codes, StringDictionary(strings), mask(x, y, n, m))
        default:
            throw OperationError(message: "cannot put \(VectorOps.describe(other.type)) values beside \(VectorOps.describe(type)) values")
        }
    }

    /// The rows of `range`, in order (a chunk of a column).
    public func slice(_ range: Range<Int>) -> Vector {
        func mask(_ m: NullMask?) -> NullMask? {
            guard let m else { return nil }
            var out: NullMask?
            for i in range where m.isNull(i) {
                if out == nil { out = NullMask(count: range.count) }
                out!.setNull(i - range.lowerBound)
            }
            return out
        }
        switch self {
        case .integer(let v, let m): return .integer(Array(v[range]), mask(m))
        case .decimal(let v, let m): return .decimal(Array(v[range]), mask(m))
        case .boolean(let v, let m): return .boolean(Array(v[range]), mask(m))
        case .date(let v, let m): return .date(Array(v[range]), mask(m))
        case .timestamp(let v, let m): return .timestamp(Array(v[range]), mask(m))
        case .string(let v, let d, let m): return .string(v.slice(range), d, mask(m))
        }
    }

    /// A text vector of these values, its dictionary in order of first appearance.
    public static func text(_ values: [String], nulls: NullMask? = nil) -> Vector {
        // Keyed by the bytes: Swift's String equality would merge é and e + U+0301, which
        // Tally's dictionaries keep apart, as they compare text code point by code point.
        var codes: [[UInt8]: UInt32] = [:]
        var strings: [String] = []
        let rows = values.map { v -> UInt32 in
            let key = Array(v.utf8)
            if let c = codes[key] { return c }
            let c = UInt32(strings.count)
            strings.append(v)
            codes[key] = c
            return c
        }
        return .string(Codes(rows), StringDictionary(strings), nulls)
    }

    /// A vector of `count` nulls of the given type.
    public static func nulls(_ type: DataType, count: Int) -> Vector {
        var m = NullMask(count: count)
        for i in 0..<count { m.setNull(i) }
        switch type {
        case .integer: return .integer(Array(repeating: 0, count: count), m)
        case .decimal: return .decimal(Array(repeating: 0, count: count), m)
        case .boolean: return .boolean(Array(repeating: 0, count: count), m)
        case .date: return .date(Array(repeating: 0, count: count), m)
        case .timestamp: return .timestamp(Array(repeating: 0, count: count), m)
        case .string: return .string(Codes(repeating: 0, count: count), StringDictionary([]), m)
        }
    }

    /// One cell, boxed: for output and diagnostics only, never in an operator's loop.
    public func value(at i: Int) -> Value {
        if isNull(i) { return .null }
        switch self {
        case .integer(let v, _): return .integer(v[i])
        case .decimal(let v, _): return .decimal(v[i])
        case .boolean(let v, _): return .boolean(v[i] != 0)
        case .date(let v, _): return .date(v[i])
        case .timestamp(let v, _): return .timestamp(v[i])
        case .string(let v, let d, _): return .string(d.strings[Int(v[i])])
        }
    }

    /// Checks the storage invariants: mask length equals row count, string codes are in range.
    public func invariantViolation() -> String? {
        if let m = nulls {
            if m.count != count { return "null mask has \(m.count) rows, vector has \(count)" }
            if !m.isValid() { return "null mask has bits beyond its rows" }
        }
        switch self {
        case .boolean(let v, _):
            if let bad = v.firstIndex(where: { $0 > 1 }) { return "boolean row \(bad) holds \(v[bad])" }
        case .string(let v, let d, let m):
            if !d.isValid() { return "string dictionary holds a string twice" }
            for (i, c) in v.enumerated() where Int(c) >= d.count && !(m?.isNull(i) ?? false) {
                return "string row \(i) has code \(c) beyond a dictionary of \(d.count)"
            }
        default: break
        }
        return nil
    }
}

/// A single boxed value: literals, parameters, scalar results and output cells.
public enum Value: Sendable, Equatable {
    case null
    case integer(Int64)
    case decimal(Double)
    case boolean(Bool)
    case date(Int64)
    case timestamp(Int64)
    case string(String)

    public var type: DataType? {
        switch self {
        case .null: nil
        case .integer: .integer
        case .decimal: .decimal
        case .boolean: .boolean
        case .date: .date
        case .timestamp: .timestamp
        case .string: .string
        }
    }

    public var asDouble: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .decimal(let d): d
        default: nil
        }
    }

    /// A vector of `count` copies of this value.
    public func repeated(_ count: Int, as nullType: DataType = .integer) -> Vector {
        switch self {
        case .null: return .nulls(nullType, count: count)
        case .integer(let v): return .integer(Array(repeating: v, count: count), nil)
        case .decimal(let v): return .decimal(Array(repeating: v, count: count), nil)
        case .boolean(let v): return .boolean(Array(repeating: v ? 1 : 0, count: count), nil)
        case .date(let v): return .date(Array(repeating: v, count: count), nil)
        case .timestamp(let v): return .timestamp(Array(repeating: v, count: count), nil)
        case .string(let s): return .string(Codes(repeating: 0, count: count), StringDictionary([s]), nil)
        }
    }
}

extension Array {
    /// The elements at `rows`, in that order; a row index of -1 gives `zero`.
    func gathered(_ rows: [Int32], zero: Element) -> [Element] {
        [Element](unsafeUninitializedCapacity: rows.count) { buf, n in
            withUnsafeBufferPointer { src in
                for (j, r) in rows.enumerated() { buf[j] = r >= 0 ? src[Int(r)] : zero }
            }
            n = rows.count
        }
    }
}
