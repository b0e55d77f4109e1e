/// What the two units agree on in one version of an agreement.
public struct AgreementTerms: Sendable, Hashable, Codable {
    public var title: String
    /// Code of the unit that provides the service.
    public var provider: String
    /// Code of the unit that consumes it.
    public var client: String
    /// First day the agreement is in force.
    public var validFrom: LocalDate
    /// Last day the agreement is in force; it expires the day after.
    public var validTo: LocalDate
    public var cadence: Cadence
    /// Scope of the service, in the parties' words.
    public var summary: String
    public var commitments: [Commitment]

    public init(
        title: String,
        provider: String,
        client: String,
        validFrom: LocalDate,
        validTo: LocalDate,
        cadence: Cadence = .monthly,
        summary: String = "",
        commitments: [Commitment] = []
    ) {
        self.title = title
        self.provider = provider
        self.client = client
        self.validFrom = validFrom
        self.validTo = validTo
        self.cadence = cadence
        self.summary = summary
        self.commitments = commitments
    }

    /// Checks every rule that needs no other record; references (units, calendars) are the store's job.
    public func validate() throws(ValidationError) {
        var validator = Validator()
        validator.check(!self.title.trimmed.isEmpty, "title", "required", "A title is required.")
        validator.limit(self.title, TextLimit.name, "title")
        validator.limit(self.summary, TextLimit.text, "summary")
        Code.validate(self.provider, field: "provider", into: &validator)
        Code.validate(self.client, field: "client", into: &validator)
        if !self.provider.isEmpty, self.provider == self.client {
            validator.fail("client", "same_unit", "Provider and client must be different units.")
        }
        validator.check(
            self.validFrom <= self.validTo,
            "valid_to",
            "ends_before_start",
            "The agreement cannot end (\(self.validTo)) before it starts (\(self.validFrom))."
        )
        var keys = Set<String>()
        for (index, commitment) in self.commitments.enumerated() {
            var inner = Validator()
            commitment.validate(into: &inner)
            if !commitment.key.isEmpty, !keys.insert(commitment.key).inserted {
                inner.fail("key", "duplicate", "Commitment key '\(commitment.key)' is used twice.")
            }
            validator.absorb(ValidationError(inner.issues), prefix: "commitments[\(index)]")
        }
        try validator.finish()
    }

    /// Codes of the calendars the commitments refer to.
    public var calendarCodes: Set<String> {
        Set(self.commitments.compactMap(\.calendar).filter { !$0.isEmpty })
    }
}

extension AgreementTerms {
    /// Reads terms; the cadence defaults to monthly, the summary to empty, and commitments
    /// without a key get `C1`, `C2`… by position.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var commitments = try container.decodeIfPresent([Commitment].self, forKey: .commitments) ?? []
        for index in commitments.indices where commitments[index].key.isEmpty {
            commitments[index].key = "C\(index + 1)"
        }
        self.init(
            title: try container.decode(String.self, forKey: .title),
            provider: try container.decode(String.self, forKey: .provider),
            client: try container.decode(String.self, forKey: .client),
            validFrom: try container.decode(LocalDate.self, forKey: .validFrom),
            validTo: try container.decode(LocalDate.self, forKey: .validTo),
            cadence: try container.decodeIfPresent(Cadence.self, forKey: .cadence) ?? .monthly,
            summary: try container.decodeIfPresent(String.self, forKey: .summary) ?? "",
            commitments: commitments
        )
    }
}
