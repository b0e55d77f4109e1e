import Foundation
import PactaCore
import PactaStore

/// Puts agreements into words for the agreement pages (templates/README.md).
struct AgreementViews {
    let messages: Messages
    let timeZone: TimeZone

    func stateClass(_ state: AgreementState) -> String {
        switch state {
        case .pendingSignatures: "pending"
        case .signed: "upcoming"
        default: state.rawValue
        }
    }

    /// The state in words; a signed agreement not yet in force says from when it is.
    func stateLabel(_ state: AgreementState, validFrom: LocalDate) -> String {
        let label = self.messages.text("states.\(state.rawValue)", or: state.rawValue)
        return state == .signed ? label.replacingOccurrences(of: "{date}", with: validFrom.description) : label
    }

    /// An agreement's card: its terms, commitments, calendars and signatures in words.
    func card(_ agreement: Agreement, providerName: String, clientName: String) -> AgreementCard {
        let terms = agreement.terms
        return AgreementCard(
            code: agreement.code,
            href: "/agreements/\(agreement.code)",
            title: terms.title,
            summary: terms.summary,
            provider: terms.provider,
            providerName: providerName,
            client: terms.client,
            clientName: clientName,
            validFrom: terms.validFrom.description,
            validTo: terms.validTo.description,
            version: agreement.version,
            sha256: agreement.sha256,
            documentHref: "/agreements/\(agreement.code)/versions/\(agreement.version)/document.json",
            cadenceLabel: self.messages.text("cadences.\(terms.cadence.rawValue)", or: terms.cadence.rawValue),
            commitments: terms.commitments.map { self.commitment($0, calendars: agreement.calendars) },
            calendars: agreement.calendars.map(self.calendar),
            signatures: agreement.signatures.map(self.signature)
        )
    }

    /// A commitment in words, as the agreement's pages list it.
    struct CommitmentView: Sendable {
        var key: String
        var name: String
        var kindLabel: String
        var metricLabel: String
        /// `24 horas hábiles`, `≥ 4,5`.
        var targetLabel: String
        /// `97 %`; empty without a goal.
        var goalLabel: String
        var weight: String
        var calendar: String
        /// The calendar's name as written into the version; its code when it is not there.
        var calendarName: String
        var priorities: String

        /// "97 % · 24 horas hábiles": the share required, then within what.
        var goalAndTarget: String {
            [self.goalLabel, self.targetLabel].filter { !$0.isEmpty }.joined(separator: " · ")
        }
    }

    /// - Parameter calendars: the calendars written into the version, for their names.
    func commitment(_ commitment: Commitment, calendars: [BusinessCalendar] = []) -> CommitmentView {
        let target: String
        if commitment.metric.isBusinessTime {
            target = "\(self.messages.number(commitment.target / 3600)) \(self.messages.text("units.business_hours", or: "business hours"))"
        } else {
            let sign = commitment.effectiveDirection == .atLeast ? "≥" : "≤"
            target = "\(sign) \(self.messages.number(commitment.target))"
        }
        return CommitmentView(
            key: commitment.key,
            name: commitment.name,
            kindLabel: self.messages.text("kinds.\(commitment.kind.rawValue)", or: commitment.kind.rawValue),
            metricLabel: self.messages.text("metrics.\(commitment.metric.rawValue)", or: commitment.metric.rawValue),
            targetLabel: target,
            goalLabel: commitment.goal.map { self.messages.percent($0) } ?? "",
            weight: self.messages.number(commitment.weight),
            calendar: commitment.calendar ?? "",
            calendarName: commitment.calendar.map { code in calendars.first { $0.code == code }?.name ?? code } ?? "",
            priorities: commitment.priorities.joined(separator: ", ")
        )
    }

    /// A calendar written into a version, as its signers read it.
    func calendar(_ calendar: BusinessCalendar) -> AgreementCard.Calendar {
        AgreementCard.Calendar(
            code: calendar.code,
            name: calendar.name,
            timeZone: calendar.timeZone,
            hoursSummary: self.hoursSummary(calendar),
            holidays: calendar.holidays.sorted { $0.date < $1.date }.map { "\($0.date)\($0.name.isEmpty ? "" : " " + $0.name)" }
                .joined(separator: " · ")
        )
    }

    /// `Lun 08:30-13:00, 14:00-17:30 · Mar …`
    func hoursSummary(_ calendar: BusinessCalendar) -> String {
        Weekday.allCases.compactMap { day -> String? in
            let ranges = calendar.hours[day]
            guard !ranges.isEmpty else { return nil }
            let name = self.messages.text("weekdays.\(day.rawValue)", or: day.rawValue)
            return "\(name.prefix(3)) \(ranges.map(\.description).joined(separator: ", "))"
        }.joined(separator: " · ")
    }

    func signature(_ signature: Signature) -> AgreementCard.Signature {
        AgreementCard.Signature(
            sideLabel: self.messages.text("sides.\(signature.side.rawValue)", or: signature.side.rawValue),
            signerName: signature.signerName,
            signer: signature.signer,
            unit: signature.unit,
            signedAt: Format.instant(signature.signedAt, in: self.timeZone),
            sha256Short: String(signature.sha256.prefix(16)) + "…",
            sha256: signature.sha256
        )
    }
}

/// An agreement as its cards and its own pages show it (the `agreement-terms`,
/// `agreement-commitments`, `agreement-calendars` and `agreement-signatures` partials).
struct AgreementCard: Sendable {
    struct Calendar: Sendable {
        var code: String
        var name: String
        var timeZone: String
        var hoursSummary: String
        /// `2026-08-10 Primer Grito de Independencia · …`
        var holidays: String
    }

    struct Signature: Sendable {
        var sideLabel: String
        var signerName: String
        var signer: String
        var unit: String
        var signedAt: String
        var sha256Short: String
        var sha256: String
    }

    var code: String
    var href: String
    var title: String
    var summary: String
    var provider: String
    var providerName: String
    var client: String
    var clientName: String
    var validFrom: String
    var validTo: String
    var version: Int
    /// The hash of the version shown.
    var sha256: String
    /// Its canonical document, as stored and signed.
    var documentHref: String
    var cadenceLabel: String
    var commitments: [AgreementViews.CommitmentView]
    /// The calendars written into the version.
    var calendars: [Calendar]
    var signatures: [Signature]
}
