import Foundation
import XCTest
@testable import TallyCore

/// `chart`: the text chart's geometry (worked out by hand), its alignment under Chinese labels
/// (measured by display width), and the SVG read back by Python's xml.etree.
final class ChartTests: XCTestCase {
    /// A result of one text dimension and one measure, as a `by` query gives: integers when
    /// every value is one (or null), else decimals.
    func result(_ labels: [String?], _ values: [Value], share: [Double]? = nil, total: [Value]? = nil) -> ResultTable {
        func mask(_ isNull: [Bool]) -> NullMask? {
            guard isNull.contains(true) else { return nil }
            var m = NullMask(count: isNull.count)
            for (i, n) in isNull.enumerated() where n { m.setNull(i) }
            return m
        }
        let nulls = mask(values.map { $0 == .null })
        let measure: Vector = values.allSatisfy({ if case .decimal = $0 { false } else { true } })
            ? .integer(values.map { if case .integer(let i) = $0 { i } else { 0 } }, nulls)
            : .decimal(values.map { $0.asDouble ?? 0 }, nulls)
        var columns: [ResultTable.Column] = [
            .init(name: "k", vector: .text(labels.map { $0 ?? "" }, nulls: mask(labels.map { $0 == nil })), role: .dimension),
            .init(name: "v", vector: measure, role: .measure),
        ]
        if let share { columns.append(.init(name: "share", vector: .decimal(share, nil), role: .share)) }
        return ResultTable(columns: columns, totalRow: total)
    }

    /// Values 8, 4, 1 with 16 cells of bar: 16, 8 and 2 cells. The width is 1 (label) + 2 + 16
    /// + 1 + 1 (value) = 21.
    func testBarsAreScaledToTheLargestValue() {
        let text = Chart.text(result(["a", "b", "c"], [.integer(8), .integer(4), .integer(1)]), width: 21)
        XCTAssertEqual(text, """
            k  v
            ─  ──────────────────
            a  ████████████████ 8
            b  ████████ 4
            c  ██ 1

            """)
    }

    /// With 16 cells for 8.00, a cell is 0.5 and an eighth of one 0.0625: 0.0625 → ▏, 0.1875 → ▍
    /// (3/8), 0.4375 → ▉ (7/8), 0.5625 → █▏, 0.9375 → █▉; 0.0001 still shows an eighth; 0 and
    /// null show no bar. Values are up to 7 cells wide ("0.00010": two significant digits below
    /// 0.01, as table output shows it), so the width is 1 + 2 + 16 + 1 + 7.
    func testEighthBlocksZeroAndNull() {
        let values: [Value] = [.decimal(8), .decimal(0.0625), .decimal(0.1875), .decimal(0.4375), .decimal(0.5625),
                               .decimal(0.9375), .decimal(0.0001), .decimal(0), .null]
        let text = Chart.text(result(["a", "b", "c", "d", "e", "f", "g", "h", "i"], values), width: 27)
        XCTAssertEqual(text, """
            k  v
            ─  ────────────────────────
            a  ████████████████ 8.00
            b  ▏ 0.06
            c  ▍ 0.19
            d  ▉ 0.44
            e  █▏ 0.56
            f  █▉ 0.94
            g  ▏ 0.00010
            h  0.00
            i  null

            """)
    }

    /// Chinese labels are two cells a character: every bar starts at the same display column,
    /// no line is wider than the width, and a label beyond a third of it is cut with "…".
    func testChineseLabelsAlignAndLongOnesAreCut() {
        let long = String(repeating: "广州市第一中学", count: 5)   // 35 characters, 70 cells
        let labels = ["越秀区第一小学", "a", "海珠区", long, "ｃａｆé"]
        let text = Chart.text(result(labels, [.integer(5), .integer(3), .integer(1), .integer(2), .integer(4)]), width: 80)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2 + labels.count)
        var starts = Set<Int>()
        for line in lines.dropFirst(2) {
            let bar = line.firstIndex(of: "█")!
            starts.insert(DisplayWidth.of(String(line[..<bar])))
            XCTAssertLessThanOrEqual(DisplayWidth.of(line), 80, line)
        }
        // Labels get 80 / 3 = 26 cells, then two spaces; the long one is cut to 12 characters
        // (24 cells) and "…", padded to 26.
        XCTAssertEqual(starts, [28])
        XCTAssertTrue(lines[2 + 3].hasPrefix("广州市第一中学广州市第一…   █"), lines[5])
        XCTAssertEqual(DisplayWidth.of(lines.max { DisplayWidth.of($0) < DisplayWidth.of($1) }!), 80)
    }

    /// The total row is written under a rule, without a bar; the share follows each value.
    /// Labels are 4 cells (合计), values 11 ("4 (100.00%)"): the bars get 40 - 4 - 3 - 11 = 22
    /// cells, and 1 of 3 is 22 / 3 × 8 = 58.67 → 59 eighths = 7 cells + ▍.
    func testTotalRowIsNotABarAndSharesFollowTheValues() {
        let r = result(["甲", "乙"], [.integer(3), .integer(1)], share: [75, 25], total: [.string("合计"), .integer(4), .decimal(100)])
        XCTAssertEqual(Chart.text(r, width: 40).split(separator: "\n").map(String.init), [
            "k     v",
            "────  " + String(repeating: "─", count: 34),
            "甲    " + String(repeating: "█", count: 22) + " 3 (75.00%)",
            "乙    " + String(repeating: "█", count: 7) + "▍ 1 (25.00%)",
            "────  " + String(repeating: "─", count: 34),
            "合计  4 (100.00%)",
        ])
    }

    /// Narrow screens and empty results never fail: labels give way down to 6 cells (at 20:
    /// 6 + 2 + 10 of bar + 1 + 1; the label cut to 一二… and padded), and a result without rows
    /// shows its header and rule (no values: 80 - 1 - 3 cells of bar, and the space after it).
    func testNarrowWidthsAndEmptyResults() {
        let r = result(["一二三四五六七八九十"], [.integer(1)])
        for width in [0, 1, 5, 12, 20] {
            let lines = Chart.text(r, width: width).split(separator: "\n")
            XCTAssertEqual(lines.count, 3)
            XCTAssertTrue(lines[2].contains("█") && lines[2].hasSuffix(" 1"), String(lines[2]))
        }
        XCTAssertEqual(Chart.text(result(["一二三四五六七八九十"], [.integer(1)]), width: 20).split(separator: "\n")[2],
                       "一二…   " + String(repeating: "█", count: 10) + " 1")
        XCTAssertEqual(Chart.text(result([], []), width: 80), "k  v\n─  " + String(repeating: "─", count: 77) + "\n")
    }

    /// Values no bar can show are refused, naming the row; a chart of them never crashes.
    func testNegativeAndInfiniteValuesAreRefused() {
        for bad in [Value.integer(-2), .decimal(-.infinity), .decimal(.infinity), .decimal(.nan)] {
            let r = result(["甲", "乙"], [.integer(3), bad])
            XCTAssertThrowsError(try Chart.check(r)) { e in
                XCTAssertTrue((e as? OperationError)?.message.contains("the bar of `乙`") ?? false, "\(e)")
            }
            XCTAssertTrue(Chart.text(r, width: 80).contains("甲"))
            XCTAssertTrue(Chart.svg(r).contains("</svg>"))
        }
        XCTAssertNoThrow(try Chart.check(result(["甲", "乙"], [.integer(0), .null])))
    }

    // MARK: SVG

    /// Runs Python's xml.etree over an SVG file; returns what it found (the script's JSON).
    func parse(_ svg: URL) throws -> [String: Any] {
        let script = """
            import json, sys, xml.etree.ElementTree as ET
            ns = {"s": "http://www.w3.org/2000/svg"}
            root = ET.parse(sys.argv[1]).getroot()
            print(json.dumps({
                "root": root.tag, "font": root.get("font-family"),
                "title": root.find("s:title", ns).text,
                "bars": [float(r.get("width")) for r in root.findall("s:rect", ns) if r.get("class") == "bar"],
                "texts": [t.text for t in root.findall("s:text", ns)],
            }))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, svg.path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 0, errors)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any], errors)
    }

    /// `export … chart to "x.svg"`: a document xml.etree reads, bars proportional to the values,
    /// labels escaped and back as written (Chinese, markup characters), a control character as
    /// U+FFFD, fonts with a Chinese fallback, the query as the title, the total row without a bar.
    func testExportedSVGParsesAndItsBarsAreProportional() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-chart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "组,v\n越秀区,8\n\"<a & \"\"b\"\">\",2\n海珠区,6\nx\u{01}y,0\n'单',\n".write(to: folder.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.run(SourceFile(name: "q", text: """
            load t from "t.csv"
            export sum(v) t by 组 -- per group
                total "合计" chart to "out/t.svg"
            """), baseDirectory: folder.path)
        XCTAssertEqual(capture.diagnostics, [])
        let svg = try parse(folder.appendingPathComponent("out/t.svg"))
        XCTAssertEqual(svg["root"] as? String, "{http://www.w3.org/2000/svg}svg")
        XCTAssertTrue((svg["font"] as? String)?.contains("'Noto Sans CJK SC'") ?? false)
        XCTAssertEqual(svg["title"] as? String, "sum(v) t by 组 total \"合计\"")
        // Rows in code point order: '单' (null, no bar), <a & "b"> 2, x\u{01}y 0, 海珠区 6, 越秀区 8.
        let bars = try XCTUnwrap(svg["bars"] as? [Double])
        XCTAssertEqual(bars.count, 4)
        XCTAssertEqual(bars[3], 480, accuracy: 0.01)
        for (w, v) in zip(bars, [2.0, 0, 6, 8]) { XCTAssertEqual(w, v / 8 * 480, accuracy: 0.01) }
        let texts = try XCTUnwrap(svg["texts"] as? [String?])
        for expected in ["'单'", "null", "<a & \"b\">", "2", "x\u{FFFD}y", "0", "海珠区", "6", "越秀区", "8", "合计", "16"] {
            XCTAssertTrue(texts.contains(expected), "\(expected) not in \(texts)")
        }

        // To .txt: the text chart at 80 cells. Labels 6 cells, values 1: 8 → 70 cells, 6 → 52.5 = 52 + ▌.
        session.run(SourceFile(name: "q", text: "export sum(v) t where v >= 6 by 组 chart to \"out/t.txt\""), baseDirectory: folder.path)
        XCTAssertEqual(capture.diagnostics, [])
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("out/t.txt"), encoding: .utf8), """
            组      sum(v)
            ──────  \(String(repeating: "─", count: 72))
            海珠区  \(String(repeating: "█", count: 52))▌ 6
            越秀区  \(String(repeating: "█", count: 70)) 8

            """)
    }

    // MARK: The writer and the result files

    /// The writer draws a chart at the display settings' width (the prompt's terminal), 80 cells
    /// without one; `.thousands on` groups the values after the bars; CSV gets the rows.
    /// Values 8, 4, 1 at 21 cells: 16, 8 and 2 cells of bar, as in the first test.
    func testTheWriterDrawsAChartAtTheDisplaysWidth() {
        var r = result(["a", "b", "c"], [.integer(8), .integer(4), .integer(1)])
        r.chart = "v t by k"
        XCTAssertEqual(ResultWriter.write(.table(r), DisplaySettings(width: 21)), Chart.text(r, width: 21))
        XCTAssertEqual(ResultWriter.write(.table(r), DisplaySettings()), Chart.text(r, width: 80))
        XCTAssertEqual(ResultWriter.write(.table(r), DisplaySettings(format: .csv)), "k,v\na,8\nb,4\nc,1\n")
        let big = result(["a"], [.integer(1234567)])
        var charted = big
        charted.chart = "v t by k"
        XCTAssertTrue(ResultWriter.write(.table(charted), DisplaySettings(thousands: true)).contains("█ 1,234,567\n"))
    }

    /// `.once FILE` and `.export FILE` write a chart as export does: .svg or .txt, every bar
    /// (not cut to `.rows N`); to another kind, or a table to .svg, they say what to write instead.
    func testOnceAndExportWriteAChartToSVGOrText() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-chart-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "组,v\n甲,3\n乙,1\n丙,2\n".write(to: folder.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let capture = CapturedOutput()
        let session = Session(output: capture)
        session.run(SourceFile(name: "q", text: """
            load t from "t.csv"
            .rows 1
            .once out/once.svg
            sum(v) t by 组 chart
            .export out/last.txt
            """), baseDirectory: folder.path)
        XCTAssertEqual(capture.diagnostics, [])
        XCTAssertEqual(capture.results, "")
        let svg = try parse(folder.appendingPathComponent("out/once.svg"))
        XCTAssertEqual((svg["bars"] as? [Double])?.count, 3)
        let text = try String(contentsOf: folder.appendingPathComponent("out/last.txt"), encoding: .utf8)
        XCTAssertEqual(text.split(separator: "\n").count, 5, text)
        XCTAssertFalse(text.contains("more row"), text)

        session.run(SourceFile(name: "q", text: ".export out/last.csv"), baseDirectory: folder.path)
        XCTAssertEqual(capture.diagnostics.count, 1)
        XCTAssertTrue(capture.diagnostics[0].contains("a chart is written to an .svg file (a picture) or a .txt file (text), not .csv"), capture.diagnostics[0])
        capture.diagnostics = []
        session.run(SourceFile(name: "q", text: "sum(v) t by 组\n.export out/table.svg"), baseDirectory: folder.path)
        XCTAssertEqual(capture.diagnostics.count, 1)
        XCTAssertTrue(capture.diagnostics[0].contains("an .svg file holds a chart: add chart to the query"), capture.diagnostics[0])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/last.csv").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/table.svg").path))
    }
}
