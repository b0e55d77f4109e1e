import Foundation
import PactaCore
import Testing

@Suite struct ExternalNPSCoreTests {
    @Test func isoWeeksFollowTheStandard() throws {
        // 2026-01-01 is a Thursday: week 1 of 2026 starts on Monday 2025-12-29.
        #expect(NPSPeriod("2026-W01")?.first == LocalDate("2025-12-29"))
        #expect(NPSPeriod(containing: LocalDate("2025-12-31")!, .week).description == "2026-W01")
        // 2020 has 53 weeks; 2021 has 52, and its first days belong to 2020's last week.
        #expect(NPSPeriod("2020-W53")?.first == LocalDate("2020-12-28"))
        #expect(NPSPeriod("2021-W53") == nil)
        #expect(NPSPeriod(containing: LocalDate("2021-01-03")!, .week).description == "2020-W53")
        #expect(NPSPeriod(containing: LocalDate("2026-11-30")!, .week).description == "2026-W49")
        #expect(NPSPeriod(containing: LocalDate("2026-11-29")!, .week).description == "2026-W48", "Sunday ends the week")
        // Every day of six years: its week holds it, starts on Monday, and round-trips through its name.
        var day = LocalDate("2019-12-25")!
        while day < LocalDate("2026-01-10")! {
            let week = NPSPeriod(containing: day, .week)
            #expect(week.contains(day) && week.first.weekday == .monday && week.dayCount == 7)
            #expect(NPSPeriod(week.description) == week)
            day = day.adding(days: 1)
        }
    }

    @Test func periodsParsePrintAndStep() {
        for text in ["2026-11-30", "2026-W49", "2026-11", "2026-Q4"] {
            #expect(NPSPeriod(text)?.description == text)
        }
        for text in ["2026-11-31", "2026-W00", "2026-W5", "2026-13", "2026-Q5", "26-11", ""] {
            #expect(NPSPeriod(text) == nil, "\(text)")
        }
        #expect(NPSPeriod("2026-Q1")!.advanced(by: -1).description == "2025-Q4")
        #expect(NPSPeriod("2026-W01")!.advanced(by: -1).description == "2025-W52")
        #expect(NPSPeriod("2026-03-01")!.advanced(by: -1).description == "2026-02-28")
        #expect(NPSPeriod("2026-11")!.trailing(3).map(\.description) == ["2026-09", "2026-10", "2026-11"])
        // Quito has no daylight saving: a month runs from 05:00 UTC on its first day.
        let zone = TimeZone(identifier: "America/Guayaquil")!
        #expect(NPSPeriod("2026-11")!.instants(in: zone) == Interval(start: 1_793_509_200, end: 1_793_509_200 + 30 * 86_400))
    }

    @Test func answersAreCheckedFieldByField() throws {
        let now: Int64 = 1_796_058_000  // 2026-11-30T17:00:00Z
        let good = RawNPSAnswer(
            externalRef: " A-1 ",
            answeredAt: "2026-11-30T09:00:00-05:00",
            channel: "Branch",
            touchpoint: "AG-001",
            transaction: "deposit",
            score: "9",
            comment: "  Bien "
        )
        #expect(
            try good.validated(receivedAt: now).get()
                == NPSAnswer(
                    externalRef: "A-1",
                    answeredAt: 1_796_047_200,
                    channel: "branch",
                    touchpoint: "AG-001",
                    transaction: "deposit",
                    score: 9,
                    comment: "Bien"
                )
        )
        let bad = RawNPSAnswer(
            externalRef: "",
            answeredAt: "2026-12-01T09:00:00-05:00",
            channel: "sucursal norte",
            touchpoint: "",
            transaction: "x",
            score: "9.5"
        )
        guard case .failure(let list) = bad.validated(receivedAt: now) else {
            Issue.record("refused")
            return
        }
        #expect(
            list.problems.map { "\($0.column):\($0.code)" } == [
                "external_ref:required", "channel:invalid_code", "touchpoint:required", "answered_at:in_future", "score:invalid_score",
            ]
        )
        // Five minutes of clock drift are tolerated.
        var drift = good
        drift.answeredAt = "2026-11-30T12:04:00-05:00"
        #expect((try? drift.validated(receivedAt: now).get()) != nil)
        #expect(NPSKind(score: 6) == .detractor && NPSKind(score: 7) == .passive && NPSKind(score: 9) == .promoter)
    }

    @Test func marginOfErrorAndTallyFollowSPEC() throws {
        // 50 promoters, 30 passives, 20 detractors: NPS 30, p = 0.5, d = 0.2,
        // margin = 1.96 × 100 × sqrt((0.7 − 0.09) / 100) = 15.3081…
        let tally = NPSTally(promoters: 50, passives: 30, detractors: 20)
        #expect(tally.score == 30)
        let margin = try #require(tally.marginOfError)
        let expected: Double = 1.96 * 100 * (0.61 / 100).squareRoot()
        #expect(abs(margin - expected) < 1e-12)
        #expect(NPSTally().score == nil && NPSTally().marginOfError == nil)
        #expect(NPS(scores: [10, 9, 8, 7, 6, 0]).tally == NPSTally(promoters: 2, passives: 2, detractors: 2))

        // The change from 20/10/10 (NPS 25) to 22/8/10 (NPS 30): margins 1.96 × 100 × sqrt(0.6875 / 40)
        // and 1.96 × 100 × sqrt(0.71 / 40); the change's margin is the root of their squares' sum.
        let before = NPSTally(promoters: 20, passives: 10, detractors: 10)
        let after = NPSTally(promoters: 22, passives: 8, detractors: 10)
        let changeMargin = try #require(after.changeMargin(from: before))
        let first = 1.96 * 100 * ((0.5 + 0.25 - 0.0625) / 40).squareRoot()
        let second = 1.96 * 100 * ((0.55 + 0.25 - 0.09) / 40).squareRoot()
        #expect(abs(changeMargin - (first * first + second * second).squareRoot()) < 1e-9)
        #expect(changeMargin > 36.6 && changeMargin < 36.7, "a 5-point change over 40 answers each may be chance")
        #expect(after.changeMargin(from: NPSTally()) == nil)
    }

    @Test func pearsonCorrelation() throws {
        let perfect = try #require(Correlation([(1, 2), (2, 4), (3, 6), (4, 8), (5, 10), (6, 12)]))
        #expect(abs(perfect.coefficient - 1) < 1e-12 && perfect.n == 6 && perfect.isShown)
        let inverse = try #require(Correlation([(1, 3), (2, 2), (3, 1)]))
        #expect(abs(inverse.coefficient + 1) < 1e-12 && !inverse.isShown)
        // x = 1…5, y = 2, 4, 5, 4, 5: r = 6 / sqrt(10 × 6) = 0.7745966…
        let known = try #require(Correlation([(1, 2), (2, 4), (3, 5), (4, 4), (5, 5)]))
        #expect(abs(known.coefficient - 6 / (60.0).squareRoot()) < 1e-12)
        #expect(Correlation([(1, 1), (2, 1), (3, 1)]) == nil, "a flat series has no correlation")
        #expect(Correlation([(1, 1)]) == nil)
    }

    @Test func aFollowUpIsARequestOfPriorityNPSCountedOnlyWhereNamed() throws {
        let answer = NPSAnswer(externalRef: "E-1", answeredAt: 1_000, channel: "branch", touchpoint: "AG-1", transaction: "deposit", score: 2)
        let opened = FollowUp(
            id: 7,
            unit: "TI",
            client: "CRED",
            status: .open,
            owner: nil,
            openedAt: 1_000,
            contactedAt: nil,
            closedAt: nil,
            answer: answer
        )
        // Closed at once: contacted and closed at the same instant; reopened: the contact stays.
        let closed = opened.moved(to: .closed, at: 5_000)
        #expect(closed.contactedAt == 5_000 && closed.closedAt == 5_000)
        let reopened = closed.moved(to: .open, at: 9_000)
        #expect(reopened.status == .open && reopened.contactedAt == 5_000 && reopened.closedAt == nil)
        let contacted = opened.moved(to: .contacted, at: 2_000).moved(to: .closed, at: 3_000)
        #expect(contacted.contactedAt == 2_000 && contacted.closedAt == 3_000)

        let request = try #require(contacted.request)
        #expect(request.externalRef == "NPS-7" && request.provider == "TI" && request.client == "CRED" && request.priority == "NPS")
        #expect(request.openedAt == 1_000 && request.firstResponseAt == 2_000 && request.resolvedAt == 3_000)
        #expect(FollowUp.id(of: request) == 7)
        var other = request
        other.priority = "P1"
        #expect(FollowUp.id(of: other) == nil, "only a follow-up's request names one")
        other = request
        other.externalRef = "NPS-07"
        #expect(FollowUp.id(of: other) == nil)
        // Answered ahead of the server's clock: its times never come before the opening.
        var early = opened.moved(to: .contacted, at: 500)
        #expect(early.request?.firstResponseAt == 1_000)
        early.client = ""
        #expect(early.request == nil, "without a unit served there is no request")

        let every = Commitment(key: "V", name: "Volumen", metric: .volume, target: 5)
        let named = Commitment(key: "N", name: "Contacto", metric: .volume, target: 5, priorities: ["NPS", "P1"])
        #expect(HardIndicators.applies(every, to: "P1") && !HardIndicators.applies(every, to: FollowUp.priority))
        #expect(HardIndicators.applies(named, to: FollowUp.priority) && HardIndicators.applies(named, to: "P1"))
        #expect(!HardIndicators.applies(named, to: "P2"))
        #expect(HardIndicators.weighs("P1") && !HardIndicators.weighs(FollowUp.priority))
    }
}
