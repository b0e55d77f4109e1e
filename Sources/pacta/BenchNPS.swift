import ArgumentParser
import Configuration
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOPosix
import PactaApp
import PactaCore
import PactaStore
import PactaWeb
import ServiceLifecycle

extension Bench {
    /// Customers' answers posted one per request by concurrent clients to Pacta served in this
    /// process, each waiting for its answer to be committed; on PostgreSQL, next to pgbench's own
    /// single-row insert transactions on the same server in the same run.
    struct NPSIngestion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nps",
            abstract: "Post single NPS answers from concurrent HTTP clients for a while; report answers/s, latency and what was lost."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Concurrent HTTP clients, each with its own keep-alive connection.") var clients = 64
        @Option(help: "Seconds to post for.") var seconds = 10
        @Option(help: "The loopback port Pacta is served on.") var port = 8197
        @Option(help: "Touchpoints registered (answers name them at random).") var touchpoints = 1000
        @Option(help: "pgbench to run first on the same PostgreSQL server (none on SQLite; empty for none).") var pgbench =
            "/usr/lib/postgresql/15/bin/pgbench"
        @Option(help: "pgbench clients.") var pgbenchClients = 32
        @Flag(help: "Also submit answers straight to the group commit, without HTTP, to tell the two costs apart.") var direct = false

        func run() async throws {
            let url = ServerSettings(reader: self.database.reader()).databaseURL
            let postgres = url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
            let token = try await self.database.withStore { store in
                try await NPSIngestion.seedRegistry(store, touchpoints: self.touchpoints)
                return try await Survey.benchAdmin(in: store).token
            }
            if postgres && !self.pgbench.isEmpty {
                let rate = try self.runPgbench(url: url)
                print(
                    "pgbench, single-row INSERT transactions, \(self.pgbenchClients) clients, \(self.seconds) s: \(String(format: "%.0f", rate)) tps"
                )
            }
            if self.direct {
                try await self.database.withStore { store in
                    let ingest = NPSIngest(store: store, unknown: .refuse, timeZone: .current)
                    let deadline = ContinuousClock.now + .seconds(self.seconds)
                    let started = ContinuousClock.now
                    let run = UUID().uuidString.prefix(8)
                    let count = try await withThrowingTaskGroup(of: Int.self) { group in
                        for client in 0..<self.clients {
                            group.addTask {
                                var sent = 0
                                while ContinuousClock.now < deadline {
                                    sent += 1
                                    let index = Int.random(in: 0..<self.touchpoints)
                                    _ = try await ingest.submit(
                                        NPSAnswer(
                                            externalRef: "D-\(run)-\(client)-\(sent)",
                                            answeredAt: Int64(Date().timeIntervalSince1970),
                                            channel: Touchpoint.standardChannels[index % Touchpoint.standardChannels.count],
                                            touchpoint: "TP-\(index)",
                                            transaction: NPSIngestion.transactions.randomElement()!,
                                            score: Int.random(in: 0...10),
                                            comment: Int.random(in: 0..<20) == 0 ? NPSIngestion.comment : ""
                                        )
                                    )
                                }
                                return sent
                            }
                        }
                        return try await group.reduce(0, +)
                    }
                    print(
                        "straight to the group commit, \(self.clients) tasks: \(String(format: "%.0f", Double(count) / (ContinuousClock.now - started).seconds)) answers/s"
                    )
                }
            }
            let before = try await self.database.withStore { try await $0.nps.count() }
            let reader = self.database.reader(extra: [
                "http.port": .init(.int(self.port), isSecret: false), "log.level": .init(.string("warning"), isSecret: false),
            ])
            let app = try await buildApplication(reader: reader)
            let server = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: app.logger))
            let result = try await withThrowingTaskGroup(of: LoadResult?.self) { group in
                group.addTask {
                    try await server.run()
                    return nil
                }
                try await HTTPBench(base: "http://127.0.0.1:\(self.port)", token: token).waitUntilUp()
                let result = try await LoadResult.post(
                    port: self.port,
                    token: token,
                    clients: self.clients,
                    duration: .seconds(self.seconds),
                    touchpoints: self.touchpoints
                )
                await server.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            }
            let stored = try await self.database.withStore { try await $0.nps.count() }
            let acknowledged = result.created
            let rate = Double(acknowledged) / result.elapsed
            print(
                "Pacta, POST /api/v1/nps-responses, one answer each, \(self.clients) clients, \(self.seconds) s: \(String(format: "%.0f", rate)) answers/s acknowledged"
            )
            print(
                "latency: p50 \(String(format: "%.1f", result.percentile(0.5))) ms, p99 \(String(format: "%.1f", result.percentile(0.99))) ms, slowest \(String(format: "%.1f", result.percentile(1))) ms"
            )
            let lost = acknowledged - (stored - before)
            print("acknowledged \(acknowledged), failed \(result.failed), stored \(stored - before): lost \(max(0, lost))")
            if lost > 0 { throw CommandFailure("\(lost) acknowledged answers are not stored.") }
        }

        /// What one answer in twenty says, as in real traffic: the detractors among them open
        /// follow-ups in the same statement as the answers.
        static let comment = "Tardaron en atenderme"

        /// Touchpoints and transaction types for the answers to name, and a support map: one unit
        /// supports every channel, another the claims wherever they are made.
        static func seedRegistry(_ store: Store, touchpoints: Int) async throws {
            _ = try await store.units.upsert(
                [OrgUnit(code: "BENCH", name: "Banco de pruebas"), OrgUnit(code: "BENCH-OPS", name: "Operaciones de pruebas")],
                at: Date()
            )
            let channels = Touchpoint.standardChannels
            var csv = "code,channel,name,region\n"
            for index in 0..<touchpoints {
                csv += "TP-\(index),\(channels[index % channels.count]),Punto \(index),Región \(index % 24)\n"
            }
            _ = try await store.nps.importTouchpoints(bytes: Array(csv.utf8), skipInvalid: false, at: Date())
            _ = try await store.nps.importTransactions(
                bytes: Array("code,name\n\(Self.transactions.map { "\($0),\($0)" }.joined(separator: "\n"))\n".utf8),
                skipInvalid: false,
                at: Date()
            )
            let lines = Touchpoint.standardChannels.map { "BENCH,\($0),\n" }.joined() + "BENCH-OPS,,reclamo\n"
            _ = try await store.nps.replaceSupportMap(bytes: Array("unit,channel,transaction\n\(lines)".utf8), skipInvalid: false)
        }

        static let transactions = ["deposito", "retiro", "transferencia", "pago", "credito", "tarjeta", "reclamo", "apertura"]

        /// pgbench inserting one row per transaction into a table of its own; returns transactions per second.
        func runPgbench(url: String) throws -> Double {
            let script = FileManager.default.temporaryDirectory.appendingPathComponent("pacta-pgbench-\(UUID().uuidString).sql")
            try "INSERT INTO pacta_bench_single_rows (score, note) VALUES (7, 'pgbench');\n".write(to: script, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: script) }
            func run(_ arguments: [String], executable: String) throws -> String {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = pipe
                try process.run()
                let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                guard process.terminationStatus == 0 else { throw CommandFailure("\(executable) failed: \(output)") }
                return output
            }
            let psql = URL(fileURLWithPath: self.pgbench).deletingLastPathComponent().appendingPathComponent("psql").path
            let client = FileManager.default.isExecutableFile(atPath: psql) ? psql : "/usr/bin/psql"
            _ = try run(
                [
                    url, "-q", "-c",
                    "CREATE TABLE IF NOT EXISTS pacta_bench_single_rows (id BIGSERIAL PRIMARY KEY, score INTEGER NOT NULL, note TEXT NOT NULL)",
                ],
                executable: client
            )
            // A number of transactions, not -T: pgbench times -T with SIGALRM, which this process's
            // threads (and so the child) block. A short run tells how many make the duration.
            func rate(transactionsPerClient: Int) throws -> Double {
                let output = try run(
                    ["-n", "-c", String(self.pgbenchClients), "-j", "2", "-t", String(transactionsPerClient), "-f", script.path, url],
                    executable: self.pgbench
                )
                guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
                    let rate = Double(line.dropFirst("tps = ".count).prefix { $0 == "." || $0.isNumber })
                else { throw CommandFailure("pgbench printed no rate: \(output)") }
                return rate
            }
            let estimate = try rate(transactionsPerClient: 200)
            let rate = try rate(transactionsPerClient: max(200, Int(estimate * Double(self.seconds) / Double(self.pgbenchClients))))
            return rate
        }
    }
}

/// What concurrent clients posting answers saw.
struct LoadResult: Sendable {
    var created = 0
    var failed = 0
    /// Milliseconds each acknowledged answer took.
    var latencies: [Double] = []
    var elapsed = 0.0

    func percentile(_ share: Double) -> Double {
        let sorted = self.latencies.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, max(0, Int((share * Double(sorted.count)).rounded(.up)) - 1))]
    }

    /// `clients` keep-alive connections each posting one answer at a time, a new one as soon as
    /// the previous is answered, for `duration`.
    static func post(port: Int, token: String, clients: Int, duration: Duration, touchpoints: Int) async throws -> LoadResult {
        let run = UUID().uuidString.prefix(8)
        let started = ContinuousClock.now
        let deadline = started + duration
        var total = try await withThrowingTaskGroup(of: LoadResult.self) { group in
            for client in 0..<clients {
                group.addTask {
                    try await Self.connection(port: port, token: token, deadline: deadline, touchpoints: touchpoints) { sequence in
                        "\(run)-\(client)-\(sequence)"
                    }
                }
            }
            var total = LoadResult()
            for try await result in group {
                total.created += result.created
                total.failed += result.failed
                total.latencies += result.latencies
            }
            return total
        }
        total.elapsed = (ContinuousClock.now - started).seconds
        return total
    }

    private static func connection(
        port: Int,
        token: String,
        deadline: ContinuousClock.Instant,
        touchpoints: Int,
        reference: @Sendable (Int) -> String
    ) async throws -> LoadResult {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
            }
        }
        var generator = SystemRandomNumberGenerator()
        return try await channel.executeThenClose { inbound, outbound in
            var result = LoadResult()
            var responses = inbound.makeAsyncIterator()
            var sequence = 0
            while ContinuousClock.now < deadline {
                sequence += 1
                let transaction = Bench.NPSIngestion.transactions.randomElement(using: &generator)!
                let index = Int.random(in: 0..<touchpoints, using: &generator)
                let channelName = Touchpoint.standardChannels[index % Touchpoint.standardChannels.count]
                let body = ByteBuffer(
                    string:
                        #"{"external_ref":"\#(reference(sequence))","answered_at":"\#(Timestamp.format(Int64(Date().timeIntervalSince1970)))","channel":"\#(channelName)","touchpoint":"TP-\#(index)","transaction":"\#(transaction)","score":\#(Int.random(in: 0...10, using: &generator))\#(Int.random(in: 0..<20, using: &generator) == 0 ? #","comment":"\#(Bench.NPSIngestion.comment)""# : "")}"#
                )
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/api/v1/nps-responses")
                head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
                head.headers.add(name: "Authorization", value: "Bearer \(token)")
                head.headers.add(name: "Content-Type", value: "application/json")
                head.headers.add(name: "Content-Length", value: String(body.readableBytes))
                let sent = ContinuousClock.now
                try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(body)), .end(nil)])
                var status: UInt = 0
                reading: while let part = try await responses.next() {
                    switch part {
                    case .head(let response): status = response.status.code
                    case .body: continue
                    case .end: break reading
                    }
                }
                if status == 201 {
                    result.created += 1
                    result.latencies.append((ContinuousClock.now - sent).seconds * 1000)
                } else {
                    result.failed += 1
                }
            }
            return result
        }
    }
}

extension Bench {
    /// The NPS dashboard over many answers: seeds them once (a year across every touchpoint), then
    /// times the dashboard's figures for a month and a quarter, and with `--http` the page as served.
    struct NPSDashboardBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nps-dashboard",
            abstract: "Seed N answers over T touchpoints (once), then time the NPS dashboard for a month and a quarter."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Answers to seed when the bench has none.") var answers = 5_000_000
        @Option(help: "Touchpoints.") var touchpoints = 40_000
        @Option(help: "Rounds timed.") var rounds = 10
        @Option(help: "Also serve Pacta on this loopback port and time the page over HTTP, signed in.") var http: Int?

        func run() async throws {
            let zone = TimeZone(identifier: "America/Guayaquil")!
            let today = LocalDate(Date(), in: zone)
            let (password, token) = try await self.database.withStore { store in
                _ = try await store.units.upsert([OrgUnit(code: "BENCH", name: "Banco de pruebas")], at: Date())
                let credentials = try await Survey.benchAdmin(in: store)
                if try await store.nps.count() == 0 {
                    try await NPSIngestion.seedRegistry(store, touchpoints: self.touchpoints)
                    let started = ContinuousClock.now
                    var generator = SeededGenerator(seed: 5)
                    let end = Int64(Date().timeIntervalSince1970)
                    let batch = 20_000
                    for start in stride(from: 0, to: self.answers, by: batch) {
                        let answers = (start..<min(start + batch, self.answers)).map { index -> NPSAnswer in
                            let touchpoint = Int.random(in: 0..<self.touchpoints, using: &generator)
                            return NPSAnswer(
                                externalRef: "S-\(index)",
                                answeredAt: end - Int64.random(in: 0..<(365 * 86_400), using: &generator),
                                channel: Touchpoint.standardChannels[touchpoint % Touchpoint.standardChannels.count],
                                touchpoint: "TP-\(touchpoint)",
                                transaction: NPSIngestion.transactions.randomElement(using: &generator)!,
                                score: Int.random(in: 0...10, using: &generator),
                                comment: Int.random(in: 0..<10, using: &generator) == 0 ? "Comentario \(index)" : ""
                            )
                        }
                        _ = try await store.nps.write(answers, unknown: .refuse, timeZone: zone, at: Date())
                    }
                    let seconds = (ContinuousClock.now - started).seconds
                    print(
                        "seeded \(self.answers) answers in \(String(format: "%.0f", seconds)) s (\(String(format: "%.0f", Double(self.answers) / seconds)) answers/s)"
                    )
                }
                for period in [NPSPeriod(containing: today, .month).advanced(by: -1), NPSPeriod(containing: today, .quarter).advanced(by: -1)] {
                    var times: [Double] = []
                    for _ in 0...self.rounds {
                        let started = ContinuousClock.now
                        let dashboard = try await NPSDashboard.build(store, period: period, minimumAnswers: 30)
                        _ = try await store.nps.comments(period, kinds: [.detractor], timeZone: zone, limit: 6)
                        times.append((ContinuousClock.now - started).seconds * 1000)
                        precondition(dashboard.total.n > 0)
                    }
                    print("NPS dashboard data, \(period) (\(self.touchpoints) touchpoints): \(Survey.summary(times))")
                }
                return credentials
            }
            if let port = self.http {
                let month = NPSPeriod(containing: today, .month).advanced(by: -1)
                let quarter = NPSPeriod(containing: today, .quarter).advanced(by: -1)
                try await Survey.timePages(
                    [("NPS page, \(month)", "/nps?period=\(month)"), ("NPS page, \(quarter)", "/nps?period=\(quarter)")],
                    database: self.database,
                    port: port,
                    password: password,
                    token: token,
                    rounds: self.rounds
                )
            }
        }
    }
}
