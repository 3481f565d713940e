/// Scalar functions, applied element-wise: date parts, rounding, null handling, text
/// (TextFunctions.swift) and calendar arithmetic (DateFunctions.swift). Each entry says how
/// many arguments it takes, the type of its result (or why the arguments do not fit), what its
/// literal arguments may be, and how it computes; the registry (FunctionRegistry.swift) lists
/// them beside the aggregates.
struct Functions: Sendable {
    typealias LiteralCheck = @Sendable (_ name: String, _ literals: [Value?]) -> (argument: Int, error: OperationError)?

    let arity: ClosedRange<Int>
    /// The result's type for the arguments' types (nil: a typeless null), or the error.
    let resultType: @Sendable (_ name: String, _ args: [DataType?]) -> Result<DataType?, OperationError>
    /// Checks the arguments written as literals (nil for the others) before anything runs — a
    /// date part, a format, a text that must read as a date — and names the one that does not fit.
    let checkLiterals: LiteralCheck
    let apply: @Sendable ([Vector]) throws -> Vector

    init(arity: ClosedRange<Int>, result: @escaping @Sendable (_ name: String, _ args: [DataType?]) -> Result<DataType?, OperationError>,
         literals: @escaping LiteralCheck = { _, _ in nil }, apply: @escaping @Sendable ([Vector]) throws -> Vector) {
        self.arity = arity
        self.resultType = result
        self.checkLiterals = literals
        self.apply = apply
    }

    static let table: [String: Functions] = core.merging(text) { a, _ in a }.merging(dates) { a, _ in a }

    private static let core: [String: Functions] = [
        "year": datePart { CivilCalendar.civil(fromDays: $0).year },
        "month": datePart { CivilCalendar.civil(fromDays: $0).month },
        "day": datePart { CivilCalendar.civil(fromDays: $0).day },
        "week": datePart { CivilCalendar.isoWeek(ofDays: $0) },
        "weekday": datePart { CivilCalendar.weekday(ofDays: $0) },
        "hour": Functions(arity: 1...1, result: temporalArgument(.integer), literals: temporalLiterals) { v in
            let (s, m) = try seconds(v[0], "hour")
            return .integer(s.map { ($0 - Int64(CivilCalendar.days(ofSeconds: $0)) * 86400) / 3600 }, m)
        },
        "date": Functions(arity: 1...1, result: temporalArgument(.date), literals: temporalLiterals) { v in
            let (s, m) = try seconds(v[0], "date")
            return .date(s.map { Int64(CivilCalendar.days(ofSeconds: $0)) * 86400 }, m)
        },
        "round": Functions(arity: 1...2, result: { name, args in
            if args.count == 2, let t = args[1], t != .integer {
                return .failure(OperationError(message: "round's second argument is a whole number of decimals"))
            }
            return numeric(name, args[0]).map { $0 == .boolean ? .integer : $0 }
        }) { v in
            var digits: Int64 = 0
            if v.count == 2 {
                guard case .integer(let d, nil) = v[1], let first = d.first else {
                    throw OperationError(message: "round's second argument is a whole number of decimals")
                }
                digits = first
            }
            switch try VectorOps.numbers(v[0], "round") {
            case .ints(let a, let m): return .integer(try a.map { try roundHalfAway($0, digits: digits) }, m)
            case .doubles(let a, let m): return .decimal(a.map { Format.roundHalfAway($0, digits: Int(clamping: digits)) }, m)
            }
        },
        "abs": Functions(arity: 1...1, result: { name, args in numeric(name, args[0]).map { $0 == .boolean ? .integer : $0 } }) { v in
            switch try VectorOps.numbers(v[0], "abs") {
            case .ints(let a, let m):
                if a.contains(Int64.min) { throw OperationError(message: "integer overflow in abs") }
                return .integer(a.map { abs($0) }, m)
            case .doubles(let a, let m): return .decimal(a.map { abs($0) }, m)
            }
        },
        "coalesce": Functions(arity: 2...16, result: { _, args in .success(args.dropFirst().reduce(args[0], unifiedType)) }) { v in
            var out = v[0]
            for next in v.dropFirst() { out = try choose(VectorOps.isNull(out, negated: true), out, next) }
            return out
        },
        "if": Functions(arity: 3...3, result: { _, args in
            if let c = args[0], c != .boolean {
                return .failure(OperationError(message: "if needs a condition (true or false) first, not \(VectorOps.describe(c))"))
            }
            return .success(unifiedType(args[1], args[2]))
        }) { v in try choose(v[0], v[1], v[2]) },
    ]

    /// A function of one date or timestamp (text is read as one) whose result has type `t`.
    static func temporalArgument(_ t: DataType) -> @Sendable (String, [DataType?]) -> Result<DataType?, OperationError> {
        { name, args in
            guard let a = args[0] else { return .success(t) }
            if a.isTemporal || a == .string { return .success(t) }
            return .failure(OperationError(message: "\(name) needs a date or timestamp, not \(VectorOps.describe(a))"))
        }
    }

    /// The type of a numeric argument (integers, decimals, booleans as 0/1), or the error.
    static func numeric(_ name: String, _ t: DataType?) -> Result<DataType?, OperationError> {
        guard let t else { return .success(nil) }
        if t.isNumeric || t == .boolean { return .success(t) }
        return .failure(OperationError(message: "\(name) needs numbers, not \(VectorOps.describe(t))"))
    }

    /// The type two values are brought to when either may be taken (`if`, `coalesce`), as `unify` does.
    static func unifiedType(_ a: DataType?, _ b: DataType?) -> DataType? {
        guard let a else { return b }
        guard let b else { return a }
        if a == b { return a }
        if a.isNumeric && b.isNumeric { return .decimal }
        if a.isTemporal && b.isTemporal { return .timestamp }
        return .string
    }

    /// An integer rounded half away from zero to `digits` decimals: unchanged for digits ≥ 0,
    /// to tens, hundreds, … below (round(155, -1) is 160).
    private static func roundHalfAway(_ x: Int64, digits: Int64) throws -> Int64 {
        guard digits < 0 else { return x }
        guard digits > -19 else { return 0 }                 // every Int64 is below half of 10^19
        var unit: Int64 = 1
        for _ in 0..<(-digits) { unit *= 10 }
        var q = x / unit
        if (x % unit).magnitude * 2 >= unit.magnitude { q += x < 0 ? -1 : 1 }
        let (r, o) = q.multipliedReportingOverflow(by: unit)
        if o { throw OperationError(message: "integer overflow: round(\(x), \(digits)) does not fit in 64 bits") }
        return r
    }

    static func seconds(_ v: Vector, _ name: String) throws -> ([Int64], NullMask?) {
        if VectorOps.allNull(v) { return ([Int64](repeating: 0, count: v.count), Vector.nulls(.integer, count: v.count).nulls) }
        switch v {
        case .date(let a, let m), .timestamp(let a, let m): return (a, m)
        case .string: return try seconds(VectorOps.asTemporal(v), name)
        default: throw OperationError(message: "\(name) needs a date or timestamp, not \(VectorOps.describe(v.type))")
        }
    }

    /// A part of the date (the day number's function): computed once per day in the vector's
    /// range, then looked up per row.
    private static func datePart(_ f: @escaping @Sendable (Int) -> Int) -> Functions {
        Functions(arity: 1...1, result: temporalArgument(.integer), literals: temporalLiterals) { v in
            let (s, m) = try seconds(v[0], "this date part")
            var lo = Int64.max, hi = Int64.min
            for (i, t) in s.enumerated() where m == nil || !m!.isNull(i) { lo = min(lo, t); hi = max(hi, t) }
            guard lo <= hi else { return .integer([Int64](repeating: 0, count: s.count), m) }
            let first = CivilCalendar.days(ofSeconds: lo), last = CivilCalendar.days(ofSeconds: hi)
            guard last - first < 1 << 20 else { return .integer(s.map { Int64(f(CivilCalendar.days(ofSeconds: $0))) }, m) }
            let table = (first...last).map { Int64(f($0)) }
            let out = [Int64](unsafeUninitializedCapacity: s.count) { out, initialized in
                for (i, t) in s.enumerated() { out[i] = m?.isNull(i) ?? false ? 0 : table[CivilCalendar.days(ofSeconds: t) - first] }
                initialized = s.count
            }
            return .integer(out, m)
        }
    }

    /// `if(cond, a, b)` element-wise; a null condition picks `b`.
    static func choose(_ cond: Vector, _ a: Vector, _ b: Vector) throws -> Vector {
        let (c, cm) = try VectorOps.bools(cond, "if")
        let n = c.count
        var rows = [Int32](repeating: 0, count: n)
        var pickA = [Bool](repeating: false, count: n)
        for i in 0..<n { pickA[i] = c[i] == 1 && !(cm?.isNull(i) ?? false); rows[i] = Int32(i) }
        // Bring both sides to one type, then take each row from its side.
        let (x, y) = try unify(a, b)
        func merge<T>(_ p: [T], _ q: [T]) -> [T] { (0..<n).map { pickA[$0] ? p[$0] : q[$0] } }
        var mask: NullMask?
        for i in 0..<n where pickA[i] ? x.isNull(i) : y.isNull(i) {
            if mask == nil { mask = NullMask(count: n) }
            mask!.setNull(i)
        }
        switch (x, y) {
        case (.integer(let p, _), .integer(let q, _)): return .integer(merge(p, q), mask)
        case (.decimal(let p, _), .decimal(let q, _)): return .decimal(merge(p, q), mask)
        case (.boolean(let p, _), .boolean(let q, _)): return .boolean(merge(p, q), mask)
        case (.date(let p, _), .date(let q, _)): return .date(merge(p, q), mask)
        case (.timestamp(let p, _), .timestamp(let q, _)): return .timestamp(merge(p, q), mask)
        default:
            let strings = (0..<n).map { i -> String in
                let v = pickA[i] ? x.value(at: i) : y.value(at: i)
                return v == .null ? "" : Format.display(v)
            }
            return .text(strings, nulls: mask)
        }
    }

    private static func unify(_ a: Vector, _ b: Vector) throws -> (Vector, Vector) {
        if a.type == b.type { return (a, b) }
        if a.nullCount == a.count { return (Vector.nulls(b.type, count: a.count), b) }
        if b.nullCount == b.count { return (a, Vector.nulls(a.type, count: b.count)) }
        if a.type.isNumeric && b.type.isNumeric {
            return (.decimal(try VectorOps.numbers(a, "").doubles, a.nulls), .decimal(try VectorOps.numbers(b, "").doubles, b.nulls))
        }
        if a.type.isTemporal && b.type.isTemporal, let x = VectorOps.temporalSeconds(a), let y = VectorOps.temporalSeconds(b) {
            return (.timestamp(x, a.nulls), .timestamp(y, b.nulls))
        }
        return (a, b)  // shown as text
    }
}
