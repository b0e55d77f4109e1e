import ArgumentParser
import Configuration
import Foundation
import Hummingbird
import PactaApp
import PactaCore
import PactaStore
import PactaWeb
import ServiceLifecycle

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `pacta bench`: measurements that belong in a benchmark, not in timed unit tests.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure performance (build with -c release for meaningful numbers).",
        subcommands: [BusinessTime.self, ImportRequests.self, Survey.self, ComplianceReport.self, NPSIngestion.self, NPSDashboardBench.self]
    )

    /// The compliance reports over the import benchmark's organisation: the data of the
    /// dashboard for a quarter and of one agreement's history, read from the tallies and
    /// measured from every request; with `--http`, the dashboard page as served.
    struct ComplianceReport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Import N requests into the bench organisation when it has none, then time a quarter's compliance and an agreement's history."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Requests to import into an empty bench organisation.") var rows = 1_000_000
        @Option(help: "The period of the dashboard.") var period = "2026-Q2"
        @Option(help: "Rounds timed.") var rounds = 5
        @Option(help: "Also serve Pacta on this loopback port and time the dashboard and the API over HTTP, signed in.") var http: Int?

        func run() async throws {
            guard let period = Period(self.period) else { throw CommandFailure("--period must look like 2026-10 or 2026-Q4.") }
            try await self.database.withStore { store in
                // The agreements carry a perception commitment: the period's surveys count too.
                try await ImportRequests.seedAgreements(in: store, soft: true)
                if try await store.requests.counts().total == 0 {
                    let file = "/tmp/pacta-bench-requests-v2-\(self.rows).csv"
                    if !FileManager.default.fileExists(atPath: file) { try ImportRequests.generate(rows: self.rows, into: file) }
                    guard let handle = FileHandle(forReadingAtPath: file) else { throw CommandFailure("Cannot read \(file).") }
                    let report = try await store.requests.importCSV(
                        FileChunks(handle: handle),
                        skipInvalid: false,
                        by: .system("pacta-bench"),
                        at: Date(),
                        timeZone: TimeZone(identifier: ImportRequests.zone)!
                    )
                    print("imported \(report.created) requests")
                }
                try await Self.seedSurveys(in: store, period: period)
                let now = Date()
                let today = LocalDate(now, in: TimeZone(identifier: ImportRequests.zone)!)
                for tallies in [true, false] {
                    try await RequestTallyReading.$isEnabled.withValue(tallies) {
                        try await self.time(store, period: period, at: now, today: today, tallies ? "from the tallies" : "from every request")
                    }
                }
                if let port = self.http {
                    let (password, token) = try await Survey.benchAdmin(in: store)
                    try await Survey.timePages(
                        [("dashboard page", "/dashboard?period=\(period)"), ("compliance API", "/api/v1/compliance?period=\(period)")],
                        database: self.database,
                        port: port,
                        password: password,
                        token: token,
                        rounds: self.rounds
                    )
                }
            }
        }

        /// A closed campaign for each month of `period` over every agreement, with twenty answers
        /// each imported as a paper survey would be; nothing when they are there already.
        static func seedSurveys(in store: Store, period: Period) async throws {
            let bench = Actor.system("pacta-bench")
            var answers = 0
            for month in period.months {
                let code = "BENCH-REPORT-\(month)"
                guard try await store.campaigns.get(code) == nil else { continue }
                let draft = CampaignDraft(
                    code: code,
                    title: "Encuesta \(month)",
                    period: month,
                    unit: "BENCH",
                    opensOn: month.first,
                    closesOn: month.last
                )
                let campaign = try await store.campaigns.create(draft, by: bench, at: Date())
                _ = try await store.campaigns.open(code, by: bench, at: Date())
                let keys = Questionnaire.standard.attributes.map(\.key)
                var csv = "external_ref,agreement,period,\(keys.joined(separator: ",")),recommend\n"
                var random = SeededGenerator(seed: UInt64(month.first.daysSinceEpoch))
                for agreement in campaign.agreements {
                    for number in 0..<20 {
                        let mood = Int.random(in: 2...5, using: &random)
                        let ratings = keys.map { _ in String(min(5, max(1, mood + Int.random(in: -1...1, using: &random)))) }
                        csv += "\(agreement)-\(number),\(agreement),\(month),\(ratings.joined(separator: ",")),\(min(10, mood * 2))\n"
                        answers += 1
                    }
                }
                let report = try await store.campaigns.importAnswers(bytes: Array(csv.utf8), skipInvalid: false, by: bench, today: month.last)
                guard report.committed else { throw CommandFailure("Survey answers for \(month) were refused: \(report.problems.prefix(3))") }
                try await store.campaigns.close(code, by: bench, at: Date())
            }
            if answers > 0 { print("imported \(answers) survey answers for \(period)") }
        }

        /// Times the overview of `period` and one agreement's history, as read now.
        private func time(_ store: Store, period: Period, at now: Date, today: LocalDate, _ reading: String) async throws {
            var overviewTimes: [Double] = []
            var agreementPeriods = 0
            for _ in 0..<(self.rounds + 1) {
                let started = ContinuousClock.now
                let overview = try await store.compliance(
                    for: period,
                    visibleTo: nil,
                    at: now,
                    today: today,
                    minimumAnswers: 3,
                    thresholds: .standard
                )
                agreementPeriods = overview.agreements.count
                overviewTimes.append((ContinuousClock.now - started).seconds * 1000)
            }
            print("compliance of \(period) over \(agreementPeriods) agreement periods, \(reading): \(Survey.summary(overviewTimes))")
            var historyTimes: [Double] = []
            for _ in 0..<(self.rounds + 1) {
                let started = ContinuousClock.now
                _ = try await store.complianceHistory(
                    agreement: "BP1-BC1",
                    visibleTo: nil,
                    at: now,
                    today: today,
                    minimumAnswers: 3,
                    thresholds: .standard
                )
                historyTimes.append((ContinuousClock.now - started).seconds * 1000)
            }
            print("history of BP1-BC1 (12 months), \(reading): \(Survey.summary(historyTimes))")
        }
    }

    /// A campaign of thousands of invitations and answers, then its results computed again and again.
    struct Survey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Answer a campaign of N invitations M times, then time its results (the data of its page) over R rounds; with --http, its page and API as served."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Invitations (people without an account, spread over the client units).") var invitations = 5_000
        @Option(help: "Answers, each through its own link.") var answers = 3_000
        @Option(help: "Rounds timed.") var rounds = 30
        @Option(help: "Also serve Pacta on this loopback port and time the campaign's page and API over HTTP, signed in.") var http: Int?

        func run() async throws {
            try await self.database.withStore { store in
                let bench = Actor.system("pacta-bench")
                let code = "BENCH-\(self.invitations)-\(self.answers)"
                if try await store.campaigns.get(code) == nil {
                    let started = ContinuousClock.now
                    try await ImportRequests.seedAgreements(in: store, soft: true)
                    let clients = ImportRequests.clients.dropLast()
                    let perUnit = self.invitations / (clients.count * ImportRequests.providers.count) + 1
                    var guests: [Campaign.Guest] = []
                    for client in clients {
                        for number in 0..<perUnit {
                            guests.append(Campaign.Guest(unit: client, email: "\(client.lowercased()).\(number)@example.com"))
                        }
                    }
                    let draft = CampaignDraft(
                        code: code,
                        title: "Bench",
                        period: Period("2026-09")!,
                        unit: "BENCH",
                        opensOn: LocalDate("2026-09-01")!,
                        closesOn: LocalDate("2026-09-30")!,
                        guests: guests
                    )
                    _ = try await store.campaigns.create(draft, by: bench, at: Date())
                    let invited = try await store.campaigns.open(code, by: bench, at: Date())
                    var random = SeededGenerator(seed: 9)
                    let links = try await store.campaigns.issueLinks(code, by: bench, at: Date()).shuffled(using: &random).prefix(self.answers)
                    for link in links {
                        let mood = Int.random(in: 1...5, using: &random)
                        let ratings = Dictionary(uniqueKeysWithValues: Questionnaire.standard.attributes.map { ($0.key, mood) })
                        let answer = SurveyAnswer(ratings: ratings, recommend: min(10, mood * 2), comment: mood < 3 ? "Tardan en responder." : "")
                        try await store.campaigns.answer(token: link.token, answer, today: LocalDate("2026-09-15")!)
                    }
                    print("seeded \(invited) invitations and \(links.count) answers in \(ContinuousClock.now - started)")
                }
                guard let campaign = try await store.campaigns.get(code) else { throw CommandFailure("No campaign \(code).") }
                var times: [Double] = []
                var responses = 0
                for _ in 0..<(self.rounds + 1) {
                    let started = ContinuousClock.now
                    let results = CampaignResults(campaign: campaign, tallies: try await store.campaigns.tallies(code), k: 3)
                    responses = results.total.responses
                    times.append((ContinuousClock.now - started).seconds * 1000)
                }
                print("results of \(responses) answers over \(campaign.agreements.count) agreements: \(Self.summary(times))")
                if let port = self.http {
                    let (password, token) = try await Self.benchAdmin(in: store)
                    try await Self.timePages(
                        [("campaign page", "/campaigns/\(code)"), ("campaign API", "/api/v1/campaigns/\(code)")],
                        database: self.database,
                        port: port,
                        password: password,
                        token: token,
                        rounds: self.rounds
                    )
                }
            }
        }

        /// An administrator for the bench with a new password and API token.
        static func benchAdmin(in store: Store) async throws -> (password: String, token: String) {
            let password = "bench-" + UUID().uuidString
            let user: User
            if let known = try await store.users.credentials(username: "bench-admin")?.user {
                try await Accounts(store: store).updateUser(id: known.id, role: .admin, unit: "BENCH", active: true, password: password)
                user = known
            } else {
                user = try await Accounts(store: store).createUser(
                    username: "bench-admin",
                    name: "Bench",
                    role: .admin,
                    unit: "BENCH",
                    password: password,
                    at: Date()
                )
            }
            return (password, try await store.tokens.create(userID: user.id, name: "bench", by: nil, via: "cli", at: Date()).secret)
        }

        /// Serves Pacta in this process and times `pages`, each fetched whole by a signed-in
        /// client: what a person waits for, HTTP and rendering included.
        static func timePages(
            _ pages: [(name: String, path: String)],
            database: DatabaseOptions,
            port: Int,
            password: String,
            token: String,
            rounds: Int
        ) async throws {
            let reader = database.reader(extra: [
                "http.port": .init(.int(port), isSecret: false), "log.level": .init(.string("warning"), isSecret: false),
            ])
            let app = try await buildApplication(reader: reader)
            let server = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: app.logger))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let client = HTTPBench(base: "http://127.0.0.1:\(port)", token: token)
                try await client.waitUntilUp()
                try await client.signIn(username: "bench-admin", password: password)
                for (name, path) in pages {
                    var times: [Double] = []
                    var size = 0
                    for _ in 0..<(rounds + 1) {
                        let started = ContinuousClock.now
                        size = try await client.get(path)
                        times.append((ContinuousClock.now - started).seconds * 1000)
                    }
                    print("\(name) over HTTP (\(size / 1024) KB): \(Self.summary(times))")
                }
                await server.triggerGracefulShutdown()
            }
        }

        /// Median and slowest of `times` in milliseconds; the first round warms caches up and is not counted.
        static func summary(_ times: [Double]) -> String {
            let sorted = times.dropFirst().sorted()
            return
                "median \(String(format: "%.1f", sorted[sorted.count / 2])) ms, slowest \(String(format: "%.1f", sorted.last ?? 0)) ms (\(sorted.count) rounds)"
        }
    }

    /// Generates a realistic request CSV and imports it, reporting rows per second and peak memory.
    struct ImportRequests: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Generate N requests as CSV and import them into the database (use an empty one)."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "How many requests.") var rows = 1_000_000
        @Option(help: "Where to write the generated CSV, kept for reuse (default: /tmp/pacta-bench-requests-v2-ROWS.csv).")
        var file: String?
        @Flag(help: "Then import the same file again: every request is unchanged.") var again = false
        @Flag(help: "Then import a variant in which every request changed (answered a minute, resolved an hour later).")
        var changed = false

        func run() async throws {
            // v2: pauses end by the resolution, as imports now require; a v1 file would be refused.
            let file = self.file ?? "/tmp/pacta-bench-requests-v2-\(self.rows).csv"
            let files = [file] + (self.again ? [file] : []) + (self.changed ? [file.replacingOccurrences(of: ".csv", with: "-changed.csv")] : [])
            for path in Set(files) where !FileManager.default.fileExists(atPath: path) {
                let started = ContinuousClock.now
                try Self.generate(rows: self.rows, into: path, later: path != file)
                print("generated \(self.rows) rows into \(path) in \(ContinuousClock.now - started)")
            }
            try await self.database.withStore { store in
                try await Self.seedAgreements(in: store)
                for file in files {
                    let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
                    guard let handle = FileHandle(forReadingAtPath: file) else { throw CommandFailure("Cannot read \(file).") }
                    let started = ContinuousClock.now
                    let report = try await store.requests.importCSV(
                        FileChunks(handle: handle),
                        skipInvalid: false,
                        by: .system("pacta-bench"),
                        at: Date(),
                        timeZone: TimeZone(identifier: Self.zone)!
                    )
                    let seconds = (ContinuousClock.now - started).seconds
                    let total = report.created + report.updated + report.unchanged
                    print(
                        "imported \(total) requests (\(size / 1_000_000) MB; \(report.created) created, \(report.updated) updated, "
                            + "\(report.unchanged) unchanged, \(report.problemCount) problems) in \(String(format: "%.1f", seconds)) s: "
                            + "\(Int(Double(total) / seconds)) rows/s"
                    )
                }
            }
            print("peak resident memory: \(Self.peakResidentMegabytes()) MB")
        }

        /// The organisation's zone, and its calendar's.
        static let zone = "America/Guayaquil"
        static let providers = ["BP1", "BP2", "BP3", "BP4", "BP5", "BP6", "BP7", "BP8"]
        static let clients = ["BC1", "BC2", "BC3", "BC4", "BC5", "BC6", "BC7"]

        /// The units, a calendar, and an active 2026 agreement for every provider and client pair
        /// but the last client's, whose requests stay unmatched: what an organisation has in place.
        /// The bench's units (under BENCH) and agreements; `soft` adds a perception commitment.
        static func seedAgreements(in store: Store, soft: Bool = false) async throws {
            let now = Date()
            let today = LocalDate(now, in: .current)
            let bench = Actor.system("pacta-bench")
            _ = try await store.units.upsert(
                [OrgUnit(code: "BENCH", name: "Banco de pruebas")]
                    + (Self.providers + Self.clients).map { OrgUnit(code: $0, name: "Unidad \($0)", parent: "BENCH") },
                at: now
            )
            guard try await store.calendars.get("bench") == nil else { return }
            let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
            try await store.calendars.create(
                BusinessCalendar(
                    code: "bench",
                    name: "Oficina",
                    timeZone: Self.zone,
                    hours: WeeklyHours(
                        Dictionary(uniqueKeysWithValues: weekdays.map { ($0, [TimeRange("08:30-13:00")!, TimeRange("14:00-17:30")!]) })
                    )
                ),
                owner: nil,
                by: bench,
                at: now
            )
            for provider in Self.providers {
                for client in Self.clients.dropLast() {
                    let code = "\(provider)-\(client)"
                    let terms = AgreementTerms(
                        title: "Servicio \(provider) a \(client)",
                        provider: provider,
                        client: client,
                        validFrom: LocalDate(year: 2026, month: 1, day: 1)!,
                        validTo: LocalDate(year: 2026, month: 12, day: 31)!,
                        cadence: .monthly,
                        summary: "Acuerdo de prueba de rendimiento.",
                        commitments: [
                            Commitment(
                                key: "C1",
                                name: "Resolución en 16 horas hábiles",
                                metric: .resolutionWithin,
                                target: 16 * 3600,
                                goal: 0.9,
                                calendar: "bench"
                            )
                        ] + (soft ? [Commitment(key: "PERC", name: "Índice de percepción", metric: .perceptionIndex, target: 75)] : [])
                    )
                    let agreement = try await store.agreements.create(code: code, terms: terms, by: bench, at: now)
                    _ = try await store.agreements.submit(code, by: bench, at: now, today: today)
                    for unit in [provider, client] {
                        let signer = Actor(
                            username: "bench-\(unit.lowercased())",
                            name: "Firma \(unit)",
                            role: .manager,
                            unit: unit,
                            channel: .system
                        )
                        _ = try await store.agreements.sign(
                            code,
                            shown: .init(version: agreement.version, sha256: agreement.sha256),
                            by: signer,
                            at: now,
                            today: today
                        )
                    }
                }
            }
        }

        /// Requests as a ticket tool exports them: in ticket order, opened through 2026 between the
        /// eight providers and seven clients, most answered and resolved, one in ten paused once,
        /// one in five still open.
        /// With `later`, every request is answered a minute and resolved an hour later: the same
        /// requests, all changed.
        static func generate(rows: Int, into path: String, later: Bool = false) throws {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw CommandFailure("Cannot write \(path).")
            }
            defer { try? handle.close() }
            var generator = SeededGenerator(seed: 1)
            let year = Int64(1_767_225_600)
            let step = max(1, 365 * 86_400 / Int64(max(rows, 1)))
            let services = ["Correo", "VPN", "Core bancario", "Impresoras", "Accesos", "Nómina", "Desembolsos"]
            var text = RawServiceRequest.columns.joined(separator: ",") + "\n"
            for index in 0..<rows {
                let opened = year + Int64(index) * step + Int64(generator.next() % UInt64(step))
                let response = opened + Int64(generator.next() % (8 * 3600)) + (later ? 60 : 0)
                let resolved = response + Int64(generator.next() % (10 * 86_400)) + (later ? 3600 : 0)
                let open = generator.next() % 5 == 0
                var pauses = ""
                if generator.next() % 10 == 0 {
                    // A pause runs while the request is open: it ends by the resolution.
                    let start = response + Int64(generator.next() % 3600)
                    let end = start + Int64(generator.next() % 86_400)
                    pauses = "\(Timestamp.format(open ? start : min(start, resolved)))/\(Timestamp.format(open ? end : min(end, resolved)))"
                }
                let provider = Self.providers[Int(generator.next() % 8)]
                let client = Self.clients[Int(generator.next() % 7)]
                let ref = String(index)
                text +=
                    "INC\(String(repeating: "0", count: max(0, 9 - ref.count)))\(ref),\(provider),\(client),\(services[Int(generator.next() % 7)]),P\(1 + generator.next() % 3),"
                text += "\(Timestamp.format(opened)),\(Timestamp.format(response)),\(open ? "" : Timestamp.format(resolved)),\(pauses)\n"
                if text.utf8.count > 1 << 20 {
                    handle.write(Data(text.utf8))
                    text = ""
                }
            }
            handle.write(Data(text.utf8))
        }

        /// VmHWM from /proc/self/status, in megabytes.
        static func peakResidentMegabytes() -> Int {
            guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
            else { return -1 }
            return kilobytes / 1024
        }
    }

    /// Business-time evaluations per second on one core.
    struct BusinessTime: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "business-time",
            abstract: "Evaluate business elapsed time for generated requests on one core."
        )
        @Option(help: "How many evaluations.") var count = 10_000_000
        @Option(help: "Share of requests with a pause (0–1).") var pausedShare = 0.1

        func run() throws {
            let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
            let calendar = BusinessCalendar(
                code: "bench",
                name: "Bench",
                timeZone: "America/Santiago",
                hours: WeeklyHours(Dictionary(uniqueKeysWithValues: weekdays.map { ($0, [TimeRange("08:30-13:00")!, TimeRange("14:00-17:30")!]) })),
                holidays: (0..<12).map { Holiday(date: LocalDate(year: 2026, month: $0 + 1, day: 10)!) }
            )
            let built = ContinuousClock.now
            let clock = try BusinessClock(calendar: calendar)
            let buildTime = ContinuousClock.now - built

            // Requests opened during 2026, resolved within minutes to three weeks.
            var generator = SeededGenerator(seed: 2026)
            let year = Int64(1_767_225_600)  // 2026-01-01T00:00:00Z
            let samples = 1 << 16
            var opened = [Int64](repeating: 0, count: samples)
            var resolved = [Int64](repeating: 0, count: samples)
            var pauses = [[Interval]](repeating: [], count: samples)
            for index in 0..<samples {
                opened[index] = year + Int64(generator.next() % (365 * 86_400))
                resolved[index] = opened[index] + Int64(generator.next() % (21 * 86_400))
                if Double(generator.next() % 1000) / 1000 < self.pausedShare {
                    let start = opened[index] + Int64(generator.next() % 86_400)
                    pauses[index] = [Interval(start: start, end: start + Int64(generator.next() % (3 * 86_400)))]
                }
            }
            var checksum: Int64 = 0
            let started = ContinuousClock.now
            for iteration in 0..<self.count {
                let index = iteration & (samples - 1)
                checksum &+= clock.elapsed(from: opened[index], to: resolved[index], pauses: pauses[index])
            }
            let seconds = (ContinuousClock.now - started).seconds
            print("calendar built in \(buildTime) (\(clock.firstDay) … \(clock.lastDay))")
            print(
                "\(self.count) evaluations in \(String(format: "%.3f", seconds)) s: \(Int(Double(self.count) / seconds)) per second on one core (checksum \(checksum))"
            )
        }
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}

/// A signed-in browser for benchmarks: the session cookie kept, each page read whole.
struct HTTPBench: Sendable {
    let base: String
    /// An API token, sent to `/api/` paths.
    let token: String
    let session = URLSession(configuration: .ephemeral)

    func waitUntilUp() async throws {
        for _ in 0..<100 {
            if (try? await self.session.data(from: URL(string: self.base + "/health")!)) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CommandFailure("The server did not start at \(self.base).")
    }

    /// Signs in through the form, as a person does: the CSRF token from the page, then the post.
    func signIn(username: String, password: String) async throws {
        let (page, _) = try await self.session.data(from: URL(string: self.base + "/login")!)
        let html = String(decoding: page, as: UTF8.self)
        guard let start = html.range(of: #"name="_csrf" value=""#), let end = html[start.upperBound...].firstIndex(of: "\"") else {
            throw CommandFailure("The sign-in page has no CSRF token.")
        }
        var request = URLRequest(url: URL(string: self.base + "/login")!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        let form = ["_csrf": String(html[start.upperBound..<end]), "username": username, "password": password, "next": "/campaigns"]
        request.httpBody = Data(
            form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&").utf8
        )
        let (_, response) = try await self.session.data(for: request)
        guard (response as? HTTPURLResponse)?.url?.path == "/campaigns" else { throw CommandFailure("Signing in as \(username) failed.") }
    }

    /// Fetches `path` whole; its size in bytes.
    func get(_ path: String) async throws -> Int {
        var request = URLRequest(url: URL(string: self.base + path)!)
        if path.hasPrefix("/api/") { request.setValue("Bearer \(self.token)", forHTTPHeaderField: "Authorization") }
        let (body, response) = try await self.session.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw CommandFailure("\(path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0).")
        }
        return body.count
    }
}
