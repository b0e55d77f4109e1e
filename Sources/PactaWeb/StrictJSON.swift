import Foundation
import NIOCore
import PactaCore

/// Reads JSON bodies strictly: a field the type does not know, or text holding a NUL, is an
/// error naming it, never silently dropped or cut. (A commitment sent with `"priority"` instead
/// of `"priorities"` would otherwise apply to every priority.)
///
/// Which fields a type knows is learnt from the type itself: the value decoded is encoded again,
/// and every key of the body must be there too. `null` stands for absent and is always accepted.
enum StrictJSON {
    static func decode<Value: Codable>(_ type: Value.Type, from body: ByteBuffer) throws -> Value {
        let data = Data(body.readableBytesView)
        let value: Value
        do {
            value = try PactaJSON.decoder.decode(type, from: data)
        } catch let error as DecodingError {
            throw APIError(error)
        }
        let sent = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        let known = try JSONSerialization.jsonObject(with: PactaJSON.encoder.encode(value), options: [.fragmentsAllowed])
        var issues: [FieldIssue] = []
        Self.compare(sent, with: known, at: "", into: &issues)
        guard issues.isEmpty else { throw ValidationError(issues) }
        return value
    }

    private static func compare(_ sent: Any, with known: Any?, at path: String, into issues: inout [FieldIssue]) {
        switch sent {
        case let text as String where text.utf8.contains(0):
            issues.append(FieldIssue(field: path, code: "nul_byte", message: "\(path.isEmpty ? "The body" : path) contains a NUL character, which Pacta does not take."))
        case let object as [String: Any]:
            let knownObject = known as? [String: Any]
            for key in object.keys.sorted() {
                let field = path.isEmpty ? key : "\(path).\(key)"
                let value = object[key]!
                if key.utf8.contains(0) {
                    issues.append(FieldIssue(field: field, code: "nul_byte", message: "A field name contains a NUL character."))
                } else if let knownObject, knownObject[key] == nil, !(value is NSNull) {
                    issues.append(FieldIssue(field: field, code: "unknown_field", message: "\(field) is not a field Pacta knows here; check its spelling in openapi.yaml."))
                } else {
                    // Where the type encodes a field in another shape (pauses as text), only text is checked below it.
                    Self.compare(value, with: knownObject?[key], at: field, into: &issues)
                }
            }
        case let array as [Any]:
            let knownArray = known as? [Any]
            for (index, element) in array.enumerated() {
                let knownElement = knownArray.flatMap { index < $0.count ? $0[index] : nil }
                Self.compare(element, with: knownElement, at: "\(path)[\(index)]", into: &issues)
            }
        default:
            break
        }
    }
}
