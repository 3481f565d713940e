/// An open-addressing hash map from Int64 keys to dense Int32 values (0, 1, 2, … in order of
/// first insertion): the grouping and join kernels' map. No per-entry allocation.
struct IntHashMap {
    private var keys: [Int64]
    private var values: [Int32]   // -1: empty slot
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [Int64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    @inline(__always) private static func slot(_ k: Int64, _ mask: Int) -> Int {
        var h = UInt64(bitPattern: k) &* 0x9E3779B97F4A7C15
        h ^= h >> 31
        return Int(truncatingIfNeeded: h) & mask
    }

    /// The value of `key`, inserting the next dense value if it is new.
    @inline(__always) mutating func valueInserting(_ key: Int64) -> Int32 {
        if count * 2 >= keys.count { grow() }
        var s = IntHashMap.slot(key, mask)
        while true {
            let v = values[s]
            if v < 0 {
                keys[s] = key
                values[s] = Int32(count)
                count += 1
                return Int32(count - 1)
            }
            if keys[s] == key { return v }
            s = (s + 1) & mask
        }
    }

    /// The value of `key`, or -1.
    @inline(__always) func value(_ key: Int64) -> Int32 {
        var s = IntHashMap.slot(key, mask)
        while true {
            let v = values[s]
            if v < 0 || keys[s] == key { return v }
            s = (s + 1) & mask
        }
    }

    /// Sets `key` to `value` when absent; returns false if the key was already there.
    mutating func insertNew(_ key: Int64, _ value: Int32) -> Bool {
        if count * 2 >= keys.count { grow() }
        var s = IntHashMap.slot(key, mask)
        while values[s] >= 0 {
            if keys[s] == key { return false }
            s = (s + 1) & mask
        }
        keys[s] = key
        values[s] = value
        count += 1
        return true
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        let size = keys.count * 2
        keys = [Int64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
        for i in 0..<oldKeys.count where oldValues[i] >= 0 {
            var s = IntHashMap.slot(oldKeys[i], mask)
            while values[s] >= 0 { s = (s + 1) & mask }
            keys[s] = oldKeys[i]
            values[s] = oldValues[i]
        }
    }
}
