import Foundation
import XCTest

/// The `tally` binary: a chart in batch mode (80 cells when stdout is not a terminal), and
/// `sort … pinyin` where the zh_CN.UTF-8 locale is missing (LOCPATH pointing elsewhere makes
/// glibc look only there, as on a machine without the locale).
final class ChartAndPinyinTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-chart-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "district,n\n越秀区,3\n海珠区,1\n白云区,2\n".write(to: folder.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Labels 8 cells (district), values 1: the bars get 80 - 8 - 3 - 1 = 68 cells for 3; 2 is
    /// 45.33 cells = 45 + ▍ (362.67 → 363 eighths), 1 is 22.67 = 22 + ▋ (181.33 → 181).
    func testBatchChartIsEightyCellsWideInPinyinOrder() throws {
        let r = try TallyProcess.run([folder.path, "-c", "sum(n) as count d by district sort district pinyin chart"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            district  count
            ────────  \(String(repeating: "─", count: 70))
            白云区    \(String(repeating: "█", count: 45))▍ 2
            海珠区    \(String(repeating: "█", count: 22))▋ 1
            越秀区    \(String(repeating: "█", count: 68)) 3

            """)
    }

    func testPinyinWithoutTheLocaleIsALocatedErrorSayingHowToMakeIt() throws {
        let r = try TallyProcess.run([folder.path, "-c", "list d sort district pinyin"], environment: ["LOCPATH": folder.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("""
            <command>:1:22: error: pinyin order needs the zh_CN.UTF-8 locale, which this system does not have
            1 | list d sort district pinyin
              |                      ^^^^^^
              = make it (as root): localedef -i zh_CN -f UTF-8 zh_CN.UTF-8; on Debian the package `locales` provides localedef
            """), r.stderr)
    }
}
