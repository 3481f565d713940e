import CMemory
import Foundation
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Reads delimited text (CSV, TSV, semicolon-separated) into a `Table`, working on raw bytes.
///
/// - The encoding is given or detected (see `TextDecoding`); a file that is not UTF-8 is
///   converted to UTF-8 first (GBK is not self-synchronising: fields are split after decoding).
///   Bytes invalid in the encoding are an error, or with skip_bad_rows become U+FFFD, counted.
/// - LF, CRLF or CR line ends. RFC 4180 quoting: a field that starts with `"` may hold
///   delimiters, line breaks and `""`.
/// - The delimiter is given or detected from the first lines.
/// - Header, types, nulls and bad rows: see `TableBuilder`.
public enum CSVReader {
    public static func read(path: String, tableName: String, options: LoadOptions = LoadOptions(),
                            isCancelled: @Sendable () -> Bool = { false }) throws -> Table {
        // A regular file is mapped read-only (its pages can then be handed back as they are read);
        // anything else (a pipe, an empty file) is read into memory.
        let fd = open(path, O_RDONLY)
        var info = stat()
        if fd >= 0 && fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_size > 0,
           let map = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED {
            close(fd)
            defer { munmap(map, Int(info.st_size)) }
            return try parse(UnsafeBufferPointer(start: map.assumingMemoryBound(to: UInt8.self), count: Int(info.st_size)),
                             fileName: path, tableName: tableName, options: options, isCancelled: isCancelled, fileBacked: true)
        }
        if fd >= 0 { close(fd) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Diagnostic(.error, "cannot read \(path): \(describe(error))")
        }
        return try data.withUnsafeBytes { raw in
            try parse(raw.bindMemory(to: UInt8.self), fileName: path, tableName: tableName, options: options, isCancelled: isCancelled)
        }
    }

    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        if ns.domain == NSCocoaErrorDomain && (ns.code == NSFileReadNoSuchFileError || ns.code == 260) { return "no such file" }
        return ns.localizedDescription
    }

    public static func parse(_ all: UnsafeBufferPointer<UInt8>, fileName: String, tableName: String,
                             options: LoadOptions = LoadOptions(), isCancelled: @Sendable () -> Bool = { false },
                             fileBacked: Bool = false) throws -> Table {
        guard all.count > 0 else { throw Diagnostic(.error, "\(fileName) is empty: a header row is needed") }
        let start = TextDecoding.start(all, path: fileName, options: options)
        var (encoding, source) = (start.encoding, start.source)
        let text = start.text
        if encoding == TextDecoding.utf8 {
            do {
                return try parseDecoded(text, source: source, tableName: tableName, options: options, isCancelled: isCancelled,
                                        fileBacked: fileBacked)
            } catch is TableBuilder.NotUTF8 {
                if options.encoding == nil { encoding = TextDecoding.gb18030 }   // not UTF-8 after all
            }
        }
        var decoded = TextDecoding.decode(text, from: encoding)
        if options.encoding == nil && encoding == TextDecoding.gb18030 && decoded.replaced > 0,
           let bad = FieldParsing.firstInvalidUTF8(text.baseAddress!, text.count), bad > decoded.firstBadInput {
            encoding = TextDecoding.utf8   // valid in neither: report the one that reads further (UTF-8 with a damaged byte)
            decoded = TextDecoding.decode(text, from: encoding)
        }
        source.encoding = encoding
        if decoded.replaced > 0 {
            let location = decoded.bytes.withUnsafeBufferPointer { RowScanner.location(in: $0, at: decoded.firstBadOutput, file: fileName) }
            try TextDecoding.checkInvalid(decoded, encoding: encoding, at: location, text: text, options: options, source: &source)
        }
        return try decoded.bytes.withUnsafeBufferPointer {
            try parseDecoded($0, source: source, tableName: tableName, options: options, isCancelled: isCancelled)
        }
    }

    /// Splits UTF-8 text into rows and builds the table.
    /// `fileBacked`: the text is the file's own read-only mapping, so pages already read may be
    /// handed back to the system (they are read again from the file if needed).
    private static func parseDecoded(_ text: UnsafeBufferPointer<UInt8>, source: TableSource, tableName: String,
                                     options: LoadOptions, isCancelled: () -> Bool, fileBacked: Bool = false) throws -> Table {
        guard let base = text.baseAddress, text.count > 0 else { throw Diagnostic(.error, "\(source.path) is empty: a header row is needed") }
        var rows = RowScanner(base: base, length: text.count, delimiter: options.delimiter ?? detectDelimiter(base, text.count))
        rows.fileBacked = fileBacked
        rows.fileName = source.path
        var source = source
        source.delimiter = rows.delimiter
        return try TableBuilder.build(&rows, tableName: tableName, options: options, source: source, isCancelled: isCancelled)
    }

    /// The most frequent of comma, tab and semicolon outside quotes on the first ten lines (a
    /// title line above the header may have none); comma if none.
    static func detectDelimiter(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt8 {
        var counts: [UInt8: Int] = [44: 0, 9: 0, 59: 0]
        var inQuotes = false
        var lines = 0
        var i = 0
        while i < n {
            let c = p[i]
            if c == 34 { inQuotes.toggle() } else if !inQuotes {
                if c == 10 || c == 13 { lines += 1; if lines == 10 { break } }
                if counts[c] != nil { counts[c]! += 1 }
            }
            i += 1
        }
        let best = [UInt8(44), 9, 59].max { counts[$0]! < counts[$1]! }!
        return counts[best]! > 0 ? best : 44
    }
}

/// Where one field lies in the file: bytes `start..<end`, and whether it was quoted
/// (and so may hold `""` to undo).
struct FieldRef {
    var start: Int
    var end: Int
    var quoted: Bool
    var hasEscapes: Bool
}

/// Splits rows into fields. A plain value type over the file's bytes, so a copy can re-read
/// earlier rows.
struct RowScanner: RowSource {
    let base: UnsafePointer<UInt8>
    let length: Int
    let delimiter: UInt8
    var position = 0
    var fileName = ""
    /// The bytes are a read-only file mapping (see `release`).
    var fileBacked = false

    init(base: UnsafePointer<UInt8>, length: Int, delimiter: UInt8) {
        self.base = base
        self.length = length
        self.delimiter = delimiter
    }

    /// Hands the whole pages of `start..<end` back to the system, when the text is a file
    /// mapping: a large load then keeps little of the file resident.
    func release(_ start: Int, _ end: Int) {
        guard fileBacked, end > start else { return }
        tally_release_pages(base + start, end - start)
    }

    /// The same text read only up to `end` (one part of a file split for parallel reading).
    func limited(to end: Int) -> RowScanner {
        var s = RowScanner(base: base, length: end, delimiter: delimiter)
        s.fileName = fileName
        s.fileBacked = fileBacked
        return s
    }

    /// Offsets that cut the text from `start` on into `parts` pieces of about equal size, each
    /// beginning a row: the first line end after each cut that is outside quotes. Whether a cut
    /// falls inside a quoted field follows from the parity of the quotes before it (`""` inside a
    /// field counts twice). Returns `start`, the cuts, and the end; fewer cuts for short text.
    func rowBoundaries(from start: Int, parts: Int) -> [Int] {
        var bounds = [start]
        var quotes = 0          // quotes seen in start..<scanned
        var scanned = start
        for k in 1..<max(1, parts) {
            let cut = start + (length - start) * k / parts
            guard cut > bounds.last! else { continue }
            // Counting the quotes up to the cut, a block at a time, letting each block's pages go
            // until the parts read them.
            while scanned < cut {
                let end = min(cut, scanned + (16 << 20))
                let from = scanned
                while scanned < end {
                    guard let q = memchr(UnsafeRawPointer(base + scanned), 34, end - scanned) else { scanned = end; break }
                    quotes += 1
                    scanned = UnsafeRawPointer(q.assumingMemoryBound(to: UInt8.self)) - UnsafeRawPointer(base) + 1
                }
                release(from, scanned)
            }
            var i = cut, inQuotes = quotes % 2 == 1
            while i < length {
                let c = base[i]
                if c == 34 { inQuotes.toggle() } else if !inQuotes && (c == 10 || c == 13) { break }
                i += 1
            }
            while i < length && (base[i] == 10 || base[i] == 13) { i += 1 }
            for j in cut..<i where base[j] == 34 { quotes += 1 }
            scanned = i
            if i < length && i > bounds.last! { bounds.append(i) }
        }
        bounds.append(length)
        return bounds
    }

    /// Reads the next non-empty row's fields. Returns false at the end of the file.
    mutating func nextRow(into fields: inout [FieldRef]) throws -> Bool {
        // The row's fields are written over the last row's (rows mostly have as many), then the
        // list is cut to them; a row with more fields than the list holds makes room and is read again.
        while true {
            guard let count = try fields.withUnsafeMutableBufferPointer({ try scanRow(into: $0) }) else {
                fields.append(contentsOf: repeatElement(FieldRef(start: 0, end: 0, quoted: false, hasEscapes: false), count: max(8, fields.count)))
                continue
            }
            if fields.count > max(count, 0) { fields.removeSubrange(max(count, 0)...) }
            return count >= 0
        }
    }

    /// `nextRow` into `out`: the number of fields, -1 at the end of the file, nil when `out`
    /// has too few places (nothing is consumed then).
    private mutating func scanRow(into out: UnsafeMutableBufferPointer<FieldRef>) throws -> Int? {
        var count = 0
        @inline(__always) func put(_ f: FieldRef) -> Bool {
            guard count < out.count else { return false }
            out[count] = f
            count += 1
            return true
        }
        let p = base, n = length, delim = delimiter
        var i = position
        // Where the field ends of `bits` start: bit k is set when byte blockAt + k is the
        // delimiter, LF or CR (16 bytes, see `fieldEnds`). Fields shorter than a block share it.
        var blockAt = -16
        var bits: UInt32 = 0
        // Skip empty lines (and lines of spaces only).
        while true {
            var j = i
            while j < n && (p[j] == 32 || p[j] == 9) && delim != p[j] { j += 1 }
            if j < n && (p[j] == 10 || p[j] == 13) {
                i = j + (p[j] == 13 && j + 1 < n && p[j + 1] == 10 ? 2 : 1)
                continue
            }
            if j >= n { position = n; return -1 }
            break
        }
        while true {
            // One field.
            if p[i] == 34 || (p[i] == 32 && firstNonSpaceIsQuote(i)) {
                while p[i] != 34 { i += 1 }
                let open = i
                i += 1
                let start = i
                var escapes = false
                while true {
                    guard i < n else {
                        throw RowError(offset: open, message: "this quoted field is never closed",
                                    notes: ["a quote inside a quoted field is written twice: \"say \"\"hi\"\"\""])
                    }
                    if p[i] == 34 {
                        if i + 1 < n && p[i + 1] == 34 { escapes = true; i += 2; continue }
                        break
                    }
                    i += 1
                }
                guard put(FieldRef(start: start, end: i, quoted: true, hasEscapes: escapes)) else { return nil }
                i += 1
                while i < n && (p[i] == 32 || p[i] == 9) && p[i] != delim { i += 1 }
                if i < n && p[i] != delim && p[i] != 10 && p[i] != 13 {
                    throw RowError(offset: i, message: "unexpected text after a closing quote",
                                notes: ["a quote inside a quoted field is written twice: \"say \"\"hi\"\"\""])
                }
            } else {
                let start = i
                // The first delimiter, LF or CR ends the field: the lowest bit of the block's
                // field ends from i on, else of the next block's. The last 15 bytes of the text
                // are looked at one by one.
                while true {
                    if i - blockAt < 16 {
                        let rest = bits >> UInt32(i - blockAt)
                        if rest != 0 { i += rest.trailingZeroBitCount; break }
                        i = blockAt + 16
                    }
                    guard i + 16 <= n else {
                        while i < n {
                            let c = p[i]
                            if c == delim || c == 10 || c == 13 { break }
                            i += 1
                        }
                        break
                    }
                    blockAt = i
                    bits = RowScanner.fieldEnds(p + i, delim)
                }
                guard put(FieldRef(start: start, end: i, quoted: false, hasEscapes: false)) else { return nil }
            }
            if i >= n { position = n; return count }
            if p[i] == delim {
                i += 1
                if i >= n {
                    guard put(FieldRef(start: n, end: n, quoted: false, hasEscapes: false)) else { return nil }
                    position = n
                    return count
                }
                continue
            }
            // Line end.
            i += (p[i] == 13 && i + 1 < n && p[i + 1] == 10) ? 2 : 1
            position = i
            return count
        }
    }

    /// The field ends among the 16 bytes at `p`: bit k is set when byte k is `delim`, LF or CR.
    /// SSE2 (in every x86-64) compares all 16 at once; elsewhere two 8-byte words do.
    @inline(__always)
    static func fieldEnds(_ p: UnsafePointer<UInt8>, _ delim: UInt8) -> UInt32 {
        #if arch(x86_64)
        let v = _mm_loadu_si128(UnsafeRawPointer(p).assumingMemoryBound(to: __m128i.self))
        let ends = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(CChar(bitPattern: delim))),
                                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(10)), _mm_cmpeq_epi8(v, _mm_set1_epi8(13))))
        return UInt32(truncatingIfNeeded: _mm_movemask_epi8(ends))
        #else
        return fieldEndsInWords(p, delim)
        #endif
    }

    /// `fieldEnds` without SSE2: in each word, the bytes equal to `delim`, LF or CR (exactly: a
    /// byte is zero after the xor when adding 0x7F to its low 7 bits leaves its high bit clear),
    /// one bit per byte gathered by a multiplication.
    static func fieldEndsInWords(_ p: UnsafePointer<UInt8>, _ delim: UInt8) -> UInt32 {
        let ones: UInt64 = 0x0101_0101_0101_0101, lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        func zeros(_ x: UInt64) -> UInt64 { ~(((x & lows) &+ lows) | x | lows) }
        func word(_ w: UInt64) -> UInt32 {
            let z = zeros(w ^ (ones &* UInt64(delim))) | zeros(w ^ (ones &* 10)) | zeros(w ^ (ones &* 13))
            // Byte k's flag to bit k: bit 8k, times 2^(49 − 7k), lands on bit 49 + k (no two products share a bit).
            return UInt32(truncatingIfNeeded: ((z >> 7) &* 0x0002_0408_1020_4081) >> 49) & 0xFF
        }
        let raw = UnsafeRawPointer(p)
        return word(UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)))
            | word(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))) << 8
    }

    private func firstNonSpaceIsQuote(_ from: Int) -> Bool {
        var j = from
        while j < length && (base[j] == 32 || base[j] == 9) { j += 1 }
        return j < length && base[j] == 34
    }

    static var fieldsInPlace: Bool { true }

    /// Calls `body` with the field's bytes: unquoted fields trimmed of spaces and tabs,
    /// quoted fields with `""` turned into `"` (through `scratch`).
    @inline(__always)
    func withField<R>(_ f: FieldRef, scratch: inout [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        if f.hasEscapes {
            scratch.removeAll(keepingCapacity: true)
            var i = f.start
            while i < f.end {
                scratch.append(base[i])
                i += base[i] == 34 ? 2 : 1
            }
            return scratch.withUnsafeBufferPointer { body($0.baseAddress ?? base, $0.count) }
        }
        var s = f.start, e = f.end
        if !f.quoted {
            while s < e && (base[s] == 32 || base[s] == 9) { s += 1 }
            while e > s && (base[e - 1] == 32 || base[e - 1] == 9) { e -= 1 }
        }
        return body(base + s, e - s)
    }

    /// The line on which the row read from `position` starts (after the blank lines `nextRow` skips).
    func rowNumber(at position: Int) -> Int {
        var s = self
        s.position = position
        var fields: [FieldRef] = []
        let start = ((try? s.nextRow(into: &fields)) ?? false) ? fields[0].start : position
        var line = 1
        for i in 0..<min(start, length) where base[i] == 10 || (base[i] == 13 && !(i + 1 < length && base[i + 1] == 10)) { line += 1 }
        return line
    }

    func location(at offset: Int) -> (Diagnostic.Location, note: String?) {
        (RowScanner.location(in: UnsafeBufferPointer(start: base, count: length), at: offset, file: fileName), nil)
    }

    /// The file, line and column of the byte at `offset`, and the line's text.
    static func location(in text: UnsafeBufferPointer<UInt8>, at offset: Int, file: String) -> Diagnostic.Location {
        let base = text.baseAddress!, length = text.count
        var line = 1
        var lineStart = 0
        var i = 0
        while i < offset {
            if base[i] == 10 || (base[i] == 13 && !(i + 1 < length && base[i + 1] == 10)) { line += 1; lineStart = i + 1 }
            i += 1
        }
        var lineEnd = lineStart
        while lineEnd < length && base[lineEnd] != 10 && base[lineEnd] != 13 { lineEnd += 1 }
        let text = String(decoding: UnsafeBufferPointer(start: base + lineStart, count: min(lineEnd - lineStart, 400)), as: UTF8.self)
        let column = String(decoding: UnsafeBufferPointer(start: base + lineStart, count: offset - lineStart), as: UTF8.self).unicodeScalars.count + 1
        return Diagnostic.Location(file: file, line: line, column: column, lineText: text, length: 1)
    }

    /// Resumes after the line on which the row went wrong.
    mutating func skip(past error: RowError) {
        var i = error.offset
        while i < length && base[i] != 10 && base[i] != 13 { i += 1 }
        if i < length { i += base[i] == 13 && i + 1 < length && base[i + 1] == 10 ? 2 : 1 }
        position = i
    }

    /// A text file's rows have all their fields: a short row is an error, not padded.
    mutating func pad(to width: Int) {}

    func estimatedRows(after position: Int, bytesPerRow: Int) -> Int {
        min((length - position) / bytesPerRow + 16, 1 << 26)
    }
}
