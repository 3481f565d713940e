/// The types a column or an expression can have.
public enum DataType: String, Sendable, Equatable, CaseIterable {
    case integer, decimal, boolean, date, timestamp, string

    public var isNumeric: Bool { self == .integer || self == .decimal }
    public var isTemporal: Bool { self == .date || self == .timestamp }
}
