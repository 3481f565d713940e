#if canImport(Glibc)
import Glibc
#endif
import CMemory
import Foundation
import Synchronization

/// The distinct strings of a string column. Rows hold codes into `strings` (`Codes`).
/// Immutable once built, so vectors and tables share it freely. Strings are looked up in
/// another dictionary through a translation of all codes at once, kept (see `translation(to:)`).
public final class StringDictionary: Sendable {
    public let strings: [String]
    private let sortRanks = Mutex<[Int32]?>(nil)
    /// Code translations into other dictionaries (joins, membership, equality across tables),
    /// kept while the dictionary they lead to lives: a table's, not a query's literals.
    private let translations = Mutex<[Translation]>([])

    private struct Translation {
        weak var target: StringDictionary?
        let codes: [Int32]
    }

    public init(_ strings: [String]) {
        self.strings = strings
    }

    public var count: Int { strings.count }

    /// The code of one string (a linear search: many lookups go through `translation(to:)`).
    public func code(of s: String) -> UInt32? {
        strings.firstIndex(of: s).map { UInt32($0) }
    }

    /// For each code, its place in character (code point) order: UTF-8 byte order, which is
    /// code point order and much faster to sort than Unicode-aware String comparison.
    public var ranks: [Int32] {
        sortRanks.withLock { stored in
            if let r = stored { return r }
            var arena: [UInt8] = []
            var offsets: [Int] = [], lengths: [Int] = []
            for s in strings {
                var s = s
                let start = arena.count
                s.withUTF8 { arena.append(contentsOf: $0) }
                offsets.append(start)
                lengths.append(arena.count - start)
            }
            var r = [Int32](repeating: 0, count: strings.count)
            for (rank, i) in StringDictionary.byteOrder(arena, offsets, lengths).enumerated() { r[Int(i)] = Int32(rank) }
            stored = r
            return r
        }
    }

    /// The byte strings `arena[offsets[i] ..< offsets[i] + lengths[i]]` in byte order (a shorter
    /// one before the longer it begins), as their positions. Sorted by the first 16 bytes as two
    /// big-endian integers, comparing the rest only when those are equal.
    static func byteOrder(_ arena: [UInt8], _ offsets: [Int], _ lengths: [Int]) -> [Int32] {
        var keys: [(UInt64, UInt64, Int32)] = []
        keys.reserveCapacity(offsets.count)
        for i in offsets.indices {
            let start = offsets[i], len = lengths[i]
            func word(_ from: Int) -> UInt64 {
                var w: UInt64 = 0
                for k in 0..<8 { w = w << 8 | UInt64(from + k < start + len ? arena[from + k] : 0) }
                return w
            }
            keys.append((len > 0 ? word(start) : 0, len > 8 ? word(start + 8) : 0, Int32(i)))
        }
        arena.withUnsafeBufferPointer { a in
            let base = a.baseAddress ?? UnsafePointer(bitPattern: 1)!
            keys.sort { x, y in
                if x.0 != y.0 { return x.0 < y.0 }
                if x.1 != y.1 { return x.1 < y.1 }
                let i = Int(x.2), j = Int(y.2)
                let c = memcmp(base + offsets[i], base + offsets[j], min(lengths[i], lengths[j]))
                return c != 0 ? c < 0 : lengths[i] < lengths[j]
            }
        }
        return keys.map(\.2)
    }

    /// For each code here, the code of the same string in `other`, or -1. Kept: the same
    /// lookup in the next query is free. The index of `other` it is made with is not: for a
    /// million teacher ids it is 32 MB, and the translation is all later lookups need.
    public func translation(to other: StringDictionary) -> [Int32] {
        if other === self { return (0..<Int32(strings.count)).map { $0 } }
        if let t = translations.withLock({ $0.first { $0.target === other }?.codes }) { return t }
        let t = ByteIndex(other.strings).find(all: strings, in: other.strings)
        translations.withLock { list in
            list.removeAll { $0.target == nil }
            list.append(Translation(target: other, codes: t))
        }
        return t
    }

    /// Every string appears once.
    public func isValid() -> Bool { !ByteIndex(strings).hasDuplicates }
}

/// Open addressing over the strings' UTF-8 bytes: faster to build and probe than a
/// `[String: UInt32]`, whose hashing is Unicode-aware. A slot holds the hash's high 32 bits
/// (the tag) and code + 1 (0 is empty), so a probe reads a string only when the tags agree.
///
/// A dictionary of teacher ids has millions of strings, so its table is far larger than the
/// cache. Building and probing go in batches: the slots of a batch are prefetched, then the
/// candidates' strings, then the batch is compared, so the cache misses overlap.
struct ByteIndex: Sendable {
    private let slots: [UInt64]
    private var size: Int { slots.count }
    let hasDuplicates: Bool

    private static let batch = 64

    /// The first slot to try for a hash: its low 32 bits scaled to the table's size (the tag is
    /// the high 32 bits, so the two are independent).
    @inline(__always) private static func home(_ h: UInt64, _ size: Int) -> Int { Int(((h & 0xFFFF_FFFF) &* UInt64(size)) >> 32) }

    init(_ strings: [String]) {
        // At most 70 % full; any size, not only powers of two (see `home`).
        let size = max(16, strings.count * 10 / 7 + 1)
        var slots = [UInt64](repeating: 0, count: size)
        var duplicates = false
        var hashes = [UInt64](repeating: 0, count: ByteIndex.batch)
        for first in stride(from: 0, to: strings.count, by: ByteIndex.batch) {
            let range = first..<min(first + ByteIndex.batch, strings.count)
            for code in range {
                hashes[code - first] = ByteIndex.hash(strings[code])
                slots.withUnsafeBufferPointer { tally_prefetch($0.baseAddress! + ByteIndex.home(hashes[code - first], size)) }
            }
            for code in range {
                let h = hashes[code - first], tag = h & 0xFFFF_FFFF_0000_0000
                var slot = ByteIndex.home(h, size)
                var duplicate = false
                while slots[slot] != 0 {
                    if slots[slot] & 0xFFFF_FFFF_0000_0000 == tag && ByteIndex.equal(strings[Int(slots[slot] & 0xFFFF_FFFF) - 1], strings[code]) {
                        duplicate = true
                        break
                    }
                    slot = slot + 1 == size ? 0 : slot + 1
                }
                if duplicate { duplicates = true } else { slots[slot] = tag | UInt64(code + 1) }
            }
        }
        self.slots = slots
        self.hasDuplicates = duplicates
    }

    @inline(__always)
    private func find(_ h: UInt64, _ s: String, in strings: [String]) -> Int32 {
        let tag = h & 0xFFFF_FFFF_0000_0000
        var slot = ByteIndex.home(h, size)
        while slots[slot] != 0 {
            let code = Int(slots[slot] & 0xFFFF_FFFF) - 1
            if slots[slot] & 0xFFFF_FFFF_0000_0000 == tag && ByteIndex.equal(strings[code], s) { return Int32(code) }
            slot = slot + 1 == size ? 0 : slot + 1
        }
        return -1
    }

    /// The code of each of `queries` in `strings` (this index's strings), or -1.
    /// Large lookups are split between the cores (the index is only read).
    func find(all queries: [String], in strings: [String]) -> [Int32] {
        let parts = queries.count >= 1 << 16 ? min(ProcessInfo.processInfo.activeProcessorCount, 8) : 1
        return [Int32](unsafeUninitializedCapacity: queries.count) { out, initialized in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                find(queries, queries.count * k / parts..<queries.count * (k + 1) / parts, in: strings, into: out)
            }
            initialized = queries.count
        }
    }

    private func find(_ queries: [String], _ range: Range<Int>, in strings: [String], into out: UnsafeMutableBufferPointer<Int32>) {
        var hashes = [UInt64](repeating: 0, count: ByteIndex.batch)
        slots.withUnsafeBufferPointer { table in
            strings.withUnsafeBufferPointer { targets in
                for first in stride(from: range.lowerBound, to: range.upperBound, by: ByteIndex.batch) {
                    let batch = first..<min(first + ByteIndex.batch, range.upperBound)
                    for q in batch {
                        hashes[q - first] = ByteIndex.hash(queries[q])
                        tally_prefetch(table.baseAddress! + ByteIndex.home(hashes[q - first], size))
                    }
                    for q in batch {
                        let s = table[ByteIndex.home(hashes[q - first], size)]
                        if s != 0 { tally_prefetch(targets.baseAddress! + Int(s & 0xFFFF_FFFF) - 1) }
                    }
                    for q in batch { out[q] = find(hashes[q - first], queries[q], in: strings) }
                }
            }
        }
    }

    private static func hash(_ s: String) -> UInt64 {
        var s = s
        return s.withUTF8 { StringInterner.hash($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count).hash }
    }

    private static func equal(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) } }
    }
}
