/// The text of a script, a `-c` argument or a REPL entry, with the name errors print for it.
/// Spans into it are UTF-8 byte offsets; lines and columns are computed only for display.
/// Line ends may be LF, CRLF or a lone CR (old Mac editors); a leading byte order mark
/// (Windows Notepad) is dropped.
public final class SourceFile: @unchecked Sendable {
    public let name: String
    public let text: String
    public let bytes: [UInt8]
    /// Byte offset at which each line starts.
    private let lineStarts: [Int]

    public init(name: String, text: String) {
        self.name = name
        var bytes = Array(text.utf8.dropFirst(text.utf8.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0))
        for i in bytes.indices where bytes[i] == 13 && (i + 1 == bytes.count || bytes[i + 1] != 10) { bytes[i] = 10 }
        self.bytes = bytes
        self.text = String(decoding: bytes, as: UTF8.self)
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// 1-based line and column (in characters) of a byte offset.
    public func lineAndColumn(of offset: Int) -> (line: Int, column: Int) {
        let o = min(max(offset, 0), bytes.count)
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= o { lo = mid } else { hi = mid - 1 }
        }
        let prefix = bytes[lineStarts[lo]..<o]
        let column = String(decoding: prefix, as: UTF8.self).unicodeScalars.count + 1
        return (lo + 1, column)
    }

    /// The text of a 1-based line, without its line break.
    public func line(_ n: Int) -> String {
        guard n >= 1 && n <= lineStarts.count else { return "" }
        let start = lineStarts[n - 1]
        var end = n < lineStarts.count ? lineStarts[n] - 1 : bytes.count
        if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    public func slice(_ span: Span) -> String {
        String(decoding: bytes[max(0, span.start)..<min(bytes.count, span.end)], as: UTF8.self)
    }
}

/// A half-open range of UTF-8 byte offsets into a source file.
public struct Span: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) { self.start = start; self.end = max(start, end) }
    public func to(_ other: Span) -> Span { Span(min(start, other.start), max(end, other.end)) }
    public static let none = Span(0, 0)
}
