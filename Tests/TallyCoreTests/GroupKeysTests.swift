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
        let text = Vector.string((0..<n).map { _ in UInt32.random(in: 0..<50, using: &rng) }, d, nulls(n, every: 17))
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
            XCTAssertEqual(got.ids, want.ids, "\(dims.map(\.type))")
            XCTAssertEqual(got.firstRows, want.firstRows, "\(dims.map(\.type))")
            XCTAssertEqual(got.count, want.firstRows.count)
        }
    }

    func testNoRowsAndNoDimensions() {
        let empty = Vector.string([], StringDictionary([]), nil)
        XCTAssertEqual(GroupKeys.groupIds([empty], rowCount: 0).count, 0)
        XCTAssertEqual(GroupKeys.groupIds([], rowCount: 3).ids, [0, 0, 0])
    }
}
