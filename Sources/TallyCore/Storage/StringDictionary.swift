import Synchronization

/// The distinct strings of a string column. Rows hold `UInt32` codes into `strings`.
/// Immutable once built, so vectors and tables share it freely. The string → code index is
/// built the first time a code is looked up (many columns are only ever shown).
public final class StringDictionary: Sendable {
    public let strings: [String]
    private let index = Mutex<[String: UInt32]?>(nil)

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

    /// Every string appears once.
    public func isValid() -> Bool { withIndex { $0.count } == strings.count }
}
