import Foundation
import PactaCore
import Testing

/// SPEC "Agreement compliance", checked against exact integer arithmetic.
@Suite struct ComplianceTests {
    static func scored(_ pairs: [(Double, CommitmentStatus)]) -> [ScoredCommitment] {
        pairs.enumerated().map { index, pair in
            ScoredCommitment(commitment: "C\(index + 1)", kind: .hard, metric: .volume, weight: pair.0, status: pair.1)
        }
    }

    @Test func theScoreIsTheWeightMetOverTheWeightKnown() {
        // The nearest double to 400⁄9, as the same division in binary gives it.
        #expect(AgreementCompliance(Self.scored([(4, .met), (5, .notMet)])).score == 400.0 / 9)
        let mixed = AgreementCompliance(Self.scored([(1, .met), (1, .notMet), (1, .noData)]))
        #expect(mixed.score == 50 && mixed.status == .breached && mixed.withoutData == ["C3"])
        let allMet = AgreementCompliance(Self.scored([(2, .met), (1, .met), (5, .noData)]))
        #expect(allMet.score == 100 && allMet.status == .compliant)
        let weighted = AgreementCompliance(Self.scored([(4, .met), (1, .notMet)]))
        #expect(weighted.score == 80 && weighted.status == .atRisk, "80 is at risk, not breached")
        let nothing = AgreementCompliance(Self.scored([(1, .noData), (3, .noData)]))
        #expect(nothing.score == nil && nothing.status == .noData, "no data is never compliant")
        #expect(AgreementCompliance([]).status == .noData)
    }

    @Test func weightsAreReadAsWrittenNotAsBinaryFractions() {
        // 0.7 and 2.9 met of 4.5 is 80 exactly; in binary it is 79.99999999999999, breached.
        let met: Double = 0.7 + 2.9
        let known: Double = 0.7 + 0.9 + 2.9
        #expect(100 * met / known < 80, "what binary arithmetic would say")
        let compliance = AgreementCompliance(Self.scored([(0.7, .met), (0.9, .notMet), (2.9, .met)]))
        #expect(compliance.status == .atRisk && compliance.score == 80)
    }

    @Test func thresholdsAreSettings() {
        let strict = ComplianceThresholds(compliant: 100, atRisk: 90)
        #expect(AgreementCompliance(Self.scored([(4, .met), (1, .notMet)]), thresholds: strict).status == .breached)
        let lenient = ComplianceThresholds(compliant: 75, atRisk: 50)
        #expect(AgreementCompliance(Self.scored([(3, .met), (1, .notMet)]), thresholds: lenient).status == .compliant)
    }

    /// Every status against the brute force: compliant ⇔ 100·met ≥ 100·known, at risk ⇔ 100·met ≥ 80·known.
    @Test func theStatusMatchesExactIntegerArithmetic() {
        var generator = SeededGenerator(seed: 11)
        let statuses: [CommitmentStatus] = [.met, .notMet, .noData]
        for _ in 0..<5_000 {
            let commitments = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                (Double(Int.random(in: 1...20, using: &generator)), statuses.randomElement(using: &generator)!)
            }
            let met = commitments.filter { $0.1 == .met }.reduce(0) { $0 + Int($1.0) }
            let known = commitments.filter { $0.1 != .noData }.reduce(0) { $0 + Int($1.0) }
            let expected: ComplianceStatus =
                known == 0 ? .noData : met == known ? .compliant : 100 * met >= 80 * known ? .atRisk : .breached
            let compliance = AgreementCompliance(Self.scored(commitments))
            #expect(compliance.status == expected, "\(commitments)")
            if known > 0 { #expect(abs(compliance.score! - 100 * Double(met) / Double(known)) < 1e-9) }
        }
    }

    static func part(_ name: String, met: Double, of known: Double, volume: Int) -> UnitCompliance.Part {
        let commitments =
            (met > 0 ? [ScoredCommitment(commitment: "A", kind: .hard, metric: .volume, weight: met, status: .met)] : [])
            + (known > met ? [ScoredCommitment(commitment: "B", kind: .hard, metric: .volume, weight: known - met, status: .notMet)] : [])
        return UnitCompliance.Part(agreement: name, period: Period("2026-10")!, compliance: AgreementCompliance(commitments), volume: volume)
    }

    @Test func aUnitsComplianceIsTheVolumeWeightedMean() {
        let unit = UnitCompliance([Self.part("A", met: 1, of: 2, volume: 300), Self.part("B", met: 1, of: 1, volume: 100)])
        #expect(unit.score == 62.5 && unit.status == .breached && unit.weightedByVolume && unit.volume == 400)
        // Without requests, equal weights.
        let equal = UnitCompliance([Self.part("A", met: 1, of: 2, volume: 0), Self.part("B", met: 1, of: 1, volume: 0)])
        #expect(equal.score == 75 && !equal.weightedByVolume)
        // An agreement without data counts for nothing; none at all is no data.
        let nothing = UnitCompliance.Part(agreement: "C", period: Period("2026-10")!, compliance: AgreementCompliance([]), volume: 50)
        #expect(UnitCompliance([Self.part("A", met: 1, of: 1, volume: 10), nothing]).status == .compliant)
        #expect(UnitCompliance([nothing]).status == .noData && UnitCompliance([]).score == nil)
        // ⅔ and 14⁄15 with equal volumes make exactly 80: at risk, whatever the rounding of thirds.
        let boundary = UnitCompliance([Self.part("A", met: 2, of: 3, volume: 7), Self.part("B", met: 14, of: 15, volume: 7)])
        #expect(boundary.status == .atRisk && abs(boundary.score! - 80) < 1e-12)
    }

    /// The unit's status against the brute force over integer fractions (common denominator).
    @Test func aUnitsStatusMatchesExactIntegerArithmetic() {
        var generator = SeededGenerator(seed: 12)
        for _ in 0..<3_000 {
            let parts = (0..<Int.random(in: 1...4, using: &generator)).map { index in
                let known = Int.random(in: 1...9, using: &generator)
                let met = Int.random(in: 0...known, using: &generator)
                let volume = Int.random(in: 0...3, using: &generator) == 0 ? 0 : Int.random(in: 1...50, using: &generator)
                return (met, known, volume, Self.part("A\(index)", met: Double(met), of: Double(known), volume: volume))
            }
            let total = parts.reduce(0) { $0 + $1.2 }
            let weights = parts.map { total > 0 ? $0.2 : 1 }
            let common = parts.reduce(1) { $0 * $1.1 }
            // Σ wᵢ·metᵢ/knownᵢ over Σ wᵢ, all times `common`.
            let numerator = zip(parts, weights).reduce(0) { $0 + $1.1 * $1.0.0 * (common / $1.0.1) }
            let denominator = weights.reduce(0, +) * common
            let expected: ComplianceStatus =
                100 * numerator >= 100 * denominator ? .compliant : 100 * numerator >= 80 * denominator ? .atRisk : .breached
            let unit = UnitCompliance(parts.map(\.3))
            #expect(unit.status == expected, "\(parts.map { ($0.0, $0.1, $0.2) })")
            #expect(abs(unit.score! - 100 * Double(numerator) / Double(denominator)) < 1e-9)
        }
    }
}

@Suite struct ReportSpanTests {
    @Test func aSpanIsAMonthAQuarterOrAYear() {
        #expect(ReportSpan("2026")?.description == "2026" && ReportSpan("2026")?.isYear == true)
        #expect(ReportSpan("2026-Q4") == .period(Period("2026-Q4")!) && ReportSpan("2026-10") == .period(Period("2026-10")!))
        for bad in ["", "26", "20261", "2026-13", "2026-Q5", "año", "-202"] { #expect(ReportSpan(bad) == nil, "\(bad)") }
        #expect(ReportSpan("2026")?.advanced(by: -1) == .year(2025) && ReportSpan("2026-Q1")?.advanced(by: -1) == ReportSpan("2025-Q4"))
        #expect(ReportSpan("2026")?.first == LocalDate("2026-01-01") && ReportSpan("2026")?.last == LocalDate("2026-12-31"))
    }

    @Test func theReviewPeriodsWithinASpan() {
        let year = ReportSpan.year(2026)
        #expect(
            year.reviews(cadence: .monthly).count == 12
                && year.reviews(cadence: .quarterly).map(\.description) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
        )
        let quarter = ReportSpan("2026-Q3")!
        #expect(quarter.reviews(cadence: .monthly).map(\.description) == ["2026-07", "2026-08", "2026-09"])
        #expect(quarter.reviews(cadence: .quarterly).map(\.description) == ["2026-Q3"])
        let month = ReportSpan("2026-08")!
        #expect(month.reviews(cadence: .monthly).map(\.description) == ["2026-08"] && month.reviews(cadence: .quarterly).isEmpty)
    }

    @Test func theLatestEndedReviewPeriod() {
        var terms = AgreementTerms(
            title: "T",
            provider: "TI",
            client: "CRED",
            validFrom: LocalDate("2026-01-01")!,
            validTo: LocalDate("2026-12-31")!,
            cadence: .monthly,
            commitments: []
        )
        #expect(Period.latestEnded(of: terms, today: LocalDate("2026-09-21")!).description == "2026-08")
        #expect(Period.latestEnded(of: terms, today: LocalDate("2026-01-10")!).description == "2026-01", "none ended: the first")
        #expect(Period.latestEnded(of: terms, today: LocalDate("2027-03-01")!).description == "2026-12", "after its validity: the last")
        terms.cadence = .quarterly
        #expect(Period.latestEnded(of: terms, today: LocalDate("2026-09-21")!).description == "2026-Q2")
    }
}
