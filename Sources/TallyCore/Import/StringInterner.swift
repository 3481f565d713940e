#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives each distinct byte string a dense code, storing the bytes once in an arena.
/// Open addressing over a power-of-two table; no String is made until `dictionary()`.
struct StringInterner {
    private var arena: [UInt8] = []
    private var offsets: [Int] = []
    private var lengths: [Int32] = []
    private var hashes: [UInt64] = []
    /// Per slot: the hash's high 32 bits (a tag compared before anything else is read, so a
    /// probe of a large table costs one cache miss, not three) and code + 1; 0 is empty.
    private var slots: [UInt64]
    private var mask: Int
    /// Set when a new string is not valid UTF-8: the file was not UTF-8 after all.
    private(set) var sawInvalidUTF8 = false

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always) private static func tag(_ h: UInt64) -> UInt64 { h & 0xFFFF_FFFF_0000_0000 }

    var count: Int { offsets.count }

    /// The hash of the bytes, and whether they are all ASCII (found on the way, for free).
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> (hash: UInt64, ascii: Bool) {
        var h: UInt64 = 0xcbf29ce484222325 ^ UInt64(n)
        var bits: UInt64 = 0
        var i = 0
        while i + 8 <= n {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            bits |= w
            h = (h ^ w) &* 0x100000001b3
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n { tail |= UInt64(p[i]) << shift; shift += 8; i += 1 }
        bits |= tail
        h = (h ^ tail) &* 0x9E3779B97F4A7C15
        return (h ^ (h >> 32), bits & 0x8080_8080_8080_8080 == 0)
    }

    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32 {
        let (h, ascii) = StringInterner.hash(p, n)
        let tag = StringInterner.tag(h)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[slot]
            if s == 0 { break }
            if s & 0xFFFF_FFFF_0000_0000 == tag {
                let code = Int(s & 0xFFFF_FFFF) - 1
                if Int(lengths[code]) == n && equal(code, p, n) { return UInt32(code) }
            }
            slot = (slot + 1) & mask
        }
        if !ascii && FieldParsing.firstInvalidUTF8(p, n) != nil { sawInvalidUTF8 = true }
        let code = UInt32(offsets.count)
        offsets.append(arena.count)
        lengths.append(Int32(n))
        hashes.append(h)
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        slots[slot] = tag | UInt64(code + 1)
        if offsets.count * 2 > slots.count { grow() }
        return code
    }

    @inline(__always)
    private func equal(_ code: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        arena.withUnsafeBufferPointer { a in
            memcmp(a.baseAddress! + offsets[code], p, n) == 0
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        for code in 0..<offsets.count {
            var slot = Int(truncatingIfNeeded: hashes[code]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = StringInterner.tag(hashes[code]) | UInt64(code + 1)
        }
    }

    /// Adds `other`'s strings; returns, for each of its codes, the code here.
    mutating func absorb(_ other: StringInterner) -> [UInt32] {
        if other.sawInvalidUTF8 { sawInvalidUTF8 = true }
        return other.arena.withUnsafeBufferPointer { a in
            (0..<other.count).map { c in intern(a.baseAddress! + other.offsets[c], Int(other.lengths[c])) }
        }
    }

    /// The strings in code order.
    func strings() -> [String] {
        arena.withUnsafeBufferPointer { a in
            (0..<offsets.count).map { c in
                String(decoding: UnsafeBufferPointer(rebasing: a[offsets[c]..<(offsets[c] + Int(lengths[c]))]), as: UTF8.self)
            }
        }
    }
}
