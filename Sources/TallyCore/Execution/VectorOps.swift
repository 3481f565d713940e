/// Element-wise operations over whole vectors: arithmetic, comparison, logic.
/// Each switches on the operand types once and runs one loop; nulls propagate through masks.
/// They throw `OperationError`, which the evaluator turns into a located diagnostic.
struct OperationError: Error {
    let message: String
    var notes: [String] = []
}

enum VectorOps {
    // MARK: Masks

    static func union(_ a: NullMask?, _ b: NullMask?, count: Int) -> NullMask? {
        switch (a, b) {
        case (nil, nil): return nil
        case (let m?, nil), (nil, let m?): return m
        case (var m?, let o?):
            for i in 0..<count where o.isNull(i) { m.setNull(i) }
            return m
        }
    }

    // MARK: Numbers

    enum Numbers {
        case ints([Int64], NullMask?)
        case doubles([Double], NullMask?)

        var doubles: [Double] {
            switch self {
            case .ints(let v, _): v.map { Double($0) }
            case .doubles(let v, _): v
            }
        }
        var mask: NullMask? {
            switch self { case .ints(_, let m), .doubles(_, let m): m }
        }
    }

    /// True when every row is null (also for no rows): such a vector fits any type.
    static func allNull(_ v: Vector) -> Bool { v.nullCount == v.count }

    /// A vector as numbers: integers, decimals, and booleans as 0/1.
    static func numbers(_ v: Vector, _ what: String) throws -> Numbers {
        if allNull(v), v.type != .decimal { return .ints([Int64](repeating: 0, count: v.count), v.nulls) }
        switch v {
        case .integer(let a, let m): return .ints(a, m)
        case .decimal(let a, let m): return .doubles(a, m)
        case .boolean(let a, let m): return .ints(a.map { Int64($0) }, m)
        default: throw OperationError(message: "\(what) needs numbers, not \(v.type.rawValue) values")
        }
    }

    static func arithmetic(_ op: BinaryOp, _ l: Vector, _ r: Vector) throws -> Vector {
        let n = l.count
        if l.type.isTemporal || r.type.isTemporal { return try calendar(op, l, r) }
        let a = try numbers(l, "`\(op.rawValue)`"), b = try numbers(r, "`\(op.rawValue)`")
        var mask = union(a.mask, b.mask, count: n)
        if case .ints(let x, _) = a, case .ints(let y, _) = b, op != .divide {
            var out = [Int64](repeating: 0, count: n)
            for i in 0..<n {
                let (v, overflow): (Int64, Bool)
                switch op {
                case .add: (v, overflow) = x[i].addingReportingOverflow(y[i])
                case .subtract: (v, overflow) = x[i].subtractingReportingOverflow(y[i])
                case .multiply: (v, overflow) = x[i].multipliedReportingOverflow(by: y[i])
                default:
                    if y[i] == 0 { (v, overflow) = (0, false); if mask == nil { mask = NullMask(count: n) }; mask!.setNull(i) }
                    else { (v, overflow) = x[i].remainderReportingOverflow(dividingBy: y[i]) }
                }
                if overflow && !(mask?.isNull(i) ?? false) {
                    throw OperationError(message: "integer overflow: \(x[i]) \(op.rawValue) \(y[i]) does not fit in 64 bits")
                }
                out[i] = v
            }
            return .integer(out, mask)
        }
        let x = a.doubles, y = b.doubles
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n {
            switch op {
            case .add: out[i] = x[i] + y[i]
            case .subtract: out[i] = x[i] - y[i]
            case .multiply: out[i] = x[i] * y[i]
            case .divide, .remainder:
                if y[i] == 0 {
                    if mask == nil { mask = NullMask(count: n) }
                    mask!.setNull(i)
                } else {
                    out[i] = op == .divide ? x[i] / y[i] : x[i].truncatingRemainder(dividingBy: y[i])
                }
            default: break
            }
        }
        return .decimal(out, mask)
    }

    /// A date or timestamp plus or minus a whole number of days (`enrolled_at + 7`, `7 + d`), or
    /// the days from one to another (`b - a`): an integer for two dates, a decimal when a time
    /// of day is involved (36 hours is 1.5).
    private static func calendar(_ op: BinaryOp, _ l: Vector, _ r: Vector) throws -> Vector {
        let n = l.count
        if allNull(l) || allNull(r) {   // typeless on one side: the type the binder gave
            return .nulls(allNull(r) && l.type.isTemporal ? l.type : op == .add && r.type.isTemporal ? r.type : .integer, count: n)
        }
        let mask = union(l.nulls, r.nulls, count: n)
        if op == .subtract, let x = temporalSeconds(l), let y = temporalSeconds(r) {
            var seconds = [Int64](repeating: 0, count: n)
            for i in 0..<n where !(mask?.isNull(i) ?? false) {
                let (d, overflow) = x[i].subtractingReportingOverflow(y[i])
                if overflow { throw OperationError(message: "the time between two dates does not fit in 64 bits") }
                seconds[i] = d
            }
            if l.type == .date && r.type == .date { return .integer(seconds.map { $0 / 86400 }, mask) }
            return .decimal(seconds.map { Double($0) / 86400 }, mask)
        }
        let (time, days) = l.type.isTemporal ? (l, r) : (r, l)
        guard let t = temporalSeconds(time), op == .add || (op == .subtract && time.type == l.type && !r.type.isTemporal),
              case .ints(let d, _) = try numbers(days, "`\(op.rawValue)`"), days.type != .boolean || allNull(days) else {
            throw OperationError(message: "`\(op.rawValue)` takes a date or timestamp and a whole number of days")
        }
        var out = [Int64](repeating: 0, count: n)
        for i in 0..<n where !(mask?.isNull(i) ?? false) {
            let (shift, o1) = d[i].multipliedReportingOverflow(by: 86400)
            let (v, o2) = op == .add ? t[i].addingReportingOverflow(shift) : t[i].subtractingReportingOverflow(shift)
            if o1 || o2 { throw OperationError(message: "integer overflow: \(d[i]) days from a date does not fit in 64 bits") }
            out[i] = v
        }
        return time.type == .date ? .date(out, mask) : .timestamp(out, mask)
    }

    static func temporalSeconds(_ v: Vector) -> [Int64]? {
        switch v {
        case .date(let a, _), .timestamp(let a, _): a
        default: nil
        }
    }

    static func negate(_ v: Vector) throws -> Vector {
        switch try numbers(v, "`-`") {
        case .ints(let a, let m):
            var out = [Int64](repeating: 0, count: a.count)
            for i in 0..<a.count {
                let (r, o) = Int64(0).subtractingReportingOverflow(a[i])
                if o { throw OperationError(message: "integer overflow: -(\(a[i])) does not fit in 64 bits") }
                out[i] = r
            }
            return .integer(out, m)
        case .doubles(let a, let m): return .decimal(a.map { -$0 }, m)
        }
    }

    // MARK: Comparison

    /// Compares two vectors of compatible types. Null on either side gives null.
    static func compare(_ op: BinaryOp, _ l: Vector, _ r: Vector) throws -> Vector {
        let n = l.count
        if allNull(l) || allNull(r) { return .nulls(.boolean, count: n) }
        let mask = union(l.nulls, r.nulls, count: n)
        @inline(__always) func test(_ c: Int) -> UInt8 {   // c: <0, 0, >0
            switch op {
            case .eq: c == 0 ? 1 : 0
            case .ne: c != 0 ? 1 : 0
            case .lt: c < 0 ? 1 : 0
            case .le: c <= 0 ? 1 : 0
            case .gt: c > 0 ? 1 : 0
            default: c >= 0 ? 1 : 0
            }
        }
        func ordered<C: RandomAccessCollection>(_ x: C, _ y: C) -> Vector where C.Index == Int, C.Element: Comparable {
            var out = [UInt8](repeating: 0, count: n)
            for i in 0..<n { out[i] = test(x[i] < y[i] ? -1 : (x[i] == y[i] ? 0 : 1)) }
            return .boolean(out, mask)
        }
        switch (l, r) {
        case (.string(let x, let dx, _), .string(let y, let dy, _)):
            if op == .eq || op == .ne {
                if dx === dy { return ordered(x, y) }
                // Translate the left dictionary's codes into the right one's (absent: never equal).
                let t = dx.translation(to: dy)
                var out = [UInt8](repeating: 0, count: n)
                for i in 0..<n { out[i] = test(t[Int(x[i])] == Int32(bitPattern: y[i]) ? 0 : 1) }
                return .boolean(out, mask)
            }
            let (rx, ry) = ranks(dx, dy)
            var out = [UInt8](repeating: 0, count: n)
            for i in 0..<n {
                let a = rx[Int(x[i])], b = ry[Int(y[i])]
                out[i] = test(a < b ? -1 : (a == b ? 0 : 1))
            }
            return .boolean(out, mask)
        case (.boolean(let x, _), .boolean(let y, _)):
            return ordered(x, y)
        case (.string, _) where r.type.isTemporal:
            return try compare(op, try asTemporal(l), r)
        case (_, .string) where l.type.isTemporal:
            return try compare(op, l, try asTemporal(r))
        default:
            if let x = temporalSeconds(l), let y = temporalSeconds(r) { return ordered(x, y) }
            if l.type.isNumeric && r.type.isNumeric {
                if case .integer(let x, _) = l, case .integer(let y, _) = r { return ordered(x, y) }
                return ordered(try numbers(l, "").doubles, try numbers(r, "").doubles)
            }
            throw OperationError(message: "cannot compare \(describe(l.type)) with \(describe(r.type))")
        }
    }

    static func describe(_ t: DataType) -> String {
        switch t {
        case .integer: "an integer"
        case .decimal: "a decimal"
        case .boolean: "a boolean (是/否)"
        case .date: "a date"
        case .timestamp: "a timestamp"
        case .string: "text"
        }
    }

    /// Text such as "2020-10-13", "2020/10/13 8:30" or "2020年10月13日" (any form a load reads)
    /// read as a timestamp, for comparisons and date functions. Only the strings of rows in scope
    /// must read as one.
    static func asTemporal(_ v: Vector) throws -> Vector {
        guard case .string(let codes, let d, let m) = v else { return v }
        var seconds = [Int64?](repeating: nil, count: d.count)
        for (i, s) in d.strings.enumerated() { seconds[i] = FieldParsing.temporal(s)?.seconds }
        var out = [Int64](repeating: 0, count: codes.count)
        for (i, c) in codes.enumerated() where !(m?.isNull(i) ?? false) {
            guard let t = seconds[Int(c)] else { throw notTemporal(d.strings[Int(c)]) }
            out[i] = t
        }
        return .timestamp(out, m)
    }

    static func notTemporal(_ s: String) -> OperationError {
        OperationError(message: "\"\(s)\" is not a date or timestamp (write 2020-10-13 or 2020-10-13 08:00:00)")
    }

    /// Ranks of two dictionaries' strings in one common (code point) order, so codes can be compared.
    static func ranks(_ a: StringDictionary, _ b: StringDictionary) -> ([Int], [Int]) {
        if a === b { let r = a.ranks.map { Int($0) }; return (r, r) }
        let union = StringDictionary(Array(Set(a.strings).union(b.strings)))
        let r = union.ranks
        return (a.translation(to: union).map { Int(r[Int($0)]) }, b.translation(to: union).map { Int(r[Int($0)]) })
    }

    // MARK: Logic (three-valued: false and null = false, true or null = true)

    static func bools(_ v: Vector, _ what: String) throws -> ([UInt8], NullMask?) {
        if allNull(v) { return ([UInt8](repeating: 0, count: v.count), v.nulls) }
        guard case .boolean(let a, let m) = v else {
            throw OperationError(message: "\(what) needs a condition (true or false), not \(describe(v.type))")
        }
        return (a, m)
    }

    static func logic(_ op: BinaryOp, _ l: Vector, _ r: Vector) throws -> Vector {
        let (x, mx) = try bools(l, "`\(op.rawValue)`"), (y, my) = try bools(r, "`\(op.rawValue)`")
        let n = x.count
        var out = [UInt8](repeating: 0, count: n)
        if mx == nil && my == nil {
            if op == .and { for i in 0..<n { out[i] = x[i] & y[i] } } else { for i in 0..<n { out[i] = x[i] | y[i] } }
            return .boolean(out, nil)
        }
        var mask = NullMask(count: n)
        var any = false
        for i in 0..<n {
            let a: UInt8? = (mx?.isNull(i) ?? false) ? nil : x[i]
            let b: UInt8? = (my?.isNull(i) ?? false) ? nil : y[i]
            if op == .and {
                if a == 0 || b == 0 { out[i] = 0 } else if a == nil || b == nil { mask.setNull(i); any = true } else { out[i] = 1 }
            } else {
                if a == 1 || b == 1 { out[i] = 1 } else if a == nil || b == nil { mask.setNull(i); any = true } else { out[i] = 0 }
            }
        }
        return .boolean(out, any ? mask : nil)
    }

    static func not(_ v: Vector) throws -> Vector {
        let (a, m) = try bools(v, "`not`")
        return .boolean(a.map { $0 ^ 1 }, m)
    }

    static func isNull(_ v: Vector, negated: Bool) -> Vector {
        let n = v.count
        var out = [UInt8](repeating: negated ? 1 : 0, count: n)
        if let m = v.nulls { for i in 0..<n where m.isNull(i) { out[i] = negated ? 0 : 1 } }
        return .boolean(out, nil)
    }

    /// The rows where a condition is true (null counts as not true).
    static func selection(_ v: Vector, within rows: [Int32]?) throws -> [Int32] {
        let (a, m) = try bools(v, "`where`")
        var out: [Int32] = []
        out.reserveCapacity(a.count / 2)
        a.withUnsafeBufferPointer { p in
            for i in 0..<p.count where p[i] == 1 && !(m?.isNull(i) ?? false) {
                out.append(rows.map { $0[i] } ?? Int32(i))
            }
        }
        return out
    }
}
