import XCTest
@testable import TallyCore

/// The row scanner looks for field ends 16 bytes at a time: fields, quotes, line ends and
/// multibyte characters that straddle a block, and the file's last bytes (looked at one by one),
/// read exactly as written. Each table is written here from known values and read back.
extension CSVReaderTests {
    /// A field as a CSV writer writes it: quoted (quotes doubled) when it holds a comma, quote or line break.
    func csv(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// The field-end bits of a block, byte by byte.
    func expectedEnds(_ bytes: [UInt8], _ delimiter: UInt8) -> UInt32 {
        var bits: UInt32 = 0
        for (k, b) in bytes.enumerated() where b == delimiter || b == 10 || b == 13 { bits |= 1 << UInt32(k) }
        return bits
    }

    func testFieldEndsOfABlockAreExactlyTheDelimitersAndLineEnds() {
        // Bytes near the ones looked for (a borrow across bytes would flag them too), and high bytes.
        let alphabet: [UInt8] = [0, 1, 9, 10, 11, 12, 13, 14, 34, 43, 44, 45, 58, 59, 60, 0x7F, 0x80, 0x8A, 0x8D, 0xAC, 0xE6, 0xFF]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        for delimiter: UInt8 in [44, 9, 59, 124] {
            for _ in 0..<2000 {
                let bytes = (0..<16).map { _ in alphabet[next() % alphabet.count] }
                let expected = expectedEnds(bytes, delimiter)
                bytes.withUnsafeBufferPointer { b in
                    XCTAssertEqual(RowScanner.fieldEnds(b.baseAddress!, delimiter), expected, "\(bytes)")
                    XCTAssertEqual(RowScanner.fieldEndsInWords(b.baseAddress!, delimiter), expected, "\(bytes)")
                }
            }
            // Every single position, and all sixteen at once.
            for k in 0..<16 {
                var bytes = [UInt8](repeating: 65, count: 16)
                bytes[k] = delimiter
                bytes.withUnsafeBufferPointer { XCTAssertEqual(RowScanner.fieldEndsInWords($0.baseAddress!, delimiter), 1 << UInt32(k)) }
            }
            let all = [UInt8](repeating: delimiter, count: 16)
            all.withUnsafeBufferPointer { XCTAssertEqual(RowScanner.fieldEnds($0.baseAddress!, delimiter), 0xFFFF) }
        }
    }

    func testFieldsAndQuotesAcrossBlockBoundaries() throws {
        // A first field of every length from 0 to 40 moves the rest of the row across every
        // offset of a block: a quoted field with a comma, a doubled quote and a line break,
        // then a plain one.
        var rows: [(String, String, String)] = []
        for length in 0...40 {
            let a = "a" + String(repeating: "x", count: length)
            let b = String(repeating: "q", count: length % 17) + ",\"" + String(repeating: "y", count: length % 5) + "\"\n,end"
            let c = "c" + String(repeating: "z", count: (length * 7) % 23)
            rows.append((a, b, c))
        }
        let text = "a,b,c\n" + rows.map { "\(csv($0.0)),\(csv($0.1)),\(csv($0.2))\n" }.joined()
        for parts in [1, 2, 3] {
            let t = try read(text, parts: parts)
            XCTAssertNil(t.invariantViolation())
            XCTAssertEqual(t.rowCount, rows.count)
            XCTAssertEqual(column(t, "a"), rows.map { .string($0.0) })
            XCTAssertEqual(column(t, "b"), rows.map { .string($0.1) })
            XCTAssertEqual(column(t, "c"), rows.map { .string($0.2) })
        }
    }

    func testCRLFAndLineEndsAtEveryOffset() throws {
        // Rows of 1 to 37 bytes end with CRLF, LF or CR, so the line end falls at every offset of
        // a block, also as a block's last byte with its LF in the next.
        let ends = ["\r\n", "\n", "\r"]
        var values: [Int] = []
        var text = "n,s\r\n"
        for k in 0..<60 {
            let width = k % 37
            let s = "s" + String(repeating: "w", count: width)
            values.append(k * 1_000_003)
            text += "\(k * 1_000_003),\(s)" + ends[k % 3]
        }
        let t = try read(text)
        XCTAssertEqual(t.rowCount, 60)
        XCTAssertEqual(column(t, "n"), values.map { .integer(Int64($0)) })
        XCTAssertEqual(column(t, "s"), (0..<60).map { .string("s" + String(repeating: "w", count: $0 % 37)) })
    }

    func testLastFieldWithoutLineEndAtEveryLength() throws {
        // The file's last field, without a line end, is 0 to 40 bytes long: inside the last
        // block, across it, and in the bytes after the last whole block. An empty last field
        // after a delimiter is a null.
        for length in 0...40 {
            let last = String(repeating: "9", count: length)
            let text = "id,v\n1,first\n2," + last
            let t = try read(text)
            XCTAssertEqual(t.rowCount, 2, "length \(length)")
            let v = column(t, "v")
            XCTAssertEqual(v[0], .string("first"), "length \(length)")
            XCTAssertEqual(v[1], length == 0 ? .null : .string(last), "length \(length)")
            // Quoted, and with the closing quote as the file's last byte.
            let quoted = try read("id,v\n1,\"a,b\"\n2,\"" + last + "\"")
            XCTAssertEqual(column(quoted, "v"), [.string("a,b"), length == 0 ? .null : .string(last)], "length \(length)")
        }
    }

    func testMultibyteCharactersAcrossBlocks() throws {
        // Three-byte (汉) and four-byte (𠀋) characters after 0 to 20 ASCII bytes: every byte of
        // a character falls on a block boundary somewhere, next to a delimiter or a line end.
        var names: [String] = [], notes: [String] = []
        var text = "名称,备注\n"
        for pad in 0...20 {
            let name = String(repeating: "k", count: pad) + "广州市荔湾区𠀋" + String(repeating: "汉", count: pad % 4)
            let note = "是" + String(repeating: "é", count: pad % 6) + "，否"
            names.append(name)
            notes.append(note)
            text += "\(name),\(note)\n"
        }
        for parts in [1, 2] {
            let t = try read(text, parts: parts)
            XCTAssertNil(t.invariantViolation())
            XCTAssertEqual(column(t, "名称"), names.map { .string($0) })
            XCTAssertEqual(column(t, "备注"), notes.map { .string($0) })
        }
    }

    func testTabAndSemicolonDelimitersInBlocks() throws {
        // The delimiter is one of the bytes compared; a comma is then text.
        for (delimiter, sep) in [(UInt8(9), "\t"), (UInt8(59), ";")] {
            let values = (0..<30).map { "v," + String(repeating: "m", count: $0) }
            let text = "x\(sep)y\n" + values.enumerated().map { "\($0.offset)\(sep)\($0.element)\n" }.joined()
            let t = try read(text, delimiter: delimiter, parts: 1)
            XCTAssertEqual(column(t, "y"), values.map { .string($0) })
            XCTAssertEqual(column(t, "x"), (0..<30).map { .integer(Int64($0)) })
        }
    }

    func testRowsWiderAndNarrowerThanTheRowBefore() throws {
        // The field list of one row is reused for the next: a row with more fields than any
        // before (empty ones past the header are allowed), then fewer, then a 25-column header.
        let t = try read("a,b\n1,2\n3,4,,,,,,,,,,,,,,,,,,\n5,6\n7,8,\n")
        XCTAssertEqual(column(t, "a"), [.integer(1), .integer(3), .integer(5), .integer(7)])
        XCTAssertEqual(column(t, "b"), [.integer(2), .integer(4), .integer(6), .integer(8)])
        let names = (1...25).map { "c\($0)" }
        let header = names.joined(separator: ",") + "\n", full = (1...25).map(String.init).joined(separator: ",") + "\n"
        let wide = try read(header + full + full)
        XCTAssertEqual(wide.columns.map(\.name), names)
        XCTAssertEqual(column(wide, "c25"), [.integer(25), .integer(25)])
        XCTAssertTrue(errorText(header + full + "1,2\n").contains("t.csv:3:1: error: this row has 2 fields, the header has 25"))
    }
}
