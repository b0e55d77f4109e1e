/// One result row, its columns in the order of the SELECT list.
public struct DatabaseRow: Sendable {
    /// The column values.
    public var values: [DatabaseValue]

    public init(_ values: [DatabaseValue]) {
        self.values = values
    }

    /// Reads column `index` as `type`.
    public func decode<Value: DatabaseValueConvertible>(_ index: Int, as type: Value.Type = Value.self) throws(DatabaseError) -> Value {
        guard index < self.values.count else { throw .decoding("no column \(index)") }
        return try Value(databaseValue: self.values[index])
    }

    /// Reads column `index` as `type`, or nil when it is NULL.
    public func decode<Value: DatabaseValueConvertible>(_ index: Int, as type: Value?.Type = Value?.self) throws(DatabaseError) -> Value? {
        guard index < self.values.count else { throw .decoding("no column \(index)") }
        if case .null = self.values[index] { return nil }
        return try Value(databaseValue: self.values[index])
    }
}
