import HTTPTypes
import Hummingbird
import PactaCore
import PactaStore

/// A version's document as stored, byte for byte.
enum CanonicalDocument {
    static func response(_ stored: StoredVersion, code: String, attachment: Bool) -> Response {
        var response = Response.text(stored.text, contentType: "application/json")
        response.headers[HTTPField.Name("X-Pacta-SHA256")!] = stored.sha256
        if attachment {
            response.headers[.contentDisposition] = "attachment; filename=\"\(code)-v\(stored.document.version).json\""
        }
        return response
    }
}
