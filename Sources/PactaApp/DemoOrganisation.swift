import Foundation
import PactaCore
import PactaStore

/// A realistic demo organisation in Spanish: an Ecuadorian financial institution with eight
/// back-office providers, seven client units, two calendars, thirteen agreements in every state,
/// one user per role, and this year's service requests for the active agreements.
public struct DemoOrganisation: Sendable {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Where the organisation works: its calendars' zone, and the one its pages show times in.
    public static let timeZone = TimeZone(identifier: "America/Guayaquil")!

    /// The password of every demo user.
    public static let password = "pacta-demo-2026"

    /// The demo users: username, full name, role, unit.
    public static let users: [(String, String, Role, String)] = [
        ("admin", "Administración Pacta", .admin, "GG"),
        ("gestor", "María Fernanda Andrade", .manager, "TI"),
        ("cliente", "Jorge Luis Cevallos", .rater, "AGEN"),
        ("gerencia", "Patricia Salazar", .viewer, "GG"),
        ("ops.credito", "Andrés Villacís", .manager, "OPCRED"),
        ("contabilidad", "Lucía Benítez", .manager, "CONT"),
        ("talento", "Gabriela Ortiz", .manager, "TH"),
        ("adquisiciones", "Diego Paredes", .manager, "ADQ"),
        ("seguridad", "Ramiro Espinosa", .manager, "SEG"),
        ("tesoreria", "Verónica Mora", .manager, "TES"),
        ("banca.digital", "Santiago Herrera", .rater, "BDIG"),
        ("comercial", "Carolina Jaramillo", .rater, "COM"),
        ("hipotecario", "Esteban Guerrero", .rater, "HIP"),
        ("contacto", "Daniela Vaca", .rater, "CC"),
        ("riesgos", "Fernando Aguirre", .rater, "RIES"),
    ]

    /// Prints how to sign in.
    public static func printCredentials() {
        print("Demo organisation ready. Sign in with any of these users, password \(Self.password):")
        for (username, name, role, unit) in Self.users.prefix(4) {
            print(
                "  \(username.padding(toLength: 10, withPad: " ", startingAt: 0)) \(role.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(unit.padding(toLength: 6, withPad: " ", startingAt: 0)) \(name)"
            )
        }
        print("  (and one signer per unit: ops.credito, contabilidad, banca.digital, comercial…)")
        fflush(nil)  // stdout is block-buffered when redirected to a file
    }

    /// Seeds the organisation unless the database already has users.
    /// - Returns: whether it seeded.
    @discardableResult
    public func seedIfEmpty(at instant: Date, today: LocalDate) async throws -> Bool {
        guard try await self.store.users.count() == 0 else { return false }
        try await self.seed(at: instant, today: today)
        return true
    }

    func seed(at instant: Date, today: LocalDate) async throws {
        let units: [OrgUnit] = [
            OrgUnit(code: "GG", name: "Gerencia General"),
            OrgUnit(code: "VPO", name: "Vicepresidencia de Operaciones", parent: "GG"),
            OrgUnit(code: "VPN", name: "Vicepresidencia de Negocios", parent: "GG"),
            OrgUnit(code: "TI", name: "Tecnología de la Información", parent: "VPO"),
            OrgUnit(code: "CONT", name: "Contabilidad", parent: "VPO"),
            OrgUnit(code: "TH", name: "Talento Humano", parent: "GG"),
            OrgUnit(code: "OPCRED", name: "Operaciones de Crédito", parent: "VPO"),
            OrgUnit(code: "JUR", name: "Asesoría Jurídica", parent: "GG"),
            OrgUnit(code: "ADQ", name: "Adquisiciones y Servicios Generales", parent: "VPO"),
            OrgUnit(code: "SEG", name: "Seguridad de la Información", parent: "GG"),
            OrgUnit(code: "TES", name: "Tesorería", parent: "VPO"),
            OrgUnit(code: "AGEN", name: "Red de Agencias", parent: "VPN"),
            OrgUnit(code: "BDIG", name: "Banca Digital", parent: "VPN"),
            OrgUnit(code: "CC", name: "Centro de Contacto", parent: "VPN"),
            OrgUnit(code: "COM", name: "Banca Comercial", parent: "VPN"),
            OrgUnit(code: "HIP", name: "Crédito Hipotecario", parent: "VPN"),
            OrgUnit(code: "RIES", name: "Riesgos", parent: "GG"),
            OrgUnit(code: "MKT", name: "Marketing y Experiencia del Cliente", parent: "VPN"),
        ]
        _ = try await self.store.units.upsert(units, at: instant)
        let names = Dictionary(uniqueKeysWithValues: units.map { ($0.code, $0.name) })

        let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
        let holidays = [
            ("2026-01-01", "Año Nuevo"), ("2026-02-16", "Carnaval"), ("2026-02-17", "Carnaval"),
            ("2026-04-03", "Viernes Santo"), ("2026-05-01", "Día del Trabajo"), ("2026-05-25", "Batalla de Pichincha"),
            ("2026-08-10", "Primer Grito de Independencia"), ("2026-10-09", "Independencia de Guayaquil"),
            ("2026-11-02", "Día de los Difuntos"), ("2026-11-03", "Independencia de Cuenca"), ("2026-12-25", "Navidad"),
            ("2027-01-01", "Año Nuevo"),
        ].map { Holiday(date: LocalDate($0.0)!, name: $0.1) }
        let office = BusinessCalendar(
            code: "oficina-uio",
            name: "Horario de oficina Quito",
            timeZone: "America/Guayaquil",
            hours: WeeklyHours(Dictionary(uniqueKeysWithValues: weekdays.map { ($0, [TimeRange("08:30-13:00")!, TimeRange("14:00-17:30")!]) })),
            holidays: holidays
        )
        var agencyHours = Dictionary(uniqueKeysWithValues: weekdays.map { ($0, [TimeRange("09:00-18:00")!]) })
        agencyHours[.saturday] = [TimeRange("09:00-13:00")!]
        let agencies = BusinessCalendar(
            code: "agencias",
            name: "Horario de agencias",
            timeZone: "America/Guayaquil",
            hours: WeeklyHours(agencyHours),
            holidays: holidays
        )
        let seeder = Actor.system("pacta-demo")
        try await self.store.calendars.create(office, owner: nil, by: seeder, at: instant)
        try await self.store.calendars.create(agencies, owner: nil, by: seeder, at: instant)

        let accounts = Accounts(store: self.store)
        for (username, name, role, unit) in Self.users {
            let user = try await accounts.createUser(username: username, name: name, role: role, unit: unit, password: Self.password, at: instant)
            // Where their survey invitations go (to a relay of one's own, when SMTP_URL is set).
            try await self.store.users.setEmail(id: user.id, email: "\(username)@example.com")
        }

        let from = LocalDate(year: today.year, month: 1, day: 1)!
        let to = LocalDate(year: today.year + 1, month: 6, day: 30)!
        // Each unit's first person signs for it, in person.
        let signers: [String: Actor] = Dictionary(
            Self.users.map { ($0.3, Actor(username: $0.0, name: $0.1, role: $0.2, unit: $0.3, channel: .web)) },
            uniquingKeysWith: { first, _ in first }
        )
        func commitments(_ calendar: String, hours: Double, response: Double = 2) -> [Commitment] {
            [
                Commitment(
                    key: "RES-P1",
                    name: "Solicitudes críticas resueltas dentro del plazo",
                    metric: .resolutionWithin,
                    target: hours * 3600,
                    goal: 0.95,
                    weight: 3,
                    calendar: calendar,
                    priorities: ["P1"]
                ),
                Commitment(
                    key: "RES-P2",
                    name: "Solicitudes normales resueltas dentro del plazo",
                    metric: .resolutionWithin,
                    target: hours * 3 * 3600,
                    goal: 0.9,
                    weight: 2,
                    calendar: calendar,
                    priorities: ["P2", "P3"]
                ),
                Commitment(
                    key: "RESP",
                    name: "Primera respuesta oportuna",
                    metric: .firstResponseWithin,
                    target: response * 3600,
                    goal: 0.9,
                    weight: 1,
                    calendar: calendar
                ),
                Commitment(key: "PERC", name: "Índice de percepción del cliente interno", metric: .perceptionIndex, target: 80, weight: 2),
                Commitment(key: "NPSI", name: "NPS interno", metric: .internalNPS, target: 30, weight: 1),
            ]
        }
        struct Plan {
            var code: String, title: String, provider: String, client: String, calendar: String, hours: Double
            var state: AgreementState, revised: Bool = false
            var from: LocalDate? = nil, to: LocalDate? = nil
        }
        let plans: [Plan] = [
            Plan(
                code: "TI-AGEN",
                title: "Soporte tecnológico a la Red de Agencias",
                provider: "TI",
                client: "AGEN",
                calendar: "agencias",
                hours: 4,
                state: .active
            ),
            Plan(
                code: "TI-BDIG",
                title: "Disponibilidad y soporte de la Banca Digital",
                provider: "TI",
                client: "BDIG",
                calendar: "oficina-uio",
                hours: 2,
                state: .active
            ),
            Plan(
                code: "OPCRED-COM",
                title: "Desembolso de créditos comerciales",
                provider: "OPCRED",
                client: "COM",
                calendar: "oficina-uio",
                hours: 16,
                state: .active
            ),
            Plan(
                code: "OPCRED-HIP",
                title: "Instrumentación de créditos hipotecarios",
                provider: "OPCRED",
                client: "HIP",
                calendar: "oficina-uio",
                hours: 24,
                state: .active,
                revised: true
            ),
            Plan(
                code: "ADQ-AGEN",
                title: "Mantenimiento de agencias",
                provider: "ADQ",
                client: "AGEN",
                calendar: "agencias",
                hours: 24,
                state: .active
            ),
            Plan(
                code: "SEG-BDIG",
                title: "Gestión de accesos a sistemas digitales",
                provider: "SEG",
                client: "BDIG",
                calendar: "oficina-uio",
                hours: 8,
                state: .active
            ),
            Plan(
                code: "CONT-COM",
                title: "Conciliaciones contables de cartera comercial",
                provider: "CONT",
                client: "COM",
                calendar: "oficina-uio",
                hours: 16,
                state: .pendingSignatures
            ),
            Plan(
                code: "TH-CC",
                title: "Selección de personal para el Centro de Contacto",
                provider: "TH",
                client: "CC",
                calendar: "oficina-uio",
                hours: 40,
                state: .pendingSignatures
            ),
            Plan(
                code: "CONT-RIES",
                title: "Reportes contables para riesgos",
                provider: "CONT",
                client: "RIES",
                calendar: "oficina-uio",
                hours: 16,
                state: .pendingSignatures,
                revised: true
            ),
            Plan(
                code: "JUR-HIP",
                title: "Revisión legal de garantías hipotecarias",
                provider: "JUR",
                client: "HIP",
                calendar: "oficina-uio",
                hours: 24,
                state: .draft
            ),
            Plan(
                code: "TES-COM",
                title: "Provisión de efectivo a Banca Comercial",
                provider: "TES",
                client: "COM",
                calendar: "oficina-uio",
                hours: 8,
                state: .expired,
                from: LocalDate(year: today.year - 1, month: 1, day: 1)!,
                to: LocalDate(year: today.year - 1, month: 12, day: 31)!
            ),
            Plan(
                code: "TI-CC",
                title: "Telefonía IP del Centro de Contacto",
                provider: "TI",
                client: "CC",
                calendar: "oficina-uio",
                hours: 4,
                state: .terminated
            ),
            // Signed by both sides, in force from next year: published, measuring nothing yet.
            Plan(
                code: "SEG-CC",
                title: "Control de accesos del Centro de Contacto",
                provider: "SEG",
                client: "CC",
                calendar: "oficina-uio",
                hours: 8,
                state: .active,
                from: LocalDate(year: today.year + 1, month: 1, day: 1)!,
                to: LocalDate(year: today.year + 1, month: 12, day: 31)!
            ),
        ]
        let agreements = self.store.agreements
        // Signs what the signer reads: the current version and its hash.
        func sign(_ code: String, by signer: Actor, on day: LocalDate) async throws {
            let current = try await agreements.get(code, visibleTo: signer)!.agreement
            _ = try await agreements.sign(code, shown: .init(version: current.version, sha256: current.sha256), by: signer, at: instant, today: day)
        }
        for plan in plans {
            let validFrom = plan.from ?? from
            let validTo = plan.to ?? to
            let signingDay = plan.state == .expired ? validFrom.adding(days: 14) : today
            var terms = AgreementTerms(
                title: plan.title,
                provider: plan.provider,
                client: plan.client,
                validFrom: validFrom,
                validTo: validTo,
                cadence: plan.hours >= 16 ? .quarterly : .monthly,
                summary: "Servicio que \(names[plan.provider]!) presta a \(names[plan.client]!), acordado por ambas jefaturas en taller.",
                commitments: commitments(plan.calendar, hours: plan.hours)
            )
            // Technology promises its clients to call back the detractors of the channels it supports.
            if plan.provider == "TI" {
                terms.commitments.append(
                    Commitment(
                        key: "NPS-CONT",
                        name: "Contacto con clientes detractores en 2 días hábiles",
                        metric: .firstResponseWithin,
                        target: 16 * 3600,
                        goal: 0.9,
                        weight: 1,
                        calendar: plan.calendar,
                        priorities: [FollowUp.priority]
                    )
                )
            }
            // The provider's manager writes the agreement; Pacta itself where the unit has no one.
            let author = signers[plan.provider].flatMap { $0.role == .manager ? $0 : nil } ?? seeder
            _ = try await agreements.create(code: plan.code, terms: terms, by: author, at: instant)
            guard plan.state != .draft else { continue }
            _ = try await agreements.submit(plan.code, by: author, at: instant, today: signingDay)
            let provider = signers[plan.provider]!
            let client = signers[plan.client]!
            switch plan.state {
            case .pendingSignatures where plan.code == "CONT-COM":
                try await sign(plan.code, by: provider, on: signingDay)
            case .pendingSignatures where !plan.revised:
                break
            default:
                try await sign(plan.code, by: provider, on: signingDay)
                try await sign(plan.code, by: client, on: signingDay)
            }
            if plan.revised {
                terms.commitments[0].goal = 0.97
                terms.summary += " Versión 2: meta de solicitudes críticas elevada al 97 %."
                _ = try await agreements.revise(plan.code, terms: terms, by: author, at: instant, today: signingDay)
                if plan.state == .active {
                    try await sign(plan.code, by: provider, on: signingDay)
                    try await sign(plan.code, by: client, on: signingDay)
                }
            }
            if plan.state == .terminated {
                _ = try await agreements.terminate(
                    plan.code,
                    reason: "Migración de la telefonía a un proveedor externo.",
                    by: author,
                    at: instant,
                    today: signingDay
                )
            }
        }
        let calendars = [office.code: office, agencies.code: agencies]
        let streams =
            plans.filter { $0.state == .active && ($0.from ?? from) <= today }.enumerated().map { index, plan in
                RequestStream(provider: plan.provider, client: plan.client, calendar: calendars[plan.calendar]!, hours: plan.hours, phase: index)
            } + [
                // Units that work together without a signed agreement: their requests stay unmatched.
                RequestStream(provider: "TI", client: "MKT", calendar: office, hours: 4, perWeek: 2),
                RequestStream(provider: "JUR", client: "HIP", calendar: office, hours: 24, perWeek: 1),
            ]
        try await self.seedRequests(streams, from: from, at: instant)
        try await self.seedSurveys(today: today, at: instant)
        try await self.seedNPS(today: today, at: instant)
    }

    /// Last month's perception survey, closed with its results (one agreement below the anonymity
    /// threshold, so that its provider shows what is hidden and why), and this month's, open, with
    /// the demo rater's invitation pending. People without an account are invited by address.
    func seedSurveys(today: LocalDate, at instant: Date) async throws {
        let admin = Actor.system("pacta-demo")
        let thisMonth = Period.containing(today, cadence: .monthly)
        // People without an account, by client unit.
        let people = ["AGEN": 7, "BDIG": 5, "COM": 5, "HIP": 4, "CC": 4, "RIES": 3]
        let guests = people.flatMap { unit, count in
            (1...count).map { Campaign.Guest(unit: unit, email: "\(unit.lowercased()).\($0)@example.com") }
        }
        // The agreements are in force from January: in January there is no last month to show.
        if let lastMonth = thisMonth.advanced(by: -1), lastMonth.first.year == today.year {
            try await self.seedClosedSurvey(lastMonth, guests: guests, at: instant)
        }
        let open = CampaignDraft(
            code: "PERC-\(thisMonth)",
            title: "Percepción de servicio · \(thisMonth)",
            period: thisMonth,
            unit: "GG",
            opensOn: today,
            closesOn: today.adding(days: 14),
            guests: guests
        )
        _ = try await self.store.campaigns.create(open, by: admin, at: instant)
        try await self.store.campaigns.open(open.code, by: admin, at: instant)
    }

    /// A month's campaign, answered by some of its guests (with answers drawn from a fixed seed),
    /// then closed. TI-BDIG gets two answers, below k = 3: hidden, and TI-AGEN with it, as TI's
    /// total minus TI-AGEN would give TI-BDIG away.
    func seedClosedSurvey(_ lastMonth: Period, guests: [Campaign.Guest], at instant: Date) async throws {
        let admin = Actor.system("pacta-demo")
        let closed = CampaignDraft(
            code: "PERC-\(lastMonth)",
            title: "Percepción de servicio · \(lastMonth)",
            period: lastMonth,
            unit: "GG",
            opensOn: lastMonth.first.adding(days: 20),
            closesOn: lastMonth.last,
            guests: guests
        )
        _ = try await self.store.campaigns.create(closed, by: admin, at: instant)
        try await self.store.campaigns.open(closed.code, by: admin, at: instant)
        var random = SeededGenerator(seed: 2026)
        let keys = Questionnaire.standard.attributes.map(\.key)
        var quota = ["TI-AGEN": 6, "SEG-BDIG": 5, "TI-BDIG": 2]
        for link in try await self.store.campaigns.issueLinks(closed.code, by: admin, at: instant) where link.email != nil {
            guard quota[link.agreement, default: 4] > 0 else { continue }
            quota[link.agreement, default: 4] -= 1
            let mood = [5, 4, 5, 3, 4, 5, 2, 4][Int.random(in: 0..<8, using: &random)]
            var ratings: [String: Int] = [:]
            for key in keys where Int.random(in: 0..<10, using: &random) < 9 {
                ratings[key] = min(5, max(1, mood + Int.random(in: -1...1, using: &random)))
            }
            let recommend = min(10, max(0, mood * 2 + Int.random(in: -2...1, using: &random)))
            let comments = [
                "", "", "Responden rápido y explican bien.", "Tardan en dar seguimiento a los casos abiertos.", "Buena actitud del equipo.",
            ]
            let answer = SurveyAnswer(ratings: ratings, recommend: recommend, comment: comments[Int.random(in: 0..<comments.count, using: &random)])
            try await self.store.campaigns.answer(token: link.token, answer, today: closed.closesOn)
        }
        try await self.store.campaigns.close(closed.code, by: admin, at: instant)
    }

    /// The requests one provider receives from one client, as its ticket tool records them.
    struct RequestStream {
        var provider: String
        var client: String
        var calendar: BusinessCalendar
        /// Business hours to resolve a critical request (three times as many for the others);
        /// first responses are due within two.
        var hours: Double
        var perWeek = 8
        /// Which of the demo's seasons it is in each month (see ``DemoOrganisation/lateShare(stream:month:response:)``).
        var phase = 0
    }

    /// The share of late resolutions (or first responses) of a stream in a month: each stream goes
    /// through good months and bad ones, responses out of step with resolutions, so that a year
    /// of history shows every status: compliant, at risk (only first responses late), breached,
    /// and no data.
    static func lateShare(phase: Int, month: Int, response: Bool) -> Double {
        let seasons: [Double] = response ? [0.01, 0.02, 0.18, 0.03] : [0.01, 0.02, 0.02, 0.2]
        return seasons[(month + phase) % seasons.count]
    }

    static let services: [String: [String]] = [
        "TI": ["Correo y ofimática", "Core bancario", "Impresoras y escáneres", "Red y VPN", "Banca en línea"],
        "OPCRED": ["Desembolso", "Instrumentación", "Reestructuración", "Certificados"],
        "ADQ": ["Mantenimiento eléctrico", "Climatización", "Mobiliario", "Limpieza"],
        "SEG": ["Alta de accesos", "Baja de accesos", "Revisión de perfiles"],
        "JUR": ["Revisión de garantías", "Minutas"],
    ]

    /// Requests opened from `from` until `instant` during business hours: most answered and
    /// resolved in time, the rest late as the stream's month goes (``lateShare(phase:month:response:)``),
    /// one in twelve paused while waiting on the client, and the last days' still open, some of
    /// them close to their targets.
    func seedRequests(_ streams: [RequestStream], from: LocalDate, at instant: Date) async throws {
        var random = SeededGenerator(seed: 2026)
        func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &random) }
        let now = Interval.seconds(instant)
        let zone = Self.timeZone
        let first = Int64(from.daysSinceEpoch) * 86_400 - Int64(zone.secondsFromGMT(for: instant))
        guard now > first else { return }
        var rows: [(month: Period, request: RawServiceRequest)] = []
        for stream in streams {
            let clock = try BusinessClock(calendar: stream.calendar, from: from.adding(days: -7), through: from.adding(days: 800))
            let weeks = Double(now - first) / (7 * 86_400)
            let span = clock.elapsed(from: first, to: now)
            guard span > 0 else { continue }
            for number in 1...max(1, Int(weeks * Double(stream.perWeek))) {
                // Opened at a random business moment since `from`.
                guard let opened = clock.instant(after: first, businessSeconds: Int64(uniform(0...1) * Double(span - 1))) else { continue }
                let priority = ["P1", "P2", "P2", "P3", "P2"][Int(random.next() % 5)]
                let target = stream.hours * 3600 * (priority == "P1" ? 1 : 3)
                var request = RawServiceRequest(
                    externalRef: "\(stream.provider)-\(String(number + 1000))-\(stream.client)",
                    provider: stream.provider,
                    client: stream.client,
                    service: Self.services[stream.provider]!.randomElement(using: &random)!,
                    priority: priority,
                    openedAt: Timestamp.format(opened)
                )
                var pauses: [Interval] = []
                if random.next() % 12 == 0 {
                    let start = opened + Int64(uniform(600...7200))
                    pauses.append(Interval(start: start, end: start + Int64(uniform(3600...30 * 3600))))
                }
                // Business time to the first response and the resolution: within target but for the
                // month's share of late ones.
                let month = LocalDate(Date(timeIntervalSince1970: TimeInterval(opened)), in: zone).month
                let slow = uniform(0...1) < Self.lateShare(phase: stream.phase, month: month, response: true)
                let answered = clock.instant(
                    after: opened,
                    businessSeconds: Int64(2 * 3600 * (slow ? uniform(1.05...1.6) : uniform(0.02...0.95))),
                    pauses: pauses
                )
                let late = uniform(0...1) < Self.lateShare(phase: stream.phase, month: month, response: false)
                let resolution = clock.instant(
                    after: opened,
                    businessSeconds: Int64(target * (late ? uniform(1.05...1.8) : uniform(0.1...0.98))),
                    pauses: pauses
                )
                // Resolving answers the request too: the first response comes by the resolution.
                let response = [answered, resolution].compactMap { $0 }.min()
                if let response, response <= now { request.firstResponseAt = Timestamp.format(response) }
                if let resolution, resolution <= now { request.resolvedAt = Timestamp.format(resolution) }
                // A pause only runs while the request is open.
                let closed = min(resolution ?? now, now)
                pauses = pauses.filter { $0.start < closed }.map { Interval(start: $0.start, end: min($0.end, closed)) }
                request.pauses = pauses.map { "\(Timestamp.format($0.start))/\(Timestamp.format($0.end))" }.joined(separator: ";")
                rows.append((Period.containing(LocalDate(Date(timeIntervalSince1970: TimeInterval(opened)), in: zone), cadence: .monthly), request))
            }
        }
        // As a ticket tool's feed would have brought them: each month's requests by its end (as
        // they are today), so that no ended month shows its figures changed after it closed.
        for (month, requests) in Dictionary(grouping: rows, by: \.month).sorted(by: { $0.key < $1.key }) {
            let imported = min(now, month.instants(in: zone).end - 1)
            _ = try await self.store.requests.importRows(
                requests.map(\.request),
                skipInvalid: false,
                by: .system("pacta-demo"),
                at: Date(timeIntervalSince1970: TimeInterval(imported)),
                timeZone: zone
            )
        }
    }
}
