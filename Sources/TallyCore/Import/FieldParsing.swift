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
        guard n == 10 || n == 16 || n == 19 else { return nil }
        @inline(__always) func num(_ at: Int, _ len: Int) -> Int? {
            var v = 0
            for k in at..<(at + len) {
                let d = p[k] &- 48
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"),
              let y = num(0, 4), let m = num(5, 2), let d = num(8, 2),
              m >= 1, m <= 12, d >= 1, d <= CivilCalendar.daysInMonth(y, m) else { return nil }
        let days = CivilCalendar.daysFromCivil(y, m, d)
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

/// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01).
public enum CivilCalendar {
    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public static func civil(fromDays z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Floor division of seconds into days, correct for times before 1970.
    @inline(__always) public static func days(ofSeconds s: Int64) -> Int {
        Int(s >= 0 ? s / 86400 : (s - 86399) / 86400)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public static func weekday(ofDays d: Int) -> Int {
        let w = (d + 3) % 7  // 1970-01-01 was a Thursday
        return (w < 0 ? w + 7 : w) + 1
    }

    /// ISO 8601 week number (1–53).
    public static func isoWeek(ofDays d: Int) -> Int {
        let thursday = d - weekday(ofDays: d) + 4
        let year = civil(fromDays: thursday).year
        let jan1 = daysFromCivil(year, 1, 1)
        return (thursday - jan1) / 7 + 1
    }

    public static func format(seconds s: Int64, dateOnly: Bool) -> String {
        let days = CivilCalendar.days(ofSeconds: s)
        let (y, m, d) = civil(fromDays: days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var year = String(abs(y))
        while year.count < 4 { year = "0" + year }
        let date = "\(y < 0 ? "-" : "")\(year)-\(two(m))-\(two(d))"
        if dateOnly { return date }
        let sec = Int(s - Int64(days) * 86400)
        return "\(date) \(two(sec / 3600)):\(two(sec / 60 % 60)):\(two(sec % 60))"
    }
}
