import CMemory

/// Builds one column from field bytes, inferring its type over every row.
///
/// The column starts untyped (only nulls seen) and takes the most specific type that the
/// first value parses as: integer, decimal, boolean, date/timestamp, else string. A later value
/// may widen it: integer → decimal, date → timestamp. Any other mismatch makes the column a
/// string, which needs the earlier rows' text again: `append` then returns `false` and the
/// reader replays the column's earlier fields through `appendString`.
///
/// Each typed state first tries its own plain parser (allocation-free, the fast path); only a
/// field that fails it goes through `FieldParsing.classify` (null markers, `225,319`, `92.13%`,
/// `2020年10月13日` …). A column whose type is given on load (`forced`) starts in that type and
/// never restarts: the reader checks each field with `accepts` first.
struct ColumnBuilder {
    enum State: String { case untyped, integer, decimal, boolean, date, timestamp, string }

    private(set) var state: State = .untyped
    private(set) var count = 0
    private var ints: [Int64] = []      // integer, date, timestamp
    private var bytes: [UInt8] = []     // boolean (0/1)
    private var doubles: [Double] = []
    private var codes = Codes()
    private var interner = StringInterner()
    /// Text fields read in place, waiting to be interned together (`appendInPlace`). While
    /// some wait, `codes` stops at the first of them; `flush` fills it up to `count`.
    private var pending: [StringInterner.Pending] = []
    private var nulls: NullMask?
    private var dateCache = FieldParsing.DateCache()
    private let reserve: Int
    private let markers: NullMarkers
    private let forced: DataType?

    init(expectedRows: Int, nulls markers: NullMarkers, type forced: DataType? = nil) {
        reserve = expectedRows
        self.markers = markers
        self.forced = forced
        if let forced { start(ColumnBuilder.state(for: forced)) }
    }

    /// The state of a column given as `type`: the type's own (State names every DataType, plus untyped).
    private static func state(for type: DataType) -> State { State(rawValue: type.rawValue)! }

    /// Whether a column given as `type` can hold this field (a null always fits).
    static func accepts(_ p: UnsafePointer<UInt8>, _ n: Int, as type: DataType, nulls: NullMarkers) -> Bool {
        if type == .string { return true }
        switch FieldParsing.classify(p, n, nulls: nulls) {
        case .null: return true
        case .integer(let v): return type == .integer || type == .decimal || (type == .boolean && (v == 0 || v == 1))
        case .decimal: return type == .decimal
        case .boolean: return type == .boolean
        case .temporal(_, let isDate): return type == .timestamp || (type == .date && isDate)
        case .text: return false
        }
    }

    /// True when a string in this column was not valid UTF-8 (the file is not UTF-8).
    var sawInvalidUTF8: Bool { interner.sawInvalidUTF8 }

    @inline(never)
    private mutating func appendNull() {
        if nulls == nil { nulls = NullMask(count: 0) }
        nulls!.extend(to: count + 1)
        nulls!.setNull(count)
        switch state {
        case .untyped: break
        case .decimal: doubles.append(0)
        case .string: if pending.isEmpty { codes.append(0) }   // else `flush` gives the row its 0
        case .boolean: bytes.append(0)
        default: ints.append(0)
        }
        count += 1
    }

    /// Appends one field (already unquoted and trimmed). Returns false when the column just
    /// became a string and the rows before this one must be replayed as text.
    @inline(never)
    mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n == 0 { appendNull(); return true }
        switch state {
        case .integer:
            if let v = FieldParsing.integer(p, n) { ints.append(v); bump(); return true }
        case .decimal:
            if let d = FieldParsing.decimal(p, n) { doubles.append(d); bump(); return true }
        case .boolean:
            if let b = FieldParsing.boolean(p, n) { bytes.append(b ? 1 : 0); bump(); return true }
        case .date, .timestamp:
            if let t = FieldParsing.temporal(p, n, cache: &dateCache), t.isDate || state == .timestamp { ints.append(t.seconds); bump(); return true }
        case .string:
            appendString(p, n)
            return true
        case .untyped:
            break
        }
        return appendParsed(p, n)
    }

    /// The slow path: the field is not in the column's plain form.
    @inline(never)
    private mutating func appendParsed(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        switch (FieldParsing.classify(p, n, nulls: markers), state) {
        case (.null, _): appendNull(); return true
        case (.integer(let v), .untyped): start(.integer); ints.append(v)
        case (.integer(let v), .integer): ints.append(v)
        case (.integer(let v), .boolean) where v == 0 || v == 1: bytes.append(UInt8(v))   // any other number makes it text
        case (.integer(let v), .decimal): doubles.append(Double(v))
        case (.decimal(let d), .untyped): start(.decimal); doubles.append(d)
        case (.decimal(let d), .integer):
            doubles.reserveCapacity(reserve)
            doubles = ints.map { Double($0) }
            ints = []
            state = .decimal
            doubles.append(d)
        case (.decimal(let d), .decimal): doubles.append(d)
        case (.boolean(let b), .untyped): start(.boolean); bytes.append(b ? 1 : 0)
        case (.boolean(let b), .integer) where forced == nil && onlyZeroAndOne:
            convert(to: .boolean)   // 1 and 0 so far, then 是: a boolean column, as 是 then 1 and 0 is
            bytes.append(b ? 1 : 0)
        case (.boolean(let b), .boolean): bytes.append(b ? 1 : 0)
        case (.temporal(let s, let isDate), .untyped): start(isDate ? .date : .timestamp); ints.append(s)
        case (.temporal(let s, let isDate), .date):
            if !isDate { state = .timestamp }   // a given `date` type never sees one (see `accepts`)
            ints.append(s)
        case (.temporal(let s, _), .timestamp): ints.append(s)
        case (.text, .untyped): start(.string); codes.append(interner.intern(p, n))
        default:
            // The value does not fit the column's type: restart as text.
            precondition(forced == nil, "a field was not checked against its column's given type")
            restartAsString()
            return false
        }
        bump()
        return true
    }

    /// An integer column whose values (nulls hold 0) are all 0 or 1: a boolean one if a 是/否 comes.
    private var onlyZeroAndOne: Bool { state == .integer && ints.allSatisfy { $0 == 0 || $0 == 1 } }

    /// Enters a typed state, giving the rows so far (all null) a placeholder value.
    private mutating func start(_ s: State) {
        state = s
        switch s {
        case .untyped: break
        case .decimal: doubles.reserveCapacity(reserve); doubles.append(contentsOf: repeatElement(0, count: count))
        case .string: codes.reserveCapacity(reserve); codes.append(repeating: 0, count: count)
        case .boolean: bytes.reserveCapacity(reserve); bytes.append(contentsOf: repeatElement(0, count: count))
        default: ints.reserveCapacity(reserve); ints.append(contentsOf: repeatElement(0, count: count))
        }
    }

    @inline(__always) private mutating func bump() {
        count += 1
        if nulls != nil { nulls!.extend(to: count) }
    }

    private mutating func restartAsString() {
        state = .string
        count = 0
        ints = []
        bytes = []
        doubles = []
        nulls = nil
        codes = Codes()
        codes.reserveCapacity(reserve)
    }

    /// What a column's rows say of its type: its state, and whether an integer column holds only
    /// 0 and 1 (a boolean one if the next part has 是/否). All a streaming read keeps of a part.
    struct Kind: Equatable {
        var state: State
        var zeroAndOne: Bool
    }

    var kind: Kind { Kind(state: state, zeroAndOne: onlyZeroAndOne) }

    /// The type of two consecutive parts' rows together: the same type, untyped with any, integer
    /// with decimal, date with timestamp; nil when they disagree (the column is text).
    static func combined(_ a: Kind, _ b: Kind) -> Kind? {
        switch (a.state, b.state) {
        case let (x, y) where x == y: Kind(state: x, zeroAndOne: a.zeroAndOne && b.zeroAndOne)
        case (.untyped, _): b
        case (_, .untyped): a
        case (.integer, .decimal), (.decimal, .integer): Kind(state: .decimal, zeroAndOne: false)
        case (.date, .timestamp), (.timestamp, .date): Kind(state: .timestamp, zeroAndOne: false)
        case (.integer, .boolean) where a.zeroAndOne, (.boolean, .integer) where b.zeroAndOne: Kind(state: .boolean, zeroAndOne: false)
        default: nil
        }
    }

    /// The type a column of this kind is read as (nil: untyped, only nulls so far).
    static func type(of kind: Kind) -> DataType? { kind.state == .untyped ? nil : DataType(rawValue: kind.state.rawValue) }

    /// Appends the rows of `other` (the next part of the same file, read in parallel) when the
    /// two parts' types combine: the same type, untyped with any, integer with decimal, date
    /// with timestamp. Returns false otherwise: the column is text and both parts must be read
    /// again as text.
    mutating func absorb(_ other: consuming ColumnBuilder) -> Bool {
        flush()
        var o = other
        o.flush()
        // Whether the integers are all 0 and 1 matters (and is counted) only beside a boolean part.
        let mine = Kind(state: state, zeroAndOne: o.state == .boolean && onlyZeroAndOne)
        let theirs = Kind(state: o.state, zeroAndOne: state == .boolean && o.onlyZeroAndOne)
        guard let target = ColumnBuilder.combined(mine, theirs)?.state else { return false }
        convert(to: target)
        o.convert(to: target)
        // The other part's values are given back to the system as they are copied, so that a
        // column is never in memory twice.
        switch target {
        case .untyped: break
        case .decimal: ColumnBuilder.append(&o.doubles, to: &doubles)
        case .string:
            let remap = interner.absorb(o.interner)
            o.interner = StringInterner()
            codes.appendReleasing(&o.codes, through: remap, nulls: o.nulls)
        case .boolean: ColumnBuilder.append(&o.bytes, to: &bytes)
        default: ColumnBuilder.append(&o.ints, to: &ints)
        }
        if nulls != nil || o.nulls != nil {
            var m = nulls ?? NullMask(count: count)
            m.extend(to: count + o.count)
            if let on = o.nulls { for i in 0..<o.count where on.isNull(i) { m.setNull(count + i) } }
            nulls = m
        }
        count += o.count
        return true
    }

    /// Appends `source`'s values a block at a time, releasing each block of `source` once
    /// copied; `source` is left empty.
    private static func append<T: BitwiseCopyable>(_ source: inout [T], to array: inout [T]) {
        array.reserveCapacity(array.count + source.count)
        let block = (1 << 20) / MemoryLayout<T>.stride
        source.withUnsafeMutableBufferPointer { s in
            for first in stride(from: 0, to: s.count, by: block) {
                let range = first..<min(s.count, first + block)
                array.append(contentsOf: UnsafeMutableBufferPointer(rebasing: s[range]))
                tally_release_pages(s.baseAddress! + first, range.count * MemoryLayout<T>.stride)
            }
        }
        source = []
    }

    /// No more strings will be added: lets the string table's index go (`absorb` and `finish`
    /// need only the strings).
    mutating func doneAdding() {
        flush()
        interner.dropIndex()
    }

    /// Moves to a wider state (`absorb`): untyped to any, integer to decimal, date to timestamp.
    private mutating func convert(to target: State) {
        guard state != target else { return }
        switch (state, target) {
        case (.untyped, _): start(target)
        case (.integer, .decimal): doubles = ints.map { Double($0) }; ints = []; state = .decimal
        case (.integer, .boolean): bytes = ints.map { UInt8($0) }; ints = []; state = .boolean
        case (.date, .timestamp): state = .timestamp
        default: preconditionFailure("no conversion from \(state) to \(target)")
        }
    }

    /// Appends a field to a column already known to be text (also the replay after a restart).
    @inline(__always)
    mutating func appendString(_ p: UnsafePointer<UInt8>, _ n: Int) {
        if !pending.isEmpty { flush() }
        if n == 0 || markers.contains(p, n) { appendNull(); return }
        codes.append(interner.intern(p, n)); bump()
    }

    /// `append` for a field whose bytes stay valid until the next `flush()`: a text field waits
    /// to be interned with others (see `StringInterner.intern(batch:into:)`).
    @inline(__always)
    mutating func appendInPlace(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard state == .string else { return append(p, n) }
        if n == 0 || markers.contains(p, n) { appendNull(); return true }
        let (h, ascii) = StringInterner.hash(p, n)
        pending.append(StringInterner.Pending(p: p, n: n, hash: h, ascii: ascii, index: count))
        bump()
        if pending.count == StringInterner.batchSize { flush() }
        return true
    }

    /// Interns the fields `appendInPlace` left waiting; due before their bytes go away.
    mutating func flush() {
        guard !pending.isEmpty else { return }
        codes.append(repeating: 0, count: count - codes.count)
        pending.withUnsafeBufferPointer { interner.intern(batch: $0, into: &codes) }
        pending.removeAll(keepingCapacity: true)
    }

    consuming func finish() -> Vector {
        precondition(pending.isEmpty, "finish() before flush()")
        interner.dropIndex()
        switch state {
        case .untyped: return .nulls(.string, count: count)
        case .integer: return .integer(ints, nulls)
        case .decimal: return .decimal(doubles, nulls)
        case .boolean: return .boolean(bytes, nulls)
        case .date: return .date(ints, nulls)
        case .timestamp: return .timestamp(ints, nulls)
        case .string: return .string(codes, StringDictionary(interner.strings()), nulls)
        }
    }
}
