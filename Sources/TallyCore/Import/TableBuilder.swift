import Foundation

/// Rows of fields, from a text file (`RowScanner`) or a sheet (`SheetRows`).
protocol RowSource {
    /// Where the next row starts; set it to read rows again.
    var position: Int { get set }
    /// Reads the next row that is not blank; false at the end. Throws `RowError`.
    mutating func nextRow(into fields: inout [FieldRef]) throws -> Bool
    /// Whether a field without escapes is given to `withField` in place: its bytes stay valid
    /// while the rows are read.
    static var fieldsInPlace: Bool { get }
    /// Calls `body` with a field's bytes, unquoted and trimmed.
    func withField<R>(_ f: FieldRef, scratch: inout [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> R) -> R
    /// The line (text) or row (sheet) number of the row that starts at `position`.
    func rowNumber(at position: Int) -> Int
    /// Where a field's start or a `RowError`'s offset is, and a note naming a sheet's cell.
    func location(at offset: Int) -> (Diagnostic.Location, note: String?)
    /// Moves past the row that threw `error` (skip_bad_rows).
    mutating func skip(past error: RowError)
    /// Sheets leave trailing empty cells out: from now on pad every row to `width` fields.
    mutating func pad(to width: Int)
    /// How many rows may follow `position`, given the size of the rows so far.
    func estimatedRows(after position: Int, bytesPerRow: Int) -> Int
}

/// A row that cannot be read (an unterminated quote, text after a closing quote).
struct RowError: Error {
    var offset: Int
    var message: String
    var notes: [String]
}

/// Turns rows of fields into a table: finds the header (skipping a title or notes above it),
/// joins a two-row header into one name per column, leaves out blank, summary and bad rows,
/// checks given types, builds the columns and renames them.
enum TableBuilder {
    /// The file's bytes were not valid UTF-8 after all: read it again as GB18030.
    struct NotUTF8: Error {}

    static let previewRows = 20
    /// The note of a bad row's error.
    static let skipBadRowsHint = "or leave bad rows out (counted, the first shown): with skip_bad_rows true"

    /// The header and columns of a file: where its data rows start, the plan they are read with,
    /// and how many rows to make room for. Leaves `rows` at the first data row.
    static func layout<S: RowSource>(_ rows: inout S, options: LoadOptions, source: TableSource) throws
        -> (info: TableSource, plan: RowPlan, dataStart: Int, expectedRows: Int) {
        var info = source
        info.nulls = options.nulls
        info.skipTotals = options.skipTotals
        info.skipBadRows = options.skipBadRows
        let markers = NullMarkers(options.nulls)
        var fields: [FieldRef] = []
        var scratch: [UInt8] = []
        func texts(_ fields: [FieldRef], _ rows: S) -> [String] {
            fields.map { f in rows.withField(f, scratch: &scratch) { String(decoding: UnsafeBufferPointer(start: $0, count: $1), as: UTF8.self) } }
        }

        // The first rows, to find the header in. A bad row ends them (the loop below reports it).
        var preview: [(start: Int, end: Int, texts: [String])] = []
        while preview.count < previewRows || (options.header.map { rows.rowNumber(at: preview.last!.start) < $0.last! } ?? false) {
            let start = rows.position
            do {
                guard try rows.nextRow(into: &fields) else { break }
            } catch let e as RowError {
                if preview.isEmpty { throw e.located(in: rows) }
                rows.position = start
                break
            }
            if fields.contains(where: { f in rows.withField(f, scratch: &scratch) { FieldParsing.firstInvalidUTF8($0, $1) != nil } }) {
                throw NotUTF8()
            }
            let t = texts(fields, rows)
            if t.allSatisfy(\.isEmpty) { continue }
            preview.append((start, rows.position, t))
        }
        guard !preview.isEmpty else { throw Diagnostic(.error, "\(source.path) is empty: a header row is needed") }
        let header: [Int]   // indexes into preview
        if let given = options.header {
            let numbers = preview.map { rows.rowNumber(at: $0.start) }
            guard let first = numbers.firstIndex(of: given[0]), given.count == 1 || numbers.indices.contains(first + 1) && numbers[first + 1] == given[1] else {
                let what = source.sheet == nil ? "line" : "row"
                throw options.error("\(source.path) has no header at \(what) \(given.map(String.init).joined(separator: "–"))",
                                    options.given["header"] ?? .none,
                                    notes: ["rows start at \(what)s " + numbers.prefix(8).map(String.init).joined(separator: ", ") + (numbers.count > 8 ? ", …" : "")])
            }
            header = given.count == 2 ? [first, first + 1] : [first]
        } else {
            header = detectHeader(preview.map(\.texts), markers: markers)
        }
        let top = preview[header[0]].texts
        var fileNames = header.count == 2 ? joinedNames(top, preview[header[1]].texts) : top
        fileNames = uniqueNames(fileNames.map(cleanName))
        info.fileNames = fileNames
        info.headerRows = header.map { rows.rowNumber(at: preview[$0].start) }
        let names = try renamed(fileNames, options: options, path: source.path)
        var forced = [DataType?](repeating: nil, count: names.count)
        for t in options.types {
            guard let i = fileNames.firstIndex(of: t.column) ?? names.firstIndex(of: t.column) else {
                if options.inFolder { continue }
                throw options.error("no column `\(t.column)` in \(source.path)", t.span, notes: suggestion(t.column, fileNames))
            }
            forced[i] = t.type
        }
        let checked = forced.indices.filter { forced[$0] != nil && forced[$0] != .string }

        let width = names.count
        rows.pad(to: width)
        let dataStart = preview[header.last!].end
        rows.position = dataStart
        // Rows to make room for, from the size of the first data rows (else the header's), with
        // a margin: room reserved and never used costs address space, not memory, while a
        // column that outgrows its room is copied.
        let sample = preview[(header.last! + 1)...]
        let rowBytes = sample.isEmpty ? preview[header[0]].end - preview[header[0]].start
            : (sample.last!.end - sample.first!.start) / sample.count
        let expectedRows = rows.estimatedRows(after: dataStart, bytesPerRow: max(8, rowBytes * 4 / 5))
        let plan = RowPlan(width: width, names: names, fileNames: fileNames, forced: forced, checked: checked,
                           markers: markers, options: options)
        return (info, plan, dataStart, expectedRows)
    }

    static func build<S: RowSource>(_ rows: inout S, tableName: String, options: LoadOptions, source: TableSource,
                                    isCancelled: () -> Bool) throws -> Table {
        let layout = try layout(&rows, options: options, source: source)
        var info = layout.info
        let (plan, dataStart, expectedRows) = (layout.plan, layout.dataStart, layout.expectedRows)
        let width = plan.width, names = plan.names

        // A large text file is read in parts, one per core, each from a row boundary; the parts'
        // columns are then joined in order. Everything else is read in one pass.
        var chunks: [Chunk]
        let cores = options.parts ?? min(ProcessInfo.processInfo.activeProcessorCount, 8)
        if let scanner = rows as? RowScanner, cores > 1, options.parts != nil || scanner.length - dataStart >= parallelThreshold {
            chunks = try readInParallel(scanner, from: dataStart, parts: cores, plan: plan, expectedRows: expectedRows, isCancelled: isCancelled)
        } else {
            var chunk = Chunk(plan, columnRows: expectedRows, start: dataStart)
            try readRows(&rows, into: &chunk, plan: plan, isCancelled: isCancelled)
            chunks = [chunk]
        }

        let vectors = try joinColumns(&chunks, plan: plan, expectedRows: expectedRows)
        for chunk in chunks { count(chunk, in: &info) }
        finishWarnings(&info)
        let columns = (0..<width).map { Table.Column(name: names[$0], vector: vectors[$0]) }
        return Table(name: tableName, columns: columns, rowCount: chunks.reduce(0) { $0 + $1.rows }, source: info)
    }

    /// Adds what a part of the file left out to the file's counts (the first three bad rows as warnings).
    static func count(_ chunk: Chunk, in info: inout TableSource) {
        info.badRows += chunk.badRows
        info.summaryRows += chunk.summaryRows
        info.warnings += chunk.warnings.prefix(max(0, 3 - info.warnings.count))
    }

    /// After the last part: how many bad rows there were beyond those shown.
    static func finishWarnings(_ info: inout TableSource) {
        if info.badRows > info.warnings.count {
            info.warnings.append(Diagnostic(.warning, "\(info.badRows) bad rows skipped in \(info.path); the first \(info.warnings.count) are shown above"))
        }
    }

    /// Joins each column's parts in order and makes its vector, the columns in parallel (they
    /// are independent). Each part's column is released as soon as it is joined, and each
    /// builder once its vector is made, so a load needs little more memory than its result.
    private static func joinColumns(_ chunks: inout [Chunk], plan: RowPlan, expectedRows: Int) throws -> [Vector] {
        let width = plan.width, markers = plan.markers
        // Each column's parts, moved out of the chunks so that each builder has one owner.
        let parts = UnsafeMutablePointer<[ColumnBuilder]>.allocate(capacity: width)
        parts.initialize(repeating: [], count: width)
        for k in chunks.indices {
            for c in 0..<width { parts[c].append(chunks[k].builders[c]) }
            chunks[k].builders = []
        }
        let results = UnsafeMutablePointer<Result<Vector, Error>?>.allocate(capacity: width)
        results.initialize(repeating: nil, count: width)
        defer {
            parts.deinitialize(count: width); parts.deallocate()
            results.deinitialize(count: width); results.deallocate()
        }
        // Each thread takes only its own column's slots; the chunks' sources are only read.
        nonisolated(unsafe) let (slots, outs, chunks, plan) = (parts, results, chunks, plan)
        DispatchQueue.concurrentPerform(iterations: width) { c in
            var list = slots[c]
            slots[c] = []
            var column = list.removeFirst()
            outs[c] = Result {
                while !list.isEmpty {
                    if column.absorb(list.removeFirst()) { continue }
                    // The parts disagree on the type: the column is text; read it again as text.
                    list = []
                    column = ColumnBuilder(expectedRows: expectedRows, nulls: markers, type: .string)
                    for chunk in chunks where chunk.rows > 0 {
                        try replay(column: c, rows: chunk.rows, from: chunk.start, source: chunk.source!, plan: plan, builder: &column)
                    }
                }
                if column.sawInvalidUTF8 { throw NotUTF8() }
                return column.finish()
            }
        }
        return try (0..<width).map { try results[$0]!.get() }
    }

    /// Text files from this size on are read in parallel parts.
    static let parallelThreshold = 4 << 20

    /// What every part of a file is read with: the columns, their given types, the options.
    struct RowPlan {
        var width: Int
        var names: [String]
        var fileNames: [String]
        var forced: [DataType?]
        var checked: [Int]
        var markers: NullMarkers
        var options: LoadOptions
    }

    /// The rows of one part of a file: its columns so far, where it starts, what was skipped.
    struct Chunk {
        var builders: [ColumnBuilder]
        /// Where the part's rows start (to read them again), and how many were kept.
        let start: Int
        var rows = 0
        var badRows = 0
        var summaryRows = 0
        var warnings: [Diagnostic] = []
        /// The part's own scanner (parallel reading), to read its rows again.
        var source: RowScanner?

        /// `columnRows`: the room each column starts with (the first part's columns make room
        /// for the whole file, so the other parts join them without a copy).
        init(_ plan: RowPlan, columnRows: Int, start: Int) {
            builders = plan.forced.map { ColumnBuilder(expectedRows: columnRows, nulls: plan.markers, type: $0) }
            self.start = start
        }
    }

    /// Reads the parts of a text file on as many threads; a part's error is reported in file order.
    private static func readInParallel(_ scanner: RowScanner, from start: Int, parts: Int, plan: RowPlan,
                                       expectedRows: Int, isCancelled: () -> Bool) throws -> [Chunk] {
        let bounds = scanner.rowBoundaries(from: start, parts: parts)
        let n = bounds.count - 1
        let results = UnsafeMutablePointer<Result<Chunk, Error>?>.allocate(capacity: n)
        results.initialize(repeating: nil, count: n)
        defer { results.deinitialize(count: n); results.deallocate() }
        // Each thread writes only its own slot, and reads the scanner and plan (immutable).
        nonisolated(unsafe) let slots = results
        nonisolated(unsafe) let cancelled = isCancelled
        nonisolated(unsafe) let (scanner, plan) = (scanner, plan)
        DispatchQueue.concurrentPerform(iterations: n) { k in
            var part = scanner.limited(to: bounds[k + 1])
            part.position = bounds[k]
            var chunk = Chunk(plan, columnRows: k == 0 ? expectedRows : expectedRows / n + 16, start: bounds[k])
            chunk.source = part
            slots[k] = Result {
                try readRows(&part, into: &chunk, plan: plan, isCancelled: cancelled)
                // Only the first part's strings get more strings (the other parts' are added to them).
                if k > 0 { for c in chunk.builders.indices { chunk.builders[c].doneAdding() } }
                return chunk
            }
        }
        return try (0..<n).map { try results[$0]!.get() }
    }

    /// What becomes of a row read: kept, or left out as blank, as a summary row, or as bad.
    private enum Verdict {
        case keep, blank, summary
        case bad(offset: Int, message: String, notes: [String])
    }

    /// Reads the next row into `fields` and judges it; nil at the end. The same rows are kept
    /// however often a part is read, so a column can be read again by reading the part again.
    private static func nextRow<S: RowSource>(_ rows: inout S, _ fields: inout [FieldRef], _ scratch: inout [UInt8],
                                              plan: RowPlan) throws -> Verdict? {
        let width = plan.width
        do {
            guard try rows.nextRow(into: &fields) else { return nil }
        } catch let e as RowError {
            rows.skip(past: e)
            return .bad(offset: e.offset, message: e.message, notes: e.notes)
        }
        if rows.withField(fields[0], scratch: &scratch, { $1 }) == 0 && fields.allSatisfy({ rows.withField($0, scratch: &scratch, { $1 }) == 0 }) {
            return .blank   // `,,,`
        }
        if fields.count > width, let extra = fields[width...].first(where: { rows.withField($0, scratch: &scratch, { $1 }) > 0 }) {
            return .bad(offset: extra.start, message: "this row has a value beyond the header's \(width) columns",
                        notes: ["a field holding the delimiter or a line break must be quoted: \"a,b\""])
        }
        if fields.count < width {
            return .bad(offset: fields[0].start, message: "this row has \(fields.count) field\(fields.count == 1 ? "" : "s"), the header has \(width)",
                        notes: ["a field holding the delimiter or a line break must be quoted: \"a,b\""])
        }
        if plan.options.skipTotals && isSummaryRow(fields, rows, &scratch) { return .summary }
        for c in plan.checked where !rows.withField(fields[c], scratch: &scratch, { ColumnBuilder.accepts($0, $1, as: plan.forced[c]!, nulls: plan.markers) }) {
            let text = rows.withField(fields[c], scratch: &scratch) { String(decoding: UnsafeBufferPointer(start: $0, count: $1), as: UTF8.self) }
            let type = plan.forced[c]!
            return .bad(offset: fields[c].start, message: "`\(text)` in column \(plan.names[c]) is not \(article(type)) \(type.rawValue)",
                        notes: ["the column's type is given on load: types (\(plan.fileNames[c]) = \(type.rawValue))"])
        }
        return .keep
    }

    /// Reads rows from `rows` to its end into `chunk`.
    static func readRows<S: RowSource>(_ rows: inout S, into chunk: inout Chunk, plan: RowPlan,
                                               isCancelled: () -> Bool) throws {
        // The columns, moved out of the chunk while its rows are read: each field goes to its
        // builder in place, without checking every time whether the list is shared.
        var list = chunk.builders
        chunk.builders = []
        defer { chunk.builders = list }
        try list.withUnsafeMutableBufferPointer { builders in
            try readRows(&rows, into: &chunk, builders: builders, plan: plan, isCancelled: isCancelled)
        }
    }

    private static func readRows<S: RowSource>(_ rows: inout S, into chunk: inout Chunk, builders: UnsafeMutableBufferPointer<ColumnBuilder>,
                                               plan: RowPlan, isCancelled: () -> Bool) throws {
        let width = plan.width, options = plan.options
        var fields: [FieldRef] = []
        var scratch: [UInt8] = []
        var reported = rows.position   // for the progress observer
        let first = rows.position
        while true {
            let start = rows.position
            guard let verdict = try nextRow(&rows, &fields, &scratch, plan: plan) else { break }
            switch verdict {
            case .keep: break
            case .blank: continue
            case .summary: chunk.summaryRows += 1; continue
            case .bad(let offset, let message, let notes):
                let (location, cell) = rows.location(at: offset)
                guard options.skipBadRows else {
                    throw Diagnostic(.error, message, at: location, notes: (cell.map { [$0] } ?? []) + notes + [TableBuilder.skipBadRowsHint])
                }
                chunk.badRows += 1
                if chunk.warnings.count < 3 { chunk.warnings.append(Diagnostic(.warning, "skipped a bad row: \(message)", at: location, notes: cell.map { [$0] } ?? [])) }
                continue
            }
            let row = chunk.rows
            if row & 0xFFFF == 0xFFFF {
                if isCancelled() { throw Cancelled() }
                for c in 0..<width { builders[c].flush() }
                (rows as? RowScanner)?.release(first, start)
                if let p = options.progress {
                    // A sheet's positions count rows: its stream tells the bytes it has read.
                    p.advance(bytes: rows is RowScanner ? start - reported : 0, rows: 0x10000)
                    reported = start
                    options.observer?(p)
                }
            }
            chunk.rows += 1
            for c in 0..<width {
                let inPlace = S.fieldsInPlace && !fields[c].hasEscapes
                let ok = rows.withField(fields[c], scratch: &scratch) { p, n in
                    inPlace ? builders[c].appendInPlace(p, n) : builders[c].append(p, n)
                }
                if !ok { try replay(column: c, rows: row + 1, from: chunk.start, source: rows, plan: plan, builder: &builders[c]) }
            }
        }
        for c in 0..<width { builders[c].flush() }
    }

    /// A column became text: feed it, as text, its field of the first `count` kept rows read from `start`.
    private static func replay<S: RowSource>(column c: Int, rows count: Int, from start: Int, source: S, plan: RowPlan,
                                             builder: inout ColumnBuilder) throws {
        var s = source
        s.position = start
        var fields: [FieldRef] = []
        var scratch: [UInt8] = []
        var kept = 0
        while kept < count, let verdict = try nextRow(&s, &fields, &scratch, plan: plan) {
            guard case .keep = verdict else { continue }
            s.withField(fields[c], scratch: &scratch) { p, n in builder.appendString(p, n) }
            kept += 1
        }
    }

    /// The header is the first row in which at least half the columns (and two, unless there is
    /// only one) are filled, one of them with text: a title or notes above it fill one or two.
    /// Without such a row, the first row. The next row joins the header as a second header row
    /// when `secondHeaderRow` says so.
    static func detectHeader(_ rows: [[String]], markers: NullMarkers) -> [Int] {
        func filled(_ r: [String]) -> Int { r.filter { !$0.isEmpty }.count }
        let width = rows.map { ($0.lastIndex { !$0.isEmpty } ?? -1) + 1 }.max() ?? 0
        let h = rows.firstIndex {
            filled($0) * 2 >= width && (filled($0) >= 2 || width <= 1) && $0.contains { isText($0, markers) }
        } ?? 0
        return h + 1 < rows.count && secondHeaderRow(rows[h], rows[h + 1], markers: markers) ? [h, h + 1] : [h]
    }

    /// A merged two-row header: the top row has gaps after a filled cell (a cell merged across
    /// columns keeps its text in the first), every such gap has text below it, and the row below
    /// holds only text (no number, date, boolean or null marker: that would be data).
    static func secondHeaderRow(_ top: [String], _ below: [String], markers: NullMarkers) -> Bool {
        var seenTop = false, gaps = 0
        for j in 0..<max(top.count, below.count) {
            let t = j < top.count ? top[j] : "", b = j < below.count ? below[j] : ""
            if !b.isEmpty && !isText(b, markers) { return false }
            if !t.isEmpty { seenTop = true } else if seenTop {
                if b.isEmpty { return false }
                gaps += 1
            }
        }
        return gaps > 0
    }

    /// A cell that reads as text, not as a value (a number, date, boolean or null marker).
    private static func isText(_ s: String, _ markers: NullMarkers) -> Bool {
        var s = s
        return !s.isEmpty && s.withUTF8 { FieldParsing.classify($0.baseAddress!, $0.count, nulls: markers) } == .text
    }

    /// One name per column from two header rows: `选课人数` over `人次` gives `选课人数_人次`; a gap in
    /// the top row takes the text to its left (a merged cell); a cell with nothing below keeps its name.
    static func joinedNames(_ top: [String], _ below: [String]) -> [String] {
        var carry = ""
        return (0..<max(top.count, below.count)).map { j in
            let t = j < top.count ? top[j] : "", b = j < below.count ? below[j] : ""
            if !t.isEmpty { carry = t }
            let upper = t.isEmpty && !b.isEmpty ? carry : t
            return upper.isEmpty ? b : b.isEmpty ? upper : upper + "_" + b
        }
    }

    /// A header cell as a name: line breaks inside it (and spaces around them) removed.
    static func cleanName(_ s: String) -> String {
        guard s.contains(where: \.isNewline) else { return s }
        return s.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined()
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

    private static func renamed(_ names: [String], options: LoadOptions, path: String) throws -> [String] {
        var out = names
        for r in options.renames {
            guard let i = names.firstIndex(of: r.from) else {
                if options.inFolder { continue }
                throw options.error("no column `\(r.from)` in \(path)", r.span, notes: suggestion(r.from, names))
            }
            out[i] = r.to
        }
        if let twice = out.enumerated().first(where: { k, n in out[..<k].contains(n) }) {
            throw options.error("two columns would be called `\(twice.element)`", options.given["rename"] ?? .none)
        }
        return out
    }

    private static func suggestion(_ name: String, _ names: [String]) -> [String] {
        Suggest.closest(to: name, in: names).map { ["did you mean `\($0)`?"] } ?? ["columns: " + names.joined(separator: ", ")]
    }

    private static func article(_ t: DataType) -> String { t == .integer ? "an" : "a" }

    /// A summary row: its first filled field is 合计, 小计 or 总计 (spaces inside and a colon after allowed).
    private static func isSummaryRow<S: RowSource>(_ fields: [FieldRef], _ rows: S, _ scratch: inout [UInt8]) -> Bool {
        for f in fields {
            let text = rows.withField(f, scratch: &scratch) { String(decoding: UnsafeBufferPointer(start: $0, count: $1), as: UTF8.self) }
            if text.isEmpty { continue }
            let word = text.filter { !$0.isWhitespace && $0 != ":" && $0 != "：" }
            return word == "合计" || word == "小计" || word == "总计"
        }
        return false
    }
}

extension RowError {
    func located<S: RowSource>(in rows: S) -> Diagnostic {
        let (location, note) = rows.location(at: offset)
        return Diagnostic(.error, message, at: location, notes: (note.map { [$0] } ?? []) + notes)
    }
}
