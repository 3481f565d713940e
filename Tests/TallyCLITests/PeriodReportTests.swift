import Foundation
import XCTest

/// The period report on the scale-1 sample exports: every figure F1–F15 of exports.md.
/// The expected numbers are typed from the table in exports.md, not taken from Tally's output.
final class PeriodReportTests: XCTestCase {
    static var sample: URL { TallyProcess.sample }

    static var report: String { TallyProcess.repository.appendingPathComponent("Examples/period-report.tally").path }

    func testEveryFigureOfTheReport() throws {
        let r = try TallyProcess.run(["run", Self.report, "--set", "data=\(Self.sample.path)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = r.stdout
        let expected = [
            "培训人次 225319 人次",                      // F1
            "培训人次为 29536 人次",                     // F2
            "总培训人次为 254855 人次",                  // F3
            "实际参训人次 235399，总体参训率 92.37%",     // F4
            "实际参训人次 207591，总体参训率 92.13%",     // F5
            "实际参训人次 27808 人，总体参训率 94.15%",   // F6
            "有效在职人数为 166423 人",                  // F7
            "实际参训人数（选课并已支付）为 165161 人，参训率 99.24%",
            "登录学习平台 157.9 万次",                   // F8
            "讨论贴 42245 个", "作业 65803 篇",
            "面授课程培训人次为 199 人次",               // F9
            "254855+199=255054 人次",
            "学员通过率（获得学时率）为 96.52%",         // F11
            "选课人数为 0 的课程有 153 门",              // F12
            "共有 180 门课程配置有辅导教师，辅导教师总人数为 192 人",  // F13
            "通过培训人次 27808，通过率 94.15%",          // F15
        ]
        for e in expected { XCTAssertTrue(out.contains(e), "missing: \(e)\n\(out)") }
        // F12, Table 1: bands, lower bound inclusive.
        for (band, n) in [("≥90", 861), ("80–90", 428), ("70–80", 109), ("60–70", 38), ("<60", 116)] {
            XCTAssertNotNil(out.range(of: "\n\(band) +\(n) ", options: .regularExpression), "Table 1 \(band) \(n)")
        }
        // F14, Table 2: shares of 10004 answers.
        for (rating, n, share) in [("很满意", 5363, "53.61"), ("满意", 3513, "35.12"), ("一般", 1085, "10.85"),
                                   ("不满意", 10, "0.10"), ("很不满意", 12, "0.12"), ("未参与评价", 21, "0.21")] {
            XCTAssertNotNil(out.range(of: "\n\(rating) +\(n) +\(share)\n", options: .regularExpression), "Table 2 \(rating)")
        }
        // F10: the report says 1703 remote courses, its own bands add up to 1705. Reported, not fatal.
        XCTAssertTrue(r.stderr.contains("warning: check failed: F10 = 1703"), r.stderr)
        XCTAssertTrue(r.stderr.contains("F10 is 1705"), r.stderr)
        XCTAssertTrue(out.contains("开设市级远程课程 1705 门"))
    }

    func testWholeReportMatchesGoldenFile() throws {
        let r = try TallyProcess.run(["run", Self.report, "--set", "data=\(Self.sample.path)"])
        let golden = TallyProcess.repository.appendingPathComponent("Tests/TallyCLITests/Golden/period-report.txt")
        if ProcessInfo.processInfo.environment["TALLY_RECORD"] != nil {
            try r.stdout.write(to: golden, atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(r.stdout, try String(contentsOf: golden, encoding: .utf8))
    }

    func testMarkdownReport() throws {
        let r = try TallyProcess.run(["run", Self.report, "--set", "data=\(Self.sample.path)", "--format", "markdown"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.hasPrefix("# 2002 期中小学教师继续教育全员培训工作总结\n\n## 一、2002 期全员培训概况\n\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("| 通过率 | 课程数 | 占比 |\n| --- | ---: | ---: |\n| ≥90 | 861 | 55.48 |"), r.stdout)
        XCTAssertTrue(r.stdout.contains("| **合计** | **10004** | **100.00** |"), r.stdout)
    }

    func testAFailedErrorCheckFailsTheBatchRunAfterReportingEveryCheck() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("checks-\(UUID().uuidString).tally")
        try """
        load "\(Self.sample.path)"
        check (count courses where project = "市常规远程培训") = 1703
        check (count tutors) > 0
        warn (count logins) < 1000
        check (count distinct tutor_id tutors) = 190
        print "done"

        """.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let r = try TallyProcess.run(["run", script.path])
        XCTAssertEqual(r.status, 3)
        XCTAssertEqual(r.stdout, "done\n")
        XCTAssertTrue(r.stderr.contains("error: check failed: (count courses where project = \"市常规远程培训\") = 1703"), r.stderr)
        XCTAssertTrue(r.stderr.contains("= (count courses where project = \"市常规远程培训\") is 1705"), r.stderr)
        XCTAssertTrue(r.stderr.contains("warning: check failed: (count logins) < 1000"), r.stderr)
        XCTAssertTrue(r.stderr.contains("= (count distinct tutor_id tutors) is 192"), r.stderr)
    }

    func testTheUsersExampleAtTheSampleFolder() throws {
        let piped = try TallyProcess.run([Self.sample.path], stdin: "passrate courses where enrolled>0 bucket 90,80,70,60\n")
        XCTAssertEqual(piped.status, 0, piped.stderr)
        // All courses with enrollments: the remote ones' bands plus the other projects' courses.
        XCTAssertTrue(piped.stdout.hasPrefix("passrate  count  share\n"), piped.stdout)
        let command = try TallyProcess.run([Self.sample.path, "-c", "passrate courses where enrolled>0 bucket 90,80,70,60"])
        XCTAssertEqual(piped.stdout, command.stdout)
    }
}
