import Foundation
@testable import TallyCLI
import XCTest

/// `tally demo` carries its report inside the binary, so it runs from any folder.
final class DemoTests: XCTestCase {
    func testTheBuiltInReportIsExamplesPeriodReportByteForByte() throws {
        let file = try Data(contentsOf: TallyProcess.repository.appendingPathComponent("Examples/period-report.tally"))
        XCTAssertEqual(Array(DemoScript.text.utf8), Array(file),
                       "Examples/period-report.tally changed: run python3 Scripts/gen-demo-script.py (make demo-script)")
    }

    func testDemoRunsOutsideTheRepository() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tally-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = folder.appendingPathComponent("cache")
        let demo = try TallyProcess.run(["demo", "--scale", "0.01"], directory: folder, environment: ["XDG_CACHE_HOME": cache.path])
        XCTAssertEqual(demo.status, 0, demo.stderr)
        XCTAssertFalse(demo.stderr.contains("cannot find"), demo.stderr)
        XCTAssertTrue(demo.stdout.contains("2002 期中小学教师继续教育全员培训工作总结"), demo.stdout)
        XCTAssertTrue(demo.stdout.contains("表 1 2002 期学员参与的全员培训课程通过率情况统计"), demo.stdout)
        XCTAssertFalse(demo.stderr.contains("error:"), "every check of the report holds: \(demo.stderr)")
        // The same report as `tally run` of the example on the exports the demo generated.
        let data = cache.appendingPathComponent("tally/sample-2002-scale-0.01")
        XCTAssertTrue(FileManager.default.fileExists(atPath: data.appendingPathComponent("teachers.csv").path))
        let report = TallyProcess.repository.appendingPathComponent("Examples/period-report.tally").path
        let run = try TallyProcess.run(["run", report, "--set", "data=\(data.path)"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(demo.stdout, run.stdout)
        // A second run reuses the exports.
        let again = try TallyProcess.run(["demo", "--scale", "0.01"], directory: folder, environment: ["XDG_CACHE_HOME": cache.path])
        XCTAssertFalse(again.stderr.contains("generating"), again.stderr)
        XCTAssertEqual(again.stdout, demo.stdout)
    }
}
