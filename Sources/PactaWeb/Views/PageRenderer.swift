import Foundation
import Hummingbird
import HummingbirdAuth
import Mustache
import PactaCore
import PactaStore

/// Renders pages: the Mustache library of `templates/`, the messages of both languages,
/// and the layout data every page shares.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let messages: [Language: Messages]

    /// Loads every template and both message files from `directory`.
    public init(directory: URL) async throws {
        self.library = try await MustacheLibrary(directory: directory.path)
        var messages: [Language: Messages] = [:]
        for language in Language.allCases {
            messages[language] = try Messages.load(directory: directory.appendingPathComponent("messages"), language: language)
        }
        self.messages = messages
    }

    /// The texts of `language`.
    public func messages(_ language: Language) -> Messages {
        self.messages[language]!
    }

    /// Renders `template` inside the layout, titled with the message at `titleKey`.
    public func render(
        _ template: String,
        titleKey: String,
        section: String? = nil,
        page: [String: Any],
        request: Request,
        context: AppRequestContext,
        status: HTTPResponse.Status = .ok
    ) -> HTML {
        let title = self.messages(context.language).text(titleKey, or: titleKey)
        return self.render(template, title: title, section: section, page: page, request: request, context: context, status: status)
    }

    /// Renders `template` inside the layout.
    /// - Parameters:
    ///   - title: the page title, already in the page's language (an agreement's title).
    ///   - section: the navigation entry to highlight.
    ///   - page: the page's own data (see templates/README.md).
    public func render(
        _ template: String,
        title: String,
        section: String? = nil,
        page: [String: Any],
        request: Request,
        context: AppRequestContext,
        status: HTTPResponse.Status = .ok
    ) -> HTML {
        let language = context.language
        let messages = self.messages(language)
        let session = context.sessions.session
        var data: [String: Any] = [
            "lang": language.rawValue,
            "t": messages.tree,
            "title": title,
            "page": page,
            "csrf": session?.csrf ?? context.anonymousCSRF ?? "",
            "otherLanguage": [
                "label": language.other.nativeName,
                "href": "/language?set=\(language.other.rawValue)&back=\(Self.percentEncode(request.uri.description))",
            ],
        ]
        if let section { data["section"] = [section: true] }
        if let user = context.identity {
            data["user"] = [
                "name": user.name,
                "username": user.username,
                "roleLabel": messages.text("roles.\(user.role.rawValue)", or: user.role.rawValue),
                "unit": user.unit,
            ]
            data["can"] = [
                "edit": Role.editors.contains(user.role),
                "admin": user.role == .admin,
                "verify": Permissions.verify.contains(user.role),
            ]
        }
        if let flash = session?.flash {
            let isError = session?.flashIsError ?? false
            data["flash"] = ["message": messages.text(flash, or: flash), "success": !isError, "error": isError]
            context.sessions.withLockedSession { data in
                data?.flash = nil
                data?.flashIsError = nil
            }
        }
        let body = self.library.render(data, withTemplate: template) ?? "Template \(template) is missing."
        return HTML(body, status: status)
    }

    /// Translates field issues for forms: a dictionary by field, and the ordered list.
    public func fieldErrors(_ issues: [FieldIssue], language: Language) -> (byField: [String: String], list: [[String: String]]) {
        let messages = self.messages(language)
        var byField: [String: String] = [:]
        var list: [[String: String]] = []
        for issue in issues {
            let message = messages.text("errors.\(issue.code)") ?? issue.message
            if byField[issue.field] == nil { byField[issue.field] = message }
            list.append(["field": issue.field, "message": message])
        }
        return (byField, list)
    }

    static func percentEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/"
    }
}

/// Which roles may use the cross-cutting features.
public enum Permissions {
    /// Signature verification: administrators, managers and management.
    public static let verify: Set<Role> = [.admin, .manager, .viewer]
    /// User and token administration.
    public static let admin: Set<Role> = [.admin]
}
