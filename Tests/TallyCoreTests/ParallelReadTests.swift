import XCTest
@testable import TallyCore

/// A text file read in parallel parts gives exactly the table read in one pass.
final class ParallelReadTests: XCTestCase {
    func read(_ text: String, parts: Int?, skipping: Bool = false) throws -> Table {
        var options = LoadOptions()
        options.parts = parts
        options.skipBadRows = skipping
        options.skipTotals = skipping
        return try Array(text.utf8).withUnsafeBufferPointer {
            try CSVReader.parse($0, fileName: "t.csv", tableName: "t", options: options)
        }
    }

    func rows(_ t: Table) -> [[Value]] {
        (0..<t.rowCount).map { r in t.columns.map { $0.vector.value(at: r) } }
    }

    func assertSameInParts(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let one = try read(text, parts: 1)
        XCTAssertNil(one.invariantViolation(), file: file, line: line)
        for parts in [2, 3, 7] {
            let many = try read(text, parts: parts)
            XCTAssertNil(many.invariantViolation(), file: file, line: line)
            XCTAssertEqual(many.columns.map(\.name), one.columns.map(\.name), file: file, line: line)
            XCTAssertEqual(many.columns.map { $0.vector.type }, one.columns.map { $0.vector.type }, "\(parts) parts", file: file, line: line)
            XCTAssertEqual(rows(many), rows(one), "\(parts) parts", file: file, line: line)
        }
    }

    func testQuotedLineBreaksAcrossTheCut() throws {
        // Every row holds a quoted field with line breaks and quotes, so any cut lands inside one.
        var text = "id,note,n\n"
        for i in 0..<200 { text += "\(i),\"line one\nline \"\"two\"\",\n\nthree\",\(i * 3)\n" }
        try assertSameInParts(text)
        let t = try read(text, parts: 2)
        XCTAssertEqual(t.rowCount, 200)
        XCTAssertEqual(t.column(named: "note")!.vector.value(at: 199), .string("line one\nline \"two\",\n\nthree"))
    }

    func testLargePartsAreJoinedExactly() throws {
        // Parts of many pages: each part's values are given back to the system as they are
        // copied into the joined column, text codes through the first part's string table.
        var text = "id,teacher_id,hours,paid,at\n"
        for i in 0..<60_000 {
            text += "\(i),GZ\(i * 7 % 20_011),\(Double(i % 97) / 4),\(i % 3 == 0 ? "是" : "否"),2020-10-\(10 + i % 20) 08:00:00\n"
        }
        try assertSameInParts(text)
    }

    func testBoundariesStartRows() throws {
        let text = "a,b\n1,\"x\ny\"\n2,\"\"\"\n\"\n3,z\n"
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { b in
            let scanner = RowScanner(base: b.baseAddress!, length: b.count, delimiter: 44)
            for parts in 2...8 {
                let bounds = scanner.rowBoundaries(from: 4, parts: parts)
                XCTAssertEqual(bounds.first, 4)
                XCTAssertEqual(bounds.last, b.count)
                for cut in bounds.dropFirst().dropLast() {
                    XCTAssertTrue([12, 20].contains(cut), "cut at \(cut) is not a row start (\(parts) parts)")
                }
            }
        }
    }

    func testFileSmallerThanTheParts() throws {
        try assertSameInParts("a,b\n1,2\n")
        try assertSameInParts("a,b\n")
        XCTAssertEqual(try read("a,b\n1,2\n", parts: 7).rowCount, 1)
    }

    func testCRLFAndBlankLines() throws {
        var text = "id,when,flag\r\n"
        for i in 0..<300 { text += "\(i),2020-10-\(10 + i % 20) 08:00:00,\(i % 2 == 0 ? "是" : "否")\r\n" + (i % 50 == 0 ? "\r\n" : "") }
        try assertSameInParts(text)
    }

    func testPartsThatDisagreeOnTheTypeBecomeText() throws {
        // Integers early, a word late: the late part alone would be text, the early part integers.
        var text = "k,v,d\n"
        for i in 0..<300 { text += "\(i),\(i < 290 ? String(i) : "n/a?"),\(i < 150 ? "1" : "1.5")\n" }
        try assertSameInParts(text)
        let t = try read(text, parts: 2)
        XCTAssertEqual(t.column(named: "v")!.vector.type, .string)
        XCTAssertEqual(t.column(named: "v")!.vector.value(at: 0), .string("0"))
        XCTAssertEqual(t.column(named: "d")!.vector.type, .decimal)
        // Strings interned in both parts share one dictionary without duplicates.
        var names = "name\n"
        for i in 0..<400 { names += "张\(i % 7)\n" }
        let n = try read(names, parts: 3)
        guard case .string(_, let d, _) = n.column(named: "name")!.vector else { return XCTFail() }
        XCTAssertEqual(d.count, 7)
    }

    func testRowsLeftOutAreLeftOutWhenAColumnIsReadAgainAsText() throws {
        // Blank, bad and summary rows between the kept ones; column v turns to text at its last
        // row, so every part reads its rows again for it and must keep exactly the same rows.
        var text = "k,v\n"
        var kept: [[Value]] = []
        for i in 0..<200 {
            if i % 17 == 0 { text += ",\n" }                     // blank
            if i % 23 == 0 { text += "\(i)\n" }                  // bad: one field
            if i % 41 == 0 { text += "合计,\(i)\n" }              // summary
            let v = i == 199 ? "late text" : String(i * 3)
            text += "\(i),\(v)\n"
            kept.append([.integer(Int64(i)), .string(v)])
        }
        for parts in [1, 2, 3] {
            let t = try read(text, parts: parts, skipping: true)
            XCTAssertNil(t.invariantViolation())
            XCTAssertEqual(t.column(named: "v")!.vector.type, .string)
            XCTAssertEqual(rows(t), kept, "\(parts) parts")
            XCTAssertEqual(t.source?.badRows, 9, "\(parts) parts")
            XCTAssertEqual(t.source?.summaryRows, 5, "\(parts) parts")
        }
    }

    func testPartsOfOnesAndZerosAndOfShiFouJoinAsBoolean() throws {
        // The first part sees only 1 and 0 (integers), the last 是 and 否: one boolean column.
        var text = "k,flag\n"
        for i in 0..<300 { text += "\(i),\(i < 150 ? String(i % 2) : (i % 2 == 1 ? "是" : "否"))\n" }
        try assertSameInParts(text)
        let t = try read(text, parts: 2)
        XCTAssertEqual(t.column(named: "flag")!.vector.type, .boolean)
        XCTAssertEqual(t.column(named: "flag")!.vector.value(at: 1), .boolean(true))
        XCTAssertEqual(t.column(named: "flag")!.vector.value(at: 298), .boolean(false))
    }

    func testBadRowsAreReportedInFileOrder() throws {
        var text = "a,b\n"
        for i in 0..<100 { text += i == 30 || i == 80 ? "\(i)\n" : "\(i),\(i)\n" }
        XCTAssertThrowsError(try read(text, parts: 2)) { e in
            XCTAssertTrue((e as? Diagnostic)?.render().hasPrefix("t.csv:32:1: error: this row has 1 field") ?? false, "\(e)")
        }
    }
}
