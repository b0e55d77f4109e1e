import Foundation
import NIOCore
import PactaCore

/// Reads JSON bodies strictly: a field the type does not know, or text holding a NUL, is an
/// error naming it, never silently dropped or cut. (A commitment sent with `"priority"` instead
/// of `"priorities"` would otherwise apply to every priority.)
///
/// Which fields a type knows is learnt from the type itself. The value decoded is encoded again:
/// a field of the body found there is known. One that is not (left out because it was `null` or
/// empty, or never read) is sent again holding a value no field takes: if the type now fails to
/// decode, it reads that field; if it still decodes, the field is unknown.
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
        var unseen: [[Step]] = []
        Self.compare(sent, with: known, at: [], into: &issues, unseen: &unseen)
        for path in unseen where !Self.isRead(path, by: type, in: sent) {
            let field = Self.name(path)
            issues.append(
                FieldIssue(
                    field: field,
                    code: "unknown_field",
                    message: "\(field) is not a field Pacta knows here; check its spelling in openapi.yaml."
                )
            )
        }
        guard issues.isEmpty else { throw ValidationError(issues.sorted { $0.field < $1.field }) }
        return value
    }

    /// A step into a JSON value: an object's key or an array's index.
    private enum Step {
        case key(String)
        case index(Int)
    }

    /// A value no field of Pacta's takes: `[[[]]]`, an array of arrays of arrays.
    private static var foreign: Any { [[[Any]()] as [Any]] as [Any] }

    private static func compare(_ sent: Any, with known: Any?, at path: [Step], into issues: inout [FieldIssue], unseen: inout [[Step]]) {
        switch sent {
        case let text as String where text.utf8.contains(0):
            let field = Self.name(path)
            issues.append(
                FieldIssue(
                    field: field,
                    code: "nul_byte",
                    message: "\(field.isEmpty ? "The body" : field) contains a NUL character, which Pacta does not take."
                )
            )
        case let object as [String: Any]:
            let knownObject = known as? [String: Any]
            for (key, value) in object {
                let step = path + [.key(key)]
                if key.utf8.contains(0) {
                    issues.append(FieldIssue(field: Self.name(step), code: "nul_byte", message: "A field name contains a NUL character."))
                } else if let knownObject, knownObject[key] == nil {
                    unseen.append(step)
                } else {
                    // Where the type encodes a field in another shape (pauses as text), only text is checked below it.
                    Self.compare(value, with: knownObject?[key], at: step, into: &issues, unseen: &unseen)
                }
            }
        case let array as [Any]:
            let knownArray = known as? [Any]
            for (index, element) in array.enumerated() {
                let knownElement = knownArray.flatMap { index < $0.count ? $0[index] : nil }
                Self.compare(element, with: knownElement, at: path + [.index(index)], into: &issues, unseen: &unseen)
            }
        default:
            break
        }
    }

    /// Whether `Value` reads the field at `path`: with a foreign value there, decoding fails.
    private static func isRead<Value: Decodable>(_ path: [Step], by type: Value.Type, in sent: Any) -> Bool {
        guard
            let probe = try? JSONSerialization.data(
                withJSONObject: Self.replacing(path[...], in: sent, with: Self.foreign),
                options: [.fragmentsAllowed]
            )
        else { return true }
        return (try? PactaJSON.decoder.decode(type, from: probe)) == nil
    }

    private static func replacing(_ path: ArraySlice<Step>, in value: Any, with replacement: Any) -> Any {
        guard let step = path.first else { return replacement }
        switch (step, value) {
        case (.key(let key), var object as [String: Any]):
            object[key] = Self.replacing(path.dropFirst(), in: object[key] ?? NSNull(), with: replacement)
            return object
        case (.index(let index), var array as [Any]) where index < array.count:
            array[index] = Self.replacing(path.dropFirst(), in: array[index], with: replacement)
            return array
        default:
            return value
        }
    }

    /// `commitments[0].priority`, as errors name fields.
    private static func name(_ path: [Step]) -> String {
        var text = ""
        for step in path {
            switch step {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
