import Foundation

/// Text in both of Pacta's languages.
public struct Bilingual: Sendable, Hashable, Codable {
    public var es: String
    public var en: String

    public init(es: String, en: String) {
        self.es = es
        self.en = en
    }
}

/// One attribute of the provider that raters score from 1 (very poor) to 5 (excellent).
public struct SurveyAttribute: Sendable, Hashable, Codable {
    /// Names the attribute in answers and imports (`timeliness`).
    public var key: String
    public var label: Bilingual

    public init(key: String, label: Bilingual) {
        self.key = key
        self.label = label
    }
}

/// What a campaign asks: the attributes rated 1–5, then "how likely are you to recommend this
/// provider to a colleague" 0–10, then a free comment (the last two are always asked).
public struct Questionnaire: Sendable, Hashable, Codable {
    public var attributes: [SurveyAttribute]

    public init(attributes: [SurveyAttribute]) {
        self.attributes = attributes
    }

    /// The attributes of the Mutualista Pichincha model.
    public static let standard = Questionnaire(attributes: [
        SurveyAttribute(key: "timeliness", label: Bilingual(es: "Oportunidad de la atención", en: "Timeliness")),
        SurveyAttribute(key: "quality", label: Bilingual(es: "Calidad de la solución", en: "Quality of the solution")),
        SurveyAttribute(key: "attitude", label: Bilingual(es: "Actitud de servicio", en: "Service attitude")),
        SurveyAttribute(key: "communication", label: Bilingual(es: "Comunicación", en: "Communication")),
        SurveyAttribute(key: "knowledge", label: Bilingual(es: "Conocimiento técnico", en: "Knowledge")),
    ])

    /// At most this many attributes: a survey people finish.
    public static let mostAttributes = 12

    /// Every problem with the questionnaire, at once (fields `attributes[i].key`, `…label.es`).
    public func validate() throws(ValidationError) {
        var validator = Validator()
        if self.attributes.isEmpty {
            validator.fail("attributes", "required", "A questionnaire rates at least one attribute.")
        } else if self.attributes.count > Self.mostAttributes {
            validator.fail("attributes", "too_many", "A questionnaire rates at most \(Self.mostAttributes) attributes.")
        }
        var seen: Set<String> = []
        for (index, attribute) in self.attributes.enumerated() {
            let field = "attributes[\(index)]"
            Code.validate(attribute.key, field: "\(field).key", into: &validator)
            if !seen.insert(attribute.key).inserted {
                validator.fail("\(field).key", "duplicate", "The attribute \(attribute.key) is asked twice.")
            }
            for (language, label) in [("es", attribute.label.es), ("en", attribute.label.en)] {
                let trimmed = label.trimmingCharacters(in: .whitespacesAndNewlines)
                if trimmed.isEmpty {
                    validator.fail("\(field).label.\(language)", "required", "Each attribute is named in Spanish and English.")
                }
                validator.limit(label, 120, "\(field).label.\(language)")
            }
        }
        try validator.finish()
    }
}

/// One rater's answer to one agreement's questionnaire. It names no one: see ``SurveyResponse``.
public struct SurveyAnswer: Sendable, Hashable, Codable {
    /// Attribute key → 1…5; an attribute left out was not rated ("I cannot say").
    public var ratings: [String: Int]
    /// "How likely are you to recommend this provider to a colleague", 0…10: always answered.
    public var recommend: Int
    public var comment: String

    public init(ratings: [String: Int], recommend: Int, comment: String = "") {
        self.ratings = ratings
        self.recommend = recommend
        self.comment = comment
    }

    public static let longestComment = 2000

    /// Every problem with the answer against `questionnaire`, at once (fields `ratings.<key>`,
    /// `recommend`, `comment`).
    public func validate(against questionnaire: Questionnaire) throws(ValidationError) {
        var validator = Validator()
        let keys = Set(questionnaire.attributes.map(\.key))
        for (key, rating) in self.ratings.sorted(by: { $0.key < $1.key }) {
            if !keys.contains(key) {
                validator.fail("ratings.\(key)", "unknown_field", "The questionnaire does not ask about \(key).")
            } else if !(1...5).contains(rating) {
                validator.fail("ratings.\(key)", "out_of_range", "Rate \(key) from 1 to 5.")
            }
        }
        if !(0...10).contains(self.recommend) {
            validator.fail("recommend", "out_of_range", "The recommendation is a score from 0 to 10.")
        }
        validator.limit(self.comment, Self.longestComment, "comment")
        try validator.finish()
    }
}
