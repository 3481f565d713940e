import XCTest
@testable import TallyCore

final class StorageTests: XCTestCase {
    func testNullMaskSetsAndCountsBits() {
        var m = NullMask(count: 130)
        m.setNull(0); m.setNull(64); m.setNull(129)
        XCTAssertTrue(m.isNull(64))
        XCTAssertFalse(m.isNull(63))
        XCTAssertEqual(m.nullCount, 3)
        XCTAssertTrue(m.isValid())
        m.extend(to: 200)
        XCTAssertEqual(m.count, 200)
        XCTAssertFalse(m.isNull(150))
        XCTAssertTrue(m.isValid())
    }

    func testGatherKeepsNullsAndTurnsMissingRowsIntoNull() {
        var m = NullMask(count: 3)
        m.setNull(1)
        let v = Vector.integer([10, 20, 30], m)
        let g = v.gather([2, 1, -1, 0])
        XCTAssertEqual((0..<4).map { g.value(at: $0) }, [.integer(30), .null, .null, .integer(10)])
        XCTAssertNil(g.invariantViolation())
    }

    func testSliceKeepsNulls() {
        var m = NullMask(count: 5)
        m.setNull(1)
        m.setNull(4)
        let v = Vector.integer([10, 20, 30, 40, 50], m)
        let s = v.slice(1..<4)
        XCTAssertEqual((0..<3).map { s.value(at: $0) }, [.null, .integer(30), .integer(40)])
        XCTAssertNil(s.invariantViolation())
        XCTAssertNil(v.slice(2..<4).nulls)
        XCTAssertEqual(v.slice(5..<5).count, 0)
        let t = Vector.string([0, 1, 1], StringDictionary(["甲", "乙"]), nil).slice(1..<3)
        XCTAssertEqual((0..<2).map { t.value(at: $0) }, [.string("乙"), .string("乙")])
    }

    func testInvariantChecksCatchBrokenVectors() {
        let d = StringDictionary(["a", "b"])
        XCTAssertNil(Vector.string([0, 1, 1], d, nil).invariantViolation())
        XCTAssertNotNil(Vector.string([0, 2], d, nil).invariantViolation())
        XCTAssertNotNil(Vector.boolean([0, 2], nil).invariantViolation())
        XCTAssertNotNil(Vector.integer([1, 2], NullMask(count: 3)).invariantViolation())
        XCTAssertFalse(StringDictionary(["a", "a"]).isValid())
    }

    func testTranslationBetweenLargeDictionaries() {
        // More strings than one lookup batch (and than one core's share), short and long,
        // Chinese and empty, some on one side only.
        let left = (0..<70_000).map { $0 % 7 == 0 ? "越秀区第\($0)小学附属幼儿园" : "GZ\($0)" } + [""]
        let right = (35_000..<100_000).map { $0 % 7 == 0 ? "越秀区第\($0)小学附属幼儿园" : "GZ\($0)" } + ["", "GZ0"]
        let a = StringDictionary(left), b = StringDictionary(right)
        let t = a.translation(to: b)
        let place = Dictionary(uniqueKeysWithValues: right.enumerated().map { ($1, Int32($0)) })
        XCTAssertEqual(t, left.map { place[$0] ?? -1 })
        XCTAssertEqual(a.code(of: "GZ69999"), 69999)
        XCTAssertNil(a.code(of: "GZ70000"))
        XCTAssertTrue(a.isValid())
        XCTAssertFalse(StringDictionary(left + ["GZ17"]).isValid())
    }

    func testTranslationsDoNotKeepTheirTargetsAlive() {
        let d = StringDictionary(["甲", "乙"])
        weak var gone: StringDictionary?
        do {
            let literal = StringDictionary(["乙"])   // as a query's `= "乙"` makes
            gone = literal
            XCTAssertEqual(d.translation(to: literal), [-1, 0])
        }
        XCTAssertNil(gone)
        let kept = StringDictionary(["乙", "甲"])
        XCTAssertEqual(d.translation(to: kept), [1, 0])
        XCTAssertEqual(d.translation(to: kept), [1, 0])
    }

    func testTableInvariants() {
        let ok = Table(name: "t", columns: [.init(name: "a", vector: .integer([1, 2], nil)), .init(name: "b", vector: .decimal([1, 2], nil))])
        XCTAssertNil(ok.invariantViolation())
        let ragged = Table(name: "t", columns: [.init(name: "a", vector: .integer([1, 2], nil)), .init(name: "b", vector: .decimal([1], nil))])
        XCTAssertNotNil(ragged.invariantViolation())
        let twice = Table(name: "t", columns: [.init(name: "a", vector: .integer([1], nil)), .init(name: "a", vector: .integer([1], nil))])
        XCTAssertNotNil(twice.invariantViolation())
    }

    func testCalendar() {
        XCTAssertEqual(CivilCalendar.daysFromCivil(1970, 1, 1), 0)
        XCTAssertEqual(CivilCalendar.daysFromCivil(2020, 10, 13), 18548)
        XCTAssertTrue(CivilCalendar.civil(fromDays: 18548) == (2020, 10, 13))
        XCTAssertEqual(CivilCalendar.weekday(ofDays: 18548), 2)        // 2020-10-13 was a Tuesday
        XCTAssertEqual(CivilCalendar.isoWeek(ofDays: 18548), 42)
        XCTAssertEqual(CivilCalendar.isoWeek(ofDays: CivilCalendar.daysFromCivil(2021, 1, 3)), 53)  // Sunday of 2020-W53
        XCTAssertEqual(CivilCalendar.isoWeek(ofDays: CivilCalendar.daysFromCivil(2024, 12, 30)), 1)
        XCTAssertEqual(CivilCalendar.format(seconds: -1, dateOnly: false), "1969-12-31 23:59:59")
    }

    func testDisplayWidthAgreesWithTheTerminal() {
        XCTAssertEqual(DisplayWidth.of("abc"), 3)
        XCTAssertEqual(DisplayWidth.of("市常规远程培训"), 14)
        XCTAssertEqual(DisplayWidth.of("提升工程2.0"), 11)
        XCTAssertEqual(DisplayWidth.of("（注）"), 6)
        XCTAssertEqual(DisplayWidth.of("é"), 1)   // e + combining acute
        XCTAssertEqual(DisplayWidth.truncate("市常规远程培训", to: 7), "市常规…")
    }

    func testRoundingHalfAwayFromZero() {
        XCTAssertEqual(Format.fixed(0.125), "0.13")
        XCTAssertEqual(Format.fixed(-0.125), "-0.13")
        XCTAssertEqual(Format.fixed(1.005), "1.01")   // stored as 1.00499999999999989…, shown as Excel would
        XCTAssertEqual(Format.fixed(2.675), "2.68")
        XCTAssertEqual(Format.fixed(92.374999), "92.37")
        XCTAssertEqual(Format.fixed(5363.0 / 10004 * 100), "53.61")
        XCTAssertEqual(Format.fixed(-0.001), "0.00")
        XCTAssertEqual(Format.fixed(157.8946, digits: 1), "157.9")
    }

    /// Below one unit of the last place shown, 2 significant digits: never a non-zero value as 0.
    func testSmallValuesShowTwoSignificantDigits() {
        XCTAssertEqual(Format.shown(1.0 / 3000), "0.00033")
        XCTAssertEqual(Format.shown(-0.005), "-0.0050")
        XCTAssertEqual(Format.shown(0.00999), "0.010")         // 0.0100 would be three digits
        XCTAssertEqual(Format.shown(0.01), "0.01")
        XCTAssertEqual(Format.shown(0.009994), "0.010")
        XCTAssertEqual(Format.shown(0.0099), "0.0099")
        XCTAssertEqual(Format.shown(0), "0.00")
        XCTAssertEqual(Format.shown(-0.0), "0.00")
        XCTAssertEqual(Format.shown(.nan), "NaN")
        XCTAssertEqual(Format.shown(-.infinity), "-∞")
        XCTAssertEqual(Format.shown(0.0004, decimals: 3), "0.00040")
        XCTAssertEqual(Format.shown(0.0004, decimals: 4), "0.0004")
        XCTAssertEqual(Format.shown(0.999, decimals: 0), "1.0")
        XCTAssertEqual(Format.shown(1e-300), "0." + String(repeating: "0", count: 299) + "10")
        // The smallest double, 4.94065645841246544…e-324.
        XCTAssertEqual(Format.shown(Double.leastNonzeroMagnitude), "0." + String(repeating: "0", count: 323) + "49")
        XCTAssertEqual(Format.display(.decimal(85.0), decimals: 0), "85")
        XCTAssertEqual(Format.display(.decimal(0.001), decimals: 2), "0.00", "round(x, 2) shows 2 places, small or not")
        XCTAssertEqual(Format.display(.integer(1234), decimals: 2), "1234")
    }

    /// Text built from Swift strings keeps strings of different code points apart, as the
    /// dictionaries do: é (U+00E9) and e + U+0301 are two values.
    func testTextKeepsCodePointsApart() {
        let v = Vector.text(["\u{E9}", "e\u{301}", "\u{E9}"])
        guard case .string(let codes, let d, _) = v else { return XCTFail() }
        XCTAssertEqual(codes, [0, 1, 0])
        XCTAssertEqual(d.count, 2)
        XCTAssertEqual(d.strings.map { Array($0.unicodeScalars) }, [["\u{E9}"], ["e", "\u{301}"]])
    }
}
