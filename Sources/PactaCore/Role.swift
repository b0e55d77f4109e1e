/// What a user may do in Pacta. Every route declares the roles it admits.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// Manages users, roles, API tokens and settings; can do everything a manager can.
    case admin
    /// Back-office staff: registers units, calendars and agreements.
    case manager
    /// Internal client: signs agreements for their unit and rates providers.
    case rater
    /// Management: reads agreements and reports.
    case viewer

    /// Roles that may change organisational data (units, calendars, agreements).
    public static let editors: Set<Role> = [.admin, .manager]
    /// Roles that may sign an agreement on behalf of their unit.
    public static let signers: Set<Role> = [.admin, .manager, .rater]
    /// Every role.
    public static let everyone: Set<Role> = Set(Role.allCases)

    public static func < (lhs: Role, rhs: Role) -> Bool {
        Self.allCases.firstIndex(of: lhs)! < Self.allCases.firstIndex(of: rhs)!
    }
}
