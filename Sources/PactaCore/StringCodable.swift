/// A value written as one string in JSON (`"2026-08-10"`, `"08:30"`, `"08:30-13:00"`), parsed strictly.
public protocol StringCodable: Codable, LosslessStringConvertible {
    /// Names the expected form in decoding errors, e.g. `a date YYYY-MM-DD`.
    static var expectedForm: String { get }
}

extension StringCodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not \(Self.expectedForm).")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.description)
    }
}
