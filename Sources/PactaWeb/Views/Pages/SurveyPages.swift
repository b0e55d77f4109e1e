import Foundation
import PactaCore
import PactaStore

extension Bilingual {
    /// The text in `language`.
    func text(_ language: Language) -> String { language == .english ? self.en : self.es }
}

/// The survey a rater answers: each attribute 1–5 (or "I cannot say"), the 0–10 recommendation,
/// and a comment; what was typed stays when something is missing.
struct SurveyPage: PageModel {
    static let template = Template.survey

    struct Choice: Sendable {
        /// The field's id.
        var id: String
        var value: String
        var label: String
        var selected: Bool
    }

    struct Attribute: Sendable {
        var key: String
        var label: String
        var choices: [Choice]
        var error: String?
    }

    var action: String
    var campaignTitle: String
    var agreementTitle: String
    var providerName: String
    var period: String
    /// `Responda hasta el 2026-09-30`.
    var deadline: String
    var attributes: [Attribute]
    var recommend: [Choice]
    var recommendError: String?
    var comment: String
    var errorList: [FormError]

    /// - Parameter typed: the form as posted, to show again; nil for a new form.
    init(_ form: SurveyForm, action: String, typed: FormData?, errors: FormErrors, language: Language, messages: Messages) {
        self.action = action
        self.campaignTitle = form.campaignTitle
        self.agreementTitle = form.agreementTitle
        self.providerName = form.providerName
        self.period = form.period.description
        self.deadline = messages.text("survey.deadline", or: "{date}").replacingOccurrences(of: "{date}", with: form.closesOn.description)
        let scale = (1...5).map { messages.text("survey.scale.\($0)", or: String($0)) }
        self.attributes = form.questionnaire.attributes.map { attribute in
            let field = "ratings.\(attribute.key)"
            // nil on a new form: nothing chosen yet.
            let chosen = typed?.text(field)
            return Attribute(
                key: attribute.key,
                label: attribute.label.text(language),
                choices: (1...5).map { value in
                    Choice(id: "f-\(attribute.key)-\(value)", value: String(value), label: scale[value - 1], selected: chosen == String(value))
                } + [Choice(id: "f-\(attribute.key)-na", value: "", label: messages.text("survey.cannot_say", or: "—"), selected: chosen == "")],
                error: errors.byField[field]
            )
        }
        let recommended = typed?.text("recommend") ?? ""
        self.recommend = (0...10).map { Choice(id: "f-recommend-\($0)", value: String($0), label: String($0), selected: recommended == String($0)) }
        self.recommendError = errors.byField["recommend"]
        self.comment = typed?.text("comment") ?? ""
        self.errorList = errors.list
    }

    /// Reads the posted form into an answer; what cannot be read becomes an issue of its field.
    static func answer(from form: FormData, questionnaire: Questionnaire) -> Result<SurveyAnswer, ValidationError> {
        var validator = Validator()
        var ratings: [String: Int] = [:]
        for attribute in questionnaire.attributes {
            let text = form.text("ratings.\(attribute.key)")
            guard !text.isEmpty else { continue }
            if let rating = Int(text) {
                ratings[attribute.key] = rating
            } else {
                validator.fail("ratings.\(attribute.key)", "out_of_range", "Rate \(attribute.key) from 1 to 5.")
            }
        }
        let recommend = Int(form.text("recommend"))
        if recommend == nil {
            validator.fail("recommend", "required", "Say how likely you are to recommend the provider, from 0 to 10.")
        }
        let answer = SurveyAnswer(ratings: ratings, recommend: recommend ?? 0, comment: form.text("comment"))
        do {
            try validator.finish()
            try answer.validate(against: questionnaire)
            return .success(answer)
        } catch {
            return .failure(error)
        }
    }
}

/// What a rater sees instead of the survey: thanks, or why it cannot be answered.
struct SurveyOutcomePage: PageModel {
    static let template = Template.surveyOutcome

    var heading: String
    var message: String
    var thanks: Bool
    /// Where a signed-in person goes on: their other pending surveys.
    var nextHref: String?

    init(thanks: Bool, reason: SurveyError.Reason?, signedIn: Bool, messages: Messages) {
        let key = thanks ? "thanks" : reason?.rawValue ?? "unknown_link"
        self.heading = messages.text("survey.outcome.\(key).heading", or: key)
        self.message = messages.text("survey.outcome.\(key).message", or: "")
        self.thanks = thanks
        self.nextHref = signedIn ? "/surveys" : nil
    }
}

/// The signed-in person's surveys still to answer.
struct PendingSurveysPage: PageModel {
    static let template = Template.surveys

    struct Row: Sendable {
        var href: String
        var campaignTitle: String
        var agreement: String
        var agreementTitle: String
        var providerName: String
        var closesOn: String
    }

    var rows: [Row]

    init(_ pending: [PendingSurvey]) {
        self.rows = pending.map {
            Row(
                href: "/surveys/\($0.campaign)/\($0.agreement)",
                campaignTitle: $0.campaignTitle,
                agreement: $0.agreement,
                agreementTitle: $0.agreementTitle,
                providerName: $0.providerName,
                closesOn: $0.closesOn.description
            )
        }
    }
}
