#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The distinct strings of a string column. Rows hold `UInt32` codes into `strings`.
/// Immutable once built, so vectors and tables share it freely. The string → code index is
/// built the first time a code is looked up (many columns are only ever shown).
public final class StringDictionary: Sendable {
    public let strings: [String]
    private let index = Mutex<[String: UInt32]?>(nil)
    private let sortRanks = Mutex<[Int32]?>(nil)
    /// Code translations into other dictionaries (joins, membership, equality across tables),
    /// kept with the dictionary they lead to.
    private let translations = Mutex<[(StringDictionary, [Int32])]>([])

    public init(_ strings: [String]) {
        self.strings = strings
    }

    public var count: Int { strings.count }

    private func withIndex<R>(_ body: ([String: UInt32]) -> R) -> R {
        index.withLock { stored in
            if stored == nil {
                var built = [String: UInt32](minimumCapacity: strings.count)
                for (i, s) in strings.enumerated() where built[s] == nil { built[s] = UInt32(i) }
                stored = built
            }
            return body(stored!)
        }
    }

    public func code(of s: String) -> UInt32? { withIndex { $0[s] } }

    /// For each code, its place in character (code point) order: UTF-8 byte order, which is
    /// code point order and much faster to sort than Unicode-aware String comparison.
    public var ranks: [Int32] {
        sortRanks.withLock { stored in
            if let r = stored { return r }
            let bytes = strings.map { Array($0.utf8) }
            let order = bytes.indices.sorted { a, b in
                bytes[a].withUnsafeBufferPointer { x in
                    bytes[b].withUnsafeBufferPointer { y in
                        let c = memcmp(x.baseAddress ?? UnsafePointer(bitPattern: 1)!, y.baseAddress ?? UnsafePointer(bitPattern: 1)!, min(x.count, y.count))
                        return c != 0 ? c < 0 : x.count < y.count
                    }
                }
            }
            var r = [Int32](repeating: 0, count: strings.count)
            for (rank, code) in order.enumerated() { r[code] = Int32(rank) }
            stored = r
            return r
        }
    }

    /// For each code here, the code of the same string in `other`, or -1.
    public func translation(to other: StringDictionary) -> [Int32] {
        if other === self { return (0..<Int32(strings.count)).map { $0 } }
        if let t = translations.withLock({ $0.first { $0.0 === other }?.1 }) { return t }
        let t = strings.map { s in other.code(of: s).map { Int32($0) } ?? -1 }
        translations.withLock { $0.append((other, t)) }
        return t
    }

    /// Every string appears once.
    public func isValid() -> Bool { withIndex { $0.count } == strings.count }
}
