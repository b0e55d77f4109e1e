/// An organisational unit: IT, accounting, a branch network… Provider in one agreement, client in another.
public struct OrgUnit: Sendable, Hashable, Codable {
    /// Stable identifier used in URLs, CSV and the API; never changes once created.
    public var code: String
    /// Display name, e.g. "Tecnología de la Información".
    public var name: String
    /// Code of the unit this one belongs to, if any.
    @Nullable public var parent: String?

    /// An empty `parent` means none, as a form's empty choice does.
    public init(code: String, name: String, parent: String? = nil) {
        self.code = code
        self.name = name
        self.parent = parent?.isEmpty == true ? nil : parent
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            code: try container.decode(String.self, forKey: .code),
            name: try container.decode(String.self, forKey: .name),
            parent: try container.decodeIfPresent(String.self, forKey: .parent)
        )
    }

    /// Checks the fields that can be checked without looking at other units.
    public func validate() throws(ValidationError) {
        var validator = Validator()
        Code.validate(self.code, field: "code", into: &validator)
        validator.check(!self.name.trimmed.isEmpty, "name", "required", "A name is required.")
        validator.limit(self.name, TextLimit.name, "name")
        if let parent = self.parent {
            validator.check(parent != self.code, "parent", "parent_is_self", "A unit cannot be its own parent.")
        }
        try validator.finish()
    }
}

extension String {
    /// The string without leading and trailing whitespace.
    package var trimmed: String {
        // Most values have nothing to trim: when both ends are visible ASCII, say so without
        // walking characters (imports ask this of millions of fields).
        if let first = self.utf8.first, let last = self.utf8.last, 0x21...0x7E ~= first, 0x21...0x7E ~= last {
            return self
        }
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
