import Foundation

/// A table as the file an engine reads exactly, and Tally reads back to the same table: UTF-8,
/// comma separated, a header line, every text quoted (`""` inside), null as an empty unquoted
/// field, numbers in full precision, ISO dates and times, booleans as true/false. Written whole
/// for a table handed to an engine, or a part of the rows at a time by `tally convert`.
enum CleanCSV {
    static func quoted(_ s: String) -> [UInt8] { Array(("\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"").utf8) }

    /// The header line.
    static func header(_ names: [String]) -> [UInt8] {
        var out = Array(names.map { String(decoding: quoted($0), as: UTF8.self) }.joined(separator: ",").utf8)
        out.append(10)
        return out
    }

    /// Appends the table's rows, one line each.
    static func appendRows(of t: Table, to out: inout [UInt8]) {
        // Each column's cell writer; text is quoted once per distinct string.
        let cells: [(Int, inout [UInt8]) -> Void] = t.columns.map { c in
            let v = c.vector
            switch v {
            case .integer(let a, _): return { i, o in o.append(contentsOf: String(a[i]).utf8) }
            case .decimal(let a, _): return { i, o in o.append(contentsOf: "\(a[i])".utf8) }
            case .boolean(let a, _): return { i, o in o.append(contentsOf: (a[i] != 0 ? "true" : "false").utf8) }
            case .date(let a, _): return { i, o in o.append(contentsOf: CivilCalendar.format(seconds: a[i], dateOnly: true).utf8) }
            case .timestamp(let a, _): return { i, o in o.append(contentsOf: CivilCalendar.format(seconds: a[i], dateOnly: false).utf8) }
            case .string(let codes, let d, _):
                let texts = d.strings.map(quoted)
                return { i, o in o.append(contentsOf: texts[Int(codes[i])]) }
            }
        }
        let nulls = t.columns.map { $0.vector.nulls }
        for r in 0..<t.rowCount {
            for i in cells.indices {
                if i > 0 { out.append(44) }
                if !(nulls[i]?.isNull(r) ?? false) { cells[i](r, &out) }
            }
            out.append(10)
        }
    }

    static func write(_ t: Table, to path: String) throws {
        var out = header(t.columns.map(\.name))
        appendRows(of: t, to: &out)
        guard FileManager.default.createFile(atPath: path, contents: Data(out)) else {
            throw Diagnostic(.error, "cannot write \(path) for the engine")
        }
    }
}
