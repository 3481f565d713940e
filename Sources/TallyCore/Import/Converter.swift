import CMemory
import Foundation

/// `tally convert`: each export (a file, or every export of a folder) becomes a clean CSV file
/// (`CleanCSV`) that an engine reads exactly and that Tally loads to the same table.
///
/// A text file is read in two passes over row-aligned parts of 8 MB, so the memory it
/// takes does not grow with the file: the first pass infers each column's type exactly as a
/// load does (the same readers, the parts' types combined as a parallel load combines them),
/// the second reads each part again with those types and writes its rows. A file that is not
/// UTF-8 is first converted to a UTF-8 copy beside the output, a block at a time, and removed
/// after. A workbook is read whole, as a load reads it (a sheet holds at most 1,048,576 rows).
public enum Converter {
    /// One file converted.
    public struct Converted: Sendable {
        /// The export read, and what its reading decided (encoding, header, rows left out).
        public var source: TableSource
        public var output: String
        public var rows: Int
        public var columns: Int
        /// The `with` options that load the clean file to the same table, when it needs any (a
        /// text column whose values all read as numbers or dates, a text equal to a null marker).
        public var loadOptions: [String]
    }

    /// The rows of one part of a text file, in bytes: what a pass holds at a time per thread
    /// (`LoadOptions.parts`, set by tests, gives the number of parts instead).
    static let partBytes = 8 << 20

    /// Converts `path` (a file, or a folder's exports) into `folder`, one NAME.csv per export (a
    /// folder's startup.tally is copied too, unless `startup false`). `converted` is told of each file as it is written.
    public static func convert(path: String, to folder: String, options: LoadOptions,
                               isCancelled: @Sendable () -> Bool = { false },
                               converted: (Converted) -> Void = { _ in }) throws {
        let kind = FileKind(path: path)
        if case .missing = kind { throw Diagnostic(.error, "no such file or folder: \(path)") }
        var inputs: [(path: String, name: String)] = []
        var options = options
        if kind == .folder {
            inputs = try Loader.exports(in: path).map { ((path as NSString).appendingPathComponent($0), ($0 as NSString).deletingPathExtension) }
            options.inFolder = true
        } else {
            try Loader.checkOneFile(path, options: options)
            inputs = [(path, ((path as NSString).lastPathComponent as NSString).deletingPathExtension)]
        }
        if let twice = inputs.enumerated().first(where: { k, f in inputs[..<k].contains { $0.name == f.name } }) {
            throw Diagnostic(.error, "two exports in \(path) would both become \(twice.element.name).csv",
                             notes: ["convert them one at a time, into different folders"])
        }
        try makeFolder(folder)
        for input in inputs {
            if isCancelled() { throw Cancelled() }
            let output = (folder as NSString).appendingPathComponent(input.name + ".csv")
            if let a = realpath(input.path, nil), let b = realpath(output, nil) {
                defer { free(a); free(b) }
                if strcmp(a, b) == 0 {
                    throw Diagnostic(.error, "converting \(input.path) into \(folder) would overwrite it", notes: ["give another folder: --out DIR"])
                }
            }
            converted(try convertFile(input.path, tableName: input.name, to: output, options: options, isCancelled: isCancelled))
        }
        let startup = (path as NSString).appendingPathComponent("startup.tally")
        if kind == .folder, options.startup, FileManager.default.fileExists(atPath: startup) {
            let target = (folder as NSString).appendingPathComponent("startup.tally")
            do {
                try AtomicFile.write(Array(try Data(contentsOf: URL(fileURLWithPath: startup))), to: target)
            } catch {
                throw Diagnostic(.error, "cannot copy \(startup) to \(target): \(error)")
            }
        }
    }

    private static func makeFolder(_ folder: String) throws {
        switch FileKind(path: folder) {
        case .folder: return
        case .missing:
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw Diagnostic(.error, "cannot create the folder \(folder): \(CSVReader.describe(error))")
            }
        default: throw Diagnostic(.error, "cannot convert into \(folder): it is not a folder")
        }
    }

    /// Converts one export, with the progress of a load (both passes counted).
    static func convertFile(_ path: String, tableName: String, to output: String, options: LoadOptions,
                            isCancelled: @Sendable () -> Bool) throws -> Converted {
        try Loader.checkIsFile(path, { $0 })
        let ext = (path as NSString).pathExtension.lowercased()
        var options = options
        if options.observer != nil {
            let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
            let progress = LoadProgress(file: path, totalBytes: size * 2)
            options.progress = progress
        }
        defer { if let p = options.progress { p.finish(); options.observer?(p) } }
        defer { tally_release_free_memory() }
        if ext == "xlsx" { return try convertWorkbook(path, tableName: tableName, to: output, options: options, isCancelled: isCancelled) }
        return try convertText(path, tableName: tableName, to: output, options: options, isCancelled: isCancelled)
    }

    /// Writes `output` atomically (a failed conversion leaves no partial file).
    private static func write(_ output: String, _ body: (Int32) throws -> Void) throws {
        var failure: Error?
        do {
            try AtomicFile.write(to: output) { fd in
                do { try body(fd); return 0 } catch { failure = error; return EIO }
            }
        } catch {
            if let failure { throw failure }
            throw Diagnostic(.error, error.description, notes: error.notes)
        }
    }

    fileprivate static func put(_ bytes: [UInt8], _ fd: Int32, _ output: String) throws {
        let failed = AtomicFile.writeAll(bytes, to: fd)
        if failed != 0 { throw Diagnostic(.error, "cannot write \(output): \(String(cString: strerror(failed)))") }
    }

    /// A read-only mapping of a file (nil for an empty one), unmapped by `body`'s end.
    static func mapped<R>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) throws -> R {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Diagnostic(.error, "cannot read \(path): \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0 else { close(fd); throw Diagnostic(.error, "cannot read \(path): \(String(cString: strerror(errno)))") }
        let size = Int(info.st_size)
        guard size > 0 else { close(fd); return try body(nil) }
        let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        close(fd)
        guard let map, map != MAP_FAILED else { throw Diagnostic(.error, "cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { munmap(map, size) }
        return try body(UnsafeBufferPointer(start: map.assumingMemoryBound(to: UInt8.self), count: size))
    }

    /// A text file: its encoding found as a load finds it, then the two passes over UTF-8 text.
    private static func convertText(_ path: String, tableName: String, to output: String, options: LoadOptions,
                                    isCancelled: @Sendable () -> Bool) throws -> Converted {
        try mapped(path) { all in
            guard let all else { throw Diagnostic(.error, "\(path) is empty: a header row is needed") }
            let start = TextDecoding.start(all, path: path, options: options)
            var (encoding, source) = (start.encoding, start.source)
            let (text, bom) = (start.text, start.bom)
            if encoding == TextDecoding.utf8 {
                do {
                    return try convertDecoded(text, fileBacked: true, source: source, tableName: tableName, to: output,
                                              options: options, isCancelled: isCancelled)
                } catch is TableBuilder.NotUTF8 {
                    if options.encoding == nil { encoding = TextDecoding.gb18030 }   // not UTF-8 after all
                }
            }
            // The UTF-8 copy, beside the output (a temporary folder may be held in memory).
            let copy = (output as NSString).deletingLastPathComponent + "/.\((output as NSString).lastPathComponent).\(getpid()).utf8"
            defer { unlink(copy) }
            func decode(_ encoding: String) throws -> TextDecoding.Decoded {
                let fd = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                guard fd >= 0 else { throw Diagnostic(.error, "cannot write \(copy): \(String(cString: strerror(errno)))") }
                defer { close(fd) }
                return try TextDecoding.decodeFile(path, skip: bom, from: encoding, to: fd)
            }
            var decoded = try decode(encoding)
            if options.encoding == nil && encoding == TextDecoding.gb18030 && decoded.replaced > 0,
               let bad = FieldParsing.firstInvalidUTF8(text.baseAddress!, text.count), bad > decoded.firstBadInput {
                encoding = TextDecoding.utf8   // valid in neither: the one that reads further (UTF-8 with a damaged byte)
                decoded = try decode(encoding)
            }
            source.encoding = encoding
            return try mapped(copy) { utf8 in
                guard let utf8 else { throw Diagnostic(.error, "\(path) is empty: a header row is needed") }
                if decoded.replaced > 0 {
                    // The encodings the error suggests are tried on the file's first 16 MB.
                    try TextDecoding.checkInvalid(decoded, encoding: encoding, at: RowScanner.location(in: utf8, at: decoded.firstBadOutput, file: path),
                                                  text: UnsafeBufferPointer(rebasing: text.prefix(16 << 20)), options: options, source: &source)
                }
                return try convertDecoded(utf8, fileBacked: true, source: source, tableName: tableName, to: output,
                                          options: options, isCancelled: isCancelled)
            }
        }
    }

    /// The two passes over UTF-8 text.
    private static func convertDecoded(_ text: UnsafeBufferPointer<UInt8>, fileBacked: Bool, source: TableSource, tableName: String,
                                       to output: String, options: LoadOptions, isCancelled: @Sendable () -> Bool) throws -> Converted {
        guard let base = text.baseAddress, text.count > 0 else { throw Diagnostic(.error, "\(source.path) is empty: a header row is needed") }
        var rows = RowScanner(base: base, length: text.count, delimiter: options.delimiter ?? CSVReader.detectDelimiter(base, text.count))
        rows.fileBacked = fileBacked
        rows.fileName = source.path
        var source = source
        source.delimiter = rows.delimiter
        let first = try firstPass(rows, source: source, options: options, isCancelled: isCancelled)
        let (info, plan, bounds, rowsPerPart) = (first.info, first.plan, first.bounds, first.rowsPerPart)
        let types = first.kinds.map(ColumnBuilder.type(of:))

        // Second pass: the rows again, read with those types, written part by part in order.
        var clean = CleanWriter(plan: plan, types: types, tableName: tableName, output: output)
        try write(output) { fd in
            try put(CleanCSV.header(plan.names), fd, output)
            try eachPart(rows, bounds) { part, start in
                try clean.rows(&part, from: start, room: rowsPerPart, bytes: part.length - start, isCancelled: isCancelled)
            } then: { t, out in
                try clean.put(t, out, fd)
            }
        }
        return clean.converted(info)
    }

    /// A workbook: the sheet read twice, a batch of rows at a time (`SheetStream`), first for
    /// the columns' types (as a load infers them), then written with them.
    private static func convertWorkbook(_ path: String, tableName: String, to output: String, options: LoadOptions,
                                        isCancelled: @Sendable () -> Bool) throws -> Converted {
        try Workbook.open(path) { book in
            let (index, source) = try book.chosenSheet(options, isCancelled: isCancelled)
            let batch = max(1, options.sheetBatch ?? 16_384)
            var layout: (info: TableSource, plan: TableBuilder.RowPlan)?
            /// Each batch of the sheet in order, with where its data rows start (the first
            /// batch's after the header) and the plan of the header, found in the first batch.
            func eachBatch(_ body: (inout SheetRows, Int, TableBuilder.RowPlan) throws -> Void) throws {
                var stream = try book.sheet(index, options: options)
                try book.reading(index) {
                    // The first batch holds the rows the header is looked for in.
                    let first = max(batch, TableBuilder.previewRows + 1 + (options.header?.last ?? 0))
                    var rows = try stream.next(limit: first, isCancelled: isCancelled) ?? SheetRows(file: path, sheetName: book.sheets[index].name)
                    let found = try TableBuilder.layout(&rows, options: options, source: source)
                    if layout == nil { layout = (found.info, found.plan) }
                    var start = found.dataStart
                    while true {
                        try body(&rows, start, found.plan)
                        guard let more = try stream.next(limit: batch, isCancelled: isCancelled) else { break }
                        rows = more
                        rows.pad(to: found.plan.width)
                        start = 0
                    }
                }
            }
            var kinds: [ColumnBuilder.Kind] = []
            var info = source
            try eachBatch { rows, start, plan in
                var chunk = TableBuilder.Chunk(plan, columnRows: rows.rowCount - start + 16, start: start)
                try TableBuilder.readRows(&rows, into: &chunk, plan: plan, isCancelled: isCancelled)
                if kinds.isEmpty { kinds = FirstPass.untyped(plan.width); info = layout!.info }
                FirstPass.add(chunk, to: &kinds, &info)
            }
            TableBuilder.finishWarnings(&info)
            guard let plan = layout?.plan else { throw Diagnostic(.error, "\(path) is empty: a header row is needed") }
            var clean = CleanWriter(plan: plan, types: kinds.map(ColumnBuilder.type(of:)), tableName: tableName, output: output)
            try write(output) { fd in
                try put(CleanCSV.header(plan.names), fd, output)
                try eachBatch { rows, start, _ in
                    let (t, out) = try clean.rows(&rows, from: start, room: rows.rowCount - start + 16, bytes: 0, isCancelled: isCancelled)
                    try clean.put(t, out, fd)
                }
            }
            return clean.converted(info)
        }
    }

    /// The second pass: each part's rows read with the types of the first and written as clean
    /// CSV, in order; what the clean file needs to load the same (`Notes`) gathered as it goes.
    private struct CleanWriter {
        let plan: TableBuilder.RowPlan
        let types: [DataType?]
        let tableName: String
        let output: String
        var notes: Notes
        var total = 0

        init(plan: TableBuilder.RowPlan, types: [DataType?], tableName: String, output: String) {
            (self.plan, self.types, self.tableName, self.output) = (plan, types, tableName, output)
            notes = Notes(plan.names)
        }

        /// A part's rows from `start`, as a table and as clean CSV (`bytes`: about how long the part is).
        func rows<S: RowSource>(_ part: inout S, from start: Int, room: Int, bytes: Int,
                                isCancelled: () -> Bool) throws -> (Table, [UInt8]) {
            var chunk = TableBuilder.Chunk(plan, columnRows: room, start: start)
            chunk.builders = types.map { ColumnBuilder(expectedRows: room, nulls: plan.markers, type: $0) }
            try TableBuilder.readRows(&part, into: &chunk, plan: plan, isCancelled: isCancelled)
            let columns = chunk.builders.enumerated().map { c, b in Table.Column(name: plan.names[c], vector: b.finish()) }
            let t = Table(name: tableName, columns: columns, rowCount: chunk.rows)
            var out: [UInt8] = []
            out.reserveCapacity(bytes + bytes / 8)
            CleanCSV.appendRows(of: t, to: &out)
            return (t, out)
        }

        mutating func put(_ t: Table, _ out: [UInt8], _ fd: Int32) throws {
            notes.look(at: t)
            total += t.rowCount
            try Converter.put(out, fd, output)
        }

        func converted(_ source: TableSource) -> Converted {
            Converted(source: source, output: output, rows: total, columns: plan.width, loadOptions: notes.options(types.map { $0 ?? .string }))
        }
    }

    /// The first pass over a UTF-8 text file: its header, and each column's type, as a load
    /// infers it (the parts' types combined). With `forms`, also what keeps an engine from
    /// reading it exactly (`EngineForms`).
    struct FirstPass {
        var info: TableSource
        var plan: TableBuilder.RowPlan
        var bounds: [Int]
        var rowsPerPart: Int
        var kinds: [ColumnBuilder.Kind]
        var rows = 0
        var forms: EngineForms?

        /// The types of no rows yet.
        static func untyped(_ width: Int) -> [ColumnBuilder.Kind] {
            [ColumnBuilder.Kind](repeating: ColumnBuilder.Kind(state: .untyped, zeroAndOne: true), count: width)
        }

        /// The next part's rows: their types joined to the earlier parts', their left-out rows counted.
        static func add(_ chunk: TableBuilder.Chunk, to kinds: inout [ColumnBuilder.Kind], _ info: inout TableSource) {
            TableBuilder.count(chunk, in: &info)
            for c in kinds.indices {
                kinds[c] = ColumnBuilder.combined(kinds[c], chunk.builders[c].kind) ?? ColumnBuilder.Kind(state: .string, zeroAndOne: false)
            }
        }
    }

    static func firstPass(_ scanner: RowScanner, source: TableSource, options: LoadOptions, forms: Bool = false,
                          isCancelled: @Sendable () -> Bool) throws -> FirstPass {
        var rows = scanner
        let layout = try TableBuilder.layout(&rows, options: options, source: source)
        let plan = layout.plan
        let bounds = rows.rowBoundaries(from: layout.dataStart, parts: options.parts ?? max(1, (rows.length - layout.dataStart) / partBytes))
        var pass = FirstPass(info: layout.info, plan: plan, bounds: bounds, rowsPerPart: layout.expectedRows / (bounds.count - 1) + 16,
                             kinds: FirstPass.untyped(plan.width), forms: forms ? EngineForms(width: plan.width) : nil)
        let rowsPerPart = pass.rowsPerPart
        try eachPart(rows, bounds) { part, start -> (TableBuilder.Chunk, EngineForms?) in
            var chunk = TableBuilder.Chunk(plan, columnRows: rowsPerPart, start: start)
            try TableBuilder.readRows(&part, into: &chunk, plan: plan, isCancelled: isCancelled)
            if chunk.builders.contains(where: \.sawInvalidUTF8) { throw TableBuilder.NotUTF8() }
            guard forms else { return (chunk, nil) }
            var found = EngineForms(width: plan.width)
            part.position = start
            found.look(at: part, states: chunk.builders.map(\.state), plan: plan)
            return (chunk, found)
        } then: { chunk, found in
            FirstPass.add(chunk, to: &pass.kinds, &pass.info)
            pass.rows += chunk.rows
            if let found { pass.forms?.add(found) }
        }
        TableBuilder.finishWarnings(&pass.info)
        return pass
    }

    /// Reads the parts of the text between `bounds` (one per core at a time, at most four, so
    /// memory holds a few parts), each with `read`, handing their results in file order to `then`.
    private static func eachPart<T>(_ scanner: RowScanner, _ bounds: [Int], read: (inout RowScanner, Int) throws -> T,
                                    then: (T) throws -> Void) throws {
        let cores = min(ProcessInfo.processInfo.activeProcessorCount, 4)
        var k = 0
        while k < bounds.count - 1 {
            let batch = Array(k..<min(bounds.count - 1, k + cores))
            let results = UnsafeMutablePointer<Result<T, Error>?>.allocate(capacity: batch.count)
            results.initialize(repeating: nil, count: batch.count)
            defer { results.deinitialize(count: batch.count); results.deallocate() }
            // Each thread writes only its own slot, and reads the scanner (immutable).
            withoutActuallyEscaping(read) { read in
                nonisolated(unsafe) let (slots, scanner, read) = (results, scanner, read)
                DispatchQueue.concurrentPerform(iterations: batch.count) { i in
                    let p = batch[i]
                    var part = scanner.limited(to: bounds[p + 1])
                    part.position = bounds[p]
                    slots[i] = Result { try read(&part, bounds[p]) }
                }
            }
            for i in batch.indices { try then(results[i]!.get()) }
            scanner.release(bounds[k], bounds[batch.last! + 1])
            k += batch.count
        }
    }

    /// What a clean file needs to load to the same table: a text column whose values all read
    /// as another type would be read as that type, and a text equal to a null marker as null.
    struct Notes {
        let names: [String]
        var textSeen: [Bool], valueSeen: [Bool]
        var markerSeen = false
        let markers = NullMarkers(NullMarkers.standard)

        init(_ names: [String]) {
            self.names = names
            textSeen = names.map { _ in false }
            valueSeen = textSeen
        }

        /// Looks at the text columns' distinct values of some rows.
        mutating func look(at t: Table) {
            for (c, column) in t.columns.enumerated() {
                guard case .string(_, let d, _) = column.vector, !textSeen[c] || !markerSeen else { continue }
                for var s in d.strings where !s.isEmpty {
                    valueSeen[c] = true
                    switch s.withUTF8({ FieldParsing.classify($0.baseAddress!, $0.count, nulls: markers) }) {
                    case .text: textSeen[c] = true
                    case .null: markerSeen = true
                    default: break
                    }
                    if textSeen[c] && markerSeen { break }
                }
            }
        }

        /// The `with` options, if any.
        func options(_ types: [DataType]) -> [String] {
            let retyped = names.indices.filter { types[$0] == .string && valueSeen[$0] && !textSeen[$0] }
            return (markerSeen ? ["nulls ()"] : [])
                + (retyped.isEmpty ? [] : ["types (" + retyped.map { "\(Lexical.name(names[$0])) = string" }.joined(separator: ", ") + ")"])
        }
    }
}
