/// Who is acting, and through what: what Pacta checks before anything changes.
///
/// A role says what a person may do; their unit says on which data. A manager acts on their own
/// unit and the units below it, an administrator on every unit. Pacta itself (the command line,
/// migrations, jobs, the demo) acts as ``Actor/system(_:)``.
public struct Actor: Sendable, Hashable {
    public var username: String
    /// Full name, as shown on signatures.
    public var name: String
    public var role: Role
    /// Code of the unit the person belongs to; empty for the system.
    public var unit: String
    public var channel: Channel

    /// How the action reached Pacta.
    public enum Channel: Sendable, Hashable {
        /// A signed-in browser session.
        case web
        /// An API token; `own` when its owner created it themselves.
        case token(id: Int64, own: Bool)
        /// Pacta itself: `pacta demo`, a migration, a job.
        case system
    }

    public init(username: String, name: String, role: Role, unit: String, channel: Channel) {
        self.username = username
        self.name = name
        self.role = role
        self.unit = unit
        self.channel = channel
    }

    /// Pacta acting on its own behalf, on every unit.
    public static func system(_ name: String) -> Actor {
        Actor(username: name, name: name, role: .admin, unit: "", channel: .system)
    }

    /// Whether the actor may act on every unit's data.
    public var reachesEverything: Bool { self.role == .admin || self.channel == .system }

    /// Whether `unit`'s data is within the actor's reach: their own unit or one below it.
    public func reaches(_ unit: String, in tree: UnitTree) -> Bool {
        self.reachesEverything || tree.isWithin(unit, self.unit)
    }

    /// Whether the actor takes part in an agreement between `provider` and `client`: one of
    /// them is within reach.
    public func takesPart(provider: String, client: String, in tree: UnitTree) -> Bool {
        self.reaches(provider, in: tree) || self.reaches(client, in: tree)
    }

    /// Whether a signature made now would be the person's own: through their session or a
    /// token they created themselves, never one made for them by someone else.
    public var signsForThemselves: Bool {
        switch self.channel {
        case .web, .system: true
        case .token(_, let own): own
        }
    }

    /// How a signature records the channel: `web`, `api` or `system`.
    public var channelName: String {
        switch self.channel {
        case .web: "web"
        case .token: "api"
        case .system: "system"
        }
    }

    /// The token used, if any.
    public var tokenID: Int64? {
        if case .token(let id, _) = self.channel { return id }
        return nil
    }
}

/// An action on data outside the actor's reach.
public struct ScopeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An English explanation naming the unit.
    public var message: String
    /// The field that names the unit out of reach, when there is one.
    public var field: String?

    public init(_ message: String, field: String? = nil) {
        self.message = message
        self.field = field
    }

    public var description: String { self.message }
}
