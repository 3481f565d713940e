/// The options of a `load … with NAME VALUE, …` statement, checked and turned into reader
/// settings. A value is one expression, or a parenthesised list (`nulls ("-", "无")`) whose
/// items may be `name = name` pairs (`types (score = decimal)`, `rename (选课人数 = enrolled)`).
public struct LoadOptions {
    /// Text files: the encoding (an iconv name, `UTF-8`, `GB18030` …) and the delimiter; nil = detect.
    public var encoding: String?
    public var delimiter: UInt8?
    /// Workbooks: the sheet to read; nil = the first.
    public var sheet: String?
    /// A DuckDB database file (under an engine): the table to read.
    public var table: String?
    /// The header's line (text) or row (sheet) number, or two for a two-row header; nil = detect.
    public var header: [Int]?
    public var skipTotals = false
    public var skipBadRows = false
    /// A folder load runs the folder's startup.tally after its tables (`startup false`: not).
    public var startup = true
    public var nulls = NullMarkers.standard
    /// Types given per column, and new names, by the column's name in the file (or its new name).
    public var types: [(column: String, type: DataType, span: Span)] = []
    public var renames: [(from: String, to: String, span: Span)] = []
    /// A folder load: `types` and `rename` apply to the files that have the column named.
    var inFolder = false
    /// Text files: how many parts to read in parallel; nil = one per core for large files.
    /// (Tests set it to split even small files.)
    var parts: Int?
    /// Workbooks: how many bytes of a sheet's XML to inflate at a time, and how many rows
    /// `tally convert` reads at a time; nil = `SheetStream.defaultWindow`, 16,384 rows.
    /// (Tests set them small to cut the sheet everywhere.)
    var sheetBytes: Int?
    var sheetBatch: Int?
    /// Told of the progress of each file's load (the command line draws a bar from it).
    public var observer: LoadProgress.Observer?
    /// The progress of the file being read, advanced by the reader.
    var progress: LoadProgress?
    /// The options written (name to where the option is), and the script they are in (for located errors).
    public private(set) var given: [String: Span] = [:]
    private var script: SourceFile?

    public static let names = ["delimiter", "encoding", "header", "nulls", "rename", "sheet", "skip_bad_rows", "skip_totals", "startup", "table", "types"]
    /// The options that are true or false.
    public static let booleanNames = ["skip_bad_rows", "skip_totals", "startup"]
    /// The encodings named in errors and offered by completion (iconv knows more).
    public static let encodingNames = ["utf-8", "gbk", "gb18030", "utf-16le", "utf-16be"]
    /// The delimiters, as written.
    public static let delimiterNames = [",", "tab", ";", "|"]
    /// Options that only make sense for one kind of file.
    static let textOnly: Set<String> = ["delimiter", "encoding"], sheetOnly: Set<String> = ["sheet"]

    public init() {}

    /// Checks the options of a `load` statement; `evaluate` gives the value of an expression.
    public init(_ options: [LoadOption], source: SourceFile, evaluate: (Expr) throws -> Value) throws {
        script = source
        for o in options {
            let key = o.name.text.lowercased()
            guard LoadOptions.names.contains(key) else {
                throw error("unknown load option `\(o.name.text)`", o.name.span,
                            notes: [Suggest.closest(to: o.name.text, in: LoadOptions.names).map { "did you mean `\($0)`?" }
                                    ?? "load options: \(LoadOptions.names.joined(separator: ", "))"])
            }
            if given[key] != nil { throw error("`\(key)` is given twice", o.name.span) }
            let span = o.entries.isEmpty ? o.name.span : o.entries.first!.value.span.to(o.entries.last!.value.span)
            given[key] = o.name.span.to(span)
            if o.entries.isEmpty {   // `nulls ()`: no markers, only the empty field is null
                guard key == "nulls" else { throw error("`\(key) ()` is empty: give a value between the parentheses", span) }
                nulls = []
                continue
            }
            if key == "types" || key == "rename" {
                let pairs = try o.entries.map { e -> (Name, String, Span) in
                    guard let k = e.key, case .name(let v) = e.value.kind else {
                        throw error("`\(key)` takes pairs, as in \(key) (\(key == "types" ? "teacher_id = string" : "选课人数 = enrolled"))", e.value.span)
                    }
                    return (k, v, k.span.to(e.value.span))
                }
                for (k, v, s) in pairs {
                    if key == "rename" { renames.append((k.text, v, s)); continue }
                    guard let t = DataType(rawValue: v.lowercased()) else {
                        throw error("unknown type `\(v)`", s, notes: ["types: \(DataType.allCases.map(\.rawValue).joined(separator: ", "))"])
                    }
                    types.append((k.text, t, s))
                }
                continue
            }
            if let keyed = o.entries.first(where: { $0.key != nil }) {
                throw error("`\(key)` takes values, not `name = …` pairs", keyed.key!.span.to(keyed.value.span))
            }
            let values = try o.entries.map { (try evaluate($0.value), $0.value.span) }
            if key == "nulls" {
                nulls = try values.map { v, s in
                    guard case .string(let text) = v else { throw error("a null marker is text, as in nulls (\"-\", \"无\")", s) }
                    return text
                }
                continue
            }
            if key == "header" {
                let rows = try values.map { v, s -> Int in
                    guard case .integer(let n) = v, n >= 1 else { throw error("a header row is a line number from 1, as in header 3", s) }
                    return Int(n)
                }
                guard rows.count <= 2, rows.count == 1 || rows[1] > rows[0] else {
                    throw error("a header is one row or two, as in header 3 or header (3, 4)", span)
                }
                header = rows
                continue
            }
            guard values.count == 1, let (value, s) = values.first else { throw error("`\(key)` takes one value", span) }
            switch key {
            case "delimiter":
                let map: [String: UInt8] = [",": 44, "tab": 9, "\\t": 9, "\t": 9, ";": 59, "|": 124]
                guard case .string(let d) = value, let b = map[d.lowercased()] else {
                    throw error("unknown delimiter \(Format.display(value))", s, notes: ["use \",\", \"tab\", \";\" or \"|\""])
                }
                delimiter = b
            case "encoding":
                guard case .string(let e) = value, TextDecoding.isKnown(e) else {
                    throw error("unknown encoding \(Format.display(value))", s,
                                notes: ["use " + LoadOptions.encodingNames.dropLast().map(Lexical.string).joined(separator: ", ")
                                        + " or " + Lexical.string(LoadOptions.encodingNames.last!)])
                }
                encoding = TextDecoding.canonical(e)
            case "sheet":
                guard case .string(let name) = value else { throw error("a sheet is named by text, as in sheet \"课程\"", s) }
                sheet = name
            case "table":
                guard case .string(let name) = value else { throw error("a database's table is named by text, as in table \"logins\"", s) }
                table = name
            default:   // skip_totals, skip_bad_rows, startup
                guard case .boolean(let b) = value else { throw error("`\(key)` is true or false", s) }
                switch key {
                case "skip_totals": skipTotals = b
                case "skip_bad_rows": skipBadRows = b
                default: startup = b
                }
            }
        }
    }

    /// An error about the options, pointing into the script when there is one.
    func error(_ message: String, _ span: Span, notes: [String] = []) -> Diagnostic {
        guard let script else { return Diagnostic(.error, message, notes: notes) }
        return Diagnostic(.error, message, in: script, span: span, notes: notes)
    }
}
