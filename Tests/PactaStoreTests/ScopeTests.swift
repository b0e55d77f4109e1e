import Foundation
import Logging
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

/// Each unit acts only on its own data and the units below it: what a manager of another unit
/// tries is refused, and nothing changes.
@Suite struct ScopeTests {
    let now = Fixtures.now
    let today = Fixtures.today
    /// A manager of TI, provider of TI-CRED.
    let ana = Fixtures.signer("ana", unit: "TI")
    /// A manager of TH, which provides TH-CC to the contact centre.
    let rosa = Fixtures.signer("rosa", unit: "TH")
    /// A manager of GG, above every unit.
    let gerente = Fixtures.signer("gerente", unit: "GG")

    /// TI-CRED active; TH-CC active; TH-DRAFT a draft of TH with CC; units TH and CC under GG,
    /// TH-SUB under TH; a calendar kept by TH.
    func seed(_ store: Store) async throws {
        try await store.seedActiveAgreement()
        for unit in [
            OrgUnit(code: "TH", name: "Talento Humano", parent: "GG"), OrgUnit(code: "CC", name: "Centro de Contacto", parent: "GG"),
            OrgUnit(code: "TH-SUB", name: "Selección", parent: "TH"),
        ] {
            try await store.units.create(unit, by: Fixtures.system, at: self.now)
        }
        var calendar = Fixtures.officeHours
        calendar.code = "th-horario"
        try await store.calendars.create(calendar, owner: "TH", by: self.rosa, at: self.now)
        for code in ["TH-CC", "TH-DRAFT"] {
            _ = try await store.agreements.create(
                code: code,
                terms: Fixtures.terms(provider: "TH", client: "CC", title: code),
                by: self.rosa,
                at: self.now
            )
        }
        _ = try await store.agreements.submit("TH-CC", by: self.rosa, at: self.now, today: self.today)
        try await store.agreements.signCurrentVersion("TH-CC", by: self.rosa, at: self.now, today: self.today)
        try await store.agreements.signCurrentVersion(
            "TH-CC",
            by: Fixtures.signer("carla", unit: "CC", role: .rater),
            at: self.now,
            today: self.today
        )
    }

    @Test(arguments: TestDatabase.available)
    func aManagerCannotChangeOrTakeOverAnotherUnitsAgreement(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await self.seed(store)
            let ledger = try await store.ledger.entries().count
            // Rewriting TH-CC with TI as a party: out of scope, as it is not TI's to begin with.
            await #expect(throws: ScopeError.self) {
                try await store.agreements.revise(
                    "TH-CC",
                    terms: Fixtures.terms(provider: "TI", client: "CC"),
                    by: self.ana,
                    at: self.now,
                    today: self.today
                )
            }
            await #expect(throws: ScopeError.self) {
                try await store.agreements.terminate("TH-CC", reason: "Mío", by: self.ana, at: self.now, today: self.today)
            }
            // Another unit's draft does not exist for them.
            for attempt in [
                { try await store.agreements.submit("TH-DRAFT", by: self.ana, at: self.now, today: self.today) },
                {
                    try await store.agreements.revise(
                        "TH-DRAFT",
                        terms: Fixtures.terms(provider: "TI", client: "CC"),
                        by: self.ana,
                        at: self.now,
                        today: self.today
                    ).agreement
                },
            ] as [@Sendable () async throws -> Agreement] {
                await #expect(throws: NotFoundError("agreement", "TH-DRAFT")) { try await attempt() }
            }
            #expect(try await store.agreements.get("TH-DRAFT", visibleTo: self.ana) == nil)
            // Creating an agreement between two other units.
            await #expect(throws: ScopeError.self) {
                try await store.agreements.create(code: "X", terms: Fixtures.terms(provider: "TH", client: "CC"), by: self.ana, at: self.now)
            }
            // Their own agreement cannot be handed to other units, nor change parties once signed.
            await #expect(throws: ScopeError.self) {
                try await store.agreements.revise(
                    "TI-CRED",
                    terms: Fixtures.terms(provider: "TH", client: "CC"),
                    by: self.ana,
                    at: self.now,
                    today: self.today
                )
            }
            let fixed = try await #require(throws: AgreementError.self) {
                try await store.agreements.revise(
                    "TI-CRED",
                    terms: Fixtures.terms(provider: "TI", client: "CC"),
                    by: self.ana,
                    at: self.now,
                    today: self.today
                )
            }
            #expect(fixed.reason == .partiesFixed)
            #expect(try await store.ledger.entries().count == ledger, "nothing was written")
            // Before anyone signs, a party still changes only by the hand of whoever acts for it.
            _ = try await store.agreements.create(code: "TI-CC", terms: Fixtures.terms(provider: "TI", client: "CC"), by: self.ana, at: self.now)
            let carla = Fixtures.signer("carla", unit: "CC")
            let pushed = try await #require(throws: ScopeError.self) {
                try await store.agreements.revise(
                    "TI-CC",
                    terms: Fixtures.terms(provider: "TH", client: "CC"),
                    by: carla,
                    at: self.now,
                    today: self.today
                )
            }
            #expect(pushed.field == "provider")
            // A manager above both parties, and the parties themselves, may.
            _ = try await store.agreements.submit("TH-DRAFT", by: self.gerente, at: self.now, today: self.today)
            _ = try await store.agreements.terminate("TH-CC", reason: "Reorganización", by: self.rosa, at: self.now, today: self.today)
        }
    }

    @Test(arguments: TestDatabase.available)
    func draftsAreVisibleToTheirPartiesOnly(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await self.seed(store)
            #expect(Set(try await store.agreements.list(visibleTo: self.ana).map(\.code)) == ["TI-CRED", "TH-CC"])
            #expect(Set(try await store.agreements.list(visibleTo: self.rosa).map(\.code)) == ["TI-CRED", "TH-CC", "TH-DRAFT"])
            #expect(Set(try await store.agreements.list(visibleTo: self.gerente).map(\.code)) == ["TI-CRED", "TH-CC", "TH-DRAFT"])
            let carla = Fixtures.signer("carla", unit: "CC", role: .rater)
            #expect(try await store.agreements.get("TH-DRAFT", visibleTo: carla) != nil, "the client's people see it")
            #expect(try await store.agreements.version("TH-DRAFT", 1, visibleTo: self.ana) == nil)
            await #expect(throws: NotFoundError.self) {
                try await store.hardIndicators(agreement: "TH-DRAFT", period: Period("2026-09")!, at: self.now, visibleTo: self.ana)
            }
            // Cancelled or expired without signatures, it stays theirs.
            _ = try await store.agreements.terminate("TH-DRAFT", reason: "No prosperó", by: self.rosa, at: self.now, today: self.today)
            #expect(try await store.agreements.get("TH-DRAFT", visibleTo: self.ana) == nil)
            _ = try await store.agreements.create(code: "TH-OLD", terms: Fixtures.terms(provider: "TH", client: "CC"), by: self.rosa, at: self.now)
            #expect(try await store.agreements.expire(today: LocalDate("2027-01-01")!, at: self.now).contains("TH-OLD"))
            #expect(try await store.agreements.get("TH-OLD", visibleTo: self.ana) == nil)
            // Divergences in them are counted for others, not shown.
            try await store.database.execute("UPDATE agreements SET title = 'Otro' WHERE code = 'TH-OLD'")
            let report = try await store.agreements.verify(visibleTo: self.ana)
            #expect(report.issues.isEmpty && report.hiddenIssues == 1 && !report.isIntact)
            #expect(try await store.agreements.verify(visibleTo: self.rosa).issues.map(\.agreement) == ["TH-OLD"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func requestsAreImportedOnlyByTheirProvider(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await self.seed(store)
            let rows = """
                INC-1,TI,CRED,Correo,P1,2026-09-14T09:00:00-05:00,,,,
                TH-1,TH,CC,Selección,P1,2026-09-14T09:00:00-05:00,,,,
                """
            var requests = store.requests
            requests.batchSize = 1
            let refused = try await requests.importCSV(
                RequestRepositoryTests.chunks(RequestRepositoryTests.header + rows),
                skipInvalid: false,
                by: self.ana,
                at: self.now,
                timeZone: RequestRepositoryTests.zone
            )
            #expect(!refused.committed)
            #expect(refused.problems.map(\.line) == [3])
            #expect(refused.problems.map(\.column) == ["provider"])
            #expect(refused.problems.map(\.code) == ["out_of_scope"])
            #expect(try await store.requests.counts().total == 0)
            let partial = try await requests.importCSV(
                RequestRepositoryTests.chunks(RequestRepositoryTests.header + rows),
                skipInvalid: true,
                by: self.ana,
                at: self.now,
                timeZone: RequestRepositoryTests.zone
            )
            #expect(partial.committed && partial.created == 1 && partial.skipped == 1)
            // TH's own request, then TI re-sending it resolved: refused, and it stays as TH sent it.
            _ = try await requests.importRows(
                [
                    RawServiceRequest(
                        externalRef: "TH-1",
                        provider: "TH",
                        client: "CC",
                        service: "Selección",
                        priority: "P1",
                        openedAt: "2026-09-14T09:00:00-05:00"
                    )
                ],
                skipInvalid: false,
                by: self.rosa,
                at: self.now,
                timeZone: RequestRepositoryTests.zone
            )
            var resent = RawServiceRequest(
                externalRef: "TH-1",
                provider: "TH",
                client: "CC",
                service: "Selección",
                priority: "P1",
                openedAt: "2026-09-14T09:00:00-05:00"
            )
            resent.resolvedAt = "2026-09-30T09:00:00-05:00"
            let overwrite = try await requests.importRows(
                [resent],
                skipInvalid: false,
                by: self.ana,
                at: self.now,
                timeZone: RequestRepositoryTests.zone
            )
            #expect(!overwrite.committed && overwrite.problems.map(\.code) == ["out_of_scope"])
            #expect(try await store.requests.get(provider: "TH", externalRef: "TH-1")?.request.resolvedAt == nil)
        }
    }

    @Test(arguments: TestDatabase.available)
    func unitsAreChangedByTheirManagersOnly(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await self.seed(store)
            // Below their own unit: yes; elsewhere, or at the top: no.
            try await store.units.create(OrgUnit(code: "TH-2", name: "Nómina", parent: "TH"), by: self.rosa, at: self.now)
            for unit in [OrgUnit(code: "X1", name: "Fuera", parent: "TI"), OrgUnit(code: "X2", name: "Arriba")] {
                await #expect(throws: ScopeError.self) { try await store.units.create(unit, by: self.rosa, at: self.now) }
            }
            try await store.units.update(OrgUnit(code: "TH-SUB", name: "Selección y reclutamiento", parent: "TH"), by: self.rosa, at: self.now)
            try await store.units.update(OrgUnit(code: "TH", name: "Talento Humano y Cultura", parent: "GG"), by: self.rosa, at: self.now)
            for unit in [
                OrgUnit(code: "TI", name: "Mía", parent: "GG"),  // another unit
                OrgUnit(code: "TH", name: "Talento Humano", parent: "CC"),  // moving their own unit
                OrgUnit(code: "TH-SUB", name: "Selección", parent: "CC"),  // moving a unit out of reach
                OrgUnit(code: "TH-SUB", name: "Selección"),
            ] {
                await #expect(throws: ScopeError.self, "\(unit)") { try await store.units.update(unit, by: self.rosa, at: self.now) }
            }
            #expect(try await store.units.get("TI")?.name == "Tecnología")
            #expect(try await store.units.get("TH-SUB")?.parent == "TH")
            // An import is checked row by row, with the tree it makes.
            let csv = "code,name,parent,Notas\nTH-3,Bienestar,TH,\nTH-4,Capacitación,TH-3,\nTI,Robada,TH,\nCC-1,Fuera,CC,\n"
            let report = try await store.units.importCSV(csv, skipInvalid: false, by: self.rosa, at: self.now)
            #expect(!report.committed)
            #expect(report.problems.map(\.line) == [4, 5])
            #expect(report.problems.map(\.code) == ["out_of_scope", "out_of_scope"])
            #expect(try await store.units.get("TH-3") == nil)
            let partial = try await store.units.importCSV(csv, skipInvalid: true, by: self.rosa, at: self.now)
            #expect(partial.committed && partial.created == 2 && partial.ignoredColumns == ["notas"])
            #expect(try await store.units.get("TI")?.parent == "GG")
        }
    }

    @Test(arguments: TestDatabase.available)
    func calendarsAreKeptByTheirOwnerUnit(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await self.seed(store)
            var calendar = try #require(try await store.calendars.get("th-horario"))
            calendar.name = "Horario de Talento Humano"
            try await store.calendars.update(calendar, by: self.rosa, at: self.now)
            await #expect(throws: ScopeError.self) { try await store.calendars.update(calendar, by: self.ana, at: self.now) }
            // The organisation-wide calendar is the administrators'.
            await #expect(throws: ScopeError.self) { try await store.calendars.update(Fixtures.officeHours, by: self.rosa, at: self.now) }
            // Nobody hands a calendar to a unit out of their reach, or makes one organisation-wide.
            await #expect(throws: ScopeError.self) { try await store.calendars.update(calendar, owner: .some("TI"), by: self.rosa, at: self.now) }
            var other = calendar
            other.code = "otro"
            await #expect(throws: ScopeError.self) { try await store.calendars.create(other, owner: "TI", by: self.rosa, at: self.now) }
            await #expect(throws: ScopeError.self) { try await store.calendars.create(other, owner: nil, by: self.rosa, at: self.now) }
            try await store.calendars.create(other, owner: "TH-SUB", by: self.rosa, at: self.now)
            #expect(try await store.calendars.getOwned("otro")?.owner == "TH-SUB")
            try await store.calendars.update(calendar, owner: .some(nil), by: Fixtures.system, at: self.now)
            #expect(try await store.calendars.getOwned("th-horario")?.owner == nil)
        }
    }

    @Test(arguments: TestDatabase.available)
    func manualValuesAreEnteredByTheProvider(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await self.seed(store)
            var terms = Fixtures.terms()
            terms.commitments.append(Commitment(key: "M1", name: "Capacitaciones", metric: .manual, target: 2))
            _ = try await store.agreements.revise("TI-CRED", terms: terms, by: self.ana, at: self.now, today: self.today)
            let luis = Fixtures.signer("luis", unit: "CRED")
            await #expect(throws: ScopeError.self) {
                try await store.manualValues.set(
                    agreement: "TI-CRED",
                    commitment: "M1",
                    period: Period("2026-09")!,
                    value: 9,
                    evidence: "Acta",
                    by: luis,
                    at: self.now,
                    today: self.today
                )
            }
            try await store.manualValues.set(
                agreement: "TI-CRED",
                commitment: "M1",
                period: Period("2026-09")!,
                value: 3,
                evidence: "Acta",
                by: self.ana,
                at: self.now,
                today: self.today
            )
            #expect(try await store.manualValues.values(agreement: "TI-CRED", period: Period("2026-09")!)["M1"]?.value == 3)
        }
    }
}

/// Requests belong to signed agreements only, and find theirs when it is signed after they arrived.
@Suite struct MatchingTests {
    @Test(arguments: TestDatabase.available)
    func aDraftNeverSignedTakesNoRequestsEvenCancelled(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            let ana = Fixtures.signer("ana", unit: "TI")
            _ = try await store.agreements.create(code: "DRAFT", terms: Fixtures.terms(), by: ana, at: Fixtures.now)
            _ = try await store.agreements.terminate("DRAFT", reason: "No prosperó", by: ana, at: Fixtures.now, today: Fixtures.today)
            let report = try await RequestImportPipelineTests.importing("INC-1,TI,CRED,Correo,P1,2026-09-14T09:00:00-05:00,,,,\n", into: store)
            #expect(report.committed)
            #expect(try await store.requests.get(provider: "TI", externalRef: "INC-1")?.agreement == nil)
            #expect(try await store.requests.counts().unmatched == 1)
            // Earlier Pacta matched such requests; updating takes them back.
            try await store.database.execute("UPDATE requests SET agreement_id = (SELECT id FROM agreements WHERE code = 'DRAFT')")
            try await store.migrate(logger: .init(label: "test"))
            #expect(try await store.requests.get(provider: "TI", externalRef: "INC-1")?.agreement == nil)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRevisionThatMovesTheDatesKeepsTheRequestsEarlierVersionsTook(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            _ = try await RequestImportPipelineTests.importing("INC-1,TI,CRED,Correo,P1,2026-02-10T09:00:00-05:00,,,,\n", into: store)
            var terms = Fixtures.terms()
            terms.validFrom = LocalDate("2026-07-01")!
            let ana = Fixtures.signer("ana", unit: "TI")
            _ = try await store.agreements.revise("TI-CRED", terms: terms, by: ana, at: Fixtures.now, today: Fixtures.today)
            try await store.agreements.signCurrentVersion("TI-CRED", by: ana, at: Fixtures.now, today: Fixtures.today)
            try await store.agreements.signCurrentVersion(
                "TI-CRED",
                by: Fixtures.signer("luis", unit: "CRED"),
                at: Fixtures.now,
                today: Fixtures.today
            )
            #expect(try await store.requests.get(provider: "TI", externalRef: "INC-1")?.agreement == "TI-CRED", "version 1 covered February")
        }
    }

    @Test(arguments: TestDatabase.available)
    func requestsStoredBeforeAnAgreementIsSignedAreMatchedWhenItIs(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            let ana = Fixtures.signer("ana", unit: "TI")
            _ = try await RequestImportPipelineTests.importing(
                """
                INC-1,TI,CRED,Correo,P1,2026-09-14T09:00:00-05:00,,2026-09-14T11:00:00-05:00,,
                INC-2,TI,CRED,Correo,P1,2025-12-30T09:00:00-05:00,,,,
                """,
                into: store
            )
            #expect(try await store.requests.counts().unmatched == 2)
            _ = try await store.agreements.create(code: "TI-CRED", terms: Fixtures.terms(), by: ana, at: Fixtures.now)
            _ = try await store.agreements.submit("TI-CRED", by: ana, at: Fixtures.now, today: Fixtures.today)
            try await store.agreements.signCurrentVersion("TI-CRED", by: ana, at: Fixtures.now, today: Fixtures.today)
            #expect(try await store.requests.counts().unmatched == 2, "one signature is not an agreement")
            try await store.agreements.signCurrentVersion(
                "TI-CRED",
                by: Fixtures.signer("luis", unit: "CRED"),
                at: Fixtures.now,
                today: Fixtures.today
            )
            let matched = try #require(try await store.requests.get(provider: "TI", externalRef: "INC-1"))
            #expect(matched.agreement == "TI-CRED")
            #expect(
                matched.request.measured == MeasuredDurations(calendar: Fixtures.officeHours.fingerprint, firstResponse: nil, resolution: 2 * 3600)
            )
            #expect(try await store.requests.get(provider: "TI", externalRef: "INC-2")?.agreement == nil, "opened before its validity")
        }
    }
}
