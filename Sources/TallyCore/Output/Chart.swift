/// `chart`: a result drawn as horizontal bars, as text for a terminal or as a standalone SVG.
/// Pure functions of the result: one bar per row, labelled by its first `by` column (or bucket's
/// band), as long as its measure relative to the largest one, the value written after it as
/// table output writes it under the display settings (`.decimals`, `.thousands`, a column's
/// `round(x, n)`), with the share of `pct` or `bucket` in parentheses. Zero has no
/// bar and shows `0`; null has none and shows `null`; the total row is written, not drawn.
/// The binder lets only that shape through, and the runner refuses values no bar can show
/// (negative, infinite) with an error at the measure (`check`).
public enum Chart {
    /// The bars of a result: labels, lengths and the text after each bar.
    struct Bars {
        struct Bar {
            var label: String
            /// The length; nil for null.
            var value: Double?
            var text: String
        }
        var labelName = "", valueName = ""
        var bars: [Bar] = []
        var total: (label: String, text: String)?
        /// The longest bar's value (0 when no value is above 0).
        var largest = 0.0
    }

    /// The label, value and share columns of a result: its first `by` column (or band), its
    /// first measure, its share column.
    private static func columns(_ r: ResultTable) -> (label: Int, value: Int, share: Int?)? {
        guard let label = r.columns.firstIndex(where: { $0.role == .dimension }),
              let value = r.columns.firstIndex(where: { $0.role == .measure }) else { return nil }
        return (label, value, r.columns.firstIndex { $0.role == .share })
    }

    static func bars(_ r: ResultTable, _ display: DisplaySettings = DisplaySettings()) -> Bars {
        guard let (l, v, s) = columns(r) else { return Bars() }
        // The cells as table output shows them; the share's % is the chart's own (in parentheses).
        var settings = display
        settings.percent = false
        let cells = ResultWriter.shownCells(r, settings)
        func text(_ row: Int, _ value: Value, _ share: Value?) -> String {
            let shown = value == .null ? "null" : cells[row][v]
            guard let s, let share, share != .null else { return shown }
            return shown + " (" + cells[row][s] + "%)"
        }
        let cell = ResultWriter.singleLine
        var out = Bars(labelName: cell(r.columns[l].name), valueName: cell(r.columns[v].name))
        for i in 0..<r.rowCount {
            let value = r.columns[v].vector.value(at: i)
            let x = value.asDouble
            if let x, x.isFinite { out.largest = max(out.largest, x) }
            out.bars.append(.init(label: cell(cells[i][l]), value: x,
                                  text: text(i, value, s.map { r.columns[$0].vector.value(at: i) })))
        }
        if let t = r.totalRow, t.count == r.columns.count {
            out.total = (cell(cells[r.rowCount][l]), text(r.rowCount, t[v], s.map { t[$0] }))
        }
        return out
    }

    /// The values no bar can show — a negative one, ∞, NaN — as an error naming the row.
    static func check(_ r: ResultTable) throws {
        let b = bars(r)
        if let bad = b.bars.first(where: { $0.value.map { !($0 >= 0 && $0.isFinite) } ?? false }) {
            throw OperationError(message: "chart draws values of 0 or more; the bar of `\(bad.label)` would be \(bad.text)",
                                 notes: ["leave such rows out with having \(Lexical.name(b.valueName)) >= 0, or show the table without chart"])
        }
    }

    /// The bar's length in eighths of a cell, out of `cells` for the largest value; a value
    /// above 0 has at least one eighth, so it never looks like 0.
    static func eighths(_ value: Double?, _ b: Bars, cells: Int) -> Int {
        guard let value, value > 0, value.isFinite, b.largest > 0 else { return 0 }
        return max(1, Int((min(value / b.largest, 1) * Double(cells * 8)).rounded()))
    }

    private static let partial: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// The width of a text chart where there is no screen to fit: batch output, files.
    public static let defaultWidth = 80

    // MARK: Text

    /// The chart in at most `width` terminal cells: labels left, padded to one width (Chinese
    /// characters are two cells) and cut with "…" beyond a third of the width; the bars and
    /// their values in the rest. A header and a rule as table output has, a rule above the total.
    public static func text(_ r: ResultTable, width: Int, _ display: DisplaySettings = DisplaySettings()) -> String {
        let b = bars(r, display)
        let valueWidth = (b.bars.map(\.text) + [b.total?.text ?? ""]).map(DisplayWidth.of).max() ?? 0
        let labelCells = ([b.labelName] + b.bars.map(\.label) + [b.total?.label ?? ""]).map(DisplayWidth.of).max() ?? 0
        var labelWidth = min(labelCells, max(6, width / 3))
        // At least 10 cells of bar where labels can give them (down to 6 cells each).
        let room = { width - labelWidth - 3 - valueWidth }
        if room() < 10 { labelWidth = max(min(labelWidth, 6), labelWidth - (10 - room())) }
        let barWidth = max(1, room())

        func line(_ label: String, _ rest: String) -> String {
            let shown = DisplayWidth.truncate(label, to: labelWidth)
            var s = shown + String(repeating: " ", count: max(0, labelWidth - DisplayWidth.of(shown))) + "  " + rest
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        let rule = String(repeating: "─", count: labelWidth) + "  " + String(repeating: "─", count: barWidth + 1 + valueWidth)
        var out = [line(b.labelName, DisplayWidth.truncate(b.valueName, to: barWidth + 1 + valueWidth)), rule]
        for bar in b.bars {
            let n = eighths(bar.value, b, cells: barWidth)
            let drawn = String(repeating: "█", count: n / 8) + (n % 8 > 0 ? String(partial[n % 8]) : "")
            out.append(line(bar.label, drawn + (drawn.isEmpty ? "" : " ") + bar.text))
        }
        if let t = b.total {
            out.append(rule)
            out.append(line(t.label, t.text))
        }
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: SVG

    /// A standalone SVG bar chart, titled by the query (`ResultTable.chart`): labels and values
    /// as `<text>`, bars as `<rect class="bar">` 480 units long for the largest value, fonts
    /// with Chinese fallbacks. Text is escaped for XML; characters XML cannot hold become U+FFFD.
    public static func svg(_ r: ResultTable, _ display: DisplaySettings = DisplaySettings()) -> String {
        let b = bars(r, display)
        let font = 14.0, cell = font / 2, rowHeight = 24.0, barHeight = 16.0, margin = 16.0, barArea = 480.0
        func cells(_ s: String) -> Double { Double(DisplayWidth.of(s)) * cell }
        let labels = b.bars.map { DisplayWidth.truncate($0.label, to: 40) }
        let labelWidth = ([b.labelName] + labels + [b.total?.label ?? ""]).map(cells).max() ?? 0
        let valueWidth = (b.bars.map(\.text) + [b.total?.text ?? ""]).map(cells).max() ?? 0
        let barX = margin + labelWidth + 8
        let width = (barX + barArea + 6 + valueWidth + margin).rounded(.up)
        let title = r.chart ?? b.valueName
        let shownTitle = DisplayWidth.truncate(ResultWriter.singleLine(title), to: Int((width - 2 * margin) / 8))
        let top = margin + 52
        let rows = Double(b.bars.count) + (b.total == nil ? 0 : 1)
        let height = (top + rows * rowHeight + (b.total == nil ? 0 : 8) + margin).rounded(.up)
        func n(_ x: Double) -> String { Format.fixed(x, digits: 2) }
        func text(_ s: String, x: Double, y: Double, anchor: String = "start", attributes: String = "") -> String {
            "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(attributes)>\(xml(s))</text>"
        }
        var out = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\""
                + " font-family=\"'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', SimHei, sans-serif\""
                + " font-size=\"\(n(font))\">",
            "<title>\(xml(title))</title>",
            "<rect class=\"background\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>",
            text(shownTitle, x: margin, y: margin + 16, attributes: " font-size=\"16\" font-weight=\"bold\" fill=\"#222222\""),
            text(b.labelName, x: barX - 8, y: top - 10, anchor: "end", attributes: " fill=\"#666666\""),
            text(b.valueName, x: barX, y: top - 10, attributes: " fill=\"#666666\""),
            "<line x1=\"\(n(barX))\" y1=\"\(n(top - 4))\" x2=\"\(n(barX))\" y2=\"\(n(top + Double(b.bars.count) * rowHeight))\" stroke=\"#999999\"/>",
        ]
        for (i, bar) in b.bars.enumerated() {
            let y = top + Double(i) * rowHeight
            let baseline = y + rowHeight / 2 + font * 0.35
            out.append(text(labels[i], x: barX - 8, y: baseline, anchor: "end", attributes: " fill=\"#222222\""))
            var end = barX
            if let v = bar.value {
                let w = b.largest > 0 && v > 0 && v.isFinite ? min(v / b.largest, 1) * barArea : 0
                out.append("<rect class=\"bar\" x=\"\(n(barX))\" y=\"\(n(y + (rowHeight - barHeight) / 2))\" width=\"\(n(w))\" height=\"\(n(barHeight))\" fill=\"#4e79a7\"/>")
                end += w
            }
            out.append(text(bar.text, x: end + 6, y: baseline, attributes: " fill=\"#222222\""))
        }
        if let t = b.total {
            let y = top + Double(b.bars.count) * rowHeight + 8
            out.append("<line x1=\"\(n(margin))\" y1=\"\(n(y))\" x2=\"\(n(width - margin))\" y2=\"\(n(y))\" stroke=\"#999999\"/>")
            let baseline = y + rowHeight / 2 + font * 0.35
            out.append(text(t.label, x: barX - 8, y: baseline, anchor: "end", attributes: " font-weight=\"bold\" fill=\"#222222\""))
            out.append(text(t.text, x: barX + 6, y: baseline, attributes: " font-weight=\"bold\" fill=\"#222222\""))
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// Text for XML content or a quoted attribute: the five special characters as entities, and
    /// characters XML 1.0 cannot hold at all (controls other than tab and line breaks, U+FFFE,
    /// U+FFFF) as U+FFFD.
    static func xml(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            if let entity = entities[u] { out += entity; continue }
            let v = u.value
            out.unicodeScalars.append((v < 0x20 && v != 9 && v != 10 && v != 13) || v == 0xFFFE || v == 0xFFFF ? "\u{FFFD}" : u)
        }
        return out
    }

    private static let entities: [Unicode.Scalar: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&apos;"]
}
