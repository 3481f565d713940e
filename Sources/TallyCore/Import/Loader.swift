import CMemory
import Foundation

/// `load`: a file becomes one table; a folder, one table per export file in it (.csv, .tsv,
/// .txt and .xlsx). Text files go to `CSVReader`, workbooks to `XLSXReader`.
///
/// A folder is read file by file: a file that fails is reported and the others are still
/// read; Ctrl-C stops at the file being read. Then the load throws `PartialFolderLoad`, which
/// holds the tables of the files that loaded completely — kept by the session, so seven tables
/// read are not lost to the eighth.
public enum Loader {
    public static let extensions: Set<String> = ["csv", "tsv", "txt", "xlsx"]

    /// `reader` reads one file instead of `read` (under an engine: its schema only, `Converter.schema`).
    public static func load(path: String, name: String?, options: LoadOptions,
                            isCancelled: @Sendable () -> Bool = { false },
                            locate: (Diagnostic) -> Diagnostic = { $0 },
                            reader: ((_ path: String, _ tableName: String, LoadOptions) throws -> Table)? = nil) throws -> [Table] {
        let kind = FileKind(path: path)
        if case .missing = kind { throw locate(Diagnostic(.error, "no such file or folder: \(path)" + Session.absoluteNote(path))) }
        if isParquet(path) {
            throw locate(Diagnostic(.error, "cannot load \(path): a Parquet file is read by the engine",
                                    notes: ["run with --engine duckdb or --engine spark"]))
        }
        if kind == .folder {
            if name != nil { throw locate(Diagnostic(.error, "`load NAME from` needs a file; \(path) is a folder")) }
            if let span = options.given["table"] { throw options.error("`table` applies to a DuckDB database (.duckdb); \(path) is a folder", span) }
            let files = try exports(in: path, locate)
            var partial = PartialFolderLoad(files: files)
            var options = options
            options.inFolder = true
            for (i, f) in files.enumerated() {
                let full = (path as NSString).appendingPathComponent(f)
                do {
                    if isCancelled() { throw Cancelled() }
                    try checkIsFile(full, locate)
                    let tableName = (f as NSString).deletingPathExtension
                    partial.tables.append(try reader?(full, tableName, options) ?? read(full, tableName: tableName, options: options, isCancelled: isCancelled))
                } catch let d as Diagnostic {
                    partial.failures.append(d)
                } catch is Cancelled {
                    partial.unread = Array(files[i...])
                    break
                }
            }
            guard partial.failures.isEmpty && partial.unread.isEmpty else { throw partial }
            return partial.tables
        }
        try checkOneFile(path, options: options, locate)
        let tableName = name ?? ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return [try reader?(path, tableName, options) ?? read(path, tableName: tableName, options: options, isCancelled: isCancelled)]
    }

    /// A Parquet file or dataset folder: read by an engine, never by Tally itself.
    static func isParquet(_ path: String) -> Bool { (path as NSString).pathExtension.lowercased() == "parquet" }

    /// A file only an engine reads: a Parquet file or dataset, a DuckDB database.
    static func readByEngine(_ path: String) -> Bool { ["parquet", "duckdb"].contains((path as NSString).pathExtension.lowercased()) }

    /// The export files of a folder, in order of their names (hidden files and Excel's `~$` lock files left out).
    static func exports(in path: String, _ locate: (Diagnostic) -> Diagnostic = { $0 }) throws -> [String] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
            .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) && !$0.hasPrefix(".") && !$0.hasPrefix("~$") }
            .sorted()
        if files.isEmpty { throw locate(Diagnostic(.error, "\(path) holds no .csv or .xlsx files")) }
        return files
    }

    /// A one-file load: a file Tally reads, with options for its kind of file.
    static func checkOneFile(_ path: String, options: LoadOptions, _ locate: (Diagnostic) -> Diagnostic = { $0 }) throws {
        if let span = options.given["startup"] {
            throw options.error("`startup` applies to a folder load (its startup.tally); \(path) is a file", span)
        }
        try checkIsFile(path, locate)
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "xls" {
            throw locate(Diagnostic(.error, "cannot read \(path): the old .xls format is not supported", notes: ["save it as .xlsx (Excel: File › Save As › Excel Workbook)"]))
        }
        if ext == "duckdb" {
            throw locate(Diagnostic(.error, "cannot load \(path): a DuckDB database is read by the engine",
                                    notes: ["run with --engine duckdb, and name its table: load t from \(Lexical.string(path)) with table \"…\""]))
        }
        if let span = options.given["table"] {
            throw options.error("`table` applies to a DuckDB database (.duckdb) read by the engine; \(path) is not one", span)
        }
        // An option for the other kind of file is a mistake in a one-file load (a folder may hold both kinds).
        let misplaced = ext == "xlsx" ? LoadOptions.textOnly : LoadOptions.sheetOnly
        if let (option, span) = options.given.first(where: { misplaced.contains($0.key) }) {
            throw options.error("`\(option)` applies to \(ext == "xlsx" ? "text files, not to .xlsx workbooks" : ".xlsx workbooks, not to text files")", span)
        }
    }

    /// A folder load that did not read all of its files: the tables of those that loaded
    /// completely (in file order), the error of each that failed, and, after Ctrl-C, the files
    /// not read (the one being read first).
    public struct PartialFolderLoad: Error {
        public var files: [String]
        public var tables: [Table] = []
        public var failures: [Diagnostic] = []
        public var unread: [String] = []
        public var cancelled: Bool { !unread.isEmpty }
    }

    /// A named pipe, a device or a socket is refused before it is opened (a pipe with no writer
    /// would wait for ever, /dev/zero never ends).
    static func checkIsFile(_ path: String, _ locate: (Diagnostic) -> Diagnostic) throws {
        switch FileKind(path: path) {
        case .regular: return
        case .folder: throw locate(Diagnostic(.error, "cannot load \(path): it is a folder, not a file"))
        case .missing(let code): throw locate(Diagnostic(.error, "cannot load \(path): \(FileKind.reason(code))"))
        case .other(let kind):
            throw locate(Diagnostic(.error, "cannot load \(path): it is \(kind), not a file",
                                    notes: ["load reads .csv, .tsv, .txt and .xlsx files, or a folder of them; save the data to a file first"]))
        }
    }

    private static func read(_ path: String, tableName: String, options: LoadOptions, isCancelled: @Sendable () -> Bool) throws -> Table {
        // A load's scratch (each part's columns and string tables, freed as they are joined)
        // would otherwise stay with the process: give it back, so the next load and the
        // queries start from what the tables hold.
        defer { tally_release_free_memory() }
        var options = options
        if let observer = options.observer {
            let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
            let progress = LoadProgress(file: path, totalBytes: size)
            options.progress = progress
            defer { progress.finish(); observer(progress) }
            return try readFile(path, tableName: tableName, options: options, isCancelled: isCancelled)
        }
        return try readFile(path, tableName: tableName, options: options, isCancelled: isCancelled)
    }

    private static func readFile(_ path: String, tableName: String, options: LoadOptions, isCancelled: @Sendable () -> Bool) throws -> Table {
        (path as NSString).pathExtension.lowercased() == "xlsx"
            ? try XLSXReader.read(path: path, tableName: tableName, options: options, isCancelled: isCancelled)
            : try CSVReader.read(path: path, tableName: tableName, options: options, isCancelled: isCancelled)
    }
}
