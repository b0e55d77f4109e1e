import Foundation
import PactaCore

/// Perception-survey campaigns: their agreements and questions, the invitations of the people
/// of each agreement's client unit, single-use links, and anonymous answers.
///
/// A manager runs campaigns of the agreements their unit (or one below it) provides; an
/// administrator, any. An answer is stored with its campaign, agreement and day only: marking the
/// invitation used and storing the answer happen in one transaction, and nothing joins them.
public struct CampaignRepository: Sendable {
    let db: any DatabaseExecutor

    // MARK: - Campaigns

    /// Creates a draft campaign. Without a list of agreements, it rates every agreement the unit
    /// provides that has a soft commitment and is in force in the period, on the period's cadence.
    @discardableResult
    public func create(_ draft: CampaignDraft, by actor: Actor, at instant: Date) async throws -> Campaign {
        try draft.validate()
        return try await self.db.transaction { db in
            let repository = Self(db: db)
            let tree = try await UnitRepository(db: db).tree()
            try Self.requireScope(actor, unit: draft.unit, in: tree)
            guard try await db.first("SELECT 1 FROM campaigns WHERE code = \(draft.code)") == nil else {
                throw ValidationError(field: "code", code: "taken", message: "A campaign \(draft.code) exists already.")
            }
            let agreements = try await repository.agreements(for: draft, in: tree)
            let questionnaire = String(decoding: try JSONEncoder().encode(draft.questionnaire), as: UTF8.self)
            let id = try await db.one(
                """
                INSERT INTO campaigns (code, title, period, unit_id, questionnaire, state, opens_on, closes_on, reminder_days, created_by, created_at)
                SELECT \(draft.code), \(draft.title.trimmed), \(draft.period), u.id, \(questionnaire), 'draft', \(draft.opensOn), \(draft.closesOn),
                \(draft.reminderDays), \(actor.username), \(instant) FROM units u WHERE u.code = \(draft.unit) RETURNING id
                """,
                as: Int64.self
            )
            try await repository.attach(agreements, guests: draft.guests, to: id, period: draft.period)
            guard let campaign = try await repository.get(draft.code) else { throw NotFoundError("campaign", draft.code) }
            return campaign
        }
    }

    /// Changes a draft: questions, dates, agreements and guests (not its code or unit).
    @discardableResult
    public func update(_ draft: CampaignDraft, by actor: Actor) async throws -> Campaign {
        try draft.validate()
        return try await self.db.transaction { db in
            let repository = Self(db: db)
            let (id, campaign) = try await repository.loadForChange(draft.code, by: actor, when: .draft, "Only a draft campaign changes")
            guard draft.unit == campaign.unit else {
                throw ValidationError(field: "unit", code: "code_mismatch", message: "A campaign keeps its unit.")
            }
            let agreements = try await repository.agreements(for: draft, in: try await UnitRepository(db: db).tree())
            let questionnaire = String(decoding: try JSONEncoder().encode(draft.questionnaire), as: UTF8.self)
            try await db.execute(
                """
                UPDATE campaigns SET title = \(draft.title.trimmed), period = \(draft.period), questionnaire = \(questionnaire),
                opens_on = \(draft.opensOn), closes_on = \(draft.closesOn), reminder_days = \(draft.reminderDays) WHERE id = \(id)
                """
            )
            try await db.execute("DELETE FROM campaign_agreements WHERE campaign_id = \(id)")
            try await db.execute("DELETE FROM campaign_guests WHERE campaign_id = \(id)")
            try await repository.attach(agreements, guests: draft.guests, to: id, period: draft.period)
            guard let updated = try await repository.get(draft.code) else { throw NotFoundError("campaign", draft.code) }
            return updated
        }
    }

    /// Opens a draft: its questions are fixed, and each person of each agreement's client unit
    /// (its active users, and the guests added for that unit) is invited once per agreement.
    /// - Returns: how many invitations there are.
    @discardableResult
    public func open(_ code: String, by actor: Actor, at instant: Date) async throws -> Int {
        try await self.db.transaction { db in
            let (id, campaign) = try await Self(db: db).loadForChange(code, by: actor, when: .draft, "Only a draft campaign opens")
            guard !campaign.agreements.isEmpty else {
                throw ValidationError(field: "agreements", code: "required", message: "A campaign rates at least one agreement.")
            }
            try await db.execute("UPDATE campaigns SET state = 'open', opened_at = \(instant) WHERE id = \(id)")
            try await Self(db: db).recordFigureChanges(campaign: id, code, by: actor, at: instant)
            // People with an account: the active users of the client unit.
            try await db.execute(
                """
                INSERT INTO survey_invitations (campaign_id, agreement_id, rater, user_id, email)
                SELECT ca.campaign_id, ca.agreement_id, 'user:' || u.username, u.id, u.email
                FROM campaign_agreements ca JOIN agreements a ON a.id = ca.agreement_id JOIN users u ON u.unit_id = a.client_id
                WHERE ca.campaign_id = \(id) AND u.active = \(true)
                """
            )
            // People without one, added by address for their unit.
            try await db.execute(
                """
                INSERT INTO survey_invitations (campaign_id, agreement_id, rater, email)
                SELECT ca.campaign_id, ca.agreement_id, 'email:' || lower(g.email), g.email
                FROM campaign_agreements ca JOIN agreements a ON a.id = ca.agreement_id
                JOIN campaign_guests g ON g.campaign_id = ca.campaign_id AND g.unit_id = a.client_id
                WHERE ca.campaign_id = \(id)
                """
            )
            return try await db.count("SELECT COUNT(*) FROM survey_invitations WHERE campaign_id = \(id)", as: Int.self)
        }
    }

    /// Closes an open campaign: no more answers; its results stay.
    ///
    /// Its answers are written again, in the order of their random ids, and its invitations
    /// rewritten, in this one transaction: what the database keeps about how rows were written
    /// (PostgreSQL's `xmin` of each row, the order rows sit in) no longer pairs an answer with the
    /// invitation marked used when it was stored.
    public func close(_ code: String, by actor: Actor, at instant: Date) async throws {
        try await self.db.transaction { db in
            let (id, _) = try await Self(db: db).loadForChange(code, by: actor, when: .open, "Only an open campaign closes")
            try await db.execute("UPDATE campaigns SET state = 'closed', closed_at = \(instant) WHERE id = \(id)")
            let answers = try await db.query(
                "SELECT id, agreement_id, answered_on, ratings, recommend, comment, import_key FROM survey_answers WHERE campaign_id = \(id) ORDER BY id"
            ).map { try $0.decode((Int64, Int64, LocalDate, String, Int, String, String?).self) }
            try await db.execute("DELETE FROM survey_answers WHERE campaign_id = \(id)")
            for (answer, agreement, day, ratings, recommend, comment, importKey) in answers {
                try await db.execute(
                    """
                    INSERT INTO survey_answers (id, campaign_id, agreement_id, answered_on, ratings, recommend, comment, import_key)
                    VALUES (\(answer), \(id), \(agreement), \(day), \(ratings), \(recommend), \(comment), \(importKey))
                    """
                )
            }
            try await db.execute("UPDATE survey_invitations SET used = used WHERE campaign_id = \(id)")
            try await Self(db: db).recordFigureChanges(campaign: id, code, by: actor, at: instant)
        }
    }

    /// Answers for a period that has ended arrive while the campaign is open, and are final once
    /// it closes: both are recorded as changes to the ended periods' figures (never each answer,
    /// whose time would point at its rater).
    private func recordFigureChanges(campaign id: Int64, _ code: String, by actor: Actor, at instant: Date) async throws {
        // Campaigns keep days, not the organisation's zone: the day in UTC tells whether a period had ended.
        let reason = FigureChangeReason(
            cause: .surveyAnswers,
            actor: actor.username,
            detail: code,
            instant: instant,
            today: LocalDate(instant, in: TimeZone(identifier: "UTC")!)
        )
        for row in try await self.db.query("SELECT agreement_id, period FROM campaign_agreements WHERE campaign_id = \(id)") {
            let (agreement, period) = try row.decode((Int64, Period).self)
            try await FigureChangeRepository(db: self.db).record(agreement: agreement, months: period.months, reason)
        }
    }

    /// The campaign with `code`, or nil.
    public func get(_ code: String) async throws -> Campaign? {
        try await self.load(code)?.campaign
    }

    /// The campaign with `code` when `actor` may see it (``isVisible(_:to:in:)``), or nil.
    public func get(_ code: String, visibleTo actor: Actor) async throws -> Campaign? {
        guard let campaign = try await self.get(code),
            try await self.isVisible(campaign, to: actor, in: try await UnitRepository(db: self.db).tree())
        else { return nil }
        return campaign
    }

    /// The results of campaign `code` as `actor` may see them, every group below `k` answers
    /// hidden; nil when there is no such campaign or it is not theirs to see.
    public func results(_ code: String, visibleTo actor: Actor, k: Int) async throws -> CampaignResults? {
        guard let campaign = try await self.get(code, visibleTo: actor) else { return nil }
        return CampaignResults(campaign: campaign, tallies: try await self.tallies(code), k: k)
    }

    /// The campaigns `actor` may see, newest period first: those of their unit and the units
    /// below it, and those rating agreements their unit takes part in; every one for management
    /// and administrators.
    public func list(visibleTo actor: Actor) async throws -> [Campaign] {
        let codes = try await self.db.query("SELECT code FROM campaigns ORDER BY period DESC, code").map { try $0.decode(String.self) }
        let tree = try await UnitRepository(db: self.db).tree()
        var campaigns: [Campaign] = []
        for code in codes {
            guard let campaign = try await self.get(code) else { continue }
            if try await self.isVisible(campaign, to: actor, in: tree) { campaigns.append(campaign) }
        }
        return campaigns
    }

    // MARK: - Invitations and answers

    /// A new link for each invitation of `code` not used yet (or only those of `agreement`): for
    /// the e-mails, or for a mail merge when no mail is sent. Links made before still work.
    public func issueLinks(_ code: String, by actor: Actor, at instant: Date) async throws -> [SurveyLink] {
        try await self.db.transaction { db in
            let (id, _) = try await Self(db: db).loadForChange(code, by: actor, when: .open, "Links are made for an open campaign")
            let rows = try await db.query(
                """
                SELECT i.id, a.code, a.title, p.name, COALESCE(u.name, i.email), i.email
                FROM survey_invitations i JOIN agreements a ON a.id = i.agreement_id JOIN units p ON p.id = a.provider_id
                LEFT JOIN users u ON u.id = i.user_id
                WHERE i.campaign_id = \(id) AND i.used = \(false) ORDER BY a.code, i.rater
                """
            )
            var links: [SurveyLink] = []
            for row in rows {
                let (invitation, agreement, title, provider, rater, email) = try row.decode((Int64, String, String, String, String, String?).self)
                let token = Self.makeToken()
                try await db.execute(
                    "INSERT INTO survey_links (token_hash, invitation_id, created_at) VALUES (\(Hashing.sha256Hex(token.utf8)), \(invitation), \(instant))"
                )
                links.append(
                    SurveyLink(agreement: agreement, agreementTitle: title, providerName: provider, rater: rater, email: email, token: token)
                )
            }
            return links
        }
    }

    /// What the link `token` asks, to show the form; throws ``SurveyError`` when it cannot be answered.
    public func form(token: String, today: LocalDate) async throws -> SurveyForm {
        try await self.form(
            where: "i.id = (SELECT invitation_id FROM survey_links WHERE token_hash = \(Hashing.sha256Hex(token.utf8)))",
            today: today
        )
    }

    /// What `user`'s invitation for `agreement` in campaign `code` asks.
    public func form(campaign code: String, agreement: String, user: User, today: LocalDate) async throws -> SurveyForm {
        try await self.form(where: Self.invitationOf(user, campaign: code, agreement: agreement), today: today)
    }

    /// Takes the answer of the link `token`. The invitation is marked used and the answer stored in
    /// one transaction; the answer keeps its campaign, agreement and day, and nothing else.
    @discardableResult
    public func answer(token: String, _ answer: SurveyAnswer, today: LocalDate) async throws -> SurveyForm {
        try await self.answer(
            where: "i.id = (SELECT invitation_id FROM survey_links WHERE token_hash = \(Hashing.sha256Hex(token.utf8)))",
            answer,
            today: today
        )
    }

    /// Takes the answer of a signed-in `user` to their invitation for `agreement` in campaign `code`.
    @discardableResult
    public func answer(campaign code: String, agreement: String, user: User, _ answer: SurveyAnswer, today: LocalDate) async throws -> SurveyForm {
        try await self.answer(where: Self.invitationOf(user, campaign: code, agreement: agreement), answer, today: today)
    }

    /// The invitations `user` has not used in campaigns taking answers on `today`.
    public func pending(for user: User, today: LocalDate) async throws -> [PendingSurvey] {
        try await self.db.query(
            """
            SELECT c.code, c.title, a.code, a.title, p.code, p.name, c.closes_on
            FROM survey_invitations i JOIN campaigns c ON c.id = i.campaign_id JOIN agreements a ON a.id = i.agreement_id
            JOIN units p ON p.id = a.provider_id
            WHERE i.user_id = \(user.id) AND i.used = \(false) AND c.state = 'open' AND c.opens_on <= \(today) AND c.closes_on >= \(today)
            ORDER BY c.closes_on, c.code, a.code
            """
        ).map { row in
            let (campaign, campaignTitle, agreement, agreementTitle, provider, providerName, closesOn) = try row.decode(
                (String, String, String, String, String, String, LocalDate).self
            )
            return PendingSurvey(
                campaign: campaign,
                campaignTitle: campaignTitle,
                agreement: agreement,
                agreementTitle: agreementTitle,
                provider: provider,
                providerName: providerName,
                closesOn: closesOn
            )
        }
    }

    // MARK: - Mail

    /// Claims up to `limit` e-mails due now, each with a fresh link: invitations of open campaigns
    /// not sent yet, then reminders to those who have not answered, at most once per campaign's
    /// reminder interval and never after its closing day. A claim is written before anything is
    /// sent, so that two instances never send the same e-mail: an UPDATE takes only rows still
    /// unclaimed, and the one that loses a row to another moves on.
    public func claimMail(now: Date, today: LocalDate, limit: Int = 50) async throws -> [SurveyMail] {
        try await self.db.transaction { db in
            let open: SQL = """
                FROM survey_invitations i JOIN campaigns c ON c.id = i.campaign_id
                WHERE c.state = 'open' AND c.opens_on <= \(today) AND c.closes_on >= \(today) AND i.used = \(false) AND i.email IS NOT NULL
                """
            var claimed: [(id: Int64, kind: SurveyMail.Kind, previous: Date?)] = []
            for row in try await db.query("SELECT i.id " + open + " AND i.invited_at IS NULL ORDER BY i.id LIMIT \(limit)") {
                let id = try row.decode(Int64.self)
                let taken = try await db.query(
                    "UPDATE survey_invitations SET invited_at = \(now) WHERE id = \(id) AND invited_at IS NULL RETURNING 1"
                )
                if !taken.isEmpty { claimed.append((id, .invitation, nil)) }
            }
            if claimed.count < limit {
                for row in try await db.query(
                    "SELECT i.id, COALESCE(i.reminded_at, i.invited_at), c.reminder_days " + open + " AND i.invited_at IS NOT NULL ORDER BY i.id"
                ) {
                    guard claimed.count < limit else { break }
                    let (id, last, days) = try row.decode((Int64, Date, Int).self)
                    guard now.timeIntervalSince(last) >= Double(days) * 86_400 else { continue }
                    let taken = try await db.query(
                        """
                        UPDATE survey_invitations SET reminded_at = \(now)
                        WHERE id = \(id) AND COALESCE(reminded_at, invited_at) = \(last) RETURNING reminded_at
                        """
                    )
                    if !taken.isEmpty { claimed.append((id, .reminder, last)) }
                }
            }
            var mails: [SurveyMail] = []
            for claim in claimed {
                guard
                    let row = try await db.first(
                        """
                        SELECT i.email, u.name, c.title, c.closes_on, a.code, a.title, p.name
                        FROM survey_invitations i JOIN campaigns c ON c.id = i.campaign_id JOIN agreements a ON a.id = i.agreement_id
                        JOIN units p ON p.id = a.provider_id LEFT JOIN users u ON u.id = i.user_id WHERE i.id = \(claim.id)
                        """
                    )
                else { continue }
                let (email, name, campaignTitle, closesOn, agreement, agreementTitle, providerName) = try row.decode(
                    (String, String?, String, LocalDate, String, String, String).self
                )
                let token = Self.makeToken()
                try await db.execute(
                    "INSERT INTO survey_links (token_hash, invitation_id, created_at) VALUES (\(Hashing.sha256Hex(token.utf8)), \(claim.id), \(now))"
                )
                mails.append(
                    SurveyMail(
                        invitation: claim.id,
                        kind: claim.kind,
                        claimedAt: now,
                        previous: claim.previous,
                        email: email,
                        name: name,
                        campaignTitle: campaignTitle,
                        closesOn: closesOn,
                        agreement: agreement,
                        agreementTitle: agreementTitle,
                        providerName: providerName,
                        token: token
                    )
                )
            }
            return mails
        }
    }

    /// Gives back the claim of an e-mail the relay refused for certain, so that the next round
    /// tries again; one that may have gone out is left claimed (never sent twice).
    public func release(_ mail: SurveyMail) async throws {
        switch mail.kind {
        case .invitation:
            try await self.db.execute(
                "UPDATE survey_invitations SET invited_at = NULL WHERE id = \(mail.invitation) AND invited_at = \(mail.claimedAt)"
            )
        case .reminder:
            try await self.db.execute(
                "UPDATE survey_invitations SET reminded_at = \(mail.previous) WHERE id = \(mail.invitation) AND reminded_at = \(mail.claimedAt)"
            )
        }
    }

    /// How many invitations of campaign `code` were e-mailed, and how many reminded.
    public func mailCounts(_ code: String) async throws -> (invited: Int, reminded: Int) {
        try await self.db.count(
            """
            SELECT COUNT(i.invited_at), COUNT(i.reminded_at) FROM survey_invitations i JOIN campaigns c ON c.id = i.campaign_id WHERE c.code = \(code)
            """,
            as: (Int, Int).self
        )
    }

    // MARK: - Reading results

    /// The answers of each agreement of campaign `code`, with its invitations: what the results
    /// are computed from. Comments come sorted, so that their order tells nothing.
    public func tallies(_ code: String) async throws -> [AgreementTally] {
        guard let (id, _) = try await self.load(code) else { throw NotFoundError("campaign", code) }
        var tallies: [String: AgreementTally] = [:]
        for row in try await self.db.query(
            """
            SELECT a.code, a.title, p.code, p.name, c.code, c.name,
            (SELECT COUNT(*) FROM survey_invitations i WHERE i.campaign_id = ca.campaign_id AND i.agreement_id = ca.agreement_id)
            FROM campaign_agreements ca JOIN agreements a ON a.id = ca.agreement_id
            JOIN units p ON p.id = a.provider_id JOIN units c ON c.id = a.client_id
            WHERE ca.campaign_id = \(id)
            """
        ) {
            let (agreement, title, provider, providerName, client, clientName, invitations) = try row.decode(
                (String, String, String, String, String, String, Int).self
            )
            tallies[agreement] = AgreementTally(
                agreement: agreement,
                title: title,
                provider: provider,
                providerName: providerName,
                client: client,
                clientName: clientName,
                invitations: invitations
            )
        }
        for row in try await self.db.query(
            """
            SELECT a.code, s.ratings, s.recommend, s.comment, s.import_key FROM survey_answers s JOIN agreements a ON a.id = s.agreement_id
            WHERE s.campaign_id = \(id)
            """
        ) {
            let (agreement, ratings, recommend, comment, importKey) = try row.decode((String, String, Int, String, String?).self)
            let answer = SurveyAnswer(ratings: try Self.ratings(ratings), recommend: recommend, comment: comment)
            tallies[agreement]?.figures.add(answer)
            if importKey != nil { tallies[agreement]?.imported += 1 }
            if !comment.trimmed.isEmpty { tallies[agreement]?.comments.append(comment.trimmed) }
        }
        return tallies.values.map { tally in
            var tally = tally
            tally.comments.sort()
            return tally
        }.sorted { ($0.provider, $0.agreement) < ($1.provider, $1.agreement) }
    }

    /// The campaign that rated agreement `code` in `period` and the figures of its answers
    /// there, before anything is hidden; nil when no campaign (beyond a draft) rated it then.
    public func rating(agreement code: String, period: Period) async throws -> (campaign: String, figures: PerceptionFigures)? {
        // One statement: the campaign, and its answers for the agreement when it has any.
        let rows = try await self.db.query(
            """
            SELECT c.code, s.ratings, s.recommend FROM campaign_agreements ca JOIN agreements a ON a.id = ca.agreement_id
            JOIN campaigns c ON c.id = ca.campaign_id
            LEFT JOIN survey_answers s ON s.campaign_id = ca.campaign_id AND s.agreement_id = ca.agreement_id
            WHERE a.code = \(code) AND ca.period = \(period) AND c.state <> 'draft'
            """
        )
        guard let first = rows.first else { return nil }
        var figures = PerceptionFigures()
        for row in rows {
            let (ratings, recommend) = try row.dropFirst(1).decode((String?, Int?).self)
            guard let ratings, let recommend else { continue }
            figures.add(SurveyAnswer(ratings: try Self.ratings(ratings), recommend: recommend))
        }
        return (try first.decode(String.self), figures)
    }

    /// The figures of agreement `code` in the campaign of `period`, or nil when no campaign rated it then.
    public func figures(agreement code: String, period: Period) async throws -> PerceptionFigures? {
        try await self.rating(agreement: code, period: period)?.figures
    }
}

/// One agreement's answers in a campaign, before anything is hidden.
public struct AgreementTally: Sendable, Hashable {
    public var agreement: String
    public var title: String
    public var provider: String
    public var providerName: String
    public var client: String
    public var clientName: String
    public var invitations: Int
    /// Answers imported from elsewhere (``CampaignRepository/importAnswers(bytes:skipInvalid:by:today:)``),
    /// counted in `figures` but not invited.
    public var imported = 0
    public var figures = PerceptionFigures()
    /// Sorted, not in the order they came.
    public var comments: [String] = []

    public init(
        agreement: String,
        title: String,
        provider: String,
        providerName: String,
        client: String,
        clientName: String,
        invitations: Int,
        figures: PerceptionFigures = PerceptionFigures(),
        comments: [String] = []
    ) {
        self.agreement = agreement
        self.title = title
        self.provider = provider
        self.providerName = providerName
        self.client = client
        self.clientName = clientName
        self.invitations = invitations
        self.figures = figures
        self.comments = comments
    }
}

// MARK: - Inside

extension CampaignRepository {
    /// A new 256-bit secret for a link, in hex.
    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    static func invitationOf(_ user: User, campaign: String, agreement: String) -> SQL {
        """
        i.user_id = \(user.id) AND i.campaign_id = (SELECT id FROM campaigns WHERE code = \(campaign))
        AND i.agreement_id = (SELECT id FROM agreements WHERE code = \(agreement))
        """
    }

    /// An answer's ratings as stored: a flat JSON object of small integers by attribute key,
    /// read by hand (thousands of answers make a results page; a JSONDecoder each is most of its
    /// time), or by JSONDecoder when it is written any other way.
    static func ratings(_ json: String) throws -> [String: Int] {
        if let ratings = Self.flatRatings(json) { return ratings }
        do {
            return try JSONDecoder().decode([String: Int].self, from: Data(json.utf8))
        } catch {
            throw DatabaseError.decoding("a survey answer's ratings are not a JSON object of integers")
        }
    }

    /// `{"key":4,"other":5}` with plain keys (no escapes) and integers; nil for anything else.
    static func flatRatings(_ json: String) -> [String: Int]? {
        var ratings: [String: Int] = [:]
        var utf8 = json.utf8[...]
        func skipSpaces() { while let byte = utf8.first, byte == UInt8(ascii: " ") { utf8 = utf8.dropFirst() } }
        skipSpaces()
        guard utf8.popFirst() == UInt8(ascii: "{") else { return nil }
        skipSpaces()
        if utf8.first == UInt8(ascii: "}") {
            utf8 = utf8.dropFirst()
            skipSpaces()
            return utf8.isEmpty ? ratings : nil
        }
        while true {
            skipSpaces()
            guard utf8.popFirst() == UInt8(ascii: "\""), let end = utf8.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            let key = utf8[..<end]
            guard !key.contains(UInt8(ascii: "\\")) else { return nil }
            utf8 = utf8[utf8.index(after: end)...]
            skipSpaces()
            guard utf8.popFirst() == UInt8(ascii: ":") else { return nil }
            skipSpaces()
            var value = 0
            var digits = 0
            while let byte = utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), digits < 9 {
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                utf8 = utf8.dropFirst()
            }
            guard digits > 0 else { return nil }
            ratings[String(decoding: key, as: UTF8.self)] = value
            skipSpaces()
            switch utf8.popFirst() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"):
                skipSpaces()
                return utf8.isEmpty ? ratings : nil
            default: return nil
            }
        }
    }

    /// The invitation matching `condition` (on `i`) and what it asks, or why it cannot be answered.
    private func invitation(
        where condition: SQL,
        today: LocalDate,
        lock: Bool = false
    ) async throws -> (id: Int64, campaignID: Int64, agreementID: Int64, form: SurveyForm) {
        guard
            let row = try await self.db.first(
                """
                SELECT i.id, i.used, c.id, c.code, c.title, c.period, c.questionnaire, c.state, c.opens_on, c.closes_on,
                a.id, a.code, a.title, p.name
                FROM survey_invitations i JOIN campaigns c ON c.id = i.campaign_id JOIN agreements a ON a.id = i.agreement_id
                JOIN units p ON p.id = a.provider_id WHERE
                """ + " " + condition + (lock ? self.db.dialect.forUpdate : "")
            )
        else { throw SurveyError(.unknownLink, "This link is not a survey invitation: check that it was copied whole.") }
        let (id, used, campaignID, code, title, period, questionnaire, state, opensOn, closesOn) = try row.decode(
            (Int64, Bool, Int64, String, String, Period, String, CampaignState, LocalDate, LocalDate).self
        )
        let (agreementID, agreement, agreementTitle, providerName) = try row.dropFirst(10).decode((Int64, String, String, String).self)
        guard !used else { throw SurveyError(.alreadyAnswered, "This invitation was answered already: each person answers once.") }
        guard state != .closed, today <= closesOn else {
            throw SurveyError(.campaignClosed, "Campaign \(code) closed on \(closesOn): answers are no longer taken.")
        }
        guard state == .open, today >= opensOn else { throw SurveyError(.notOpenYet, "Campaign \(code) opens on \(opensOn).") }
        let form = SurveyForm(
            campaign: code,
            campaignTitle: title,
            period: period,
            agreement: agreement,
            agreementTitle: agreementTitle,
            providerName: providerName,
            questionnaire: try JSONDecoder().decode(Questionnaire.self, from: Data(questionnaire.utf8)),
            closesOn: closesOn
        )
        return (id, campaignID, agreementID, form)
    }

    private func form(where condition: SQL, today: LocalDate) async throws -> SurveyForm {
        try await self.invitation(where: condition, today: today).form
    }

    /// - Returns: what was answered: the campaign and agreement.
    private func answer(where condition: SQL, _ answer: SurveyAnswer, today: LocalDate) async throws -> SurveyForm {
        try await self.db.transaction { db in
            let found = try await Self(db: db).invitation(where: condition, today: today, lock: true)
            try answer.validate(against: found.form.questionnaire)
            // Marked used only if it was not: of two answers sent at once, one is taken.
            let marked = try await db.query("UPDATE survey_invitations SET used = \(true) WHERE id = \(found.id) AND used = \(false) RETURNING 1")
            guard marked.count == 1 else { throw SurveyError(.alreadyAnswered, "This invitation was answered already: each person answers once.") }
            let ratings = String(decoding: try JSONEncoder().encode(answer.ratings), as: UTF8.self)
            try await db.execute(
                """
                INSERT INTO survey_answers (id, campaign_id, agreement_id, answered_on, ratings, recommend, comment)
                VALUES (\(Int64.random(in: 1...Int64.max)), \(found.campaignID), \(found.agreementID), \(today), \(ratings),
                \(answer.recommend), \(answer.comment.trimmed))
                """
            )
            return found.form
        }
    }

    private func load(_ code: String) async throws -> (id: Int64, campaign: Campaign)? {
        guard
            let row = try await self.db.first(
                """
                SELECT c.id, c.code, c.title, c.period, u.code, c.questionnaire, c.state, c.opens_on, c.closes_on, c.reminder_days,
                c.created_by, c.created_at FROM campaigns c JOIN units u ON u.id = c.unit_id WHERE c.code = \(code)
                """
            )
        else { return nil }
        let (id, code, title, period, unit, questionnaire, state, opensOn, closesOn, reminderDays, createdBy, createdAt) = try row.decode(
            (Int64, String, String, Period, String, String, CampaignState, LocalDate, LocalDate, Int, String, Date).self
        )
        let agreements = try await self.db.query(
            "SELECT a.code FROM campaign_agreements ca JOIN agreements a ON a.id = ca.agreement_id WHERE ca.campaign_id = \(id) ORDER BY a.code"
        ).map { try $0.decode(String.self) }
        let guests = try await self.db.query(
            "SELECT u.code, g.email FROM campaign_guests g JOIN units u ON u.id = g.unit_id WHERE g.campaign_id = \(id) ORDER BY u.code, g.email"
        ).map { row in
            let (unit, email) = try row.decode((String, String).self)
            return Campaign.Guest(unit: unit, email: email)
        }
        let campaign = Campaign(
            code: code,
            title: title,
            period: period,
            unit: unit,
            questionnaire: try JSONDecoder().decode(Questionnaire.self, from: Data(questionnaire.utf8)),
            storedState: state,
            opensOn: opensOn,
            closesOn: closesOn,
            reminderDays: reminderDays,
            agreements: agreements,
            guests: guests,
            createdBy: createdBy,
            createdAt: createdAt
        )
        return (id, campaign)
    }

    /// The campaign, locked, when `actor` may run it and it is in `state`; `rule` says what
    /// only a campaign in that state does ("Only a draft campaign opens").
    private func loadForChange(_ code: String, by actor: Actor, when state: CampaignState, _ rule: String) async throws -> (Int64, Campaign) {
        _ = try await self.db.first("SELECT id FROM campaigns WHERE code = \(code)" + self.db.dialect.forUpdate)
        guard let (id, campaign) = try await self.load(code) else { throw NotFoundError("campaign", code) }
        try Self.requireScope(actor, unit: campaign.unit, in: try await UnitRepository(db: self.db).tree())
        guard campaign.storedState == state else {
            throw ValidationError(field: "state", code: "invalid_state", message: "\(rule); \(code) is \(campaign.storedState.rawValue).")
        }
        return (id, campaign)
    }

    static func requireScope(_ actor: Actor, unit: String, in tree: UnitTree) throws {
        guard tree.contains(unit) else { throw ValidationError(field: "unit", code: "unknown_unit", message: "There is no unit \(unit).") }
        guard Role.editors.contains(actor.role), actor.reaches(unit, in: tree) else {
            throw ScopeError("Campaigns of \(unit) are run by its managers; \(actor.username) acts for \(actor.unit).", field: "unit")
        }
    }

    /// Whether `actor` may see `campaign`: it runs in their unit or below, or rates an agreement
    /// their unit takes part in; management and administrators see every one.
    public func isVisible(_ campaign: Campaign, to actor: Actor, in tree: UnitTree) async throws -> Bool {
        if actor.reachesEverything || actor.role == .viewer || actor.reaches(campaign.unit, in: tree) { return true }
        // The agreements read once, not once per agreement rated.
        let rated = Set(campaign.agreements)
        return try await AgreementRepository(db: self.db).list(visibleTo: actor).contains {
            rated.contains($0.code) && actor.takesPart(provider: $0.provider, client: $0.client, in: tree)
        }
    }

    /// The agreements `draft` rates, checked: signed, in force in the period, on its cadence, with
    /// a soft commitment, provided within the campaign's unit, and not rated by another campaign
    /// of the same period.
    private func agreements(for draft: CampaignDraft, in tree: UnitTree) async throws -> [(id: Int64, code: String)] {
        let cadence: Cadence = draft.period.isQuarter ? .quarterly : .monthly
        let summaries = try await AgreementRepository(db: self.db).list(visibleTo: nil)
        let known = Set(summaries.map(\.code))
        var validator = Validator()
        var chosen: [String] = []
        func eligible(_ summary: AgreementSummary) async throws -> String? {
            guard tree.isWithin(summary.provider, draft.unit) else { return "is provided by \(summary.provider), outside \(draft.unit)" }
            guard summary.signedVersion != nil, summary.state != .terminated else { return "is not in force" }
            guard summary.validFrom <= draft.period.last, summary.validTo >= draft.period.first else { return "is not in force in \(draft.period)" }
            guard let record = try await AgreementRepository(db: self.db).get(summary.code, visibleTo: nil) else { return "is not there" }
            guard record.measured.terms.cadence == cadence else {
                return "is reviewed \(record.measured.terms.cadence.rawValue), not by \(draft.period.isQuarter ? "quarter" : "month")"
            }
            guard record.measured.terms.commitments.contains(where: { $0.kind == .soft }) else { return "has no soft commitment" }
            return nil
        }
        if let asked = draft.agreements {
            for (index, code) in asked.enumerated() {
                guard known.contains(code), let summary = summaries.first(where: { $0.code == code }) else {
                    validator.fail("agreements[\(index)]", "not_found", "There is no agreement \(code).")
                    continue
                }
                if let reason = try await eligible(summary) {
                    validator.fail("agreements[\(index)]", "not_eligible", "Agreement \(code) \(reason).")
                } else {
                    chosen.append(code)
                }
            }
        } else {
            for summary in summaries.sorted(by: { $0.code < $1.code }) where try await eligible(summary) == nil {
                chosen.append(summary.code)
            }
        }
        if chosen.isEmpty && validator.issues.isEmpty {
            validator.fail(
                "agreements",
                "required",
                "No agreement of \(draft.unit) can be rated in \(draft.period): none is signed, in force then, reviewed by \(draft.period.isQuarter ? "quarter" : "month") and with a soft commitment."
            )
        }
        try validator.finish()
        var result: [(id: Int64, code: String)] = []
        for (index, code) in chosen.enumerated() {
            let (id, other) = try await self.db.one(
                """
                SELECT a.id, (SELECT c.code FROM campaign_agreements ca JOIN campaigns c ON c.id = ca.campaign_id
                WHERE ca.agreement_id = a.id AND ca.period = \(draft.period) AND c.code <> \(draft.code))
                FROM agreements a WHERE a.code = \(code)
                """,
                as: (Int64, String?).self
            )
            if let other {
                validator.fail("agreements[\(index)]", "already_rated", "Agreement \(code) is rated in \(draft.period) by campaign \(other).")
            }
            result.append((id, code))
        }
        try validator.finish()
        return result
    }

    private func attach(_ agreements: [(id: Int64, code: String)], guests: [Campaign.Guest], to id: Int64, period: Period) async throws {
        for agreement in agreements {
            try await self.db.execute(
                "INSERT INTO campaign_agreements (campaign_id, agreement_id, period) VALUES (\(id), \(agreement.id), \(period))"
            )
        }
        var validator = Validator()
        for (index, guest) in Set(guests.map { Campaign.Guest(unit: $0.unit, email: $0.email.trimmed) }).sorted(by: {
            ($0.unit, $0.email) < ($1.unit, $1.email)
        }).enumerated() {
            let inserted = try await self.db.query(
                "INSERT INTO campaign_guests (campaign_id, unit_id, email) SELECT \(id), u.id, \(guest.email) FROM units u WHERE u.code = \(guest.unit) RETURNING 1"
            )
            if inserted.isEmpty { validator.fail("guests[\(index)].unit", "unknown_unit", "There is no unit \(guest.unit).") }
        }
        try validator.finish()
    }
}
