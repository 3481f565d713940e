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
