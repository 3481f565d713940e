import Foundation
import XCTest

/// `tally convert` as a user runs it: a GBK export and a workbook much larger than the memory the conversion
/// may take, and the options of a load given with --with.
final class ConvertCommandTests: XCTestCase {
    private let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-convert-\(UUID().uuidString)").path

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    /// The most the conversion of the ~200 MB file below may hold resident (its peak RSS, as
    /// /usr/bin/time reports it): up to four 8 MB parts and their columns at a time, half the
    /// file's size (about 60 MB on two cores).
    static let peakBound = 100 << 20

    private func python(_ script: String, _ argument: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, argument]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }

    /// A run of `tally ARGUMENTS` under /usr/bin/time, with its peak resident set in bytes.
    private func peak(_ arguments: [String]) throws -> (TallyProcess.Result, Int) {
        let r = try TallyProcess.run(arguments, launcher: ["/usr/bin/time", "-v"])
        let kb = try XCTUnwrap(r.stderr.split(separator: "\n").first { $0.contains("Maximum resident set size") }?
            .split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) })
        return (r, kb << 10)
    }

    /// Writes `rows` rows of a GBK export (with python3, quick): `n,区,"1,nnn",92.13%,2020年10月13日,是/否,noteK`
    /// with n = 1…rows, 海珠区/越秀区 and 否/是 for odd/even n, nnn = n mod 1000, K = n mod 97.
    private func writeGBK(_ path: String, rows: Int) throws {
        let script = """
            import sys
            with open(sys.argv[1], 'wb') as f:
                f.write('编号,区,人数,通过率,日期,必修,备注\\n'.encode('gbk'))
                for start in range(1, \(rows) + 1, 100000):
                    f.write(''.join('%d,%s,"1,%03d",92.13%%,2020年10月13日,%s,note%d\\n'
                                    % (n, '海珠区' if n % 2 else '越秀区', n % 1000, '否' if n % 2 else '是', n % 97)
                                    for n in range(start, min(start + 100000, \(rows) + 1))).encode('gbk'))
            """
        try python(script, path)
    }

    func testALargeGBKExportConvertsInBoundedMemory() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else { throw XCTSkip("needs /usr/bin/time (Debian: apt-get install time)") }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let input = folder + "/logins.csv", rows = 3_600_000
        try writeGBK(input, rows: rows)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: input)[.size] as? Int)
        XCTAssertGreaterThan(size, 180 << 20)
        let (r, bytes) = try peak(["convert", input, "--out", folder + "/clean"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertLessThan(bytes, ConvertCommandTests.peakBound, "peak RSS \(bytes >> 10) kB for a \(size >> 20) MB file")
        XCTAssertTrue(r.stderr.contains("to \(folder)/clean/logins.csv: \(rows) rows × 7 columns"), r.stderr)
        // The clean file's first rows and its length, worked out from the rows written above.
        let clean = try FileHandle(forReadingFrom: URL(fileURLWithPath: folder + "/clean/logins.csv"))
        defer { try? clean.close() }
        let head = String(decoding: clean.readData(ofLength: 400), as: UTF8.self).split(separator: "\n").prefix(3)
        XCTAssertEqual(Array(head), [#""编号","区","人数","通过率","日期","必修","备注""#,
                                     #"1,"海珠区",1001,92.13,2020-10-13,false,"note1""#,
                                     #"2,"越秀区",1002,92.13,2020-10-13,true,"note2""#])
    }

    /// Writes a workbook of `rows` rows (with python3's zipfile): `n, 区, 人数, 通过率, 日期, 备注`
    /// with 区 a shared string (海珠区/越秀区 for odd/even n), 人数 = n mod 1000, 通过率 0.9213 in
    /// a `0.00%` style, 日期 serial 44117 (2020-10-13) in a date style, 备注 `noteK` inline (K = n mod 97).
    private func writeWorkbook(_ path: String, rows: Int) throws {
        let script = """
            import sys, zipfile
            rows = \(rows)
            head = '<row r="1">' + ''.join('<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (c, t) for c, t in
                zip('ABCDEF', ['编号', '区', '人数', '通过率', '日期', '备注'])) + '</row>'
            def row(n):
                r = n + 1
                return ('<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="s"><v>%d</v></c><c r="C%d"><v>%d</v></c>'
                        '<c r="D%d" s="1"><v>0.9213</v></c><c r="E%d" s="2"><v>44117</v></c>'
                        '<c r="F%d" t="inlineStr"><is><t>note%d</t></is></c></row>') % (r, r, n, r, n % 2, r, n % 1000, r, r, r, n % 97)
            ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
                z.writestr('xl/workbook.xml', '<workbook %s xmlns:r="%s"><sheets><sheet name="登录" sheetId="1" r:id="rId1"/></sheets></workbook>' % (ns, rel))
                z.writestr('xl/_rels/workbook.xml.rels', '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                           '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' % rel)
                z.writestr('xl/styles.xml', '<styleSheet %s><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="10"/><xf numFmtId="14"/></cellXfs></styleSheet>' % ns)
                z.writestr('xl/sharedStrings.xml', '<sst %s count="2" uniqueCount="2"><si><t>越秀区</t></si><si><t>海珠区</t></si></sst>' % ns)
                with z.open('xl/worksheets/sheet1.xml', 'w', force_zip64=True) as f:
                    f.write(('<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>' % ns + head).encode())
                    for start in range(1, rows + 1, 50000):
                        f.write(''.join(row(n) for n in range(start, min(start + 50000, rows + 1))).encode())
                    f.write(b'</sheetData></worksheet>')
            """
        try python(script, path)
    }

    /// A workbook whose sheet is about 47 MB of XML converts holding a batch of rows and a
    /// window of the XML at a time: what it adds to the memory of a Tally that loads nothing is
    /// less than half the sheet's XML, which a read of the whole part would hold (and a load of
    /// the sheet holds all its cells).
    func testALargeWorkbookConvertsInBoundedMemory() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else { throw XCTSkip("needs /usr/bin/time (Debian: apt-get install time)") }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let input = folder + "/logins.xlsx", rows = 200_000
        try writeWorkbook(input, rows: rows)
        let (_, idle) = try peak(["-c", "print 1"])
        let (r, converting) = try peak(["convert", input, "--out", folder + "/clean"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let xml = rows * 245   // about 245 bytes of XML a row
        XCTAssertLessThan(converting - idle, xml / 2,
                          "peak RSS \(converting >> 10) kB, \(idle >> 10) kB without data, for a sheet of about \(xml >> 20) MB of XML")
        XCTAssertTrue(r.stderr.contains("to \(folder)/clean/logins.csv: \(rows) rows × 6 columns"), r.stderr)
        let text = try String(contentsOfFile: folder + "/clean/logins.csv", encoding: .utf8)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, rows + 1)
        XCTAssertEqual(Array(lines.prefix(3)), [#""编号","区","人数","通过率","日期","备注""#,
                                                #"1,"海珠区",1,92.13,2020-10-13,"note1""#,
                                                #"2,"越秀区",2,92.13,2020-10-13,"note2""#])
        XCTAssertEqual(lines.last, #"200000,"越秀区",0,92.13,2020-10-13,"note83""#)   // 200000 mod 97 = 83
    }

    func testLoadOptionsAreGivenWithWith() throws {
        let fixtures = TallyProcess.repository.appendingPathComponent("Tests/TallyCoreTests/Fixtures/messy").path
        let r = try TallyProcess.run(["convert", fixtures + "/totals.csv", "--out", folder, "--with", "skip_totals true"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // totals.csv by hand: 越秀区 10, 海珠区 20, 天河区 5; the 小计 and 合  计： rows left out.
        let text = try String(contentsOfFile: folder + "/totals.csv", encoding: .utf8)
        XCTAssertEqual(text, "\"区\",\"人数\"\n\"越秀区\",10\n\"海珠区\",20\n\"天河区\",5\n")
        XCTAssertTrue(r.stderr.contains("2 summary rows left out"), r.stderr)
        let bad = try TallyProcess.run(["convert", fixtures + "/totals.csv", "--out", folder, "--with", "skip_totalz true"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("unknown load option `skip_totalz`"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("did you mean `skip_totals`?"), bad.stderr)
    }
}
