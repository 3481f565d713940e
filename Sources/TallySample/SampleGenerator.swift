import Foundation

// The deterministic sample-data generator: the eight exports of one training period
// (shared/exports.md) plus `startup.tally`. Same options → byte-identical files, on any machine.

public struct SampleOptions: Sendable {
    /// Multiplies every row count; the report's figures hold exactly at 1 (with seed 2002).
    public var scale: Double
    public var seed: UInt64

    public init(scale: Double = 1, seed: UInt64 = 2002) {
        self.scale = scale
        self.seed = seed
    }
}

public struct SampleSummary: Sendable {
    /// The files written, in the order they were written. For `startup.tally`, `rows` counts its lines.
    public var files: [(name: String, rows: Int, bytes: Int)]

    public init(files: [(name: String, rows: Int, bytes: Int)]) {
        self.files = files
    }
}

public struct SampleError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension SampleError: LocalizedError {
    public var errorDescription: String? { message }
}

public enum SampleGenerator {
    /// The exports' header rows, file by file.
    public static let headers: [(file: String, columns: [String])] = [
        ("teachers.csv", ["teacher_id", "name", "gender", "district", "school", "stage", "subject", "title", "in_service"]),
        ("courses.csv", ["course_id", "title", "project", "provider", "hours", "tutors", "enrolled", "participated", "passed"]),
        ("enrollments.csv", ["enrollment_id", "period", "teacher_id", "course_id", "project", "enrolled_at", "paid",
                             "participated", "hours_earned", "passed"]),
        ("logins.csv", ["teacher_id", "login_at", "client"]),
        ("posts.csv", ["post_id", "teacher_id", "course_id", "posted_at", "chars"]),
        ("assignments.csv", ["assignment_id", "teacher_id", "course_id", "submitted_at", "score"]),
        ("tutors.csv", ["tutor_id", "name", "course_id"]),
        ("tutor_ratings.csv", ["teacher_id", "course_id", "tutor_id", "rating"]),
    ]

    /// Written next to the exports as `startup.tally`.
    public static let startupScript = """
        -- Measures of the period report, defined once and used on any table that has these columns.
        -- `sum` of a 是/否 column counts its 是; on courses the same columns are integer counters.
        measure passrate = sum(passed) / sum(participated) * 100
        measure participation = sum(participated) / count * 100

        """

    /// Writes the eight exports (UTF-8, LF, header row) and `startup.tally` into `directory` (created if missing).
    public static func generate(into directory: URL, options: SampleOptions,
                                progress: (@Sendable (String) -> Void)? = nil) throws -> SampleSummary {
        guard options.scale.isFinite, options.scale > 0, options.scale <= 100 else {
            throw SampleError("scale must be a number greater than 0 and at most 100 (got \(options.scale))")
        }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw SampleError("\(directory.path) exists and is not a folder")
            }
        } else {
            do {
                try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw SampleError("cannot create folder \(directory.path): \(error.localizedDescription)")
            }
        }
        guard fm.isWritableFile(atPath: directory.path) else {
            throw SampleError("folder \(directory.path) is not writable")
        }
        let build = SampleBuild(options: options, directory: directory, progress: progress)
        return try build.run()
    }
}

// MARK: - The build

/// Flags of an enrollment row.
private let flagPaid: UInt8 = 1
private let flagParticipated: UInt8 = 2
private let flagPassed: UInt8 = 4

/// Teacher categories (which decide their enrollments).
private let catActive: UInt8 = 0       // in service, at least one paid enrollment
private let catNoEnrollment: UInt8 = 1 // in service, no enrollment
private let catUnpaidOnly: UInt8 = 2   // in service, only unpaid enrollments
private let catLeftEnrolled: UInt8 = 3 // not in service, has enrollments
private let catLeftIdle: UInt8 = 4     // not in service, no enrollment

final class SampleBuild {
    let options: SampleOptions
    let directory: URL
    let progress: (@Sendable (String) -> Void)?
    let plan: SamplePlan
    var files: [(name: String, rows: Int, bytes: Int)] = []

    // Teachers
    var teacherCount = 0
    var teacherNumber: [Int32] = []
    var ids = SampleIdWriter(teacherDigits: [], teacherWidth: 7, courseDigits: [], courseWidth: 5)
    var teacherIdWidth = 7
    var teacherCategory: [UInt8] = []
    var teacherBaseTime: [Int32] = []
    var teacherDegree: [UInt8] = []

    // Courses (plan order = course-id order)
    var courseStart: [Int] = []
    var courseTutorCount: [Int] = []
    var courseHasForum: [Bool] = []
    var courseHasAssignment: [Bool] = []
    var courseIdWidth = 5

    // Enrollment rows, grouped by course
    var rowCourse: [Int32] = []
    var rowFlags: [UInt8] = []
    var rowTeacher: [Int32] = []
    var rowTime: [Int32] = []

    // Per-teacher engagement (login weight), used for logins and posts
    var teacherActivity: [Double] = []

    // Tutors
    var tutorRows: [(tutor: Int, course: Int)] = []
    var tutorCount = 0
    var courseTutorsFirst: [Int] = []  // index into tutorRows of the course's first tutor, -1 if none

    init(options: SampleOptions, directory: URL, progress: (@Sendable (String) -> Void)?) {
        self.options = options
        self.directory = directory
        self.progress = progress
        self.plan = SamplePlan.make(scale: options.scale, seed: options.seed)
    }

    func rng(_ stream: UInt64) -> SampleRNG { SampleRNG(seed: options.seed, stream: stream) }

    func run() throws -> SampleSummary {
        makeTeachers()
        makeEnrollments()
        makeTutors()
        try writeTeachers()
        try writeCourses()
        try writeEnrollments()
        try writeLogins()
        try writePosts()
        try writeAssignments()
        try writeTutors()
        try writeRatings()
        try writeStartup()
        return SampleSummary(files: files)
    }

    private func finish(_ w: SampleCSVWriter) throws {
        try w.close()
        files.append((name: w.name, rows: w.rows, bytes: w.bytesWritten))
        progress?("\(w.name): \(w.rows) rows, \(w.bytesWritten) bytes")
    }

    private func writer(_ index: Int) throws -> SampleCSVWriter {
        let h = SampleGenerator.headers[index]
        return try SampleCSVWriter(directory: directory, name: h.file, header: h.columns)
    }

    // MARK: Teachers

    func makeTeachers() {
        let c = plan.counts
        var r = rng(2)
        let n = c.teachersInService + c.teachersOut
        teacherCount = n
        let limit = n < 9_000_000 ? 10_000_000 : 100_000_000
        teacherIdWidth = limit == 10_000_000 ? 7 : 8
        let start = 10_000 + r.below(2000)
        let meanGap = max(1, min(40, (limit - start - n) / max(n, 1)))
        teacherNumber = [Int32](repeating: 0, count: n)
        var id = start
        for i in 0..<n {
            let remaining = n - i
            var gap = 1 + r.below(2 * meanGap - 1)
            if id + gap + remaining >= limit { gap = 1 }
            id += gap
            teacherNumber[i] = Int32(id)
        }
        // Who is in service, and which of them take part.
        var order = Array(0..<n)
        r.shuffle(&order)
        teacherCategory = [UInt8](repeating: catActive, count: n)
        let out = order.prefix(c.teachersOut)
        let outEnrolled = Int((Double(c.teachersOut) * 0.35).rounded())
        for (k, t) in out.enumerated() { teacherCategory[t] = k < outEnrolled ? catLeftEnrolled : catLeftIdle }
        let inactive = order.dropFirst(c.teachersOut).prefix(c.inServiceWithoutPaid)
        let unpaidOnly = Int((Double(c.inServiceWithoutPaid) * 0.4).rounded())
        for (k, t) in inactive.enumerated() { teacherCategory[t] = k < unpaidOnly ? catUnpaidOnly : catNoEnrollment }
    }

    // MARK: Enrollments

    func makeEnrollments() {
        var r = rng(3)
        let courses = plan.courses
        courseStart = [Int](repeating: 0, count: courses.count + 1)
        for (i, c) in courses.enumerated() { courseStart[i + 1] = courseStart[i] + c.enrolled }
        let total = courseStart[courses.count]
        courseIdWidth = max(5, String(courses.count).count)
        ids = SampleIdWriter(
            teacherDigits: teacherNumber.map { SampleCSVWriter.packDigits(Int($0), width: teacherIdWidth) },
            teacherWidth: teacherIdWidth,
            courseDigits: (0..<courses.count).map { SampleCSVWriter.packDigits($0 + 1, width: courseIdWidth) },
            courseWidth: courseIdWidth)
        rowCourse = [Int32](repeating: 0, count: total)
        rowFlags = [UInt8](repeating: 0, count: total)
        var paidRows: [Int32] = []
        var unpaidRows: [Int32] = []
        paidRows.reserveCapacity(total)
        for (ci, c) in courses.enumerated() {
            for k in 0..<c.enrolled {
                let row = courseStart[ci] + k
                rowCourse[row] = Int32(ci)
                var f: UInt8 = 0
                if k < c.passed { f = flagPaid | flagParticipated | flagPassed }
                else if k < c.participated { f = flagPaid | flagParticipated }
                else if r.chance(0.65) { f = flagPaid }
                rowFlags[row] = f
                if f & flagPaid != 0 { paidRows.append(Int32(row)) } else { unpaidRows.append(Int32(row)) }
            }
        }

        // Slots: one per row, holding the teacher that takes it.
        let n = teacherCount
        teacherDegree = [UInt8](repeating: 0, count: n)
        var paidSlots: [Int32] = []
        var unpaidSlots: [Int32] = []
        paidSlots.reserveCapacity(paidRows.count)
        unpaidSlots.reserveCapacity(unpaidRows.count)
        for t in 0..<n {
            switch teacherCategory[t] {
            case catActive: paidSlots.append(Int32(t))
            case catUnpaidOnly: unpaidSlots.append(Int32(t))
            case catLeftEnrolled: if r.chance(0.6) { paidSlots.append(Int32(t)) } else { unpaidSlots.append(Int32(t)) }
            default: break
            }
        }
        // (Only at tiny scales can there be more teachers than rows.)
        if paidSlots.count > paidRows.count { r.shuffle(&paidSlots); paidSlots.removeLast(paidSlots.count - paidRows.count) }
        if unpaidSlots.count > unpaidRows.count { r.shuffle(&unpaidSlots); unpaidSlots.removeLast(unpaidSlots.count - unpaidRows.count) }
        for t in paidSlots { teacherDegree[Int(t)] += 1 }
        for t in unpaidSlots { teacherDegree[Int(t)] += 1 }

        // Extra enrollments go to keen teachers: most take one or two courses, a few many.
        let coursesWithRows = courses.filter { $0.enrolled > 0 }.count
        var propensity = [Double](repeating: 0, count: n)
        var paidCandidates: [Int32] = []
        var unpaidCandidates: [Int32] = []
        for t in 0..<n {
            let cat = teacherCategory[t]
            if cat == catActive || cat == catLeftEnrolled || cat == catUnpaidOnly {
                propensity[t] = r.logNormal(mu: 0, sigma: 0.9)
                if cat != catUnpaidOnly { paidCandidates.append(Int32(t)) }
                unpaidCandidates.append(Int32(t))
            }
        }
        let rowsPerTeacher = Double(total) / Double(max(paidCandidates.count, 1))
        let cap = max(1, min(coursesWithRows, max(15, Int(rowsPerTeacher * 3) + 2), 250))
        func distribute(_ slots: inout [Int32], _ target: Int, _ candidates: [Int32]) {
            guard !candidates.isEmpty else { return }
            let table = SampleAliasTable(weights: candidates.map { propensity[Int($0)] })
            while slots.count < target {
                var chosen = -1
                for _ in 0..<64 {
                    let t = Int(candidates[table.sample(&r)])
                    if Int(teacherDegree[t]) < cap { chosen = t; break }
                }
                if chosen < 0 {
                    let s = r.below(candidates.count)
                    for k in 0..<candidates.count {
                        let t = Int(candidates[(s + k) % candidates.count])
                        if Int(teacherDegree[t]) < cap { chosen = t; break }
                    }
                }
                if chosen < 0 { chosen = Int(candidates[r.below(candidates.count)]) }
                slots.append(Int32(chosen))
                teacherDegree[chosen] = teacherDegree[chosen] &+ 1
            }
        }
        distribute(&paidSlots, paidRows.count, paidCandidates)
        distribute(&unpaidSlots, unpaidRows.count, unpaidCandidates)
        if paidSlots.count < paidRows.count || unpaidSlots.count < unpaidRows.count {
            // No candidates at all (impossible with the scale floors); give the rows to anyone.
            while paidSlots.count < paidRows.count { let t = r.below(n); paidSlots.append(Int32(t)); teacherDegree[t] &+= 1 }
            while unpaidSlots.count < unpaidRows.count { let t = r.below(n); unpaidSlots.append(Int32(t)); teacherDegree[t] &+= 1 }
        }
        r.shuffle(&paidSlots)
        r.shuffle(&unpaidSlots)
        rowTeacher = [Int32](repeating: 0, count: total)
        for (k, row) in paidRows.enumerated() { rowTeacher[Int(row)] = paidSlots[k] }
        for (k, row) in unpaidRows.enumerated() { rowTeacher[Int(row)] = unpaidSlots[k] }

        resolveDuplicates(paidRows: paidRows, unpaidRows: unpaidRows, paidCandidates: paidCandidates,
                          unpaidCandidates: unpaidCandidates, rng: &r)
        makeEnrollmentTimes(rng: &r)
    }

    /// A teacher never enrolls twice in one course: swap teachers between rows of the same kind
    /// (paid with paid, unpaid with unpaid) until no teacher holds two rows of one course. When no
    /// swap is possible (only at tiny scales), the row goes to another teacher who may take it.
    private func resolveDuplicates(paidRows: [Int32], unpaidRows: [Int32], paidCandidates: [Int32],
                                   unpaidCandidates: [Int32], rng r: inout SampleRNG) {
        let n = teacherCount
        let total = rowTeacher.count
        var start: [Int] = []
        var list: [Int32] = []
        var pos: [Int32] = []
        func buildIndex() {
            start = [Int](repeating: 0, count: n + 1)
            for row in 0..<total { start[Int(rowTeacher[row]) + 1] += 1 }
            for t in 0..<n { start[t + 1] += start[t] }
            list = [Int32](repeating: 0, count: total)
            pos = [Int32](repeating: 0, count: total)
            var fill = start
            for row in 0..<total {
                let t = Int(rowTeacher[row])
                list[fill[t]] = Int32(row)
                pos[row] = Int32(fill[t])
                fill[t] += 1
            }
        }
        func holds(_ t: Int, course c: Int32) -> Bool {
            for k in start[t]..<start[t + 1] where rowCourse[Int(list[k])] == c { return true }
            return false
        }
        func rowsOf(_ t: Int, course c: Int32) -> [Int] {
            (start[t]..<start[t + 1]).map { Int(list[$0]) }.filter { rowCourse[$0] == c }
        }
        for _ in 0..<20 {
            buildIndex()
            var unresolved: [Int] = []
            for t in 0..<n where start[t + 1] - start[t] > 1 {
                var k = start[t]
                while k < start[t + 1] {
                    let row = Int(list[k])
                    let c = rowCourse[row]
                    if rowsOf(t, course: c).count < 2 { k += 1; continue }
                    let pool = rowFlags[row] & flagPaid != 0 ? paidRows : unpaidRows
                    var swapped = false
                    for _ in 0..<2000 {
                        let row2 = Int(pool[r.below(pool.count)])
                        let c2 = rowCourse[row2]
                        let t2 = Int(rowTeacher[row2])
                        if c2 == c || t2 == t || holds(t, course: c2) || holds(t2, course: c) { continue }
                        rowTeacher[row] = Int32(t2)
                        rowTeacher[row2] = Int32(t)
                        let p1 = Int(pos[row]), p2 = Int(pos[row2])
                        list[p1] = Int32(row2); list[p2] = Int32(row)
                        pos[row] = Int32(p2); pos[row2] = Int32(p1)
                        swapped = true
                        break
                    }
                    if !swapped { unresolved.append(row); k += 1 }
                }
            }
            if unresolved.isEmpty { break }
            // Fallback: hand the row to a teacher outside the course. An active teacher keeps a paid row.
            var taken = [Bool](repeating: false, count: n)
            for row in unresolved {
                let t = Int(rowTeacher[row])
                let c = rowCourse[row]
                let mine = rowsOf(t, course: c).filter { rowTeacher[$0] == Int32(t) }
                guard mine.count > 1 else { continue }
                let paidElsewhere = (start[t]..<start[t + 1]).contains { k in
                    let x = Int(list[k]); return rowTeacher[x] == Int32(t) && rowFlags[x] & flagPaid != 0 && !mine.contains(x)
                }
                var move = mine[0]
                if teacherCategory[t] == catActive && !paidElsewhere {
                    // keep one paid row of this course with t
                    let paidMine = mine.filter { rowFlags[$0] & flagPaid != 0 }
                    if let keep = paidMine.first { move = mine.first { $0 != keep } ?? mine[0] }
                }
                let candidates = rowFlags[move] & flagPaid != 0 ? paidCandidates : unpaidCandidates
                guard !candidates.isEmpty else { continue }
                let s = r.below(candidates.count)
                for j in 0..<candidates.count {
                    let t2 = Int(candidates[(s + j) % candidates.count])
                    if t2 != t && !taken[t2] && !holds(t2, course: c) {
                        rowTeacher[move] = Int32(t2)
                        taken[t2] = true
                        break
                    }
                }
            }
        }
        teacherBaseTime = [Int32](repeating: -1, count: n)
        enrollOrderStart = start
        enrollOrderList = list
    }

    private var enrollOrderStart: [Int] = []
    private var enrollOrderList: [Int32] = []

    /// Day weights of enrolling: most teachers enroll in the first two weeks.
    static func enrollmentDayWeights() -> [Double] {
        (0..<SampleCalendar.dayCount).map { d in
            let wd = SampleCalendar.weekday(d)
            let weekend = wd >= 5 ? 1.25 : 1.0
            return (0.12 + 3.0 * SampleMath.exp(-Double(d) / 5.0)) * weekend
        }
    }

    /// Day weights of platform activity: weekends busier, a start-up burst and a rush before the deadline.
    static func activityDayWeights() -> [Double] {
        (0..<SampleCalendar.dayCount).map { d in
            let wd = SampleCalendar.weekday(d)
            let weekend = wd == 5 ? 1.3 : (wd == 6 ? 1.4 : 1.0)
            let trend = 1.0 + 0.5 * SampleMath.exp(-Double(d) / 6.0)
                + 0.9 * SampleMath.exp(-Double(SampleCalendar.dayCount - 1 - d) / 5.0)
            return weekend * trend
        }
    }

    private func makeEnrollmentTimes(rng r: inout SampleRNG) {
        let n = teacherCount
        let dayTable = SampleAliasTable(weights: Self.enrollmentDayWeights())
        let hourTable = SampleAliasTable(weights: SampleCalendar.hourWeights)
        let end = SampleCalendar.periodSeconds - 1
        rowTime = [Int32](repeating: 0, count: rowTeacher.count)
        for t in 0..<n {
            let a = enrollOrderStart[t], b = enrollOrderStart[t + 1]
            guard b > a else { continue }
            let day = dayTable.sample(&r)
            let base = day * 86_400 + hourTable.sample(&r) * 3600 + r.below(3600)
            teacherBaseTime[t] = Int32(base)
            for k in a..<b {
                let row = Int(enrollOrderList[k])
                var time: Int
                if k == a {
                    time = base
                } else if r.chance(0.7) {
                    time = base + 20 + r.below(1800)
                } else {
                    let d = day + r.below(min(SampleCalendar.dayCount - day, 21))
                    time = d * 86_400 + hourTable.sample(&r) * 3600 + r.below(3600)
                    if time < base { time = base + 60 + r.below(3600) }
                }
                rowTime[row] = Int32(min(time, end))
            }
        }
        enrollOrderList = []
    }

    // MARK: Tutors

    func makeTutors() {
        var r = rng(4)
        let c = plan.counts
        let courses = plan.courses
        courseTutorCount = [Int](repeating: 0, count: courses.count)
        var candidates = (0..<courses.count).filter { courses[$0].project == .remote && courses[$0].participated > 0 }
        candidates.sort { courses[$0].enrolled != courses[$1].enrolled ? courses[$0].enrolled > courses[$1].enrolled : $0 < $1 }
        let nCourses = min(c.tutorCourses, candidates.count)
        var pool = Array(candidates.prefix(max(nCourses, min(candidates.count, 3 * nCourses))))
        r.sampleToFront(&pool, nCourses)
        var chosen = Array(pool.prefix(nCourses))
        chosen.sort()
        let nTutors = max(1, c.tutors)
        tutorCount = nTutors
        let perCourseMax = min(nTutors, 3)
        var counts = chosen.map { _ -> Int in
            let u = r.unit()
            return min(perCourseMax, u < 0.74 ? 1 : (u < 0.94 ? 2 : 3))
        }
        // Every tutor serves at least one course.
        while counts.reduce(0, +) < nTutors && !counts.isEmpty {
            let i = r.below(counts.count)
            if counts[i] < perCourseMax { counts[i] += 1 }
            else if counts.allSatisfy({ $0 >= perCourseMax }) { counts[i] += 1 }
        }
        var slots: [Int] = []  // course of each slot
        for (i, ci) in chosen.enumerated() { for _ in 0..<counts[i] { slots.append(ci) } }
        var slotTutor = [Int](repeating: -1, count: slots.count)
        var order = Array(0..<slots.count)
        r.shuffle(&order)
        var tutorsShuffled = Array(0..<nTutors)
        r.shuffle(&tutorsShuffled)
        for k in 0..<min(nTutors, slots.count) { slotTutor[order[k]] = tutorsShuffled[k] }
        // The remaining slots go to tutors who serve several courses (a few tutors are busy).
        let busy = SampleAliasTable(weights: (0..<nTutors).map { _ in r.logNormal(mu: 0, sigma: 1.2) })
        var first = 0
        while first < slots.count {
            var last = first
            while last < slots.count && slots[last] == slots[first] { last += 1 }
            for k in first..<last where slotTutor[k] < 0 {
                var t = busy.sample(&r)
                var tries = 0
                while (first..<last).contains(where: { slotTutor[$0] == t }) {
                    t = tries < 100 ? busy.sample(&r) : (t + 1) % nTutors
                    tries += 1
                }
                slotTutor[k] = t
            }
            first = last
        }
        tutorRows = zip(slotTutor, slots).map { (tutor: $0, course: $1) }
        courseTutorsFirst = [Int](repeating: -1, count: courses.count)
        for (k, row) in tutorRows.enumerated() {
            courseTutorCount[row.course] += 1
            if courseTutorsFirst[row.course] < 0 { courseTutorsFirst[row.course] = k }
        }
        // Which courses have a discussion forum and which ask for assignments.
        courseHasForum = courses.map { c in
            switch c.project {
            case .remote: return r.chance(0.85)
            case .upgrade: return true
            case .face: return false
            }
        }
        courseHasAssignment = courses.map { c in
            switch c.project {
            case .remote: return r.chance(0.55)
            case .upgrade: return r.chance(0.7)
            case .face: return true
            }
        }
    }

    // MARK: Writing: teachers

    private struct SchoolPool {
        var names: [[UInt8]]
        var table: SampleAliasTable
    }

    private func makeSchoolPools(rng r: inout SampleRNG, districtWeights: [Double], stageWeightsByDistrict: [[Double]]) -> [[SchoolPool]] {
        let vocab = SampleVocabulary.districts
        let stages = SampleVocabulary.stages
        let districtTotal = districtWeights.reduce(0, +)
        var pools: [[SchoolPool]] = []
        for (di, d) in vocab.enumerated() {
            var row: [SchoolPool] = []
            let stageTotal = stageWeightsByDistrict[di].reduce(0, +)
            for (si, stage) in stages.enumerated() {
                let expected = Double(teacherCount) * districtWeights[di] / districtTotal * stageWeightsByDistrict[di][si] / stageTotal
                let size = max(1, Int((expected / stage.schoolSize).rounded()))
                let names = Self.schoolNames(district: d.name, places: d.places, stage: si, count: size, rng: &r)
                let weights = names.map { _ in min(2.5, r.logNormal(mu: 0, sigma: 0.5)) }
                row.append(SchoolPool(names: names.map { Array($0.utf8) }, table: SampleAliasTable(weights: weights)))
            }
            pools.append(row)
        }
        return pools
    }

    /// `count` distinct school names of one stage in one district.
    static func schoolNames(district: String, places: [String], stage: Int, count: Int, rng r: inout SampleRNG) -> [String] {
        let city = district == "市直属"
        let prefix = city ? "广州市" : district
        let patterns: [[String]]  // "P" = place, "N" = ordinal number
        switch stage {
        case 0: patterns = [["P", "幼儿园"], ["P", "幼儿园"], ["P", "中心幼儿园"], ["P", "实验幼儿园"], ["第", "N", "幼儿园"]]
        case 1: patterns = [["P", "小学"], ["P", "小学"], ["P", "小学"], ["P", "中心小学"], ["P", "实验小学"], ["P", "第", "N", "小学"]]
        case 2: patterns = city ? [["第", "N", "中学"], ["P", "中学"]]
                                : [["P", "中学"], ["P", "中学"], ["第", "N", "中学"], ["P", "实验学校"], ["P", "第", "N", "中学"]]
        case 3: patterns = city ? [["第", "N", "中学"], ["第", "N", "中学"], ["P", "中学"]]
                                : [["第", "N", "中学"], ["P", "中学"], ["P", "高级中学"]]
        case 4: patterns = city ? [["P", "职业学校"], ["P", "职业技术学校"]]
                                : [["职业技术学校"], ["P", "职业技术学校"], ["P", "中等职业学校"]]
        default: patterns = city ? [["启智学校"], ["启聪学校"], ["启明学校"], ["P", "特殊教育学校"]]
                                 : [["启智学校"], ["特殊教育学校"], ["P", "特殊教育学校"]]
        }
        var result: [String] = []
        var seen = Set<String>()
        var fallback = 0
        var attempts = 0
        let ordinalRange = min(max(3, count + 2), city ? 110 : 15)
        let suffix = stage == 0 ? "幼儿园" : stage == 1 ? "小学" : stage <= 3 ? "中学" : stage == 4 ? "职业技术学校" : "特殊教育学校"
        while result.count < count {
            attempts += 1
            var name = prefix
            if attempts > count * 20 {
                // Names run out in big districts: 市桥第二小学, 大石第二小学, …, 市桥第三小学, …
                name += places[fallback % places.count] + "第" + SampleVocabulary.chineseNumber(2 + fallback / places.count) + suffix
                fallback += 1
            } else {
                for part in patterns[r.below(patterns.count)] {
                    switch part {
                    case "P": name += places[r.below(places.count)]
                    case "N": name += SampleVocabulary.chineseNumber(1 + r.below(ordinalRange))
                    default: name += part
                    }
                }
            }
            if !seen.contains(name) {
                seen.insert(name)
                result.append(name)
            }
        }
        return result
    }

    func writeTeachers() throws {
        let ids = self.ids
        var r = rng(5)
        let w = try writer(0)
        let vocab = SampleVocabulary.self
        let districtWeights = vocab.districts.map { $0.weight }
        let baseStage = vocab.stages.map { $0.weight }
        let cityStage = [8.0, 6, 26, 40, 12, 8]
        let stageWeightsByDistrict = vocab.districts.map { $0.name == "市直属" ? cityStage : baseStage }
        let pools = makeSchoolPools(rng: &r, districtWeights: districtWeights, stageWeightsByDistrict: stageWeightsByDistrict)
        let districtTable = SampleAliasTable(weights: districtWeights)
        let stageTables = stageWeightsByDistrict.map { SampleAliasTable(weights: $0) }
        let districtBytes = vocab.districts.map { Array($0.name.utf8) }
        let stageBytes = vocab.stages.map { Array($0.name.utf8) }
        let subjectTables = vocab.subjectsByStage.map { SampleAliasTable(weights: $0.map { $0.1 }) }
        let subjectBytes = vocab.subjectsByStage.map { $0.map { Array($0.0.utf8) } }
        let titleTable = SampleAliasTable(weights: vocab.titles.map { $0.1 })
        let youngTitleTable = SampleAliasTable(weights: [0.0, 3, 25, 35, 7, 30])
        let titleBytes = vocab.titles.map { Array($0.0.utf8) }
        let femaleShare = [0.97, 0.76, 0.62, 0.52, 0.55, 0.75]
        let names = SampleNameMaker()
        let yes = Array("是".utf8), no = Array("否".utf8)
        let male = Array("男".utf8), female = Array("女".utf8)
        for t in 0..<teacherCount {
            let d = districtTable.sample(&r)
            let s = stageTables[d].sample(&r)
            let isFemale = r.chance(femaleShare[s])
            ids.teacher(w, t); w.comma()
            names.write(female: isFemale, to: w, rng: &r); w.comma()
            w.bytes(isFemale ? female : male); w.comma()
            w.bytes(districtBytes[d]); w.comma()
            let pool = pools[d][s]
            w.field(pool.names[pool.table.sample(&r)]); w.comma()
            w.bytes(stageBytes[s]); w.comma()
            w.bytes(subjectBytes[s][subjectTables[s].sample(&r)]); w.comma()
            let title = s == 0 ? youngTitleTable.sample(&r) : titleTable.sample(&r)
            w.bytes(titleBytes[title]); w.comma()
            let cat = teacherCategory[t]
            w.bytes(cat == catLeftEnrolled || cat == catLeftIdle ? no : yes)
            try w.endRow()
        }
        try finish(w)
    }

    // MARK: Writing: courses

    func courseTitles(rng r: inout SampleRNG) -> [String] {
        let vocab = SampleVocabulary.self
        let stageTable = SampleAliasTable(weights: vocab.stageTags.map { $0.1 })
        let subjectsByTag: [[String]] = [
            ["语言", "健康", "社会", "科学", "艺术"],
            ["语文", "数学", "英语", "科学", "道德与法治", "音乐", "体育", "美术", "信息技术", "综合实践", "心理健康"],
            ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治", "音乐", "体育", "美术", "信息技术"],
            ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "思想政治", "体育", "信息技术", "通用技术"],
            ["语文", "数学", "英语", "信息技术", "心理健康", "体育", "美术", "音乐", "劳动教育"],
            ["语文", "数学", "英语", "计算机应用", "会计", "电子商务", "机电技术"],
            ["生活适应", "康复训练", "语文", "数学"],
            [],
        ]
        let sequels = ["（二）", "（三）", "（四）", "（五）", "（进阶）", "（案例篇）", "（实践篇）", "（第二版）"]
        var seen = Set<String>()
        var nextSequel: [String: Int] = [:]
        var titles: [String] = []
        var quotedUsed = 0
        let remoteWithRows = plan.courses.firstIndex { $0.project == .remote && $0.enrolled > 0 } ?? 0
        for (i, c) in plan.courses.enumerated() {
            var title: String
            switch c.project {
            case .remote:
                if (i == remoteWithRows && quotedUsed == 0) || r.chance(0.006) {
                    title = vocab.quotedTitles[quotedUsed % vocab.quotedTitles.count]
                    quotedUsed += 1
                } else {
                    let tag = stageTable.sample(&r)
                    let subjects = subjectsByTag[tag]
                    if subjects.isEmpty || r.chance(0.3) {
                        title = vocab.stageTags[tag].0 + vocab.generalTopics[r.below(vocab.generalTopics.count)]
                    } else {
                        title = vocab.stageTags[tag].0 + subjects[r.below(subjects.count)]
                            + vocab.subjectTopics[r.below(vocab.subjectTopics.count)]
                    }
                }
            case .upgrade:
                let tag = 1 + r.below(4)
                let subjects = subjectsByTag[tag]
                title = "提升工程2.0：" + vocab.upgradeAbilities[r.below(vocab.upgradeAbilities.count)]
                    + "（" + vocab.stageTags[tag].0 + subjects[r.below(subjects.count)] + "）"
            case .face:
                title = "2002期市级面授：" + vocab.faceToFaceTopics[r.below(vocab.faceToFaceTopics.count)]
            }
            if seen.contains(title) {
                // Dictionary used for lookups only (never iterated), so hashing order doesn't matter.
                var k = nextSequel[title] ?? 0
                func sequel(_ k: Int) -> String {
                    title + (k < sequels.count ? sequels[k] : "（" + SampleVocabulary.chineseNumber(k - sequels.count + 2) + "期）")
                }
                while seen.contains(sequel(k)) { k += 1 }
                nextSequel[title] = k + 1
                title = sequel(k)
            }
            seen.insert(title)
            titles.append(title)
        }
        return titles
    }

    func writeCourses() throws {
        let ids = self.ids
        var r = rng(6)
        let w = try writer(1)
        let titles = courseTitles(rng: &r)
        let providerTable = SampleAliasTable(weights: SampleVocabulary.providers.map { $0.1 })
        let providerBytes = SampleVocabulary.providers.map { Array($0.0.utf8) }
        let projectBytes = [SampleProject.remote, .upgrade, .face].map { Array($0.name.utf8) }
        let upgradeProvider = Array("广东省中小学教师发展中心".utf8)
        let faceProvider = Array("广州市教师发展中心".utf8)
        for (i, c) in plan.courses.enumerated() {
            ids.course(w, i); w.comma()
            w.field(Array(titles[i].utf8)); w.comma()
            w.bytes(projectBytes[Int(c.project.rawValue)]); w.comma()
            switch c.project {
            case .remote: w.bytes(providerBytes[providerTable.sample(&r)])
            case .upgrade: w.bytes(r.chance(0.6) ? upgradeProvider : providerBytes[providerTable.sample(&r)])
            case .face: w.bytes(faceProvider)
            }
            w.comma()
            w.int(c.hours); w.comma()
            w.int(courseTutorCount[i]); w.comma()
            w.int(c.enrolled); w.comma()
            w.int(c.participated); w.comma()
            w.int(c.passed)
            try w.endRow()
        }
        try finish(w)
    }

    // MARK: Writing: enrollments

    func writeEnrollments() throws {
        let ids = self.ids
        let rowTeacher = self.rowTeacher, rowCourse = self.rowCourse, rowFlags = self.rowFlags, rowTime = self.rowTime
        let w = try writer(2)
        let total = rowTime.count
        var keys = [UInt64](repeating: 0, count: total)
        for row in 0..<total { keys[row] = UInt64(UInt32(rowTime[row])) << 32 | UInt64(row) }
        keys.sort()
        let projectBytes = [SampleProject.remote, .upgrade, .face].map { Array($0.name.utf8) }
        let hoursBytes = plan.courses.map { Array((String($0.hours) + ".0").utf8) }
        let yes = Array("是".utf8), no = Array("否".utf8)
        let period = Array(",2002,".utf8)
        for (k, key) in keys.enumerated() {
            let row = Int(key & 0xFFFF_FFFF)
            let course = Int(rowCourse[row])
            let f = rowFlags[row]
            w.int(k + 1)
            w.bytes(period)
            ids.teacher(w, Int(rowTeacher[row])); w.comma()
            ids.course(w, course); w.comma()
            w.bytes(projectBytes[Int(plan.courses[course].project.rawValue)]); w.comma()
            w.timestamp(Int(rowTime[row])); w.comma()
            w.bytes(f & flagPaid != 0 ? yes : no); w.comma()
            w.bytes(f & flagParticipated != 0 ? yes : no); w.comma()
            if f & flagPassed != 0 { w.bytes(hoursBytes[course]) } else { w.byte(0x30) }
            w.comma()
            w.bytes(f & flagPassed != 0 ? yes : no)
            try w.endRow()
        }
        try finish(w)
    }

    // MARK: Writing: logins

    func writeLogins() throws {
        let ids = self.ids
        let rowTeacher = self.rowTeacher, rowFlags = self.rowFlags, teacherBaseTime = self.teacherBaseTime
        var r = rng(7)
        let w = try writer(3)
        let n = teacherCount
        let target = plan.counts.logins
        // Engagement: participants log in often (some very often), others hardly at all.
        var participatedCount = [Int](repeating: 0, count: n)
        var enrolled = [Bool](repeating: false, count: n)
        for row in 0..<rowTeacher.count {
            let t = Int(rowTeacher[row])
            enrolled[t] = true
            if rowFlags[row] & flagParticipated != 0 { participatedCount[t] += 1 }
        }
        teacherActivity = [Double](repeating: 0, count: n)
        for t in 0..<n where enrolled[t] {
            teacherActivity[t] = participatedCount[t] > 0
                ? r.logNormal(mu: 0, sigma: 1.05) * (1 + 0.5 * Double(participatedCount[t] - 1))
                : 0.02
        }
        // Every enrolled teacher logged in at least once: when enrolling.
        var base: [Int32] = []
        for t in 0..<n where teacherBaseTime[t] >= 0 { base.append(Int32(t)) }
        if base.count > target { r.sampleToFront(&base, target); base.removeLast(base.count - target) }
        let extra = target - base.count

        let buckets = SampleCalendar.dayCount * 24
        let dayWeights = Self.activityDayWeights()
        var bucketWeight = [Double](repeating: 0, count: buckets)
        var weightSum = 0.0
        for b in 0..<buckets {
            bucketWeight[b] = dayWeights[b / 24] * SampleCalendar.hourWeights[b % 24]
            weightSum += bucketWeight[b]
        }
        // Extra logins per hour: largest-remainder apportionment (ties by hour).
        var extraPerBucket = [Int](repeating: 0, count: buckets)
        var remainders: [(Double, Int)] = []
        var assigned = 0
        for b in 0..<buckets {
            let exact = Double(extra) * bucketWeight[b] / weightSum
            let whole = Int(exact)
            extraPerBucket[b] = whole
            assigned += whole
            remainders.append((exact - Double(whole), b))
        }
        remainders.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        var k = 0
        while assigned < extra { extraPerBucket[remainders[k % buckets].1] += 1; assigned += 1; k += 1 }

        // Base logins bucketed by hour.
        var baseStart = [Int](repeating: 0, count: buckets + 1)
        for t in base { baseStart[Int(teacherBaseTime[Int(t)]) / 3600 + 1] += 1 }
        for b in 0..<buckets { baseStart[b + 1] += baseStart[b] }
        var baseList = [Int32](repeating: 0, count: base.count)
        var fill = baseStart
        for t in base {
            let b = Int(teacherBaseTime[Int(t)]) / 3600
            baseList[fill[b]] = t
            fill[b] += 1
        }

        let teacherTable = SampleAliasTable(weights: teacherActivity)
        let shares = [0.52, 0.31, 0.17]
        let clientTable = SampleAliasTable(weights: shares)
        var preferred = [UInt8](repeating: 0, count: n)
        for t in 0..<n where enrolled[t] { preferred[t] = UInt8(clientTable.sample(&r)) }
        let clientBytes = [Array("PC".utf8), Array("App".utf8), Array("微信".utf8)]
        var entries: [UInt64] = []
        entries.reserveCapacity(extraPerBucket.max() ?? 0 + 1024)
        for b in 0..<buckets {
            entries.removeAll(keepingCapacity: true)
            for i in baseStart[b]..<baseStart[b + 1] {
                let t = Int(baseList[i])
                let sec = Int(teacherBaseTime[t]) % 3600
                entries.append(UInt64(sec) << 40 | UInt64(t) << 2 | UInt64(preferred[t]))
            }
            for _ in 0..<extraPerBucket[b] {
                let t = teacherTable.sample(&r)
                let client = r.chance(0.72) ? Int(preferred[t]) : clientTable.sample(&r)
                entries.append(UInt64(r.below(3600)) << 40 | UInt64(t) << 2 | UInt64(client))
            }
            entries.sort()
            let bucketStart = b * 3600
            for e in entries {
                let t = Int((e >> 2) & 0x3F_FFFF_FFFF)
                ids.teacher(w, t); w.comma()
                w.timestamp(bucketStart + Int(e >> 40)); w.comma()
                w.bytes(clientBytes[Int(e & 3)])
                try w.endRow()
            }
        }
        try finish(w)
    }

    // MARK: Writing: posts and assignments

    /// A time after `after` (seconds from the period's start), following the daily rhythm.
    private func activityTime(after: Int, rng r: inout SampleRNG, hourTable: SampleAliasTable) -> Int {
        let end = SampleCalendar.periodSeconds - 1
        let d0 = after / 86_400
        let d = d0 + r.below(SampleCalendar.dayCount - d0)
        var time = d * 86_400 + hourTable.sample(&r) * 3600 + r.below(3600)
        if time <= after { time = after + 120 + r.below(4 * 3600) }
        return min(time, end)
    }

    func writePosts() throws {
        let ids = self.ids
        let rowTeacher = self.rowTeacher, rowCourse = self.rowCourse, rowFlags = self.rowFlags, rowTime = self.rowTime
        var r = rng(8)
        let w = try writer(4)
        var eligible: [Int32] = []
        for row in 0..<rowCourse.count where rowFlags[row] & flagParticipated != 0 && courseHasForum[Int(rowCourse[row])] {
            eligible.append(Int32(row))
        }
        if eligible.isEmpty {
            for row in 0..<rowCourse.count where rowFlags[row] & flagParticipated != 0 { eligible.append(Int32(row)) }
        }
        let count = eligible.isEmpty ? 0 : plan.counts.posts
        let table = SampleAliasTable(weights: eligible.map { row in
            teacherActivity[Int(rowTeacher[Int(row)])] * (0.2 + r.unit())
        })
        let hourTable = SampleAliasTable(weights: SampleCalendar.hourWeights)
        var keys: [UInt64] = []  // time << 32 | row
        var chars: [Int32] = []
        keys.reserveCapacity(count)
        for i in 0..<count {
            let row = Int(eligible[table.sample(&r)])
            let time = activityTime(after: Int(rowTime[row]), rng: &r, hourTable: hourTable)
            keys.append(UInt64(time) << 34 | UInt64(i))
            let c = Int(r.logNormal(mu: 4.5, sigma: 0.85)) + 4
            chars.append(Int32(min(c, 6000)))
            postRow.append(Int32(row))
        }
        keys.sort()
        for (k, key) in keys.enumerated() {
            let i = Int(key & 0x3_FFFF_FFFF)
            let row = Int(postRow[i])
            w.int(k + 1); w.comma()
            ids.teacher(w, Int(rowTeacher[row])); w.comma()
            ids.course(w, Int(rowCourse[row])); w.comma()
            w.timestamp(Int(key >> 34)); w.comma()
            w.int(Int(chars[i]))
            try w.endRow()
        }
        postRow = []
        try finish(w)
    }

    private var postRow: [Int32] = []

    func writeAssignments() throws {
        let ids = self.ids
        let rowTeacher = self.rowTeacher, rowCourse = self.rowCourse, rowFlags = self.rowFlags, rowTime = self.rowTime
        var r = rng(9)
        let w = try writer(5)
        var eligible: [Int32] = []
        for row in 0..<rowCourse.count where rowFlags[row] & flagParticipated != 0 && courseHasAssignment[Int(rowCourse[row])] {
            eligible.append(Int32(row))
        }
        if eligible.isEmpty {
            for row in 0..<rowCourse.count where rowFlags[row] & flagParticipated != 0 { eligible.append(Int32(row)) }
        }
        let count = eligible.isEmpty ? 0 : plan.counts.assignments
        var rows: [Int32] = []
        rows.reserveCapacity(count)
        if count <= eligible.count {
            // Mostly one assignment per participant and course.
            r.sampleToFront(&eligible, count)
            rows = Array(eligible.prefix(count))
        } else {
            for _ in 0..<count { rows.append(eligible[r.below(eligible.count)]) }
        }
        let hourTable = SampleAliasTable(weights: SampleCalendar.hourWeights)
        var keys: [UInt64] = []
        var scores: [Int8] = []
        keys.reserveCapacity(count)
        for (i, row32) in rows.enumerated() {
            let row = Int(row32)
            let time = activityTime(after: Int(rowTime[row]), rng: &r, hourTable: hourTable)
            keys.append(UInt64(time) << 34 | UInt64(i))
            let score: Int
            if rowFlags[row] & flagPassed != 0 {
                let u = r.unit()
                score = 100 - Int(42 * u * u)
            } else {
                score = Int(r.uniform(0, 72))
            }
            scores.append(Int8(score))
        }
        keys.sort()
        for (k, key) in keys.enumerated() {
            let i = Int(key & 0x3_FFFF_FFFF)
            let row = Int(rows[i])
            w.int(k + 1); w.comma()
            ids.teacher(w, Int(rowTeacher[row])); w.comma()
            ids.course(w, Int(rowCourse[row])); w.comma()
            w.timestamp(Int(key >> 34)); w.comma()
            w.int(Int(scores[i]))
            try w.endRow()
        }
        try finish(w)
    }

    // MARK: Writing: tutors and ratings

    var tutorIdWidth: Int { max(4, String(tutorCount).count) }

    func writeTutorId(_ w: SampleCSVWriter, _ tutor: Int) {
        w.byte(0x46); w.byte(0x44)  // "FD"
        w.padded(tutor + 1, width: tutorIdWidth)
    }

    func writeTutors() throws {
        let ids = self.ids
        var r = rng(10)
        let w = try writer(6)
        let names = SampleNameMaker()
        var tutorNames: [[UInt8]] = []
        for _ in 0..<tutorCount { tutorNames.append(names.make(female: r.chance(0.62), rng: &r)) }
        for row in tutorRows {
            writeTutorId(w, row.tutor); w.comma()
            w.bytes(tutorNames[row.tutor]); w.comma()
            ids.course(w, row.course)
            try w.endRow()
        }
        try finish(w)
    }

    func writeRatings() throws {
        let ids = self.ids
        let rowTeacher = self.rowTeacher, rowCourse = self.rowCourse, rowFlags = self.rowFlags
        var r = rng(11)
        let w = try writer(7)
        var eligible: [Int32] = []
        for row in 0..<rowCourse.count where rowFlags[row] & flagParticipated != 0 && courseTutorCount[Int(rowCourse[row])] > 0 {
            eligible.append(Int32(row))
        }
        var answers: [UInt8] = []
        for (k, c) in plan.counts.ratings.enumerated() { answers += [UInt8](repeating: UInt8(k), count: c) }
        r.shuffle(&answers)
        let count = min(answers.count, eligible.count)
        r.sampleToFront(&eligible, count)
        let ratingBytes = ["很满意", "满意", "一般", "不满意", "很不满意", "未参与评价"].map { Array($0.utf8) }
        for i in 0..<count {
            let row = Int(eligible[i])
            let course = Int(rowCourse[row])
            let tutor = tutorRows[courseTutorsFirst[course] + r.below(courseTutorCount[course])].tutor
            ids.teacher(w, Int(rowTeacher[row])); w.comma()
            ids.course(w, course); w.comma()
            writeTutorId(w, tutor); w.comma()
            w.bytes(ratingBytes[Int(answers[i])])
            try w.endRow()
        }
        try finish(w)
    }

    func writeStartup() throws {
        let url = directory.appendingPathComponent("startup.tally")
        let data = Data(SampleGenerator.startupScript.utf8)
        do { try data.write(to: url) } catch {
            throw SampleError("cannot write \(url.path): \(error.localizedDescription)")
        }
        let lines = SampleGenerator.startupScript.split(separator: "\n").count
        files.append((name: "startup.tally", rows: lines, bytes: data.count))
        progress?("startup.tally: \(lines) lines")
    }
}

/// Chinese personal names: weighted surnames, one- or two-character given names by gender.
final class SampleNameMaker {
    let surnames: [[UInt8]]
    let surnameTable: SampleAliasTable
    let female: [[UInt8]]
    let male: [[UInt8]]
    let neutral: [[UInt8]]

    init() {
        let v = SampleVocabulary.self
        surnames = v.surnames.map { Array($0.0.utf8) }
        surnameTable = SampleAliasTable(weights: v.surnames.map { $0.1 })
        female = v.femaleChars.map { Array($0.utf8) }
        male = v.maleChars.map { Array($0.utf8) }
        neutral = v.neutralChars.map { Array($0.utf8) }
    }

    func write(female isFemale: Bool, to w: SampleCSVWriter, rng r: inout SampleRNG) {
        w.bytes(surnames[surnameTable.sample(&r)])
        let own = isFemale ? female : male
        if r.chance(0.2) {
            w.bytes(own[r.below(own.count)])
        } else {
            if r.chance(0.35) { w.bytes(neutral[r.below(neutral.count)]) } else { w.bytes(own[r.below(own.count)]) }
            w.bytes(own[r.below(own.count)])
        }
    }

    func make(female isFemale: Bool, rng r: inout SampleRNG) -> [UInt8] {
        var out = surnames[surnameTable.sample(&r)]
        let own = isFemale ? female : male
        if r.chance(0.2) {
            out += own[r.below(own.count)]
        } else {
            out += r.chance(0.35) ? neutral[r.below(neutral.count)] : own[r.below(own.count)]
            out += own[r.below(own.count)]
        }
        return out
    }
}

/// Writes the ids of teachers and courses from digits packed once.
struct SampleIdWriter {
    let teacherDigits: [UInt64]
    let teacherWidth: Int
    let courseDigits: [UInt64]
    let courseWidth: Int

    @inline(__always)
    func teacher(_ w: SampleCSVWriter, _ t: Int) { w.prefixedId(0x47, 0x5A, teacherDigits[t], width: teacherWidth) }  // GZ…

    @inline(__always)
    func course(_ w: SampleCSVWriter, _ c: Int) { w.prefixedId(0x4B, 0x43, courseDigits[c], width: courseWidth) }  // KC…
}
