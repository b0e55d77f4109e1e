/// One result row, its columns in the order of the SELECT list.
///
/// ```swift
/// let (code, name, parent) = try row.decode((String, String, String?).self)
/// ```
public struct DatabaseRow: Sendable {
    /// The column values.
    public var values: [DatabaseValue]

    public init(_ values: [DatabaseValue]) {
        self.values = values
    }

    /// Reads column `index` as `type`; an optional type reads NULL as nil.
    public func decode<Value: DatabaseValueConvertible>(_ index: Int, as type: Value.Type = Value.self) throws(DatabaseError) -> Value {
        guard index < self.values.count else { throw .decoding("no column \(index)") }
        return try Value(databaseValue: self.values[index])
    }

    /// The row without its first `count` columns, to read a long row in parts.
    public func dropFirst(_ count: Int) -> DatabaseRow {
        DatabaseRow(Array(self.values.dropFirst(count)))
    }

    /// Reads the leading columns as a tuple of `types`, one column each, in order; optional types
    /// read NULL as nil. The row may hold more columns than asked for.
    public func decode<each Value: DatabaseValueConvertible>(_ types: (repeat each Value).Type) throws(DatabaseError) -> (repeat each Value) {
        var index = 0
        func next<Column: DatabaseValueConvertible>(_: Column.Type) throws(DatabaseError) -> Column {
            defer { index += 1 }
            return try self.decode(index, as: Column.self)
        }
        return (repeat try next((each Value).self))
    }
}
