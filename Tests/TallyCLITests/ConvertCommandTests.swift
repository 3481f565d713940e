import Foundation
import XCTest

/// `tally convert` as a user runs it: a GBK export much larger than the memory the conversion
/// may take, and the options of a load given with --with.
final class ConvertCommandTests: XCTestCase {
    private let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-convert-\(UUID().uuidString)").path

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    /// The most the conversion of the ~200 MB file below may hold resident (its peak RSS, as
    /// /usr/bin/time reports it): up to four 8 MB parts and their columns at a time, half the
    /// file's size (about 60 MB on two cores).
    static let peakBound = 100 << 20

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
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, path]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }

    func testALargeGBKExportConvertsInBoundedMemory() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else { throw XCTSkip("needs /usr/bin/time (Debian: apt-get install time)") }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let input = folder + "/logins.csv", rows = 3_600_000
        try writeGBK(input, rows: rows)
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: input)[.size] as? Int)
        XCTAssertGreaterThan(size, 180 << 20)
        let r = try TallyProcess.run(["convert", input, "--out", folder + "/clean"], launcher: ["/usr/bin/time", "-v"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let kb = try XCTUnwrap(r.stderr.split(separator: "\n").first { $0.contains("Maximum resident set size") }?
            .split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) })
        XCTAssertLessThan(kb << 10, ConvertCommandTests.peakBound, "peak RSS \(kb) kB for a \(size >> 20) MB file")
        XCTAssertTrue(r.stderr.contains("to \(folder)/clean/logins.csv: \(rows) rows × 7 columns"), r.stderr)
        // The clean file's first rows and its length, worked out from the rows written above.
        let clean = try FileHandle(forReadingFrom: URL(fileURLWithPath: folder + "/clean/logins.csv"))
        defer { try? clean.close() }
        let head = String(decoding: clean.readData(ofLength: 400), as: UTF8.self).split(separator: "\n").prefix(3)
        XCTAssertEqual(Array(head), [#""编号","区","人数","通过率","日期","必修","备注""#,
                                     #"1,"海珠区",1001,92.13,2020-10-13,false,"note1""#,
                                     #"2,"越秀区",1002,92.13,2020-10-13,true,"note2""#])
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
