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

    /// The signed-in user; routes behind ``RequireRoleMiddleware`` always have one.
    var user: User {
        get throws { try self.requireIdentity() }
    }
}

/// A `303 See Other` to `location`, the answer to every successful form post.
func redirect(_ location: String) -> Response {
    Response(status: .seeOther, headers: [.location: location])
}

/// Options of a `<select>`.
func options<Value>(_ values: [Value], selected: (Value) -> Bool, _ describe: (Value) -> [String: Any]) -> [[String: Any]] {
    values.map { value in
        var option = describe(value)
        option["selected"] = selected(value)
        return option
    }
}

/// Formats dates and instants for pages.
enum Format {
    static func instant(_ date: Date, in timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// A number without needless decimals: 8, 2.5, 0.95.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
