import Foundation

/// What keeps an engine from reading a UTF-8 text file exactly as Tally reads it, found while
/// the first pass infers its types: rows of empty fields (Tally leaves them out, an engine reads
/// a row of nulls), unquoted text with spaces around it (Tally trims it), a null marker in
/// another case than listed (Tally reads `null` as `NULL`), and values in forms only Tally reads
/// (`225,319`, `92.13%`, `1.2万`, `2020年10月13日`, `2020/10/13`, full-width digits …).
struct EngineForms {
    var blankRows = false, markerCase = false
    var padded: [Bool], lenient: [Bool]

    init(width: Int) {
        padded = Array(repeating: false, count: width)
        lenient = padded
    }

    mutating func add(_ other: EngineForms) {
        blankRows = blankRows || other.blankRows
        markerCase = markerCase || other.markerCase
        for c in padded.indices {
            padded[c] = padded[c] || other.padded[c]
            lenient[c] = lenient[c] || other.lenient[c]
        }
    }

    /// The booleans an engine's read maps as Tally reads them (after `lower(trim(…))`).
    private static let mappedBooleans: Set<String> = ["是", "否", "y", "n", "true", "false", "1", "0"]

    /// Looks at every field of `part`'s rows from its position; `states` are the part's column types.
    mutating func look(at part: RowScanner, states: [ColumnBuilder.State], plan: TableBuilder.RowPlan) {
        var rows = part
        var fields: [FieldRef] = []
        var scratch: [UInt8] = []
        let listed = Set(plan.markers.list)
        // A bad row stops the look: the load left it out, which is an obstacle of its own.
        while (try? rows.nextRow(into: &fields)) == true {
            if fields.allSatisfy({ rows.withField($0, scratch: &scratch) { $1 } == 0 }) { blankRows = true; continue }
            for c in 0..<min(plan.width, fields.count) {
                let f = fields[c]
                if !f.quoted && f.end > f.start && (Self.isSpace(rows.base[f.start]) || Self.isSpace(rows.base[f.end - 1])) {
                    padded[c] = padded[c] || states[c] == .string
                }
                rows.withField(f, scratch: &scratch) { p, n in
                    guard n > 0 else { return }
                    if plan.markers.contains(p, n) {
                        if !listed.contains(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)) { markerCase = true }
                        return
                    }
                    guard states[c] != .string, !lenient[c] else { return }
                    if FieldParsing.integer(p, n) != nil || FieldParsing.decimal(p, n) != nil || Self.isISO(p, n) { return }
                    switch FieldParsing.classify(p, n, nulls: plan.markers) {
                    case .text: return
                    case .boolean:
                        let text = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self).lowercased()
                        if !Self.mappedBooleans.contains(text) { lenient[c] = true }
                    default: lenient[c] = true
                    }
                }
            }
        }
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 }

    /// `2020-10-13` or `2020-10-13 08:30:00`: the forms an engine reads as dates and timestamps.
    private static func isISO(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n == 10 || n == 19 else { return false }
        let shape = n == 10 ? "dddd-dd-dd" : "dddd-dd-dd dd:dd:dd"
        for (i, s) in shape.utf8.enumerated() {
            if s == UInt8(ascii: "d") ? !(p[i] >= 48 && p[i] <= 57) : p[i] != s { return false }
        }
        return true
    }

    /// Why the engine cannot read the file exactly, given the columns' final types.
    func obstacles(_ names: [String], _ types: [DataType?]) -> [String] {
        var why: [String] = []
        if blankRows { why.append("it has rows of empty fields, which Tally leaves out") }
        if markerCase { why.append("a null marker is written in another case than listed") }
        let spaced = names.indices.filter { padded[$0] && types[$0] == .string }
        if !spaced.isEmpty { why.append("text in \(spaced.map { names[$0] }.joined(separator: ", ")) has spaces around it, which Tally trims") }
        let forms = names.indices.filter { lenient[$0] && types[$0] != .string && types[$0] != nil }
        if !forms.isEmpty {
            why.append("\(forms.map { names[$0] }.joined(separator: ", ")) \(forms.count == 1 ? "has" : "have") values in forms only Tally reads (such as 225,319, 92.13%, 2020年10月13日)")
        }
        return why
    }
}

extension Converter {
    /// Under an engine: a table whose rows the engine reads from the file itself — its columns
    /// and types from a streaming first pass (bounded memory, as `convert`'s), no rows. Throws
    /// `Obstacles` when the engine cannot read the file exactly as Tally does.
    static func schema(path: String, tableName: String, options: LoadOptions, isCancelled: @Sendable () -> Bool) throws -> Table {
        if (path as NSString).pathExtension.lowercased() == "xlsx" { throw Obstacles(path: path, reasons: ["it is a workbook"]) }
        var options = options
        if options.observer != nil {
            let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
            options.progress = LoadProgress(file: path, totalBytes: size)
        }
        defer { if let p = options.progress { p.finish(); options.observer?(p) } }
        return try mapped(path) { all in
            guard let all else { throw Diagnostic(.error, "\(path) is empty: a header row is needed") }
            let start = TextDecoding.start(all, path: path, options: options)
            var reasons: [String] = []
            if start.encoding != TextDecoding.utf8 { reasons.append("it is \(start.encoding), not UTF-8") }
            if start.bom > 0 { reasons.append("it starts with a byte-order mark") }
            if !reasons.isEmpty { throw Obstacles(path: path, reasons: reasons) }
            guard let base = start.text.baseAddress, start.text.count > 0 else { throw Diagnostic(.error, "\(path) is empty: a header row is needed") }
            var rows = RowScanner(base: base, length: start.text.count, delimiter: options.delimiter ?? CSVReader.detectDelimiter(base, start.text.count))
            rows.fileBacked = true
            rows.fileName = path
            var source = start.source
            source.delimiter = rows.delimiter
            let first: FirstPass
            do { first = try firstPass(rows, source: source, options: options, forms: true, isCancelled: isCancelled) } catch is TableBuilder.NotUTF8 {
                throw Obstacles(path: path, reasons: ["it is not UTF-8"])
            }
            let types = first.kinds.map(ColumnBuilder.type(of:))
            var info = first.info
            info.heldByEngine = true
            info.rows = first.rows
            let columns = zip(first.plan.names, types).map { name, type in
                Table.Column(name: name, vector: type.map { Vector.nulls($0, count: 0) } ?? .nulls(.string, count: 0), typed: type != nil)
            }
            let t = Table(name: tableName, columns: columns, rowCount: 0, source: info)
            reasons = SQLCompiler.obstacles(t) + (first.forms?.obstacles(first.plan.names, types) ?? [])
            if !reasons.isEmpty { throw Obstacles(path: path, reasons: reasons) }
            return t
        }
    }

    /// Why an engine cannot read a file exactly as Tally does.
    struct Obstacles: Error {
        var path: String
        var reasons: [String]
    }
}
