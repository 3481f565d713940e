import CZlib   // zlib, which ZIPFoundation links
import Foundation
import ZIPFoundation

/// Reads one sheet of an .xlsx workbook (the first, or the one named) into a table.
///
/// The workbook (`Workbook`) is a zip of XML parts (`XMLScanner`), listed by ZIPFoundation and
/// inflated by `PartReader`: `workbook.xml` lists the sheets and their relationship ids, resolved to files through `workbook.xml.rels`;
/// `sharedStrings.xml` holds the texts that cells cite by index (Excel and xlsxwriter; openpyxl
/// writes inline strings); `styles.xml` maps a cell's style to its number format, which tells
/// dates (serial numbers with a date format: built-in ids 14–22, 27–36, 45–47, 50–58, or a
/// custom format with y/m/d/h/s outside quotes) and percentages from plain numbers.
///
/// Each cell becomes text that `TableBuilder` reads like a CSV field: numbers as stored, dates
/// as `2020-10-13` or `2020-10-13 08:30:00` (serial 60 is the fictitious 1900-02-29, read as
/// 1900-02-28; `date1904` workbooks count from 1904), percentages as shown (a "0.00%" cell
/// holding 0.9213 gives `92.13%`, read as 92.13 just as that text in a CSV), booleans as
/// true/false. Error cells (`#DIV/0!`, `#N/A` …) are null. Rows and cells may be missing.
///
/// The sheet's XML is inflated and scanned a window at a time (`SheetStream`): a load holds the
/// cells' texts, not the XML; `tally convert` holds one batch of rows.
enum XLSXReader {
    static func read(path: String, tableName: String, options: LoadOptions,
                     isCancelled: @Sendable () -> Bool = { false }) throws -> Table {
        try Workbook.open(path) { book in
            let (index, source) = try book.chosenSheet(options, isCancelled: isCancelled)
            var stream = try book.sheet(index, options: options)
            var rows = try book.reading(index) { try stream.next(limit: .max, isCancelled: isCancelled) }
                ?? SheetRows(file: path, sheetName: book.sheets[index].name)
            return try TableBuilder.build(&rows, tableName: tableName, options: options, source: source, isCancelled: isCancelled)
        }
    }

    /// The part a relationship of `xl/workbook.xml` points to: targets are absolute
    /// (`/xl/worksheets/sheet1.xml`) or relative to `xl/`.
    static func partName(target t: String) -> String {
        t.hasPrefix("/") ? String(t.dropFirst()) : "xl/" + t
    }

    /// What is wrong with one part of a workbook; `read` names the file and the part.
    struct Damage: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// A value for a message: its first 24 characters, `…` for the rest.
    static func shown(_ s: String) -> String { s.count > 24 ? s.prefix(24) + "…" : s }
    static func shown(_ bytes: [UInt8]) -> String { shown(String(decoding: bytes.prefix(100), as: UTF8.self)) }

    static let damageHint = "if Excel opens the workbook, save it again from Excel and load that copy"

    /// The texts of `sharedStrings.xml`: each `<si>`'s `<t>` runs, without phonetic (`<rPh>`) runs.
    static func sharedStrings(_ bytes: [UInt8]) throws -> [[UInt8]] {
        try bytes.withUnsafeBufferPointer { buf in
            var x = XMLScanner(buf)
            var out: [[UInt8]] = []
            var current: [UInt8] = []
            var inText = false, inPhonetic = false
            while let e = x.next() {
                switch e {
                case .start(let name, _, let empty):
                    if x.isName(name, "si") { current = []; if empty { out.append([]) } }
                    else if x.isName(name, "t") { inText = !empty && !inPhonetic }
                    else if x.isName(name, "rPh") { inPhonetic = !empty }
                case .end(let name):
                    if x.isName(name, "si") { out.append(unescapeOOXML(current)) }
                    else if x.isName(name, "t") { inText = false }
                    else if x.isName(name, "rPh") { inPhonetic = false }
                case .text(let r):
                    if inText { x.appendText(r, to: &current) }
                }
            }
            try x.finish()
            return out
        }
    }

    /// Undoes OOXML's `_xHHHH_` escapes for control characters (`_x000D_` is a carriage return).
    static func unescapeOOXML(_ s: [UInt8]) -> [UInt8] {
        guard s.count >= 7, s.contains(95) else { return s }
        var out: [UInt8] = []
        var i = 0
        while i < s.count {
            if s[i] == 95, i + 6 < s.count, s[i + 1] == 120, s[i + 6] == 95,
               let v = UInt32(String(decoding: s[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16), let u = Unicode.Scalar(v) {
                out.append(contentsOf: Array(String(u).utf8))
                i += 7
            } else {
                out.append(s[i]); i += 1
            }
        }
        return out
    }

    enum NumberKind { case plain, date, timestamp, percent }

    /// What each cell style (`s`, an index into `<cellXfs>`) makes of a number.
    static func cellFormats(_ bytes: [UInt8]) throws -> [NumberKind] {
        try bytes.withUnsafeBufferPointer { buf in
            var x = XMLScanner(buf)
            var custom: [Int: String] = [:]
            var out: [NumberKind] = []
            var inCellXfs = false
            while let e = x.next() {
                switch e {
                case .start(let name, let attrs, let empty):
                    if x.isName(name, "numFmt"), let id = x.attributeString("numFmtId", in: attrs).flatMap({ Int($0) }) {
                        custom[id] = x.attributeString("formatCode", in: attrs) ?? ""
                    } else if x.isName(name, "cellXfs") {
                        inCellXfs = !empty
                    } else if inCellXfs && x.isName(name, "xf") {
                        let id = x.attributeString("numFmtId", in: attrs).flatMap { Int($0) } ?? 0
                        out.append(custom[id].map(kind(ofFormat:)) ?? kind(ofBuiltIn: id))
                    }
                case .end(let name):
                    if x.isName(name, "cellXfs") { inCellXfs = false }
                case .text:
                    break
                }
            }
            try x.finish()
            return out
        }
    }

    static func kind(ofBuiltIn id: Int) -> NumberKind {
        switch id {
        case 9, 10: .percent
        case 14...17, 27...31, 36, 50...58: .date
        case 18...22, 32...35, 45...47: .timestamp
        default: .plain
        }
    }

    /// A custom format's kind: its letters outside quotes, brackets (colours, locales) and
    /// backslash escapes. `[h]`, `[mm]`, `[ss]` are elapsed times.
    static func kind(ofFormat code: String) -> NumberKind {
        var letters = ""
        var inQuote = false, inBracket = false, escaped = false
        for ch in code.lowercased() {
            if escaped { escaped = false; continue }
            switch ch {
            case "\\": escaped = true
            case "\"": inQuote.toggle()
            case "[": if !inQuote { inBracket = true }
            case "]": if !inQuote { inBracket = false }
            default:
                if inBracket && !"hms".contains(ch) { continue }
                if !inQuote { letters.append(ch) }
            }
        }
        if letters.contains("h") || letters.contains("s") { return .timestamp }
        if letters.contains("y") || letters.contains("d") { return .date }
        return letters.contains("%") ? .percent : .plain
    }
}

/// An open .xlsx workbook: its sheets, shared strings and cell formats, the file mapped while
/// `open`'s body runs. A sheet's rows are read through `sheet` (a `SheetStream`), inside
/// `reading`, which tells a damaged part as the sheet's.
struct Workbook {
    let path: String
    private let file: UnsafeBufferPointer<UInt8>
    private let archive: Archive
    private(set) var sheets: [(name: String, id: String)] = []
    private var targets: [String: String] = [:]     // relationship id → part
    private var shared: [[UInt8]]?
    private var formats: [XLSXReader.NumberKind]?
    private var date1904 = false

    static func open<R>(_ path: String, _ body: (Workbook) throws -> R) throws -> R {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw Diagnostic(.error, "cannot read \(path): it is not an .xlsx workbook (not a zip archive)")
        }
        return try Converter.mapped(path) { file in
            guard let file else { throw Diagnostic(.error, "cannot read \(path): it is not an .xlsx workbook (not a zip archive)") }
            return try body(try Workbook(path: path, file: file, archive: archive))
        }
    }

    private init(path: String, file: UnsafeBufferPointer<UInt8>, archive: Archive) throws {
        self.path = path
        self.file = file
        self.archive = archive
        guard let workbook = try part("xl/workbook.xml") else {
            throw Diagnostic(.error, "cannot read \(path): it has no xl/workbook.xml (is it an .xlsx workbook?)")
        }
        var sheets: [(name: String, id: String)] = []
        var date1904 = false
        try parse("xl/workbook.xml", workbook) { bytes in
            try bytes.withUnsafeBufferPointer { buf in
                var x = XMLScanner(buf)
                while let e = x.next() {
                    guard case .start(let name, let attrs, _) = e else { continue }
                    if x.isName(name, "sheet") {
                        sheets.append((x.attributeString("name", in: attrs) ?? "", x.attributeString("id", in: attrs) ?? ""))
                    } else if x.isName(name, "workbookPr") {
                        date1904 = ["1", "true"].contains(x.attributeString("date1904", in: attrs) ?? "")
                    }
                }
                try x.finish()
            }
        }
        guard !sheets.isEmpty else { throw Diagnostic(.error, "\(path) has no sheets") }
        self.sheets = sheets
        self.date1904 = date1904
        var targets: [String: String] = [:]
        if let rels = try part("xl/_rels/workbook.xml.rels") {
            try parse("xl/_rels/workbook.xml.rels", rels) { bytes in
                try bytes.withUnsafeBufferPointer { buf in
                    var x = XMLScanner(buf)
                    while let e = x.next() {
                        guard case .start(let name, let attrs, _) = e, x.isName(name, "Relationship"),
                              let id = x.attributeString("Id", in: attrs), let t = x.attributeString("Target", in: attrs) else { continue }
                        targets[id] = XLSXReader.partName(target: t)
                    }
                    try x.finish()
                }
            }
        }
        self.targets = targets
        shared = try part("xl/sharedStrings.xml").map { try parse("xl/sharedStrings.xml", $0, XLSXReader.sharedStrings) }
        formats = try part("xl/styles.xml").map { try parse("xl/styles.xml", $0, XLSXReader.cellFormats) }
    }

    /// A whole (small) part, or nil when the workbook has none.
    private func part(_ name: String) throws -> [UInt8]? {
        guard let entry = archive[name] else { return nil }
        do { return try PartReader(entry, in: file).readAll() } catch let d as XLSXReader.Damage {
            throw damaged(name, d)
        }
    }

    /// Reads a part with `body`, its damage told as the part's.
    private func parse<R>(_ name: String, _ bytes: [UInt8], _ body: ([UInt8]) throws -> R) throws -> R {
        do { return try body(bytes) } catch let d as XLSXReader.Damage { throw damaged(name, d) }
    }

    private func damaged(_ part: String, _ d: XLSXReader.Damage) -> Diagnostic {
        Diagnostic(.error, "cannot read \(path): its part \(part) is damaged\(d.message)", notes: [XLSXReader.damageHint])
    }

    private func target(_ index: Int) -> String {
        targets[sheets[index].id] ?? "xl/worksheets/sheet\(index + 1).xml"
    }

    /// The rows of sheet `index`, read as `next` is asked (inside `reading`).
    func sheet(_ index: Int, options: LoadOptions) throws -> SheetStream {
        let name = target(index)
        guard let entry = archive[name] else { throw Diagnostic(.error, "cannot read \(path): sheet \"\(sheets[index].name)\" is missing (\(name))") }
        let part: PartReader
        do { part = try PartReader(entry, in: file) } catch let d as XLSXReader.Damage { throw damaged(name, d) }
        return SheetStream(part: part, parser: SheetParser(shared: shared, formats: formats, date1904: date1904),
                           windowBytes: options.sheetBytes, file: path, sheetName: sheets[index].name, progress: options.progress)
    }

    /// Runs `body`, which reads sheet `index`: its damage is told as the sheet's part's.
    func reading<R>(_ index: Int, _ body: () throws -> R) throws -> R {
        do { return try body() } catch let d as XLSXReader.Damage { throw damaged("\(target(index)) (sheet \(sheets[index].name))", d) }
    }

    /// The sheet named by `options.sheet`, else the first that holds a table (a notes page
    /// before it is passed over; `SheetRows.holdsTable` on its first rows), else the first; and
    /// the table's source.
    func chosenSheet(_ options: LoadOptions, isCancelled: () -> Bool) throws -> (index: Int, source: TableSource) {
        var index = 0
        if let wanted = options.sheet {
            guard let i = sheets.firstIndex(where: { $0.name == wanted }) ?? sheets.firstIndex(where: { $0.name.lowercased() == wanted.lowercased() }) else {
                throw options.error("\(path) has no sheet \"\(wanted)\"", options.given["sheet"] ?? .none,
                                    notes: ["its sheets: " + sheets.map { "\"\($0.name)\"" }.joined(separator: ", ")])
            }
            index = i
        } else {
            func holdsTable(_ i: Int) throws -> Bool {
                var rows = try sheet(i, options: LoadOptions())
                return try reading(i) { try rows.next(limit: 11, isCancelled: isCancelled) }?.holdsTable ?? false
            }
            if try !holdsTable(0), let found = try sheets.indices.dropFirst().first(where: holdsTable) { index = found }
        }
        var source = TableSource(path: path)
        source.sheet = sheets[index].name
        if options.sheet == nil {
            source.otherSheets = sheets.indices.filter { $0 != index }.map { sheets[$0].name }
            source.sheetsPassedOver = index
        }
        return (index, source)
    }
}

/// One part of a workbook's zip, read from the file's bytes: the entry's data follows its local
/// header (found by its signature and name), stored or deflated, and must match its size and
/// checksum. `PartReader` reads it piece by piece; `bytes` all at once.
enum ZipPart {
    static func bytes(of entry: Entry, in file: Data) throws -> [UInt8] {
        try file.withUnsafeBytes { all in try PartReader(entry, in: all.bindMemory(to: UInt8.self)).readAll() }
    }
}

/// Inflates one part of a workbook's zip (held in memory or mapped, alive while the reader is)
/// as it is read. ZIPFoundation's own inflate on Linux never returns on a damaged stream; zlib's
/// stream state must not move, so the reader is a class.
final class PartReader {
    private let data: UnsafeBufferPointer<UInt8>   // the entry's stored or deflated bytes
    private let deflated: Bool
    private let checksum: UInt32
    private var stream: UnsafeMutablePointer<z_stream>?
    private var scratch = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
    private var stored = 0          // a stored part: how much has been read
    private var crc: UInt = 0
    private var size = 0
    private(set) var isAtEnd = false

    init(_ entry: Entry, in b: UnsafeBufferPointer<UInt8>) throws {
        let name = Array(entry.path.utf8)
        func u16(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
        // The local header: "PK\3\4", method at 8, name length at 26, extra length at 28, the name at 30.
        var h = 0
        while true {
            guard h + 30 + name.count <= b.count, let p = memchr(b.baseAddress! + h, 0x50, b.count - h) else {
                throw XLSXReader.Damage(": its local header is missing")
            }
            h = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - b.baseAddress!
            if h + 30 + name.count <= b.count && b[h + 1] == 0x4B && b[h + 2] == 3 && b[h + 3] == 4 && u16(h + 26) == name.count
                && name.indices.allSatisfy({ b[h + 30 + $0] == name[$0] }) { break }
            h += 1
        }
        let start = h + 30 + name.count + u16(h + 28)
        guard entry.compressedSize <= UInt64(max(0, b.count - start)) else { throw XLSXReader.Damage(": it is cut short") }
        guard entry.compressedSize < UInt32.max else { throw XLSXReader.Damage(": it is larger than 4 GB compressed") }
        data = UnsafeBufferPointer(rebasing: b[start..<(start + Int(entry.compressedSize))])
        checksum = entry.checksum
        switch u16(h + 8) {
        case 0: deflated = false
        case 8:
            deflated = true
            let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            s.initialize(to: z_stream())
            guard inflateInit2_(s, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                s.deallocate()
                throw XLSXReader.Damage(": zlib cannot start")
            }
            s.pointee.next_in = UnsafeMutablePointer(mutating: data.baseAddress)
            s.pointee.avail_in = UInt32(data.count)
            stream = s
        case let m: throw XLSXReader.Damage(": it is compressed by method \(m), which Tally does not read (only deflate)")
        }
    }

    deinit {
        if let stream { inflateEnd(stream); stream.deallocate() }
        scratch.deallocate()
    }

    /// How many of the entry's stored or deflated bytes have been read.
    var consumed: Int { deflated ? data.count - Int(stream!.pointee.avail_in) : stored }

    /// Appends up to `max` more bytes of the part to `out`; at the part's end checks its
    /// checksum and sets `isAtEnd`. Throws `XLSXReader.Damage`.
    func read(into out: inout [UInt8], max: Int) throws {
        guard !isAtEnd else { return }
        let old = out.count
        var produced = 0
        if deflated {
            // Inflated into a scratch buffer a piece at a time, so `max` costs nothing until used.
            let s = stream!
            if scratch.isEmpty { scratch = .allocate(capacity: 1 << 16) }
            var r = Z_OK
            while produced < max && r == Z_OK {
                let room = Swift.min(max - produced, scratch.count)
                s.pointee.next_out = scratch.baseAddress
                s.pointee.avail_out = UInt32(room)
                while s.pointee.avail_out > 0 && r == Z_OK { r = inflate(s, Z_NO_FLUSH) }
                let n = room - Int(s.pointee.avail_out)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0..<n]))
                produced += n
            }
            if r == Z_STREAM_END { isAtEnd = true }
            else if r != Z_OK { throw XLSXReader.Damage(r == Z_BUF_ERROR ? ": its data is cut short" : ": its data is not valid deflate") }
        } else {
            produced = min(max, data.count - stored)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: data[stored..<(stored + produced)]))
            stored += produced
            isAtEnd = stored == data.count
        }
        size += produced
        guard size < UInt32.max else { throw XLSXReader.Damage(": it is larger than 4 GB") }
        out.withUnsafeBufferPointer { crc = crc32(crc, $0.baseAddress! + old, UInt32(produced)) }
        if isAtEnd && UInt32(crc) != checksum { throw XLSXReader.Damage(": its checksum does not match") }
    }

    func readAll() throws -> [UInt8] {
        var out: [UInt8] = []
        while !isAtEnd { try read(into: &out, max: 1 << 20) }
        return out
    }
}
