import CMemory

/// The dictionary codes of a text vector, each row stored in as few bytes as the largest code
/// needs: 1 byte while every code is below 256, 2 bytes below 65,536, else 4.
///
/// A column of three clients takes 1 byte a row, a column of a few thousand courses 2. Codes
/// read as `UInt32` whatever their width; storing a code too large for the width widens the
/// whole array first (a dictionary that grows while a file loads), never the other way.
/// Only one of the three arrays holds the rows; the other two stay empty.
public struct Codes: RandomAccessCollection, MutableCollection, Sendable {
    /// Bytes per row: 1, 2 or 4.
    public private(set) var width: Int
    private var w1: [UInt8] = []
    private var w2: [UInt16] = []
    private var w4: [UInt32] = []

    /// The width that holds codes up to `largest`.
    @inline(__always) public static func width(holding largest: UInt32) -> Int {
        largest <= UInt32(UInt8.max) ? 1 : largest <= UInt32(UInt16.max) ? 2 : 4
    }

    /// No rows, 1 byte a row until a larger code comes.
    public init() { width = 1 }

    /// These codes, at the narrowest width that holds the largest of them.
    public init(_ codes: [UInt32]) {
        width = Codes.width(holding: codes.max() ?? 0)
        switch width {
        case 1: w1 = codes.map { UInt8(truncatingIfNeeded: $0) }
        case 2: w2 = codes.map { UInt16(truncatingIfNeeded: $0) }
        default: w4 = codes
        }
    }

    /// `count` rows of `code`.
    public init(repeating code: UInt32, count: Int) {
        self.init()
        append(repeating: code, count: count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { width == 1 ? w1.count : width == 2 ? w2.count : w4.count }
    public var count: Int { endIndex }

    @inline(__always) public subscript(i: Int) -> UInt32 {
        get {
            switch width {
            case 1: UInt32(w1[i])
            case 2: UInt32(w2[i])
            default: w4[i]
            }
        }
        set {
            if newValue > Codes.largest(width) { widen(to: Codes.width(holding: newValue)) }
            switch width {
            case 1: w1[i] = UInt8(truncatingIfNeeded: newValue)
            case 2: w2[i] = UInt16(truncatingIfNeeded: newValue)
            default: w4[i] = newValue
            }
        }
    }

    /// The rows as memory of their own width: a kernel is written once over `FixedWidthInteger`
    /// and runs a tight loop at each width.
    public enum Rows {
        case w1(UnsafeBufferPointer<UInt8>)
        case w2(UnsafeBufferPointer<UInt16>)
        case w4(UnsafeBufferPointer<UInt32>)
    }

    @inline(__always) public func withRows<R>(_ body: (Rows) throws -> R) rethrows -> R {
        switch width {
        case 1: try w1.withUnsafeBufferPointer { try body(.w1($0)) }
        case 2: try w2.withUnsafeBufferPointer { try body(.w2($0)) }
        default: try w4.withUnsafeBufferPointer { try body(.w4($0)) }
        }
    }

    /// Calls `body(row, code)` for every row in order, in one loop per width.
    @inline(__always) public func forEachRow(_ body: (Int, UInt32) throws -> Void) rethrows {
        try withRows { rows in
            switch rows {
            case .w1(let p): for i in p.indices { try body(i, UInt32(p[i])) }
            case .w2(let p): for i in p.indices { try body(i, UInt32(p[i])) }
            case .w4(let p): for i in p.indices { try body(i, p[i]) }
            }
        }
    }

    /// `table[code]` of every row, in order (a translation into another dictionary, a flag, a rank).
    @inline(__always) public func lookup<T>(_ table: [T]) -> [T] {
        [T](unsafeUninitializedCapacity: count) { out, n in
            table.withUnsafeBufferPointer { t in forEachRow { i, c in (out.baseAddress! + i).initialize(to: t[Int(c)]) } }
            n = count
        }
    }

    /// Sets row `row(k)` to `values[k]` for each `k`, widening first if a value needs it.
    @inline(__always) mutating func set(_ values: UnsafeBufferPointer<UInt32>, atRows row: (Int) -> Int) {
        widen(to: Codes.width(holding: values.max() ?? 0))
        func store<T: FixedWidthInteger>(_ a: inout [T]) {
            a.withUnsafeMutableBufferPointer { p in
                for k in values.indices { p[row(k)] = T(truncatingIfNeeded: values[k]) }
            }
        }
        switch width {
        case 1: store(&w1)
        case 2: store(&w2)
        default: store(&w4)
        }
    }

    @inline(__always) private static func largest(_ width: Int) -> UInt32 {
        width == 1 ? UInt32(UInt8.max) : width == 2 ? UInt32(UInt16.max) : UInt32.max
    }

    /// The codes four bytes a row (no copy when they are stored so already).
    public var wide: [UInt32] {
        func widened<T: FixedWidthInteger>(_ a: [T]) -> [UInt32] {
            [UInt32](unsafeUninitializedCapacity: a.count) { out, n in
                a.withUnsafeBufferPointer { p in for i in 0..<p.count { out[i] = UInt32(truncatingIfNeeded: p[i]) } }
                n = a.count
            }
        }
        switch width {
        case 1: return widened(w1)
        case 2: return widened(w2)
        default: return w4
        }
    }

    /// Rewrites the rows at a larger width (never a smaller one).
    mutating func widen(to target: Int) {
        guard target > width else { return }
        let capacity = Swift.max(count, capacityOfCurrent)
        switch target {
        case 2:
            w2.reserveCapacity(capacity)
            w2.append(contentsOf: w1.lazy.map { UInt16($0) })
        default:
            w4.reserveCapacity(capacity)
            if width == 1 { w4.append(contentsOf: w1.lazy.map { UInt32($0) }) } else { w4.append(contentsOf: w2.lazy.map { UInt32($0) }) }
        }
        w1 = []
        w2 = target == 2 ? w2 : []
        width = target
    }

    private var capacityOfCurrent: Int { width == 1 ? w1.capacity : width == 2 ? w2.capacity : w4.capacity }

    public mutating func reserveCapacity(_ n: Int) {
        switch width {
        case 1: w1.reserveCapacity(n)
        case 2: w2.reserveCapacity(n)
        default: w4.reserveCapacity(n)
        }
    }

    @inline(__always) public mutating func append(_ code: UInt32) {
        if code > Codes.largest(width) { widen(to: Codes.width(holding: code)) }
        switch width {
        case 1: w1.append(UInt8(truncatingIfNeeded: code))
        case 2: w2.append(UInt16(truncatingIfNeeded: code))
        default: w4.append(code)
        }
    }

    public mutating func append(repeating code: UInt32, count n: Int) {
        if code > Codes.largest(width) { widen(to: Codes.width(holding: code)) }
        switch width {
        case 1: w1.append(contentsOf: repeatElement(UInt8(truncatingIfNeeded: code), count: n))
        case 2: w2.append(contentsOf: repeatElement(UInt16(truncatingIfNeeded: code), count: n))
        default: w4.append(contentsOf: repeatElement(code, count: n))
        }
    }

    /// The rows at `rows`, in that order, at this width; a row index of -1 gives code 0.
    public func gather(_ rows: [Int32]) -> Codes {
        var out = Codes()
        out.width = width
        switch width {
        case 1: out.w1 = w1.gathered(rows, zero: 0)
        case 2: out.w2 = w2.gathered(rows, zero: 0)
        default: out.w4 = w4.gathered(rows, zero: 0)
        }
        return out
    }

    /// The rows of `range`, at this width.
    public func slice(_ range: Range<Int>) -> Codes {
        var out = Codes()
        out.width = width
        switch width {
        case 1: out.w1 = Array(w1[range])
        case 2: out.w2 = Array(w2[range])
        default: out.w4 = Array(w4[range])
        }
        return out
    }

    /// Appends `source`'s rows translated through `remap` (the next part's codes into this
    /// part's string table; rows null in `nulls` get code 0), giving `source`'s memory back to
    /// the system a block at a time as it is copied, so that a column being put together from
    /// parts is never in memory twice. Leaves `source` empty.
    mutating func appendReleasing(_ source: inout Codes, through remap: [UInt32], nulls: NullMask?) {
        let start = count
        guard !remap.isEmpty else {   // a part of nulls only
            append(repeating: 0, count: source.count)
            source = Codes()
            return
        }
        widen(to: Codes.width(holding: remap.max()!))
        reserveCapacity(start + source.count)
        func copy<S: FixedWidthInteger, T: FixedWidthInteger>(_ s: UnsafeBufferPointer<S>, into a: inout [T]) {
            remap.withUnsafeBufferPointer { r in
                let block = (1 << 20) / MemoryLayout<S>.stride
                for first in stride(from: 0, to: s.count, by: block) {
                    let part = UnsafeBufferPointer(rebasing: s[first..<Swift.min(s.count, first + block)])
                    a.append(contentsOf: part.lazy.map { T(truncatingIfNeeded: r[Int($0)]) })
                    tally_release_pages(part.baseAddress!, part.count * MemoryLayout<S>.stride)
                }
            }
        }
        func fill<T: FixedWidthInteger>(_ a: inout [T]) {
            source.withRows { rows in
                switch rows {
                case .w1(let s): copy(s, into: &a)
                case .w2(let s): copy(s, into: &a)
                case .w4(let s): copy(s, into: &a)
                }
            }
        }
        switch width {
        case 1: fill(&w1)
        case 2: fill(&w2)
        default: fill(&w4)
        }
        if let nulls { for i in 0..<source.count where nulls.isNull(i) { self[start + i] = 0 } }
        source = Codes()
    }
}

extension Codes: Equatable {
    /// Equal rows, whatever the widths.
    public static func == (a: Codes, b: Codes) -> Bool { a.count == b.count && a.elementsEqual(b) }
}

extension Codes: ExpressibleByArrayLiteral {
    public init(arrayLiteral codes: UInt32...) { self.init(codes) }
}
