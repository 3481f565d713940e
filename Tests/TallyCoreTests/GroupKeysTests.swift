import XCTest
@testable import TallyCore

/// Group ids checked against the plain definition: rows with equal dimension values (null
/// equal to null) share an id, ids are given in order of first appearance.
final class GroupKeysTests: XCTestCase {
    private func expected(_ dims: [Vector], rows n: Int) -> (ids: [Int32], firstRows: [Int32]) {
        var seen: [String: Int32] = [:]
        var ids: [Int32] = [], firstRows: [Int32] = []
        for i in 0..<n {
            // -0.0 equals 0.0, so both print as 0.0 here.
            let key = dims.map { d -> String in
                if case .decimal(let x) = d.value(at: i), x == 0 { return "decimal(0.0)" }
                return "\(d.value(at: i))"
            }.joined(separator: "\u{1}")
            if let g = seen[key] { ids.append(g); continue }
            seen[key] = Int32(firstRows.count)
            ids.append(Int32(firstRows.count))
            firstRows.append(Int32(i))
        }
        return (ids, firstRows)
    }

    private func nulls(_ n: Int, every k: Int) -> NullMask {
        var m = NullMask(count: n)
        for i in stride(from: 3, to: n, by: k) { m.setNull(i) }
        return m
    }

    func testEveryKindOfDimensionAndTheirCombinations() {
        let n = 3_000
        var rng = SystemRandomNumberGenerator()
        let d = StringDictionary((0..<50).map { "区\($0)" })
        let text = Vector.string(Codes((0..<n).map { _ in UInt32.random(in: 0..<50, using: &rng) }), d, nulls(n, every: 17))
        let small = Vector.integer((0..<n).map { _ in Int64.random(in: -5...20, using: &rng) }, nulls(n, every: 11))
        let wide = Vector.integer((0..<n).map { _ in [Int64.min, 0, Int64.max, 1 << 40][Int.random(in: 0..<4, using: &rng)] }, nil)
        let days = Vector.date((0..<n).map { _ in Int64.random(in: 0..<30, using: &rng) * 86_400 }, nil)
        let flags = Vector.boolean((0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }, nulls(n, every: 7))
        let amounts = Vector.decimal((0..<n).map { _ in [0.5, -0.0, 0.0, 2.25][Int.random(in: 0..<4, using: &rng)] }, nulls(n, every: 13))
        let allNull = Vector.nulls(.integer, count: n)
        let cases: [[Vector]] = [[text], [small], [wide], [days], [flags], [amounts], [allNull],
                                 [text, small], [small, text], [wide, text, flags], [days, amounts, text, small], [allNull, text]]
        for dims in cases {
            let got = GroupKeys.groupIds(dims, rowCount: n)
            let want = expected(dims, rows: n)
            XCTAssertEqual(got.ids, want.ids.map { UInt32($0) }, "\(dims.map(\.type))")
            XCTAssertEqual(got.firstRows, want.firstRows, "\(dims.map(\.type))")
            XCTAssertEqual(got.count, want.firstRows.count)
        }
    }

    func testStringCodesAlreadyInOrderOfFirstAppearanceAreTheIds() {
        let d = StringDictionary(["a", "b", "c", "d"])
        for codes: [UInt32] in [[0, 0, 1, 0, 2, 1, 3], [0, 1, 1, 0], [1, 0, 2, 3], [0, 2, 1, 3], [0, 0, 3]] {
            let v = Vector.string(Codes(codes), d, nil)
            let got = GroupKeys.groupIds([v], rowCount: codes.count)
            let want = expected([v], rows: codes.count)
            XCTAssertEqual(got.ids, want.ids.map { UInt32($0) }, "\(codes)")
            XCTAssertEqual(got.firstRows, want.firstRows, "\(codes)")
            XCTAssertEqual(got.count, want.firstRows.count, "\(codes)")
        }
    }

    /// A computed dimension grouped a chunk at a time, then combined with another dimension,
    /// gives the grouping of the whole vectors.
    func testChunkedDimensionsGroupAsWholeOnes() throws {
        let n = 1_000, chunk = 64
        var rng = SystemRandomNumberGenerator()
        let d = StringDictionary(["PC", "App", "平板"])
        let text = Vector.string(Codes((0..<n).map { _ in UInt32.random(in: 0..<3, using: &rng) }), d, nulls(n, every: 29))
        // Ranges that widen downwards and upwards from chunk to chunk, and one that becomes too
        // wide for a direct table part of the way through.
        let shifting = Vector.integer((0..<n).map { i in Int64((i / chunk) % 2 == 0 ? 1 : -1) * Int64(i / chunk * 10) + Int64.random(in: 0..<5, using: &rng) }, nulls(n, every: 11))
        let widening = Vector.integer((0..<n).map { i in i < 600 ? Int64.random(in: 0..<9, using: &rng) : [Int64.min, 3, Int64.max, 1 << 40][Int.random(in: 0..<4, using: &rng)] }, nil)
        // A range from below zero, then the largest integer: its width does not fit in 64 bits.
        let jumping = Vector.integer((0..<n).map { i in i < 500 ? Int64.random(in: -5...5, using: &rng) : [Int64.max, 0][Int.random(in: 0..<2, using: &rng)] }, nil)
        let days = Vector.date((0..<n).map { _ in Int64.random(in: 0..<30, using: &rng) * 86_400 }, nil)
        let flags = Vector.boolean((0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }, nulls(n, every: 7))
        let amounts = Vector.decimal((0..<n).map { _ in [0.5, -0.0, 0.0, 2.25][Int.random(in: 0..<4, using: &rng)] }, nulls(n, every: 13))
        let allNull = Vector.nulls(.integer, count: n)
        let lowest = Vector.integer((0..<n).map { i in Int64.min + Int64(i % 3) }, nulls(n, every: 5))
        for v in [shifting, widening, jumping, lowest, days, flags, amounts, allNull] {
            var got = try XCTUnwrap(GroupKeys.groupIds(rowCount: n, chunkRows: chunk) { v.slice($0) })
            var want = expected([v], rows: n)
            XCTAssertEqual(got.ids, want.ids.map { UInt32($0) }, "\(v.type)")
            XCTAssertEqual(got.firstRows, want.firstRows, "\(v.type)")
            GroupKeys.add([text], to: &got)
            want = expected([v, text], rows: n)
            XCTAssertEqual(got.ids, want.ids.map { UInt32($0) }, "\(v.type) with text")
            XCTAssertEqual(got.firstRows, want.firstRows, "\(v.type) with text")
            XCTAssertEqual(got.count, want.firstRows.count)
        }
        // Strings (a dictionary per chunk) and chunks of different types are left to the caller.
        XCTAssertNil(GroupKeys.groupIds(rowCount: n, chunkRows: chunk) { text.slice($0) })
        XCTAssertNil(GroupKeys.groupIds(rowCount: n, chunkRows: chunk) { r in r.lowerBound == 0 ? shifting.slice(r) : amounts.slice(r) })
        XCTAssertEqual(GroupKeys.groupIds(rowCount: 0, chunkRows: chunk) { shifting.slice($0) }?.count, 0)
    }

    func testNoRowsAndNoDimensions() {
        let empty = Vector.string([], StringDictionary([]), nil)
        XCTAssertEqual(GroupKeys.groupIds([empty], rowCount: 0).count, 0)
        XCTAssertEqual(GroupKeys.groupIds([], rowCount: 3).ids, [0, 0, 0])
    }
}
