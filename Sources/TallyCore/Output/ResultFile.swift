import Foundation

/// A result written to a file in the format its extension names — by `export`, `.once` and
/// `.export` — always through `AtomicFile`, so a failure leaves the old file as it was.
public enum ResultFile {
    public enum Kind: Equatable, Sendable {
        case text(OutputFormat)
        case workbook
        /// A chart (`chart`) as an SVG picture (`Chart.svg`).
        case svg
    }

    /// The extensions a result's rows are written to, as a note says them (and `.svg`: a chart).
    public static let knownExtensions = ".csv, .json, .md, .txt or .xlsx"

    /// The format of a file by its extension (in any case), or nil.
    public static func kind(of path: String) -> Kind? {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": .text(.csv)
        case "json": .text(.json)
        case "md", "markdown": .text(.markdown)
        case "txt": .text(.table)
        case "xlsx": .workbook
        case "svg": .svg
        default: nil
        }
    }

    /// The sheet of a workbook written without `sheet`.
    public static let defaultSheet = "Sheet1"

    /// Writes `result` to `path`, whose kind is `kind`. A workbook without `sheet` is a new one
    /// (sheet `Sheet1`) in place of the file; with `sheet`, an existing workbook gets that sheet
    /// added or replaced and keeps its others, and a missing one is made. `bom`: a UTF-8
    /// byte-order mark before the text. Text formats follow `display` (decimals, thousands, …)
    /// in the file's own format, every row (no `.rows N`); a chart in `.txt` is drawn at
    /// `Chart.defaultWidth`, in `.svg` as a picture. `poll` is called once a row; what it throws
    /// (`Cancelled`) ends the writing, and the file is left as it was. Otherwise a failure is an
    /// `AtomicFile.Failure`.
    public static func write(_ result: ResultTable, to path: String, as kind: Kind, display: DisplaySettings = DisplaySettings(),
                             sheet: String? = nil, bom: Bool = false, poll: () throws -> Void = {}) throws {
        let bytes: [UInt8]
        switch kind {
        case .text(let format):
            var written = display
            written.format = format
            written.rowLimit = nil
            written.width = nil
            bytes = (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(try ResultWriter.write(result, written, poll: poll).utf8)
        case .svg:
            bytes = Array(Chart.svg(result, display).utf8)
        case .workbook:
            do throws(XLSXWriter.Problem) {
                var package = XLSXWriter.Package.empty
                if sheet != nil, case .regular = FileKind(path: path) {
                    let file: Data
                    do { file = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                        throw XLSXWriter.Problem(reason: "it cannot be read to add a sheet: \(CSVReader.describe(error))")
                    }
                    package = try XLSXWriter.Package(reading: file)
                }
                try XLSXWriter.put(result, sheet: sheet ?? defaultSheet, into: &package, poll: poll)
                bytes = try package.zipped()
            } catch {
                if error.cancelled { throw Cancelled() }
                throw AtomicFile.Failure(path: path, reason: error.reason, notes: error.notes)
            }
        }
        try AtomicFile.write(bytes, to: path)
    }
}
