/// The distinct strings of a string column. Rows hold `UInt32` codes into `strings`.
/// Immutable once built, so vectors and tables share it freely.
public final class StringDictionary: @unchecked Sendable {
    public let strings: [String]
    private let index: [String: UInt32]

    public init(_ strings: [String]) {
        self.strings = strings
        var index = [String: UInt32](minimumCapacity: strings.count)
        for (i, s) in strings.enumerated() where index[s] == nil { index[s] = UInt32(i) }
        self.index = index
    }

    public var count: Int { strings.count }

    public func code(of s: String) -> UInt32? { index[s] }

    /// Every string appears once.
    public func isValid() -> Bool { index.count == strings.count }
}
