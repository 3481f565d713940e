import CZlib   // zlib, which ZIPFoundation links
import Foundation
import ZIPFoundation

/// Reads one sheet of an .xlsx workbook (the first, or the one named) into a table.
///
/// The workbook is a zip of XML parts (`XMLScanner`), listed by ZIPFoundation and inflated by
/// `ZipPart` (ZIPFoundation's inflate on Linux never returns on a damaged stream): `workbook.xml` lists the
/// sheets and their relationship ids, resolved to files through `workbook.xml.rels`;
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
enum XLSXReader {
    static func read(path: String, tableName: String, options: LoadOptions,
                     isCancelled: @Sendable () -> Bool = { false }) throws -> Table {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw Diagnostic(.error, "cannot read \(path): it is not an .xlsx workbook (not a zip archive)")
        }
        let file: Data
        do { file = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw Diagnostic(.error, "cannot read \(path): \(CSVReader.describe(error))")
        }
        func part(_ name: String) throws -> [UInt8]? {
            guard let entry = archive[name] else { return nil }
            do { return try ZipPart.bytes(of: entry, in: file) } catch let d as Damage {
                throw Diagnostic(.error, "cannot read \(path): its part \(name) is damaged\(d.message)", notes: [damageHint])
            }
        }
        /// Reads a part with `body`, its damage told as the part's.
        func parse<R>(_ name: String, shown: String? = nil, _ bytes: [UInt8], _ body: ([UInt8]) throws -> R) throws -> R {
            do { return try body(bytes) } catch let d as Damage {
                throw Diagnostic(.error, "cannot read \(path): its part \(shown ?? name) is damaged\(d.message)", notes: [damageHint])
            }
        }
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
        var targets: [String: String] = [:]     // relationship id → part
        if let rels = try part("xl/_rels/workbook.xml.rels") {
            try parse("xl/_rels/workbook.xml.rels", rels) { bytes in
                try bytes.withUnsafeBufferPointer { buf in
                    var x = XMLScanner(buf)
                    while let e = x.next() {
                        guard case .start(let name, let attrs, _) = e, x.isName(name, "Relationship"),
                              let id = x.attributeString("Id", in: attrs), let t = x.attributeString("Target", in: attrs) else { continue }
                        targets[id] = partName(target: t)
                    }
                    try x.finish()
                }
            }
        }
        let shared = try part("xl/sharedStrings.xml").map { try parse("xl/sharedStrings.xml", $0, sharedStrings) }
        let formats = try part("xl/styles.xml").map { try parse("xl/styles.xml", $0, cellFormats) }
        func rows(of index: Int) throws -> SheetRows {
            let target = targets[sheets[index].id] ?? "xl/worksheets/sheet\(index + 1).xml"
            guard let sheet = try part(target) else { throw Diagnostic(.error, "cannot read \(path): sheet \"\(sheets[index].name)\" is missing (\(target))") }
            return try parse(target, shown: "\(target) (sheet \(sheets[index].name))", sheet) {
                try SheetRows(sheet: $0, shared: shared, formats: formats, date1904: date1904,
                              file: path, sheetName: sheets[index].name, isCancelled: isCancelled)
            }
        }
        var index = 0
        var sheetRows: SheetRows
        if let wanted = options.sheet {
            guard let i = sheets.firstIndex(where: { $0.name == wanted }) ?? sheets.firstIndex(where: { $0.name.lowercased() == wanted.lowercased() }) else {
                throw options.error("\(path) has no sheet \"\(wanted)\"", options.given["sheet"] ?? .none,
                                    notes: ["its sheets: " + sheets.map { "\"\($0.name)\"" }.joined(separator: ", ")])
            }
            index = i
            sheetRows = try rows(of: i)
        } else {
            // The first sheet that holds a table (a notes page before it is passed over), else the first.
            sheetRows = try rows(of: 0)
            if !sheetRows.holdsTable, let found = try sheets.indices.dropFirst().lazy.map({ ($0, try rows(of: $0)) }).first(where: { $0.1.holdsTable }) {
                (index, sheetRows) = found
            }
        }
        var rows = sheetRows
        var source = TableSource(path: path)
        source.sheet = sheets[index].name
        if options.sheet == nil {
            source.otherSheets = sheets.indices.filter { $0 != index }.map { sheets[$0].name }
            source.sheetsPassedOver = index
        }
        return try TableBuilder.build(&rows, tableName: tableName, options: options, source: source, isCancelled: isCancelled)
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

/// One part of a workbook's zip, read from the file's bytes: the entry's data follows its local
/// header (found by its signature and name), stored or deflated, and must match its checksum.
enum ZipPart {
    static func bytes(of entry: Entry, in file: Data) throws -> [UInt8] {
        try file.withUnsafeBytes { (all: UnsafeRawBufferPointer) throws -> [UInt8] in
            let b = all.bindMemory(to: UInt8.self)
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
            let data = UnsafeBufferPointer(rebasing: b[start..<(start + Int(entry.compressedSize))])
            let out: [UInt8]
            switch u16(h + 8) {
            case 0: out = Array(data)
            case 8: out = try inflate(data)
            case let m: throw XLSXReader.Damage(": it is compressed by method \(m), which Tally does not read (only deflate)")
            }
            guard out.count < UInt32.max else { throw XLSXReader.Damage(": it is larger than 4 GB") }
            let crc = out.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
            guard crc == entry.checksum else { throw XLSXReader.Damage(": its checksum does not match") }
            return out
        }
    }

    /// Raw deflate (zlib): the stream must end within `data`.
    static func inflate(_ data: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        guard data.count < UInt32.max else { throw XLSXReader.Damage(": it is larger than 4 GB compressed") }
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw XLSXReader.Damage(": zlib cannot start")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: data.baseAddress)
        stream.avail_in = UInt32(data.count)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let result = chunk.withUnsafeMutableBufferPointer { c -> Int32 in
                stream.next_out = c.baseAddress
                stream.avail_out = UInt32(c.count)
                return CZlib.inflate(&stream, Z_NO_FLUSH)
            }
            out.append(contentsOf: chunk[..<(chunk.count - Int(stream.avail_out))])
            if result == Z_STREAM_END { return out }
            guard result == Z_OK else { throw XLSXReader.Damage(result == Z_BUF_ERROR ? ": its data is cut short" : ": its data is not valid deflate") }
        }
    }
}

/// The cells of one sheet as rows of texts, in one byte arena; only non-empty cells are kept.
///
/// A sheet that Excel would not open is an error naming the cell, not a table read in part:
/// rows numbered 1…1048576 in order, cells in order within their row, references like `B7`
/// up to column XFD, shared strings and styles that exist, numbers that are numbers, dates
/// within 9999-12-31, and the XML whole.
struct SheetRows: RowSource {
    private var arena: [UInt8] = [0]
    private var rowNumbers: [Int] = []
    private var rowFirstCell: [Int] = [0]
    private var cellColumn: [Int] = []
    private var cellStart: [Int] = []
    private var cellEnd: [Int] = []
    private var width = 0
    let file: String, sheetName: String
    var position = 0

    /// A sheet's last row and column (XFD).
    static let maxRows = 1_048_576, maxColumns = 16_384

    /// `shared` and `formats` are nil when the workbook has no sharedStrings.xml or styles.xml.
    init(sheet: [UInt8], shared: [[UInt8]]?, formats: [XLSXReader.NumberKind]?, date1904: Bool,
         file: String, sheetName: String, isCancelled: () -> Bool) throws {
        self.file = file
        self.sheetName = sheetName
        try sheet.withUnsafeBufferPointer { buf in
            var x = XMLScanner(buf)
            var row = 0, column = -1          // the current row's number; the last cell's column, 0-based
            var rowNumbered = false           // whether the row's number is known (its `r`, or its first cell's)
            var inRow = false, inCell = false
            var type = "", kind = XLSXReader.NumberKind.plain
            var value: [UInt8] = []
            var capture = false, inPhonetic = false
            /// Where the scanner is, for a message: ` at cell B7`, ` after cell B7`, ` in row 7`.
            func place() -> String {
                if column >= 0 { return " \(inCell ? "at" : "after") cell \(SheetRows.columnName(column))\(row)" }
                return inRow && rowNumbered ? " in row \(row)" : ""
            }
            while let e = x.next() {
                switch e {
                case .start(let name, let attrs, let empty):
                    if x.isName(name, "c") {
                        guard inRow, !inCell else { throw XLSXReader.Damage("\(place()): a cell outside a row") }
                        var next = column + 1
                        if let r = x.attribute("r", in: attrs) {
                            let shownRef = { x.shown(r) }
                            guard let (c, cellRow) = SheetRows.cellReference(buf, r) else {
                                throw XLSXReader.Damage("\(place()): a cell's reference `\(shownRef())` is not a column and row like B7")
                            }
                            guard c < SheetRows.maxColumns else {
                                throw XLSXReader.Damage(" at cell \(shownRef()): its column is beyond XFD, a sheet's last")
                            }
                            guard cellRow <= SheetRows.maxRows else {
                                throw XLSXReader.Damage(" at cell \(shownRef()): its row is beyond \(SheetRows.maxRows), a sheet's last")
                            }
                            if !rowNumbered {
                                guard cellRow > row else { throw XLSXReader.Damage(" at cell \(shownRef()): row \(cellRow) comes after row \(row)") }
                                row = cellRow
                                rowNumbered = true
                            }
                            guard cellRow == row else { throw XLSXReader.Damage(" at cell \(shownRef()): the cell is in row \(row)") }
                            guard c >= next else { throw XLSXReader.Damage(" at cell \(shownRef()): it comes after cell \(SheetRows.columnName(column))\(row)") }
                            next = c
                        } else if !rowNumbered {
                            row += 1
                            rowNumbered = true
                        }
                        guard next < SheetRows.maxColumns, row <= SheetRows.maxRows else {
                            throw XLSXReader.Damage("\(place()): a cell beyond XFD\(SheetRows.maxRows), a sheet's last")
                        }
                        column = next
                        inCell = true
                        type = x.attributeString("t", in: attrs) ?? ""
                        let style = x.attribute("s", in: attrs).map(x.string) ?? "0"
                        guard let s = Int(style), s >= 0 else { throw XLSXReader.Damage("\(place()): its style `\(XLSXReader.shown(style))` is not a style number") }
                        guard s == 0 || s < formats?.count ?? 0 else {
                            throw XLSXReader.Damage("\(place()): it has style \(s), but " + (formats.map { $0.isEmpty ? "xl/styles.xml defines none" : "xl/styles.xml defines styles 0 to \($0.count - 1)" } ?? "the workbook has no xl/styles.xml"))
                        }
                        inCell = !empty
                        kind = s < formats?.count ?? 0 ? formats![s] : .plain
                        value.removeAll(keepingCapacity: true)
                    } else if x.isName(name, "v") || (x.isName(name, "t") && !inPhonetic) {
                        capture = !empty && inCell
                    } else if x.isName(name, "rPh") {
                        inPhonetic = !empty
                    } else if x.isName(name, "row") {
                        guard !inRow else { throw XLSXReader.Damage("\(place()): a row inside a row") }
                        finishRow()
                        let previous = row
                        rowNumbered = false
                        if let r = x.attribute("r", in: attrs).map(x.string) {
                            guard let n = Int(r), n >= 1, n <= SheetRows.maxRows else {
                                throw XLSXReader.Damage(" after row \(previous): a row numbered `\(XLSXReader.shown(r))` (rows run from 1 to \(SheetRows.maxRows))")
                            }
                            guard n > previous else { throw XLSXReader.Damage(": row \(n) comes after row \(previous)") }
                            row = n
                            rowNumbered = true
                        }
                        column = -1
                        inRow = !empty
                        if empty && !rowNumbered { row += 1 }
                        if rowNumbers.count & 0x3FFF == 0x3FFF && isCancelled() { throw Cancelled() }
                    }
                case .end(let name):
                    if x.isName(name, "v") || x.isName(name, "t") { capture = false }
                    else if x.isName(name, "rPh") { inPhonetic = false }
                    else if x.isName(name, "row") { inRow = false; if !rowNumbered { row += 1 } }
                    else if x.isName(name, "c") && inCell {
                        inCell = false
                        do { try addCell(row: row, column: column, type: type, value: value, kind: kind, shared: shared, date1904: date1904) }
                        catch let d as XLSXReader.Damage { inCell = true; throw XLSXReader.Damage(place() + d.message) }
                    }
                case .text(let r):
                    if capture { x.appendText(r, to: &value) }
                }
            }
            if let p = x.problem { throw XLSXReader.Damage("\(place()): \(p)") }
            finishRow()
        }
    }

    /// `AB12` → (27, 12): the 0-based column and the row, each at most one beyond a sheet's
    /// last; nil unless letters then digits (from 1).
    static func cellReference(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> (column: Int, row: Int)? {
        var j = r.lowerBound, c = 0, n = 0
        while j < r.upperBound && b[j] >= 65 && b[j] <= 90 { c = min(maxColumns + 1, c * 26 + Int(b[j] - 64)); j += 1 }
        guard j > r.lowerBound, j < r.upperBound, b[j] != 48 else { return nil }
        while j < r.upperBound && b[j] >= 48 && b[j] <= 57 { n = min(maxRows + 1, n * 10 + Int(b[j] - 48)); j += 1 }
        return j == r.upperBound ? (c - 1, n) : nil
    }

    /// 27 → `AB` (0-based).
    static func columnName(_ column: Int) -> String {
        var letters = "", n = column + 1
        while n > 0 { letters = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + letters; n = (n - 1) / 26 }
        return letters
    }

    private var pendingRow = 0
    private mutating func finishRow() {
        if cellColumn.count > rowFirstCell.last! {
            rowNumbers.append(pendingRow)
            rowFirstCell.append(cellColumn.count)
        }
    }

    private mutating func addCell(row: Int, column: Int, type: String, value: [UInt8], kind: XLSXReader.NumberKind,
                                  shared: [[UInt8]]?, date1904: Bool) throws {
        let start = arena.count
        switch type {
        case "s":
            let text = String(decoding: value, as: UTF8.self)
            guard let shared else { throw XLSXReader.Damage(": it cites shared string `\(XLSXReader.shown(text))`, but the workbook has no xl/sharedStrings.xml") }
            guard let i = Int(text), i >= 0, i < shared.count else {
                throw XLSXReader.Damage(": it cites shared string `\(XLSXReader.shown(text))`, but xl/sharedStrings.xml holds "
                                        + (shared.isEmpty ? "none" : "strings 0 to \(shared.count - 1)"))
            }
            arena.append(contentsOf: shared[i])
        case "inlineStr", "str", "d":
            arena.append(contentsOf: XLSXReader.unescapeOOXML(value))
        case "b":
            guard value.isEmpty || value == [48] || value == [49] else {
                throw XLSXReader.Damage(": `\(XLSXReader.shown(value))` is not a boolean (0 or 1)")
            }
            if !value.isEmpty { arena.append(contentsOf: value == [49] ? Array("true".utf8) : Array("false".utf8)) }
        case "e":
            break   // #DIV/0!, #N/A …: null
        case "", "n":
            arena.append(contentsOf: try SheetRows.number(value, kind: kind, date1904: date1904))
        default:
            throw XLSXReader.Damage(": its type `\(XLSXReader.shown(type))` is none of b, d, e, inlineStr, n, s, str")
        }
        guard arena.count > start else { return }
        pendingRow = row
        cellColumn.append(column)
        cellStart.append(start)
        cellEnd.append(arena.count)
    }

    /// A numeric cell as text: as stored, or a date, or a percentage as shown. Throws `Damage`
    /// for what is not a decimal number, and for a date beyond 9999-12-31.
    static func number(_ v: [UInt8], kind: XLSXReader.NumberKind, date1904: Bool) throws -> [UInt8] {
        guard !v.isEmpty else { return v }
        let shownValue = XLSXReader.shown(v)
        guard isDecimal(v), let x = Double(String(decoding: v, as: UTF8.self)) else { throw XLSXReader.Damage(": `\(shownValue)` is not a number") }
        guard x.isFinite else { throw XLSXReader.Damage(": \(shownValue) is too large a number") }
        if kind == .plain { return v }
        if kind == .percent {
            guard (x * 100).isFinite else { throw XLSXReader.Damage(": \(shownValue) is too large a percentage") }
            // As shown, `92.13%`, read like the same text in a CSV (exact: the point moves in the text).
            let shown = v.contains(where: { $0 == 101 || $0 == 69 }) ? Array(String(format: "%.15g", x * 100).utf8) : shiftPoint(v, by: 2)
            return shown + [37]
        }
        guard x >= 0, x < 2_958_466 else {   // beyond 9999-12-31
            throw XLSXReader.Damage(": \(shownValue) has a date format but is no date (serial numbers run from 0 to 2958465, 9999-12-31)")
        }
        let serial = x.rounded(.down)
        var seconds = Int64(((x - serial) * 86400).rounded())
        var day = Int(serial)
        if seconds == 86400 { day += 1; seconds = 0 }
        let epoch = date1904 ? CivilCalendar.daysFromCivil(1904, 1, 1) : CivilCalendar.daysFromCivil(1899, 12, 30)
        if !date1904 && day < 60 { day += 1 }   // Excel's 1900-02-29 (serial 60) does not exist
        let total = Int64(epoch + day) * 86400 + seconds
        return Array(CivilCalendar.format(seconds: total, dateOnly: kind == .date && seconds == 0).utf8)
    }

    /// `-12`, `0.5`, `1.5E-3`: an optional minus, digits with an optional point, an optional exponent.
    static func isDecimal(_ v: [UInt8]) -> Bool {
        func digit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        var j = v.first == 45 ? 1 : 0
        var digits = 0
        while j < v.count && digit(v[j]) { j += 1; digits += 1 }
        if j < v.count && v[j] == 46 { j += 1; while j < v.count && digit(v[j]) { j += 1; digits += 1 } }
        guard digits > 0 else { return false }
        if j < v.count && (v[j] == 101 || v[j] == 69) {
            j += 1
            if j < v.count && (v[j] == 43 || v[j] == 45) { j += 1 }
            guard j < v.count && digit(v[j]) else { return false }
            while j < v.count && digit(v[j]) { j += 1 }
        }
        return j == v.count
    }

    /// Moves a plain decimal's point `k` places right (left when `k` is negative), in the text,
    /// so 0.9213 gives exactly 92.13, and 55.48 by -2 gives 0.5548.
    static func shiftPoint(_ v: [UInt8], by k: Int) -> [UInt8] {
        let negative = v.first == 45
        let body = negative ? Array(v.dropFirst()) : v
        let dot = body.firstIndex(of: 46) ?? body.count
        var digits = Array(body[..<dot]) + Array(body[min(body.count, dot + 1)...])
        var point = dot + k
        if point < 1 { digits = [UInt8](repeating: 48, count: 1 - point) + digits; point = 1 }
        while digits.count < point { digits.append(48) }
        while point > 1 && digits.first == 48 { digits.removeFirst(); point -= 1 }
        var out = negative ? [UInt8(45)] : []
        out += digits[..<point]
        if point < digits.count { out += [46] + digits[point...] }
        return out
    }

    /// Whether the sheet holds a table rather than notes: one of its first ten rows with cells
    /// has two or more, and a row follows it.
    var holdsTable: Bool {
        (0..<max(0, min(10, rowNumbers.count - 1))).contains { rowFirstCell[$0 + 1] - rowFirstCell[$0] >= 2 }
    }

    // MARK: RowSource

    mutating func nextRow(into fields: inout [FieldRef]) throws -> Bool {
        fields.removeAll(keepingCapacity: true)
        guard position < rowNumbers.count else { return false }
        let cells = rowFirstCell[position]..<rowFirstCell[position + 1]
        let count = max(width, cellColumn[cells.upperBound - 1] + 1)
        for _ in 0..<count { fields.append(FieldRef(start: 0, end: 0, quoted: false, hasEscapes: false)) }
        for c in cells { fields[cellColumn[c]] = FieldRef(start: cellStart[c], end: cellEnd[c], quoted: false, hasEscapes: false) }
        position += 1
        return true
    }

    static var fieldsInPlace: Bool { false }

    func withField<R>(_ f: FieldRef, scratch: inout [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        arena.withUnsafeBufferPointer { a in
            var s = f.start, e = f.end
            while s < e && (a[s] == 32 || a[s] == 9) { s += 1 }
            while e > s && (a[e - 1] == 32 || a[e - 1] == 9) { e -= 1 }
            return body(a.baseAddress! + s, e - s)
        }
    }

    func rowNumber(at position: Int) -> Int {
        position < rowNumbers.count ? rowNumbers[position] : (rowNumbers.last ?? 0) + 1
    }

    /// The row shown as its cells joined by commas, the column counted in that text; the note names the cell.
    func location(at offset: Int) -> (Diagnostic.Location, note: String?) {
        var cell = 0
        while cell + 1 < cellStart.count && cellStart[cell + 1] <= offset { cell += 1 }
        var row = 0
        while row + 1 < rowNumbers.count && rowFirstCell[row + 1] <= cell { row += 1 }
        var text = "", column = 1
        var at = 0
        for c in rowFirstCell[row]..<rowFirstCell[row + 1] {
            while at < cellColumn[c] { text += ","; at += 1 }
            if c == cell { column = text.unicodeScalars.count + 1 }
            text += String(decoding: arena[cellStart[c]..<cellEnd[c]], as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        }
        let letters = cellColumn.isEmpty ? "" : SheetRows.columnName(cellColumn[cell])
        return (Diagnostic.Location(file: file, line: rowNumbers.isEmpty ? 1 : rowNumbers[row], column: column, lineText: text, length: 1),
                "cell \(letters)\(rowNumbers.isEmpty ? 1 : rowNumbers[row]) of sheet \(sheetName)")
    }

    mutating func skip(past error: RowError) {}

    mutating func pad(to width: Int) { self.width = width }

    func estimatedRows(after position: Int, bytesPerRow: Int) -> Int { rowNumbers.count - position + 1 }
}
