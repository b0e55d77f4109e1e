import Foundation
import Hummingbird
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import PactaWeb
import Testing

/// The unit dimension of the route matrix: for every route that changes something, a person
/// with the right role but of another unit is refused (403, or 404 where even the record's
/// existence is theirs to know), and nothing changes.
///
/// The people are the test app's: a manager of TI and a rater of CRED. The records belong to
/// Talento Humano (TH) and the contact centre (CC), two other units under GG.
@Suite struct RouteUnitMatrixTests {
    struct Probe: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        /// The registered path (with `:parameters`).
        var pattern: String
        /// The concrete path, pointing at another unit's record.
        var path: String
        var role: Role
        /// JSON for the API, form fields for pages (the CSRF token is added).
        var body: Body
        var expected: HTTPResponse.Status

        enum Body: Sendable {
            case none
            case json(String)
            case form([String: String])
            case csv(String)
        }

        var description: String { "\(self.method) \(self.path) as \(self.role.rawValue)" }
        var isAPI: Bool { self.pattern.hasPrefix("/api/") }
    }

    /// Routes that change something but have no unit to be wrong about.
    static let exempt: [String: String] = [
        "POST /login": "anyone signs in as themselves",
        "POST /logout": "ends one's own session",
        "POST /account/password": "changes one's own password",
        "POST /account/email": "changes one's own address for survey invitations",
        "POST /users": "administrators only, who act on every unit",
        "POST /users/{id}": "administrators only",
        "POST /api/v1/users": "administrators only",
        "PUT /api/v1/users/{id}": "administrators only",
        "POST /tokens": "a non-administrator's form always makes their own token (tested below)",
        "POST /api/v1/survey-answers": "the invitation's token is the key, whoever sends it (SurveysWebTests)",
        "POST /api/v1/nps-responses": "customers' answers belong to the company's channels, not to a unit (NPSAPITests)",
        "POST /api/v1/nps/touchpoints": "the company's registry: administrators only",
        "POST /r/{touchpoint}": "customers rate anonymously; no unit (NPSWebTests)",
        "POST /nps/support": "the company's support map: administrators only",
        "POST /api/v1/nps/support": "the company's support map: administrators only",
        "POST /nps/import": "customers' answers belong to the company's channels, not to a unit",
        "POST /nps/touchpoints/import": "the company's registry: administrators only",
        "POST /nps/transactions/import": "the company's registry: administrators only",
        "POST /api/v1/nps/transactions": "the company's registry: administrators only",
    ]

    static let terms = #"""
        "title": "Selección", "provider": "TH", "client": "CC", "valid_from": "2026-01-01", "valid_to": "2026-12-31",
        "commitments": [{"name": "Cobertura", "metric": "volume", "target": 5}]
        """#
    static let form = [
        "title": "Selección", "provider": "TI", "client": "CC", "valid_from": "2026-01-01", "valid_to": "2026-12-31", "cadence": "monthly",
        "commitments[0].name": "Cobertura", "commitments[0].metric": "volume", "commitments[0].target": "5", "commitments[0].weight": "1",
    ]
    static let campaignForm = [
        "title": "Percepción", "period": "2026-09", "unit": "TH", "opens_on": "2026-09-21", "closes_on": "2026-09-30", "reminder_days": "7",
        "attributes[0].key": "quality", "attributes[0].es": "Calidad", "attributes[0].en": "Quality",
    ]
    static let answers = "external_ref,agreement,period,recommend\nX-1,TH-ACT,2026-10,9\n"
    static let calendar = #""name": "Horario", "time_zone": "America/Guayaquil", "hours": {"monday": ["08:00-17:00"]}"#
    static let request = "external_ref,provider,client,service,priority,opened_at\nTH-9,TH,CC,Selección,P1,2026-09-14T09:00:00-05:00\n"

    static func probes(pendingSHA: String, raterToken: Int64, followUp: Int64) -> [Probe] {
        let calendarForm = ["code": "otro", "name": "Horario", "time_zone": "America/Guayaquil", "hours.monday": "08:00-17:00", "owner": "TH"]
        return [
            Probe(
                method: .post,
                pattern: "/agreements",
                path: "/agreements",
                role: .manager,
                body: .form(Self.form.merging(["code": "X1", "provider": "TH"]) { $1 }),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/agreements/{code}",
                path: "/agreements/TH-DRAFT",
                role: .manager,
                body: .form(Self.form),
                expected: .notFound
            ),
            Probe(
                method: .post,
                pattern: "/agreements/{code}",
                path: "/agreements/TH-ACT",
                role: .manager,
                body: .form(Self.form),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/agreements/{code}/calendars",
                path: "/agreements/TH-ACT/calendars",
                role: .manager,
                body: .form([:]),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/agreements/{code}/submit",
                path: "/agreements/TH-DRAFT/submit",
                role: .manager,
                body: .form([:]),
                expected: .notFound
            ),
            Probe(
                method: .post,
                pattern: "/agreements/{code}/terminate",
                path: "/agreements/TH-ACT/terminate",
                role: .manager,
                body: .form(["reason": "Mío"]),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/agreements/{code}/sign",
                path: "/agreements/TH-PEND/sign",
                role: .rater,
                body: .form(["version": "1", "sha256": pendingSHA, "confirm": "yes"]),
                expected: .notFound
            ),
            Probe(
                method: .post,
                pattern: "/agreements/{code}/indicators/manual",
                path: "/agreements/TH-ACT/indicators/manual",
                role: .manager,
                body: .form(["commitment": "M1", "period": "2026-09", "value": "3", "evidence": "Acta"]),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/units",
                path: "/units",
                role: .manager,
                body: .form(["code": "X1", "name": "Nueva", "parent": "TH"]),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/units/{code}",
                path: "/units/TH-SUB",
                role: .manager,
                body: .form(["name": "Mía", "parent": "TH"]),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/units/import",
                path: "/units/import",
                role: .manager,
                body: .form(["csv": "code,name,parent\nX1,Nueva,TH\n"]),
                expected: .forbidden
            ),
            Probe(method: .post, pattern: "/calendars", path: "/calendars", role: .manager, body: .form(calendarForm), expected: .forbidden),
            Probe(
                method: .post,
                pattern: "/calendars/{code}",
                path: "/calendars/th-horario",
                role: .manager,
                body: .form(calendarForm.merging(["owner": "TI"]) { $1 }),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/requests/import",
                path: "/requests/import",
                role: .manager,
                body: .form(["csv": Self.request]),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/tokens/{id}/revoke",
                path: "/tokens/\(raterToken)/revoke",
                role: .manager,
                body: .form([:]),
                expected: .notFound
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/agreements",
                path: "/api/v1/agreements",
                role: .manager,
                body: .json(#"{"code": "X1", \#(Self.terms)}"#),
                expected: .forbidden
            ),
            Probe(
                method: .put,
                pattern: "/api/v1/agreements/{code}",
                path: "/api/v1/agreements/TH-DRAFT",
                role: .manager,
                body: .json("{\(Self.terms)}"),
                expected: .notFound
            ),
            Probe(
                method: .put,
                pattern: "/api/v1/agreements/{code}",
                path: "/api/v1/agreements/TH-ACT",
                role: .manager,
                body: .json("{\(Self.terms.replacingOccurrences(of: "\"TH\"", with: "\"TI\""))}"),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/agreements/{code}/submit",
                path: "/api/v1/agreements/TH-DRAFT/submit",
                role: .manager,
                body: .none,
                expected: .notFound
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/agreements/{code}/terminate",
                path: "/api/v1/agreements/TH-ACT/terminate",
                role: .manager,
                body: .json(#"{"reason": "Mío"}"#),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/agreements/{code}/signatures",
                path: "/api/v1/agreements/TH-PEND/signatures",
                role: .rater,
                body: .json(#"{"version": 1, "sha256": "\#(pendingSHA)"}"#),
                expected: .notFound
            ),
            Probe(
                method: .put,
                pattern: "/api/v1/agreements/{code}/indicators/manual",
                path: "/api/v1/agreements/TH-ACT/indicators/manual",
                role: .manager,
                body: .json(#"{"commitment": "M1", "period": "2026-09", "value": 3, "evidence": "Acta"}"#),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/units",
                path: "/api/v1/units",
                role: .manager,
                body: .json(#"{"code": "X1", "name": "Nueva", "parent": "TH"}"#),
                expected: .forbidden
            ),
            Probe(
                method: .put,
                pattern: "/api/v1/units/{code}",
                path: "/api/v1/units/TH-SUB",
                role: .manager,
                body: .json(#"{"name": "Mía", "parent": "TH"}"#),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/units/import",
                path: "/api/v1/units/import",
                role: .manager,
                body: .csv("code,name,parent\nX1,Nueva,TH\n"),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/calendars",
                path: "/api/v1/calendars",
                role: .manager,
                body: .json(#"{"code": "otro", \#(Self.calendar), "owner": "TH"}"#),
                expected: .forbidden
            ),
            Probe(
                method: .put,
                pattern: "/api/v1/calendars/{code}",
                path: "/api/v1/calendars/th-horario",
                role: .manager,
                body: .json("{\(Self.calendar)}"),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/requests",
                path: "/api/v1/requests",
                role: .manager,
                body: .csv(Self.request),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/tokens",
                path: "/api/v1/tokens",
                role: .manager,
                body: .json(#"{"name": "Ajeno", "username": "clienta"}"#),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/campaigns",
                path: "/campaigns",
                role: .manager,
                body: .form(Self.campaignForm.merging(["code": "X1"]) { $1 }),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/campaigns/{code}",
                path: "/campaigns/TH-ENC",
                role: .manager,
                body: .form(Self.campaignForm),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/campaigns/{code}/open",
                path: "/campaigns/TH-ENC/open",
                role: .manager,
                body: .form([:]),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/campaigns/{code}/close",
                path: "/campaigns/TH-ABIERTA/close",
                role: .manager,
                body: .form([:]),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/campaigns/{code}/links",
                path: "/campaigns/TH-ABIERTA/links",
                role: .manager,
                body: .form([:]),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/campaigns/{code}/links.csv",
                path: "/campaigns/TH-ABIERTA/links.csv",
                role: .manager,
                body: .form([:]),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/campaigns/{code}/import",
                path: "/campaigns/TH-ABIERTA/import",
                role: .manager,
                body: .form(["csv": Self.answers]),
                expected: .notFound
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/survey-answers/import",
                path: "/api/v1/survey-answers/import",
                role: .manager,
                body: .csv(Self.answers),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/campaigns",
                path: "/api/v1/campaigns",
                role: .manager,
                body: .json(
                    #"{"code": "X2", "title": "Percepción", "period": "2026-09", "unit": "TH", "opens_on": "2026-09-21", "closes_on": "2026-09-30"}"#
                ),
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/campaigns/{code}/open",
                path: "/api/v1/campaigns/TH-ENC/open",
                role: .manager,
                body: .none,
                expected: .forbidden
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/campaigns/{code}/close",
                path: "/api/v1/campaigns/TH-ABIERTA/close",
                role: .manager,
                body: .none,
                expected: .forbidden
            ),
            // A rater of CRED is not invited to rate TH-ACT for CC.
            Probe(
                method: .post,
                pattern: "/surveys/{campaign}/{agreement}",
                path: "/surveys/TH-ABIERTA/TH-ACT",
                role: .rater,
                body: .form(["recommend": "10"]),
                expected: .notFound
            ),
            Probe(
                method: .post,
                pattern: "/s/{token}",
                path: "/s/\(String(repeating: "ab", count: 32))",
                role: .rater,
                body: .form(["recommend": "10"]),
                expected: .notFound
            ),
            Probe(
                method: .delete,
                pattern: "/api/v1/tokens/{id}",
                path: "/api/v1/tokens/\(raterToken)",
                role: .manager,
                body: .none,
                expected: .notFound
            ),
            // TH's follow-up of a detractor of the branches it supports for CC.
            Probe(
                method: .post,
                pattern: "/nps/followups/{id}",
                path: "/nps/followups/\(followUp)",
                role: .manager,
                body: .form(["status": "closed", "owner": "", "note": "Mío"]),
                expected: .notFound
            ),
            Probe(
                method: .post,
                pattern: "/api/v1/nps/followups/{id}",
                path: "/api/v1/nps/followups/\(followUp)",
                role: .manager,
                body: .json(#"{"status": "closed", "note": "Mío"}"#),
                expected: .notFound
            ),
        ]
    }

    /// TH, CC and TH-SUB; TH's calendar; TH-DRAFT, TH-PEND (signed by TH) and TH-ACT (both
    /// sides, with a manual commitment); a request of TH; a follow-up of TH for CC.
    static func seed(_ app: TestApp) async throws -> (pendingSHA: String, raterToken: Int64, followUp: Int64) {
        let store = app.store
        let system = Fixtures.system
        for unit in [
            OrgUnit(code: "TH", name: "Talento Humano", parent: "GG"), OrgUnit(code: "CC", name: "Centro de Contacto", parent: "GG"),
            OrgUnit(code: "TH-SUB", name: "Selección", parent: "TH"),
        ] {
            try await store.units.create(unit, by: system, at: Fixtures.now)
        }
        var calendar = Fixtures.officeHours
        calendar.code = "th-horario"
        try await store.calendars.create(calendar, owner: "TH", by: system, at: Fixtures.now)
        let rosa = Fixtures.signer("rosa", unit: "TH")
        let carla = Fixtures.signer("carla", unit: "CC", role: .rater)
        var terms = Fixtures.terms(provider: "TH", client: "CC")
        terms.commitments.append(Commitment(key: "M1", name: "Capacitaciones", metric: .manual, target: 2))
        for code in ["TH-DRAFT", "TH-PEND", "TH-ACT"] {
            _ = try await store.agreements.create(code: code, terms: terms, by: rosa, at: Fixtures.now)
        }
        for code in ["TH-PEND", "TH-ACT"] {
            _ = try await store.agreements.submit(code, by: rosa, at: Fixtures.now, today: Fixtures.today)
            try await store.agreements.signCurrentVersion(code, by: rosa, at: Fixtures.now, today: Fixtures.today)
        }
        try await store.agreements.signCurrentVersion("TH-ACT", by: carla, at: Fixtures.now, today: Fixtures.today)
        _ = try await store.requests.importRows(
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
            by: rosa,
            at: Fixtures.now,
            timeZone: app.services.timeZone
        )
        // TH's campaigns: a draft for September, one open for October (with CC's people invited).
        for (code, month) in [("TH-ENC", "2026-09"), ("TH-ABIERTA", "2026-10")] {
            let draft = CampaignDraft(
                code: code,
                title: "Percepción",
                period: Period(month)!,
                unit: "TH",
                opensOn: Fixtures.today,
                closesOn: LocalDate("2026-10-31")!
            )
            _ = try await store.campaigns.create(draft, by: rosa, at: Fixtures.now)
        }
        try await store.campaigns.open("TH-ABIERTA", by: rosa, at: Fixtures.now)
        try await store.nps.save(Touchpoint(code: "AG-1", channel: "branch", name: "Agencia"), at: Fixtures.now)
        try await store.nps.save(TransactionType(code: "deposit", name: "Depósito"), at: Fixtures.now)
        _ = try await store.nps.replaceSupportMap(bytes: Array("unit,channel,transaction,client\nTH,branch,,CC\n".utf8), skipInvalid: false)
        let answer = NPSAnswer(
            externalRef: "E-1",
            answeredAt: Int64(Fixtures.now.timeIntervalSince1970) - 3600,
            channel: "branch",
            touchpoint: "AG-1",
            transaction: "deposit",
            score: 2,
            comment: "Mala atención"
        )
        _ = try await store.nps.write([answer], unknown: .refuse, timeZone: app.services.timeZone, at: Fixtures.now)
        let followUp = try #require(try await store.followUps.list(FollowUpFilter(), visibleTo: system, limit: 1).rows.first?.id)
        let pending = try #require(try await store.agreements.get("TH-PEND", visibleTo: nil)?.agreement.sha256)
        let rater = try #require(try await store.users.credentials(username: "clienta")?.user)
        let token = try #require(try await store.tokens.list(for: rater).first?.id)
        return (pending, token, followUp)
    }

    /// Everything a refused call could have changed.
    static func snapshot(_ store: Store) async throws -> [String] {
        var lines: [String] = []
        for table in [
            "ledger", "units", "requests", "calendars", "api_tokens", "manual_values", "signatures", "agreements", "campaigns",
            "campaign_agreements", "survey_invitations", "survey_links", "survey_answers", "nps_followup_notes",
        ] {
            lines.append("\(table): \(try await store.database.first(SQL(stringLiteral: "SELECT COUNT(*) FROM \(table)"))!.decode(0, as: Int.self))")
        }
        lines += try await store.database.query("SELECT code, state, title FROM campaigns ORDER BY code").map {
            let (code, state, title) = try $0.decode((String, String, String).self)
            return "campaign \(code) \(state) \(title)"
        }
        lines += try await store.database.query("SELECT status, owner, version FROM nps_followups ORDER BY id").map {
            let (status, owner, version) = try $0.decode((String, String?, Int).self)
            return "follow-up \(status) \(owner ?? "") \(version)"
        }
        lines += try await store.units.list().map { "\($0.code) \($0.name) \($0.parent ?? "")" }
        lines += try await store.calendars.listOwned().map { "\($0.calendar.code) \($0.calendar.name) \($0.owner ?? "")" }
        lines += try await store.database.query("SELECT revoked_at FROM api_tokens ORDER BY id").map {
            "token revoked: \(try $0.decode(0, as: Date?.self) != nil)"
        }
        return lines
    }

    @Test(arguments: TestDatabase.available)
    func everyStateChangingRouteRefusesAnotherUnitsData(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            let (pendingSHA, raterToken, followUp) = try await Self.seed(app)
            let probes = Self.probes(pendingSHA: pendingSHA, raterToken: raterToken, followUp: followUp)
            // Every route that changes something is probed, or exempt with a reason.
            let changing = Set(try app.router().routes.filter { $0.method != .get }.map { "\($0.method) \($0.path)" })
            let probed = Set(probes.map { "\($0.method) \($0.pattern)" })
            #expect(changing.subtracting(probed).subtracting(Self.exempt.keys).isEmpty, "routes without a unit probe")
            #expect(probed.subtracting(changing).isEmpty, "probes of routes that do not exist")

            let before = try await Self.snapshot(app.store)
            try await app.test { client in
                for probe in probes {
                    var headers = probe.isAPI ? app.api(probe.role) : app.browser(probe.role, form: true)
                    let body: ByteBuffer?
                    switch probe.body {
                    case .none: body = nil
                    case .json(let text): body = ByteBuffer(string: text)
                    case .form(let fields): body = app.form(fields)
                    case .csv(let text):
                        headers[.contentType] = "text/csv"
                        body = ByteBuffer(string: text)
                    }
                    let response = try await client.execute(uri: probe.path, method: probe.method, headers: headers, body: body)
                    #expect(response.status == probe.expected, "\(probe): \(response.status) \(response.text.prefix(300))")
                    if probe.isAPI, probe.expected == .forbidden {
                        // An error, or an import's report naming the rows out of scope.
                        let codes =
                            [(response.json["error"] as? [String: Any])?["code"] as? String]
                            + (response.json["problems"] as? [[String: Any]] ?? []).map { $0["code"] as? String }
                        #expect(codes.contains("out_of_scope"), "\(probe): \(response.text.prefix(300))")
                    }
                }
            }
            #expect(try await Self.snapshot(app.store) == before, "nothing changed")
        }
    }

    @Test(arguments: TestDatabase.available)
    func anotherUnitsDraftDoesNotExistForThem(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            _ = try await Self.seed(app)
            try await app.test { client in
                for path in [
                    "/agreements/TH-DRAFT", "/agreements/TH-DRAFT/versions/1", "/agreements/TH-DRAFT/versions/1/document.json",
                    "/agreements/TH-DRAFT/indicators", "/agreements/TH-DRAFT/edit", "/agreements/TH-PEND/sign",
                ] {
                    let response = try await client.execute(uri: path, method: .get, headers: app.browser(path.hasSuffix("sign") ? .rater : .manager))
                    #expect(response.status == .notFound, "\(path)")
                }
                for path in ["/api/v1/agreements/TH-DRAFT", "/api/v1/agreements/TH-DRAFT/versions/1", "/api/v1/agreements/TH-DRAFT/indicators"] {
                    #expect(try await client.execute(uri: path, method: .get, headers: app.api(.manager)).status == .notFound, "\(path)")
                }
                let list = try await client.execute(uri: "/api/v1/agreements", method: .get, headers: app.api(.manager))
                #expect(Set((list.json["items"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }) == ["TH-ACT"])
                // The administrator and a manager above both units see it; the edit form of a published one is refused.
                #expect(try await client.execute(uri: "/agreements/TH-DRAFT", method: .get, headers: app.browser(.admin)).status == .ok)
                #expect(try await client.execute(uri: "/agreements/TH-ACT/edit", method: .get, headers: app.browser(.manager)).status == .forbidden)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func tokensArePeoplesOwnAndOnlyTheirOwnSign(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                // A manager's token form makes their own token, whatever user it names.
                let before = try await app.store.tokens.list(for: try #require(try await app.store.users.credentials(username: "root")?.user)).count
                var response = try await client.execute(
                    uri: "/tokens",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(["name": "Script", "user": "clienta"])
                )
                #expect(response.status == .created)
                let tokens = try await app.store.tokens.list(for: try #require(try await app.store.users.credentials(username: "root")?.user))
                #expect(tokens.count == before + 1 && tokens.first?.username == "gestora" && tokens.first?.createdBy == "gestora")
                // An administrator mints a token for the rater: it acts as her, but cannot sign for her.
                response = try await client.execute(
                    uri: "/api/v1/tokens",
                    method: .post,
                    headers: app.api(.admin),
                    body: TestApp.json(#"{"name": "Sistema", "username": "clienta"}"#)
                )
                #expect(response.status == .created)
                #expect((response.json["token"] as? [String: Any])?["created_by"] as? String == "root")
                let minted = try #require(response.json["secret"] as? String)
                let agreement = try await client.execute(
                    uri: "/api/v1/agreements",
                    method: .post,
                    headers: app.api(.manager),
                    body: TestApp.json(TestApp.agreement)
                )
                #expect(agreement.status == .created)
                let pending = try await client.execute(uri: "/api/v1/agreements/TI-CRED/submit", method: .post, headers: app.api(.manager))
                var headers = app.api(nil)
                headers[.authorization] = "Bearer \(minted)"
                let body = #"{"version": 1, "sha256": "\#(pending.json["sha256"] as? String ?? "")"}"#
                response = try await client.execute(
                    uri: "/api/v1/agreements/TI-CRED/signatures",
                    method: .post,
                    headers: headers,
                    body: TestApp.json(body)
                )
                #expect(response.status == .forbidden)
                #expect((response.json["error"] as? [String: Any])?["code"] as? String == "not_your_own_signature")
                // Nor can it make itself a token that would count as hers.
                response = try await client.execute(
                    uri: "/api/v1/tokens",
                    method: .post,
                    headers: headers,
                    body: TestApp.json(#"{"name": "Puente"}"#)
                )
                #expect(response.status == .forbidden)
                #expect((response.json["error"] as? [String: Any])?["code"] as? String == "not_your_own_token")
                // Her own token signs, and the signature says how.
                response = try await app.sign(client, as: .rater, shown: pending)
                #expect(response.status == .created)
                let signature = try #require((response.json["signatures"] as? [[String: Any]])?.first)
                #expect(signature["signer"] as? String == "clienta" && signature["channel"] as? String == "api" && signature["token_id"] != nil)
            }
        }
    }
}
