#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How values are written. Decimals keep full precision inside Tally; table and Markdown output
/// show them rounded half away from zero to 2 decimals, CSV and JSON write them in full.
public enum Format {
    /// `x` rounded half away from zero to `digits` decimals. A value within a few ulps of a
    /// tie (as 1.005 is, stored as 1.00499999999999989…) counts as the tie, as it would in Excel.
    public static func roundHalfAway(_ x: Double, digits: Int) -> Double {
        guard x.isFinite, digits >= 0, digits <= 15 else { return x }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = x * scale
        let floorPart = scaled.rounded(.down)
        let fraction = scaled - floorPart
        let tolerance = max(abs(scaled), 1) * 4 * Double.ulpOfOne
        let rounded: Double
        if abs(fraction - 0.5) <= tolerance {
            rounded = scaled >= 0 ? floorPart + 1 : floorPart
        } else {
            rounded = scaled.rounded(.toNearestOrAwayFromZero)
        }
        return rounded / scale
    }

    /// A decimal with exactly `digits` decimals, rounded half away from zero.
    public static func fixed(_ x: Double, digits: Int = 2) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-∞" : "∞" }
        let r = roundHalfAway(x, digits: digits)
        var buf = [CChar](repeating: 0, count: 64)
        _ = withVaList([digits, r == 0 ? 0.0 : r]) { vsnprintf(&buf, 64, "%.*f", $0) }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A value as people read it: decimals to 2 places, times as `YYYY-MM-DD HH:MM:SS`,
    /// booleans as 是/否 (as the exports write them), null as empty.
    public static func display(_ v: Value) -> String {
        switch v {
        case .null: ""
        case .integer(let i): String(i)
        case .decimal(let d): fixed(d)
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
