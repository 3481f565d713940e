#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which encoding a text file is in, and turning it into UTF-8 (through the C library's iconv).
///
/// Detection: a byte-order mark says UTF-8, UTF-16LE or UTF-16BE; else the file is UTF-8 if it
/// is valid UTF-8, else GB18030 (a superset of GBK and GB2312, what Excel's "Save as CSV" writes
/// on Chinese Windows). Validity is sniffed on the first 64 KB; the rest is checked as the
/// strings are interned (see `TableBuilder`), so the plain UTF-8 path makes no extra pass.
enum TextDecoding {
    static let utf8 = "UTF-8", gb18030 = "GB18030"

    /// The encoding to read `bytes` with, and how many bytes of byte-order mark to skip.
    static func detect(_ b: UnsafeBufferPointer<UInt8>) -> (encoding: String, bom: Int) {
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { return (utf8, 3) }
        if b.starts(with: [0xFF, 0xFE]) { return ("UTF-16LE", 2) }
        if b.starts(with: [0xFE, 0xFF]) { return ("UTF-16BE", 2) }
        let n = min(b.count, 1 << 16)
        let invalid = n > 0 ? FieldParsing.firstInvalidUTF8(b.baseAddress!, n, allowTruncatedEnd: n < b.count) : nil
        return (invalid == nil ? utf8 : gb18030, 0)
    }

    /// The byte-order mark of a given encoding, skipped when the file starts with it.
    static func bomLength(_ b: UnsafeBufferPointer<UInt8>, for encoding: String) -> Int {
        switch canonical(encoding) {
        case utf8: b.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        case "UTF-16LE": b.starts(with: [0xFF, 0xFE]) ? 2 : 0
        case "UTF-16BE": b.starts(with: [0xFE, 0xFF]) ? 2 : 0
        default: 0
        }
    }

    /// The name as iconv and the provenance write it: `utf8` → `UTF-8`, `gbk` → `GBK`.
    static func canonical(_ name: String) -> String {
        let upper = name.uppercased()
        return upper == "UTF8" ? utf8 : upper
    }

    static func isKnown(_ name: String) -> Bool {
        let cd = iconv_open(utf8, canonical(name))
        if cd == iconv_t(bitPattern: -1) { return false }
        iconv_close(cd)
        return true
    }

    /// The note for a file that is not valid in the encodings `failed` (given, or detected):
    /// an encoding that reads all of it without an invalid byte — UTF-8, GB18030, or CP936
    /// (Windows GBK, with € as 0x80), tried in that order — else the others to try.
    static func hint(_ text: UnsafeBufferPointer<UInt8>, failed: [String]) -> String {
        var tried = Set(failed.map(canonical))
        for candidate in [utf8, gb18030, "CP936"] where !tried.contains(candidate) {
            if decode(text, from: candidate).replaced == 0 {
                return "the file reads as \(candidate) without an invalid byte: with encoding \(Lexical.string(candidate.lowercased()))"
            }
            tried.formUnion(candidate == "CP936" ? ["CP936", "GBK"] : [candidate])
        }
        let others = LoadOptions.encodingNames.filter { !tried.contains(canonical($0)) }
        guard let last = others.last else { return "give the file's encoding: with encoding \"…\"" }
        return "if it is in another encoding, give it: with encoding "
            + (others.count > 1 ? others.dropLast().map(Lexical.string).joined(separator: ", ") + " or " : "") + Lexical.string(last)
            + ", or another name iconv knows"
    }

    struct Decoded {
        var bytes: [UInt8]
        /// Byte sequences that were not valid in the encoding, each replaced by U+FFFD.
        var replaced = 0
        /// The first such byte: its offset in the input, its value, and where its U+FFFD is in `bytes`.
        var firstBadInput = 0
        var firstBadByte: UInt8 = 0
        var firstBadOutput = 0
    }

    /// Converts `input` from `encoding` to UTF-8. Each invalid byte becomes U+FFFD and is counted.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, from encoding: String) -> Decoded {
        let cd = iconv_open(utf8, canonical(encoding))
        precondition(cd != iconv_t(bitPattern: -1), "encoding checked by LoadOptions")
        defer { iconv_close(cd) }
        var result = Decoded(bytes: [UInt8](repeating: 0, count: input.count + input.count / 2 + 16))
        guard let base = input.baseAddress else { result.bytes = []; return result }
        var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        var written = 0
        while true {
            let outroom = result.bytes.count - written
            var outLeft = outroom
            let status = result.bytes.withUnsafeMutableBytes { out -> Int in
                var outPtr: UnsafeMutablePointer<CChar>? = out.baseAddress!.advanced(by: written).assumingMemoryBound(to: CChar.self)
                return iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            }
            let err = errno
            written += outroom - outLeft
            if status != -1 { break }
            if err == E2BIG || result.bytes.count - written < 3 {
                result.bytes.append(contentsOf: repeatElement(0, count: result.bytes.count / 2 + 16))
                continue
            }
            // EILSEQ (invalid) or EINVAL (cut off at the end): replace one byte and go on.
            let at = input.count - inLeft
            if result.replaced == 0 {
                result.firstBadInput = at
                result.firstBadByte = input[at]
                result.firstBadOutput = written
            }
            result.replaced += 1
            result.bytes[written] = 0xEF; result.bytes[written + 1] = 0xBF; result.bytes[written + 2] = 0xBD
            written += 3
            inPtr = inPtr! + 1
            inLeft -= 1
            if inLeft == 0 { break }
        }
        result.bytes.removeLast(result.bytes.count - written)
        return result
    }
}

extension TextDecoding {
    /// A text file's encoding, as given or detected, the byte-order mark to skip, and the
    /// provenance it starts.
    static func start(_ all: UnsafeBufferPointer<UInt8>, path: String, options: LoadOptions)
        -> (encoding: String, text: UnsafeBufferPointer<UInt8>, source: TableSource, bom: Int) {
        let (encoding, bom) = options.encoding.map { ($0, bomLength(all, for: $0)) } ?? detect(all)
        var source = TableSource(path: path)
        source.byteOrderMark = bom > 0
        if encoding == utf8 { source.encoding = encoding }
        return (encoding, UnsafeBufferPointer(rebasing: all[bom...]), source, bom)
    }

    /// After decoding: a byte invalid in the encoding is an error at the first (`location`), or
    /// with skip_bad_rows they are counted, with a warning. `text` is tried in other encodings
    /// for the error's hint.
    static func checkInvalid(_ decoded: Decoded, encoding: String, at location: Diagnostic.Location, text: UnsafeBufferPointer<UInt8>,
                             options: LoadOptions, source: inout TableSource) throws {
        guard decoded.replaced > 0 else { return }
        let message = "byte \(String(format: "0x%02X", decoded.firstBadByte)) is not valid \(encoding)"
        guard options.skipBadRows else {
            throw Diagnostic(.error, message, at: location,
                             notes: [(options.encoding == nil ? "the file is neither valid UTF-8 nor GB18030 (GBK); " : "")
                                        + hint(text, failed: options.encoding == nil ? [utf8, gb18030] : [encoding]),
                                     "or read the bad bytes as \u{FFFD}: with skip_bad_rows true"])
        }
        source.replacedBytes = decoded.replaced
        source.warnings.append(Diagnostic(.warning, "\(decoded.replaced) invalid byte\(decoded.replaced == 1 ? "" : "s") replaced by \u{FFFD}; the first: \(message)", at: location))
    }

    /// Converts the file at `path` from `encoding` to UTF-8 into `output` (a descriptor), a block
    /// at a time (memory bounded by the block, whatever the file's size), skipping `skip` bytes
    /// of byte-order mark. A character cut off at a block's end is carried over to the next;
    /// each invalid byte becomes U+FFFD and is counted, as `decode` does (`bytes` stays empty;
    /// the offsets are the file's and the output's). `advance` is told of each block read.
    static func decodeFile(_ path: String, skip: Int, from encoding: String, to output: Int32,
                           advance: (Int) -> Void = { _ in }) throws -> Decoded {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Diagnostic(.error, "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let cd = iconv_open(utf8, canonical(encoding))
        precondition(cd != iconv_t(bitPattern: -1), "encoding checked by LoadOptions")
        defer { iconv_close(cd) }
        let block = 4 << 20
        var input = [UInt8](repeating: 0, count: block), out = [UInt8](repeating: 0, count: block * 2 + 16)
        var result = Decoded(bytes: [])
        var carried = 0, consumed = skip, written = 0, atEnd = false
        if skip > 0 { lseek(fd, off_t(skip), SEEK_SET) }
        func write(_ bytes: [UInt8]) throws {
            let failed = AtomicFile.writeAll(bytes, to: output)
            if failed != 0 { throw Diagnostic(.error, "cannot write the UTF-8 copy of \(path): \(String(cString: strerror(failed)))") }
        }
        while !atEnd || carried > 0 {
            // Fill the block after what the last one left.
            var filled = carried
            while !atEnd && filled < block {
                let n = input.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, block - filled) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw Diagnostic(.error, "cannot read \(path): \(String(cString: strerror(errno)))") }
                if n == 0 { atEnd = true } else { filled += n; advance(n) }
            }
            var start = 0
            while start < filled {
                var inLeft = filled - start, outLeft = out.count
                let status = input.withUnsafeMutableBytes { inBuf in
                    out.withUnsafeMutableBytes { outBuf in
                        var inPtr: UnsafeMutablePointer<CChar>? = inBuf.baseAddress!.advanced(by: start).assumingMemoryBound(to: CChar.self)
                        var outPtr: UnsafeMutablePointer<CChar>? = outBuf.baseAddress!.assumingMemoryBound(to: CChar.self)
                        return iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    }
                }
                let err = errno
                let produced = out.count - outLeft
                try write(Array(out[..<produced]))
                written += produced
                let stopped = filled - inLeft
                if status != -1 { start = filled; break }
                if err == E2BIG { start = stopped; continue }
                // A character cut off by the block's end waits for the next block.
                if err == EINVAL && !atEnd { start = stopped; break }
                // EILSEQ (invalid), or cut off at the file's end: replace one byte and go on.
                if result.replaced == 0 {
                    result.firstBadInput = consumed + stopped
                    result.firstBadByte = input[stopped]
                    result.firstBadOutput = written
                }
                result.replaced += 1
                try write([0xEF, 0xBF, 0xBD])
                written += 3
                start = stopped + 1
            }
            // Keep the unconverted tail for the next block.
            carried = filled - start
            if carried > 0 { input.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: carried) } }
            consumed += start
        }
        return result
    }
}
