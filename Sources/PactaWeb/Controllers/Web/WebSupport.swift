import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

extension AppRequestContext {
    /// Makes sure the browser has a session (and so a CSRF token) before a form is shown.
    func ensureSession() {
        if self.sessions.session == nil {
            self.sessions.createSession(WebSession())
        }
    }

    /// Queues a message for the next page.
    func flash(_ key: String, error: Bool = false) {
        self.sessions.withLockedSession { data in
            data?.flash = key
            data?.flashIsError = error
        }
    }

    /// For a browser without a session, the cookie holding the CSRF token of the form about to be
    /// shown (its own, or a new one); nil when it has a session or the cookie already. Looking at
    /// such a form writes nothing to the database.
    mutating func anonymousCSRFCookie(secure: Bool) -> Cookie? {
        guard self.sessions.session == nil, self.anonymousCSRF == nil else { return nil }
        let token = WebSession.makeToken()
        self.anonymousCSRF = token
        return Cookie(name: CSRFMiddleware.cookie(secure: secure), value: token, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// The signed-in user; routes behind ``RequireRoleMiddleware`` always have one.
    var user: User {
        get throws { try self.requireIdentity() }
    }
}

/// A `303 See Other` to `location`, the answer to every successful form post.
func redirect(_ location: String) -> Response {
    Response(status: .seeOther, headers: [.location: location])
}

/// Formats dates and instants for pages.
enum Format {
    /// `2026-11-24 09:30`, wall time in `timeZone`.
    static func instant(_ date: Date, in timeZone: TimeZone) -> String {
        Self.instant(Interval.seconds(date), in: timeZone)
    }

    /// `2026-11-24 09:30` for Unix seconds, wall time in `timeZone`; no formatter per call, as
    /// pages list hundreds of them.
    static func instant(_ seconds: Int64, in timeZone: TimeZone) -> String {
        let local = seconds + Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let minutes = Int(local - days * 86_400) / 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(LocalDate(daysSinceEpoch: Int(days))) \(two(minutes / 60)):\(two(minutes % 60))"
    }

    /// Business seconds as `5 h 07 min`.
    static func duration(_ seconds: Int64) -> String {
        let minutes = seconds / 60
        return "\(minutes / 60) h \(minutes % 60 < 10 ? "0" : "")\(minutes % 60) min"
    }

    /// A number without needless decimals: 8, 2.5, 0.95.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// The badge classes of the style sheet for outcomes and statuses.
enum Badge {
    /// The badge class of an outcome.
    static func of(_ outcome: Outcome) -> String {
        switch outcome {
        case .met: "active"
        case .missed: "terminated"
        case .pending: "pending"
        }
    }

    static func of(_ status: CommitmentStatus) -> String {
        switch status {
        case .met: "active"
        case .notMet: "terminated"
        case .noData: "expired"
        }
    }

}

/// A compliance figure as pages show it: the status in words, its badge class, and the score.
struct ComplianceBadge: Sendable {
    var statusLabel: String
    var statusClass: String
    /// `87,5 %` to one decimal, or `—` without data.
    var score: String

    init(_ status: ComplianceStatus, score: Double?, messages: Messages) {
        self.statusLabel = Self.label(status, messages: messages)
        self.statusClass = Self.cssClass(status)
        self.score = score.map { messages.number(($0 * 10).rounded() / 10) + " %" } ?? "—"
    }

    static func label(_ status: ComplianceStatus, messages: Messages) -> String {
        messages.text("compliance.statuses.\(status.rawValue)", or: status.rawValue)
    }

    /// `compliance-at-risk`.
    static func cssClass(_ status: ComplianceStatus) -> String {
        "compliance-\(status.rawValue.replacingOccurrences(of: "_", with: "-"))"
    }
}

/// Where a list page stands: rows `first`…`last` of `total`, and the links to the pages around it.
struct Pager: Sendable {
    var page: Int
    var pages: Int
    var first: Int
    var last: Int
    var total: Int
    var previousHref: String?
    var nextHref: String?

    /// Page `page` (from 1) of `total` rows, `size` to a page, `shown` of them on this one; nil
    /// when a single page holds them all. `href` gives the address of a page by its number.
    init?(page: Int, size: Int, total: Int, shown: Int, href: (Int) -> String) {
        let pages = (total + size - 1) / size
        guard pages > 1 else { return nil }
        self.page = page
        self.pages = pages
        self.first = (page - 1) * size + 1
        self.last = (page - 1) * size + shown
        self.total = total
        self.previousHref = page > 1 ? href(page - 1) : nil
        self.nextHref = page < pages ? href(page + 1) : nil
    }
}

/// One option of a `<select>` in a page model.
struct SelectOption: Sendable, Hashable {
    var value: String
    var label: String
    var selected: Bool

    init(value: String, label: String, selected: Bool) {
        self.value = value
        self.label = label
        self.selected = selected
    }

    /// A unit, as `Tecnología (TI)`.
    init(unit: OrgUnit, selected: Bool) {
        self.init(value: unit.code, label: "\(unit.name) (\(unit.code))", selected: selected)
    }
}

/// A form's problems, translated: the template reads `errors` (message by field name, as
/// `errors.valid_to`) and `errorList` (the summary at the top, in order).
public struct FormErrors: Sendable {
    public var byField: [String: String] = [:]
    public var list: [FormError] = []

    public init() {}
}

/// One line of a form's error summary: the field's id, its label as the form shows it, the message.
public struct FormError: Sendable, Hashable {
    public var field: String
    public var label: String
    public var message: String
}
