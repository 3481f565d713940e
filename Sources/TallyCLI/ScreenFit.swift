// Results on stdout: what the session shows, as text. Tables in table format are fitted to the
// screen here (the prompt: the terminal's width, bold headers) or only cut to `.rows N` (batch
// output); everything else is the library's pure writer (ResultWriter), which draws a chart at
// the width given here.

import TallyCore

/// Fits a result to a terminal: at most `maxRows` rows (then a "… N more rows" footer),
/// columns cut with "…" to the screen's width, and results still too wide once every column
/// is cut to `minimumCellWidth` shown vertically — one `column │ value` line per cell, one
/// block per row, like psql's expanded mode.
enum ScreenFit {
    struct Options: Sendable, Equatable {
        /// Terminal columns; nil: no width to fit (batch output).
        var width: Int?
        /// Rows shown before the footer; nil shows all.
        var maxRows: Int?
        /// Added to the footer in parentheses, e.g. ".rows all shows them".
        var moreRowsHint: String?
        /// Below this many cells per column, the table is shown vertically instead.
        var minimumCellWidth: Int
        /// Bold header (ANSI) — only for a terminal that wants colour.
        var bold: Bool

        init(width: Int?, maxRows: Int? = 40, moreRowsHint: String? = nil, minimumCellWidth: Int = 8, bold: Bool = false) {
            self.width = width
            self.maxRows = maxRows
            self.moreRowsHint = moreRowsHint
            self.minimumCellWidth = minimumCellWidth
            self.bold = bold
        }
    }

    static let boldOn = "\u{1B}[1m", boldOff = "\u{1B}[0m"

    /// What the session shows, as written to stdout: `width` and `bold` for the prompt.
    /// A chart (`chart`) is the writer's, drawn at the terminal's width (80 cells in batch output).
    /// `poll` is called once a row written (Ctrl-C at the prompt).
    static func text(_ shown: Shown, _ display: DisplaySettings, width: Int?, bold: Bool, poll: () throws -> Void) rethrows -> String {
        if case .table(let r) = shown, r.chart != nil {
            var fitted = display
            fitted.width = width
            return try ResultWriter.write(shown, fitted, poll: poll)
        }
        guard case .table(let r) = shown, display.format == .table else { return try ResultWriter.write(shown, display, poll: poll) }
        return try render(r, Options(width: width, maxRows: display.rowLimit, moreRowsHint: ".rows all shows them", bold: bold), display, poll: poll)
    }

    static func render(_ result: ResultTable, _ options: Options, _ display: DisplaySettings = DisplaySettings()) -> String {
        render(result, options, display, poll: {})
    }

    static func render(_ result: ResultTable, _ options: Options, _ display: DisplaySettings, poll: () throws -> Void) rethrows -> String {
        var shown = result
        var hidden = 0
        if let limit = options.maxRows, limit >= 0, result.rowCount > limit {
            hidden = result.rowCount - limit
            shown = result.prefix(limit)
        }
        let cells = try ResultWriter.shownCells(shown, display, poll: poll).map { $0.map(cell) }
        var out: String
        if let width = options.width, isTooWide(shown, cells, options) {
            out = vertical(shown, cells, options, width: width)
        } else {
            out = horizontal(shown, cells, options)
        }
        if hidden > 0 { out += moreRows(hidden, hint: options.moreRowsHint) }
        return out
    }

    /// The footer under a result cut to fewer rows.
    static func moreRows(_ hidden: Int, hint: String?) -> String { ResultWriter.moreRows(hidden, hint: hint) }

    /// Whether the table cannot fit even with every column cut to the minimum cell width.
    static func isTooWide(_ r: ResultTable, _ cells: [[String]], _ options: Options) -> Bool {
        guard let width = options.width, r.columns.count > 1 else { return false }
        let widths = r.columns.indices.map { c in cells.reduce(DisplayWidth.of(r.columns[c].name)) { max($0, DisplayWidth.of($1[c])) } }
        let least = widths.map { min($0, options.minimumCellWidth) }.reduce(0, +) + 2 * (widths.count - 1)
        return least > width
    }

    /// Line breaks and tabs inside a cell would break the layout: shown as spaces.
    static func cell(_ s: String) -> String { ResultWriter.singleLine(s) }

    static func horizontal(_ r: ResultTable, _ cells: [[String]], _ options: Options) -> String {
        let text = ResultWriter.layout(r, cells, maxWidth: options.width)
        guard options.bold, let newline = text.firstIndex(of: "\n") else { return text }
        return boldOn + text[..<newline] + boldOff + text[newline...]
    }

    /// One block per row (the total row last), one `column │ value` line per cell.
    static func vertical(_ r: ResultTable, _ cells: [[String]], _ options: Options, width: Int) -> String {
        let names = r.columns.map { cell($0.name) }
        let nameWidth = min(names.map { DisplayWidth.of($0) }.max() ?? 0, max(4, width / 3))
        let valueWidth = max(4, width - nameWidth - 3)
        // Every block's rule spans the widest line of the result.
        let widest = cells.joined().map { DisplayWidth.of($0) }.max() ?? 0
        let blockWidth = min(width, nameWidth + 3 + min(widest, valueWidth))
        var out = ""
        for (i, values) in cells.enumerated() {
            let head = "─[ \(i == r.rowCount ? "total" : "row \(i + 1)") ]"
            out += head + String(repeating: "─", count: max(0, blockWidth - DisplayWidth.of(head))) + "\n"
            for (c, name) in names.enumerated() {
                let shownName = DisplayWidth.truncate(name, to: nameWidth)
                let pad = String(repeating: " ", count: max(0, nameWidth - DisplayWidth.of(shownName)))
                let value = c < values.count ? DisplayWidth.truncate(values[c], to: valueWidth) : ""
                let label = options.bold ? boldOn + shownName + boldOff : shownName
                var line = label + pad + " │ " + value
                while line.hasSuffix(" ") { line.removeLast() }
                out += line + "\n"
            }
        }
        if cells.isEmpty { out += "0 rows\n" }
        return out
    }
}

