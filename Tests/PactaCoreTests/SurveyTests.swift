import Foundation
import PactaCore
import Testing

@Suite struct NPSTests {
    @Test func theScoreAndMarginFollowTheSpecFormula() throws {
        // 5 promoters, 3 passives, 2 detractors out of 10.
        let nps = NPS(scores: [10, 9, 9, 10, 9, 8, 7, 7, 6, 0])
        #expect(nps.n == 10 && nps.promoters == 5 && nps.passives == 3 && nps.detractors == 2)
        #expect(nps.score == 30)
        // 1.96 × 100 × sqrt((0.5 + 0.2 − 0.3²) / 10) = 1.96 × 100 × sqrt(0.061)
        let margin = try #require(nps.marginOfError)
        #expect(abs(margin - 1.96 * 100 * (0.061 as Double).squareRoot()) < 1e-9)
        #expect(abs(margin - 48.4085) < 1e-4)
        #expect(nps.distribution == [1, 0, 0, 0, 0, 0, 1, 2, 1, 3, 2])
    }

    @Test func allPromotersHaveNoMarginAndNoAnswersNoScore() {
        #expect(NPS(scores: [9, 10, 10]).score == 100 && NPS(scores: [9, 10, 10]).marginOfError == 0)
        #expect(NPS(scores: [0, 6]).score == -100)
        #expect(NPS().score == nil && NPS().marginOfError == nil && NPS().n == 0)
    }

    @Test func mergingEqualsCountingTogether() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let a = (0..<Int.random(in: 0...30, using: &generator)).map { _ in Int.random(in: 0...10, using: &generator) }
            let b = (0..<Int.random(in: 0...30, using: &generator)).map { _ in Int.random(in: 0...10, using: &generator) }
            var merged = NPS(scores: a)
            merged.merge(NPS(scores: b))
            #expect(merged == NPS(scores: a + b))
            // The reference, straight from SPEC.
            let all = a + b
            guard !all.isEmpty else { continue }
            let n = Double(all.count)
            let p = Double(all.filter { $0 >= 9 }.count) / n
            let d = Double(all.filter { $0 <= 6 }.count) / n
            #expect(abs(merged.score! - 100 * (p - d)) < 1e-9)
            #expect(abs(merged.marginOfError! - 1.96 * 100 * ((p + d - (p - d) * (p - d)) / n).squareRoot()) < 1e-9)
        }
    }
}

@Suite struct PerceptionTests {
    @Test func theIndexIsTheMeanOfEveryRatingMappedToAHundred() throws {
        let figures = PerceptionFigures([
            SurveyAnswer(ratings: ["timeliness": 5, "quality": 4], recommend: 9),
            SurveyAnswer(ratings: ["timeliness": 3], recommend: 6, comment: "Tardan en responder"),
            SurveyAnswer(ratings: [:], recommend: 10),
        ])
        // Ratings 5, 4, 3: mean 4 → (4 − 1) / 4 × 100 = 75.
        #expect(figures.perceptionIndex == 75)
        #expect(figures.responses == 3 && figures.ratings == .init(sum: 12, count: 3))
        #expect(figures.attributes["timeliness"]?.mean == 4 && figures.attributes["quality"]?.mean == 4)
        #expect(figures.nps.score.map { ($0 * 1e9).rounded() / 1e9 } == ((100.0 / 3) * 1e9).rounded() / 1e9)
        #expect(PerceptionFigures([SurveyAnswer(ratings: [:], recommend: 8)]).perceptionIndex == nil)
        #expect(PerceptionFigures([SurveyAnswer(ratings: ["a": 1], recommend: 8)]).perceptionIndex == 0)
        #expect(PerceptionFigures([SurveyAnswer(ratings: ["a": 5], recommend: 8)]).perceptionIndex == 100)
    }

    @Test func groupsAddUpExactly() {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<100 {
            let answers = (0..<Int.random(in: 1...40, using: &generator)).map { _ in
                SurveyAnswer(
                    ratings: ["a": Int.random(in: 1...5, using: &generator), "b": Int.random(in: 1...5, using: &generator)],
                    recommend: Int.random(in: 0...10, using: &generator)
                )
            }
            let cut = Int.random(in: 0...answers.count, using: &generator)
            var merged = PerceptionFigures(answers[..<cut])
            merged.merge(PerceptionFigures(answers[cut...]))
            #expect(merged == PerceptionFigures(answers))
            let ratings = answers.flatMap { $0.ratings.values }
            let mean = Double(ratings.reduce(0, +)) / Double(ratings.count)
            #expect(abs(merged.perceptionIndex! - (mean - 1) / 4 * 100) < 1e-9)
        }
    }

    @Test func answersAreCheckedAgainstTheQuestionnaire() {
        let questionnaire = Questionnaire.standard
        #expect(throws: Never.self) { try SurveyAnswer(ratings: ["timeliness": 5], recommend: 0).validate(against: questionnaire) }
        do {
            try SurveyAnswer(ratings: ["timeliness": 6, "speed": 3], recommend: 11, comment: String(repeating: "x", count: 2001))
                .validate(against: questionnaire)
            Issue.record("accepted")
        } catch {
            #expect(error.issues.map(\.field) == ["ratings.speed", "ratings.timeliness", "recommend", "comment"])
            #expect(error.issues.map(\.code) == ["unknown_field", "out_of_range", "out_of_range", "too_long"])
        }
    }

    @Test func aQuestionnaireNamesEachAttributeOnceInBothLanguages() {
        #expect(throws: Never.self) { try Questionnaire.standard.validate() }
        let bad = Questionnaire(attributes: [
            SurveyAttribute(key: "quality", label: Bilingual(es: "Calidad", en: "")),
            SurveyAttribute(key: "quality", label: Bilingual(es: "Calidad", en: "Quality")),
        ])
        #expect(throws: ValidationError.self) { try bad.validate() }
        do { try bad.validate() } catch {
            #expect(error.issues.map(\.field) == ["attributes[0].label.en", "attributes[1].key"])
        }
        do { try Questionnaire(attributes: []).validate() } catch { #expect(error.issues.map(\.code) == ["required"]) }
    }
}

@Suite struct SoftIndicatorTests {
    let index = Commitment(key: "PERC", name: "Percepción", metric: .perceptionIndex, target: 75, weight: 1)
    let nps = Commitment(key: "NPSI", name: "NPS interno", metric: .internalNPS, target: 30, weight: 1)

    func answers(_ ratings: [Int], recommend: [Int]) -> PerceptionFigures {
        PerceptionFigures(zip(ratings, recommend).map { SurveyAnswer(ratings: ["a": $0], recommend: $1) })
    }

    @Test func aTargetReachedExactlyIsMet() {
        // Ratings 5, 4, 3 → index 75; recommend 9, 10, 6 → (2 − 1) / 3 = 33,3.
        let figures = self.answers([5, 4, 3], recommend: [9, 10, 6])
        #expect(SoftIndicators.measure(self.index, figures: figures, k: 3).status == .met)
        #expect(SoftIndicators.measure(self.index, figures: figures, k: 3).value == 75)
        #expect(SoftIndicators.measure(self.nps, figures: figures, k: 3).status == .met)
        let lower = self.answers([5, 4, 2], recommend: [9, 8, 6])
        #expect(SoftIndicators.measure(self.index, figures: lower, k: 3).status == .notMet)
        #expect(SoftIndicators.measure(self.nps, figures: lower, k: 3).status == .notMet)
        // 10 answers at exactly NPS 30.
        let thirty = self.answers(Array(repeating: 4, count: 10), recommend: [10, 9, 9, 10, 9, 8, 7, 7, 6, 0])
        #expect(SoftIndicators.measure(self.nps, figures: thirty, k: 3).status == .met)
    }

    @Test func fewerThanKAnswersOrNoCampaignIsNoData() {
        let two = self.answers([5, 5], recommend: [10, 10])
        let measured = SoftIndicators.measure(self.index, figures: two, k: 3)
        #expect(measured.status == .noData && measured.value == nil && measured.responses == 2)
        #expect(SoftIndicators.measure(self.index, figures: two, k: 2).status == .met)
        #expect(SoftIndicators.measure(self.nps, figures: nil, k: 3).status == .noData)
        // Answers that rate nothing leave the index without data, not at zero.
        let unrated = PerceptionFigures((0..<3).map { _ in SurveyAnswer(ratings: [:], recommend: 9) })
        #expect(SoftIndicators.measure(self.index, figures: unrated, k: 3).status == .noData)
    }
}

@Suite struct DisclosureTests {
    typealias Group = Disclosure.Group

    /// A campaign, one provider with three agreements (5, 4 and 2 answers) and another with one.
    let groups = [
        Group(id: "campaign", parent: nil, responses: 17),
        Group(id: "TI", parent: "campaign", responses: 11),
        Group(id: "TI-CRED", parent: "TI", responses: 5),
        Group(id: "TI-COM", parent: "TI", responses: 4),
        Group(id: "TI-HIP", parent: "TI", responses: 2),
        Group(id: "CONT", parent: "campaign", responses: 6),
        Group(id: "CONT-COM", parent: "CONT", responses: 6),
    ]

    @Test func theProviderTotalMinusItsOtherAgreementsRevealsNothing() {
        let shown = Disclosure.shown(self.groups, k: 3)
        // TI-HIP has 2 answers: hidden. Showing TI (11), TI-CRED (5) and TI-COM (4) would give it
        // away as 11 − 5 − 4, so the smallest other agreement, TI-COM, is hidden with it: 11 − 5 = 6.
        #expect(!shown.contains("TI-HIP") && !shown.contains("TI-COM"))
        #expect(shown.contains("TI") && shown.contains("TI-CRED") && shown.contains("campaign"))
        #expect(shown.contains("CONT") && shown.contains("CONT-COM"))
    }

    @Test func aGroupBelowKIsNeverShownAndEmptyGroupsAreNot() {
        let shown = Disclosure.shown([Group(id: "a", parent: nil, responses: 2), Group(id: "b", parent: nil, responses: 0)], k: 3)
        #expect(shown.isEmpty)
        #expect(Disclosure.shown([Group(id: "a", parent: nil, responses: 3)], k: 3) == ["a"])
    }

    /// Every difference of a shown group and shown groups inside it, disjoint, on random trees:
    /// each is empty or has at least k answers.
    @Test func noSubtractionOfShownFiguresRevealsAGroupBelowK() {
        var generator = SeededGenerator(seed: 2026)
        for _ in 0..<400 {
            let k = Int.random(in: 2...5, using: &generator)
            var groups: [Group] = []
            var campaign = 0
            for provider in 0..<Int.random(in: 1...4, using: &generator) {
                var total = 0
                var agreements: [Group] = []
                for agreement in 0..<Int.random(in: 1...4, using: &generator) {
                    let n = Int.random(in: 0...7, using: &generator)
                    total += n
                    agreements.append(Group(id: "p\(provider)a\(agreement)", parent: "p\(provider)", responses: n))
                }
                groups.append(Group(id: "p\(provider)", parent: "c", responses: total))
                groups += agreements
                campaign += total
            }
            groups.append(Group(id: "c", parent: nil, responses: campaign))
            let shown = Disclosure.shown(groups.shuffled(using: &generator), k: k)
            let visible = groups.filter { shown.contains($0.id) }
            #expect(visible.allSatisfy { $0.responses >= k })
            for outer in visible {
                let inside = visible.filter { $0.id != outer.id && Self.isInside($0, outer, groups) }
                // Every subset of disjoint shown groups inside it (trees here are small).
                for mask in 0..<(1 << inside.count) {
                    let chosen = inside.indices.filter { mask & (1 << $0) != 0 }.map { inside[$0] }
                    let disjoint = chosen.allSatisfy { a in chosen.allSatisfy { b in a.id == b.id || !Self.isInside(a, b, groups) } }
                    guard disjoint else { continue }
                    let rest = outer.responses - chosen.reduce(0) { $0 + $1.responses }
                    #expect(rest == 0 || rest >= k, "\(outer.id) minus \(chosen.map(\.id)) leaves \(rest) < \(k): \(groups)")
                }
            }
        }
    }

    static func isInside(_ inner: Group, _ outer: Group, _ groups: [Group]) -> Bool {
        var parent = inner.parent
        while let id = parent {
            if id == outer.id { return true }
            parent = groups.first { $0.id == id }?.parent
        }
        return false
    }
}
