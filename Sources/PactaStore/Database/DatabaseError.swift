/// A failure reported by either database, reduced to what callers can act on.
public enum DatabaseError: Error, Sendable, Hashable {
    /// A unique constraint refused the write; `constraint` names the index or the columns.
    case uniqueViolation(constraint: String)
    /// A foreign key refused the write.
    case foreignKeyViolation(constraint: String)
    /// A stored value could not be read as the type asked for.
    case decoding(String)
    /// Schema migrations do not match the database.
    case migration(String)
    /// Any other database failure, with the server's message.
    case other(String)
}

extension DatabaseError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .uniqueViolation(let constraint): "unique constraint violated: \(constraint)"
        case .foreignKeyViolation(let constraint): "foreign key violated: \(constraint)"
        case .decoding(let message): "cannot decode stored value: \(message)"
        case .migration(let message): message
        case .other(let message): message
        }
    }
}
