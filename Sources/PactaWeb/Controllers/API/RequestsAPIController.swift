import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// `/api/v1/requests`: ticket tools push requests as JSON (one object or an array) or as CSV.
struct RequestsAPIController: Sendable {
    let services: AppServices
    /// Largest JSON body; CSV bodies are streamed and have no limit.
    static let maximumJSONSize = 64 * 1024 * 1024

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.group("requests").add(middleware: RequireRoleMiddleware(Role.editors)).post(use: self.create)
    }

    /// All or nothing unless `?skip_invalid=true`; 200 with the report when written, 422 when not.
    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ImportReport> {
        let skipInvalid = request.uri.queryParameters.get("skip_invalid").map { $0 == "true" || $0 == "1" } ?? false
        let contentType = (request.headers[.contentType] ?? "").lowercased()
        let store = self.services.store
        let report: ImportReport
        if contentType.hasPrefix("text/csv") {
            report = try await store.requests.importCSV(request.body, skipInvalid: skipInvalid, at: self.services.now(), timeZone: self.services.timeZone)
        } else {
            let body = try await request.body.collect(upTo: Self.maximumJSONSize)
            let rows: [RawServiceRequest]
            do {
                if body.readableBytesView.first(where: { !$0.isWhitespace }) == UInt8(ascii: "[") {
                    rows = try PactaJSON.decoder.decode([RawServiceRequest].self, from: Data(body.readableBytesView))
                } else {
                    rows = [try PactaJSON.decoder.decode(RawServiceRequest.self, from: Data(body.readableBytesView))]
                }
            } catch let error as DecodingError {
                throw APIError(error)
            }
            report = try await store.requests.importRows(rows, skipInvalid: skipInvalid, at: self.services.now(), timeZone: self.services.timeZone)
        }
        return EditedResponse(status: report.committed ? .ok : .unprocessableContent, response: report)
    }
}

extension UInt8 {
    fileprivate var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
