import Foundation
import PactaCore

/// A value bound into or read out of a SQL statement, in terms both dialects understand.
///
/// Instants are whole seconds: `timestamptz` on PostgreSQL, Unix seconds on SQLite, so that both
/// stores return exactly the same values.
public enum DatabaseValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case double(Double)
    case text(String)
    case bool(Bool)
    case instant(Date)
    case blob([UInt8])
}

/// A Swift type that travels to and from a ``DatabaseValue``.
public protocol DatabaseValueConvertible: Sendable {
    /// The value to bind.
    var databaseValue: DatabaseValue { get }
    /// Reads a value back; throws when the stored value is of another kind.
    init(databaseValue: DatabaseValue) throws(DatabaseError)
}

extension DatabaseValueConvertible {
    static func mismatch(_ value: DatabaseValue) -> DatabaseError {
        .decoding("expected \(Self.self), found \(value)")
    }
}

/// NULL reads as nil, and nil binds as NULL.
extension Optional: DatabaseValueConvertible where Wrapped: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { self?.databaseValue ?? .null }
    public init(databaseValue: DatabaseValue) throws(DatabaseError) {
        if case .null = databaseValue {
            self = nil
        } else {
            self = try Wrapped(databaseValue: databaseValue)
        }
    }
}

extension Int64: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .integer(self) }
    public init(databaseValue: DatabaseValue) throws(DatabaseError) {
        switch databaseValue {
        case .integer(let value): self = value
        case .bool(let value): self = value ? 1 : 0
        default: throw Self.mismatch(databaseValue)
        }
    }
}

extension Int: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .integer(Int64(self)) }
    public init(databaseValue: DatabaseValue) throws(DatabaseError) {
        self = Int(try Int64(databaseValue: databaseValue))
    }
}

extension Double: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .double(self) }
    public init(databaseValue: DatabaseValue) throws(DatabaseError) {
        switch databaseValue {
        case .double(let value): self = value
        case .integer(let value): self = Double(value)
        default: throw Self.mismatch(databaseValue)
        }
    }
}

extension String: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .text(self) }
    public init(databaseValue: DatabaseValue) throws(DatabaseError) {
        guard case .text(let value) = databaseValue else { throw Self.mismatch(databaseValue) }
        self = value
    }
}

extension Bool: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .bool(self) }
    public init(databaseValue: DatabaseValue) throws(DatabaseError) {
        switch databaseValue {
        case .bool(let value): self = value
        case .integer(let value): self = value != 0
        default: throw Self.mismatch(databaseValue)
        }
    }
}

extension Date: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue {
        .instant(Date(timeIntervalSince1970: self.timeIntervalSince1970.rounded(.down)))
    }
    public init(databaseValue: DatabaseValue) throws(DatabaseError) {
        switch databaseValue {
        case .instant(let value): self = value
        case .integer(let seconds): self = Date(timeIntervalSince1970: TimeInterval(seconds))
        default: throw Self.mismatch(databaseValue)
        }
    }
}

extension LocalDate: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .text(self.description) }
    public init(databaseValue: DatabaseValue) throws(DatabaseError) {
        guard case .text(let text) = databaseValue, let date = LocalDate(text) else {
            throw Self.mismatch(databaseValue)
        }
        self = date
    }
}

extension Period: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .text(self.description) }
    public init(databaseValue: DatabaseValue) throws(DatabaseError) {
        guard case .text(let text) = databaseValue, let period = Period(text) else {
            throw Self.mismatch(databaseValue)
        }
        self = period
    }
}

extension DatabaseValueConvertible where Self: RawRepresentable, RawValue == String {
    public var databaseValue: DatabaseValue { .text(self.rawValue) }
    public init(databaseValue: DatabaseValue) throws(DatabaseError) {
        guard case .text(let text) = databaseValue, let value = Self(rawValue: text) else {
            throw Self.mismatch(databaseValue)
        }
        self = value
    }
}

extension Role: DatabaseValueConvertible {}
extension AgreementState: DatabaseValueConvertible {}
extension Side: DatabaseValueConvertible {}
