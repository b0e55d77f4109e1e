import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PactaApp
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// Invitations and reminders through a real SMTP relay on loopback (aiosmtpd, STARTTLS), started
/// by scripts/test.sh: the link in the e-mail answers the survey, nothing is sent twice, and what
/// the relay refused is sent on the next round.
@Suite(.enabled(if: TestRelay.url != nil, "needs the SMTP relay of scripts/test.sh"))
struct SurveyMailTests {
    static let logger = Logger(label: "survey-mail-tests")

    static func mailer(_ store: Store, url: String = TestRelay.url!) -> SurveyMailer {
        SurveyMailer(
            store: store,
            client: SMTPClient(settings: SMTPSettings(url: url, from: "Pacta <pacta@example.com>")!),
            publicURL: "https://pacta.example.com",
            logger: Self.logger
        )
    }

    /// Opens a campaign of TI-CRED with three guests of CRED, named so that this run's messages
    /// are told apart from the others' in the shared Maildir.
    static func openCampaign(_ store: Store) async throws -> [String] {
        try await store.seedActiveAgreement()
        let run = UUID().uuidString.prefix(8).lowercased()
        let guests = (1...3).map { "persona\($0).\(run)@example.com" }
        let draft = CampaignDraft(
            code: "ENC-09",
            title: "Percepción de septiembre",
            period: Period("2026-09")!,
            unit: "TI",
            opensOn: Fixtures.today,
            closesOn: LocalDate("2026-10-15")!,
            reminderDays: 7,
            guests: guests.map { Campaign.Guest(unit: "CRED", email: $0) }
        )
        _ = try await store.campaigns.create(draft, by: Fixtures.signer("ana", unit: "TI"), at: Fixtures.now)
        try await store.campaigns.open("ENC-09", by: Fixtures.signer("ana", unit: "TI"), at: Fixtures.now)
        return guests
    }

    static func link(in message: String) throws -> String {
        let range = try #require(message.range(of: #"https://pacta\.example\.com/s/[0-9a-f]{64}"#, options: .regularExpression))
        return String(message[range].dropFirst("https://pacta.example.com/s/".count))
    }

    @Test(arguments: TestDatabase.available)
    func theLinkInTheEmailAnswersAndNothingIsSentTwice(database: TestDatabase) async throws {
        try await database.withStore { store in
            let guests = try await Self.openCampaign(store)
            let mailer = Self.mailer(store)
            #expect(try await mailer.sendDue(now: Fixtures.now, today: Fixtures.today) == (3, 0))
            #expect(try await mailer.sendDue(now: Fixtures.now, today: Fixtures.today) == (0, 0), "nothing twice")
            let first = try #require(try TestRelay.messages(to: guests[0]).first)
            #expect(first.contains("Subject: =?utf-8?B?") && first.contains("Percepción de septiembre") && first.contains("Tecnología"))
            #expect(first.contains("Hola:") && first.contains("Hello,") && first.contains("STARTTLS") == false)

            // The link of the e-mail opens the form and takes the answer.
            let token = try Self.link(in: first)
            let form = try await store.campaigns.form(token: token, today: Fixtures.today)
            #expect(form.agreement == "TI-CRED")
            try await store.campaigns.answer(token: token, SurveyAnswer(ratings: ["quality": 5], recommend: 10), today: Fixtures.today)

            // A week later, reminders to the two who have not answered, each with a link that works.
            let week = Fixtures.now.addingTimeInterval(7 * 86_400)
            let later = LocalDate("2026-09-28")!
            #expect(try await mailer.sendDue(now: week, today: later) == (2, 0))
            #expect(try TestRelay.messages(to: guests[0]).count == 1, "who answered gets no reminder")
            let reminder = try #require(try TestRelay.messages(to: guests[1]).first { $0.contains("Aún esperamos su opinión") })
            #expect(try await store.campaigns.form(token: try Self.link(in: reminder), today: later).agreement == "TI-CRED")
            #expect(try await mailer.sendDue(now: week.addingTimeInterval(3600), today: later) == (0, 0), "at most once per interval")
            #expect(try await store.campaigns.mailCounts("ENC-09") == (3, 2))
        }
    }

    @Test(arguments: TestDatabase.available)
    func twoInstancesSendingAtOnceSendEachEmailOnce(database: TestDatabase) async throws {
        try await database.withStore { store in
            let guests = try await Self.openCampaign(store)
            let sent = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await Self.mailer(store).sendDue(now: Fixtures.now, today: Fixtures.today).sent }
                }
                return try await group.reduce(0, +)
            }
            #expect(sent == 3)
            for guest in guests { #expect(try TestRelay.messages(to: guest).count == 1, "\(guest)") }
        }
    }

    @Test(arguments: TestDatabase.available)
    func whatTheRelayDidNotTakeIsSentOnTheNextRound(database: TestDatabase) async throws {
        try await database.withStore { store in
            let guests = try await Self.openCampaign(store)
            // Nothing listens on port 9 of loopback.
            await #expect(throws: (any Error).self) {
                try await Self.mailer(store, url: "smtp://127.0.0.1:9?starttls=never").sendDue(now: Fixtures.now, today: Fixtures.today)
            }
            #expect(try await store.campaigns.mailCounts("ENC-09") == (0, 0), "claims given back")
            // A relay without STARTTLS is refused unless the URL says so: the relay here offers it.
            #expect(try await Self.mailer(store).sendDue(now: Fixtures.now, today: Fixtures.today) == (3, 0))
            #expect(try TestRelay.messages(to: guests[2]).count == 1)
        }
    }
}
