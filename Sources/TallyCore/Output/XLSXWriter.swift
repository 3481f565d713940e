import Foundation
import ZIPFoundation

/// Writes a result as a sheet of an .xlsx workbook: a new workbook, or an existing one with the
/// sheet added after its others or put in place of the sheet of that name.
///
/// A new workbook is an empty package (`Package.empty`) with the sheet added, so both go the
/// same way. Adding a sheet edits the workbook's small parts in place — `xl/workbook.xml` (the
/// sheet list), its rels, `[Content_Types].xml`, `xl/styles.xml` (Tally's cell formats are
/// appended, or found again when an earlier export added them), `docProps/app.xml` (its list of
/// sheet titles is dropped: Excel writes it again on save) and `docProps/core.xml` (the time
/// modified) — and copies every other part through byte for byte. Replacing a sheet also drops
/// that sheet's own rels (its comments, drawings) and `xl/calcChain.xml` (Excel rebuilds it).
///
/// The sheet's XML is written a row at a time into one byte buffer (no document tree):
/// - text as inline strings (`t="inlineStr"`), so adding a sheet never touches the workbook's
///   shared strings; `& < >` escaped, characters XML 1.0 forbids (control characters, U+FFFE,
///   U+FFFF) and carriage returns as OOXML's `_xHHHH_`, and a literal `_xHHHH_` kept by
///   escaping its underscore (`_x005F_`);
/// - numbers as numbers (decimals in "0.00", or the places of their `round(x, n)`), booleans as booleans, nulls as no cell, a number
///   too large for a double (∞) as Excel's `#NUM!`;
/// - dates and timestamps as serial days (1900 date system, Excel's 1900-02-29 counted) in
///   `yyyy-mm-dd` and `yyyy-mm-dd hh:mm:ss`; outside 1900-01-01 … 9999-12-31, as text;
/// - share columns (`pct`, `bucket`) as fractions in "0.00%" (55.48 is 0.5548, the point moved
///   in the digits so the value stays exact);
/// - the header and the total row in bold, the header frozen, each column as wide as its
///   widest cell as shown (Chinese characters two).
enum XLSXWriter {
    /// Why a workbook cannot be written: `reason` and `notes` for `AtomicFile.Failure`.
    struct Problem: Error {
        var reason: String
        var notes: [String] = []
        /// The writing was stopped (Ctrl-C): no problem of the file's.
        var cancelled = false
    }

    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let worksheetType = relationshipsNamespace + "/worksheet"
    static let worksheetContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    static let maxRows = 1_048_576, maxColumns = 16_384, maxCellText = 32_767

    /// Why Excel would refuse `name` for a sheet, or nil.
    static func sheetNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "a sheet's name cannot be empty" }
        if name.utf16.count > 31 { return "a sheet's name has at most 31 characters; \"\(name)\" has \(name.utf16.count)" }
        if let c = name.first(where: { ":\\/?*[]".contains($0) }) {
            return "a sheet's name cannot hold `\(c)` (nor any of : \\ / ? * [ ])"
        }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0.value == 0xFFFE || $0.value == 0xFFFF }) {
            return "a sheet's name cannot hold line breaks, tabs or other control characters"
        }
        if name.hasPrefix("'") || name.hasSuffix("'") { return "a sheet's name cannot start or end with an apostrophe (')" }
        if name.lowercased() == "history" { return "Excel keeps the sheet name History for itself" }
        return nil
    }

    // MARK: The package

    /// A workbook's parts in order, by name (`xl/workbook.xml`).
    struct Package {
        var parts: [(name: String, bytes: [UInt8])]

        subscript(name: String) -> [UInt8]? {
            get { parts.first { $0.name == name }?.bytes }
            set {
                if let i = parts.firstIndex(where: { $0.name == name }) {
                    if let newValue { parts[i].bytes = newValue } else { parts.remove(at: i) }
                } else if let newValue {
                    parts.append((name, newValue))
                }
            }
        }

        /// The parts of a workbook file. A zip that is damaged, or a part that does not inflate
        /// to its checksum, is a problem (so nothing is written over it).
        init(reading file: Data) throws(Problem) {
            let archive: Archive
            do { archive = try Archive(data: file, accessMode: .read) } catch {
                throw Problem(reason: "it is not an .xlsx workbook (not a zip archive), so no sheet can be added to it",
                              notes: ["without `sheet`, export writes a new workbook in its place"])
            }
            parts = []
            for entry in archive where entry.type == .file {
                do { parts.append((entry.path, try ZipPart.bytes(of: entry, in: file))) } catch {
                    let why = (error as? XLSXReader.Damage)?.message ?? ""
                    throw Problem(reason: "its part \(entry.path) is damaged\(why)", notes: [XLSXReader.damageHint])
                }
            }
            guard self["xl/workbook.xml"] != nil else {
                throw Problem(reason: "it has no xl/workbook.xml (is it an .xlsx workbook?)")
            }
        }

        init(parts: [(name: String, bytes: [UInt8])]) { self.parts = parts }

        /// A workbook with no sheet yet: the parts every workbook needs.
        static var empty: Package {
            let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
            let rels = "http://schemas.openxmlformats.org/package/2006/relationships"
            let font = #"<sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/>"#
            return Package(parts: [
                ("[Content_Types].xml", #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
                    + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
                    + #"<Default Extension="xml" ContentType="application/xml"/>"#
                    + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
                    + #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
                    + "</Types>"),
                ("_rels/.rels", #"<Relationships xmlns="\#(rels)"><Relationship Id="rId1" Type="\#(relationshipsNamespace)/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
                ("xl/workbook.xml", #"<workbook xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipsNamespace)"><bookViews><workbookView/></bookViews><sheets></sheets></workbook>"#),
                ("xl/_rels/workbook.xml.rels", #"<Relationships xmlns="\#(rels)"><Relationship Id="rId1" Type="\#(relationshipsNamespace)/styles" Target="styles.xml"/></Relationships>"#),
                ("xl/styles.xml", #"<styleSheet xmlns="\#(mainNamespace)"><fonts count="1"><font>\#(font)</font></fonts>"#
                    + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
                    + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
                    + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
                    + #"<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>"#
                    + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#),
            ].map { ($0.0, Array((header + $0.1).utf8)) })
        }

        /// The zip file: every part deflated, in order.
        func zipped() throws(Problem) -> [UInt8] {
            do {
                let archive = try Archive(data: Data(), accessMode: .create)
                let now = Date()
                for part in parts {
                    let data = Data(part.bytes)
                    try archive.addEntry(with: part.name, type: .file, uncompressedSize: Int64(data.count), modificationDate: now,
                                         compressionMethod: .deflate) { position, size in
                        data.subdata(in: Int(position)..<(Int(position) + size))
                    }
                }
                guard let bytes = archive.data else { throw Problem(reason: "the workbook could not be made") }
                return [UInt8](bytes)
            } catch let p as Problem { throw p } catch {
                throw Problem(reason: "the workbook could not be made: \(error)")
            }
        }
    }

    // MARK: Adding a sheet

    /// Puts `result` into the package as sheet `name`: in place of the sheet of that name (in any
    /// case, as Excel compares names), or after the others.
    static func put(_ result: ResultTable, sheet name: String, into package: inout Package, poll: () throws -> Void = {}) throws(Problem) {
        func part(_ name: String) throws(Problem) -> XMLEditor {
            guard let bytes = package[name] else { throw Problem(reason: "it has no \(name) (is it an .xlsx workbook?)") }
            do { return try XMLEditor(bytes) } catch {
                throw Problem(reason: "its part \(name) is damaged\((error as? XLSXReader.Damage)?.message ?? "")", notes: [XLSXReader.damageHint])
            }
        }
        var workbook = try part("xl/workbook.xml")
        let root = 0
        guard !workbook.elements.isEmpty, workbook.local(root) == "workbook",
              workbook.declarations(root).values.contains(mainNamespace) else {
            throw Problem(reason: "it is not an ordinary .xlsx workbook (a Strict Open XML workbook?)",
                          notes: ["save it from Excel as an Excel Workbook (.xlsx), then export to that"])
        }
        guard let sheets = workbook.first("sheets") else { throw Problem(reason: "its xl/workbook.xml lists no sheets") }
        var rels = try part("xl/_rels/workbook.xml.rels")
        let relations = rels.children(of: 0, named: "Relationship")
        func target(_ r: Int) -> String? { rels.attribute("Target", of: r).map { XLSXReader.partName(target: $0) } }
        let listed = workbook.children(of: sheets, named: "sheet")
        let existing = listed.first { workbook.attribute("name", of: $0)?.lowercased() == name.lowercased() }
        var styles = try part("xl/styles.xml")
        let sheetXML = try worksheet(result, styles: try CellStyles(adding: &styles, extra: result.columns.map(NumberKind.init)),
                                     selected: listed.isEmpty, poll: poll)
        package["xl/styles.xml"] = styles.result()
        var types = try part("[Content_Types].xml")

        if let existing {
            let id = workbook.attribute("id", of: existing)
            guard let relation = relations.first(where: { rels.attribute("Id", of: $0) == id }), let partName = target(relation),
                  rels.attribute("Type", of: relation) == worksheetType else {
                throw Problem(reason: "its sheet \"\(workbook.attribute("name", of: existing) ?? name)\" is not a worksheet (a chart sheet?)",
                              notes: ["name another sheet, or a new one"])
            }
            package[partName] = sheetXML
            let slash = partName.lastIndex(of: "/").map { partName.index(after: $0) } ?? partName.startIndex
            package[String(partName[..<slash]) + "_rels/" + partName[slash...] + ".rels"] = nil
            // The calculation chain lists formula cells by sheet; the replaced sheet's are gone.
            if let chain = relations.first(where: { rels.attribute("Type", of: $0)?.hasSuffix("/calcChain") == true }) {
                if let chainPart = target(chain) {
                    package[chainPart] = nil
                    for o in types.children(of: 0, named: "Override") where types.attribute("PartName", of: o) == "/" + chainPart { types.remove(o) }
                }
                rels.remove(chain)
            }
        } else {
            let usedIds = Set(relations.compactMap { rels.attribute("Id", of: $0) })
            let relationId = ((relations.count + 1)...).lazy.map { "rId\($0)" }.first { !usedIds.contains($0) }!
            let partName = ((listed.count + 1)...).lazy.map { "xl/worksheets/sheet\($0).xml" }.first { package[$0] == nil }!
            let sheetId = (listed.compactMap { workbook.attribute("sheetId", of: $0).flatMap { Int($0) } }.max() ?? 0) + 1
            // The relationships prefix the workbook declares (r:), or one declared here.
            let prefix = workbook.declarations(root).first { $0.value == relationshipsNamespace }?.key
            let idAttribute = prefix.map { "\($0):id" } ?? #"xmlns:tr="\#(relationshipsNamespace)" tr:id"#
            workbook.append(#"<\#(workbook.prefix(sheets))sheet name="\#(XMLBytes.attribute(name))" sheetId="\#(sheetId)" \#(idAttribute)="\#(relationId)"/>"#,
                            to: sheets, count: nil)
            rels.append(#"<\#(rels.prefix(0))Relationship Id="\#(relationId)" Type="\#(worksheetType)" Target="\#(partName.dropFirst(3))"/>"#, to: 0, count: nil)
            types.append(#"<\#(types.prefix(0))Override PartName="/\#(partName)" ContentType="\#(worksheetContentType)"/>"#, to: 0, count: nil)
            package[partName] = sheetXML
            if package["docProps/app.xml"] != nil {
                var app = try part("docProps/app.xml")
                for title in ["HeadingPairs", "TitlesOfParts"] { if let e = app.first(title) { app.remove(e) } }
                package["docProps/app.xml"] = app.result()
            }
        }
        if package["docProps/core.xml"] != nil {
            var core = try part("docProps/core.xml")
            if let modified = core.first("modified") {
                core.setText(of: modified, ISO8601DateFormatter().string(from: Date()))
                package["docProps/core.xml"] = core.result()
            }
        }
        package["xl/workbook.xml"] = workbook.result()
        package["xl/_rels/workbook.xml.rels"] = rels.result()
        package["[Content_Types].xml"] = types.result()
    }

    // MARK: Cell formats

    /// How a column's numbers are shown: each kind has a number format, plain and bold. A
    /// decimal column shows the decimals its `round(x, n)` gives it (none for n ≤ 0), else 2.
    enum NumberKind: Hashable {
        case general, decimal(Int), percent, date, timestamp

        /// The kinds every sheet may use, in the order their cell formats are added.
        static let standard: [NumberKind] = [.general, .decimal(2), .percent, .date, .timestamp]

        init(_ column: ResultTable.Column) {
            if column.role == .share { self = .percent; return }
            switch column.vector.type {
            case .decimal: self = .decimal(min(max(column.decimals ?? 2, 0), 15))
            case .date: self = .date
            case .timestamp: self = .timestamp
            default: self = .general
            }
        }

        /// Its number format: a built-in one (0: General, 1: 0, 2: 0.00, 10: 0.00%), or the
        /// code of a custom one.
        var format: (builtIn: Int?, code: String) {
            switch self {
            case .general: return (0, "General")
            case .decimal(0): return (1, "0")
            case .decimal(2): return (2, "0.00")
            case .decimal(let n): return (nil, "0." + String(repeating: "0", count: n))
            case .percent: return (10, "0.00%")
            case .date: return (nil, "yyyy-mm-dd")
            case .timestamp: return (nil, "yyyy-mm-dd hh:mm:ss")
            }
        }
    }

    /// The workbook's cell formats (indexes into `cellXfs`) for each kind, plain and bold.
    struct CellStyles {
        private var index: [NumberKind: (plain: Int, bold: Int)] = [:]

        func style(_ kind: NumberKind, bold: Bool) -> Int? {
            kind == .general && !bold ? nil : index[kind].map { bold ? $0.bold : $0.plain }
        }

        /// Adds to `styles` (xl/styles.xml) the number formats, the bold font and the cell
        /// formats Tally's sheets use (the standard kinds, then `extra` ones) — each only when
        /// the part does not hold it already, as it does after an earlier export into the workbook.
        init(adding styles: inout XMLEditor, extra: [NumberKind] = []) throws(Problem) {
            guard let fonts = styles.first("fonts"), let cellXfs = styles.first("cellXfs") else {
                throw Problem(reason: "its xl/styles.xml has no fonts or cell formats", notes: [XLSXReader.damageHint])
            }
            var kinds = NumberKind.standard
            for k in extra where !kinds.contains(k) { kinds.append(k) }
            // Number formats: built-in ones where Excel has them, else found or added by their code.
            var formatIds: [NumberKind: Int] = [:]
            let numFmts = styles.first("numFmts")
            let formats = numFmts.map { styles.children(of: $0, named: "numFmt") } ?? []
            var nextId = max(163, formats.compactMap { styles.attribute("numFmtId", of: $0).flatMap { Int($0) } }.max() ?? 0) + 1
            var added = "", addedCount = 0
            for kind in kinds {
                let (builtIn, code) = kind.format
                if let builtIn {
                    formatIds[kind] = builtIn
                } else if let f = formats.first(where: { styles.attribute("formatCode", of: $0) == code }),
                          let id = styles.attribute("numFmtId", of: f).flatMap({ Int($0) }) {
                    formatIds[kind] = id
                } else {
                    formatIds[kind] = nextId
                    added += #"<\#(styles.prefix(fonts))numFmt numFmtId="\#(nextId)" formatCode="\#(code)"/>"#
                    nextId += 1
                    addedCount += 1
                }
            }
            if let numFmts {
                if addedCount > 0 { styles.append(added, to: numFmts, count: formats.count + addedCount) }
            } else if addedCount > 0 {
                let p = styles.prefix(fonts)
                styles.insert(#"<\#(p)numFmts count="\#(addedCount)">\#(added)</\#(p)numFmts>"#, before: fonts)
            }
            // The bold font: the workbook's first font with <b/>.
            let fontList = styles.children(of: fonts, named: "font")
            guard let first = fontList.first else { throw Problem(reason: "its xl/styles.xml has no font", notes: [XLSXReader.damageHint]) }
            let bold = styles.withChild("<\(styles.prefix(first))b/>", first: first)
            let boldFont: Int
            if let i = fontList.firstIndex(where: { styles.bytes(of: $0) == Array(bold.utf8) }) { boldFont = i } else {
                boldFont = fontList.count
                styles.append(bold, to: fonts, count: fontList.count + 1)
            }
            // Cell formats, found by their exact text or appended.
            var xfs = styles.children(of: cellXfs, named: "xf").map { styles.bytes(of: $0) }
            var appended = ""
            func xf(_ kind: NumberKind, bold isBold: Bool) -> Int {
                let xf = #"<\#(styles.prefix(cellXfs))xf numFmtId="\#(formatIds[kind] ?? 0)" fontId="\#(isBold ? boldFont : 0)" fillId="0" borderId="0" applyNumberFormat="1" applyFont="1"/>"#
                if let i = xfs.firstIndex(of: Array(xf.utf8)) { return i }
                xfs.append(Array(xf.utf8))
                appended += xf
                return xfs.count - 1
            }
            for kind in kinds {
                let plain = kind == .general ? 0 : xf(kind, bold: false)   // general: the workbook's default
                index[kind] = (plain, xf(kind, bold: true))
            }
            if !appended.isEmpty { styles.append(appended, to: cellXfs, count: xfs.count) }
        }
    }

    // MARK: The sheet

    /// Excel's serial day number of a time in seconds (1900 date system: 1 is 1900-01-01, and
    /// days from 1900-03-01 on count the 1900-02-29 Excel believes in), or nil outside
    /// 1900-01-01 … 9999-12-31.
    static func serial(seconds: Int64) -> Double? {
        let days = CivilCalendar.days(ofSeconds: seconds)
        var serial = days + 25569                  // 1970-01-01 is 25569
        if serial < 61 { serial -= 1 }             // before 1900-03-01
        guard serial >= 1, serial <= 2_958_465 else { return nil }
        let rest = seconds - Int64(days) * 86400
        return Double(serial) + Double(rest) / 86400
    }

    /// A share as the fraction a percent format shows: 55.48 → 0.5548, the point moved in the
    /// shortest digits of the value.
    static func fraction(ofPercent text: String) -> String {
        if text.contains(where: { $0 == "e" || $0 == "E" }) { return "\((Double(text) ?? 0) / 100)" }
        var digits = String(decoding: SheetRows.shiftPoint(Array(text.utf8), by: -2), as: UTF8.self)
        while digits.contains("."), digits.last == "0" || digits.last == "." { digits.removeLast() }
        return digits
    }

    /// How many characters `d` has as a format with `decimals` places ("0.00" for 2) shows it.
    static func shownDecimalWidth(_ d: Double, decimals: Int = 2) -> Int {
        let scale = pow(10, Double(decimals))
        let whole = (abs(d) * scale).rounded() / scale
        guard whole < 1e15 else { return Format.fixed(d).count - 3 + (decimals > 0 ? decimals + 1 : 0) }
        return String(Int64(whole)).count + (decimals > 0 ? decimals + 1 : 0) + (d < 0 && whole > 0 ? 1 : 0)
    }

    /// The worksheet part of `result`.
    static func worksheet(_ r: ResultTable, styles: CellStyles, selected: Bool, poll: () throws -> Void = {}) throws(Problem) -> [UInt8] {
        let rowCount = 1 + r.rowCount + (r.totalRow == nil ? 0 : 1)
        guard rowCount <= maxRows else {
            throw Problem(reason: "a sheet holds at most \(maxRows) rows (the header included), and the result has \(rowCount - 1)",
                          notes: ["export it to a .csv file, or narrow it with where or top"])
        }
        guard r.columns.count <= maxColumns else {
            throw Problem(reason: "a sheet holds at most \(maxColumns) columns, and the result has \(r.columns.count)")
        }
        let kinds = r.columns.map(NumberKind.init)
        let letters = r.columns.indices.map(SheetRows.columnName)
        var widths = r.columns.map { DisplayWidth.of($0.name) }
        var data = XMLBytes()
        func row(_ number: Int, _ value: (Int) -> Value, bold: Bool) throws(Problem) {
            data.raw("<row r=\"\(number)\">")
            for c in r.columns.indices {
                let v = value(c)
                var kind = kinds[c]
                var content: String, type = "", shownWidth: Int
                switch v {
                case .null: continue
                case .integer(let i):
                    content = kind == .percent ? fraction(ofPercent: String(i)) : String(i)
                    shownWidth = content.count + (kind == .percent ? 2 : 0)
                case .decimal(let d):
                    if d.isFinite {
                        content = kind == .percent ? fraction(ofPercent: "\(d)") : "\(d)"
                        if case .decimal(let n) = kind { shownWidth = shownDecimalWidth(d, decimals: n) } else {
                            shownWidth = shownDecimalWidth(d) + (kind == .percent ? 1 : 0)
                        }
                    } else {
                        (content, type, shownWidth) = ("#NUM!", "e", 5)
                    }
                case .boolean(let b):
                    (content, type, shownWidth, kind) = (b ? "1" : "0", "b", 5, .general)
                case .date(let s), .timestamp(let s):
                    kind = v.type == .date ? .date : .timestamp
                    if let serial = serial(seconds: s) {
                        content = kind == .date ? String(Int(serial)) : "\(serial)"
                        shownWidth = kind == .date ? 10 : 19
                    } else {
                        content = Format.display(v)
                        (type, shownWidth, kind) = ("inlineStr", content.count, .general)
                    }
                case .string(let s):
                    guard s.utf16.count <= maxCellText else {
                        throw Problem(reason: "a cell holds at most \(maxCellText) characters, and \(letters[c])\(number) would hold \(s.utf16.count)")
                    }
                    (content, type, kind) = (s, "inlineStr", .general)
                    // A character takes no more cells than its UTF-8 bytes: most texts need no measuring.
                    shownWidth = s.utf8.count <= widths[c] ? 0 : s.split(separator: "\n").map { DisplayWidth.of(String($0)) }.max() ?? 0
                }
                widths[c] = max(widths[c], shownWidth)
                data.raw("<c r=\"\(letters[c])\(number)\"")
                if let s = styles.style(kind, bold: bold) { data.raw(" s=\"\(s)\"") }
                if type == "inlineStr" {
                    let u = content.utf8
                    let preserve = [32, 9, 10, 13].contains(u.first ?? 0) || [32, 9, 10, 13].contains(u.last ?? 0) || u.contains(10) || u.contains(9)
                    data.raw(#" t="inlineStr"><is><t\#(preserve ? #" xml:space="preserve""# : "")>"#)
                    data.text(content)
                    data.raw("</t></is></c>")
                } else {
                    data.raw((type.isEmpty ? "" : " t=\"\(type)\"") + "><v>" + content + "</v></c>")
                }
            }
            data.raw("</row>")
        }
        try row(1, { .string(r.columns[$0].name) }, bold: true)
        for i in 0..<r.rowCount {
            do { try poll() } catch { throw Problem(reason: "cancelled", cancelled: true) }
            try row(i + 2, { r.columns[$0].vector.value(at: i) }, bold: false)
        }
        if let total = r.totalRow { try row(r.rowCount + 2, { total[$0] }, bold: true) }

        var out = XMLBytes()
        out.raw(#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n")
        out.raw(#"<worksheet xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipsNamespace)">"#)
        out.raw(#"<dimension ref="A1:\#(letters.last ?? "A")\#(rowCount)"/>"#)
        out.raw(#"<sheetViews><sheetView\#(selected ? #" tabSelected="1""# : "") workbookViewId="0">"#
                + #"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#)
        out.raw(#"<sheetFormatPr defaultRowHeight="15"/><cols>"#)
        for (c, w) in widths.enumerated() {
            out.raw(#"<col min="\#(c + 1)" max="\#(c + 1)" width="\#(min(max(w, 2), 100) + 2)" customWidth="1"/>"#)
        }
        out.raw("</cols><sheetData>")
        out.bytes += data.bytes
        out.raw("</sheetData></worksheet>")
        return out.bytes
    }
}

/// XML text built as bytes.
struct XMLBytes {
    var bytes: [UInt8] = []

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// Element text: `& < >` as entities; control characters other than tab and line feed, a
    /// carriage return (which XML reads as a line feed), U+FFFE and U+FFFF as `_xHHHH_`; an
    /// underscore that starts `_xHHHH_` as `_x005F_`, so it reads back as written.
    mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { u in
            func hex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) }
            var i = 0
            while i < u.count {
                let c = u[i]
                switch c {
                case 38: raw("&amp;")
                case 60: raw("&lt;")
                case 62: raw("&gt;")
                case 9, 10: bytes.append(c)
                case 0..<32: raw("_x00" + (c < 16 ? "0" : "") + String(c, radix: 16, uppercase: true) + "_")
                case 95 where i + 6 < u.count && u[i + 1] == 120 && u[i + 6] == 95 && (2...5).allSatisfy({ hex(u[i + $0]) }):
                    raw("_x005F_")
                case 0xEF where i + 2 < u.count && u[i + 1] == 0xBF && (u[i + 2] == 0xBE || u[i + 2] == 0xBF):
                    raw(u[i + 2] == 0xBE ? "_xFFFE_" : "_xFFFF_")
                    i += 2
                default: bytes.append(c)
                }
                i += 1
            }
        }
    }

    /// An attribute value in double quotes: `& < > "` as entities.
    static func attribute(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}

/// A small XML part edited in place: its elements are found by `XMLScanner`, and edits are
/// byte ranges replaced when the result is taken, so everything not edited stays as it was.
struct XMLEditor {
    struct Element {
        var name: Range<Int>
        var attributes: Range<Int>
        /// The start tag, from `<` to after `>`.
        var start: Range<Int>
        /// The end tag; nil for an empty element (`<x/>`).
        var end: Range<Int>?
        var parent: Int?
    }

    private let source: [UInt8]
    private(set) var elements: [Element] = []
    private var edits: [(range: Range<Int>, bytes: [UInt8])] = []

    init(_ bytes: [UInt8]) throws {
        source = bytes
        var found: [Element] = []
        try bytes.withUnsafeBufferPointer { buf in
            var x = XMLScanner(buf)
            var open: [Int] = []
            while let e = x.next() {
                switch e {
                case .start(let name, let attributes, let empty):
                    found.append(Element(name: name, attributes: attributes, start: (name.lowerBound - 1)..<x.i, parent: open.last))
                    if !empty { open.append(found.count - 1) }
                case .end(let name):
                    if let i = open.popLast() { found[i].end = (name.lowerBound - 2)..<x.i }
                case .text:
                    break
                }
            }
            try x.finish()
        }
        elements = found
    }

    private func string(_ r: Range<Int>) -> String { String(decoding: source[r], as: UTF8.self) }

    func local(_ e: Int) -> String {
        let name = string(elements[e].name)
        return name.lastIndex(of: ":").map { String(name[name.index(after: $0)...]) } ?? name
    }

    /// `x:` for an element named `x:sheets`, else "".
    func prefix(_ e: Int) -> String {
        let name = string(elements[e].name)
        return name.firstIndex(of: ":").map { String(name[...$0]) } ?? ""
    }

    /// The first element with this local name.
    func first(_ local: String) -> Int? { elements.indices.first { self.local($0) == local } }

    func children(of parent: Int, named local: String) -> [Int] {
        elements.indices.filter { elements[$0].parent == parent && self.local($0) == local }
    }

    /// An attribute's value (entities resolved), by its local name.
    func attribute(_ local: String, of e: Int) -> String? {
        attributeRange(local, of: e).map { r in
            source.withUnsafeBufferPointer { XMLScanner($0).string(r) }
        }
    }

    private func attributeRange(_ local: String, of e: Int) -> Range<Int>? {
        attributes(e).first { $0.0.split(separator: ":").last.map(String.init) == local && !$0.0.hasPrefix("xmlns") }?.1
    }

    /// The element's attributes: qualified names and the ranges of their values.
    private func attributes(_ e: Int) -> [(String, Range<Int>)] {
        source.withUnsafeBufferPointer { XMLScanner($0).attributes(in: elements[e].attributes).map { (string($0.name), $0.value) } }
    }

    /// The namespaces declared on an element: prefix ("" for the default) → name.
    func declarations(_ e: Int) -> [String: String] {
        var out: [String: String] = [:]
        for (name, value) in attributes(e) where name == "xmlns" || name.hasPrefix("xmlns:") {
            out[name == "xmlns" ? "" : String(name.dropFirst(6))] = source.withUnsafeBufferPointer { XMLScanner($0).string(value) }
        }
        return out
    }

    /// The element as written, start tag to end tag.
    func bytes(of e: Int) -> [UInt8] { Array(source[wholeRange(e)]) }

    private func wholeRange(_ e: Int) -> Range<Int> {
        elements[e].start.lowerBound..<(elements[e].end?.upperBound ?? elements[e].start.upperBound)
    }

    /// The element as written with `child` first inside it.
    func withChild(_ child: String, first e: Int) -> String {
        let el = elements[e]
        guard let end = el.end else {
            var tag = string(el.start)
            tag.removeLast(2)   // "/>"
            while tag.last == " " { tag.removeLast() }
            return tag + ">" + child + "</" + string(el.name) + ">"
        }
        return string(el.start) + child + string(el.start.upperBound..<end.upperBound)
    }

    /// Adds `children` at the end of element `e`, and sets its `count` attribute, if it has one.
    mutating func append(_ children: String, to e: Int, count: Int?) {
        let el = elements[e]
        var tag = string(el.start)
        if let count, let c = attributeRange("count", of: e) {
            tag = string(el.start.lowerBound..<c.lowerBound) + String(count) + string(c.upperBound..<el.start.upperBound)
        }
        if let end = el.end {
            edits.append((el.start, Array(tag.utf8)))
            edits.append((end.lowerBound..<end.lowerBound, Array(children.utf8)))
        } else {
            tag.removeLast(2)   // "/>"
            edits.append((el.start, Array((tag + ">" + children + "</" + string(el.name) + ">").utf8)))
        }
    }

    mutating func insert(_ xml: String, before e: Int) {
        let at = elements[e].start.lowerBound
        edits.append((at..<at, Array(xml.utf8)))
    }

    mutating func remove(_ e: Int) { edits.append((wholeRange(e), [])) }

    /// Replaces the text inside an element.
    mutating func setText(of e: Int, _ text: String) {
        let el = elements[e]
        var t = XMLBytes()
        t.text(text)
        if let end = el.end {
            edits.append((el.start.upperBound..<end.lowerBound, t.bytes))
        } else {
            var tag = string(el.start)
            tag.removeLast(2)
            edits.append((el.start, Array((tag + ">").utf8) + t.bytes + Array("</\(string(el.name))>".utf8)))
        }
    }

    /// The part with the edits made.
    func result() -> [UInt8] {
        var out = source
        for edit in edits.sorted(by: { ($0.range.lowerBound, $0.range.upperBound) > ($1.range.lowerBound, $1.range.upperBound) }) {
            out.replaceSubrange(edit.range, with: edit.bytes)
        }
        return out
    }
}
