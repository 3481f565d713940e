/// Builds one column from field bytes, inferring its type over every row.
///
/// The column starts untyped (only nulls seen) and takes the most specific type that the
/// first value parses as: integer, decimal, boolean, date/timestamp, else string. A later value
/// may widen it: integer → decimal, date → timestamp. Any other mismatch makes the column a
/// string, which needs the earlier rows' text again: `append` then returns `false` and the
/// reader replays the column's earlier fields through `appendString`.
struct ColumnBuilder {
    enum State { case untyped, integer, decimal, boolean, date, timestamp, string }

    private(set) var state: State = .untyped
    private(set) var count = 0
    private var ints: [Int64] = []      // integer, boolean (0/1), date, timestamp
    private var doubles: [Double] = []
    private var codes: [UInt32] = []
    private var interner = StringInterner()
    private var nulls: NullMask?
    private let reserve: Int

    init(expectedRows: Int) { reserve = expectedRows }

    @inline(__always)
    private mutating func appendNull() {
        if nulls == nil { nulls = NullMask(count: 0) }
        nulls!.extend(to: count + 1)
        nulls!.setNull(count)
        switch state {
        case .untyped: break
        case .decimal: doubles.append(0)
        case .string: codes.append(0)
        default: ints.append(0)
        }
        count += 1
    }

    /// Appends one field (already unquoted and trimmed). Returns false when the column just
    /// became a string and the rows before this one must be replayed as text.
    @inline(__always)
    mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n == 0 { appendNull(); return true }
        switch state {
        case .integer:
            if let v = FieldParsing.integer(p, n) { ints.append(v); bump(); return true }
            if let d = FieldParsing.decimal(p, n) {
                doubles.reserveCapacity(reserve)
                doubles = ints.map { Double($0) }
                ints = []
                state = .decimal
                doubles.append(d); bump(); return true
            }
        case .decimal:
            if let d = FieldParsing.decimal(p, n) { doubles.append(d); bump(); return true }
        case .boolean:
            if let b = FieldParsing.boolean(p, n) { ints.append(b ? 1 : 0); bump(); return true }
        case .date, .timestamp:
            if let t = FieldParsing.temporal(p, n) {
                if !t.isDate { state = .timestamp }
                ints.append(t.seconds); bump(); return true
            }
        case .string:
            codes.append(interner.intern(p, n)); bump(); return true
        case .untyped:
            let prior = count
            if let v = FieldParsing.integer(p, n) {
                state = .integer; ints.reserveCapacity(reserve); ints.append(contentsOf: repeatElement(0, count: prior)); ints.append(v)
            } else if let d = FieldParsing.decimal(p, n) {
                state = .decimal; doubles.reserveCapacity(reserve); doubles.append(contentsOf: repeatElement(0, count: prior)); doubles.append(d)
            } else if let b = FieldParsing.boolean(p, n) {
                state = .boolean; ints.reserveCapacity(reserve); ints.append(contentsOf: repeatElement(0, count: prior)); ints.append(b ? 1 : 0)
            } else if let t = FieldParsing.temporal(p, n) {
                state = t.isDate ? .date : .timestamp; ints.reserveCapacity(reserve); ints.append(contentsOf: repeatElement(0, count: prior)); ints.append(t.seconds)
            } else {
                state = .string; codes.reserveCapacity(reserve); codes.append(contentsOf: repeatElement(0, count: prior))
                codes.append(interner.intern(p, n))
            }
            bump()
            return true
        }
        // The value does not fit the column's type: restart as text.
        restartAsString()
        return false
    }

    @inline(__always) private mutating func bump() {
        count += 1
        if nulls != nil { nulls!.extend(to: count) }
    }

    private mutating func restartAsString() {
        state = .string
        count = 0
        ints = []
        doubles = []
        nulls = nil
        codes = []
        codes.reserveCapacity(reserve)
    }

    /// Appends a field to a column already known to be text (the replay after a restart).
    @inline(__always)
    mutating func appendString(_ p: UnsafePointer<UInt8>, _ n: Int) {
        if n == 0 { appendNull(); return }
        codes.append(interner.intern(p, n)); bump()
    }

    func finish() -> Vector {
        switch state {
        case .untyped: return .nulls(.string, count: count)
        case .integer: return .integer(ints, nulls)
        case .decimal: return .decimal(doubles, nulls)
        case .boolean: return .boolean(ints.map { UInt8($0) }, nulls)
        case .date: return .date(ints, nulls)
        case .timestamp: return .timestamp(ints, nulls)
        case .string:
            let strings = interner.strings()
            let dictionary = StringDictionary(strings)
            if dictionary.isValid() { return .string(codes, dictionary, nulls) }
            // Distinct byte strings that decode to the same text (invalid UTF-8): merge them.
            var firstCode = [String: UInt32]()
            var unique: [String] = []
            var remap = [UInt32](repeating: 0, count: strings.count)
            for (i, s) in strings.enumerated() {
                if let c = firstCode[s] { remap[i] = c } else {
                    firstCode[s] = UInt32(unique.count); remap[i] = UInt32(unique.count); unique.append(s)
                }
            }
            return .string(codes.map { remap[Int($0)] }, StringDictionary(unique), nulls)
        }
    }
}
