import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// The request context of every Pacta route: who is asking, their session and language.
public struct AppRequestContext: AuthRequestContext, SessionRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in user (session) or the owner of the API token.
    public var identity: User?
    /// The agreements waiting for the signed-in person's signature, shown in the navigation.
    public var awaitingSignature: [AwaitingSignature] = []
    /// The surveys the signed-in person has not answered yet, shown in the navigation.
    public var pendingSurveys: [PendingSurvey] = []
    /// Open detractor follow-ups of a manager's unit (and the units below it), shown in the navigation.
    public var openFollowUps = 0
    /// How the user reached Pacta: their session, or an API token (set by ``BearerTokenMiddleware``).
    public var channel: Actor.Channel
    /// The CSRF token of a browser without a session, from its cookie (the sign-in form).
    public var anonymousCSRF: String?
    /// The address of the peer that sent the request (a proxy's, behind one).
    public let peerAddress: String?
    public let sessions: SessionContext<WebSession>
    /// The language pages are rendered in.
    public var language: Language
    /// The posted form, parsed and CSRF-checked by ``CSRFMiddleware``.
    public var form: FormData

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.channel = .web
        self.anonymousCSRF = nil
        self.peerAddress = source.channel.remoteAddress?.ipAddress
        self.sessions = .init()
        self.language = .spanish
        self.form = FormData()
    }

    /// JSON bodies use Pacta's conventions: snake_case keys, ISO 8601 instants.
    public var requestDecoder: JSONDecoder { PactaJSON.decoder }
    public var responseEncoder: JSONEncoder { PactaJSON.encoder }
}

/// What a browser session remembers between requests.
public struct WebSession: Codable, Sendable, Equatable {
    /// The signed-in user, absent before login.
    public var userID: Int64?
    /// The token every form must send back (`_csrf`).
    public var csrf: String
    /// The user's session epoch at sign-in: a password change since ends the session.
    public var epoch: Int?
    /// A message key to show once on the next page (`flash.unit_saved`), and whether it reports a failure.
    public var flash: String?
    public var flashIsError: Bool?

    public init(userID: Int64? = nil, epoch: Int? = nil) {
        self.userID = userID
        self.epoch = epoch
        self.csrf = Self.makeToken()
    }

    /// 32 random bytes as hex.
    public static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }
}

extension AppRequestContext {
    /// The client's address: the peer's, or, behind a proxy Pacta is told to trust, the last
    /// address that proxy added to `X-Forwarded-For`.
    func clientAddress(_ request: Request, trustingProxy: Bool) -> String {
        if trustingProxy, let forwarded = request.headers[.xForwardedFor]?.split(separator: ",").last {
            return forwarded.trimmingCharacters(in: CharacterSet.whitespaces)
        }
        return self.peerAddress ?? "unknown"
    }

    /// The signed-in user acting through this request; routes behind ``RequireRoleMiddleware`` always have one.
    var actor: Actor {
        get throws { try self.requireIdentity().actor(self.channel) }
    }

    /// The provider and reference of a request's path, percent-decoded (the router leaves them
    /// as sent); a key no request can have is not found.
    func requestKey() throws -> (provider: String, ref: String) {
        let provider = try self.parameters.require("provider")
        let ref = try self.parameters.require("ref")
        guard let decodedProvider = provider.removingPercentEncoding, let decodedRef = ref.removingPercentEncoding,
            decodedRef.count <= 200, !decodedRef.contains("\0"), !decodedProvider.contains("\0")
        else { throw NotFoundError("request", ref) }
        return (decodedProvider, decodedRef)
    }
}
