#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How values are written. Decimals keep full precision inside Tally; table and Markdown output
/// show them rounded half away from zero to 2 decimals (`.decimals N`), a non-zero value below
/// 0.01 (one unit of the last place) with 2 significant digits instead, a `round(x, n)` column
/// with n decimals; CSV and JSON write them in full.
///
/// Rounding works on the exact decimal value of the double (1/3 is 0.333333333333333314829…),
/// never on a scaled copy of it, so every digit shown is right. One rule is added, as in Excel:
/// a value whose shortest form (the digits that read back as the same double) is a tie counts
/// as the tie, so 1.005 (stored as 1.00499999999999989…) shows as 1.01.
public enum Format {
    /// The most decimals `{x:.N}` shows (a double carries about 17 significant digits).
    public static let maxDecimals = 30

    /// `x` rounded half away from zero to `digits` decimals (negative: to tens, hundreds, …).
    public static func roundHalfAway(_ x: Double, digits: Int) -> Double {
        guard x.isFinite, x != 0 else { return x }
        if digits >= 1075 { return x }                          // a double has at most 1074 decimals
        if digits < -400 { return x.sign == .minus ? -0.0 : 0 }
        // k / 10^d is the double nearest to the decimal k·10^-d, as reading its digits gives.
        if let k = scaledRounded(x, digits) { return digits >= 0 ? k / powersOfTen[digits] : k * powersOfTen[-digits] }
        return Double(decimal(x, digits: digits)) ?? x
    }

    /// A decimal with exactly `digits` decimals, rounded half away from zero; every integer digit
    /// is shown, however many.
    public static func fixed(_ x: Double, digits: Int = 2) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-∞" : "∞" }
        let n = max(0, digits)
        guard let k = scaledRounded(x, n) else { return decimal(x, digits: n) }
        let whole = Int64(abs(k))
        var text = String(whole)
        if n > 0 {
            if text.count <= n { text = String(repeating: "0", count: n + 1 - text.count) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -n))
        }
        return x < 0 && whole != 0 ? "-" + text : text
    }

    private static let powersOfTen: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

    /// x·10^`digits` rounded half away from zero, where doubles can do it exactly: the scaled
    /// value is below 2^52 and more than a few units in its last place from a tie (it is off
    /// the exact product by half a unit at most, so both round the same way). nil otherwise:
    /// then the exact digits decide.
    private static func scaledRounded(_ x: Double, _ digits: Int) -> Double? {
        guard abs(digits) < powersOfTen.count else { return nil }
        let scaled = digits >= 0 ? x * powersOfTen[digits] : x / powersOfTen[-digits]
        let a = abs(scaled)
        guard a < 0x1p52, abs(a - a.rounded(.down) - 0.5) > 4 * a.ulp else { return nil }
        return scaled.rounded(.toNearestOrAwayFromZero)
    }

    /// The digits of a non-negative decimal number; `integerDigits` of them are before the point
    /// (it may be 0 or negative: 0.005 is digits "5" with -2).
    struct Digits {
        var digits: [UInt8]
        var integerDigits: Int

        /// The digit (0–9) in the place of 10^`power`.
        func at(_ power: Int) -> UInt8 {
            let i = integerDigits - 1 - power
            return i >= 0 && i < digits.count ? digits[i] - 48 : 0
        }

        /// |x| exactly: a double's fraction has as many decimals as binary places (at most 1074).
        init(exactly x: Double) {
            let places = x == 0 ? 0 : max(0, Int(x.significandWidth) - Int(x.exponent))
            let size = 320 + places
            var buf = [CChar](repeating: 0, count: size)
            _ = withVaList([places, abs(x)]) { vsnprintf(&buf, size, "%.*f", $0) }
            let text = buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            self.init(text)
        }

        /// The shortest digits that read back as |x| (Swift's description: "1.005", "1e-05").
        init(shortest x: Double) {
            let text = Array(abs(x).description.utf8)
            guard let e = text.firstIndex(of: UInt8(ascii: "e")) else { self.init(text); return }
            self.init(Array(text[..<e]))
            integerDigits += Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
        }

        /// From "123.45" or "123".
        private init(_ text: [UInt8]) {
            let point = text.firstIndex(of: UInt8(ascii: ".")) ?? text.count
            digits = text.filter { $0 != UInt8(ascii: ".") }
            integerDigits = point
        }
    }

    /// `x` rounded half away from zero at 10^-`digits`, as text: `digits` decimals, or for a
    /// negative `digits` a whole number ending in that many zeros.
    static func decimal(_ x: Double, digits n: Int) -> String {
        let exact = Digits(exactly: x)
        // The places kept: 10^top down to 10^-n.
        let top = max(exact.integerDigits - 1, 0, -n)
        var kept = stride(from: top, through: -n, by: -1).map { exact.at($0) }
        if exact.at(-n - 1) >= 5 || Digits(shortest: x).at(-n - 1) >= 5 {
            var i = kept.count - 1
            while i >= 0 && kept[i] == 9 { kept[i] = 0; i -= 1 }
            if i >= 0 { kept[i] += 1 } else { kept.insert(1, at: 0) }
        }
        if n < 0 { kept += [UInt8](repeating: 0, count: -n) }
        let decimals = max(n, 0)
        var whole = kept[..<(kept.count - decimals)].drop { $0 == 0 }.map { $0 + 48 }
        if whole.isEmpty { whole = [48] }
        var text = String(decoding: whole, as: UTF8.self)
        if decimals > 0 { text += "." + String(decoding: kept.suffix(decimals).map { $0 + 48 }, as: UTF8.self) }
        return x < 0 && kept.contains(where: { $0 != 0 }) ? "-" + text : text
    }

    /// The decimals shown by default, and the most `.decimals N` allows.
    public static let defaultDecimals = 2, maxDefaultDecimals = 15

    /// A decimal as a table shows it when nothing else says how: `decimals` places, except that
    /// a non-zero value smaller than one unit of the last place (0.01 for 2 places) shows 2
    /// significant digits, so it never reads as zero: 1/3000 is 0.00033, 0.005 is 0.0050.
    public static func shown(_ x: Double, decimals: Int = defaultDecimals) -> String {
        let n = max(0, decimals)
        let unit = n < powersOfTen.count ? 1 / powersOfTen[n] : pow(10, -Double(n))
        guard x.isFinite, x != 0, abs(x) < unit else { return fixed(x, digits: n) }
        // The places that give 2 significant digits; one fewer when rounding carried into a
        // new digit (0.00999 is 0.010, not 0.0100).
        let places = 1 - Int(log10(abs(x)).rounded(.down))
        let text = fixed(x, digits: places)
        return significantDigits(text) > 2 ? fixed(x, digits: places - 1) : text
    }

    /// The digits of a number's text from its first non-zero one.
    private static func significantDigits(_ text: String) -> Int {
        text.filter(\.isNumber).drop { $0 == "0" }.count
    }

    /// A value as people read it: decimals by the rule of `shown` (`decimals` places when given,
    /// as for a `round(x, n)` column), times as `YYYY-MM-DD HH:MM:SS`, booleans as 是/否 (as the
    /// exports write them), null as empty.
    public static func display(_ v: Value, decimals: Int?, defaultDecimals: Int = defaultDecimals) -> String {
        if case .decimal(let d) = v { return decimals.map { fixed(d, digits: min($0, maxDecimals)) } ?? shown(d, decimals: defaultDecimals) }
        return display(v)
    }

    /// A `{…}` value written by its spec: `.N` decimals for a number, zero padding after the
    /// sign to the width; null is nothing; others as shown.
    public static func formatted(_ v: Value, _ spec: FormatSpec) -> String {
        if case .null = v { return "" }
        var text: String
        if let d = spec.decimals, let x = v.asDouble { text = fixed(x, digits: d) } else { text = display(v) }
        if let w = spec.width, v.asDouble != nil, text.count < w {
            let negative = text.hasPrefix("-")
            let digits = negative ? String(text.dropFirst()) : text
            text = (negative ? "-" : "") + String(repeating: "0", count: w - text.count) + digits
        }
        return text
    }

    /// A value as people read it, by the default rule (`display(_:decimals:)`).
    public static func display(_ v: Value) -> String {
        switch v {
        case .null: ""
        case .integer(let i): String(i)
        case .decimal(let d): shown(d)
        case .boolean(let b): b ? "是" : "否"
        case .date(let s): CivilCalendar.format(seconds: s, dateOnly: true)
        case .timestamp(let s): CivilCalendar.format(seconds: s, dateOnly: false)
        case .string(let s): s
        }
    }

    /// A value for machine-readable output: decimals in full (shortest exact form).
    public static func exact(_ v: Value) -> String {
        switch v {
        case .decimal(let d):
            if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
            return "\(d)"
        default: return display(v)
        }
    }
}
