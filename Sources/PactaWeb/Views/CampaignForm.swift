import Foundation
import PactaCore
import PactaStore

/// The campaign form as typed: strings kept verbatim for re-display, turned into a draft when
/// they read. Attributes are rows (key, Spanish, English) like an agreement's commitments;
/// guests are lines `UNIT address`.
struct CampaignForm {
    struct Attribute {
        var key = "", es = "", en = ""

        var isBlank: Bool { self.key.isEmpty && self.es.isEmpty && self.en.isEmpty }
    }

    var code = "", title = "", period = "", unit = "", opensOn = "", closesOn = "", reminderDays = "7", guests = ""
    var attributes: [Attribute] = []
    /// The agreements ticked; none ticked rates every eligible one.
    var agreements: Set<String> = []
    /// Posted with "Add an attribute": the form comes back with one more row, nothing saved.
    var addsAttribute = false

    /// Shows a campaign, or the defaults of a new one.
    init(_ campaign: Campaign) {
        self.code = campaign.code
        self.title = campaign.title
        self.period = campaign.period.description
        self.unit = campaign.unit
        self.opensOn = campaign.opensOn.description
        self.closesOn = campaign.closesOn.description
        self.reminderDays = String(campaign.reminderDays)
        self.attributes = campaign.questionnaire.attributes.map { Attribute(key: $0.key, es: $0.label.es, en: $0.label.en) }
        self.agreements = Set(campaign.agreements)
        self.guests = campaign.guests.map { "\($0.unit) \($0.email)" }.joined(separator: "\n")
    }

    /// A new campaign of `unit` for the period of `cadence` holding `today`, answered over the next two weeks.
    init(unit: String, cadence: Cadence, today: LocalDate) {
        let period = Period.containing(today, cadence: cadence)
        self.period = period.description
        self.unit = unit
        self.opensOn = today.description
        self.closesOn = today.adding(days: 14).description
        self.attributes = Questionnaire.standard.attributes.map { Attribute(key: $0.key, es: $0.label.es, en: $0.label.en) }
    }

    /// Reads a posted form.
    init(_ form: FormData) {
        self.addsAttribute = form["add_attribute"] != nil
        self.code = form.text("code")
        self.title = form.text("title")
        self.period = form.text("period")
        self.unit = form.text("unit")
        self.opensOn = form.text("opens_on")
        self.closesOn = form.text("closes_on")
        self.reminderDays = form.text("reminder_days")
        self.guests = form.text("guests")
        var index = 0
        while form["attributes[\(index)].key"] != nil {
            let field = { (name: String) in form.text("attributes[\(index)].\(name)") }
            self.attributes.append(Attribute(key: field("key"), es: field("es"), en: field("en")))
            index += 1
        }
        self.agreements = Set(form.fields.keys.filter { $0.hasPrefix("agreement.") }.map { String($0.dropFirst("agreement.".count)) })
    }

    /// The draft, or every problem with what was typed (the store checks the rest).
    func draft() -> Result<CampaignDraft, ValidationError> {
        var validator = Validator()
        let period = Period(self.period)
        if period == nil { validator.fail("period", "invalid_period", "The period must look like 2026-10 or 2026-Q4.") }
        let opensOn = LocalDate(self.opensOn)
        if opensOn == nil { validator.fail("opens_on", "invalid_date", "Use a date like 2026-01-31.") }
        let closesOn = LocalDate(self.closesOn)
        if closesOn == nil { validator.fail("closes_on", "invalid_date", "Use a date like 2026-01-31.") }
        let reminderDays = Int(self.reminderDays)
        if reminderDays == nil { validator.fail("reminder_days", "invalid_number", "Type a whole number of days.") }
        var guests: [Campaign.Guest] = []
        for (index, line) in self.guests.split(whereSeparator: \.isNewline).enumerated() {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ";" || $0 == "," }).map(String.init)
            guard !parts.isEmpty else { continue }
            guard parts.count == 2 else {
                validator.fail("guests", "invalid_guest", "Line \(index + 1): write the unit's code, then the address (CRED ana@example.com).")
                continue
            }
            guests.append(Campaign.Guest(unit: parts[0], email: parts[1]))
        }
        let attributes = self.attributes.filter { !$0.isBlank }.map {
            SurveyAttribute(key: $0.key, label: Bilingual(es: $0.es, en: $0.en))
        }
        guard let period, let opensOn, let closesOn, let reminderDays else { return .failure(ValidationError(validator.issues)) }
        do { try validator.finish() } catch { return .failure(error) }
        return .success(
            CampaignDraft(
                code: self.code,
                title: self.title,
                period: period,
                unit: self.unit,
                questionnaire: Questionnaire(attributes: attributes),
                opensOn: opensOn,
                closesOn: closesOn,
                reminderDays: reminderDays,
                agreements: self.agreements.isEmpty ? nil : self.agreements.sorted(),
                guests: guests
            )
        )
    }
}
