#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsers for one field's bytes, used by every reader (CSV, and later other formats).
/// They work on raw UTF-8 bytes and allocate nothing.
public enum FieldParsing {
    /// An optional sign and 1–19 digits within 64 bits, without a leading zero (so `00123`
    /// stays text).
    @inline(__always)
    public static func integer(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        var i = 0
        var negative = false
        if n > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) { negative = p[0] == UInt8(ascii: "-"); i = 1 }
        let digits = n - i
        guard digits >= 1 && digits <= 19 else { return nil }
        if digits > 1 && p[i] == UInt8(ascii: "0") { return nil }
        var v: UInt64 = 0
        while i < n {
            let d = p[i] &- 48
            guard d < 10 else { return nil }
            v = v &* 10 &+ UInt64(d)   // 19 digits stay below 2^64
            i += 1
        }
        if negative { return v <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- v) : nil }
        return v <= UInt64(Int64.max) ? Int64(v) : nil
    }

    private static let powersOfTen: [Double] = (0...22).map { (0..<$0).reduce(1.0) { acc, _ in acc * 10 } }

    /// A decimal number: `-12.5`, `3.`, `.5`, `1e3`. Up to 15 significant digits it is
    /// mantissa ÷ 10^k (correctly rounded); longer numbers go through `strtod`.
    @inline(__always)
    public static func decimal(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        var i = 0
        var negative = false
        if n > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) { negative = p[0] == UInt8(ascii: "-"); i = 1 }
        var mantissa: Int64 = 0
        var digits = 0, fraction = 0, intDigits = 0
        var seenDot = false
        var firstDigit: Int?
        while i < n {
            let c = p[i]
            if c &- 48 < 10 {
                if firstDigit == nil { firstDigit = i }
                mantissa = mantissa &* 10 &+ Int64(c &- 48)
                digits += 1
                if seenDot { fraction += 1 } else { intDigits += 1 }
            } else if c == UInt8(ascii: ".") && !seenDot {
                seenDot = true
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                return digits > 0 ? slow(p, n) : nil
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        if intDigits > 1, let f = firstDigit, p[f] == UInt8(ascii: "0") { return nil }  // 007.5 is text
        if digits > 15 { return slow(p, n) }
        let v = Double(mantissa) / powersOfTen[fraction]
        return negative ? -v : v
    }

    private static func slow(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        guard n < 64 else { return nil }
        var buf = [CChar](repeating: 0, count: n + 1)
        for i in 0..<n { buf[i] = CChar(bitPattern: p[i]) }
        return buf.withUnsafeBufferPointer { b -> Double? in
            var end: UnsafeMutablePointer<CChar>?
            let v = strtod(b.baseAddress!, &end)
            guard let e = end, e - UnsafeMutablePointer(mutating: b.baseAddress!) == n, v.isFinite else { return nil }
            return v
        }
    }

    /// `是`/`否`, `true`/`false` (any case).
    @inline(__always)
    public static func boolean(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        if n == 3 {
            if p[0] == 0xE6 && p[1] == 0x98 && p[2] == 0xAF { return true }   // 是
            if p[0] == 0xE5 && p[1] == 0x90 && p[2] == 0xA6 { return false }  // 否
            return nil
        }
        if n == 4 && lowerEquals(p, "true") { return true }
        if n == 5 && lowerEquals(p, "false") { return false }
        return nil
    }

    @inline(__always)
    private static func lowerEquals(_ p: UnsafePointer<UInt8>, _ word: StaticString) -> Bool {
        let w = word.utf8Start
        for i in 0..<word.utf8CodeUnitCount where p[i] | 0x20 != w[i] { return false }
        return true
    }

    /// `YYYY-MM-DD` (a date) or `YYYY-MM-DD HH:MM[:SS]` (a timestamp; `T` may separate),
    /// as seconds since 1970-01-01 00:00:00.
    @inline(__always)
    public static func temporal(_ p: UnsafePointer<UInt8>, _ n: Int) -> (seconds: Int64, isDate: Bool)? {
        var cache = DateCache()
        return temporal(p, n, cache: &cache)
    }

    /// The last date read in a column: exports list many times of the same day, so the date part
    /// is compared as bytes and parsed only when it changes.
    struct DateCache {
        var head: UInt64 = 0
        var tail: UInt16 = 0
        var days = -1
    }

    @inline(__always)
    static func temporal(_ p: UnsafePointer<UInt8>, _ n: Int, cache: inout DateCache) -> (seconds: Int64, isDate: Bool)? {
        guard n == 10 || n == 16 || n == 19 else { return nil }
        let head = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        let tail = UnsafeRawPointer(p + 8).loadUnaligned(as: UInt16.self)
        let days: Int
        if cache.days >= 0 && head == cache.head && tail == cache.tail {
            days = cache.days
        } else {
            guard let d = date(p) else { return nil }
            days = d
            if d >= 0 { cache = DateCache(head: head, tail: tail, days: d) }
        }
        return time(p, n, days: days)
    }

    /// The number written by `len` digits at `p + at`, or nil.
    @inline(__always)
    private static func digits(_ p: UnsafePointer<UInt8>, _ at: Int, _ len: Int) -> Int? {
        var v = 0
        for k in at..<(at + len) {
            let d = p[k] &- 48
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }

    /// `YYYY-MM-DD` at `p`, as days since 1970-01-01.
    @inline(__always)
    private static func date(_ p: UnsafePointer<UInt8>) -> Int? {
        @inline(__always) func num(_ at: Int, _ len: Int) -> Int? { digits(p, at, len) }
        guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"),
              let y = num(0, 4), let m = num(5, 2), let d = num(8, 2),
              m >= 1, m <= 12, d >= 1, d <= CivilCalendar.daysInMonth(y, m) else { return nil }
        return CivilCalendar.daysFromCivil(y, m, d)
    }

    /// The optional ` HH:MM[:SS]` after a date of `days`.
    @inline(__always)
    private static func time(_ p: UnsafePointer<UInt8>, _ n: Int, days: Int) -> (seconds: Int64, isDate: Bool)? {
        @inline(__always) func num(_ at: Int, _ len: Int) -> Int? { digits(p, at, len) }
        if n == 10 { return (Int64(days) * 86400, true) }
        guard p[10] == UInt8(ascii: " ") || p[10] == UInt8(ascii: "T"), p[13] == UInt8(ascii: ":"),
              let hh = num(11, 2), let mm = num(14, 2), hh < 24, mm < 60 else { return nil }
        var ss = 0
        if n == 19 {
            guard p[16] == UInt8(ascii: ":"), let s = num(17, 2), s < 60 else { return nil }
            ss = s
        }
        return (Int64(days) * 86400 + Int64(hh * 3600 + mm * 60 + ss), false)
    }
}

/// What one field holds once the forms exports use are recognised (see `FieldParsing.classify`).
enum FieldValue: Equatable {
    case null, integer(Int64), decimal(Double), boolean(Bool), temporal(Int64, isDate: Bool), text
}

/// The texts that mean "no value" in one load: `-`, `NULL`, `无` … (ASCII letters match in any
/// case). A first-byte bitmap and a length bound make the common miss two comparisons.
struct NullMarkers: Sendable {
    static let standard = ["-", "—", "/", "NULL", "N/A", "#N/A", "无", "暂无"]

    let list: [String]
    private let markers: [[UInt8]]
    private let maxLength: Int
    private var firstBytes: [UInt64] = [0, 0, 0, 0]

    init(_ list: [String]) {
        self.list = list
        markers = list.map { Array($0.utf8) }.filter { !$0.isEmpty }
        maxLength = markers.map(\.count).max() ?? 0
        for m in markers {
            for c in [m[0], NullMarkers.isLetter(m[0]) ? m[0] ^ 0x20 : m[0]] { firstBytes[Int(c >> 6)] |= 1 << UInt64(c & 63) }
        }
    }

    @inline(__always) private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 97 && (c | 0x20) <= 122 }

    @inline(__always)
    func contains(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n <= maxLength, firstBytes[Int(p[0] >> 6)] >> UInt64(p[0] & 63) & 1 == 1 else { return false }
        return matches(p, n)
    }

    private func matches(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        outer: for m in markers where m.count == n {
            for i in 0..<n where p[i] != m[i] && !(NullMarkers.isLetter(m[i]) && p[i] | 0x20 == m[i] | 0x20) { continue outer }
            return true
        }
        return false
    }
}

extension FieldParsing {
    /// Reads one field as the most specific value it can be: null (empty or a null marker),
    /// an integer, a decimal, a boolean, a date or timestamp, else text. Beyond the plain forms
    /// (tried first, allocation-free) it accepts what Chinese exports write: full-width digits and
    /// signs (`１２３`), spaces around the value (also U+3000 and U+00A0), thousands separators
    /// (`225,319`), percentages (`92.13%` is 92.13, the number as written), `万`/`亿` (`1.2万` is
    /// 12000), `Y`/`N`, and dates like `2020/10/13`, `2020.10.13`, `2020年10月13日`, `2020-1-5`,
    /// with an optional time `8:30` or `08:30:00`.
    static func classify(_ p: UnsafePointer<UInt8>, _ n: Int, nulls: NullMarkers) -> FieldValue {
        if n == 0 || nulls.contains(p, n) { return .null }
        if let v = integer(p, n) { return .integer(v) }
        if let d = decimal(p, n) { return .decimal(d) }
        if let b = boolean(p, n) { return .boolean(b) }
        if let t = temporal(p, n) { return .temporal(t.seconds, isDate: t.isDate) }
        return n <= 64 ? lenient(p, n, nulls: nulls) : .text
    }

    /// A date or timestamp in any form a load reads (`2020-10-13`, `2020/10/13 8:30`,
    /// `2020年10月13日`, full-width digits, spaces around it), or nil: how text meets a date
    /// in a query (`joined >= "2020年9月1日"`, `date("2020/11/01")`).
    static func temporal(_ s: String) -> (seconds: Int64, isDate: Bool)? {
        var bytes = Array(s.utf8)
        return bytes.withUnsafeMutableBufferPointer { b -> (seconds: Int64, isDate: Bool)? in
            guard let p = b.baseAddress, b.count > 0,
                  case .temporal(let t, let isDate) = classify(p, b.count, nulls: NullMarkers([])) else { return nil }
            return (t, isDate)
        }
    }

    /// The export forms, on a normalised copy of the field (on the stack).
    @inline(never)
    private static func lenient(_ p: UnsafePointer<UInt8>, _ n: Int, nulls: NullMarkers) -> FieldValue {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buf -> FieldValue in
            var m = 0, i = 0
            var changed = false
            while i < n {
                let c = p[i]
                if c == 0xEF && i + 2 < n && ((p[i + 1] == 0xBC && p[i + 2] >= 0x81) || (p[i + 1] == 0xBD && p[i + 2] <= 0x9E)) {
                    buf[m] = (((p[i + 1] & 0x03) << 6) | (p[i + 2] & 0x3F)) &+ 0x20   // U+FF01–FF5E → ASCII
                    i += 3
                } else if c == 0xE3 && i + 2 < n && p[i + 1] == 0x80 && p[i + 2] == 0x80 {
                    buf[m] = 32; i += 3                                                  // U+3000
                } else if c == 0xC2 && i + 1 < n && p[i + 1] == 0xA0 {
                    buf[m] = 32; i += 2                                                  // U+00A0
                } else {
                    buf[m] = c; m += 1; i += 1
                    continue
                }
                m += 1
                changed = true
            }
            var s = 0, e = m
            while s < e && (buf[s] == 32 || buf[s] == 9) { s += 1 }
            while e > s && (buf[e - 1] == 32 || buf[e - 1] == 9) { e -= 1 }
            let q = UnsafePointer(buf.baseAddress! + s), k = e - s
            if k == 0 { return .null }
            if changed || k != n {
                if nulls.contains(q, k) { return .null }
                if let v = integer(q, k) { return .integer(v) }
                if let d = decimal(q, k) { return .decimal(d) }
                if let b = boolean(q, k) { return .boolean(b) }
                if let t = temporal(q, k) { return .temporal(t.seconds, isDate: t.isDate) }
            }
            if k == 1 && (q[0] | 0x20 == UInt8(ascii: "y") || q[0] | 0x20 == UInt8(ascii: "n")) {
                return .boolean(q[0] | 0x20 == UInt8(ascii: "y"))
            }
            if let v = exportNumber(q, k) { return v }
            if let t = looseTemporal(q, k) { return .temporal(t.seconds, isDate: t.isDate) }
            return .text
        }
    }

    /// `225,319`, `-1,234.5`, `92.13%`, `1.2万`, `3亿`: digits (commas only between groups of
    /// three), an optional fraction, then at most one of `%`, `万`, `亿`. Plain numbers are not
    /// accepted here (they were tried before).
    private static func exportNumber(_ p: UnsafePointer<UInt8>, _ n: Int) -> FieldValue? {
        var end = n
        var shift = 0, percent = false
        if p[n - 1] == UInt8(ascii: "%") { percent = true; end -= 1 }
        else if n >= 4 && p[n - 3] == 0xE4 && p[n - 2] == 0xB8 && p[n - 1] == 0x87 { shift = 4; end -= 3 }   // 万
        else if n >= 4 && p[n - 3] == 0xE4 && p[n - 2] == 0xBA && p[n - 1] == 0xBF { shift = 8; end -= 3 }   // 亿
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 80) { out -> FieldValue? in
            var i = 0, o = 0
            if end > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) { out[0] = p[0]; o = 1; i = 1 }
            let signEnd = o
            var group = 0, groups = 0, commas = 0
            while i < end && p[i] &- 48 < 10 { out[o] = p[i]; o += 1; group += 1; i += 1
                if i < end && p[i] == UInt8(ascii: ",") {
                    guard (groups == 0 ? group <= 3 : group == 3) else { return nil }
                    groups += 1; commas += 1; group = 0; i += 1
                }
            }
            guard o > signEnd, commas == 0 || group == 3 else { return nil }
            var intEnd = o
            if i < end && p[i] == UInt8(ascii: ".") {
                i += 1
                while i < end && p[i] &- 48 < 10 { out[o] = p[i]; o += 1; i += 1 }
            }
            guard i == end, commas > 0 || percent || shift > 0 else { return nil }
            // Move the decimal point `shift` places right (× 10⁴ for 万), exactly, in the text.
            for _ in 0..<shift {
                if intEnd == o { out[o] = 48; o += 1 }
                intEnd += 1
            }
            var digitsStart = signEnd
            while shift > 0 && intEnd - digitsStart > 1 && out[digitsStart] == 48 { digitsStart += 1 }   // 0.5万 → 5000
            if digitsStart > signEnd {
                for j in digitsStart..<o { out[signEnd + j - digitsStart] = out[j] }
                o -= digitsStart - signEnd; intEnd -= digitsStart - signEnd
            }
            if o > intEnd {
                for j in stride(from: o, to: intEnd, by: -1) { out[j] = out[j - 1] }
                out[intEnd] = UInt8(ascii: "."); o += 1
            }
            let q = UnsafePointer(out.baseAddress!)
            if !percent, let v = integer(q, o) { return .integer(v) }
            return decimal(q, o).map { .decimal($0) }
        }
    }

    /// `2020/10/13`, `2020.10.13`, `2020-1-5`, `2020年10月13日`, each optionally followed by a time
    /// `H:MM` or `H:MM:SS` (after spaces or `T`).
    private static func looseTemporal(_ p: UnsafePointer<UInt8>, _ n: Int) -> (seconds: Int64, isDate: Bool)? {
        var i = 0
        func digits(_ min: Int, _ max: Int) -> Int? {
            var v = 0, k = 0
            while i < n && k < max && p[i] &- 48 < 10 { v = v * 10 + Int(p[i] &- 48); i += 1; k += 1 }
            return k >= min ? v : nil
        }
        /// One ASCII byte, or (with `b1`, `b2`) one three-byte character.
        func literal(_ b0: UInt8, _ b1: UInt8 = 0, _ b2: UInt8 = 0) -> Bool {
            let count = b1 == 0 ? 1 : 3
            guard i + count <= n, p[i] == b0, count == 1 || (p[i + 1] == b1 && p[i + 2] == b2) else { return false }
            i += count
            return true
        }
        guard let y = digits(4, 4) else { return nil }
        let chinese = literal(0xE5, 0xB9, 0xB4)                                // 年
        let separator = i < n ? p[i] : 0
        guard chinese || separator == 45 || separator == 47 || separator == 46 else { return nil }   // - / .
        if !chinese { i += 1 }
        guard let m = digits(1, 2), chinese ? literal(0xE6, 0x9C, 0x88) : literal(separator),    // 月
              let d = digits(1, 2), m >= 1, m <= 12, d >= 1, d <= CivilCalendar.daysInMonth(y, m) else { return nil }
        if chinese { _ = literal(0xE6, 0x97, 0xA5) }                           // 日
        let days = Int64(CivilCalendar.daysFromCivil(y, m, d))
        if i == n { return (days * 86400, true) }
        var gap = 0
        while i < n && (p[i] == 32 || p[i] == UInt8(ascii: "T")) { i += 1; gap += 1 }
        guard gap > 0, let hh = digits(1, 2), literal(58), let mm = digits(2, 2), hh < 24, mm < 60 else { return nil }
        var ss = 0
        if i < n {
            guard literal(58), let s = digits(2, 2), s < 60, i == n else { return nil }
            ss = s
        }
        return (days * 86400 + Int64(hh * 3600 + mm * 60 + ss), false)
    }

    /// The offset of the first byte that is not valid UTF-8, or nil. A sequence cut off by the
    /// end of the buffer counts as invalid unless `allowTruncatedEnd` (a prefix being sniffed).
    static func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ n: Int, allowTruncatedEnd: Bool = false) -> Int? {
        var i = 0
        while i < n {
            if i + 8 <= n && UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
            let c = p[i]
            if c < 0x80 { i += 1; continue }
            let len: Int, lo: UInt8, hi: UInt8
            switch c {
            case 0xC2...0xDF: (len, lo, hi) = (2, 0x80, 0xBF)
            case 0xE0: (len, lo, hi) = (3, 0xA0, 0xBF)
            case 0xED: (len, lo, hi) = (3, 0x80, 0x9F)
            case 0xE1...0xEF: (len, lo, hi) = (3, 0x80, 0xBF)
            case 0xF0: (len, lo, hi) = (4, 0x90, 0xBF)
            case 0xF4: (len, lo, hi) = (4, 0x80, 0x8F)
            case 0xF1...0xF3: (len, lo, hi) = (4, 0x80, 0xBF)
            default: return i
            }
            if i + len > n {
                if allowTruncatedEnd { var k = i + 1; while k < n && p[k] & 0xC0 == 0x80 { k += 1 }; if k == n { return nil } }
                return i
            }
            guard p[i + 1] >= lo && p[i + 1] <= hi else { return i }
            for k in 2..<len where p[i + k] & 0xC0 != 0x80 { return i }
            i += len
        }
        return nil
    }
}
