/// Rules for the short codes that identify units, calendars and agreements in URLs, CSV and JSON.
public enum Code {
    /// Longest code accepted.
    public static let maxLength = 40

    /// Checks `code` and records an issue on `field` when it is not a valid code:
    /// 1–40 characters among ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit.
    public static func validate(_ code: String, field: String, into validator: inout Validator) {
        if code.isEmpty {
            validator.fail(field, "required", "A code is required.")
        } else if code.count > Self.maxLength {
            validator.fail(field, "too_long", "A code has at most \(Self.maxLength) characters.")
        } else if !Self.isValid(code) {
            validator.fail(
                field,
                "invalid_code",
                "A code uses only letters, digits, '-', '_' and '.', and starts with a letter or digit."
            )
        }
    }

    /// Whether `code` is a well-formed code.
    public static func isValid(_ code: String) -> Bool {
        guard let first = code.utf8.first, Self.isAlphanumeric(first), code.utf8.count <= Self.maxLength else {
            return false
        }
        return code.utf8.allSatisfy { Self.isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
