import Foundation
import PactaCore

extension CampaignRepository {
    /// The columns an answers file must have; each attribute the campaign asks is a column of its
    /// own (its key), and `comment` and `answered_on` may be left out.
    public static let answerColumns = ["external_ref", "agreement", "period", "recommend"]

    /// Imports answers collected elsewhere (paper forms, another survey tool) from the bytes of a
    /// CSV file: `external_ref,agreement,period,<attribute keys…>,recommend,comment,answered_on`.
    /// Each row goes to the campaign rating its agreement in its period, which must be open or
    /// closed and run by `actor`'s unit or one below it. `external_ref` is the answer's number in
    /// its source: sending a file again changes nothing, and a corrected row replaces its answer.
    /// All or nothing unless `skipInvalid`; the report lists every bad row either way. With
    /// `campaign`, every row must belong to that campaign (an import from its page).
    public func importAnswers(
        bytes: [UInt8],
        into campaign: String? = nil,
        skipInvalid: Bool,
        by actor: Actor,
        today: LocalDate
    ) async throws -> ImportReport {
        let file: CSVFile
        do {
            file = try CSVFile(
                bytes: bytes,
                required: Self.answerColumns,
                empty: "The file is empty: it needs a header such as external_ref,agreement,period,timeliness,…,recommend,comment."
            )
        } catch {
            return ImportReport(problems: error.problems)
        }
        let (header, rows) = (file.header, file.rows)
        do {
            return try await self.db.transaction { db in
                let rated = try await Self(db: db).ratedAgreements()
                if let campaign, !rated.values.contains(where: { $0.code == campaign }) {
                    guard try await db.first("SELECT 1 FROM campaigns WHERE code = \(campaign)") != nil else {
                        throw NotFoundError("campaign", campaign)
                    }
                }
                let importer = AnswerRows(
                    header: header,
                    rated: rated,
                    campaign: campaign,
                    actor: actor,
                    tree: try await UnitRepository(db: db).tree(),
                    today: today
                )
                let ignored = importer.ignoredColumns
                var problems: [ImportProblem] = []
                var accepted: [AnswerRows.Row] = []
                var lineOfKey: [String: Int] = [:]
                var problemRows = 0
                for record in rows {
                    var found: [ImportProblem] = []
                    if let problem = header.problem(with: record) {
                        found = [problem]
                    } else {
                        switch importer.read(record) {
                        case .failure(let list): found = list.problems
                        case .success(let row):
                            if let first = lineOfKey[row.key] {
                                found = [
                                    ImportProblem(
                                        line: record.line,
                                        column: "external_ref",
                                        code: "duplicate",
                                        message: "Answer \(row.externalRef) of \(row.agreement) in \(row.period) already appears on line \(first)."
                                    )
                                ]
                            } else {
                                lineOfKey[row.key] = record.line
                                accepted.append(row)
                            }
                        }
                    }
                    if !found.isEmpty { problemRows += 1 }
                    problems += found
                }
                if !problems.isEmpty && !skipInvalid { throw ImportAborted(problems: problems, ignoredColumns: ignored) }
                var report = ImportReport(skipped: problemRows, problems: problems, committed: true)
                report.ignoredColumns = ignored
                // The agreements and periods whose figures change, by campaign.
                var changed: [Int64: Set<AnswerRows.Part>] = [:]
                for row in accepted {
                    let ratings = String(decoding: try JSONEncoder().encode(row.answer.ratings), as: UTF8.self)
                    if let stored = try await db.first(
                        "SELECT ratings, recommend, comment, answered_on FROM survey_answers WHERE import_key = \(row.key)" + db.dialect.forUpdate
                    ) {
                        let (storedRatings, recommend, comment, answeredOn) = try stored.decode((String, Int, String, LocalDate).self)
                        let same =
                            try Self.ratings(storedRatings) == row.answer.ratings && recommend == row.answer.recommend
                            && comment == row.answer.comment && answeredOn == row.answeredOn
                        if same {
                            report.unchanged += 1
                        } else {
                            try await db.execute(
                                """
                                UPDATE survey_answers SET ratings = \(ratings), recommend = \(row.answer.recommend), comment = \(row.answer.comment),
                                answered_on = \(row.answeredOn) WHERE import_key = \(row.key)
                                """
                            )
                            report.updated += 1
                            changed[row.campaignID, default: []].insert(AnswerRows.Part(agreementID: row.agreementID, period: row.period))
                        }
                    } else {
                        try await db.execute(
                            """
                            INSERT INTO survey_answers (id, campaign_id, agreement_id, answered_on, ratings, recommend, comment, import_key)
                            VALUES (\(Int64.random(in: 1...Int64.max)), \(row.campaignID), \(row.agreementID), \(row.answeredOn), \(ratings),
                            \(row.answer.recommend), \(row.answer.comment), \(row.key))
                            """
                        )
                        report.created += 1
                        changed[row.campaignID, default: []].insert(AnswerRows.Part(agreementID: row.agreementID, period: row.period))
                    }
                }
                for (campaignID, rated) in changed {
                    let campaign = try await db.count("SELECT code FROM campaigns WHERE id = \(campaignID)", as: String.self)
                    let reason = FigureChangeReason(cause: .surveyAnswers, actor: actor.username, detail: campaign, instant: Date(), today: today)
                    for part in rated {
                        try await FigureChangeRepository(db: db).record(agreement: part.agreementID, months: part.period.months, reason)
                    }
                }
                return report
            }
        } catch let aborted as ImportAborted {
            var report = ImportReport(problems: aborted.problems, problemCount: aborted.problemCount ?? aborted.problems.count)
            report.ignoredColumns = aborted.ignoredColumns
            return report
        }
    }

    /// Every agreement rated by a campaign, by agreement code and period.
    fileprivate func ratedAgreements() async throws -> [AnswerRows.Rated: AnswerRows.Campaign] {
        var rated: [AnswerRows.Rated: AnswerRows.Campaign] = [:]
        var questionnaires: [Int64: Questionnaire] = [:]
        for row in try await self.db.query(
            """
            SELECT c.id, c.code, c.state, c.questionnaire, u.code, a.id, a.code, ca.period
            FROM campaign_agreements ca JOIN campaigns c ON c.id = ca.campaign_id JOIN units u ON u.id = c.unit_id
            JOIN agreements a ON a.id = ca.agreement_id
            """
        ) {
            let (id, code, state, questionnaire, unit, agreementID, agreement, period) = try row.decode(
                (Int64, String, CampaignState, String, String, Int64, String, Period).self
            )
            if questionnaires[id] == nil {
                questionnaires[id] = try JSONDecoder().decode(Questionnaire.self, from: Data(questionnaire.utf8))
            }
            rated[AnswerRows.Rated(agreement: agreement, period: period)] = AnswerRows.Campaign(
                id: id,
                code: code,
                state: state,
                unit: unit,
                questionnaire: questionnaires[id]!,
                agreementID: agreementID
            )
        }
        return rated
    }
}

/// Reads the rows of an answers file against the campaigns that rate each agreement.
private struct AnswerRows {
    struct Rated: Hashable {
        var agreement: String
        var period: Period
    }

    /// An agreement and period answers were written for, by the agreement's id.
    struct Part: Hashable {
        var agreementID: Int64
        var period: Period
    }

    struct Campaign {
        var id: Int64
        var code: String
        var state: CampaignState
        var unit: String
        var questionnaire: Questionnaire
        var agreementID: Int64
    }

    struct Row {
        var externalRef: String
        var agreement: String
        var period: Period
        var campaignID: Int64
        var agreementID: Int64
        var answer: SurveyAnswer
        var answeredOn: LocalDate
        /// Unique among every imported answer: the campaign, the agreement and the source's number.
        var key: String
    }

    static let optionalColumns: Set<String> = ["comment", "answered_on"]
    static let longestReference = 100

    let header: CSVHeader
    let rated: [Rated: Campaign]
    /// The only campaign rows may belong to; nil for any.
    let campaign: String?
    let actor: Actor
    let tree: UnitTree
    let today: LocalDate

    /// The columns that are neither the fixed ones nor an attribute the campaigns (or the one
    /// campaign imported into) ask: ignored, as SPEC has it, and named in the report.
    let ignoredColumns: [String]
    /// The attribute columns read.
    let attributeColumns: [String]

    init(header: CSVHeader, rated: [Rated: Campaign], campaign: String?, actor: Actor, tree: UnitTree, today: LocalDate) {
        self.header = header
        self.rated = rated
        self.campaign = campaign
        self.actor = actor
        self.tree = tree
        self.today = today
        let attributes = Set(
            rated.values.filter { campaign == nil || $0.code == campaign }.flatMap { $0.questionnaire.attributes.map(\.key) }
        )
        self.ignoredColumns = header.ignored(reading: Set(CampaignRepository.answerColumns).union(Self.optionalColumns).union(attributes))
        self.attributeColumns = header.columns.filter { attributes.contains($0) }
    }

    func read(_ record: CSVRecord) -> Result<Row, ImportProblem.List> {
        var problems: [ImportProblem] = []
        func fail(_ column: String, _ code: String, _ message: String) {
            problems.append(ImportProblem(line: record.line, column: column, code: code, message: message))
        }
        let externalRef = self.header.value("external_ref", in: record)
        if externalRef.isEmpty {
            fail(
                "external_ref",
                "required",
                "Give the answer's number in its source (form number, response id): sending the file again then changes nothing."
            )
        } else if externalRef.unicodeScalars.count > Self.longestReference {
            fail("external_ref", "too_long", "external_ref has at most \(Self.longestReference) characters.")
        }
        let agreement = self.header.value("agreement", in: record)
        let periodText = self.header.value("period", in: record)
        let period = Period(periodText)
        if period == nil {
            fail("period", "invalid_period", "\"\(periodText)\" is not a period: write 2026-11 for a month or 2026-Q4 for a quarter.")
        }
        var campaign: Campaign?
        if let period {
            if let found = self.rated[Rated(agreement: agreement, period: period)] {
                campaign = found
            } else {
                fail("agreement", "not_rated", "No campaign rates agreement \(agreement.isEmpty ? "(empty)" : agreement) in \(period).")
            }
        }
        if let found = campaign {
            if let only = self.campaign, found.code != only {
                fail("agreement", "other_campaign", "Agreement \(agreement) in \(periodText) is rated by campaign \(found.code), not \(only).")
                campaign = nil
            } else if found.state == .draft {
                fail(
                    "period",
                    "invalid_state",
                    "Campaign \(found.code) is a draft: its questions may still change. Open it before importing answers."
                )
            } else if !(Role.editors.contains(self.actor.role) && self.actor.reaches(found.unit, in: self.tree)) {
                fail(
                    "agreement",
                    "out_of_scope",
                    "Answers of campaign \(found.code) are imported by managers of \(found.unit); \(self.actor.username) acts for \(self.actor.unit)."
                )
            }
        }
        var ratings: [String: Int] = [:]
        for column in self.attributeColumns {
            let text = self.header.value(column, in: record)
            guard !text.isEmpty else { continue }
            if let rating = Int(text) {
                ratings[column] = rating
            } else {
                fail(column, "invalid_number", "Rate \(column) with a whole number from 1 to 5, or leave it empty; \"\(text)\" is not one.")
            }
        }
        let recommendText = self.header.value("recommend", in: record)
        let recommend = Int(recommendText)
        if recommend == nil {
            fail("recommend", recommendText.isEmpty ? "required" : "invalid_number", "The recommendation is a whole number from 0 to 10.")
        }
        let answeredText = self.header.value("answered_on", in: record)
        var answeredOn = self.today
        if !answeredText.isEmpty {
            if let day = LocalDate(answeredText), day <= self.today {
                answeredOn = day
            } else {
                fail("answered_on", "invalid_date", "answered_on is the day of the answer, YYYY-MM-DD and not after today (\(self.today)).")
            }
        }
        let answer = SurveyAnswer(ratings: ratings, recommend: recommend ?? 0, comment: self.header.value("comment", in: record))
        if let campaign {
            do {
                try answer.validate(against: campaign.questionnaire)
            } catch {
                // A recommendation that is no number is reported already.
                for issue in error.issues where recommend != nil || issue.field != "recommend" {
                    let column = issue.field.hasPrefix("ratings.") ? String(issue.field.dropFirst("ratings.".count)) : issue.field
                    let message =
                        issue.code == "unknown_field"
                        ? "Campaign \(campaign.code) does not ask about \(column): leave it empty for \(agreement)." : issue.message
                    fail(column, issue.code, message)
                }
            }
        }
        guard problems.isEmpty, let campaign, let period else { return .failure(ImportProblem.List(problems)) }
        return .success(
            Row(
                externalRef: externalRef,
                agreement: agreement,
                period: period,
                campaignID: campaign.id,
                agreementID: campaign.agreementID,
                answer: answer,
                answeredOn: answeredOn,
                key: "\(campaign.code)/\(agreement)/\(externalRef)"
            )
        )
    }
}
