import Foundation
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@Suite struct CampaignRepositoryTests {
    static let ana = Fixtures.signer("ana", unit: "TI")
    static let september = Period("2026-09")!

    /// TI-CRED (monthly, with a perception commitment) signed; TI-NOSOFT signed without a soft
    /// commitment; TI-DRAFT never signed; and three people in CRED, one of them inactive.
    static func seed(_ store: Store) async throws {
        try await store.seedActiveAgreement()
        var hard = Fixtures.terms(title: "Sin encuesta")
        hard.commitments.removeAll { $0.kind == .soft }
        for (code, terms) in [("TI-NOSOFT", hard), ("TI-DRAFT", Fixtures.terms(title: "Borrador"))] {
            _ = try await store.agreements.create(code: code, terms: terms, by: Self.ana, at: Fixtures.now)
        }
        _ = try await store.agreements.submit("TI-NOSOFT", by: Self.ana, at: Fixtures.now, today: Fixtures.today)
        for signer in [Self.ana, Fixtures.signer("luis", unit: "CRED")] {
            _ = try await store.agreements.signCurrentVersion("TI-NOSOFT", by: signer, at: Fixtures.now, today: Fixtures.today)
        }
        for (username, active) in [("carla", true), ("diego", true), ("ex", false)] {
            let user = try await store.users.create(
                username: username,
                name: username.capitalized,
                role: .rater,
                unit: "CRED",
                passwordHash: "x",
                at: Fixtures.now
            )
            if !active { try await store.users.update(id: user.id, role: .rater, unit: "CRED", active: false) }
        }
    }

    static func draft(code: String = "ENC-2026-09", agreements: [String]? = nil, guests: [Campaign.Guest] = []) -> CampaignDraft {
        CampaignDraft(
            code: code,
            title: "Percepción de septiembre",
            period: Self.september,
            unit: "TI",
            opensOn: Fixtures.today,
            closesOn: LocalDate("2026-09-30")!,
            agreements: agreements,
            guests: guests
        )
    }

    static func user(_ store: Store, _ username: String) async throws -> User {
        try #require(try await store.users.credentials(username: username)?.user)
    }

    @Test(arguments: TestDatabase.available)
    func aCampaignRatesTheSignedAgreementsWithASoftCommitmentByDefault(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seed(store)
            let campaign = try await store.campaigns.create(Self.draft(), by: Self.ana, at: Fixtures.now)
            #expect(campaign.agreements == ["TI-CRED"] && campaign.storedState == .draft)
            #expect(campaign.questionnaire == .standard)
            // Asked for by name, the others are refused with the reason.
            do {
                _ = try await store.campaigns.create(
                    Self.draft(code: "OTRA", agreements: ["TI-NOSOFT", "TI-DRAFT", "NOPE"]),
                    by: Self.ana,
                    at: Fixtures.now
                )
                Issue.record("accepted")
            } catch let error as ValidationError {
                #expect(error.issues.map(\.code) == ["not_eligible", "not_eligible", "not_found"])
                #expect(error.issues[0].message.contains("no soft commitment") && error.issues[1].message.contains("not in force"))
            }
            // One campaign per agreement and period.
            await #expect(throws: ValidationError.self) {
                try await store.campaigns.create(Self.draft(code: "OTRA", agreements: ["TI-CRED"]), by: Self.ana, at: Fixtures.now)
            }
            // Quarters rate quarterly agreements: TI-CRED is monthly.
            var quarter = Self.draft(code: "TRIM", agreements: ["TI-CRED"])
            quarter.period = Period("2026-Q3")!
            await #expect(throws: ValidationError.self) { try await store.campaigns.create(quarter, by: Self.ana, at: Fixtures.now) }
            // With nothing to rate, no campaign is made.
            quarter.agreements = nil
            do {
                _ = try await store.campaigns.create(quarter, by: Self.ana, at: Fixtures.now)
                Issue.record("a campaign without agreements")
            } catch let error as ValidationError {
                #expect(error.issues.map(\.field) == ["agreements"] && error.issues[0].message.contains("reviewed by quarter"))
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func onlyManagersOfTheProvidingUnitRunItsCampaigns(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seed(store)
            for actor in [Fixtures.signer("luis", unit: "CRED"), Fixtures.signer("rita", unit: "TI", role: .rater)] {
                await #expect(throws: ScopeError.self, "\(actor.username)") {
                    try await store.campaigns.create(Self.draft(), by: actor, at: Fixtures.now)
                }
            }
            let boss = Fixtures.signer("gg", unit: "GG")
            _ = try await store.campaigns.create(Self.draft(), by: boss, at: Fixtures.now)
            await #expect(throws: ScopeError.self) {
                try await store.campaigns.open("ENC-2026-09", by: Fixtures.signer("luis", unit: "CRED"), at: Fixtures.now)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func eachPersonAnswersOnceAndTheAnswerNamesNoOne(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seed(store)
            _ = try await store.campaigns.create(
                Self.draft(guests: [Campaign.Guest(unit: "CRED", email: "externa@example.com"), Campaign.Guest(unit: "TI", email: "no@example.com")]),
                by: Self.ana,
                at: Fixtures.now
            )
            // Carla, Diego and the guest of CRED; not the inactive user, not TI's guest.
            #expect(try await store.campaigns.open("ENC-2026-09", by: Self.ana, at: Fixtures.now) == 3)
            await #expect(throws: ValidationError.self, "questions are fixed once open") {
                try await store.campaigns.update(Self.draft(), by: Self.ana)
            }
            let links = try await store.campaigns.issueLinks("ENC-2026-09", by: Self.ana, at: Fixtures.now)
            #expect(links.map(\.rater).sorted() == ["Carla", "Diego", "externa@example.com"])
            #expect(links.allSatisfy { $0.token.count == 64 && $0.agreement == "TI-CRED" })
            let link = try #require(links.first { $0.rater == "externa@example.com" })

            let form = try await store.campaigns.form(token: link.token, today: Fixtures.today)
            #expect(form.agreement == "TI-CRED" && form.providerName == "Tecnología" && form.questionnaire == .standard)
            let answer = SurveyAnswer(ratings: ["timeliness": 4, "quality": 5], recommend: 9, comment: "  Muy atentos  ")
            try await store.campaigns.answer(token: link.token, answer, today: Fixtures.today)
            await #expect(throws: SurveyError(.alreadyAnswered, "This invitation was answered already: each person answers once.")) {
                try await store.campaigns.answer(token: link.token, answer, today: Fixtures.today)
            }
            await #expect(throws: SurveyError.self) { try await store.campaigns.form(token: "0" + link.token.dropFirst(), today: Fixtures.today) }

            // Stored with its campaign, agreement and day; nothing names the invitation or the person.
            let catalog: SQL =
                store.database.dialect == .postgres
                ? "SELECT column_name FROM information_schema.columns WHERE table_name = 'survey_answers'"
                : "SELECT name FROM pragma_table_info('survey_answers')"
            let columns = try await store.database.query(catalog).map { try $0.decode(String.self) }
            #expect(Set(columns) == ["id", "campaign_id", "agreement_id", "answered_on", "ratings", "recommend", "comment", "import_key"])
            let row = try #require(try await store.database.first("SELECT answered_on, ratings, recommend, comment FROM survey_answers"))
            let (day, ratings, recommend, comment) = try row.decode((String, String, Int, String).self)
            #expect(day == "2026-09-21" && ratings.contains("\"quality\":5") && recommend == 9 && comment == "Muy atentos")

            let tallies = try await store.campaigns.tallies("ENC-2026-09")
            #expect(tallies.count == 1 && tallies[0].invitations == 3 && tallies[0].figures.responses == 1)
            #expect(tallies[0].figures.perceptionIndex == 87.5 && tallies[0].comments == ["Muy atentos"])
            #expect(try await store.campaigns.figures(agreement: "TI-CRED", period: Self.september)?.responses == 1)
            #expect(try await store.campaigns.figures(agreement: "TI-CRED", period: Period("2026-08")!) == nil)
        }
    }

    @Test(arguments: TestDatabase.available)
    func closingACampaignLeavesNoTraceOfWhichInvitationAnAnswerCameWith(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seed(store)
            _ = try await store.campaigns.create(
                Self.draft(guests: [Campaign.Guest(unit: "CRED", email: "externa@example.com")]),
                by: Self.ana,
                at: Fixtures.now
            )
            _ = try await store.campaigns.open("ENC-2026-09", by: Self.ana, at: Fixtures.now)
            let links = try await store.campaigns.issueLinks("ENC-2026-09", by: Self.ana, at: Fixtures.now)
            for (index, link) in links.enumerated() {
                try await store.campaigns.answer(
                    token: link.token,
                    SurveyAnswer(ratings: ["quality": index + 2], recommend: 8 + index),
                    today: Fixtures.today
                )
            }
            let before = try await store.campaigns.tallies("ENC-2026-09")
            let postgres = store.database.dialect == .postgres
            // The attack: on PostgreSQL each answer was written by the transaction that marked its
            // invitation used, which the rows' xmin tells.
            let pairs: SQL =
                "SELECT COUNT(*) FROM survey_answers s JOIN survey_invitations i ON i.xmin::text = s.xmin::text WHERE i.used"
            if postgres { #expect(try await store.database.count(pairs, as: Int.self) == 3) }

            try await store.campaigns.close("ENC-2026-09", by: Self.ana, at: Fixtures.now)
            #expect(try await store.campaigns.tallies("ENC-2026-09") == before, "the answers are the same answers")
            if postgres {
                // One transaction wrote every answer and every invitation: any answer pairs with any invitation.
                #expect(try await store.database.count("SELECT COUNT(DISTINCT xmin::text) FROM survey_answers", as: Int.self) == 1)
                #expect(try await store.database.count(pairs, as: Int.self) == 9)
                // And the answers sit in the order of their random ids, not the order they came in.
                let stored = try await store.database.query("SELECT id FROM survey_answers ORDER BY ctid").map { try $0.decode(Int64.self) }
                #expect(stored == stored.sorted())
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aSignedInRaterSeesTheirPendingSurveysAndAnswersThem(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seed(store)
            _ = try await store.campaigns.create(Self.draft(), by: Self.ana, at: Fixtures.now)
            let carla = try await Self.user(store, "carla")
            #expect(try await store.campaigns.pending(for: carla, today: Fixtures.today).isEmpty, "a draft invites no one")
            try await store.campaigns.open("ENC-2026-09", by: Self.ana, at: Fixtures.now)
            let pending = try await store.campaigns.pending(for: carla, today: Fixtures.today)
            #expect(pending.map(\.agreement) == ["TI-CRED"] && pending.first?.providerName == "Tecnología")
            try await store.campaigns.answer(
                campaign: "ENC-2026-09",
                agreement: "TI-CRED",
                user: carla,
                SurveyAnswer(ratings: ["attitude": 3], recommend: 6),
                today: Fixtures.today
            )
            #expect(try await store.campaigns.pending(for: carla, today: Fixtures.today).isEmpty)
            // Someone not invited has nothing to answer.
            let ana = try await store.users.create(username: "anab", name: "Ana", role: .manager, unit: "TI", passwordHash: "x", at: Fixtures.now)
            await #expect(throws: SurveyError.self) {
                try await store.campaigns.form(campaign: "ENC-2026-09", agreement: "TI-CRED", user: ana, today: Fixtures.today)
            }
            // A bad answer is refused whole, and the invitation stays unused.
            let diego = try await Self.user(store, "diego")
            await #expect(throws: ValidationError.self) {
                try await store.campaigns.answer(
                    campaign: "ENC-2026-09",
                    agreement: "TI-CRED",
                    user: diego,
                    SurveyAnswer(ratings: ["attitude": 7], recommend: 6),
                    today: Fixtures.today
                )
            }
            #expect(try await store.campaigns.pending(for: diego, today: Fixtures.today).count == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func lateAndEarlyAnswersAreRefusedWithTheReason(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seed(store)
            var draft = Self.draft()
            draft.opensOn = LocalDate("2026-09-25")!
            _ = try await store.campaigns.create(draft, by: Self.ana, at: Fixtures.now)
            try await store.campaigns.open("ENC-2026-09", by: Self.ana, at: Fixtures.now)
            let token = try #require(try await store.campaigns.issueLinks("ENC-2026-09", by: Self.ana, at: Fixtures.now).first?.token)
            await #expect(throws: SurveyError.self) { try await store.campaigns.form(token: token, today: Fixtures.today) }
            do { _ = try await store.campaigns.form(token: token, today: Fixtures.today) } catch let error as SurveyError {
                #expect(error.reason == .notOpenYet)
            }
            do { _ = try await store.campaigns.form(token: token, today: LocalDate("2026-10-01")!) } catch let error as SurveyError {
                #expect(error.reason == .campaignClosed)
            }
            try await store.campaigns.close("ENC-2026-09", by: Self.ana, at: Fixtures.now)
            do { _ = try await store.campaigns.form(token: token, today: LocalDate("2026-09-26")!) } catch let error as SurveyError {
                #expect(error.reason == .campaignClosed)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func ofTwoAnswersSentAtOnceThroughOneLinkOneIsTaken(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seed(store)
            _ = try await store.campaigns.create(Self.draft(), by: Self.ana, at: Fixtures.now)
            try await store.campaigns.open("ENC-2026-09", by: Self.ana, at: Fixtures.now)
            let token = try #require(try await store.campaigns.issueLinks("ENC-2026-09", by: Self.ana, at: Fixtures.now).first?.token)
            let taken = try await withThrowingTaskGroup(of: Bool.self) { group in
                for score in 0..<6 {
                    group.addTask {
                        do {
                            try await store.campaigns.answer(token: token, SurveyAnswer(ratings: [:], recommend: score), today: Fixtures.today)
                            return true
                        } catch is SurveyError {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(taken == 1)
            #expect(try await store.database.count("SELECT COUNT(*) FROM survey_answers", as: Int.self) == 1)
        }
    }
}

@Suite struct CampaignResultsTests {
    static func tally(_ agreement: String, provider: String, answers: Int, invitations: Int = 10) -> AgreementTally {
        AgreementTally(
            agreement: agreement,
            title: agreement,
            provider: provider,
            providerName: provider,
            client: "CRED",
            clientName: "Crédito",
            invitations: invitations,
            figures: PerceptionFigures((0..<answers).map { SurveyAnswer(ratings: ["quality": 1 + $0 % 5], recommend: $0 % 11) }),
            comments: (0..<answers).map { "Comentario \($0)" }
        )
    }

    /// The attack of the issue: a provider's total minus all but one of its agreements.
    @Test func noFigureOfAGroupBelowKCanBeShownOrSubtracted() throws {
        let campaign = Fixtures.campaign(unit: "GG", state: .closed)
        let results = CampaignResults(
            campaign: campaign,
            tallies: [
                Self.tally("TI-CRED", provider: "TI", answers: 5), Self.tally("TI-COM", provider: "TI", answers: 4),
                Self.tally("TI-HIP", provider: "TI", answers: 2), Self.tally("CONT-COM", provider: "CONT", answers: 6),
            ],
            k: 3
        )
        let ti = try #require(results.providers.first { $0.provider == "TI" })
        let byCode = Dictionary(uniqueKeysWithValues: ti.agreements.map { ($0.agreement, $0.figures) })
        #expect(ti.figures.shown && ti.figures.responses == 11 && ti.figures.perceptionIndex != nil)
        let hip = try #require(byCode["TI-HIP"])
        #expect(!hip.shown && hip.perceptionIndex == nil && hip.nps == nil && hip.attributeMeans.isEmpty && hip.comments.isEmpty)
        #expect(hip.responses == 2 && hip.invitations == 10 && hip.responseRate == 0.2, "the response rate is always shown")
        let com = try #require(byCode["TI-COM"])
        #expect(!com.shown && com.hiddenToProtectAnother && com.perceptionIndex == nil && com.comments.count == 4)
        #expect(byCode["TI-CRED"]?.shown == true && byCode["TI-CRED"]?.nps?.n == 5)
        // What remains shown cannot be subtracted down to fewer than 3 answers.
        let shownInside = ti.agreements.filter(\.figures.shown).reduce(0) { $0 + $1.figures.responses }
        #expect(ti.figures.responses - shownInside >= 3)
        #expect(results.total.shown && results.total.responses == 17 && results.total.invitations == 40)
    }
}
