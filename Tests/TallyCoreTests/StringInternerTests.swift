import XCTest
@testable import TallyCore

final class StringInternerTests: XCTestCase {
    /// Strings with many repeats, of lengths around the 8-byte word size, and a few empty ones.
    private func corpus(_ count: Int, distinct: Int) -> [[UInt8]] {
        var rng = SystemRandomNumberGenerator()
        let pool = (0..<distinct).map { k -> [UInt8] in
            let length = [0, 1, 7, 8, 9, 15, 16, 17, 40][k % 9]
            return (0..<length).map { _ in UInt8.random(in: 97...122, using: &rng) }
        }
        return (0..<count).map { _ in pool[Int.random(in: 0..<distinct, using: &rng)] }
    }

    private func internOneByOne(_ strings: [[UInt8]]) -> (StringInterner, [UInt32]) {
        var interner = StringInterner(capacity: 4)
        let codes = strings.map { s in s.withUnsafeBufferPointer { interner.intern($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, s.count) } }
        return (interner, codes)
    }

    private func internInBatches(_ strings: [[UInt8]]) -> (StringInterner, [UInt32]) {
        var interner = StringInterner(capacity: 4)
        var codes = [UInt32](repeating: .max, count: strings.count)
        // Keep every string's bytes in one buffer so the pointers stay valid.
        let joined: [UInt8] = strings.flatMap { $0 } + [0]
        joined.withUnsafeBufferPointer { all in
            var batch: [StringInterner.Pending] = []
            var offset = 0
            for (i, s) in strings.enumerated() {
                let p = all.baseAddress! + offset
                let (h, ascii) = StringInterner.hash(p, s.count)
                batch.append(.init(p: p, n: s.count, hash: h, ascii: ascii, index: i))
                offset += s.count
                if batch.count == 5 || i == strings.count - 1 {
                    batch.withUnsafeBufferPointer { b in codes.withUnsafeMutableBufferPointer { interner.intern(batch: b, into: $0.baseAddress!) } }
                    batch.removeAll()
                }
            }
        }
        return (interner, codes)
    }

    func testBatchesGiveTheCodesOneByOneGives() {
        let strings = corpus(20_000, distinct: 3_000)
        let (single, singleCodes) = internOneByOne(strings)
        let (batched, batchedCodes) = internInBatches(strings)
        XCTAssertEqual(singleCodes, batchedCodes)
        XCTAssertEqual(single.strings(), batched.strings())
        // Codes are given in order of first appearance, and each names its own string.
        let texts = single.strings()
        XCTAssertEqual(texts.count, Set(strings).count)
        for (s, c) in zip(strings, singleCodes) { XCTAssertEqual(Array(texts[Int(c)].utf8), s) }
        var seen = Set<[UInt8]>()
        let firstAppearances = strings.filter { seen.insert($0).inserted }
        XCTAssertEqual(texts.map { Array($0.utf8) }, firstAppearances)
    }

    func testAbsorbMapsEveryCode() {
        let a = corpus(5_000, distinct: 800), b = corpus(5_000, distinct: 1_500)
        var (left, _) = internOneByOne(a)
        let (right, rightCodes) = internOneByOne(b)
        let before = left.strings()
        let remap = left.absorb(right)
        let merged = left.strings()
        XCTAssertEqual(Array(merged.prefix(before.count)), before, "codes already given do not change")
        XCTAssertEqual(merged.count, Set(a + b).count)
        for (s, c) in zip(b, rightCodes) { XCTAssertEqual(Array(merged[Int(remap[Int(c)])].utf8), s) }
    }

    func testLongStringsOfTheSameLength() {
        // Longer than the length a slot holds (16 MiB − 1): the length is read from the offsets.
        let long = 1 << 24 + 3
        var x = [UInt8](repeating: 65, count: long), y = x
        y[long - 1] = 66
        let (interner, codes) = internOneByOne([x, y, x, Array(x.prefix(long - 1)), y])
        XCTAssertEqual(codes, [0, 1, 0, 2, 1])
        XCTAssertEqual(interner.count, 3)
        x[0] = 67
        XCTAssertEqual(internInBatches([y, x, y]).1, [0, 1, 0])
    }

    func testAbsorbingOnlyTheEmptyString() {
        var left = StringInterner(), right = StringInterner()
        let x: [UInt8] = [65]
        _ = x.withUnsafeBufferPointer { left.intern($0.baseAddress!, 1) }
        _ = x.withUnsafeBufferPointer { right.intern($0.baseAddress!, 0) }
        XCTAssertEqual(left.absorb(right), [1])
        XCTAssertEqual(left.strings(), ["A", ""])
    }

    func testTheIndexIsBuiltAgainWhenNeededAfterItWent() {
        let a = corpus(3_000, distinct: 500), b = corpus(3_000, distinct: 900)
        var (interner, _) = internOneByOne(a)
        var (other, otherCodes) = internOneByOne(b)
        interner.dropIndex()
        other.dropIndex()
        // Adding another table's strings (its index is not needed) builds this one's again.
        let remap = interner.absorb(other)
        let (whole, wholeCodes) = internOneByOne(a + b)
        XCTAssertEqual(interner.strings(), whole.strings())
        for (k, c) in otherCodes.enumerated() { XCTAssertEqual(remap[Int(c)], wholeCodes[a.count + k]) }
        interner.dropIndex()
        let again = b.map { s in s.withUnsafeBufferPointer { interner.intern($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, s.count) } }
        XCTAssertEqual(again, Array(wholeCodes[a.count...]))
        XCTAssertEqual(interner.count, whole.count)
    }

    func testNotUTF8IsNoticed() {
        var interner = StringInterner()
        let bad: [UInt8] = [0xB9, 0xE3, 0xD6, 0xDD]   // 广州 in GBK
        _ = bad.withUnsafeBufferPointer { interner.intern($0.baseAddress!, $0.count) }
        XCTAssertTrue(interner.sawInvalidUTF8)
    }
}
