import Foundation
import Hummingbird
import HummingbirdAuth
import Mustache
import PactaCore
import PactaStore

/// The data of one page, built from domain values and the page's language, and testable without
/// HTTP: the template reads its stored properties by name (see `templates/README.md`).
public protocol PageModel: Sendable {
    /// The template that shows it, inside the layout.
    static var template: Template { get }
}

/// Templates that `templates/` lacks: Pacta does not start without them.
public struct MissingTemplates: Error, CustomStringConvertible {
    public var names: [String]
    public var directory: String
    public var description: String {
        "Missing templates in \(self.directory): \(self.names.map { "\($0).mustache" }.joined(separator: ", "))"
    }
}

/// Renders pages: the Mustache library of `templates/`, the messages of both languages,
/// and the layout data every page shares.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let messages: [Language: Messages]

    /// Loads every template and both message files from `directory`; throws ``MissingTemplates``
    /// when a template of ``Template`` is not there or does not parse.
    public init(directory: URL) async throws {
        let library = try await MustacheLibrary(directory: directory.path)
        let missing = Template.allCases.filter { library.getTemplate(named: $0.rawValue) == nil }
        guard missing.isEmpty else { throw MissingTemplates(names: missing.map(\.rawValue), directory: directory.path) }
        self.library = library
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

    /// Renders a page model inside the layout, titled with the message at `titleKey`.
    public func render(
        _ model: some PageModel,
        titleKey: String,
        section: String? = nil,
        request: Request,
        context: AppRequestContext,
        status: HTTPResponse.Status = .ok
    ) -> HTML {
        let title = self.messages(context.language).text(titleKey, or: titleKey)
        return self.render(type(of: model).template, title: title, section: section, page: model, request: request, context: context, status: status)
    }

    /// Renders `template` inside the layout, titled with the message at `titleKey`: for page data
    /// that more than one template shows (``ImportPage``).
    func render(
        _ template: Template,
        titleKey: String,
        section: String? = nil,
        page: some Sendable,
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
    func render(
        _ template: Template,
        title: String,
        section: String? = nil,
        page: some Sendable,
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
            if !context.awaitingSignature.isEmpty {
                data["toSign"] = [
                    "count": context.awaitingSignature.count,
                    "items": context.awaitingSignature.map { ["code": $0.code, "title": $0.title, "href": "/agreements/\($0.code)/sign"] },
                ]
            }
            if !context.pendingSurveys.isEmpty {
                data["toAnswer"] = [
                    "count": context.pendingSurveys.count,
                    "items": context.pendingSurveys.map {
                        ["title": "\($0.providerName) · \($0.agreementTitle)", "href": "/surveys/\($0.campaign)/\($0.agreement)"]
                    },
                ]
            }
            if context.openFollowUps > 0 {
                data["followUps"] = ["count": context.openFollowUps, "href": "/nps/followups?status=open&unit=\(Self.percentEncode(user.unit))"]
            }
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
        // Every template was found at start-up.
        guard let body = self.library.render(data, withTemplate: template.rawValue) else {
            preconditionFailure("template \(template.rawValue) vanished after start-up")
        }
        return HTML(body, status: status)
    }

    /// Translates field issues for forms: a message by field, and the ordered list for the summary
    /// at the top, each naming its field by the label the form shows (`form` is the form's
    /// section of the messages, like `agreement_form`).
    public func fieldErrors(_ issues: [FieldIssue], language: Language, form: String) -> FormErrors {
        let messages = self.messages(language)
        var errors = FormErrors()
        for issue in issues {
            let message = messages.text("errors.\(issue.code)") ?? issue.message
            if errors.byField[issue.field] == nil { errors.byField[issue.field] = message }
            errors.list.append(FormError(field: issue.field, label: Self.label(of: issue.field, form: form, messages: messages), message: message))
        }
        return errors
    }

    /// The label a form shows for `field`: `Meta · Compromiso 2` for `commitments[1].goal`,
    /// the weekday for `hours.monday`, the form's own label otherwise; the field's name when the
    /// form has none.
    static func label(of field: String, form: String, messages: Messages) -> String {
        if let open = field.firstIndex(of: "["), let close = field.firstIndex(of: "]"), open < close,
            let index = Int(field[field.index(after: open)..<close])
        {
            // commitments[1].target (or priorities[2] under it): the row's field, then the row.
            let rest = field[field.index(after: close)...].drop { $0 == "." }.prefix { $0 != "[" && $0 != "." }
            let row = "\(messages.text("\(form).commitment", or: String(field[..<open]))) \(index + 1)"
            return rest.isEmpty ? row : "\(Self.label(of: String(rest), form: form, messages: messages)) · \(row)"
        }
        if field.hasPrefix("hours.") { return messages.text("weekdays.\(field.dropFirst("hours.".count))", or: field) }
        for key in [field, "\(field)_label", "agreement_\(field)"] {
            if let label = messages.text("\(form).\(key)") { return label }
        }
        return field
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
