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
            let progress = LoadProgress(file: path, totalBytes: size * (ext == "xlsx" ? 1 : 2))
            options.progress = progress
        }
        defer { if let p = options.progress { p.finish(); options.observer?(p) } }
        defer { tally_release_free_memory() }
        if ext == "xlsx" {
            let t = try XLSXReader.read(path: path, tableName: tableName, options: options, isCancelled: isCancelled)
            var notes = Notes(t.columns.map(\.name))
            notes.look(at: t)
            try write(output) { fd in
                var out = CleanCSV.header(t.columns.map(\.name))
                CleanCSV.appendRows(of: t, to: &out)
                try put(out, fd, output)
            }
            return Converted(source: t.source ?? TableSource(path: path), output: output, rows: t.rowCount, columns: t.columns.count,
                             loadOptions: notes.options(t.columns.map { $0.vector.type }))
        }
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

    private static func put(_ bytes: [UInt8], _ fd: Int32, _ output: String) throws {
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
        var notes = Notes(plan.names)
        var total = 0
        try write(output) { fd in
            try put(CleanCSV.header(plan.names), fd, output)
            try eachPart(rows, bounds) { part, start -> (Table, [UInt8]) in
                var chunk = TableBuilder.Chunk(plan, columnRows: rowsPerPart, start: start)
                chunk.builders = types.map { ColumnBuilder(expectedRows: rowsPerPart, nulls: plan.markers, type: $0) }
                try TableBuilder.readRows(&part, into: &chunk, plan: plan, isCancelled: isCancelled)
                let columns = chunk.builders.enumerated().map { c, b in Table.Column(name: plan.names[c], vector: b.finish()) }
                let t = Table(name: tableName, columns: columns, rowCount: chunk.rows)
                var out: [UInt8] = []
                out.reserveCapacity(part.length - start + part.length / 8)
                CleanCSV.appendRows(of: t, to: &out)
                return (t, out)
            } then: { t, out in
                notes.look(at: t)
                total += t.rowCount
                try put(out, fd, output)
            }
        }
        return Converted(source: info, output: output, rows: total, columns: plan.width,
                         loadOptions: notes.options(types.map { $0 ?? .string }))
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
    }

    static func firstPass(_ scanner: RowScanner, source: TableSource, options: LoadOptions, forms: Bool = false,
                          isCancelled: @Sendable () -> Bool) throws -> FirstPass {
        var rows = scanner
        let layout = try TableBuilder.layout(&rows, options: options, source: source)
        let plan = layout.plan
        let bounds = rows.rowBoundaries(from: layout.dataStart, parts: options.parts ?? max(1, (rows.length - layout.dataStart) / partBytes))
        var pass = FirstPass(info: layout.info, plan: plan, bounds: bounds, rowsPerPart: layout.expectedRows / (bounds.count - 1) + 16,
                             kinds: [ColumnBuilder.Kind](repeating: ColumnBuilder.Kind(state: .untyped, zeroAndOne: true), count: plan.width),
                             forms: forms ? EngineForms(width: plan.width) : nil)
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
            TableBuilder.count(chunk, in: &pass.info)
            pass.rows += chunk.rows
            for c in pass.kinds.indices {
                pass.kinds[c] = ColumnBuilder.combined(pass.kinds[c], chunk.builders[c].kind) ?? ColumnBuilder.Kind(state: .string, zeroAndOne: false)
            }
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
