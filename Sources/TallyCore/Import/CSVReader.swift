import Foundation

/// How to read a delimited text file. `nil` means "detect".
public struct CSVOptions: Sendable, Equatable {
    public var delimiter: UInt8?
    public init(delimiter: UInt8? = nil) { self.delimiter = delimiter }
}

/// Reads delimited text (CSV, TSV, semicolon-separated) into a `Table`, working on raw bytes.
///
/// - UTF-8, with or without a byte-order mark; LF, CRLF or CR line ends.
/// - RFC 4180 quoting: a field that starts with `"` may hold delimiters, line breaks and `""`.
/// - The first row names the columns. Unquoted fields are trimmed of spaces and tabs; an empty
///   field is null; empty lines are skipped.
/// - Each column's type is inferred over all rows (see `ColumnBuilder`).
/// - A row with more or fewer fields than the header, or an unterminated quote, is an error
///   naming the file, line and column.
public enum CSVReader {
    public static func read(path: String, tableName: String, options: CSVOptions = CSVOptions(),
                            isCancelled: @Sendable () -> Bool = { false }) throws -> Table {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
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
                             options: CSVOptions = CSVOptions(), isCancelled: @Sendable () -> Bool = { false }) throws -> Table {
        guard let base0 = all.baseAddress, all.count > 0 else {
            throw Diagnostic(.error, "\(fileName) is empty: a header row is needed")
        }
        var base = base0
        var length = all.count
        if length >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { base += 3; length -= 3 }
        var scanner = RowScanner(base: base, length: length, delimiter: options.delimiter ?? detectDelimiter(base, length))
        scanner.fileName = fileName

        var headerFields: [FieldRef] = []
        guard try scanner.nextRow(into: &headerFields) else {
            throw Diagnostic(.error, "\(fileName) has no header row")
        }
        let names = uniqueNames(headerFields.map { scanner.text(of: $0) })
        let columnCount = names.count
        let approxRowBytes = max(8, scanner.position)
        let expectedRows = min(length / approxRowBytes + 16, 1 << 26)
        var builders = [ColumnBuilder](repeating: ColumnBuilder(expectedRows: expectedRows), count: columnCount)
        var rowStarts: [Int] = []
        rowStarts.reserveCapacity(expectedRows)
        var fields: [FieldRef] = []
        fields.reserveCapacity(columnCount)
        var scratch: [UInt8] = []

        while true {
            let start = scanner.position
            guard try scanner.nextRow(into: &fields) else { break }
            if fields.count != columnCount {
                throw scanner.error(at: start, fields.count < columnCount
                    ? "this row has \(fields.count) field\(fields.count == 1 ? "" : "s"), the header has \(columnCount)"
                    : "this row has \(fields.count) fields, the header has \(columnCount)",
                    notes: ["a field holding the delimiter or a line break must be quoted: \"a,b\""])
            }
            let row = rowStarts.count
            if row & 0xFFFF == 0xFFFF && isCancelled() { throw Diagnostic(.error, "cancelled") }
            rowStarts.append(start)
            for c in 0..<columnCount {
                let ok = scanner.withField(fields[c], scratch: &scratch) { p, n in builders[c].append(p, n) }
                if !ok { try replay(column: c, rows: row, rowStarts: rowStarts, builder: &builders[c], scanner: scanner) }
            }
        }
        let columns = zip(names, builders).map { Table.Column(name: $0, vector: $1.finish()) }
        let delimiterName = scanner.delimiter == 9 ? "tab" : "'\(Character(Unicode.Scalar(scanner.delimiter)))'"
        return Table(name: tableName, columns: columns, rowCount: rowStarts.count,
                     source: "\(fileName) (UTF-8, delimiter \(delimiterName), header row 1)")
    }

    /// The column became text at `rows`: feed it the earlier rows' fields, then the current one.
    private static func replay(column c: Int, rows: Int, rowStarts: [Int], builder: inout ColumnBuilder,
                               scanner: RowScanner) throws {
        var s = scanner
        var fields: [FieldRef] = []
        var scratch: [UInt8] = []
        for r in 0...rows {
            s.position = rowStarts[r]
            _ = try s.nextRow(into: &fields)
            s.withField(fields[c], scratch: &scratch) { p, n in builder.appendString(p, n) }
        }
    }

    /// The most frequent of comma, tab and semicolon outside quotes on the first line; comma if none.
    static func detectDelimiter(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt8 {
        var counts: [UInt8: Int] = [44: 0, 9: 0, 59: 0]
        var inQuotes = false
        var i = 0
        while i < n {
            let c = p[i]
            if c == 34 { inQuotes.toggle() } else if !inQuotes {
                if c == 10 || c == 13 { break }
                if counts[c] != nil { counts[c]! += 1 }
            }
            i += 1
        }
        let best = [UInt8(44), 9, 59].max { counts[$0]! < counts[$1]! }!
        return counts[best]! > 0 ? best : 44
    }

    static func uniqueNames(_ raw: [String]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for (i, r) in raw.enumerated() {
            var name = r.isEmpty ? "column_\(i + 1)" : r
            if seen.contains(name) {
                var k = 2
                while seen.contains("\(name)_\(k)") { k += 1 }
                name = "\(name)_\(k)"
            }
            seen.insert(name)
            out.append(name)
        }
        return out
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
struct RowScanner {
    let base: UnsafePointer<UInt8>
    let length: Int
    let delimiter: UInt8
    var position = 0
    var fileName = ""

    init(base: UnsafePointer<UInt8>, length: Int, delimiter: UInt8) {
        self.base = base
        self.length = length
        self.delimiter = delimiter
    }

    /// Reads the next non-empty row's fields. Returns false at the end of the file.
    mutating func nextRow(into fields: inout [FieldRef]) throws -> Bool {
        fields.removeAll(keepingCapacity: true)
        let p = base, n = length, delim = delimiter
        var i = position
        // Skip empty lines (and lines of spaces only).
        while true {
            var j = i
            while j < n && (p[j] == 32 || p[j] == 9) && delim != p[j] { j += 1 }
            if j < n && (p[j] == 10 || p[j] == 13) {
                i = j + (p[j] == 13 && j + 1 < n && p[j + 1] == 10 ? 2 : 1)
                continue
            }
            if j >= n { position = n; return false }
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
                        throw error(at: open, "this quoted field is never closed",
                                    notes: ["a quote inside a quoted field is written twice: \"say \"\"hi\"\"\""])
                    }
                    if p[i] == 34 {
                        if i + 1 < n && p[i + 1] == 34 { escapes = true; i += 2; continue }
                        break
                    }
                    i += 1
                }
                fields.append(FieldRef(start: start, end: i, quoted: true, hasEscapes: escapes))
                i += 1
                while i < n && (p[i] == 32 || p[i] == 9) && p[i] != delim { i += 1 }
                if i < n && p[i] != delim && p[i] != 10 && p[i] != 13 {
                    throw error(at: i, "unexpected text after a closing quote",
                                notes: ["a quote inside a quoted field is written twice: \"say \"\"hi\"\"\""])
                }
            } else {
                let start = i
                while i < n {
                    let c = p[i]
                    if c == delim || c == 10 || c == 13 { break }
                    i += 1
                }
                fields.append(FieldRef(start: start, end: i, quoted: false, hasEscapes: false))
            }
            if i >= n { position = n; return true }
            if p[i] == delim { i += 1; if i >= n { fields.append(FieldRef(start: n, end: n, quoted: false, hasEscapes: false)); position = n; return true }; continue }
            // Line end.
            i += (p[i] == 13 && i + 1 < n && p[i + 1] == 10) ? 2 : 1
            position = i
            return true
        }
    }

    private func firstNonSpaceIsQuote(_ from: Int) -> Bool {
        var j = from
        while j < length && (base[j] == 32 || base[j] == 9) { j += 1 }
        return j < length && base[j] == 34
    }

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

    func text(of f: FieldRef) -> String {
        var scratch: [UInt8] = []
        return withField(f, scratch: &scratch) { p, n in String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self) }
    }

    /// A located error about the byte at `offset`: the file, line and column, and the line.
    func error(at offset: Int, _ message: String, notes: [String] = []) -> Diagnostic {
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
        return Diagnostic(.error, message, at: .init(file: fileName, line: line, column: column, lineText: text, length: 1), notes: notes)
    }
}
