import Foundation
import HTTPTypes
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// Page models are built from domain values and tested without HTTP; a few checks then go
/// through the router to see them on the page.
@Suite struct PageModelTests {
    static let quarterly = (from: LocalDate("2026-01-01")!, to: LocalDate("2026-12-31")!)

    @Test func thePeriodPickerOffersTheAgreementsCadenceUpToToday() {
        let picker = PeriodPicker(
            showing: Period("2026-Q2")!,
            cadence: .quarterly,
            validity: Self.quarterly,
            today: LocalDate("2026-09-21")!,
            action: "/agreements/A/indicators",
            error: nil
        )
        #expect(picker.options.map(\.value) == ["2026-Q3", "2026-Q2", "2026-Q1"])
        #expect(picker.options.filter(\.selected).map(\.value) == ["2026-Q2"])
        #expect(picker.previousHref == "/agreements/A/indicators?period=2026-Q1" && picker.previousLabel == "2026-Q1")
        #expect(picker.nextHref == "/agreements/A/indicators?period=2026-Q3" && picker.nextLabel == "2026-Q3")

        // At the ends: nothing before the agreement starts, nothing after today.
        let first = PeriodPicker(
            showing: Period("2026-Q1")!,
            cadence: .quarterly,
            validity: Self.quarterly,
            today: LocalDate("2026-09-21")!,
            action: "/a",
            error: nil
        )
        #expect(first.previousHref == nil)
        let current = PeriodPicker(
            showing: Period("2026-Q3")!,
            cadence: .quarterly,
            validity: Self.quarterly,
            today: LocalDate("2026-09-21")!,
            action: "/a",
            error: nil
        )
        #expect(current.nextHref == nil)
        // A period asked for outside the list is still offered, selected.
        let outside = PeriodPicker(
            showing: Period("2027-02")!,
            cadence: .monthly,
            validity: Self.quarterly,
            today: LocalDate("2026-03-05")!,
            action: "/a",
            error: nil
        )
        #expect(outside.options.map(\.value) == ["2027-02", "2026-03", "2026-02", "2026-01"])
        #expect(outside.options.first?.selected == true)
    }

    /// Every text the pages use exists in both languages, with placeholders in both alike.
    @Test func bothLanguagesHaveEveryText() throws {
        let directory = try ResourceLocator.home().appendingPathComponent("templates/messages")
        func texts(_ language: Language) throws -> [String: String] {
            var texts: [String: String] = [:]
            func walk(_ node: Any, _ path: String) {
                if let dictionary = node as? [String: Any] {
                    for (key, value) in dictionary { walk(value, path.isEmpty ? key : "\(path).\(key)") }
                } else {
                    texts[path] = node as? String ?? "\(node)"
                }
            }
            walk(try Messages.load(directory: directory, language: language).tree, "")
            return texts
        }
        let spanish = try texts(.spanish)
        let english = try texts(.english)
        #expect(spanish.count > 1000)
        #expect(Set(spanish.keys).subtracting(english.keys).sorted() == [], "only in Spanish")
        #expect(Set(english.keys).subtracting(spanish.keys).sorted() == [], "only in English")
        func placeholders(_ text: String) -> [Substring] {
            text.split(separator: "{").dropFirst().compactMap { $0.split(separator: "}", maxSplits: 1).first }.sorted()
        }
        for (key, text) in spanish where english[key].map({ placeholders($0) != placeholders(text) }) ?? false {
            Issue.record("\(key): the placeholders differ between '\(text)' and '\(english[key]!)'")
        }
    }

    @Test func periodsStepByTheirLength() {
        #expect(Period("2026-12")!.advanced(by: 1) == Period("2027-01"))
        #expect(Period("2026-01")!.advanced(by: -1) == Period("2025-12"))
        #expect(Period("2026-Q1")!.advanced(by: -1) == Period("2025-Q4"))
        #expect(Period("2026-Q4")!.advanced(by: 5) == Period("2028-Q1"))
        #expect(Period("9999-12")!.advanced(by: 1) == nil, "past the dates Pacta holds")
        #expect(Period("2026-Q3")!.through(Period("2027-Q1")!).map(\.description) == ["2026-Q3", "2026-Q4", "2027-Q1"])
        #expect(Period("2026-05")!.through(Period("2026-04")!).isEmpty)
    }

    @Test(arguments: TestDatabase.available)
    func theIndicatorsPageShowsTheCurrentPeriodAndABadOneNextToThePicker(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.store.seedSignedAgreement()
            try await app.test { client in
                // Without a period: the agreement's current one (Fixtures.now is 2026-09-21).
                try await client.execute(uri: "/agreements/TI-CRED/indicators", method: .get, headers: app.browser(.viewer)) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains(#"<option value="2026-09" selected>2026-09</option>"#))
                    #expect(response.text.contains(#"href="/agreements/TI-CRED/indicators?period=2026-08" rel="prev""#))
                    #expect(!response.text.contains("field-error"))
                }
                // Commitments name their calendar as signed, not only by its code.
                try await client.execute(uri: "/agreements/TI-CRED", method: .get, headers: app.browser(.viewer)) { response in
                    #expect(response.text.contains(#"\#(Fixtures.officeHours.name) <span class="code muted">oficina-uio</span>"#))
                }
                try await client.execute(uri: "/agreements/TI-CRED/indicators?period=octubre", method: .get, headers: app.browser(.viewer)) {
                    response in
                    #expect(response.status == .badRequest)
                    #expect(response.text.contains(#"<p class="field-error" id="e-period">El período debe tener la forma 2026-10 o 2026-Q4.</p>"#))
                    #expect(response.text.contains(#"<option value="2026-09" selected>"#), "the current period instead")
                }
            }
        }
    }

    @Test func numbersTakeTheLanguagesDecimalMark() async throws {
        let renderer = try await PageRenderer(directory: try ResourceLocator.home().appendingPathComponent("templates"))
        #expect(renderer.messages(.spanish).percent(0.8523) == "85,2 %")
        #expect(renderer.messages(.english).percent(0.8523) == "85.2 %")
        #expect(renderer.messages(.spanish).number(2.5) == "2,5" && renderer.messages(.spanish).number(8) == "8")
        #expect(IndicatorsPage.format(0.95, metric: .resolutionWithin, messages: renderer.messages(.spanish)) == "95 %")
        #expect(IndicatorsPage.format(18_420, metric: .medianResolution, messages: renderer.messages(.spanish)) == "5 h 07 min")
    }

    @Test(arguments: TestDatabase.available)
    func anExcelFileImportsThroughThePageAndTheRequestsAreBrowsed(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.store.seedSignedAgreement()
            try await app.test { client in
                var csv = "\u{FEFF}external_ref;provider;client;service;priority;opened_at;resolved_at\r\n"
                for number in 1...55 {
                    csv +=
                        "XL-\(number);TI;\(number == 55 ? "GG" : "CRED");Correo;P\(number % 2 + 1);2026-10-05 09:\(number < 10 ? "0" : "")\(number);\r\n"
                }
                try await client.execute(
                    uri: "/requests/import",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(["csv": csv])
                ) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains(#"<a href="/requests?agreement=any">54 con acuerdo</a>"#))
                    #expect(response.text.contains(#"<a href="/requests?agreement=none">1 sin acuerdo</a>"#))
                    #expect(response.text.contains("America/Guayaquil"), "the zone of times without offset")
                }
                // Newest first, 50 a page, the counters linking to their lists.
                try await client.execute(uri: "/requests", method: .get, headers: app.browser(.viewer)) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains("Solicitudes 1–50 de 55"))
                    #expect(response.text.contains(#"<a href="/requests?agreement=none">1</a>"#))
                    #expect(response.text.contains(#"href="/requests?page=2" rel="next""#))
                    #expect(response.text.range(of: ">XL-55<")!.lowerBound < response.text.range(of: ">XL-54<")!.lowerBound)
                }
                try await client.execute(uri: "/requests?page=2", method: .get, headers: app.browser(.viewer)) { response in
                    #expect(response.text.contains("Solicitudes 51–55 de 55") && response.text.contains(">XL-1<"))
                }
                // A reference, without the provider; a filter that matches nothing says which filters are on.
                try await client.execute(uri: "/requests?ref=XL-7", method: .get, headers: app.browser(.viewer)) { response in
                    #expect(response.text.contains("1 solicitud") && response.text.contains(#"href="/requests/TI/XL-7""#))
                }
                try await client.execute(uri: "/requests/TI/XL-7", method: .get, headers: app.browser(.viewer)) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains(#"<a href="/agreements/TI-CRED">Soporte a Crédito</a>"#))
                    #expect(response.text.contains("2026-10-05 09:07") && response.text.contains("Tecnología"))
                }
                try await client.execute(uri: "/requests?agreement=none&priority=P1", method: .get, headers: app.browser(.viewer)) {
                    response in
                    #expect(response.text.contains("Ninguna solicitud cumple estos filtros"))
                    #expect(response.text.contains("Filtros activos: Acuerdo: Sin acuerdo · Prioridad: P1"))
                }
                try await client.execute(uri: "/requests?period=ayer", method: .get, headers: app.browser(.viewer)) { response in
                    #expect(response.status == .badRequest)
                    #expect(response.text.contains(#"<p class="field-error" id="e-period">"#))
                }
            }
        }
    }

    /// The actions an agreement's page offers follow the reader's role and side, without HTTP.
    @Test(arguments: TestDatabase.available)
    func anAgreementsPageOffersEachReaderTheirOwnActions(database: TestDatabase) async throws {
        try await database.withStore { store in
            for unit in [OrgUnit(code: "TI", name: "Tecnología"), OrgUnit(code: "CRED", name: "Crédito")] {
                try await store.units.create(unit, by: Fixtures.system, at: Fixtures.now)
            }
            try await store.calendars.create(Fixtures.officeHours, owner: nil, by: Fixtures.system, at: Fixtures.now)
            let ana = Fixtures.signer("ana", unit: "TI")
            let luis = Fixtures.signer("luis", unit: "CRED")
            let viewer = Fixtures.signer("vera", unit: "TI", role: .viewer)
            _ = try await store.agreements.create(code: "TI-CRED", terms: Fixtures.terms(), by: ana, at: Fixtures.now)
            let messages = try await PageRenderer(directory: try ResourceLocator.home().appendingPathComponent("templates")).messages(.spanish)
            let zone = TimeZone(identifier: "America/Guayaquil")!
            func page(_ actor: Actor) async throws -> AgreementPage {
                let record = try #require(try await store.agreements.get("TI-CRED", visibleTo: nil))
                return AgreementPage(
                    record,
                    by: actor,
                    takesPart: actor.unit == "TI" || actor.unit == "CRED",
                    changedCalendars: [],
                    compliance: [],
                    today: Fixtures.today,
                    messages: messages,
                    timeZone: zone
                )
            }
            let draft = try await page(ana)
            #expect(draft.editHref == "/agreements/TI-CRED/edit" && draft.submitAction == "/agreements/TI-CRED/submit")
            #expect(draft.isCancellation && draft.signHref == nil && draft.versions.first?.supersedes == nil)
            #expect(draft.agreement.commitments.map(\.goalAndTarget).first == "95 % · 8 horas hábiles")
            let watched = try await page(viewer)
            #expect(watched.editHref == nil && watched.submitAction == nil && watched.terminateAction == nil)

            _ = try await store.agreements.submit("TI-CRED", by: ana, at: Fixtures.now, today: Fixtures.today)
            let pending = try await page(luis)
            #expect(pending.signHref == "/agreements/TI-CRED/sign" && pending.signSideLabel == "cliente")
            #expect(pending.pendingSides == ["proveedor", "cliente"] && pending.submitAction == nil)
            #expect(try await page(viewer).signHref == nil, "a viewer does not sign")
        }
    }

    /// `{{#first(rows)}}` pushes the first row as context, so that a later row's nil field was
    /// read from the first row (a revoked token showed the first token's revoke button): lists
    /// test emptiness with `{{^empty(rows)}}`, which pushes nothing.
    @Test func noTemplatePushesARowToTestAListsEmptiness() throws {
        let directory = try ResourceLocator.home().appendingPathComponent("templates")
        for template in Template.allCases {
            let text = try String(contentsOf: directory.appendingPathComponent("\(template.rawValue).mustache"), encoding: .utf8)
            #expect(!text.contains("{{#first("), "\(template.rawValue).mustache")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRevokedTokenAfterAnActiveOneOffersNoRevocation(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            let admin = try #require(try await app.store.users.credentials(username: "root")?.user)
            // Newest first: the oldest token, revoked, is listed after active ones.
            let oldest = try #require(try await app.store.tokens.list(for: admin).map(\.id).min())
            try await app.store.tokens.revoke(id: oldest, by: admin, at: Fixtures.now)
            try await app.test { client in
                try await client.execute(uri: "/tokens", method: .get, headers: app.browser(.admin)) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.components(separatedBy: "/revoke\"").count - 1 == TestApp.users.count - 1)
                    #expect(!response.text.contains("/tokens/\(oldest)/revoke"))
                }
            }
        }
    }

    /// The manager's drill-down: an indicator's count links to the requests behind it, and the
    /// list keeps them by what they counted as, measured as the indicators page does.
    @Test(arguments: TestDatabase.available)
    func theRequestsBehindAnIndicatorAreListedByOutcome(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.store.seedSignedAgreement()
            try await app.test { client in
                // Office hours 08:30-13:00, 14:00-17:30 in Quito; the clock stands at Mon 2026-09-21 09:13.
                let csv = """
                    external_ref,provider,client,service,priority,opened_at,resolved_at
                    OK-1,TI,CRED,Correo,P1,2026-09-14 09:00,2026-09-14 11:00
                    LATE-1,TI,CRED,Correo,P1,2026-09-14 09:00,2026-09-17 09:00
                    WAIT-1,TI,CRED,Correo,P1,2026-09-21 08:00,
                    LOW-1,TI,CRED,Correo,P2,2026-09-14 09:00,2026-09-17 09:00
                    AUG-1,TI,CRED,Correo,P1,2026-08-03 09:00,2026-08-07 09:00

                    """
                try await client.execute(
                    uri: "/requests/import",
                    method: .post,
                    headers: app.browser(.manager, form: true),
                    body: app.form(["csv": csv])
                ) {
                    #expect($0.status == .ok, "\($0.text)")
                }
                try await client.execute(uri: "/agreements/TI-CRED/indicators?period=2026-09", method: .get, headers: app.browser(.viewer)) {
                    #expect($0.text.contains(#"<a href="/requests?agreement=TI-CRED&amp;period=2026-09&amp;commitment=C1&amp;outcome=missed">1</a>"#))
                }
                func listed(_ query: String) async throws -> (status: HTTPResponse.Status, refs: [String], text: String) {
                    try await client.execute(uri: "/requests?" + query, method: .get, headers: app.browser(.viewer)) { response in
                        let refs = ["OK-1", "LATE-1", "WAIT-1", "LOW-1", "AUG-1"].filter { response.text.contains(">\($0)<") }
                        return (response.status, refs, response.text)
                    }
                }
                #expect(try await listed("agreement=TI-CRED&period=2026-09&commitment=C1&outcome=missed").refs == ["LATE-1"])
                #expect(try await listed("agreement=TI-CRED&outcome=met").refs == ["OK-1"], "the agreement's current period by default")
                #expect(try await listed("agreement=TI-CRED&outcome=met").text.contains(#"name="period" type="text" value="2026-09""#))
                #expect(try await listed("agreement=TI-CRED&outcome=pending").refs == ["WAIT-1"])
                #expect(try await listed("agreement=TI-CRED&commitment=C1").refs == ["OK-1", "LATE-1", "WAIT-1"], "P2 is not counted")
                #expect(try await listed("agreement=TI-CRED&period=2026-08&outcome=missed").refs == ["AUG-1"])
                #expect(try await listed("agreement=TI-CRED&outcome=missed&state=open").refs.isEmpty, "other filters still apply")

                let unnamed = try await listed("outcome=missed")
                #expect(unnamed.status == .badRequest)
                #expect(unnamed.text.contains(#"<p class="field-error" id="e-outcome">Elija un acuerdo para filtrar por resultado.</p>"#))
                let notTimed = try await listed("agreement=TI-CRED&commitment=C2&outcome=met")
                #expect(notTimed.status == .badRequest && notTimed.text.contains(#"id="e-outcome""#))
                #expect(try await listed("agreement=NOPE&outcome=met").text.contains(#"id="e-agreement""#))
                #expect(try await listed("agreement=TI-CRED&outcome=late").status == .badRequest)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aSignerSeesWhatAwaitsTheirSignatureOnLanding(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            let ana = Fixtures.signer("gestora", unit: "TI")
            _ = try await app.store.agreements.create(code: "TI-CRED", terms: Fixtures.terms(), by: ana, at: Fixtures.now)
            _ = try await app.store.agreements.submit("TI-CRED", by: ana, at: Fixtures.now, today: Fixtures.today)
            try await app.test { client in
                for role in [Role.manager, .rater] {
                    try await client.execute(uri: "/published", method: .get, headers: app.browser(role)) { response in
                        #expect(response.text.contains(#"Por firmar <span class="nav-count">1</span>"#), "\(role)")
                        #expect(
                            response.text.contains(#"<a href="/agreements/TI-CRED/sign"><span class="code">TI-CRED</span> Soporte a Crédito</a>"#)
                        )
                    }
                }
                try await client.execute(uri: "/agreements?to_sign=1", method: .get, headers: app.browser(.manager)) { response in
                    #expect(response.text.contains("Acuerdos que esperan su firma") && response.text.contains(#"href="/agreements/TI-CRED""#))
                }
                try await client.execute(uri: "/published", method: .get, headers: app.browser(.viewer)) { response in
                    #expect(!response.text.contains("Por firmar"), "management signs nothing")
                }
                // Once the provider's side has signed, only the client's signer is waited for.
                _ = try await app.store.agreements.signCurrentVersion("TI-CRED", by: ana, at: Fixtures.now, today: Fixtures.today)
                try await client.execute(uri: "/published", method: .get, headers: app.browser(.manager)) { response in
                    #expect(!response.text.contains("Por firmar"))
                }
                try await client.execute(uri: "/agreements?to_sign=1", method: .get, headers: app.browser(.manager)) { response in
                    #expect(response.text.contains("Ningún acuerdo espera su firma."))
                }
                try await client.execute(uri: "/published", method: .get, headers: app.browser(.rater)) { response in
                    #expect(response.text.contains(#"Por firmar <span class="nav-count">1</span>"#))
                }
            }
        }
    }

    @Test func warningsStartAtTheUnitsOneOverseesAndAnEmptyListSaysWhichUnit() async throws {
        let renderer = try await PageRenderer(directory: try ResourceLocator.home().appendingPathComponent("templates"))
        #expect(WarningsPage.defaultUnit(role: .viewer, unit: "GG") == "")
        #expect(WarningsPage.defaultUnit(role: .admin, unit: "GG") == "")
        #expect(WarningsPage.defaultUnit(role: .manager, unit: "TI") == "TI")
        #expect(WarningsPage.defaultUnit(role: .rater, unit: "CRED") == "CRED")
        let units = [OrgUnit(code: "TI", name: "Tecnología")]
        let mine = WarningsPage([], unit: "TI", units: units, threshold: 0.75, messages: renderer.messages(.spanish), timeZone: .current)
        #expect(mine.emptyTitle == "No hay solicitudes cerca de incumplir un compromiso en Tecnología (TI).")
        #expect(mine.allUnitsHref == "/warnings?unit=" && !mine.allSelected && mine.units.first?.selected == true)
        let all = WarningsPage([], unit: "", units: units, threshold: 0.75, messages: renderer.messages(.english), timeZone: .current)
        #expect(all.emptyTitle == "No request is close to breaching a commitment." && all.allUnitsHref == nil && all.allSelected)
        #expect(all.threshold == "75 %")
    }

    static let agreementFields = [
        "code": "TI-CRED", "title": "Soporte a Crédito", "provider": "TI", "client": "CRED",
        "valid_from": "2026-01-01", "valid_to": "2026-12-31", "cadence": "monthly", "summary": "",
        "commitments[0].key": "", "commitments[0].name": "", "commitments[0].metric": "", "commitments[0].target": "",
        "commitments[0].goal": "", "commitments[0].weight": "1",
        "commitments[1].key": "C1", "commitments[1].name": "Críticos", "commitments[1].metric": "resolution_within",
        "commitments[1].target": "8", "commitments[1].goal": "95", "commitments[1].weight": "2",
        "commitments[1].calendar": "oficina-uio", "commitments[1].priorities": "P1",
    ]

    @Test(arguments: TestDatabase.available)
    func theAgreementFormReportsEveryProblemInOneRoundEachNamedByItsLabel(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                var bad = Self.agreementFields
                bad["title"] = ""  // a rule of the domain
                bad["valid_to"] = "31/12/2026"  // cannot be read
                bad["commitments[1].weight"] = "dos"  // cannot be read, on the second row (the first is blank)
                bad["commitments[1].goal"] = "150"  // a rule of the domain, on the same row
                bad["client"] = "TI"  // the same unit on both sides
                try await client.execute(uri: "/agreements", method: .post, headers: app.browser(.manager, form: true), body: app.form(bad)) {
                    response in
                    #expect(response.status == .unprocessableContent)
                    let summary = String(response.text.split(separator: "error-summary-title").last!.prefix(3000))
                    for expected in [
                        ##"href="#f-valid_to"><strong>Vigente hasta</strong>"##,
                        ##"href="#f-commitments[1].weight"><strong>Peso · Compromiso 2</strong>"##,
                        ##"href="#f-title"><strong>Título</strong>"##,
                        ##"href="#f-commitments[1].goal"><strong>Meta · Compromiso 2</strong>"##,
                        ##"href="#f-client"><strong>Unidad cliente</strong>"##,
                    ] {
                        #expect(summary.contains(expected), "\(expected)")
                    }
                }
                #expect(try await app.store.agreements.list(visibleTo: nil).isEmpty)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func addingACommitmentKeepsWhatWasTypedAndSavesNothing(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.test { client in
                var fields = Self.agreementFields
                fields["add_commitment"] = "1"
                fields["title"] = "Título a medias"
                // The two blank rows the form always offers, as a browser posts them.
                for row in 2...3 { fields["commitments[\(row)].metric"] = "" }
                try await client.execute(uri: "/agreements", method: .post, headers: app.browser(.manager, form: true), body: app.form(fields)) {
                    response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains(#"value="Título a medias""#) && response.text.contains(#"value="Críticos""#))
                    // The four rows posted and one more.
                    #expect(response.text.contains(#"name="commitments[4].key""#) && !response.text.contains(#"name="commitments[5].key""#))
                    #expect(!response.text.contains("error-summary"))
                }
                #expect(try await app.store.agreements.list(visibleTo: nil).isEmpty)
                // Enter in a field saves: the form's first submit button is the saving one.
                try await client.execute(uri: "/agreements/new", method: .get, headers: app.browser(.manager)) { response in
                    let form = response.text.split(separator: "<form method=\"post\" action=\"/agreements\"")[1]
                    let firstButton = form.split(separator: "<button")[1]
                    #expect(!firstButton.contains("add_commitment") && firstButton.contains("default-submit"))
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func editLinksShowOnlyWhereTheReaderMayEdit(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            let units = try await app.store.units.list()
            let page = UnitsPage(units, by: Fixtures.signer("gestora", unit: "TI"))
            #expect(page.rows.map(\.code) == ["CRED", "GG", "TI"])
            #expect(page.rows.map(\.editHref) == [nil, nil, "/units/TI/edit"])
            #expect(page.rows.map(\.parentName) == ["Gerencia General", nil, "Gerencia General"])
            try await app.test { client in
                // An empty link is a link to the page itself: none may be written.
                for path in ["/units", "/calendars", "/agreements"] {
                    try await client.execute(uri: path, method: .get, headers: app.browser(.manager)) { response in
                        #expect(response.status == .ok)
                        #expect(!response.text.contains(#"href="""#), "\(path)")
                    }
                }
                try await client.execute(uri: "/units", method: .get, headers: app.browser(.manager)) { response in
                    #expect(response.text.contains(#"href="/units/TI/edit""#) && !response.text.contains(#"href="/units/CRED/edit""#))
                }
            }
        }
    }
}
