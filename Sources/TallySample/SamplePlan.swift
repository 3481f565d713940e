// The sample's numbers before any row is written: how many of everything, and each course's
// enrolled / participated / passed counts. At scale 1 with the default seed these reproduce the
// figures of the period report exactly (see shared/exports.md); at other scales they keep every
// consistency rule.

/// Target row counts for one scale.
struct SampleCounts {
    static let reportRemoteBands = [861, 428, 109, 38, 116]  // ≥90, [80,90), [70,80), [60,70), <60
    static let reportRatings = [5363, 3513, 1085, 10, 12, 21]

    var teachersInService: Int
    var teachersOut: Int
    var inServiceWithoutPaid: Int
    var remoteBands: [Int]
    var remoteZero: Int
    var remoteEnrolled: Int
    var remoteParticipated: Int
    var remotePassed: Int
    var upgradeCourses: Int
    var upgradeEnrolled: Int
    var upgradeParticipated: Int
    var faceCourses: Int
    var faceEnrolled: Int
    var logins: Int
    var posts: Int
    var assignments: Int
    var tutorCourses: Int
    var tutors: Int
    var ratings: [Int]

    init(scale x: Double) {
        func r(_ v: Double) -> Int { Int((v * x).rounded()) }
        teachersInService = max(30, r(166_423))
        teachersOut = max(1, r(4012))
        inServiceWithoutPaid = min(r(1262), teachersInService / 10)
        remoteBands = Self.reportRemoteBands.map { r(Double($0)) }
        if remoteBands.reduce(0, +) == 0 { remoteBands[0] = 1 }
        remoteZero = r(153)
        remoteEnrolled = r(225_319)
        remoteParticipated = r(207_591)
        remotePassed = r(200_367)
        upgradeCourses = max(1, r(42))
        upgradeEnrolled = r(29_536)
        upgradeParticipated = r(27_808)
        faceCourses = max(1, r(9))
        faceEnrolled = r(199)
        logins = r(1_578_946)
        posts = r(42_245)
        assignments = r(65_803)
        tutorCourses = max(1, r(180))
        tutors = max(1, r(192))
        ratings = Self.reportRatings.map { r(Double($0)) }
    }
}

enum SampleProject: UInt8 {
    case remote = 0, upgrade = 1, face = 2

    var name: String {
        switch self {
        case .remote: return "市常规远程培训"
        case .upgrade: return "提升工程2.0"
        case .face: return "市级面授"
        }
    }
}

/// One course's planned counts.
struct SampleCoursePlan {
    var project: SampleProject
    var enrolled: Int
    var participated: Int
    var passed: Int
    /// Remote courses with enrollments: 0 = ≥90, 1 = [80,90), 2 = [70,80), 3 = [60,70), 4 = <60; else -1.
    var band: Int
    var hours: Int
}

struct SamplePlan {
    var counts: SampleCounts
    /// Remote courses first (in course-id order, zero-enrollment ones mixed in), then 提升工程2.0, then 市级面授.
    var courses: [SampleCoursePlan]

    static let bandLower = [90, 80, 70, 60, 0]
    static let bandUpper = [Int.max, 90, 80, 70, 60]

    /// The band of a pass rate computed exactly as the report's definition does, in Double.
    static func band(passed: Int, participated: Int) -> Int {
        let rate = Double(passed) / Double(participated) * 100
        if rate >= 90 { return 0 }
        if rate >= 80 { return 1 }
        if rate >= 70 { return 2 }
        if rate >= 60 { return 3 }
        return 4
    }

    /// Smallest and largest `passed` that put a course of `participated` into `band` (nil if none).
    static func passedRange(band b: Int, participated q: Int) -> (Int, Int)? {
        guard q > 0 else { return nil }
        var lo = (bandLower[b] * q + 99) / 100
        while lo <= q && band(passed: lo, participated: q) < b { lo += 1 }  // Double rounding guard
        let hi = b == 0 ? q : (bandUpper[b] * q - 1) / 100
        var h = min(hi, q)
        while h >= lo && band(passed: h, participated: q) > b { h -= 1 }
        guard lo <= h, band(passed: lo, participated: q) == b, band(passed: h, participated: q) == b else { return nil }
        return (lo, h)
    }

    static func make(scale: Double, seed: UInt64) -> SamplePlan {
        let counts = SampleCounts(scale: scale)
        var rng = SampleRNG(seed: seed, stream: 1)
        var courses: [SampleCoursePlan] = []

        // --- 市常规远程培训 -------------------------------------------------------------------
        let bands = counts.remoteBands
        let n = bands.reduce(0, +)
        var raw = [Double](repeating: 0, count: n)
        var score = [Double](repeating: 0, count: n)
        for i in 0..<n {
            raw[i] = rng.logNormal(mu: 0, sigma: 1.35)
            score[i] = SampleMath.log(raw[i]) * 1.3 + rng.normal()
        }
        // The better-attended a course, the likelier it is in a high band.
        let byScore = (0..<n).sorted { score[$0] != score[$1] ? score[$0] > score[$1] : $0 < $1 }
        var bandOf = [Int](repeating: 0, count: n)
        var k = 0
        for b in 0..<5 {
            for _ in 0..<bands[b] { bandOf[byScore[k]] = b; k += 1 }
        }
        // Unpopular courses are smaller still.
        let shrink = [1.0, 0.55, 0.4, 0.35, 0.22]
        for i in 0..<n { raw[i] *= shrink[bandOf[i]] }
        let rawSum = raw.reduce(0, +)
        // No course may hold more than 40 % of the teachers (matters only at tiny scales).
        let maxCourse = max(1, counts.teachersInService * 2 / 5)
        let caps = [Int](repeating: maxCourse, count: max(n, counts.upgradeCourses))
        var e = [Int](repeating: 0, count: n)
        for i in 0..<n { e[i] = min(maxCourse, max(1, Int((raw[i] * Double(counts.remoteEnrolled) / rawSum).rounded()))) }

        // Courses whose pass rate is exactly 90, 80, 70 or 60 %.
        var exact = [Bool](repeating: false, count: n)
        var q = [Int](repeating: 0, count: n)
        var s = [Int](repeating: 0, count: n)
        let perThreshold = max(1, Int((3 * scale).rounded()))
        for b in 0..<4 where bands[b] >= 4 {
            let members = (0..<n).filter { bandOf[$0] == b && e[$0] >= 8 && e[$0] <= 400 }
            var pool = members
            rng.sampleToFront(&pool, perThreshold)
            for i in pool.prefix(perThreshold) {
                var m = max(1, min(5, Int((Double(e[i]) * 0.92 / 10).rounded())))
                while true {
                    let qq = 10 * m
                    let pp = qq * bandLower[b] / 100
                    if Self.band(passed: pp, participated: qq) == b || m > 50 { q[i] = qq; s[i] = pp; break }
                    m += 1
                }
                e[i] = max(e[i], q[i])
                exact[i] = true
            }
        }

        // Participation per course; lower-band courses must admit a pass rate inside their band.
        for i in 0..<n where !exact[i] {
            let rate = bandOf[i] == 0 ? rng.uniform(0.84, 0.985) : rng.uniform(0.74, 0.97)
            q[i] = min(e[i], max(1, Int((Double(e[i]) * rate).rounded())))
            if bandOf[i] > 0 {
                while passedRange(band: bandOf[i], participated: q[i]) == nil { q[i] += 1 }
                e[i] = max(e[i], q[i])
            }
        }
        // Totals: enrolled and participated are matched on the ≥90 courses (large, always feasible).
        let adjustable = (0..<n).filter { bandOf[$0] == 0 && !exact[$0] }
        adjust(&e, indices: adjustable, lower: q, upper: caps, target: counts.remoteEnrolled)
        let ones = [Int](repeating: 1, count: n)
        adjust(&q, indices: adjustable, lower: ones, upper: e, target: counts.remoteParticipated)

        // Passed: drawn inside each course's band, then matched to the total.
        var sLow = [Int](repeating: 0, count: n)
        var sHigh = [Int](repeating: 0, count: n)
        for i in 0..<n {
            if exact[i] { sLow[i] = s[i]; sHigh[i] = s[i]; continue }
            let (lo, hi) = passedRange(band: bandOf[i], participated: q[i]) ?? (0, q[i])
            sLow[i] = lo; sHigh[i] = hi
            let rate: Double
            if bandOf[i] == 0 {
                let u = rng.unit()
                rate = 1 - 0.1 * u * u * u
            } else {
                rate = rng.uniform(Double(bandLower[bandOf[i]]), Double(min(bandUpper[bandOf[i]], 100))) / 100
            }
            s[i] = min(hi, max(lo, Int(Double(q[i]) * rate)))
        }
        adjust(&s, indices: adjustable, lower: sLow, upper: sHigh, target: counts.remotePassed)
        let allAdjustable = (0..<n).filter { !exact[$0] }
        adjust(&s, indices: allAdjustable, lower: sLow, upper: sHigh, target: counts.remotePassed)

        var remote: [SampleCoursePlan] = []
        let remoteHours = [6, 8, 10, 10, 12, 12, 12, 15, 16, 18, 20, 20, 24, 24, 24, 30]
        for i in 0..<n {
            remote.append(SampleCoursePlan(project: .remote, enrolled: e[i], participated: q[i], passed: s[i],
                                           band: bandOf[i], hours: remoteHours[rng.below(remoteHours.count)]))
        }
        for _ in 0..<counts.remoteZero {
            remote.append(SampleCoursePlan(project: .remote, enrolled: 0, participated: 0, passed: 0,
                                           band: -1, hours: remoteHours[rng.below(remoteHours.count)]))
        }
        rng.shuffle(&remote)
        courses += remote

        // --- 提升工程2.0: every participant passes ------------------------------------------------
        let nu = counts.upgradeCourses
        var uraw = (0..<nu).map { _ in rng.logNormal(mu: 0, sigma: 1.0) }
        let usum = uraw.reduce(0, +)
        for i in 0..<nu { uraw[i] = uraw[i] * Double(counts.upgradeEnrolled) / usum }
        var ue = uraw.map { min(maxCourse, Int($0.rounded())) }
        let zeros = [Int](repeating: 0, count: nu)
        adjust(&ue, indices: Array(0..<nu), lower: zeros, upper: caps, target: counts.upgradeEnrolled)
        var uq = (0..<nu).map { i in min(ue[i], Int((Double(ue[i]) * rng.uniform(0.9, 0.98)).rounded())) }
        adjust(&uq, indices: Array(0..<nu), lower: zeros, upper: ue, target: counts.upgradeParticipated)
        let upgradeHours = [2, 3, 4, 5, 5, 6, 8, 10]
        for i in 0..<nu {
            courses.append(SampleCoursePlan(project: .upgrade, enrolled: ue[i], participated: uq[i], passed: uq[i],
                                            band: -1, hours: upgradeHours[rng.below(upgradeHours.count)]))
        }

        // --- 市级面授 --------------------------------------------------------------------------
        let nf = counts.faceCourses
        var fe = (0..<nf).map { _ in rng.int(12, 35) }
        let fsum = fe.reduce(0, +)
        fe = fe.map { Int((Double($0) * Double(counts.faceEnrolled) / Double(fsum)).rounded()) }
        let fz = [Int](repeating: 0, count: nf)
        adjust(&fe, indices: Array(0..<nf), lower: fz, upper: nil, target: counts.faceEnrolled)
        let faceHours = [12, 18, 24, 30]
        for i in 0..<nf {
            let qq = max(0, fe[i] - (fe[i] > 0 && rng.chance(0.6) ? 1 : 0))
            let ss = max(0, qq - (qq > 0 && rng.chance(0.4) ? 1 : 0))
            courses.append(SampleCoursePlan(project: .face, enrolled: fe[i], participated: qq, passed: ss,
                                            band: -1, hours: faceHours[rng.below(faceHours.count)]))
        }
        return SamplePlan(counts: counts, courses: courses)
    }

    /// Moves the sum of `values` to `target` by changing `values[i]` for `i` in `indices`, within
    /// [lower[i], upper[i]], roughly in proportion to the current values. Stops early if the
    /// bounds don't allow the target.
    static func adjust(_ values: inout [Int], indices: [Int], lower: [Int], upper: [Int]?, target: Int) {
        guard !indices.isEmpty else { return }
        var total = values.reduce(0, +)
        func capacity(_ i: Int, up: Bool) -> Int {
            up ? (upper.map { $0[i] - values[i] } ?? Int.max / 4) : values[i] - lower[i]
        }
        // Proportional pass.
        var diff = target - total
        if diff != 0 {
            let up = diff > 0
            var weightSum = 0.0
            for i in indices { weightSum += Double(max(values[i], 1)) }
            let need = abs(diff)
            for i in indices {
                let share = Int(Double(need) * Double(max(values[i], 1)) / weightSum)
                let step = min(share, max(capacity(i, up: up), 0))
                values[i] += up ? step : -step
                total += up ? step : -step
            }
        }
        // ±1 passes for the rest.
        diff = target - total
        while diff != 0 {
            let up = diff > 0
            var moved = false
            for i in indices where diff != 0 && capacity(i, up: up) > 0 {
                values[i] += up ? 1 : -1
                diff += up ? -1 : 1
                moved = true
            }
            if !moved { break }
        }
    }
}
