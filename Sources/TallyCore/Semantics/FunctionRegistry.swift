/// Every function the language knows, by name: the aggregates and the scalar functions. The
/// binder resolves a call here, so an unknown function, a wrong number of arguments or
/// arguments of the wrong type never reach execution; completion and help list these names.
enum FunctionRegistry {
    enum Entry {
        case aggregate(AggregateFunction)
        case scalar(ScalarFunction)
    }

    static func lookup(_ name: String) -> Entry? {
        let n = name.lowercased()
        if let a = AggregateFunction(rawValue: n) { return .aggregate(a) }
        if let f = Functions.table[n] { return .scalar(ScalarFunction(name: n, definition: f)) }
        return nil
    }

    /// All function names, sorted.
    static var names: [String] { (AggregateFunction.allCases.map(\.rawValue) + Functions.table.keys).sorted() }
    /// The scalar functions' names, sorted.
    static var scalarNames: [String] { Functions.table.keys.sorted() }
}

/// A scalar function as the registry gives it: its name and its definition.
struct ScalarFunction: Sendable {
    let name: String
    let definition: Functions
}

/// The aggregates: one value per group from the rows of the group.
enum AggregateFunction: String, CaseIterable, Sendable {
    case count, sum, avg, min, max, median

    var allowsDistinct: Bool { self == .count || self == .sum || self == .avg }

    /// The result's type for an argument of type `t` (nil: typeless), or why it does not fit.
    func resultType(_ t: DataType?) -> Result<DataType?, OperationError> {
        switch self {
        case .count: return .success(.integer)
        case .min, .max: return .success(t)
        case .sum: return Functions.numeric("sum", t).map { $0 == .boolean ? .integer : $0 }
        case .avg: return Functions.numeric("avg", t).map { $0 == nil ? nil : .decimal }
        case .median: return Functions.numeric("median", t).map { $0 == nil ? nil : .decimal }
        }
    }
}
