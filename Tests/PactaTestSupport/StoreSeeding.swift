import Foundation
import PactaCore
import PactaStore

extension Store {
    /// Units TI (provider) and CRED (client) under GG, and the office-hours calendar.
    public func seedOrganisation() async throws {
        try await self.units.create(OrgUnit(code: "GG", name: "Gerencia General"), by: Fixtures.system, at: Fixtures.now)
        try await self.units.create(OrgUnit(code: "TI", name: "Tecnología", parent: "GG"), by: Fixtures.system, at: Fixtures.now)
        try await self.units.create(OrgUnit(code: "CRED", name: "Crédito", parent: "GG"), by: Fixtures.system, at: Fixtures.now)
        try await self.calendars.create(Fixtures.officeHours, owner: nil, by: Fixtures.system, at: Fixtures.now)
    }

    /// The organisation plus TI-CRED (Fixtures.terms), signed by both sides: active through 2026.
    public func seedActiveAgreement() async throws {
        try await self.seedOrganisation()
        try await self.seedSignedAgreement()
    }

    /// TI-CRED (Fixtures.terms), signed by both sides, on an organisation already there.
    public func seedSignedAgreement(_ terms: AgreementTerms = Fixtures.terms()) async throws {
        _ = try await self.agreements.create(code: "TI-CRED", terms: terms, by: Fixtures.signer("ana", unit: "TI"), at: Fixtures.now)
        _ = try await self.agreements.submit("TI-CRED", by: Fixtures.signer("ana", unit: "TI"), at: Fixtures.now, today: Fixtures.today)
        _ = try await self.agreements.signCurrentVersion("TI-CRED", by: Fixtures.signer("ana", unit: "TI"), at: Fixtures.now, today: Fixtures.today)
        _ = try await self.agreements.signCurrentVersion(
            "TI-CRED",
            by: Fixtures.signer("luis", unit: "CRED"),
            at: Fixtures.now,
            today: Fixtures.today
        )
    }
}

extension Fixtures {
    /// Fixtures.terms with a promise to contact detractors (follow-ups, priority NPS) within 16
    /// business hours, for 90 % of them (commitment `NPS`), and a volume of every priority (`V`).
    public static func termsWithFollowUps() -> AgreementTerms {
        var terms = Self.terms()
        terms.commitments.append(
            Commitment(
                key: "NPS",
                name: "Contacto con detractores en 2 días hábiles",
                metric: .firstResponseWithin,
                target: 16 * 3600,
                goal: 0.9,
                calendar: "oficina-uio",
                priorities: [FollowUp.priority]
            )
        )
        terms.commitments.append(Commitment(key: "V", name: "Volumen de solicitudes", metric: .volume, target: 50, direction: .atMost))
        return terms
    }

    /// A September campaign of `unit` as stored, for results built without a database.
    public static func campaign(unit: String, state: CampaignState, agreements: [String] = []) -> Campaign {
        Campaign(
            code: "ENC",
            title: "Encuesta",
            period: Period("2026-09")!,
            unit: unit,
            questionnaire: .standard,
            storedState: state,
            opensOn: LocalDate("2026-09-01")!,
            closesOn: LocalDate("2026-09-30")!,
            reminderDays: 7,
            agreements: agreements,
            guests: [],
            createdBy: "ana",
            createdAt: Fixtures.now
        )
    }
}
