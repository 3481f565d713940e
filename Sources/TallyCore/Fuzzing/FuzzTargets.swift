import Foundation

/// What the fuzz targets (Fuzz/, libFuzzer) run on each input, shared with the test that
/// replays the saved crash inputs (Fuzz/crashes/<target>/). An input may give any error
/// Tally reports; a target fails only by crashing. A new target is one entry in `all`.
public enum FuzzTargets {
    public static let all: [(name: String, run: @Sendable ([UInt8]) -> Void)] = [
        ("parse", parse),
        ("csv", csv),
        ("xlsx", xlsx),
        ("format", format),
        ("query", query),
    ]

    public static func named(_ name: String) -> (@Sendable ([UInt8]) -> Void)? { all.first { $0.name == name }?.run }

    /// The lexer and parser: the input as a script.
    static func parse(_ bytes: [UInt8]) {
        _ = try? Parser.parse(SourceFile(name: "fuzz.tally", text: String(decoding: bytes, as: UTF8.self)))
    }

    /// The text reader with its type inference: the input as a CSV file.
    static func csv(_ bytes: [UInt8]) {
        _ = try? bytes.withUnsafeBufferPointer { try CSVReader.parse($0, fileName: "fuzz.csv", tableName: "t") }
    }

    /// The workbook reader: the input as an .xlsx file. Written to a file, as a load reads it
    /// (ZIPFoundation's in-memory archives have failures of their own that a load never meets).
    /// Read twice, the sheet's XML in one window and in windows of a few bytes: both reads must
    /// give the same table or the same error (a difference stops the target, as a crash).
    static func xlsx(_ bytes: [UInt8]) {
        let path = NSTemporaryDirectory() + "/tally-fuzz-\(getpid()).xlsx"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        defer { try? FileManager.default.removeItem(atPath: path) }
        func read(window: Int?) -> String {
            var options = LoadOptions()
            options.sheetBytes = window
            do {
                let t = try XLSXReader.read(path: path, tableName: "t", options: options)
                return t.columns.map { c in "\(c.name) \(c.vector.type): " + (0..<t.rowCount).map { "\(c.vector.value(at: $0))" }.joined(separator: ",") }
                    .joined(separator: "\n")
            } catch { return "\(error)" }
        }
        let whole = read(window: nil), windowed = read(window: 1 + bytes.count % 13)
        precondition(whole == windowed, "the sheet read in small windows differs:\n\(whole)\n---\n\(windowed)")
    }

    /// Number formatting and string interpolation: the first 9 bytes as a decimal and a number
    /// of digits (0–15, as `{x:.N}` allows) to write it with; the input as a script run over no tables, if it only prints
    /// and sets variables (a fuzzed `load` or `export` would reach the file system).
    static func format(_ bytes: [UInt8]) {
        if bytes.count >= 9 {
            let x = Double(bitPattern: bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
            let digits = Int(bytes[8] % 16)
            _ = Format.roundHalfAway(x, digits: digits)
            _ = Format.fixed(x, digits: digits)
            _ = Format.display(.decimal(x))
            _ = Format.shown(x, decimals: digits)
            _ = ResultWriter.grouped(Format.shown(x, decimals: digits))
            _ = Format.exact(.decimal(x))
        }
        let source = SourceFile(name: "fuzz.tally", text: String(decoding: bytes, as: UTF8.self))
        guard let (statements, errors) = try? Parser.parse(source), errors.isEmpty,
              statements.allSatisfy({ if case .print = $0.kind { true } else if case .let = $0.kind { true } else { false } })
        else { return }
        _ = Session(output: DiscardedOutput()).run(source)
    }

    /// The binder and the executor: the input as a script over two small tables (text,
    /// integers with nulls, decimals, booleans, dates; `u` linked by `k`), if it touches no
    /// file (no load, include or export).
    static func query(_ bytes: [UInt8]) {
        let source = SourceFile(name: "fuzz.tally", text: String(decoding: bytes, as: UTF8.self))
        guard let (statements, errors) = try? Parser.parse(source), errors.isEmpty,
              statements.allSatisfy({ s in
                  switch s.kind {
                  case .load, .include, .export: false
                  default: true
                  }
              })
        else { return }
        let session = Session(output: DiscardedOutput())
        var nulls = NullMask(count: 6)
        nulls.setNull(4)
        let d = StringDictionary(["甲", "乙", "丙"])
        session.catalog.add(Table(name: "t", columns: [
            .init(name: "k", vector: .string([0, 1, 0, 2, 1, 0], d, nil)),
            .init(name: "v", vector: .integer([1, 2, 3, Int64.max, 0, -7], nulls)),
            .init(name: "x", vector: .decimal([0.5, 1.5, -2.25, 1e300, 0, 3], nil)),
            .init(name: "ok", vector: .boolean([1, 0, 1, 1, 0, 1], nulls)),
            .init(name: "day", vector: .date([0, 86_400, 1_600_000_000 - 1_600_000_000 % 86_400, 0, 86_400 * 3, 0], nulls)),
        ]))
        session.catalog.add(Table(name: "u", columns: [
            .init(name: "k", vector: .string([0, 1, 2], d, nil)),
            .init(name: "name", vector: .text(["一", "二", "三"])),
        ]))
        session.run(source)
    }

    /// A session's output, dropped.
    final class DiscardedOutput: SessionOutput {
        /// Written by the pure writer (then dropped), so what scripts print is formatted too.
        func show(_ shown: Shown, _ display: DisplaySettings, poll: () throws -> Void) throws {
            _ = try ResultWriter.write(shown, display, poll: poll)
        }
        func diagnostic(_ d: Diagnostic) {}
        func info(_ text: String) {}
    }
}
