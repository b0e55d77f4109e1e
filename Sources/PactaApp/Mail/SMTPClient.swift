import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where and how mail leaves Pacta: `SMTP_URL` (`smtp://user:password@relay:587`, or `smtps://`
/// for TLS from the first byte) and the sender's address (`SMTP_FROM`).
///
/// With `smtp://`, Pacta upgrades the connection with STARTTLS whenever the relay offers it, and
/// refuses to send without it unless the URL says `?starttls=never` (a relay on loopback) —
/// credentials and links never cross the network in clear text by accident.
public struct SMTPSettings: Sendable, Hashable {
    public enum Security: String, Sendable, Hashable {
        /// TLS from the first byte (`smtps://`, usually port 465).
        case tls
        /// STARTTLS, required (`smtp://`, the default).
        case startTLS = "required"
        /// Plain text: only for a relay on the same machine or network (`?starttls=never`).
        case none = "never"
    }

    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var security: Security
    /// The sender, as `Pacta <pacta@example.com>` or a bare address.
    public var from: String
    /// Whether the relay's certificate is checked (`?verify=false` for a relay with a self-signed one).
    public var verifyCertificate: Bool

    /// Reads `url`; nil when it is not an SMTP URL.
    public init?(url: String, from: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps",
            let host = components.host, !host.isEmpty
        else { return nil }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        self.host = host
        self.security = scheme == "smtps" ? .tls : Security(rawValue: query["starttls"] ?? "required") ?? .startTLS
        self.port = components.port ?? (scheme == "smtps" ? 465 : 587)
        self.username = components.user?.removingPercentEncoding
        self.password = components.password?.removingPercentEncoding
        self.from = from
        self.verifyCertificate = query["verify"] != "false"
    }

    /// The name the relay's certificate is checked against and sent for SNI; nil for an IP address.
    var serverHostname: String? {
        (try? SocketAddress(ipAddress: self.host, port: 0)) == nil ? self.host : nil
    }

    /// The bare address of ``from``, for the envelope.
    var fromAddress: String {
        guard let open = self.from.lastIndex(of: "<"), let close = self.from.lastIndex(of: ">"), open < close else { return self.from }
        return String(self.from[self.from.index(after: open)..<close])
    }
}

/// One message: plain text, UTF-8.
public struct MailMessage: Sendable, Hashable {
    public var to: String
    public var subject: String
    public var body: String

    public init(to: String, subject: String, body: String) {
        self.to = to
        self.subject = subject
        self.body = body
    }
}

/// Why a message was not sent, and whether it may have been anyway.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The relay may have accepted the message (the connection broke after it was sent): sending
    /// it again could deliver it twice.
    public var mayHaveBeenSent: Bool

    public var description: String { self.message }
}

/// A small SMTP client on SwiftNIO (RFC 5321): one connection per batch of messages, STARTTLS
/// or implicit TLS, AUTH PLAIN, and dot-stuffed 8-bit MIME bodies.
public struct SMTPClient: Sendable {
    public let settings: SMTPSettings
    let eventLoopGroup: any EventLoopGroup

    public init(settings: SMTPSettings, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.eventLoopGroup = eventLoopGroup
    }

    /// Sends `messages` over one connection, calling `sent` after each one the relay accepted.
    /// - Returns: the error of each message that was not accepted, by index.
    public func send(_ messages: [MailMessage], sent: @Sendable (Int) async throws -> Void = { _ in }) async throws -> [Int: SMTPError] {
        guard !messages.isEmpty else { return [:] }
        let connection = try await Connection.open(self.settings, group: self.eventLoopGroup)
        var failures: [Int: SMTPError] = [:]
        do {
            try await connection.hello(self.settings)
            for (index, message) in messages.enumerated() {
                do {
                    try await connection.deliver(message, settings: self.settings)
                    try await sent(index)
                } catch let error as SMTPError {
                    failures[index] = error
                    if error.mayHaveBeenSent { break }
                    try await connection.command("RSET", expect: 250)
                }
            }
            _ = try? await connection.command("QUIT", expect: 221)
        } catch {
            try? await connection.channel.close()
            throw error
        }
        try? await connection.channel.close()
        return failures
    }

    /// The headers and body of `message` as sent, lines ending in CRLF, dot-stuffed.
    static func wire(_ message: MailMessage, from: String, date: Date = Date(), id: String = UUID().uuidString) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let domain = from.split(separator: "@").last.map { String($0.prefix { $0 != ">" }) } ?? "pacta.invalid"
        let headers = [
            "From: \(Self.header(from))", "To: \(message.to)", "Subject: \(Self.header(message.subject))", "Date: \(formatter.string(from: date))",
            "Message-ID: <\(id)@\(domain)>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
        ]
        let body = message.body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix(".") ? "." + line : String(line)
        }
        return (headers + [""] + body).joined(separator: "\r\n") + "\r\n"
    }

    /// A header value: as is in ASCII, RFC 2047 base64 words otherwise.
    static func header(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy(\.isASCII) else { return text }
        return "=?utf-8?B?\(Data(text.utf8).base64EncodedString())?="
    }
}

extension SMTPClient {
    /// One SMTP conversation: commands written, replies read in order.
    final class Connection: Sendable {
        let channel: any Channel
        let replies: ReplyReader

        private init(channel: any Channel, replies: ReplyReader) {
            self.channel = channel
            self.replies = replies
        }

        static func open(_ settings: SMTPSettings, group: any EventLoopGroup) async throws -> Connection {
            let replies = ReplyReader()
            let tls = try Self.tlsContext(settings)
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if settings.security == .tls {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: settings.serverHostname))
                        }
                        try channel.pipeline.syncOperations.addHandler(ReplyHandler(reader: replies))
                    }
                }
                .connect(host: settings.host, port: settings.port)
                .get()
            let connection = Connection(channel: channel, replies: replies)
            try await connection.expect(220, after: "connecting")
            return connection
        }

        static func tlsContext(_ settings: SMTPSettings) throws -> NIOSSLContext {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if !settings.verifyCertificate { configuration.certificateVerification = .none }
            return try NIOSSLContext(configuration: configuration)
        }

        /// EHLO, STARTTLS and EHLO again when asked for, then AUTH PLAIN with credentials.
        func hello(_ settings: SMTPSettings) async throws {
            var features = try await self.command("EHLO pacta", expect: 250).lines
            if settings.security == .startTLS {
                guard features.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw SMTPError(
                        message: "The relay \(settings.host) does not offer STARTTLS; add ?starttls=never to SMTP_URL to send in clear text.",
                        mayHaveBeenSent: false
                    )
                }
                try await self.command("STARTTLS", expect: 220)
                let context = try Self.tlsContext(settings)
                let channel = self.channel
                try await channel.eventLoop.submit {
                    let handler = try NIOSSLClientHandler(context: context, serverHostname: settings.serverHostname)
                    try channel.pipeline.syncOperations.addHandler(handler, position: .first)
                }.get()
                features = try await self.command("EHLO pacta", expect: 250).lines
            }
            if let username = settings.username {
                guard features.contains(where: { $0.uppercased().hasPrefix("AUTH") && $0.uppercased().contains("PLAIN") }) else {
                    throw SMTPError(message: "The relay \(settings.host) does not take AUTH PLAIN.", mayHaveBeenSent: false)
                }
                let token = Data("\0\(username)\0\(settings.password ?? "")".utf8).base64EncodedString()
                try await self.command("AUTH PLAIN \(token)", expect: 235, shown: "AUTH PLAIN …")
            }
        }

        func deliver(_ message: MailMessage, settings: SMTPSettings) async throws {
            try await self.command("MAIL FROM:<\(settings.fromAddress)>", expect: 250)
            try await self.command("RCPT TO:<\(message.to)>", expect: 250, 251)
            try await self.command("DATA", expect: 354)
            do {
                try await self.write(SMTPClient.wire(message, from: settings.from) + ".\r\n")
                try await self.expect(250, after: "the message")
            } catch let error as SMTPError {
                throw error
            } catch {
                // Written, with no answer: the relay may have taken it.
                throw SMTPError(message: "The connection broke after sending the message: \(error)", mayHaveBeenSent: true)
            }
        }

        @discardableResult
        func command(_ line: String, expect codes: Int..., shown: String? = nil) async throws -> Reply {
            try await self.write(line + "\r\n")
            return try await self.expect(codes, after: shown ?? line)
        }

        private func write(_ text: String) async throws {
            try await self.channel.writeAndFlush(ByteBuffer(string: text))
        }

        @discardableResult
        private func expect(_ codes: Int..., after what: String) async throws -> Reply {
            try await self.expect(codes, after: what)
        }

        private func expect(_ codes: [Int], after what: String) async throws -> Reply {
            let reply = try await self.replies.next(on: self.channel.eventLoop)
            guard codes.contains(reply.code) else {
                throw SMTPError(message: "The relay answered \(reply.code) \(reply.lines.joined(separator: " ")) to \(what).", mayHaveBeenSent: false)
            }
            return reply
        }
    }

    /// A reply: its code and the text of its lines.
    struct Reply: Sendable {
        var code: Int
        var lines: [String]
    }

    /// Hands replies to whoever waits for them, in order; lives on the channel's event loop.
    final class ReplyReader: @unchecked Sendable {
        // Touched only on the channel's event loop.
        private var ready: [Result<Reply, any Error>] = []
        private var waiting: [EventLoopPromise<Reply>] = []

        func next(on loop: any EventLoop) async throws -> Reply {
            try await loop.flatSubmit { () -> EventLoopFuture<Reply> in
                if !self.ready.isEmpty { return loop.makeCompletedFuture(self.ready.removeFirst()) }
                let promise = loop.makePromise(of: Reply.self)
                self.waiting.append(promise)
                return promise.futureResult
            }.get()
        }

        func deliver(_ result: Result<Reply, any Error>) {
            if self.waiting.isEmpty {
                self.ready.append(result)
            } else {
                self.waiting.removeFirst().completeWith(result)
            }
        }
    }

    /// Splits what the relay sends into replies (`250-first`, `250 last`).
    final class ReplyHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let reader: ReplyReader
        private var pending = ""
        private var lines: [String] = []

        init(reader: ReplyReader) {
            self.reader = reader
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = self.unwrapInboundIn(data)
            self.pending += buffer.readString(length: buffer.readableBytes) ?? ""
            while let end = self.pending.range(of: "\r\n") {
                let line = String(self.pending[..<end.lowerBound])
                self.pending.removeSubrange(..<end.upperBound)
                guard line.count >= 3, let code = Int(line.prefix(3)) else {
                    self.reader.deliver(.failure(SMTPError(message: "The relay sent '\(line)', not a reply.", mayHaveBeenSent: false)))
                    continue
                }
                self.lines.append(String(line.dropFirst(4)))
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " {
                    self.reader.deliver(.success(Reply(code: code, lines: self.lines)))
                    self.lines = []
                }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.reader.deliver(.failure(SMTPError(message: "The relay closed the connection.", mayHaveBeenSent: false)))
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.reader.deliver(.failure(error))
            context.close(promise: nil)
        }
    }
}
