import Foundation

/// The cells of some rows of a sheet (all of them, or one batch of a sheet read in batches)
/// as rows of texts, in one byte arena; only non-empty cells are kept.
///
/// A sheet that Excel would not open is an error naming the cell, not a table read in part:
/// rows numbered 1…1048576 in order, cells in order within their row, references like `B7`
/// up to column XFD, shared strings and styles that exist, numbers that are numbers, dates
/// within 9999-12-31, and the XML whole (`SheetParser`, over the part as `SheetStream` reads it).
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

    init(file: String, sheetName: String) {
        self.file = file
        self.sheetName = sheetName
    }

    /// The rows held (rows with at least one non-empty cell).
    var rowCount: Int { rowNumbers.count }

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
    /// Ends the row whose cells were added last (nothing when it had none).
    mutating func finishRow() {
        if cellColumn.count > rowFirstCell.last! {
            rowNumbers.append(pendingRow)
            rowFirstCell.append(cellColumn.count)
        }
    }

    mutating func addCell(row: Int, column: Int, type: String, value: [UInt8], kind: XLSXReader.NumberKind,
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
        var shownValue: String { XLSXReader.shown(v) }
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


/// Reads a sheet's XML (`<sheetData>`'s rows and cells) into `SheetRows`, event by event, its
/// state kept between the windows of the part and between batches of rows.
struct SheetParser {
    let shared: [[UInt8]]?, formats: [XLSXReader.NumberKind]?, date1904: Bool
    private var row = 0, column = -1          // the current row's number; the last cell's column, 0-based
    private var rowNumbered = false           // whether the row's number is known (its `r`, or its first cell's)
    private var inRow = false, inCell = false
    private var type = "", kind = XLSXReader.NumberKind.plain
    private var value: [UInt8] = []
    private var capture = false, inPhonetic = false

    /// `shared` and `formats` are nil when the workbook has no sharedStrings.xml or styles.xml.
    init(shared: [[UInt8]]?, formats: [XLSXReader.NumberKind]?, date1904: Bool) {
        self.shared = shared
        self.formats = formats
        self.date1904 = date1904
    }

    enum Stop { case windowEnds, batchFull, partEnds }

    /// Where the scanner is, for a message: ` at cell B7`, ` after cell B7`, ` in row 7`.
    private func place() -> String {
        if column >= 0 { return " \(inCell ? "at" : "after") cell \(SheetRows.columnName(column))\(row)" }
        return inRow && rowNumbered ? " in row \(row)" : ""
    }

    /// Reads events into `rows` until the window ends, `rows` holds `limit` rows, or the part
    /// ends. Throws `XLSXReader.Damage` naming the cell or row.
    mutating func scan(_ x: inout XMLScanner, into rows: inout SheetRows, limit: Int, isCancelled: () -> Bool) throws -> Stop {
        while let e = x.next() {
            switch e {
            case .start(let name, let attrs, let empty):
                if x.isName(name, "c") {
                    guard inRow, !inCell else { throw XLSXReader.Damage("\(place()): a cell outside a row") }
                    var next = column + 1
                    if let r = x.attribute("r", in: attrs) {
                        func shownRef() -> String { x.shown(r) }
                        guard let (c, cellRow) = SheetRows.cellReference(x.b, r) else {
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
                    if rows.rowCount & 0x3FFF == 0x3FFF && isCancelled() { throw Cancelled() }
                }
            case .end(let name):
                if x.isName(name, "v") || x.isName(name, "t") { capture = false }
                else if x.isName(name, "rPh") { inPhonetic = false }
                else if x.isName(name, "row") {
                    inRow = false
                    if !rowNumbered { row += 1 }
                    rows.finishRow()
                    if rows.rowCount >= limit { return .batchFull }
                }
                else if x.isName(name, "c") && inCell {
                    inCell = false
                    do { try rows.addCell(row: row, column: column, type: type, value: value, kind: kind, shared: shared, date1904: date1904) }
                    catch let d as XLSXReader.Damage { inCell = true; throw XLSXReader.Damage(place() + d.message) }
                }
            case .text(let r):
                if capture { x.appendText(r, to: &value) }
            }
        }
        if x.wantsMore { return .windowEnds }
        if let p = x.problem { throw XLSXReader.Damage("\(place()): \(p)") }
        return .partEnds
    }
}

/// A sheet's part read in windows of `window` bytes (inflated as it goes) into batches of
/// rows: memory holds one window and one batch, however large the sheet.
struct SheetStream {
    private let part: PartReader
    private var parser: SheetParser
    private var window: [UInt8] = []
    private var x = XMLScanner(UnsafeBufferPointer(start: nil, count: 0))
    private let windowBytes: Int
    private let file: String, sheetName: String
    private let progress: LoadProgress?
    private var reported = 0
    private var ended = false

    /// The window size of a load (`LoadOptions.sheetBytes` sets a smaller one in tests).
    static let defaultWindow = 1 << 20

    init(part: PartReader, parser: SheetParser, windowBytes: Int?, file: String, sheetName: String,
         progress: LoadProgress?) {
        self.part = part
        self.parser = parser
        self.windowBytes = max(1, windowBytes ?? SheetStream.defaultWindow)
        self.file = file
        self.sheetName = sheetName
        self.progress = progress
        x.isFinal = false
    }

    /// The next rows, at most `limit` (a row is never split); nil after the last. Throws
    /// `XLSXReader.Damage` for a damaged part (the XML, its deflate data or its checksum).
    mutating func next(limit: Int, isCancelled: () -> Bool) throws -> SheetRows? {
        guard !ended else { return nil }
        var rows = SheetRows(file: file, sheetName: sheetName)
        while true {
            let stop = try window.withUnsafeBufferPointer { buf in
                x.b = buf
                return try parser.scan(&x, into: &rows, limit: limit, isCancelled: isCancelled)
            }
            switch stop {
            case .batchFull: return rows
            case .partEnds: ended = true; return rows
            case .windowEnds:
                // Keep the construct the window ends in, and add the part's next bytes after it.
                window.removeSubrange(0..<x.i)
                x.i = 0
                try part.read(into: &window, max: windowBytes)
                x.isFinal = part.isAtEnd
                if let p = progress {
                    p.advance(bytes: part.consumed - reported, rows: 0)
                    reported = part.consumed
                }
            }
        }
    }
}
