import Foundation
import PactaCore
import PactaStore

extension Role {
    /// The roles as a `<select>`'s options.
    static func options(selected: Role?, messages: Messages) -> [SelectOption] {
        Role.allCases.map {
            SelectOption(value: $0.rawValue, label: messages.text("roles.\($0.rawValue)", or: $0.rawValue), selected: $0 == selected)
        }
    }
}

/// The users, and the form to add one (administrators).
struct UsersPage: PageModel {
    static let template = Template.users

    struct Row: Sendable {
        var username: String
        var name: String
        var roleLabel: String
        var unit: String
        var active: Bool
        var editHref: String
    }

    /// What was typed in the form to add a user, shown again with its problems.
    struct Typed: Sendable {
        var username: String
        var name: String
    }

    var rows: [Row]
    var form: Typed
    var roles: [SelectOption]
    var units: [SelectOption]
    var errors: [String: String]
    var errorList: [FormError]

    init(_ users: [User], units: [OrgUnit], form: FormData, errors: FormErrors, messages: Messages) {
        self.rows = users.map {
            Row(
                username: $0.username,
                name: $0.name,
                roleLabel: messages.text("roles.\($0.role.rawValue)", or: $0.role.rawValue),
                unit: $0.unit,
                active: $0.active,
                editHref: "/users/\($0.id)/edit"
            )
        }
        self.form = Typed(username: form.text("username"), name: form.text("name"))
        self.roles = Role.options(selected: Role(rawValue: form["role"] ?? Role.viewer.rawValue), messages: messages)
        self.units = units.map { SelectOption(unit: $0, selected: $0.code == form.text("unit")) }
        self.errors = errors.byField
        self.errorList = errors.list
    }
}

/// One user's role, unit and whether they may sign in; and a new password (administrators).
struct UserFormPage: PageModel {
    static let template = Template.userForm

    var action: String
    var username: String
    var name: String
    var email: String
    var active: Bool
    var roles: [SelectOption]
    var units: [SelectOption]
    var errors: [String: String]
    var errorList: [FormError]

    init(_ user: User, role: Role, unit: String, email: String, active: Bool, units: [OrgUnit], errors: FormErrors, messages: Messages) {
        self.action = "/users/\(user.id)"
        self.username = user.username
        self.name = user.name
        self.email = email
        self.active = active
        self.roles = Role.options(selected: role, messages: messages)
        self.units = units.map { SelectOption(unit: $0, selected: $0.code == unit) }
        self.errors = errors.byField
        self.errorList = errors.list
    }
}

/// API tokens: the reader's own (an administrator's: everyone's), the form to create one, and a
/// new token's secret, shown once.
struct TokensPage: PageModel {
    static let template = Template.tokens

    struct Row: Sendable {
        var id: Int64
        var username: String
        var name: String
        var prefix: String
        var createdAt: String
        var createdBy: String
        /// Its owner made it: it may sign for them.
        var canSign: Bool
        var lastUsedAt: String?
        var revokedAt: String?
        /// Nil once revoked.
        var revokeAction: String?
    }

    var rows: [Row]
    /// Administrators create tokens for anyone: whom, from `users`.
    var forOthers: Bool
    var users: [SelectOption]
    var newSecret: String?
    var errors: [String: String]
    var errorList: [FormError]

    /// - Parameter users: everyone, for an administrator; ignored for others.
    init(_ tokens: [APIToken], for reader: User, users: [User], newSecret: String?, errors: FormErrors, messages: Messages, timeZone: TimeZone) {
        self.rows = tokens.map { token in
            Row(
                id: token.id,
                username: token.username,
                name: token.name,
                prefix: token.prefix,
                createdAt: Format.instant(token.createdAt, in: timeZone),
                createdBy: token.createdBy ?? messages.text("tokens.created_by_cli", or: "command line"),
                canSign: token.isOwn,
                lastUsedAt: token.lastUsedAt.map { Format.instant($0, in: timeZone) },
                revokedAt: token.revokedAt.map { Format.instant($0, in: timeZone) },
                revokeAction: token.revokedAt == nil ? "/tokens/\(token.id)/revoke" : nil
            )
        }
        self.forOthers = reader.role == .admin
        self.users =
            self.forOthers ? users.map { SelectOption(value: $0.username, label: "\($0.name) (\($0.username))", selected: $0.id == reader.id) } : []
        self.newSecret = newSecret
        self.errors = errors.byField
        self.errorList = errors.list
    }
}

/// The integrity check of every signature and version against the ledger.
struct VerifyPage: PageModel {
    static let template = Template.verify

    struct Issue: Sendable {
        var agreement: String
        var version: String
        var sideLabel: String
        var problem: String
        var expected: String
        var found: String
    }

    struct HeadCheck: Sendable {
        var hash: String
        var found: Bool
        var seq: String
    }

    var checked: Int
    var checkedVersions: Int
    var checkedEntries: Int
    var intact: Bool
    var headHash: String
    var headSeq: Int64
    /// A head kept outside the database, checked (`?head=`).
    var headCheck: HeadCheck?
    var hasHiddenIssues: Bool
    var hiddenIssues: Int
    var issues: [Issue]

    init(_ report: VerificationReport, messages: Messages) {
        self.checked = report.checkedSignatures
        self.checkedVersions = report.checkedVersions
        self.checkedEntries = report.checkedEntries
        self.intact = report.isIntact
        self.headHash = report.head.hash
        self.headSeq = report.head.seq
        self.headCheck = report.headCheck.map { HeadCheck(hash: $0.hash, found: $0.found, seq: $0.seq.map(String.init) ?? "") }
        self.hasHiddenIssues = report.hiddenIssues > 0
        self.hiddenIssues = report.hiddenIssues
        self.issues = report.issues.map { issue in
            Issue(
                agreement: issue.agreement,
                version: issue.version.map(String.init) ?? "",
                sideLabel: issue.side.map { messages.text("sides.\($0.rawValue)", or: $0.rawValue) } ?? "",
                problem: messages.text("verify.problems.\(issue.code)", or: issue.problem),
                expected: issue.expected ?? "—",
                found: issue.found ?? "—"
            )
        }
    }
}
