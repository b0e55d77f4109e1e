import Foundation
import PactaCore

/// Where a campaign is in its life: questions change only while `draft`; answers come in while
/// `open` (and its closing day has not passed); `closed` keeps its results.
public enum CampaignState: String, Sendable, Hashable, Codable, CaseIterable, DatabaseValueConvertible {
    case draft
    case open
    case closed
}

/// A perception survey of one period over a set of agreements (SPEC *campaign*).
public struct Campaign: Sendable, Hashable {
    public var code: String
    public var title: String
    /// A month or a quarter, matching the cadence of its agreements.
    public var period: Period
    /// The unit running it: its agreements are provided by this unit or units below it.
    public var unit: String
    public var questionnaire: Questionnaire
    /// The stored state; see ``state(on:)``.
    public var storedState: CampaignState
    public var opensOn: LocalDate
    /// The last day answers are taken.
    public var closesOn: LocalDate
    /// Days between reminders to those who have not answered.
    public var reminderDays: Int
    /// The agreements rated, by code.
    public var agreements: [String]
    /// E-mail addresses of people without an account, by the client unit they rate for.
    public var guests: [Guest]
    public var createdBy: String
    public var createdAt: Date

    public init(
        code: String,
        title: String,
        period: Period,
        unit: String,
        questionnaire: Questionnaire,
        storedState: CampaignState,
        opensOn: LocalDate,
        closesOn: LocalDate,
        reminderDays: Int,
        agreements: [String],
        guests: [Guest],
        createdBy: String,
        createdAt: Date
    ) {
        self.code = code
        self.title = title
        self.period = period
        self.unit = unit
        self.questionnaire = questionnaire
        self.storedState = storedState
        self.opensOn = opensOn
        self.closesOn = closesOn
        self.reminderDays = reminderDays
        self.agreements = agreements
        self.guests = guests
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public struct Guest: Sendable, Hashable, Codable {
        public var unit: String
        public var email: String

        public init(unit: String, email: String) {
            self.unit = unit
            self.email = email
        }
    }

    /// The state as of `today`: an open campaign past its closing day takes no more answers.
    public func state(on today: LocalDate) -> CampaignState {
        self.storedState == .open && today > self.closesOn ? .closed : self.storedState
    }
}

/// What a manager fills in to create a campaign or change a draft.
public struct CampaignDraft: Sendable, Hashable {
    public var code: String
    public var title: String
    public var period: Period
    public var unit: String
    public var questionnaire: Questionnaire
    public var opensOn: LocalDate
    public var closesOn: LocalDate
    public var reminderDays: Int
    /// The agreements to rate; nil for every one with a soft commitment in force in the period.
    public var agreements: [String]?
    public var guests: [Campaign.Guest]

    public init(
        code: String,
        title: String,
        period: Period,
        unit: String,
        questionnaire: Questionnaire = .standard,
        opensOn: LocalDate,
        closesOn: LocalDate,
        reminderDays: Int = 7,
        agreements: [String]? = nil,
        guests: [Campaign.Guest] = []
    ) {
        self.code = code
        self.title = title
        self.period = period
        self.unit = unit
        self.questionnaire = questionnaire
        self.opensOn = opensOn
        self.closesOn = closesOn
        self.reminderDays = reminderDays
        self.agreements = agreements
        self.guests = guests
    }

    /// Every problem the draft has on its own, at once.
    func validate() throws(ValidationError) {
        var validator = Validator()
        Code.validate(self.code, field: "code", into: &validator)
        if self.title.trimmed.isEmpty { validator.fail("title", "required", "Give the campaign a title.") }
        validator.limit(self.title, TextLimit.name, "title")
        if self.closesOn < self.opensOn {
            validator.fail("closes_on", "ends_before_start", "The campaign closes on or after the day it opens.")
        }
        if !(1...60).contains(self.reminderDays) {
            validator.fail("reminder_days", "out_of_range", "Reminders go out every 1 to 60 days.")
        }
        for (index, guest) in self.guests.enumerated() where !Email.isPlausible(guest.email) {
            validator.fail("guests[\(index)].email", "invalid_email", "'\(guest.email)' is not an e-mail address.")
        }
        do { try self.questionnaire.validate() } catch { validator.absorb(error, prefix: "questionnaire") }
        try validator.finish()
    }
}

/// E-mail addresses as people type them.
public enum Email {
    /// Something, an @, and a domain with a dot: typos caught, nothing clever.
    public static func isPlausible(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, address.unicodeScalars.count <= 254 else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".")
            && !address.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
    }
}

/// An invitation someone has not used yet, as their inbox lists it.
public struct PendingSurvey: Sendable, Hashable {
    public var campaign: String
    public var campaignTitle: String
    public var agreement: String
    public var agreementTitle: String
    public var provider: String
    public var providerName: String
    public var closesOn: LocalDate
}

/// What an answer page shows: the campaign, the agreement rated, and its questions.
public struct SurveyForm: Sendable, Hashable {
    public var campaign: String
    public var campaignTitle: String
    public var period: Period
    public var agreement: String
    public var agreementTitle: String
    public var providerName: String
    public var questionnaire: Questionnaire
    public var closesOn: LocalDate
}

/// A fresh link to an invitation not used yet, for an e-mail or a mail merge.
public struct SurveyLink: Sendable, Hashable {
    public var agreement: String
    public var agreementTitle: String
    public var providerName: String
    /// The person's name, or their address for a guest.
    public var rater: String
    public var email: String?
    /// The secret of the link; only its hash is stored.
    public var token: String
}

/// An invitation or a reminder claimed for sending, with a fresh link.
public struct SurveyMail: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case invitation
        case reminder
    }

    public var invitation: Int64
    public var kind: Kind
    /// When it was claimed: giving the claim back checks it is still this one.
    public var claimedAt: Date
    /// The reminder before this one (or the invitation), to restore when a reminder is given back.
    public var previous: Date?
    public var email: String
    /// The person's name, for a user; nil for a guest.
    public var name: String?
    public var campaignTitle: String
    public var closesOn: LocalDate
    public var agreement: String
    public var agreementTitle: String
    public var providerName: String
    /// The secret of the link; only its hash is stored.
    public var token: String
}

/// Why an answer was not taken.
public struct SurveyError: Error, Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable {
        /// No invitation has this link (or someone else's).
        case unknownLink = "unknown_link"
        /// The invitation was used: each person answers once.
        case alreadyAnswered = "already_answered"
        /// The campaign is closed, or past its closing day.
        case campaignClosed = "campaign_closed"
        /// The campaign has not opened yet.
        case notOpenYet = "not_open_yet"
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}
