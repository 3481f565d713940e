import Foundation

/// Writes a `ResultTable` as an aligned text table, CSV, JSON or Markdown.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json, markdown
}

/// How results are shown: what `--format` and the settings dot-commands (`.format`, `.rows`,
/// `.decimals`, `.thousands`, `.percent`) say, and the screen's width a chart is drawn at (the
/// command line's). A session hands them to its output with each result.
public struct DisplaySettings: Sendable, Equatable {
    public var format: OutputFormat = .table
    /// `.rows N`: table output shows at most N rows of a result; nil shows all. (The command
    /// line applies it: the "… N more rows" footer is the screen's.)
    public var rowLimit: Int?
    /// `.decimals N`: the places a decimal shows in table and Markdown output, unless its
    /// column is a `round(x, n)`.
    public var decimals = Format.defaultDecimals
    /// `.thousands on`: figures (measure and share columns) with separators, as 225,319.
    public var thousands = false
    /// `.percent on`: share columns (`pct`, `bucket`) with a % sign, as 55.48%.
    public var percent = false
    /// The screen's width in cells, which a chart (`chart`) is drawn at: the command line sets it
    /// to the terminal's at the prompt; nil (batch output, files) draws at `Chart.defaultWidth`.
    public var width: Int?

    public init(format: OutputFormat = .table, rowLimit: Int? = nil, decimals: Int = Format.defaultDecimals,
                thousands: Bool = false, percent: Bool = false, width: Int? = nil) {
        self.format = format
        self.rowLimit = rowLimit
        self.decimals = decimals
        self.thousands = thousands
        self.percent = percent
        self.width = width
    }
}

/// What a statement or command shows: a result table (a query, `print QUERY`, `describe`,
/// a listing), or text (what `print` writes, a command's short answer, `explain`).
public enum Shown: Sendable {
    case table(ResultTable)
    case text(String)
}

/// Results written one after another to one place (stdout): in table and Markdown output one
/// blank line before each result but the first — a query's table, `print`'s text or table,
/// `explain`, `describe`, a listing, a command's answer — and nothing after the last. CSV has
/// no separator; JSON is one document per line (JSON Lines).
public struct ResultStream: Sendable {
    private var written = false

    public init() {}

    /// `text` (one result, in `format`) with what separates it from the result before.
    public mutating func next(_ text: String, _ format: OutputFormat) -> String {
        defer { written = true }
        return written && (format == .table || format == .markdown) ? "\n" + text : text
    }
}

/// The pure writer: a result and the display settings in, text out. Batch output, the
/// prompt (for all but its screen-fitted tables) and the tests write through it.
///
/// `poll` is called once a row (a `CancelPoll`'s step at the prompt and for files, so Ctrl-C
/// stops a long result being written); what it throws ends the writing.
public enum ResultWriter {
    public static func write(_ shown: Shown, _ display: DisplaySettings) -> String { write(shown, display, poll: {}) }
    public static func write(_ r: ResultTable, _ display: DisplaySettings) -> String { write(r, display, poll: {}) }
    public static func shownCells(_ r: ResultTable, _ display: DisplaySettings) -> [[String]] { shownCells(r, display, poll: {}) }

    public static func write(_ shown: Shown, _ display: DisplaySettings, poll: () throws -> Void) rethrows -> String {
        switch shown {
        case .table(let r): try write(r, display, poll: poll)
        case .text(let t): text(t, format: display.format)
        }
    }

    public static func write(_ r: ResultTable, _ display: DisplaySettings, poll: () throws -> Void) rethrows -> String {
        if r.chart != nil && (display.format == .table || display.format == .markdown) { return chart(r, display) }
        return switch display.format {
        case .table: try table(r, display, poll: poll)
        case .csv: try csv(r, poll: poll)
        case .json: try json(r, poll: poll)
        case .markdown: try markdown(r, display, poll: poll)
        }
    }

    /// A result with `chart` in table or Markdown output: the bar chart (`Chart.text`) at the
    /// display's width (`Chart.defaultWidth` without one), of at most `.rows N` bars (scaled among
    /// those shown) and then the "… N more rows" footer; in Markdown as a `text` code block. CSV
    /// and JSON output, being for programs, get the rows.
    public static func chart(_ r: ResultTable, _ display: DisplaySettings) -> String {
        var shown = r, more = ""
        if let limit = display.rowLimit, limit >= 0, r.rowCount > limit {
            shown = r.prefix(limit)
            more = moreRows(r.rowCount - limit, hint: ".rows all shows them")
        }
        let text = Chart.text(shown, width: display.width ?? Chart.defaultWidth, display) + more
        return display.format == .markdown ? "```text\n" + text + "```\n" : text
    }

    /// The footer under a result cut to `.rows N`.
    public static func moreRows(_ hidden: Int, hint: String?) -> String {
        "… \(hidden) more row\(hidden == 1 ? "" : "s")" + (hint.map { " (\($0))" } ?? "") + "\n"
    }

    /// Line breaks and tabs inside a cell would break an aligned layout: shown as spaces.
    public static func singleLine(_ s: String) -> String {
        s.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" })
            ? String(s.map { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" ? " " : $0 }) : s
    }

    /// Printed text is Markdown: in Markdown output it passes through as a paragraph; in JSON it
    /// is a JSON string; in table output a heading (`# …`, `## …`) shows as its text underlined.
    static func text(_ text: String, format: OutputFormat) -> String {
        if format == .json { return jsonString(text) + "\n" }
        let level = text.prefix(while: { $0 == "#" }).count
        guard format == .table, (1...6).contains(level), text.dropFirst(level).first == " " else { return text + "\n" }
        let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let title = lines[0].dropFirst(level).trimmingCharacters(in: .whitespaces)
        let rule = String(repeating: level == 1 ? "═" : (level == 2 ? "─" : "┄"), count: DisplayWidth.of(title))
        return title + "\n" + rule + "\n" + (lines.count > 1 ? lines[1] + "\n" : "")
    }

    private static func isNumeric(_ c: ResultTable.Column) -> Bool { c.vector.type.isNumeric }

    private static func cells(_ r: ResultTable, poll: () throws -> Void, _ show: (Value, ResultTable.Column) -> String) rethrows -> [[String]] {
        var rows: [[String]] = []
        rows.reserveCapacity(r.rowCount + 1)
        for i in 0..<r.rowCount {
            try poll()
            rows.append(r.columns.map { show($0.vector.value(at: i), $0) })
        }
        if let t = r.totalRow { rows.append(zip(t, r.columns).map(show)) }
        return rows
    }

    /// The cells of table and Markdown output, the total row last: decimals as their column
    /// says (`round(x, n)`) or by the settings' rule (`Format.shown`); with `.thousands on`,
    /// separators in the figures (measure and share columns, not `by` values such as years);
    /// with `.percent on`, a % after each share.
    public static func shownCells(_ r: ResultTable, _ display: DisplaySettings, poll: () throws -> Void) rethrows -> [[String]] {
        try cells(r, poll: poll) { v, column in
            let text = Format.display(v, decimals: column.decimals, defaultDecimals: display.decimals)
            guard column.role != .dimension, v.asDouble != nil else { return text }
            let figure = display.thousands ? grouped(text) : text
            return display.percent && column.role == .share ? figure + "%" : figure
        }
    }

    /// A number's text with a comma between groups of three integer digits: 1234567.5 is 1,234,567.5.
    static func grouped(_ text: String) -> String {
        let sign = text.hasPrefix("-") ? "-" : ""
        let unsigned = text.dropFirst(sign.count)
        let integer = unsigned.prefix { $0.isNumber }
        guard integer.count > 3 else { return text }
        var out = ""
        for (i, c) in integer.enumerated() {
            if i > 0 && (integer.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return sign + out + unsigned.dropFirst(integer.count)
    }

    /// Columns separated by two spaces, a rule under the header and above the total row;
    /// numbers right-aligned, text left-aligned; Chinese characters count two cells.
    static func table(_ r: ResultTable, _ display: DisplaySettings, poll: () throws -> Void) rethrows -> String {
        layout(r, try shownCells(r, display, poll: poll))
    }

    /// The aligned table of `r` with the cells given (`shownCells`), and `0 rows` under the
    /// header when there are none (and no total row). With `maxWidth` (the prompt's screen), the
    /// widest columns are cut (with "…") until the table fits.
    public static func layout(_ r: ResultTable, _ body: [[String]], maxWidth: Int? = nil) -> String {
        var widths = r.columns.indices.map { c in
            max(DisplayWidth.of(r.columns[c].name), body.map { DisplayWidth.of($0[c]) }.max() ?? 0)
        }
        if let maxWidth {
            while widths.reduce(0, +) + 2 * (widths.count - 1) > maxWidth,
                  let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 6 {
                widths[widest] -= 1
            }
        }
        func line(_ values: [String]) -> String {
            var parts: [String] = []
            for (c, v) in values.enumerated() {
                let text = DisplayWidth.truncate(v, to: widths[c])
                let pad = String(repeating: " ", count: max(0, widths[c] - DisplayWidth.of(text)))
                parts.append(isNumeric(r.columns[c]) ? pad + text : text + pad)
            }
            var s = parts.joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        var out = [line(r.columns.map(\.name)), rule]
        for (i, row) in body.enumerated() {
            if r.totalRow != nil && i == body.count - 1 { out.append(rule) }
            out.append(line(row))
        }
        if body.isEmpty { out.append("0 rows") }
        return out.joined(separator: "\n") + "\n"
    }

    /// RFC 4180. A line that would be blank (one column, null or empty) is written `""`:
    /// CSV readers skip blank lines, which would lose the row.
    static func csv(_ r: ResultTable, poll: () throws -> Void) rethrows -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func line(_ fields: [String]) -> String {
            let text = fields.map(field).joined(separator: ",")
            return text.isEmpty ? "\"\"" : text
        }
        var lines = [line(r.columns.map(\.name))]
        for row in try cells(r, poll: poll, { v, _ in Format.exact(v) }) { lines.append(line(row)) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { let hex = String(u.value, radix: 16); out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    static func jsonValue(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .integer(let i): String(i)
        case .decimal(let d): d.isFinite ? Format.exact(v) : "null"
        case .boolean(let b): b ? "true" : "false"
        default: jsonString(Format.display(v))
        }
    }

    /// An array of objects, one per row, on one line (a line of JSON Lines); the total row is
    /// the last object. No rows: `[]`.
    static func json(_ r: ResultTable, poll: () throws -> Void) rethrows -> String {
        var rows: [String] = []
        for i in 0..<r.rowCount {
            try poll()
            rows.append("{" + r.columns.map { "\(jsonString($0.name)): \(jsonValue($0.vector.value(at: i)))" }.joined(separator: ", ") + "}")
        }
        if let t = r.totalRow {
            rows.append("{" + zip(r.columns, t).map { "\(jsonString($0.name)): \(jsonValue($1))" }.joined(separator: ", ") + "}")
        }
        return "[" + rows.joined(separator: ", ") + "]\n"
    }

    static func markdown(_ r: ResultTable, _ display: DisplaySettings, poll: () throws -> Void) rethrows -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var lines = ["| " + r.columns.map { cell($0.name) }.joined(separator: " | ") + " |"]
        lines.append("|" + r.columns.map { isNumeric($0) ? " ---: |" : " --- |" }.joined())
        for (i, row) in try shownCells(r, display, poll: poll).enumerated() {
            let isTotal = r.totalRow != nil && i == r.rowCount
            lines.append("| " + row.map { isTotal && !$0.isEmpty ? "**\(cell($0))**" : cell($0) }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

