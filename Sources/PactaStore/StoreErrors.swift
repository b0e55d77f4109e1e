/// A record looked up by its key does not exist.
public struct NotFoundError: Error, Sendable, Hashable {
    /// What was looked for: `unit`, `calendar`, `agreement`, `user`, `token`, `version`.
    public var entity: String
    /// The key it was looked for by.
    public var key: String

    public init(_ entity: String, _ key: String) {
        self.entity = entity
        self.key = key
    }
}

extension NotFoundError: CustomStringConvertible {
    public var description: String { "There is no \(self.entity) \(self.key)." }
}
