import Foundation

/// Writes one CSV file through a large reusable byte buffer; no String per field on the hot path.
final class SampleCSVWriter {
    let name: String
    private let handle: FileHandle
    private let path: String
    private let capacity: Int
    private let buffer: UnsafeMutablePointer<UInt8>
    private var count = 0
    private(set) var bytesWritten = 0
    private(set) var rows = 0
    private var closed = false

    /// The longest row a caller may write between two `endRow()` calls.
    static let maxRowBytes = 8192

    init(directory: URL, name: String, header: [String], capacity: Int = 4 << 20) throws {
        self.name = name
        self.capacity = capacity
        let url = directory.appendingPathComponent(name)
        path = url.path
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw SampleError("cannot create file \(path)")
        }
        do {
            handle = try FileHandle(forWritingTo: url)
        } catch {
            throw SampleError("cannot open \(path) for writing: \(error.localizedDescription)")
        }
        buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        for (i, column) in header.enumerated() {
            if i > 0 { byte(0x2C) }
            text(column)
        }
        newline()
        rows = 0
    }

    deinit {
        buffer.deallocate()
        hourPrefixes.deallocate()
        minuteSeconds.deallocate()
        if !closed { try? handle.close() }
    }

    // MARK: Appending

    @inline(__always)
    func byte(_ b: UInt8) {
        buffer[count] = b
        count += 1
    }

    @inline(__always)
    func comma() { byte(0x2C) }

    /// Ends a data row (counts it) and flushes when the buffer is nearly full.
    @inline(__always)
    func endRow() throws {
        byte(0x0A)
        rows += 1
        if count > capacity - Self.maxRowBytes { try flush() }
    }

    private func newline() { byte(0x0A) }

    @inline(__always)
    func bytes(_ b: [UInt8]) {
        b.withUnsafeBufferPointer { src in
            (buffer + count).update(from: src.baseAddress!, count: src.count)
        }
        count += b.count
    }

    /// Appends a field that may hold a comma, quote or line break, quoting it as RFC 4180 says.
    func field(_ b: [UInt8]) {
        var needsQuotes = false
        for c in b where c == 0x2C || c == 0x22 || c == 0x0A || c == 0x0D { needsQuotes = true; break }
        if !needsQuotes { bytes(b); return }
        byte(0x22)
        for c in b {
            if c == 0x22 { byte(0x22) }
            byte(c)
        }
        byte(0x22)
    }

    func text(_ s: String) { field(Array(s.utf8)) }

    /// Non-negative integer in decimal.
    @inline(__always)
    func int(_ value: Int) {
        var v = value
        if v < 0 { byte(0x2D); v = -v }
        if v < 10 { byte(UInt8(48 + v)); return }
        var digits = 0
        var t = v
        while t > 0 { digits += 1; t /= 10 }
        var i = count + digits - 1
        while v > 0 {
            buffer[i] = UInt8(48 + v % 10)
            v /= 10
            i -= 1
        }
        count += digits
    }

    /// Integer zero-padded to `width` digits.
    @inline(__always)
    func padded(_ value: Int, width: Int) {
        var v = value
        var digits = 0
        var t = v
        repeat { digits += 1; t /= 10 } while t > 0
        let w = max(width, digits)
        var i = count + w - 1
        for _ in 0..<w {
            buffer[i] = UInt8(48 + v % 10)
            v /= 10
            i -= 1
        }
        count += w
    }

    /// `YYYY-MM-DD HH:MM:SS` for a second offset from the period's start (0 ..< 62 days).
    @inline(__always)
    func timestamp(_ secondsFromStart: Int) {
        let hour = secondsFromStart / 3600
        let rest = secondsFromStart - hour * 3600
        // "2020-10-13 19:" is 14 bytes, stored as two words; "MM:SS" is 5 bytes of one word.
        let raw = UnsafeMutableRawPointer(buffer + count)
        raw.storeBytes(of: hourPrefixes[2 * hour], as: UInt64.self)
        raw.storeBytes(of: hourPrefixes[2 * hour + 1], toByteOffset: 8, as: UInt64.self)
        raw.storeBytes(of: minuteSeconds[rest], toByteOffset: 14, as: UInt64.self)
        count += 19
    }

    /// A prefix of two ASCII letters and a number whose digits were packed by `packDigits`.
    @inline(__always)
    func prefixedId(_ a: UInt8, _ b: UInt8, _ packed: UInt64, width: Int) {
        buffer[count] = a
        buffer[count + 1] = b
        UnsafeMutableRawPointer(buffer + count + 2).storeBytes(of: packed, as: UInt64.self)
        count += 2 + width
    }

    /// The ASCII digits of `value`, zero-padded to `width` (at most 8), packed little-endian.
    static func packDigits(_ value: Int, width: Int) -> UInt64 {
        var v = value
        var packed: UInt64 = 0
        for i in stride(from: width - 1, through: 0, by: -1) {
            packed |= UInt64(48 + v % 10) << (8 * UInt64(i))
            v /= 10
        }
        return packed
    }

    private let hourPrefixes: UnsafeMutablePointer<UInt64> = {
        let hours = SampleCalendar.dayCount * 24
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: 2 * hours)
        for h in 0..<hours {
            var bytes = SampleCalendar.dayPrefixes[h / 24]
            bytes += [UInt8(48 + (h % 24) / 10), UInt8(48 + (h % 24) % 10), 0x3A, 0x20, 0x20]
            var lo: UInt64 = 0, hi: UInt64 = 0
            for i in 0..<8 { lo |= UInt64(bytes[i]) << (8 * UInt64(i)) }
            for i in 0..<8 { hi |= UInt64(bytes[8 + i]) << (8 * UInt64(i)) }
            p[2 * h] = lo
            p[2 * h + 1] = hi
        }
        return p
    }()

    private let minuteSeconds: UnsafeMutablePointer<UInt64> = {
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: 3600)
        for x in 0..<3600 {
            let bytes: [UInt8] = [UInt8(48 + x / 600), UInt8(48 + (x / 60) % 10), 0x3A, UInt8(48 + (x % 60) / 10), UInt8(48 + x % 10)]
            var v: UInt64 = 0
            for i in 0..<5 { v |= UInt64(bytes[i]) << (8 * UInt64(i)) }
            p[x] = v
        }
        return p
    }()

    // MARK: Output

    func flush() throws {
        guard count > 0 else { return }
        let data = Data(bytes: buffer, count: count)
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw SampleError("cannot write \(path): \(error.localizedDescription)")
        }
        bytesWritten += count
        count = 0
    }

    func close() throws {
        try flush()
        closed = true
        do { try handle.close() } catch {
            throw SampleError("cannot close \(path): \(error.localizedDescription)")
        }
    }
}

/// The period's days: 2020-10-13 … 2020-12-13 (62 days). Day 0 is a Tuesday.
enum SampleCalendar {
    static let dayCount = 62
    static let periodSeconds = dayCount * 86_400

    /// "2020-10-13 " etc., one per day of the period.
    static let dayPrefixes: [[UInt8]] = {
        var result: [[UInt8]] = []
        var month = 10, day = 13
        for _ in 0..<dayCount {
            let s = "2020-" + (month < 10 ? "0" : "") + String(month) + "-" + (day < 10 ? "0" : "") + String(day) + " "
            result.append(Array(s.utf8))
            day += 1
            let monthLength = month == 11 ? 30 : 31
            if day > monthLength { day = 1; month += 1 }
        }
        return result
    }()

    /// 0 = Monday … 6 = Sunday.
    static func weekday(_ day: Int) -> Int { (day + 1) % 7 }

    /// Relative activity by hour of day: quiet at night, busy in the evening.
    static let hourWeights: [Double] = [
        0.45, 0.2, 0.1, 0.06, 0.05, 0.1, 0.35, 0.9, 1.5, 2.0, 2.2, 1.9,
        1.3, 1.2, 1.8, 2.1, 2.0, 1.7, 1.9, 3.3, 4.0, 3.8, 2.6, 1.2,
    ]
}
