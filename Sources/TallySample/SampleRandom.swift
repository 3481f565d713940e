// Deterministic randomness for the sample-data generator.
//
// Everything here gives the same numbers on every run and every machine: the generators are
// pure integer arithmetic, and the few transcendental functions the generator needs (exp, log)
// are computed with +, -, *, / only, so they don't depend on the platform's libm.

/// SplitMix64: used to seed the main generator and to derive independent streams.
struct SampleSplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256**: the generator used for all sampling. One instance per generation phase
/// (`SampleRNG(seed:stream:)`), so that changing one phase doesn't shift the others.
struct SampleRNG {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64, stream: UInt64) {
        var sm = SampleSplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        _ = sm.next()
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// Uniform in 0..<n (n > 0). Lemire's multiply-shift with rejection: unbiased.
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Uniform in lo...hi.
    @inline(__always)
    mutating func int(_ lo: Int, _ hi: Int) -> Int { lo + below(hi - lo + 1) }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [lo, hi).
    @inline(__always)
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Standard normal (Marsaglia's polar method: needs only log and sqrt).
    mutating func normal() -> Double {
        while true {
            let u = 2 * unit() - 1
            let v = 2 * unit() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * SampleMath.log(s) / s).squareRoot()
            }
        }
    }

    /// exp(mu + sigma * N(0,1)).
    mutating func logNormal(mu: Double, sigma: Double) -> Double {
        SampleMath.exp(mu + sigma * normal())
    }

    /// Index picked with probability proportional to `weights` (linear scan: for small tables).
    mutating func pick(_ weights: [Double], total: Double) -> Int {
        var x = unit() * total
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }

    mutating func shuffle<T>(_ a: inout [T]) {
        var i = a.count
        while i > 1 {
            let j = below(i)
            i -= 1
            if i != j { a.swapAt(i, j) }
        }
    }

    /// Moves a uniform random sample of `k` elements to the front of `a` (partial Fisher–Yates).
    mutating func sampleToFront<T>(_ a: inout [T], _ k: Int) {
        let n = a.count
        var i = 0
        while i < min(k, n) {
            let j = i + below(n - i)
            if i != j { a.swapAt(i, j) }
            i += 1
        }
    }
}

/// Walker/Vose alias table: O(1) sampling from a discrete distribution. Each entry packs the
/// 32-bit acceptance threshold (high half) and the alias (low half) so a draw touches one word.
struct SampleAliasTable {
    private var entries: [UInt64]

    init(weights: [Double]) {
        let n = max(weights.count, 1)
        var prob = [Double](repeating: 1, count: n)
        var alias = [Int](repeating: 0, count: n)
        for i in 0..<n { alias[i] = i }
        var total = 0.0
        for w in weights { total += max(w, 0) }
        if !weights.isEmpty && total > 0 {
            var scaled = [Double](repeating: 0, count: n)
            for i in 0..<n { scaled[i] = max(weights[i], 0) * Double(n) / total }
            var small: [Int] = []
            var large: [Int] = []
            small.reserveCapacity(n); large.reserveCapacity(n)
            for i in 0..<n {
                if scaled[i] < 1 { small.append(i) } else { large.append(i) }
            }
            while let s = small.last, let l = large.last {
                small.removeLast()
                prob[s] = scaled[s]
                alias[s] = l
                scaled[l] = (scaled[l] + scaled[s]) - 1
                if scaled[l] < 1 {
                    large.removeLast()
                    small.append(l)
                }
            }
            for l in large { prob[l] = 1; alias[l] = l }
            for s in small { prob[s] = 1; alias[s] = s }
        }
        entries = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            let threshold = prob[i] >= 1 ? UInt64(UInt32.max) : UInt64(prob[i] * 4_294_967_296.0)
            entries[i] = threshold << 32 | UInt64(UInt32(truncatingIfNeeded: alias[i]))
        }
    }

    @inline(__always)
    func sample(_ rng: inout SampleRNG) -> Int {
        let i = rng.below(entries.count)
        let e = entries[i]
        let u = rng.next() >> 32
        return u < (e >> 32) ? i : Int(e & 0xFFFF_FFFF)
    }
}

/// exp and log from basic arithmetic only (bit-identical everywhere; accurate to ~1e-15).
enum SampleMath {
    static let ln2 = 0.693_147_180_559_945_309_417_232_121_458

    static func log(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == 0 ? -.infinity : .nan }
        var e = Int(x.exponent)
        var m = x.significand // [1, 2)
        if m > 1.414_213_562_373_095_048_8 { m /= 2; e += 1 }
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var term = s
        var sum = 0.0
        var k = 1.0
        for _ in 0..<14 {
            sum += term / k
            term *= s2
            k += 2
        }
        return 2 * sum + Double(e) * ln2
    }

    static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 700 { return .infinity }
        if x < -700 { return 0 }
        let k = (x / ln2).rounded()
        let r = x - k * ln2
        var term = 1.0
        var sum = 1.0
        var i = 1.0
        for _ in 0..<20 {
            term *= r / i
            sum += term
            i += 1
        }
        return Double(sign: .plus, exponent: Int(k), significand: sum)
    }
}
