import Foundation
import ZIPFoundation

/// Reads one sheet of an .xlsx workbook (the first, or the one named) into a table.
///
/// The workbook is a zip (ZIPFoundation) of XML parts (`XMLScanner`): `workbook.xml` lists the
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
        func part(_ name: String) throws -> [UInt8]? {
            guard let entry = archive[name] else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(entry.uncompressedSize))
            do { _ = try archive.extract(entry, skipCRC32: true) { bytes.append(contentsOf: $0) } } catch {
                throw Diagnostic(.error, "cannot read \(path): its part \(name) is damaged")
            }
            return bytes
        }
        guard let workbook = try part("xl/workbook.xml") else {
            throw Diagnostic(.error, "cannot read \(path): it has no xl/workbook.xml (is it an .xlsx workbook?)")
        }
        var sheets: [(name: String, id: String)] = []
        var date1904 = false
        workbook.withUnsafeBufferPointer { buf in
            var x = XMLScanner(buf)
            while let e = x.next() {
                guard case .start(let name, let attrs, _) = e else { continue }
                if x.isName(name, "sheet") {
                    sheets.append((x.attributeString("name", in: attrs) ?? "", x.attributeString("id", in: attrs) ?? ""))
                } else if x.isName(name, "workbookPr") {
                    date1904 = ["1", "true"].contains(x.attributeString("date1904", in: attrs) ?? "")
                }
            }
        }
        let index: Int
        if let wanted = options.sheet {
            guard let i = sheets.firstIndex(where: { $0.name == wanted }) ?? sheets.firstIndex(where: { $0.name.lowercased() == wanted.lowercased() }) else {
                throw options.error("\(path) has no sheet \"\(wanted)\"", options.given["sheet"] ?? .none,
                                    notes: ["its sheets: " + sheets.map { "\"\($0.name)\"" }.joined(separator: ", ")])
            }
            index = i
        } else {
            guard !sheets.isEmpty else { throw Diagnostic(.error, "\(path) has no sheets") }
            index = 0
        }
        var target = "xl/worksheets/sheet\(index + 1).xml"
        try part("xl/_rels/workbook.xml.rels")?.withUnsafeBufferPointer { buf in
            var x = XMLScanner(buf)
            while let e = x.next() {
                guard case .start(let name, let attrs, _) = e, x.isName(name, "Relationship"),
                      x.attributeString("Id", in: attrs) == sheets[index].id, let t = x.attributeString("Target", in: attrs) else { continue }
                target = t.hasPrefix("/") ? String(t.dropFirst()) : "xl/" + t
            }
        }
        guard let sheet = try part(target) else { throw Diagnostic(.error, "cannot read \(path): sheet \"\(sheets[index].name)\" is missing (\(target))") }
        let shared = try part("xl/sharedStrings.xml").map(sharedStrings) ?? []
        let formats = try part("xl/styles.xml").map(cellFormats) ?? []
        var rows = try SheetRows(sheet: sheet, shared: shared, formats: formats, date1904: date1904,
                                 file: path, sheetName: sheets[index].name, isCancelled: isCancelled)
        var source = TableSource(path: path)
        source.sheet = sheets[index].name
        return try TableBuilder.build(&rows, tableName: tableName, options: options, source: source, isCancelled: isCancelled)
    }

    /// The texts of `sharedStrings.xml`: each `<si>`'s `<t>` runs, without phonetic (`<rPh>`) runs.
    static func sharedStrings(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.withUnsafeBufferPointer { buf in
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
    static func cellFormats(_ bytes: [UInt8]) -> [NumberKind] {
        bytes.withUnsafeBufferPointer { buf in
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

/// The cells of one sheet as rows of texts, in one byte arena; only non-empty cells are kept.
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

    init(sheet: [UInt8], shared: [[UInt8]], formats: [XLSXReader.NumberKind], date1904: Bool,
         file: String, sheetName: String, isCancelled: () -> Bool) throws {
        self.file = file
        self.sheetName = sheetName
        try sheet.withUnsafeBufferPointer { buf in
            var x = XMLScanner(buf)
            var row = 0, column = -1
            var type = "", style = 0
            var value: [UInt8] = []
            var capture = false, inPhonetic = false
            while let e = x.next() {
                switch e {
                case .start(let name, let attrs, let empty):
                    if x.isName(name, "c") {
                        column = x.attribute("r", in: attrs).map { columnIndex(buf, $0) } ?? column + 1
                        type = x.attributeString("t", in: attrs) ?? ""
                        style = x.attributeString("s", in: attrs).flatMap { Int($0) } ?? 0
                        value.removeAll(keepingCapacity: true)
                    } else if x.isName(name, "v") || (x.isName(name, "t") && !inPhonetic) {
                        capture = !empty
                    } else if x.isName(name, "rPh") {
                        inPhonetic = !empty
                    } else if x.isName(name, "row") {
                        finishRow()
                        row = x.attributeString("r", in: attrs).flatMap { Int($0) } ?? row + 1
                        column = -1
                        if rowNumbers.count & 0x3FFF == 0x3FFF && isCancelled() { throw Cancelled() }
                    }
                case .end(let name):
                    if x.isName(name, "v") || x.isName(name, "t") { capture = false }
                    else if x.isName(name, "rPh") { inPhonetic = false }
                    else if x.isName(name, "c") { addCell(row: row, column: column, type: type, value: value, kind: style < formats.count ? formats[style] : .plain, shared: shared, date1904: date1904) }
                case .text(let r):
                    if capture { x.appendText(r, to: &value) }
                }
            }
            finishRow()
        }
    }

    /// `AB12` → 27 (0-based column AB).
    private func columnIndex(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int {
        var c = 0
        for j in r where b[j] >= 65 && b[j] <= 90 { c = c * 26 + Int(b[j] - 64) }
        return c - 1
    }

    private var pendingRow = 0
    private mutating func finishRow() {
        if cellColumn.count > rowFirstCell.last! {
            rowNumbers.append(pendingRow)
            rowFirstCell.append(cellColumn.count)
        }
    }

    private mutating func addCell(row: Int, column: Int, type: String, value: [UInt8], kind: XLSXReader.NumberKind,
                                  shared: [[UInt8]], date1904: Bool) {
        let start = arena.count
        switch type {
        case "s":
            if let i = Int(String(decoding: value, as: UTF8.self)), i >= 0, i < shared.count { arena.append(contentsOf: shared[i]) }
        case "inlineStr", "str", "d":
            arena.append(contentsOf: XLSXReader.unescapeOOXML(value))
        case "b":
            arena.append(contentsOf: value == [49] ? Array("true".utf8) : Array("false".utf8))
        case "e":
            break   // #DIV/0!, #N/A …: null
        default:
            arena.append(contentsOf: SheetRows.number(value, kind: kind, date1904: date1904))
        }
        guard arena.count > start else { return }
        pendingRow = row
        cellColumn.append(max(0, column))
        cellStart.append(start)
        cellEnd.append(arena.count)
    }

    /// A numeric cell as text: as stored, or a date, or a percentage as shown.
    static func number(_ v: [UInt8], kind: XLSXReader.NumberKind, date1904: Bool) -> [UInt8] {
        guard kind != .plain, let x = Double(String(decoding: v, as: UTF8.self)) else { return v }
        if kind == .percent {
            // As shown, `92.13%`, read like the same text in a CSV (exact: the point moves in the text).
            let shown = v.contains(where: { $0 == 101 || $0 == 69 }) ? Array(String(format: "%.15g", x * 100).utf8) : shiftPoint(v, by: 2)
            return shown + [37]
        }
        guard x >= 0, x < 2_958_466 else { return v }   // beyond 9999-12-31: leave the number
        let serial = x.rounded(.down)
        var seconds = Int64(((x - serial) * 86400).rounded())
        var day = Int(serial)
        if seconds == 86400 { day += 1; seconds = 0 }
        let epoch = date1904 ? CivilCalendar.daysFromCivil(1904, 1, 1) : CivilCalendar.daysFromCivil(1899, 12, 30)
        if !date1904 && day < 60 { day += 1 }   // Excel's 1900-02-29 (serial 60) does not exist
        let total = Int64(epoch + day) * 86400 + seconds
        return Array(CivilCalendar.format(seconds: total, dateOnly: kind == .date && seconds == 0).utf8)
    }

    /// Moves a plain decimal's point `k` places right, in the text, so 0.9213 gives exactly 92.13.
    static func shiftPoint(_ v: [UInt8], by k: Int) -> [UInt8] {
        let negative = v.first == 45
        let body = negative ? Array(v.dropFirst()) : v
        let dot = body.firstIndex(of: 46) ?? body.count
        var digits = Array(body[..<dot]) + Array(body[min(body.count, dot + 1)...])
        var point = dot + k
        while digits.count < point { digits.append(48) }
        while point > 1 && digits.first == 48 { digits.removeFirst(); point -= 1 }
        var out = negative ? [UInt8(45)] : []
        out += digits[..<point]
        if point < digits.count { out += [46] + digits[point...] }
        return out
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
        var letters = ""
        var n = cellColumn.isEmpty ? 0 : cellColumn[cell] + 1
        while n > 0 { letters = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + letters; n = (n - 1) / 26 }
        return (Diagnostic.Location(file: file, line: rowNumbers.isEmpty ? 1 : rowNumbers[row], column: column, lineText: text, length: 1),
                "cell \(letters)\(rowNumbers.isEmpty ? 1 : rowNumbers[row]) of sheet \(sheetName)")
    }

    mutating func skip(past error: RowError) {}

    mutating func pad(to width: Int) { self.width = width }

    func estimatedRows(after position: Int, bytesPerRow: Int) -> Int { rowNumbers.count - position + 1 }
}
