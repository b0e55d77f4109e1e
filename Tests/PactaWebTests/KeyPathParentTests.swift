import Foundation
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// Models read by key path must name every stored property, or a template would silently lose one.
@Suite struct KeyPathParentTests {
    static func check<Model: KeyPathParent>(_ model: Model) {
        let stored = Set(Mirror(reflecting: model).children.compactMap(\.label))
        #expect(Set(Model.fields.keys) == stored, "\(Model.self)")
        for label in stored {
            let reflected = Mirror(reflecting: model).children.first { $0.label == label }!.value
            let read = model.child(named: label)
            // A nil optional reads as no value; anything else as itself.
            if let optional = reflected as? any OptionalValue, optional.wrappedValue == nil {
                #expect(read == nil, "\(Model.self).\(label)")
            } else {
                #expect(read != nil && "\(read!)" == "\((reflected as? any OptionalValue)?.wrappedValue ?? reflected)", "\(Model.self).\(label)")
            }
        }
    }

    @Test func theCampaignPageNamesEveryField() async throws {
        let campaign = Fixtures.campaign(unit: "TI", state: .open, agreements: ["TI-A", "TI-B"])
        func tally(_ code: String, answers: Int, provider: String = "TI") -> AgreementTally {
            var tally = AgreementTally(
                agreement: code,
                title: code,
                provider: provider,
                providerName: provider,
                client: "CRED",
                clientName: "Crédito",
                invitations: 10
            )
            for index in 0..<answers { tally.figures.add(SurveyAnswer(ratings: ["quality": 1 + index % 5], recommend: index % 11)) }
            tally.comments = answers > 3 ? ["Bien"] : []
            tally.imported = 1
            return tally
        }
        let results = CampaignResults(
            campaign: campaign,
            tallies: [tally("TI-A", answers: 6), tally("TI-B", answers: 5), tally("SEG-A", answers: 2, provider: "SEG")],
            k: 3
        )
        let shown = try #require(results.providers.last?.agreements.first?.figures)
        let trend = CampaignTrend(
            periods: [Period("2026-08")!, Period("2026-09")!],
            rows: [
                CampaignTrend.Row(
                    agreement: "TI-A",
                    title: "TI-A",
                    points: [CampaignTrend.Point(campaign: "ENC", period: Period("2026-09")!, figures: shown)]
                )
            ]
        )
        let messages = try await PageRenderer(directory: try ResourceLocator.home().appendingPathComponent("templates")).messages(.spanish)
        let page = CampaignPage(results, trend: trend, mayRun: true, mail: nil, today: Fixtures.today, language: .spanish, messages: messages)
        Self.check(page)
        Self.check(page.total)
        for provider in page.providers {
            Self.check(provider)
            for row in provider.agreements {
                Self.check(row)
                Self.check(row.figures)
            }
        }
        #expect(Set(page.providers.flatMap(\.agreements).map(\.figures.shown)) == [false, true], "hidden and shown figures both checked")
        let provider = try #require(page.providers.last)
        Self.check(try #require(provider.agreements.first?.figures.attributes.first))
        Self.check(try #require(provider.agreements.first?.figures.distribution.first))
        Self.check(try #require(page.trendRows.first))
        for cell in page.trendRows[0].cells { Self.check(cell) }
    }
}
