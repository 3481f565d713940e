import XCTest
@testable import TallyCore
@testable import TallySample

/// Text codes stored 1, 2 or 4 bytes a row: each width holds its largest code, one more widens,
/// and every row reads back the code (and, loaded, the text) it was given.
final class CodeWidthTests: XCTestCase {
    func testEachWidthHoldsItsLargestCodeAndOneMoreWidens() {
        let cases: [(UInt32, Int)] = [(0, 1), (255, 1), (256, 2), (65_535, 2), (65_536, 4), (UInt32.max, 4)]
        for (largest, width) in cases {
            XCTAssertEqual(Codes.width(holding: largest), width, "\(largest)")
            let codes = Codes([0, largest, 1])
            XCTAssertEqual(codes.width, width, "\(largest)")
            XCTAssertEqual(Array(codes), [0, largest, 1])
        }
        XCTAssertEqual(Codes().width, 1)
        XCTAssertEqual(Codes(repeating: 300, count: 4).width, 2)
    }

    func testAppendingWidensAtTheFirstCodeTooLargeAndKeepsEveryRow() {
        // Codes as a dictionary gives them while a file loads: each new string the next code.
        var codes = Codes(), plain: [UInt32] = []
        var widths: [Int: Int] = [:]   // width → the row count when it was first seen
        var rng = SampleSplitMix64(seed: 7)
        for next in 0..<UInt32(70_000) {
            let code = rng.next() % 3 == 0 ? UInt32(rng.next() % UInt64(next + 1)) : next
            codes.append(code)
            plain.append(code)
            if widths[codes.width] == nil { widths[codes.width] = plain.count }
        }
        XCTAssertEqual(Array(codes), plain)
        XCTAssertEqual(codes.width, 4)
        // It widens at the row of code 256, then at the row of code 65,536, not before.
        XCTAssertEqual(widths[2], plain.firstIndex { $0 > 255 }! + 1)
        XCTAssertEqual(widths[4], plain.firstIndex { $0 > 65_535 }! + 1)
    }

    func testSettingACodeTooLargeWidensInPlace() {
        var codes = Codes(repeating: 9, count: 5)
        codes[2] = 255
        XCTAssertEqual(codes.width, 1)
        codes[3] = 256
        XCTAssertEqual(codes.width, 2)
        codes[4] = 65_536
        XCTAssertEqual(codes.width, 4)
        XCTAssertEqual(Array(codes), [9, 9, 255, 256, 65_536])
    }

    func testGatherAndSliceKeepTheWidth() {
        let narrow = Codes([1, 2, 255]), middle = Codes([256, 3]), wide = Codes([70_000, 4])
        XCTAssertEqual(narrow.gather([2, -1, 0]).width, 1)
        XCTAssertEqual(Array(narrow.gather([2, -1, 0])), [255, 0, 1])
        XCTAssertEqual(Array(middle.gather([1, 0])), [3, 256])
        XCTAssertEqual(Array(wide.slice(1..<2)), [4])
        XCTAssertEqual(wide.slice(1..<2).width, 4)
        XCTAssertEqual(Codes([1, 2]), Codes([1, 2]))
        var wider = Codes([1, 2]); wider.widen(to: 4)
        XCTAssertEqual(wider, Codes([1, 2]), "equal rows are equal codes at any width")
        XCTAssertEqual(Array(wider.wide), [1, 2])
    }

    func testAppendingAPartThroughARemap() {
        // A second part's codes translated into the first part's string table, which the
        // translation takes past a width.
        // Row 1 of the second part is null: its code is 0 whatever the translation says.
        var nulls = NullMask(count: 4)
        nulls.setNull(1)
        for (remap, width) in [([UInt32(2), 1, 0], 1), ([2, 300, 0], 2), ([2, 300, 70_000], 4)] {
            var first = Codes([0, 1, 2])
            var second = Codes([0, 1, 0, 2])
            first.appendReleasing(&second, through: remap, nulls: nulls)
            XCTAssertEqual(Array(first), [0, 1, 2, remap[0], 0, remap[0], remap[2]])
            XCTAssertEqual(first.width, width)
            XCTAssertTrue(second.isEmpty)
        }
        var first = Codes([5]), nullsOnly = Codes(repeating: 0, count: 2)
        first.appendReleasing(&nullsOnly, through: [], nulls: nil)
        XCTAssertEqual(Array(first), [5, 0, 0])
    }

    func testGroupingByEveryCodeOfAWidthInOrderThenAgain() {
        // A loaded column's codes first appear in order, so they serve as group ids as they
        // are; after the largest code of a width, code 0 again is not a new group.
        for distinct in [256, 65_536] {
            let d = StringDictionary((0..<distinct).map { "名\($0)" })
            let plain = (0..<UInt32(distinct)).map { $0 } + [0, 1, 0]
            let g = GroupKeys.groupIds([.string(Codes(plain), d, nil)], rowCount: plain.count)
            XCTAssertEqual(g.count, distinct)
            XCTAssertTrue(g.ids == plain, "\(distinct): each row's group is its code")
            XCTAssertTrue(g.firstRows == (0..<Int32(distinct)).map { $0 }, "\(distinct): each group first appears at its code's row")
        }
    }

    // MARK: loaded columns

    /// A file of one text column with `distinct` strings, each first appearing in order, then
    /// repeated; every `nullEvery`-th row empty.
    func file(distinct: Int, nullEvery: Int?) -> (text: String, values: [String?]) {
        var text = "id,name\n", values: [String?] = []
        var rng = SampleSplitMix64(seed: UInt64(distinct))
        for i in 0..<(distinct + distinct / 2) {
            let value: String?
            if let every = nullEvery, i % every == every - 1 { value = nil }
            else if i < distinct { value = "名\(i)" }
            else { value = "名\(rng.next() % UInt64(distinct))" }
            values.append(value)
            text += "\(i),\(value ?? "")\n"
        }
        // Rows left null above must still name every string once.
        for i in 0..<distinct where nullEvery.map({ i % $0 == $0 - 1 }) ?? false {
            values.append("名\(i)")
            text += "\(values.count - 1),名\(i)\n"
        }
        return (text, values)
    }

    func load(_ text: String, parts: Int) throws -> Vector {
        var options = LoadOptions()
        options.parts = parts
        let t = try Array(text.utf8).withUnsafeBufferPointer {
            try CSVReader.parse($0, fileName: "t.csv", tableName: "t", options: options)
        }
        XCTAssertNil(t.invariantViolation())
        return t.column(named: "name")!.vector
    }

    func testLoadedTextIsAsNarrowAsItsDictionaryAtEachWidthsEdge() throws {
        // 256 strings fit 1 byte, 257 need 2; 65,536 fit 2, 65,537 need 4. The dictionary grows
        // past each width while the file loads, in one part and in parallel parts.
        for (distinct, width) in [(256, 1), (257, 2), (65_536, 2), (65_537, 4)] {
            for nullEvery in [nil, 5] {
                let (text, values) = file(distinct: distinct, nullEvery: nullEvery)
                for parts in [1, 3] {
                    let v = try load(text, parts: parts)
                    let label = "\(distinct) strings, nulls every \(nullEvery.map(String.init) ?? "never"), \(parts) parts"
                    guard case .string(let codes, let d, _) = v else { return XCTFail(label) }
                    XCTAssertEqual(d.count, distinct, label)
                    XCTAssertEqual(codes.width, width, label)
                    XCTAssertEqual(v.count, values.count, label)
                    let read = (0..<v.count).map { i -> String? in
                        if case .string(let s) = v.value(at: i) { return s }
                        return nil
                    }
                    XCTAssertEqual(read, values, label)
                }
            }
        }
    }

    func testAQueryOverNarrowCodesCountsAsThePlainDefinition() throws {
        // Grouping and filtering read 2-byte codes as they read 4-byte ones.
        let (text, values) = file(distinct: 300, nullEvery: 7)
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.display.format = .csv
        try Array(text.utf8).withUnsafeBufferPointer {
            session.catalog.add(try CSVReader.parse($0, fileName: "t.csv", tableName: "t", options: LoadOptions()))
        }
        session.run(SourceFile(name: "q", text: "count t by name"))
        XCTAssertEqual(capture.diagnostics, [])
        var expected: [String: Int] = [:]
        for v in values { expected[v ?? "", default: 0] += 1 }
        var got: [String: Int] = [:]
        for line in capture.results.split(separator: "\n", omittingEmptySubsequences: false).dropFirst() where !line.isEmpty || got.isEmpty {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            if cells.count == 2 { got[String(cells[0])] = Int(cells[1]) }
        }
        XCTAssertEqual(got, expected)
        capture.results = ""
        session.run(SourceFile(name: "q", text: "count t where name = \"名299\""))
        XCTAssertEqual(capture.results, "count\n\(values.filter { $0 == "名299" }.count)\n")
    }

    func testLookupsAndMembershipAcrossWidths() throws {
        // A 2-byte column (300 names) looked up in, and tested against, a 1-byte one (3 names).
        let (text, values) = file(distinct: 300, nullEvery: 7)
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.display.format = .csv
        for (name, csv) in [("t", text), ("u", "name,region\n名1,东\n名299,西\n无,东\n")] {
            try Array(csv.utf8).withUnsafeBufferPointer {
                session.catalog.add(try CSVReader.parse($0, fileName: "\(name).csv", tableName: name, options: LoadOptions()))
            }
        }
        let ones = values.filter { $0 == "名1" }.count, lasts = values.filter { $0 == "名299" }.count
        session.run(SourceFile(name: "q", text: "count t where name in (u)"))
        XCTAssertEqual(capture.diagnostics, [])
        XCTAssertEqual(capture.results, "count\n\(ones + lasts)\n")
        capture.results = ""
        session.run(SourceFile(name: "q", text: "link t.name to u.name\ncount t by u.region"))
        XCTAssertEqual(capture.diagnostics, [])
        let groups = capture.results.split(separator: "\n").dropFirst().map(String.init).sorted()
        XCTAssertEqual(groups, [",\(values.count - ones - lasts)", "东,\(ones)", "西,\(lasts)"])
    }
}
