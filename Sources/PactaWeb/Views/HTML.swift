import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// A rendered HTML page.
public struct HTML: ResponseGenerator, Sendable {
    public var body: String
    public var status: HTTPResponse.Status

    public init(_ body: String, status: HTTPResponse.Status = .ok) {
        self.body = body
        self.status = status
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: self.status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: self.body))
        )
    }
}
