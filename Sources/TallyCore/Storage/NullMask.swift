/// A bitmap with one bit per row: set means the row is null.
/// A vector without nulls carries no mask at all (`nil`), so the common case costs nothing.
public struct NullMask: Sendable, Equatable {
    public private(set) var words: [UInt64]
    public private(set) var count: Int

    public init(count: Int) {
        self.count = count
        self.words = [UInt64](repeating: 0, count: (count + 63) >> 6)
    }

    @inline(__always) public func isNull(_ i: Int) -> Bool {
        (words[i >> 6] >> UInt64(i & 63)) & 1 == 1
    }

    @inline(__always) public mutating func setNull(_ i: Int) {
        words[i >> 6] |= 1 << UInt64(i & 63)
    }

    /// Grows the mask to `newCount` rows; the new rows are not null.
    public mutating func extend(to newCount: Int) {
        precondition(newCount >= count)
        let need = (newCount + 63) >> 6
        if need > words.count { words.append(contentsOf: repeatElement(0, count: need - words.count)) }
        count = newCount
    }

    public var nullCount: Int {
        var n = 0
        for w in words { n += w.nonzeroBitCount }
        return n
    }

    /// True when the mask has the right number of words and no bit beyond `count` is set.
    public func isValid() -> Bool {
        guard words.count == (count + 63) >> 6 else { return false }
        if count & 63 != 0, let last = words.last {
            return last >> UInt64(count & 63) == 0
        }
        return true
    }
}
