import Foundation
import NIOCore
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

/// External NPS on both databases: answers taken one by one (group commit) or imported, counted as
/// they arrive, and every figure read from the counts equal to SPEC's formula over the answers.
@Suite struct ExternalNPSTests {
    static let zone = TimeZone(identifier: "America/Guayaquil")!
    /// 2026-11-30 12:00 in Quito.
    static let now = Date(timeIntervalSince1970: 1_796_058_000)

    static let touchpoints = [
        Touchpoint(code: "AG-001", channel: "branch", name: "Agencia Centro", region: "Sierra"),
        Touchpoint(code: "AG-002", channel: "branch", name: "Agencia Norte", region: "Sierra"),
        Touchpoint(code: "ATM-1", channel: "atm", name: "Cajero Mall", region: "Costa"),
        Touchpoint(code: "APP", channel: "digital", name: "App móvil"),
        Touchpoint(code: "CC-1", channel: "contact_center", name: "Call center"),
    ]
    static let transactions = ["deposit", "withdrawal", "loan"]

    static func seedRegistry(_ store: Store) async throws {
        for touchpoint in Self.touchpoints { try await store.nps.save(touchpoint, at: Self.now) }
        for code in Self.transactions { try await store.nps.save(TransactionType(code: code, name: code.capitalized), at: Self.now) }
    }

    static func randomAnswer(_ ref: String, using generator: inout SeededGenerator) -> NPSAnswer {
        let touchpoint = Self.touchpoints.randomElement(using: &generator)!
        // Within the last 100 days, at any second: days, weeks, months and quarters all split.
        let answeredAt = Int64(Self.now.timeIntervalSince1970) - Int64.random(in: 0..<(100 * 86_400), using: &generator)
        return NPSAnswer(
            externalRef: ref,
            answeredAt: answeredAt,
            channel: touchpoint.channel,
            touchpoint: touchpoint.code,
            transaction: Self.transactions.randomElement(using: &generator)!,
            score: Int.random(in: 0...10, using: &generator),
            comment: Bool.random(using: &generator) ? "Comentario \(ref)" : ""
        )
    }

    /// Every figure the counts give, against SPEC's formula over `answers` (the final answer of each reference).
    static func expectFigures(_ store: Store, match answers: [NPSAnswer]) async throws {
        let today = LocalDate(Self.now, in: Self.zone)
        for granularity in NPSPeriod.Granularity.allCases {
            let periods = NPSPeriod(containing: today, granularity).trailing(granularity == .day ? 100 : 5)
            let series = try await store.nps.series(periods)
            for (period, tally) in zip(periods, series) {
                let inPeriod = answers.filter { period.contains(LocalDate(Date(timeIntervalSince1970: TimeInterval($0.answeredAt)), in: Self.zone)) }
                let expected = NPS(scores: inPeriod.map(\.score))
                #expect(tally == expected.tally, "\(period)")
                #expect(tally.score == expected.score && tally.marginOfError == expected.marginOfError)
                guard granularity != .day || period.first.day % 7 == 0 else { continue }
                #expect(try await store.nps.tally(period) == expected.tally)
                for dimension in NPSDimension.allCases {
                    let groups = try await store.nps.breakdown(period, by: dimension)
                    let key: (NPSAnswer) -> String =
                        switch dimension {
                        case .channel: { $0.channel }
                        case .transaction: { $0.transaction }
                        case .touchpoint: { $0.touchpoint }
                        }
                    let expectedGroups = Dictionary(grouping: inPeriod, by: key).mapValues { NPS(scores: $0.map(\.score)).tally }
                    #expect(Dictionary(uniqueKeysWithValues: groups.map { ($0.key, $0.tally) }) == expectedGroups, "\(period) by \(dimension)")
                }
                // Filters read the same counts narrowed.
                let branch = inPeriod.filter { $0.channel == "branch" && $0.transaction == "loan" }
                #expect(
                    try await store.nps.tally(period, NPSFilter(channel: "branch", transaction: "loan")) == NPS(scores: branch.map(\.score)).tally
                )
                let atm = inPeriod.filter { $0.touchpoint == "ATM-1" }
                #expect(try await store.nps.tally(period, NPSFilter(touchpoint: "ATM-1")) == NPS(scores: atm.map(\.score)).tally)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func answersSentOneByOneAreCountedExactly(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seedRegistry(store)
            let ingest = NPSIngest(store: store, unknown: .refuse, timeZone: Self.zone)
            var generator = SeededGenerator(seed: 12)
            var sent: [NPSAnswer] = []
            for index in 0..<600 { sent.append(Self.randomAnswer("R-\(index)", using: &generator)) }
            // Retries of some (identical), and corrections of others (another score, day or touchpoint).
            let retries = sent.prefix(50)
            var corrections: [NPSAnswer] = []
            for index in stride(from: 100, to: 180, by: 1) {
                var corrected = Self.randomAnswer("R-\(index)", using: &generator)
                corrected.externalRef = sent[index].externalRef
                corrections.append(corrected)
            }
            let outcomes = try await withThrowingTaskGroup(of: NPSWriteOutcome.self) { group in
                for answer in sent { group.addTask { try await ingest.submit(answer) } }
                var outcomes: [NPSWriteOutcome] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.filter { $0 == .created }.count == 600)
            let again = try await withThrowingTaskGroup(of: NPSWriteOutcome.self) { group in
                for answer in Array(retries) + corrections { group.addTask { try await ingest.submit(answer) } }
                var outcomes: [NPSWriteOutcome] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            #expect(again.filter { $0 == .unchanged }.count == 50, "a retry never duplicates")
            #expect(again.filter { $0 == .updated }.count == 80)
            #expect(try await store.nps.count() == 600)
            var final = sent
            for correction in corrections { final[Int(correction.externalRef.dropFirst(2))!] = correction }
            try await Self.expectFigures(store, match: final)
        }
    }

    /// The group commit binds a batch as one JSON text on PostgreSQL: whatever a customer writes
    /// comes back as written.
    @Test(arguments: TestDatabase.available)
    func commentsComeBackAsWritten(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seedRegistry(store)
            let ingest = NPSIngest(store: store, unknown: .refuse, timeZone: Self.zone)
            let comments = [
                #"Dijo "pésimo" \ y se fue"#, "Dos\nlíneas\tcon tabulador", "Control \u{01}\u{1F}\u{7F} y \u{2028}", "Ñandú 😡 ¿Por qué?",
                #"{"i":1,"m":"x"}"#, "\\u0041 no es A", "",
            ]
            let base = Int64(Self.now.timeIntervalSince1970) - 3600
            try await withThrowingTaskGroup(of: NPSWriteOutcome.self) { group in
                for (index, comment) in comments.enumerated() {
                    group.addTask {
                        try await ingest.submit(
                            NPSAnswer(
                                externalRef: #"ref "\#(index)" \ ñ"#,
                                answeredAt: base + Int64(index),
                                channel: "digital",
                                touchpoint: "APP",
                                transaction: "loan",
                                score: index,
                                comment: comment
                            )
                        )
                    }
                }
                for try await outcome in group { #expect(outcome == .created) }
            }
            let day = NPSPeriod(containing: LocalDate(Self.now, in: Self.zone), .day)
            let stored = try await store.nps.comments(day, timeZone: Self.zone, limit: 20)
            #expect(stored.map(\.comment) == comments.dropLast().reversed(), "newest first, the empty one left out")
            #expect(stored.map(\.score) == Array((0..<comments.count - 1).reversed()))
        }
    }

    @Test(arguments: TestDatabase.available)
    func oneReferenceSentTwiceAtOnceIsWrittenOnce(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seedRegistry(store)
            let ingest = NPSIngest(store: store, unknown: .refuse, timeZone: Self.zone, writers: 3)
            let answer = NPSAnswer(
                externalRef: "SAME",
                answeredAt: Int64(Self.now.timeIntervalSince1970) - 60,
                channel: "atm",
                touchpoint: "ATM-1",
                transaction: "withdrawal",
                score: 3
            )
            let outcomes = try await withThrowingTaskGroup(of: NPSWriteOutcome.self) { group in
                for _ in 0..<20 { group.addTask { try await ingest.submit(answer) } }
                var outcomes: [NPSWriteOutcome] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.filter { $0 == .created }.count == 1)
            #expect(outcomes.filter { $0 == .unchanged }.count == 19)
            #expect(try await store.nps.tally(NPSPeriod(containing: LocalDate(Self.now, in: Self.zone), .day)) == NPSTally(detractors: 1))
        }
    }

    @Test(arguments: TestDatabase.available)
    func unknownTouchpointsAreRefusedOrRegisteredBySetting(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seedRegistry(store)
            let stamp = Int64(Self.now.timeIntervalSince1970) - 3600
            let unknown = NPSAnswer(
                externalRef: "U-1",
                answeredAt: stamp,
                channel: "correspondent",
                touchpoint: "CNB-77",
                transaction: "deposit",
                score: 9
            )
            let refusing = NPSIngest(store: store, unknown: .refuse, timeZone: Self.zone)
            guard case .refused(let problem) = try await refusing.submit(unknown) else {
                Issue.record("an unknown touchpoint is refused")
                return
            }
            #expect(problem.column == "touchpoint" && problem.code == "unknown_touchpoint")
            let wrongChannel = NPSAnswer(
                externalRef: "U-2",
                answeredAt: stamp,
                channel: "digital",
                touchpoint: "ATM-1",
                transaction: "deposit",
                score: 9
            )
            #expect(
                try await refusing.submit(wrongChannel)
                    == .refused(
                        .init(column: "channel", code: "channel_mismatch", message: "The touchpoint ATM-1 is on the channel atm, not digital.")
                    )
            )
            var unknownTransaction = unknown
            unknownTransaction.touchpoint = "APP"
            unknownTransaction.channel = "digital"
            unknownTransaction.transaction = "insurance"
            guard case .refused(let transactionProblem) = try await refusing.submit(unknownTransaction) else {
                Issue.record("an unknown transaction type is refused")
                return
            }
            #expect(transactionProblem.code == "unknown_transaction")
            #expect(try await store.nps.count() == 0)

            let registering = NPSIngest(store: store, unknown: .register, timeZone: Self.zone)
            #expect(try await registering.submit(unknown) == .created)
            let registered = try await store.nps.touchpoint("CNB-77")
            #expect(registered?.channel == "correspondent" && registered?.reviewed == false)
            #expect(try await store.nps.touchpoints(unreviewed: true).touchpoints.map(\.code) == ["CNB-77"])
            // Reviewing it keeps its answers; its channel is then fixed.
            try await store.nps.save(Touchpoint(code: "CNB-77", channel: "correspondent", name: "Tienda Don Pepe"), at: Self.now)
            #expect(try await store.nps.touchpoint("CNB-77")?.reviewed == true)
            await #expect(throws: NPSRegistryError.self) {
                try await store.nps.save(Touchpoint(code: "CNB-77", channel: "branch", name: "Tienda Don Pepe"), at: Self.now)
            }
        }
    }

    static func chunks(_ text: String, size: Int = 97) -> AsyncStream<ByteBuffer> {
        RequestRepositoryTests.chunks(text, size: size)
    }

    @Test(arguments: TestDatabase.available)
    func importsAreAllOrNothingWithEveryBadRowReported(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seedRegistry(store)
            let csv = """
                external_ref,answered_at,channel,touchpoint,transaction,score,comment,agent
                C-1,2026-11-02T10:00:00-05:00,branch,AG-001,deposit,10,"Muy bien, gracias",x
                C-2,2026-11-02 11:30,branch,AG-001,loan,3,Tardaron mucho,y
                C-3,2026-11-03T09:00:00-05:00,branch,AG-404,loan,8,,z
                C-4,2026-11-03T09:00:00-05:00,atm,ATM-1,withdrawal,11,,z
                C-5,2027-06-01T09:00:00-05:00,atm,ATM-1,withdrawal,7,,z
                ,2026-11-03T09:00:00-05:00,atm,ATM-1,withdrawal,7,,z

                """
            let options = NPSImportOptions(skipInvalid: false, unknown: .refuse, timeZone: Self.zone, instant: Self.now)
            let refused = try await store.nps.importCSV(Self.chunks(csv), options)
            #expect(!refused.committed)
            #expect(
                Set(refused.problems.map { "\($0.line):\($0.column):\($0.code)" }) == [
                    "4:touchpoint:unknown_touchpoint", "5:score:invalid_score", "6:answered_at:in_future", "7:external_ref:required",
                ]
            )
            #expect(refused.ignoredColumns == ["agent"])
            #expect(try await store.nps.count() == 0, "nothing written")

            var skipping = options
            skipping.skipInvalid = true
            let kept = try await store.nps.importCSV(Self.chunks(csv), skipping)
            #expect(kept.committed && kept.created == 2 && kept.skipped == 4)
            let november = NPSPeriod("2026-11")!
            #expect(try await store.nps.tally(november) == NPSTally(promoters: 1, detractors: 1))
            // A local time without offset is read in the organisation's zone: 11:30 in Quito.
            let comments = try await store.nps.comments(november, kinds: [.detractor], timeZone: Self.zone, limit: 10)
            #expect(comments.map(\.comment) == ["Tardaron mucho"])
            #expect(comments.first?.answeredAt == Date(timeIntervalSince1970: 1_793_637_000))

            // NDJSON: the same rules, one object per line; unknown fields and broken lines are named.
            let ndjson = """
                {"external_ref":"J-1","answered_at":"2026-11-04T10:00:00-05:00","channel":"digital","touchpoint":"APP","transaction":"loan","score":9}
                {"external_ref":"J-2","answered_at":"2026-11-04T10:00:00-05:00","channel":"digital","touchpoint":"APP","transaction":"loan","score":6,"agnet":1}
                {"external_ref":"J-3",

                {"external_ref":"C-2","answered_at":"2026-11-02T11:30:00-05:00","channel":"branch","touchpoint":"AG-001","transaction":"loan","score":7,"comment":"Ya lo resolvieron"}
                """
            let json = try await store.nps.importNDJSON(Self.chunks(ndjson, size: 50), options)
            #expect(Set(json.problems.map { "\($0.line):\($0.column):\($0.code)" }) == ["2:agnet:unknown_field", "3::invalid_json"])
            let jsonKept = try await store.nps.importNDJSON(Self.chunks(ndjson, size: 50), skipping)
            #expect(jsonKept.created == 1 && jsonKept.updated == 1)
            #expect(try await store.nps.tally(november) == NPSTally(promoters: 2, passives: 1), "C-2 moved from detractor to passive")
        }
    }

    @Test(arguments: TestDatabase.available)
    func registryImportsAndTheCommentsFeed(database: TestDatabase) async throws {
        try await database.withStore { store in
            let touchpoints = """
                code,channel,name,region,active
                AG-001,branch,Agencia Centro,Sierra,true
                ATM-1,ATM,Cajero Mall,Costa,no
                ATM-1,atm,Cajero Mall,Costa,no
                bad code,branch,X,,
                AG-002,branch,,Sierra,maybe

                """
            let refused = try await store.nps.importTouchpoints(bytes: Array(touchpoints.utf8), skipInvalid: false, at: Self.now)
            #expect(!refused.committed)
            #expect(
                Set(refused.problems.map { "\($0.line):\($0.column):\($0.code)" }) == [
                    "4:code:duplicate", "5:code:invalid_code", "6:name:required", "6:active:invalid_flag",
                ]
            )
            let kept = try await store.nps.importTouchpoints(bytes: Array(touchpoints.utf8), skipInvalid: true, at: Self.now)
            #expect(kept.committed && kept.created == 2)
            #expect(
                try await store.nps.touchpoint("ATM-1")
                    == Touchpoint(code: "ATM-1", channel: "atm", name: "Cajero Mall", region: "Costa", active: false)
            )
            let transactions = try await store.nps.importTransactions(
                bytes: Array("code,name\ndeposit,Depósito\n".utf8),
                skipInvalid: false,
                at: Self.now
            )
            #expect(transactions.committed)
            #expect(try await store.nps.transactions().map(\.name) == ["Depósito"])

            let ingest = NPSIngest(store: store, unknown: .refuse, timeZone: Self.zone)
            let base = Int64(Self.now.timeIntervalSince1970) - 7200
            for (index, score) in [2, 9, 6, 7, 10, 0].enumerated() {
                _ = try await ingest.submit(
                    NPSAnswer(
                        externalRef: "F-\(index)",
                        answeredAt: base + Int64(index) * 60,
                        channel: "branch",
                        touchpoint: "AG-001",
                        transaction: "deposit",
                        score: score,
                        comment: index == 4 ? "" : "Comentario \(index)"
                    )
                )
            }
            let week = NPSPeriod(containing: LocalDate(Self.now, in: Self.zone), .week)
            let detractors = try await store.nps.comments(week, kinds: [.detractor], timeZone: Self.zone, limit: 10)
            #expect(detractors.map(\.score) == [0, 6, 2], "newest first")
            let all = try await store.nps.comments(week, NPSFilter(touchpoint: "AG-001"), timeZone: Self.zone, limit: 2, offset: 1)
            #expect(all.map(\.score) == [7, 6], "the second page of one, filtered by touchpoint, with the comment-less answer left out")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aProvidersNPSCountsEachAnswerItsLinesCoverOnce(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await Self.seedRegistry(store)
            _ = try await store.units.upsert([OrgUnit(code: "TI", name: "Tecnología"), OrgUnit(code: "TES", name: "Tesorería")], at: Self.now)
            let refused = try await store.nps.replaceSupportMap(
                bytes: Array("unit,channel,transaction\nTI,atm,\nNOPE,atm,\nTI,,\n".utf8),
                skipInvalid: false
            )
            #expect(!refused.committed)
            #expect(Set(refused.problems.map { "\($0.line):\($0.column):\($0.code)" }) == ["3:unit:unknown_unit", "4:channel:required"])
            // TI supports the ATMs and every withdrawal: an ATM withdrawal is counted once.
            let map = "unit,channel,transaction\nTI,atm,\nTI,,withdrawal\nTES,branch,deposit\n"
            #expect(try await store.nps.replaceSupportMap(bytes: Array(map.utf8), skipInvalid: false).committed)
            #expect(try await store.nps.supportMap().count == 3)
            var generator = SeededGenerator(seed: 3)
            let answers = (0..<400).map { Self.randomAnswer("S-\($0)", using: &generator) }
            _ = try await store.nps.write(answers, unknown: .refuse, timeZone: Self.zone, at: Self.now)
            let months = NPSPeriod(containing: LocalDate(Self.now, in: Self.zone), .month).trailing(4)
            for (unit, line) in [
                ("TI", [SupportLine(unit: "TI", channel: "atm"), SupportLine(unit: "TI", transaction: "withdrawal")]),
                ("TES", [SupportLine(unit: "TES", channel: "branch", transaction: "deposit")]),
            ] {
                let series = try await store.nps.supportedSeries(unit: unit, months)
                for (month, tally) in zip(months, series) {
                    let covered = answers.filter { answer in
                        month.contains(LocalDate(Date(timeIntervalSince1970: TimeInterval(answer.answeredAt)), in: Self.zone))
                            && line.contains { $0.covers(channel: answer.channel, transaction: answer.transaction) }
                    }
                    #expect(tally == NPS(scores: covered.map(\.score)).tally, "\(unit) \(month)")
                }
            }
        }
    }
}
