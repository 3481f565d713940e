/// Calendar functions: the difference of two times in calendar units, truncation to the start of
/// a period, formatting. Times are civil (no time zone); weeks start on Monday, as ISO weeks do.
/// Text arguments are read as dates in any form a load reads (`"2020/11/01"`, `"2020年11月1日"`).
extension Functions {
    static let dates: [String: Functions] = [
        "date_diff": Functions(arity: 3...3, result: calendarRule(text: [0], times: [1, 2], .integer),
                               literals: literalRule(part: (0, DatePart.allCases), times: [1, 2])) { v in
            let parts = try datePart(v[0], "date_diff", DatePart.allCases)
            let (a, am) = try seconds(v[1], "date_diff"), (b, bm) = try seconds(v[2], "date_diff")
            let mask = VectorOps.union(VectorOps.union(v[0].nulls, am, count: a.count), bm, count: a.count)
            var out = [Int64](repeating: 0, count: a.count)
            for i in 0..<a.count where !(mask?.isNull(i) ?? false) { out[i] = try parts[i].difference(a[i], b[i]) }
            return .integer(out, mask)
        },
        "date_trunc": Functions(arity: 2...2, result: calendarRule(text: [0], times: [1], .date),
                                literals: literalRule(part: (0, DatePart.truncations), times: [1])) { v in
            let parts = try datePart(v[0], "date_trunc", DatePart.truncations)
            let (t, tm) = try seconds(v[1], "date_trunc")
            let mask = VectorOps.union(v[0].nulls, tm, count: t.count)
            var out = [Int64](repeating: 0, count: t.count)
            for i in 0..<t.count where !(mask?.isNull(i) ?? false) { out[i] = Int64(parts[i].start(ofDay: CivilCalendar.days(ofSeconds: t[i]))) * 86400 }
            return .date(out, mask)
        },
        "format_date": Functions(arity: 2...2, result: calendarRule(text: [1], times: [0], .string),
                                 literals: literalRule(format: 1, times: [0])) { v in try formatDates(v[0], v[1]) },
    ]

    /// The type rule of a calendar function: text at the positions `text`, a date or timestamp
    /// (or text that reads as one) at `times`.
    private static func calendarRule(text: [Int], times: [Int], _ result: DataType) -> @Sendable (String, [DataType?]) -> Result<DataType?, OperationError> {
        { name, args in
            for (i, t) in args.enumerated() {
                guard let t else { continue }
                if text.contains(i) && t != .string {
                    return .failure(OperationError(message: "\(name) needs text as its \(ordinal(i)) argument, not \(VectorOps.describe(t))"))
                }
                if times.contains(i) && !(t.isTemporal || t == .string) {
                    return .failure(OperationError(message: "\(name) needs a date or timestamp as its \(ordinal(i)) argument, not \(VectorOps.describe(t))"))
                }
            }
            return .success(result)
        }
    }

    private static func ordinal(_ i: Int) -> String { ["first", "second", "third"][min(i, 2)] }

    /// The literal check of the date functions of one argument (year, month, date, …).
    static let temporalLiterals = literalRule(times: [0])

    /// Checks literal arguments before anything runs: the date part at `part.0` among `part.1`,
    /// the format at `format`, and that texts at `times` read as dates.
    private static func literalRule(part: (Int, [DatePart])? = nil, format: Int? = nil, times: [Int]) -> LiteralCheck {
        { name, literals in
            for (i, v) in literals.enumerated() {
                guard case .string(let s)? = v else { continue }
                do {
                    if let part, part.0 == i { _ = try DatePart.named(s, for: name, among: part.1) }
                    if format == i { _ = try DateFormat(s) }
                    if times.contains(i) && FieldParsing.temporal(s) == nil { throw VectorOps.notTemporal(s) }
                } catch let e as OperationError {
                    return (i, e)
                } catch {
                    continue
                }
            }
            return nil
        }
    }

    // MARK: Parts

    /// A calendar unit, as date_diff and date_trunc name it.
    enum DatePart: String, CaseIterable {
        case year, quarter, month, week, day, hour, minute, second

        /// The parts date_trunc cuts to: its result is a date.
        static let truncations: [DatePart] = [.year, .quarter, .month, .week, .day]

        static func named(_ s: String, for function: String, among allowed: [DatePart]) throws -> DatePart {
            if let p = DatePart(rawValue: s.lowercased()), allowed.contains(p) { return p }
            let list = allowed.map { "\"\($0.rawValue)\"" }
            var notes: [String] = []
            if DatePart(rawValue: s.lowercased()) != nil {
                notes.append("date_trunc gives a date; for the hour of a time: hour(t), or format_date(t, \"%Y-%m-%d %H:00\")")
            } else if let close = Suggest.closest(to: s.lowercased(), in: allowed.map(\.rawValue)) {
                notes.append("did you mean \"\(close)\"?")
            }
            throw OperationError(message: "\(function) takes \(list.dropLast().joined(separator: ", ")) or \(list.last!), not \"\(s)\"", notes: notes)
        }

        /// How many of this unit's boundaries lie from `a` to `b` (negative when `b` is earlier):
        /// calendar days, months…, so 23:59 to 00:01 is one day; weeks start on Monday.
        func difference(_ a: Int64, _ b: Int64) throws -> Int64 {
            func floorDiv(_ x: Int64, _ d: Int64) -> Int64 { x >= 0 ? x / d : -((-x + d - 1) / d) }
            let da = CivilCalendar.days(ofSeconds: a), db = CivilCalendar.days(ofSeconds: b)
            let (ya, ma, _) = CivilCalendar.civil(fromDays: da), (yb, mb, _) = CivilCalendar.civil(fromDays: db)
            switch self {
            case .year: return Int64(yb - ya)
            case .quarter: return Int64((yb * 4 + (mb - 1) / 3) - (ya * 4 + (ma - 1) / 3))
            case .month: return Int64((yb * 12 + mb) - (ya * 12 + ma))
            case .week: return Int64((DatePart.week.start(ofDay: db) - DatePart.week.start(ofDay: da)) / 7)
            case .day: return Int64(db - da)
            case .hour: return floorDiv(b, 3600) - floorDiv(a, 3600)
            case .minute: return floorDiv(b, 60) - floorDiv(a, 60)
            case .second:
                let (d, overflow) = b.subtractingReportingOverflow(a)
                if overflow { throw OperationError(message: "the seconds between two times do not fit in 64 bits") }
                return d
            }
        }

        /// The first day of the period (of this unit) holding `day`.
        func start(ofDay day: Int) -> Int {
            let (y, m, _) = CivilCalendar.civil(fromDays: day)
            switch self {
            case .year: return CivilCalendar.daysFromCivil(y, 1, 1)
            case .quarter: return CivilCalendar.daysFromCivil(y, (m - 1) / 3 * 3 + 1, 1)
            case .month: return CivilCalendar.daysFromCivil(y, m, 1)
            case .week: return day - CivilCalendar.weekday(ofDays: day) + 1
            default: return day
            }
        }
    }

    /// Each row's date part (rows where it is null get `.day`, unused); an unknown one is an error.
    private static func datePart(_ v: Vector, _ name: String, _ allowed: [DatePart]) throws -> [DatePart] {
        guard case .string(let codes, let d, let m) = v else { return [DatePart](repeating: .day, count: v.count) }
        var parts = [DatePart?](repeating: nil, count: d.count)
        var out = [DatePart](repeating: .day, count: codes.count)
        for (i, c) in codes.enumerated() where !(m?.isNull(i) ?? false) {
            if parts[Int(c)] == nil { parts[Int(c)] = try DatePart.named(d.strings[Int(c)], for: name, among: allowed) }
            out[i] = parts[Int(c)]!
        }
        return out
    }

    // MARK: Formatting

    /// A `format_date` format: `%Y` year, `%y` its last two digits, `%m` month, `%d` day, `%H` hour,
    /// `%M` minute, `%S` second (each two digits, zero padded), `%-m`, `%-d`, `%-H` without the
    /// padding, `%j` day of the year (three digits), `%u` weekday (1 = Monday), `%V` ISO week (two
    /// digits) and `%G` its year, `%%` a percent sign; anything else is written as it is.
    struct DateFormat {
        enum Piece { case text(String), field(Character, padded: Bool) }
        let pieces: [Piece]
        /// Whether the format shows a time of day (else one string serves a whole day).
        let showsTime: Bool

        init(_ format: String) throws {
            var pieces: [Piece] = [], text = ""
            var i = format.startIndex
            while i < format.endIndex {
                let c = format[i]
                i = format.index(after: i)
                guard c == "%" else { text.append(c); continue }
                var padded = true
                if i < format.endIndex && format[i] == "-" { padded = false; i = format.index(after: i) }
                guard i < format.endIndex else {
                    throw OperationError(message: "the format \"\(format)\" ends with %", notes: ["write %% for a percent sign"])
                }
                let f = format[i]
                i = format.index(after: i)
                let known: Set<Character> = padded ? ["Y", "y", "m", "d", "H", "M", "S", "j", "u", "V", "G", "%"] : ["m", "d", "H"]
                guard known.contains(f) else {
                    throw OperationError(message: "format_date does not know %\(padded ? "" : "-")\(f) in \"\(format)\"",
                                         notes: ["%Y year, %m month, %d day, %H:%M:%S time, %-m and %-d without a leading zero, %j day of the year, %u weekday, %V ISO week of %G, %% a percent sign"])
                }
                if f == "%" { text.append("%"); continue }
                if !text.isEmpty { pieces.append(.text(text)); text = "" }
                pieces.append(.field(f, padded: padded))
            }
            if !text.isEmpty { pieces.append(.text(text)) }
            self.pieces = pieces
            showsTime = pieces.contains { if case .field(let f, _) = $0 { "HMS".contains(f) } else { false } }
        }

        func format(_ seconds: Int64) -> String {
            let day = CivilCalendar.days(ofSeconds: seconds)
            let (y, m, d) = CivilCalendar.civil(fromDays: day)
            let time = Int(seconds - Int64(day) * 86400)
            func pad(_ v: Int, _ width: Int) -> String {
                let s = String(abs(v))
                return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
            }
            var out = ""
            for p in pieces {
                switch p {
                case .text(let t): out += t
                case .field(let f, let padded):
                    let width = padded ? 2 : 1
                    switch f {
                    case "Y": out += pad(y, 4)
                    case "y": out += pad(((y % 100) + 100) % 100, 2)
                    case "m": out += pad(m, width)
                    case "d": out += pad(d, width)
                    case "H": out += pad(time / 3600, width)
                    case "M": out += pad(time / 60 % 60, 2)
                    case "S": out += pad(time % 60, 2)
                    case "j": out += pad(day - CivilCalendar.daysFromCivil(y, 1, 1) + 1, 3)
                    case "u": out += String(CivilCalendar.weekday(ofDays: day))
                    case "V": out += pad(CivilCalendar.isoWeek(ofDays: day), 2)
                    default: out += pad(CivilCalendar.civil(fromDays: day - CivilCalendar.weekday(ofDays: day) + 4).year, 4)   // %G: the year of the week's Thursday
                    }
                }
            }
            return out
        }
    }

    /// `format_date(t, format)`: each distinct day (or time, if the format shows one) formatted
    /// once, the rows sharing its string.
    private static func formatDates(_ t: Vector, _ format: Vector) throws -> Vector {
        let (s, tm) = try seconds(t, "format_date")
        let n = s.count
        let mask = VectorOps.union(tm, format.nulls, count: n)
        guard !VectorOps.allNull(format), case .string(let fcodes, let fd, _) = format else { return .nulls(.string, count: n) }
        var formats: [UInt32: DateFormat] = [:]
        var codes = [UInt32](repeating: 0, count: n), strings: [String] = [], seen: [String: UInt32] = [:]
        var memo: [Int64: UInt32] = [:]
        let constant = fcodes.allSatisfy { $0 == fcodes.first }
        for i in 0..<n where !(mask?.isNull(i) ?? false) {
            let fc = fcodes[i]
            if formats[fc] == nil { formats[fc] = try DateFormat(fd.strings[Int(fc)]) }
            let f = formats[fc]!
            let key = f.showsTime ? s[i] : Int64(CivilCalendar.days(ofSeconds: s[i]))
            if constant, let c = memo[key] { codes[i] = c; continue }
            let text = f.format(s[i])
            let c = seen[text] ?? UInt32(strings.count)
            if c == UInt32(strings.count) { strings.append(text); seen[text] = c }
            if constant { memo[key] = c }
            codes[i] = c
        }
        return .string(Codes(codes), StringDictionary(strings), mask)
    }
}
