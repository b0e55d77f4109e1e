import Foundation

/// Any JSON text as a value, so it can be re-serialized canonically whatever type produced it.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Bool is tried before Double so that `true` stays a literal and `1` stays a number.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Mirrors `init(from:)` so a value round-trips through any JSON coder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let bool): try container.encode(bool)
        case .number(let number): try container.encode(number)
        case .string(let string): try container.encode(string)
        case .array(let array): try container.encode(array)
        case .object(let object): try container.encode(object)
        }
    }
}

/// RFC 8785 (JCS) serialization: the same value always yields the same bytes, so they can be hashed and signed.
public enum CanonicalJSON {
    /// A value that has no canonical form, such as a non-finite number.
    public struct Error: Swift.Error, Sendable, Hashable {
        /// Why the value was refused.
        public var message: String

        /// Public so callers can compare against a specific refusal.
        public init(_ message: String) {
            self.message = message
        }
    }

    /// The RFC 8785 form of `value` as UTF-8; throws only for NaN and infinities, which JSON can't carry.
    public static func serialize(_ value: JSONValue) throws(CanonicalJSON.Error) -> [UInt8] {
        var output: [UInt8] = []
        try self.write(value, into: &output)
        return output
    }

    /// Canonicalizes whatever `encoder` makes of `value`, so its strategies (dates, keys, …) still apply.
    public static func serialize<T: Encodable>(_ value: T, encoder: JSONEncoder) throws -> [UInt8] {
        let data = try encoder.encode(value)
        return try self.serialize(JSONDecoder().decode(JSONValue.self, from: data))
    }

    private static func write(_ value: JSONValue, into output: inout [UInt8]) throws(CanonicalJSON.Error) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let bool):
            output.append(contentsOf: (bool ? "true" : "false").utf8)
        case .number(let number):
            try self.writeNumber(number, into: &output)
        case .string(let string):
            self.writeString(string, into: &output)
        case .array(let array):
            output.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                try self.write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            // RFC 8785 §3.2.3 orders by UTF-16 code units, which differs from Swift's String ordering.
            let keys = object.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            output.append(UInt8(ascii: "{"))
            for (index, key) in keys.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                self.writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                try self.write(object[key]!, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `string` as a JSON string, escaped as RFC 8785 asks (only what must be).
    public static func writeString(_ string: String, into output: inout [UInt8]) {
        // Every byte that needs escaping is ASCII, and ASCII bytes never occur inside a multi-byte UTF-8 sequence.
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
            case 0x08: output.append(contentsOf: #"\b"#.utf8)
            case 0x09: output.append(contentsOf: #"\t"#.utf8)
            case 0x0A: output.append(contentsOf: #"\n"#.utf8)
            case 0x0C: output.append(contentsOf: #"\f"#.utf8)
            case 0x0D: output.append(contentsOf: #"\r"#.utf8)
            case 0x00..<0x20:
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(self.hexDigits[Int(byte >> 4)])
                output.append(self.hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// ECMAScript's Number::toString, fed with the shortest round-trip digits Swift's `description` already finds.
    private static func writeNumber(_ number: Double, into output: inout [UInt8]) throws(CanonicalJSON.Error) {
        guard number.isFinite else { throw Error("NaN and Infinity have no JSON form") }
        if number == 0 {  // -0 too: ECMAScript prints both as "0".
            output.append(UInt8(ascii: "0"))
            return
        }
        // Only the digits and exponent of `description` are used; its layout ("1e-05", "2.0") is not ECMAScript's.
        var digits: [UInt8] = []
        var pointPosition: Int?
        var exponent = 0
        var text = Substring(number.magnitude.description)
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = text[..<e]
        }
        for character in text.utf8 {
            if character == UInt8(ascii: ".") {
                pointPosition = digits.count
            } else {
                digits.append(character)
            }
        }
        // value = 0.d1d2…dk × 10^n, as ECMAScript's algorithm states it.
        var n = (pointPosition ?? digits.count) + exponent
        let leadingZeros = digits.prefix { $0 == UInt8(ascii: "0") }.count
        digits.removeFirst(leadingZeros)
        n -= leadingZeros
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        let k = digits.count

        if number < 0 { output.append(UInt8(ascii: "-")) }
        if k <= n && n <= 21 {
            output.append(contentsOf: digits)
            output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: n - k))
        } else if 0 < n && n <= 21 {
            output.append(contentsOf: digits[..<n])
            output.append(UInt8(ascii: "."))
            output.append(contentsOf: digits[n...])
        } else if -6 < n && n <= 0 {
            output.append(contentsOf: "0.".utf8)
            output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -n))
            output.append(contentsOf: digits)
        } else {
            output.append(digits[0])
            if k > 1 {
                output.append(UInt8(ascii: "."))
                output.append(contentsOf: digits[1...])
            }
            output.append(contentsOf: (n - 1 < 0 ? "e-" : "e+").utf8)
            output.append(contentsOf: String((n - 1).magnitude).utf8)
        }
    }
}
