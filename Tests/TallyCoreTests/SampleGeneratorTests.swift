import Foundation
import XCTest
@testable import TallySample

/// The sample-data generator: determinism, headers, and every consistency rule of
/// shared/exports.md, checked on small generated data (scale 0.01) with a plain CSV parser.
final class SampleGeneratorTests: XCTestCase {
    private var scratch: [URL] = []

    override func tearDown() {
        for url in scratch { try? FileManager.default.removeItem(at: url) }
        scratch = []
        super.tearDown()
    }

    private func tempDir(_ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tally-sample-\(label)-\(UUID().uuidString)")
        scratch.append(url)
        return url
    }

    private func generate(scale: Double = 0.01, seed: UInt64 = 2002, label: String = "s") throws -> (URL, SampleSummary) {
        let dir = tempDir(label)
        let summary = try SampleGenerator.generate(into: dir, options: SampleOptions(scale: scale, seed: seed))
        return (dir, summary)
    }

    static let files = ["teachers.csv", "courses.csv", "enrollments.csv", "logins.csv", "posts.csv",
                        "assignments.csv", "tutors.csv", "tutor_ratings.csv"]

    // MARK: A small RFC 4180 reader, independent of the engine's.

    struct Table {
        var header: [String]
        var rows: [[String]]

        func column(_ name: String) -> Int {
            guard let i = header.firstIndex(of: name) else { fatalError("no column \(name)") }
            return i
        }
    }

    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field: [Character] = []
        var inQuotes = false
        var chars = Array(text)
        chars.append("\n")
        var i = 0
        var fieldStarted = false
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { inQuotes = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                inQuotes = true
                fieldStarted = true
            } else if c == "," {
                row.append(String(field)); field = []; fieldStarted = true
            } else if c == "\n" {
                if fieldStarted || !field.isEmpty || !row.isEmpty {
                    row.append(String(field))
                    rows.append(row)
                }
                row = []; field = []; fieldStarted = false
            } else {
                field.append(c)
                fieldStarted = true
            }
            i += 1
        }
        return rows
    }

    static func load(_ dir: URL, _ name: String) throws -> Table {
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        guard let text = String(data: data, encoding: .utf8) else { throw SampleError("\(name) is not UTF-8") }
        XCTAssertFalse(text.contains("\r"), "\(name) must use LF line ends")
        XCTAssertTrue(text.hasSuffix("\n"), "\(name) must end with a line break")
        XCTAssertFalse(text.hasPrefix("\u{FEFF}"), "\(name) must have no byte-order mark")
        var rows = parseCSV(text)
        let header = rows.removeFirst()
        for (k, r) in rows.enumerated() {
            XCTAssertEqual(r.count, header.count, "\(name) row \(k + 1) has \(r.count) fields")
        }
        return Table(header: header, rows: rows)
    }

    // MARK: Tests

    func testHeadersAreExactlyAsDocumented() throws {
        let (dir, _) = try generate()
        let expected: [String: String] = [
            "teachers.csv": "teacher_id,name,gender,district,school,stage,subject,title,in_service",
            "courses.csv": "course_id,title,project,provider,hours,tutors,enrolled,participated,passed",
            "enrollments.csv": "enrollment_id,period,teacher_id,course_id,project,enrolled_at,paid,participated,hours_earned,passed",
            "logins.csv": "teacher_id,login_at,client",
            "posts.csv": "post_id,teacher_id,course_id,posted_at,chars",
            "assignments.csv": "assignment_id,teacher_id,course_id,submitted_at,score",
            "tutors.csv": "tutor_id,name,course_id",
            "tutor_ratings.csv": "teacher_id,course_id,tutor_id,rating",
        ]
        for name in Self.files {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            let first = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)[0]
            XCTAssertEqual(String(first), expected[name], name)
        }
        let startup = try String(contentsOf: dir.appendingPathComponent("startup.tally"), encoding: .utf8)
        XCTAssertEqual(startup, """
            -- Measures of the period report, defined once and used on any table that has these columns.
            -- `sum` of a 是/否 column counts its 是; on courses the same columns are integer counters.
            measure passrate = sum(passed) / sum(participated) * 100
            measure participation = sum(participated) / count * 100

            """)
    }

    func testSameSeedGivesIdenticalFilesAndOtherSeedDiffers() throws {
        let (a, summaryA) = try generate(label: "a")
        let (b, summaryB) = try generate(label: "b")
        let (c, _) = try generate(seed: 7, label: "c")
        for name in Self.files + ["startup.tally"] {
            let da = try Data(contentsOf: a.appendingPathComponent(name))
            let db = try Data(contentsOf: b.appendingPathComponent(name))
            XCTAssertEqual(da, db, "\(name) differs between two runs with the same seed")
        }
        XCTAssertEqual(summaryA.files.map { $0.name }, summaryB.files.map { $0.name })
        XCTAssertEqual(summaryA.files.map { $0.bytes }, summaryB.files.map { $0.bytes })
        for name in ["teachers.csv", "enrollments.csv", "logins.csv", "courses.csv"] {
            let da = try Data(contentsOf: a.appendingPathComponent(name))
            let dc = try Data(contentsOf: c.appendingPathComponent(name))
            XCTAssertNotEqual(da, dc, "\(name) is the same with another seed")
        }
    }

    func testSummaryMatchesFiles() throws {
        let (dir, summary) = try generate()
        XCTAssertEqual(summary.files.map { $0.name }, Self.files + ["startup.tally"])
        for f in summary.files where f.name.hasSuffix(".csv") {
            let data = try Data(contentsOf: dir.appendingPathComponent(f.name))
            XCTAssertEqual(data.count, f.bytes, f.name)
            let lines = data.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            XCTAssertEqual(lines - 1, f.rows, f.name)
            XCTAssertGreaterThan(f.rows, 0, f.name)
        }
    }

    func testConsistencyRulesHoldAtSmallScale() throws {
        for scale in [0.01, 0.002] {
            let (dir, _) = try generate(scale: scale, label: "c\(scale)")
            try checkConsistency(dir)
        }
    }

    private func checkConsistency(_ dir: URL) throws {
        let teachers = try Self.load(dir, "teachers.csv")
        let courses = try Self.load(dir, "courses.csv")
        let enrollments = try Self.load(dir, "enrollments.csv")
        let logins = try Self.load(dir, "logins.csv")
        let posts = try Self.load(dir, "posts.csv")
        let assignments = try Self.load(dir, "assignments.csv")
        let tutors = try Self.load(dir, "tutors.csv")
        let ratings = try Self.load(dir, "tutor_ratings.csv")

        func values(_ t: Table, _ col: String, in allowed: Set<String>, _ label: String) {
            let i = t.column(col)
            for r in t.rows where !allowed.contains(r[i]) { XCTFail("\(label).\(col): unexpected \(r[i])"); return }
        }
        let yesNo: Set<String> = ["是", "否"]
        let projects: Set<String> = ["市常规远程培训", "提升工程2.0", "市级面授"]

        // Teachers
        let tid = teachers.column("teacher_id")
        var teacherIds = Set<String>()
        for r in teachers.rows {
            let id = r[tid]
            XCTAssertTrue(id.count == 9 && id.hasPrefix("GZ") && id.dropFirst(2).allSatisfy { $0.isASCII && $0.isNumber },
                          "teacher_id \(id)")
            XCTAssertTrue(teacherIds.insert(id).inserted, "duplicate teacher_id \(id)")
            XCTAssertFalse(r[teachers.column("name")].isEmpty)
            XCTAssertFalse(r[teachers.column("school")].isEmpty)
        }
        values(teachers, "gender", in: ["男", "女"], "teachers")
        values(teachers, "district", in: ["越秀区", "海珠区", "荔湾区", "天河区", "白云区", "黄埔区", "番禺区", "花都区",
                                          "南沙区", "从化区", "增城区", "市直属"], "teachers")
        values(teachers, "stage", in: ["幼儿园", "小学", "初中", "高中", "中职", "特殊教育"], "teachers")
        values(teachers, "title", in: ["正高级", "高级", "一级", "二级", "三级", "未定级"], "teachers")
        values(teachers, "in_service", in: yesNo, "teachers")
        let women = teachers.rows.filter { $0[teachers.column("gender")] == "女" }.count
        if teachers.rows.count >= 1000 {
            XCTAssertGreaterThan(Double(women) / Double(teachers.rows.count), 0.6)
            XCTAssertLessThan(Double(women) / Double(teachers.rows.count), 0.8)
        }

        // Courses
        let cid = courses.column("course_id")
        var courseIndex: [String: Int] = [:]
        for (k, r) in courses.rows.enumerated() {
            XCTAssertNil(courseIndex[r[cid]], "duplicate course_id \(r[cid])")
            courseIndex[r[cid]] = k
            for col in ["hours", "tutors", "enrolled", "participated", "passed"] {
                XCTAssertNotNil(Int(r[courses.column(col)]), "courses.\(col) \(r[courses.column(col)]) is not an integer")
            }
        }
        values(courses, "project", in: projects, "courses")
        XCTAssertTrue(courses.rows.contains { $0[courses.column("title")].contains(",") || $0[courses.column("title")].contains("\"") },
                      "some course title should hold a comma or quote")

        // Enrollments against courses and teachers
        var enrolled = [Int](repeating: 0, count: courses.rows.count)
        var participated = enrolled, passed = enrolled
        var pairs = Set<String>()
        var participants = Set<String>()  // teacher|course with participated = 是
        var enrolledPairs = Set<String>()
        let e = (id: enrollments.column("enrollment_id"), period: enrollments.column("period"),
                 teacher: enrollments.column("teacher_id"), course: enrollments.column("course_id"),
                 project: enrollments.column("project"), at: enrollments.column("enrolled_at"),
                 paid: enrollments.column("paid"), part: enrollments.column("participated"),
                 hours: enrollments.column("hours_earned"), passed: enrollments.column("passed"))
        var enrollmentIds = Set<String>()
        for r in enrollments.rows {
            XCTAssertTrue(enrollmentIds.insert(r[e.id]).inserted, "duplicate enrollment_id")
            XCTAssertEqual(r[e.period], "2002")
            XCTAssertTrue(teacherIds.contains(r[e.teacher]), "enrollment of unknown teacher \(r[e.teacher])")
            guard let c = courseIndex[r[e.course]] else { XCTFail("enrollment of unknown course \(r[e.course])"); continue }
            XCTAssertEqual(r[e.project], courses.rows[c][courses.column("project")], "enrollment project differs from its course's")
            checkTime(r[e.at], "enrolled_at")
            for i in [e.paid, e.part, e.passed] { XCTAssertTrue(yesNo.contains(r[i])) }
            if r[e.passed] == "是" { XCTAssertEqual(r[e.part], "是", "passed ⇒ participated") }
            if r[e.part] == "是" { XCTAssertEqual(r[e.paid], "是", "participated ⇒ paid") }
            let hours = Double(r[e.hours])
            XCTAssertNotNil(hours, "hours_earned \(r[e.hours])")
            if r[e.passed] == "是" {
                XCTAssertEqual(hours, Double(courses.rows[c][courses.column("hours")]), "hours_earned of a pass = course hours")
            } else {
                XCTAssertEqual(r[e.hours], "0")
            }
            let key = r[e.teacher] + "|" + r[e.course]
            XCTAssertTrue(pairs.insert(key).inserted, "teacher \(r[e.teacher]) enrolled twice in \(r[e.course])")
            enrolledPairs.insert(key)
            enrolled[c] += 1
            if r[e.part] == "是" { participated[c] += 1; participants.insert(key) }
            if r[e.passed] == "是" { passed[c] += 1 }
        }
        for (k, r) in courses.rows.enumerated() {
            XCTAssertEqual(Int(r[courses.column("enrolled")]), enrolled[k], "enrolled of \(r[cid])")
            XCTAssertEqual(Int(r[courses.column("participated")]), participated[k], "participated of \(r[cid])")
            XCTAssertEqual(Int(r[courses.column("passed")]), passed[k], "passed of \(r[cid])")
            if r[courses.column("project")] == "市常规远程培训" && enrolled[k] > 0 {
                XCTAssertGreaterThan(participated[k], 0, "remote course with enrollments but no participant")
            }
        }

        // Tutors
        var tutorCount = [Int](repeating: 0, count: courses.rows.count)
        var tutorPairs = Set<String>()
        var tutorNames: [String: String] = [:]
        for r in tutors.rows {
            guard let c = courseIndex[r[tutors.column("course_id")]] else { XCTFail("tutor of unknown course"); continue }
            tutorCount[c] += 1
            XCTAssertEqual(courses.rows[c][courses.column("project")], "市常规远程培训")
            XCTAssertGreaterThan(enrolled[c], 0)
            let id = r[tutors.column("tutor_id")]
            XCTAssertTrue(tutorPairs.insert(id + "|" + r[tutors.column("course_id")]).inserted, "tutor twice on a course")
            if let name = tutorNames[id] { XCTAssertEqual(name, r[tutors.column("name")]) }
            tutorNames[id] = r[tutors.column("name")]
        }
        for (k, r) in courses.rows.enumerated() {
            XCTAssertEqual(Int(r[courses.column("tutors")]), tutorCount[k], "tutors of \(r[cid])")
        }

        // Ratings
        values(ratings, "rating", in: ["很满意", "满意", "一般", "不满意", "很不满意", "未参与评价"], "tutor_ratings")
        for r in ratings.rows {
            let t = r[ratings.column("teacher_id")], c = r[ratings.column("course_id")], u = r[ratings.column("tutor_id")]
            XCTAssertTrue(teacherIds.contains(t))
            XCTAssertNotNil(courseIndex[c])
            XCTAssertTrue(enrolledPairs.contains(t + "|" + c), "rating by a teacher not enrolled in the course")
            XCTAssertTrue(tutorPairs.contains(u + "|" + c), "rating of a tutor not assigned to the course")
        }

        // Logins, posts, assignments
        values(logins, "client", in: ["PC", "App", "微信"], "logins")
        var previous = ""
        for r in logins.rows {
            XCTAssertTrue(teacherIds.contains(r[0]), "login of unknown teacher")
            checkTime(r[1], "login_at")
            XCTAssertGreaterThanOrEqual(r[1], previous, "logins are in time order")
            previous = r[1]
        }
        var postIds = Set<String>()
        for r in posts.rows {
            XCTAssertTrue(postIds.insert(r[posts.column("post_id")]).inserted)
            let key = r[posts.column("teacher_id")] + "|" + r[posts.column("course_id")]
            XCTAssertTrue(participants.contains(key), "post by a teacher who did not participate in the course")
            checkTime(r[posts.column("posted_at")], "posted_at")
            XCTAssertGreaterThan(Int(r[posts.column("chars")]) ?? 0, 0)
        }
        var assignmentIds = Set<String>()
        for r in assignments.rows {
            XCTAssertTrue(assignmentIds.insert(r[assignments.column("assignment_id")]).inserted)
            let key = r[assignments.column("teacher_id")] + "|" + r[assignments.column("course_id")]
            XCTAssertTrue(participants.contains(key), "assignment by a teacher who did not participate in the course")
            checkTime(r[assignments.column("submitted_at")], "submitted_at")
            let score = Int(r[assignments.column("score")])
            XCTAssertNotNil(score)
            XCTAssertTrue((0...100).contains(score ?? -1), "score \(r[assignments.column("score")])")
        }
    }

    private func checkTime(_ s: String, _ label: String) {
        let b = Array(s.utf8)
        let shape = b.count == 19 && b[4] == 0x2D && b[7] == 0x2D && b[10] == 0x20 && b[13] == 0x3A && b[16] == 0x3A
        XCTAssertTrue(shape, "\(label) \(s) is not YYYY-MM-DD HH:MM:SS")
        XCTAssertTrue(s >= "2020-10-13 00:00:00" && s <= "2020-12-13 23:59:59", "\(label) \(s) outside the period")
    }

    /// The report's figures, checked on the plan at scale 1 (cheap: no rows are written).
    func testPlanReproducesReportFiguresAtScaleOne() {
        let plan = SamplePlan.make(scale: 1, seed: 2002)
        let remote = plan.courses.filter { $0.project == .remote }
        let upgrade = plan.courses.filter { $0.project == .upgrade }
        let face = plan.courses.filter { $0.project == .face }
        XCTAssertEqual(remote.count, 1705)
        XCTAssertEqual(remote.reduce(0) { $0 + $1.enrolled }, 225_319)
        XCTAssertEqual(remote.reduce(0) { $0 + $1.participated }, 207_591)
        let remotePassed = remote.reduce(0) { $0 + $1.passed }
        XCTAssertEqual((Double(remotePassed) / 207_591 * 10000).rounded() / 100, 96.52)
        XCTAssertEqual(upgrade.reduce(0) { $0 + $1.enrolled }, 29_536)
        XCTAssertEqual(upgrade.reduce(0) { $0 + $1.participated }, 27_808)
        XCTAssertEqual(upgrade.reduce(0) { $0 + $1.passed }, 27_808)
        XCTAssertTrue((30...60).contains(upgrade.count))
        XCTAssertEqual(face.reduce(0) { $0 + $1.enrolled }, 199)
        XCTAssertTrue((5...15).contains(face.count))
        XCTAssertEqual(remote.filter { $0.enrolled == 0 }.count, 153)
        var bands = [0, 0, 0, 0, 0]
        var exact = [90: 0, 80: 0, 70: 0, 60: 0]
        for c in remote where c.enrolled > 0 {
            XCTAssertGreaterThan(c.participated, 0)
            XCTAssertLessThanOrEqual(c.participated, c.enrolled)
            XCTAssertLessThanOrEqual(c.passed, c.participated)
            let rate = Double(c.passed) / Double(c.participated) * 100
            let band = rate >= 90 ? 0 : rate >= 80 ? 1 : rate >= 70 ? 2 : rate >= 60 ? 3 : 4
            bands[band] += 1
            XCTAssertEqual(band, c.band)
            if c.passed * 100 % c.participated == 0, let t = [90, 80, 70, 60].first(where: { c.passed * 100 == $0 * c.participated }) {
                exact[t, default: 0] += 1
            }
        }
        XCTAssertEqual(bands, [861, 428, 109, 38, 116])
        for (t, n) in exact { XCTAssertGreaterThanOrEqual(n, 2, "courses at exactly \(t) %") }
        let counts = plan.counts
        XCTAssertEqual(counts.teachersInService, 166_423)
        XCTAssertEqual(counts.teachersInService - counts.inServiceWithoutPaid, 165_161)
        XCTAssertEqual(counts.tutorCourses, 180)
        XCTAssertEqual(counts.tutors, 192)
        XCTAssertEqual(counts.ratings, [5363, 3513, 1085, 10, 12, 21])
        XCTAssertEqual(counts.posts, 42_245)
        XCTAssertEqual(counts.assignments, 65_803)
        XCTAssertTrue((1_578_500...1_579_499).contains(counts.logins))
    }

    func testBadOptionsAndFoldersThrowReadableErrors() throws {
        for scale in [0, -1, 100.5, .nan, .infinity] {
            XCTAssertThrowsError(try SampleGenerator.generate(into: tempDir("bad"), options: SampleOptions(scale: scale))) { error in
                XCTAssertTrue(error is SampleError)
                XCTAssertTrue("\(error)".contains("scale"), "\(error)")
            }
        }
        // A folder that cannot be created: its parent is a regular file.
        let file = tempDir("file")
        try Data("x".utf8).write(to: file)
        XCTAssertThrowsError(try SampleGenerator.generate(into: file.appendingPathComponent("sub"),
                                                          options: SampleOptions(scale: 0.01))) { error in
            XCTAssertTrue(error is SampleError)
            XCTAssertFalse("\(error)".isEmpty)
        }
        // The target itself is a file.
        XCTAssertThrowsError(try SampleGenerator.generate(into: file, options: SampleOptions(scale: 0.01))) { error in
            XCTAssertTrue(error is SampleError)
        }
    }

    func testTinyScaleDoesNotCrash() throws {
        let (dir, summary) = try generate(scale: 0.0001, label: "tiny")
        XCTAssertEqual(summary.files.count, 9)
        try checkConsistency(dir)
    }
}
