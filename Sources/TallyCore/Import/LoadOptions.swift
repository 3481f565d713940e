/// The options of a `load … with NAME VALUE, …` statement, checked and turned into reader settings.
public struct LoadOptions {
    /// One option as written: its name, its value, and where the value is (for errors).
    public struct Given {
        public var name: Name
        public var value: Value
        public var span: Span
    }

    public var csv = CSVOptions()

    public static let names = ["delimiter"]

    public init() {}

    public init(_ given: [Given], source: SourceFile) throws {
        for o in given {
            switch o.name.text.lowercased() {
            case "delimiter":
                let map: [String: UInt8] = [",": 44, "tab": 9, "\\t": 9, "\t": 9, ";": 59, "|": 124]
                guard case .string(let d) = o.value, let b = map[d.lowercased()] else {
                    throw Diagnostic(.error, "unknown delimiter \(Format.display(o.value))", in: source, span: o.span,
                                     notes: ["use \",\", \"tab\", \";\" or \"|\""])
                }
                csv.delimiter = b
            default:
                throw Diagnostic(.error, "unknown load option `\(o.name.text)`", in: source, span: o.name.span,
                                 notes: [Suggest.closest(to: o.name.text, in: LoadOptions.names).map { "did you mean `\($0)`?" }
                                         ?? "load options: \(LoadOptions.names.joined(separator: ", "))"])
            }
        }
    }
}
