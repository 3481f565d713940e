import Foundation
import XCTest
@testable import TallyCore

/// `sort … pinyin` orders as glibc's zh_CN.UTF-8 collation, checked against coreutils'
/// `LC_ALL=zh_CN.UTF-8 sort` over the same names — which needs the locale (`make test` and
/// .ci/run make it: localedef -i zh_CN -f UTF-8 zh_CN.UTF-8).
final class PinyinOrderTests: XCTestCase {
    /// Districts and schools as the exports spell them, and what else meets them in a column:
    /// repeated names, several readings (重庆 zhòng, 长沙 cháng), Latin letters in both cases,
    /// digits, full-width forms, traditional characters, long texts, and characters the collation does
    /// not tell apart (private use U+E000, U+E001; unassigned U+0378): `sort` keeps those in
    /// their input order, as Tally keeps ties in the table's order.
    static let names = [
        "越秀区", "海珠区", "荔湾区", "天河区", "白云区", "黄埔区", "番禺区", "花都区", "南沙区", "从化区", "增城区",
        "越秀区第一小学", "越秀区培正中学", "海珠区实验中学", "海珠区第五小学", "天河区华阳小学", "天河中学",
        "番禺区市桥中学", "广州市第二幼儿园", "白云区特殊教育学校", "从化区职业技术学校", "广东实验中学", "市直属",
        "天河区", "重庆", "长沙", "长寿路小学", "区", "區", "广州市第1中学", "广州市第10中学", "广州市第２中学",
        "abc", "ABC", "Abc", "b", "ＡＢＣ", "123", "１２３", "9", "\u{E001}x", "\u{E000}x", "\u{0378}x", "",
        "阿", "啊", "爱", "安", "昂", "八", "巴", "吧", "中", "钟", "众", "张", "章", "仗", "鑫", "𠀋",
        // Sort keys longer than the first buffer (256 bytes): they differ at the end.
        String(repeating: "广州市", count: 60) + "乙", String(repeating: "广州市", count: 60) + "甲",
    ]

    func testOrderIsGlibcsAsCoreutilsSortHasIt() throws {
        XCTAssertNil(PinyinOrder.unavailable, "make the locale: localedef -i zh_CN -f UTF-8 zh_CN.UTF-8")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-pinyin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let list = folder.appendingPathComponent("names.txt")
        try (Self.names.joined(separator: "\n") + "\n").write(to: list, atomically: true, encoding: .utf8)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sort", list.path]
        p.environment = ["LC_ALL": "zh_CN.UTF-8", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let sorted = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let expected = sorted.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        XCTAssertEqual(expected.count, Self.names.count)
        XCTAssertNotEqual(expected, Self.names.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) },
                          "sort gave code point order: is the zh_CN.UTF-8 locale there?")

        // The same names as a column (the empty one is null there: it comes last).
        let column = Vector.text(Self.names)
        let order = SortKeyValues(column, pinyin: true)
        let rows = (0..<Self.names.count).sorted { order.compare($0, $1) < 0 || (order.compare($0, $1) == 0 && $0 < $1) }
        XCTAssertEqual(rows.map { Self.names[$0] }, expected)

        // End to end: a table's column, sorted by a query; the empty name is null there: last.
        let csv = "name,n\n" + Self.names.map { ($0.isEmpty ? "" : "\"\($0)\"") + ",1" }.joined(separator: "\n") + "\n"
        try csv.write(to: folder.appendingPathComponent("names.csv"), atomically: true, encoding: .utf8)
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.display.format = .csv
        session.run(SourceFile(name: "q", text: "load names from \"names.csv\" with types (name = string), nulls ()\nlist name names sort name pinyin"),
                    baseDirectory: folder.path)
        XCTAssertEqual(capture.diagnostics, [])
        let listed = capture.results.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast().map(String.init)
        XCTAssertEqual(listed, expected.filter { !$0.isEmpty } + ["\"\""])
    }

    /// Keys are computed per distinct text: a column of many rows and few texts, in order.
    func testRanksArePerDistinctText() {
        let d = StringDictionary(["天河区", "白云区", "越秀区", "unused"])
        let codes: [UInt32] = [0, 1, 2, 0, 0, 1]
        XCTAssertEqual(PinyinOrder.ranks(Codes(codes), d), [1, 0, 2, 1, 1, 0])
        XCTAssertEqual(PinyinOrder.ranks([], StringDictionary([])), [])
        XCTAssertEqual(PinyinOrder.ranks([0, 0], StringDictionary([])), [0, 0])   // a column of nulls
        // Texts the collation does not tell apart are tied (U+E000 and U+E001 are private use,
        // which glibc puts before 阿: Python's locale.strcoll gives 0 and -1).
        let tied = PinyinOrder.ranks([0, 1, 2], StringDictionary(["\u{E001}", "\u{E000}", "阿"]))
        XCTAssertEqual(tied[0], tied[1])
        XCTAssertLessThan(tied[0], tied[2])
    }
}
