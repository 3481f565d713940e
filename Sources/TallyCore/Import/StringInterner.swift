import CMemory

/// Gives each distinct byte string a dense code, storing the bytes once in an arena.
/// Open addressing over a power-of-two table; no String is made until `strings()`.
///
/// A column of teacher ids has millions of distinct values, so its table is far larger than the
/// cache and every lookup is a cache miss: the slot, then where the code's bytes are, then the
/// bytes. `intern(batch:)` prefetches each of these for many strings before it compares any,
/// so their misses overlap instead of following one another. A slot is 8 bytes (the hash's
/// tag and the code), so the table costs little memory beside the strings themselves.
struct StringInterner {
    /// A string waiting to be interned (see `intern(batch:into:)`): its bytes, which must stay
    /// valid until then, their hash, and the index of the code to write.
    struct Pending {
        var p: UnsafePointer<UInt8>
        var n: Int
        var hash: UInt64
        var ascii: Bool
        var index: Int
    }

    private var arena: [UInt8] = []
    /// Where each code's bytes start; one more entry than codes (the arena's end).
    private var offsets: [Int] = [0]
    /// The hash's high 32 bits (the tag) and code + 1; 0 is empty.
    private var slots: [UInt64]
    private var mask: Int
    /// A string's first slot is its hash's top bits (`home`): 64 − log2(slots).
    private var shift: UInt64
    /// Set when a new string is not valid UTF-8: the file was not UTF-8 after all.
    private(set) var sawInvalidUTF8 = false

    init(capacity: Int = 1024) {
        var size = 16
        while !StringInterner.roomy(capacity, size) { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always) private static func tag(_ h: UInt64) -> UInt64 { h & 0xFFFF_FFFF_0000_0000 }

    /// The first slot to try: the hash's top bits. A slot keeps the top 32 bits (the tag), so a
    /// larger table places its strings from the slots alone, in order, without hashing again.
    @inline(__always) private static func home(_ h: UInt64, _ shift: UInt64) -> Int { Int(truncatingIfNeeded: h >> shift) }

    /// Whether `size` slots hold `count` strings with room to spare: at most 70 % full. Linear
    /// probing stays short at that load (a probe reads a slot's tag, rarely a string; eight slots
    /// share a cache line), and the table is smaller than at 50 %.
    @inline(__always) private static func roomy(_ count: Int, _ size: Int) -> Bool { count * 10 <= size * 7 }

    var count: Int { offsets.count - 1 }

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
        if slots.isEmpty { restoreIndex() }
        let (h, ascii) = StringInterner.hash(p, n)
        return intern(p, n, hash: h, ascii: ascii)
    }

    /// Interns each pending string in order (so codes are given as one by one would give them),
    /// writing its code to `codes[index]`.
    mutating func intern(batch: UnsafeBufferPointer<Pending>, into codes: inout Codes) {
        prefetch(batch)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: batch.count) { found in
            for (k, f) in batch.enumerated() { found[k] = intern(f.p, f.n, hash: f.hash, ascii: f.ascii) }
            codes.set(UnsafeBufferPointer(found), atRows: { batch[$0].index })
        }
    }

    /// `intern(batch:into:)` writing to memory of 4-byte codes.
    mutating func intern(batch: UnsafeBufferPointer<Pending>, into codes: UnsafeMutablePointer<UInt32>) {
        prefetch(batch)
        for f in batch { codes[f.index] = intern(f.p, f.n, hash: f.hash, ascii: f.ascii) }
    }

    /// Brings into cache what interning the batch will read: each string's slot, then where
    /// its first candidate's bytes are, then those bytes.
    private mutating func prefetch(_ batch: UnsafeBufferPointer<Pending>) {
        if slots.isEmpty { restoreIndex() }
        let shift = self.shift
        slots.withUnsafeBufferPointer { s in
            offsets.withUnsafeBufferPointer { o in
                arena.withUnsafeBufferPointer { a in
                    for f in batch { tally_prefetch(s.baseAddress! + StringInterner.home(f.hash, shift)) }
                    for f in batch {
                        let key = s[StringInterner.home(f.hash, shift)]
                        if key != 0 && key & 0xFFFF_FFFF_0000_0000 == StringInterner.tag(f.hash) {
                            tally_prefetch(o.baseAddress! + Int(key & 0xFFFF_FFFF) - 1)
                        }
                    }
                    for f in batch {
                        let key = s[StringInterner.home(f.hash, shift)]
                        if key != 0 && key & 0xFFFF_FFFF_0000_0000 == StringInterner.tag(f.hash), let base = a.baseAddress {
                            tally_prefetch(base + o[Int(key & 0xFFFF_FFFF) - 1])
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, ascii: Bool) -> UInt32 {
        let tag = StringInterner.tag(h)
        var i = StringInterner.home(h, shift)
        while true {
            let key = slots[i]
            if key == 0 { break }
            if key & 0xFFFF_FFFF_0000_0000 == tag {
                let code = Int(key & 0xFFFF_FFFF) - 1
                let offset = offsets[code]
                if offsets[code + 1] - offset == n
                    && arena.withUnsafeBufferPointer({ StringInterner.equal($0.baseAddress! + offset, p, n) }) {
                    return UInt32(code)
                }
            }
            i = (i + 1) & mask
        }
        if !ascii && FieldParsing.firstInvalidUTF8(p, n) != nil { sawInvalidUTF8 = true }
        let code = count
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        offsets.append(arena.count)
        slots[i] = tag | UInt64(code + 1)
        if !StringInterner.roomy(count, slots.count) { grow() }
        return UInt32(code)
    }

    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n < 8 {
            for k in 0..<n where a[k] != b[k] { return false }
            return true
        }
        var k = 0
        while k + 8 < n {
            if UnsafeRawPointer(a + k).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + k).loadUnaligned(as: UInt64.self) { return false }
            k += 8
        }
        return UnsafeRawPointer(a + n - 8).loadUnaligned(as: UInt64.self) == UnsafeRawPointer(b + n - 8).loadUnaligned(as: UInt64.self)
    }

    /// Twice the slots. Each slot's tag gives its new place, and in the order of the old slots
    /// the new places rise too: one pass, no string read.
    private mutating func grow() {
        let old = slots
        let size = old.count * 2
        var fresh = [UInt64](repeating: 0, count: size)
        mask = size - 1
        shift -= 1
        let (mask, shift) = (self.mask, self.shift)
        fresh.withUnsafeMutableBufferPointer { f in
            for key in old where key != 0 {
                var i = StringInterner.home(key, shift)
                while f[i] != 0 { i = (i + 1) & mask }
                f[i] = key
            }
        }
        slots = fresh
    }

    /// The index again after `dropIndex()`, from the strings.
    private mutating func restoreIndex() {
        var size = 16
        while !StringInterner.roomy(count + 1, size) { size <<= 1 }
        var fresh = [UInt64](repeating: 0, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
        let (mask, shift) = (self.mask, self.shift)
        // In batches, prefetching the slots first, as `intern(batch:)` does.
        var hashes = [UInt64](repeating: 0, count: StringInterner.batchSize)
        arena.withUnsafeBufferPointer { a in
            fresh.withUnsafeMutableBufferPointer { f in
                for first in stride(from: 0, to: count, by: StringInterner.batchSize) {
                    let batch = first..<min(first + StringInterner.batchSize, count)
                    for code in batch {
                        let h = StringInterner.hash(a.baseAddress! + offsets[code], offsets[code + 1] - offsets[code]).hash
                        hashes[code - first] = h
                        tally_prefetch(f.baseAddress! + StringInterner.home(h, shift))
                    }
                    for code in batch {
                        let h = hashes[code - first]
                        var i = StringInterner.home(h, shift)
                        while f[i] != 0 { i = (i + 1) & mask }
                        f[i] = StringInterner.tag(h) | UInt64(code + 1)
                    }
                }
            }
        }
        slots = fresh
    }

    /// Lets the index go when no more strings will be added: `absorb` (into another table) and
    /// `strings()` need only the strings. Interning after this builds the index again.
    mutating func dropIndex() {
        slots = []
    }

    /// Adds `other`'s strings; returns, for each of its codes, the code here.
    mutating func absorb(_ other: StringInterner) -> [UInt32] {
        if other.sawInvalidUTF8 { sawInvalidUTF8 = true }
        var remap = [UInt32](repeating: 0, count: other.count)
        var batch: [Pending] = []
        batch.reserveCapacity(StringInterner.batchSize)
        other.arena.withUnsafeBufferPointer { a in
            remap.withUnsafeMutableBufferPointer { r in
                let base = a.baseAddress ?? UnsafePointer(bitPattern: 1)!   // no bytes: only empty strings
                for c in 0..<other.count {
                    let p = base + other.offsets[c], n = other.offsets[c + 1] - other.offsets[c]
                    let (h, ascii) = StringInterner.hash(p, n)
                    batch.append(Pending(p: p, n: n, hash: h, ascii: ascii, index: c))
                    if batch.count == StringInterner.batchSize || c == other.count - 1 {
                        batch.withUnsafeBufferPointer { intern(batch: $0, into: r.baseAddress!) }
                        batch.removeAll(keepingCapacity: true)
                    }
                }
            }
        }
        return remap
    }

    /// How many strings `intern(batch:)` is given at a time: enough for their misses to overlap,
    /// few enough that the slots touched stay in the cache until they are compared.
    static let batchSize = 256

    /// The strings in code order.
    func strings() -> [String] {
        arena.withUnsafeBufferPointer { a in
            (0..<count).map { c in
                String(decoding: UnsafeBufferPointer(rebasing: a[offsets[c]..<offsets[c + 1]]), as: UTF8.self)
            }
        }
    }
}
