import XCTest
@testable import TallyCore

final class CSVReaderTests: XCTestCase {
    func read(_ text: String, delimiter: UInt8? = nil, parts: Int? = nil) throws -> Table {
        var options = LoadOptions()
        options.delimiter = delimiter
        options.parts = parts
        return try Array(text.utf8).withUnsafeBufferPointer {
            try CSVReader.parse($0, fileName: "t.csv", tableName: "t", options: options)
        }
    }

    func column(_ t: Table, _ name: String) -> [Value] {
        let v = t.column(named: name)!.vector
        return (0..<v.count).map { v.value(at: $0) }
    }

    func errorText(_ text: String) -> String {
        do { _ = try read(text); return "" } catch let d as Diagnostic { return d.render() } catch { return "\(error)" }
    }

    func testTypesAreInferredOverTheWholeColumn() throws {
        let t = try read("""
            id,n,x,flag,day,at,code,late
            1,5,1.5,是,2020-10-13,2020-10-13 08:00:00,00123,1
            2,,2,否,2020-10-14,2020-10-14,00124,2
            3,-7,3.25,true,,2020-10-15 23:59:59,123,x

            """)
        XCTAssertNil(t.invariantViolation())
        XCTAssertEqual(t.columns.map { $0.vector.type }, [.integer, .integer, .decimal, .boolean, .date, .timestamp, .string, .string])
        XCTAssertEqual(column(t, "n"), [.integer(5), .null, .integer(-7)])
        XCTAssertEqual(column(t, "x"), [.decimal(1.5), .decimal(2), .decimal(3.25)])
        XCTAssertEqual(column(t, "flag"), [.boolean(true), .boolean(false), .boolean(true)])
        XCTAssertEqual(column(t, "code"), [.string("00123"), .string("00124"), .string("123")])
        // The column turned to text at its last row: the earlier rows keep their text exactly.
        XCTAssertEqual(column(t, "late"), [.string("1"), .string("2"), .string("x")])
        XCTAssertEqual(column(t, "at")[1], .timestamp(Int64(CivilCalendar.daysFromCivil(2020, 10, 14)) * 86400))
    }

    func testBooleanColumnsTakeZeroAndOneOnly() throws {
        // 1 and 0 read as true and false beside 是/否; any other number makes the column text.
        // In either order: 1 and 0 first, then 是/否, is as boolean as the other way round.
        let t = try read("a,b,c,d\n是,是,1,1\n1,否,,0\n0,5,否,是\n,否,0,2\n")
        XCTAssertNil(t.invariantViolation())
        XCTAssertEqual(column(t, "a"), [.boolean(true), .boolean(true), .boolean(false), .null])
        XCTAssertEqual(column(t, "b"), [.string("是"), .string("否"), .string("5"), .string("否")])
        XCTAssertEqual(column(t, "c"), [.boolean(true), .null, .boolean(false), .boolean(false)])
        XCTAssertEqual(column(t, "d"), [.string("1"), .string("0"), .string("是"), .string("2")])
        XCTAssertEqual(try read("n\n1\n0\n").columns[0].vector.type, .integer)
    }

    func testQuotingBOMAndLineEnds() throws {
        let t = try read("\u{FEFF}name,note\r\n\"张, 三\",\"say \"\"hi\"\"\r\nsecond line\"\r\n李四 , plain \r\n\r\n\r\n")
        XCTAssertEqual(t.columns.map(\.name), ["name", "note"])
        XCTAssertEqual(t.rowCount, 2)
        XCTAssertEqual(column(t, "name"), [.string("张, 三"), .string("李四")])
        XCTAssertEqual(column(t, "note"), [.string("say \"hi\"\r\nsecond line"), .string("plain")])
    }

    func testDelimiterDetection() throws {
        XCTAssertEqual(try read("a\tb\n1\t2\n").columns.count, 2)
        XCTAssertEqual(try read("a;b;c\n1;2;3\n").columns.count, 3)
        XCTAssertEqual(try read("\"a;b\",c\n1,2\n").columns.map(\.name), ["a;b", "c"])
        XCTAssertEqual(try read("a|b\n1|2\n", delimiter: 124).columns.count, 2)
    }

    func testHeaderNames() throws {
        XCTAssertEqual(try read("a,,a,课程编号\n1,2,3,4\n").columns.map(\.name), ["a", "column_2", "a_2", "课程编号"])
    }

    func testEmptyAndAllNullColumns() throws {
        let t = try read("a,b\n")
        XCTAssertEqual(t.rowCount, 0)
        let n = try read("a,b\n1,\n2,\n")
        XCTAssertEqual(n.column(named: "b")?.vector.nullCount, 2)
        XCTAssertNil(n.invariantViolation())
    }

    func testMalformedInputIsALocatedError() {
        XCTAssertEqual(errorText("a,b\n1,2\n3\n"), #"""
            t.csv:3:1: error: this row has 1 field, the header has 2
            3 | 3
              | ^
              = a field holding the delimiter or a line break must be quoted: "a,b"
              = or leave bad rows out (counted, the first shown): with skip_bad_rows true
            """#)
        XCTAssertEqual(errorText("a,b\n1,\"open\n2,3\n"), #"""
            t.csv:2:3: error: this quoted field is never closed
            2 | 1,"open
              |   ^
              = a quote inside a quoted field is written twice: "say ""hi"""
              = or leave bad rows out (counted, the first shown): with skip_bad_rows true
            """#)
        XCTAssertEqual(errorText("a,b\n\"x\"y,2\n"), #"""
            t.csv:2:4: error: unexpected text after a closing quote
            2 | "x"y,2
              |    ^
              = a quote inside a quoted field is written twice: "say ""hi"""
              = or leave bad rows out (counted, the first shown): with skip_bad_rows true
            """#)
        XCTAssertTrue(errorText("").contains("empty"))
    }

    func testNumbersAtTheEdges() throws {
        let t = try read("big,huge,neg\n999999999999999999,12345678901234567890,-0.5\n")
        XCTAssertEqual(column(t, "big"), [.integer(999_999_999_999_999_999)])
        XCTAssertEqual(column(t, "huge"), [.decimal(Double("12345678901234567890")!)])
        XCTAssertEqual(column(t, "neg"), [.decimal(-0.5)])
    }
}
