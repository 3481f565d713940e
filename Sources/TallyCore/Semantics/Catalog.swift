/// Everything a session knows by name: tables, named measures, links between tables,
/// variables (`let`) and parameters (`set`, `--set`). Statements change it only after they
/// succeed, so a failing statement leaves it as it was.
public final class Catalog: @unchecked Sendable {
    public struct MeasureDefinition: Sendable {
        public var name: String
        public var expr: Expr
        public var source: SourceFile
        /// The definition as written, for listings.
        public var text: String { source.slice(expr.span) }
    }

    /// `link table.column to target.key`, or `link table.(a, b) to target.(x, y)`: the columns
    /// pair up in order.
    public struct LinkDefinition: Sendable {
        public var table: String, columns: [String], target: String, keys: [String]
    }

    public private(set) var tableOrder: [String] = []
    private var tableMap: [String: Table] = [:]
    public internal(set) var measures: [String: MeasureDefinition] = [:]
    public internal(set) var measureOrder: [String] = []
    public internal(set) var links: [LinkDefinition] = []
    public internal(set) var variables: [String: Value] = [:]
    /// The decimals a variable's value shows with, when it is a `round(x, n)` (`let r = round(…, 1)`).
    private var variableDecimals: [String: Int] = [:]
    /// Values given on the command line: a `set` in a script does not override them.
    public internal(set) var overrides: [String: Value] = [:]
    /// Inferred links per pair of loaded tables (or why there is none), and each link's row map;
    /// emptied when a table or a link changes.
    var inferredLinks: [String: Result<Link, OperationError>] = [:]
    var rowMaps: [String: [Int32]] = [:]

    public init() {}

    public var tables: [Table] { tableOrder.compactMap { tableMap[$0] } }

    public func table(_ name: String) -> Table? {
        tableMap[name] ?? tableMap.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    public func add(_ table: Table) {
        if tableMap[table.name] == nil { tableOrder.append(table.name) }
        tableMap[table.name] = table
        forgetLinks()
    }

    public func defineMeasure(_ m: MeasureDefinition) {
        if measures[m.name] == nil { measureOrder.append(m.name) }
        measures[m.name] = m
    }

    public func measure(_ name: String) -> MeasureDefinition? {
        measures[name] ?? measures.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    public func variable(_ name: String) -> Value? {
        overrides[name] ?? variables[name]
    }

    public func setOverride(_ name: String, _ value: Value) { overrides[name] = value }
    public func setVariable(_ name: String, _ value: Value, decimals: Int? = nil) {
        variables[name] = value
        variableDecimals[name] = decimals
    }

    /// How many decimals the variable shows with (a `round(x, n)`), nil by the default rule.
    public func decimals(ofVariable name: String) -> Int? {
        overrides[name] == nil ? variableDecimals[name] : nil
    }

    func addLink(_ l: LinkDefinition) {
        links.removeAll { $0.table.lowercased() == l.table.lowercased() && $0.target.lowercased() == l.target.lowercased() }
        links.append(l)
        forgetLinks()
    }

    private func forgetLinks() {
        inferredLinks = [:]
        rowMaps = [:]
    }

    public var variableNames: [String] { Array(Set(variables.keys).union(overrides.keys)).sorted() }
}
