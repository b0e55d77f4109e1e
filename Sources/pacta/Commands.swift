import ArgumentParser
import Foundation
import Logging
import NIOCore
import PactaApp
import PactaCore
import PactaStore

/// `pacta migrate`: applies pending migrations (or lists them with `--dry-run`).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Only list what would be applied.") var dryRun = false

    func run() async throws {
        let settings = ServerSettings(reader: self.database.reader())
        let logger = Logger(label: "pacta")
        let store = try await Store.open(url: settings.databaseURL, logger: logger)
        let report = try await store.withRunning { try await $0.migrate(dryRun: self.dryRun, logger: logger) }
        print("Applied before: \(report.alreadyApplied.isEmpty ? "none" : report.alreadyApplied.joined(separator: ", "))")
        print("\(self.dryRun ? "Pending" : "Applied now"): \(report.pending.isEmpty ? "none" : report.pending.joined(separator: ", "))")
    }
}

/// `pacta demo`: seeds the demo organisation into an empty database.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Seed a realistic demo organisation (in Spanish) into an empty database.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let seeded = try await self.database.withStore { store in
            try await DemoOrganisation(store: store).seedIfEmpty(at: Date(), today: LocalDate(Date(), in: .current))
        }
        guard seeded else { throw CommandFailure("The database already has users; the demo is only seeded into an empty one.") }
        DemoOrganisation.printCredentials()
    }
}

/// `pacta verify`: recomputes every signature's hash, checks the ledger's chain and replays it
/// against the tables; with `--head`, checks a head hash kept outside the database. Exits with
/// status 1 on any divergence.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every signed version's SHA-256 and replay the agreements ledger against the tables."
    )
    @OptionGroup var database: DatabaseOptions
    @Option(help: "A ledger head hash kept earlier (the published page shows it): prove nothing up to it was rewritten.") var head: String?

    func run() async throws {
        let report = try await self.database.withStore { try await $0.agreements.verify(head: self.head) }
        for issue in report.issues {
            let version = issue.version.map { " v\($0)" } ?? ""
            let side = issue.side.map { " \($0.rawValue)" } ?? ""
            print("DIVERGENCE \(issue.agreement.isEmpty ? "ledger" : issue.agreement)\(version)\(side) [\(issue.code)]: \(issue.problem)")
            if issue.expected != nil || issue.found != nil {
                print("  expected \(issue.expected ?? "(nothing)")\n  found    \(issue.found ?? "(nothing)")")
            }
        }
        if let check = report.headCheck {
            if check.found {
                print("Head \(check.hash) is entry \(check.seq ?? 0) of the ledger: nothing up to it was rewritten.")
            } else {
                print("HEAD NOT FOUND: \(check.hash) is not in the ledger as it stands; entries up to it were rewritten or removed.")
            }
        }
        print(
            "\(report.checkedSignatures) signatures, \(report.checkedVersions) versions, \(report.checkedEntries) ledger entries checked; "
                + "\(report.issues.count) divergences. Ledger head: \(report.head.hash) (entry \(report.head.seq))."
        )
        if !report.isIntact { throw ExitCode(1) }
    }
}

/// `pacta token create`: a first API token without the web, printed once.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Create an API token for a user and print it once. It acts as that user, within their unit; made here, it cannot sign agreements."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Username the token acts as.") var user: String
        @Option(help: "What uses the token (e.g. \"GLPI export\").") var name: String

        func run() async throws {
            let (secret, token) = try await self.database.withStore { store in
                guard let owner = try await store.users.credentials(username: self.user)?.user else {
                    throw CommandFailure("There is no user \(self.user).")
                }
                return try await store.tokens.create(userID: owner.id, name: self.name, by: nil, via: "cli", at: Date())
            }
            print(secret)
            FileHandle.standardError.write(
                Data("Token \(token.prefix)… for \(token.username) (\(token.name)). It is shown this once: keep it now.\n".utf8)
            )
        }
    }
}

/// `pacta user add`: creates a user (the first admin included).
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user. The unit must exist; with --create-unit it is created.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Login name (letters, digits, '.', '-', '_').") var username: String
        @Option(help: "Full name, shown on signatures.") var name: String
        @Option(help: "admin, manager, rater or viewer.") var role: String
        @Option(help: "Code of the user's unit.") var unit: String
        @Option(help: "Name of the unit to create when it does not exist yet.") var createUnit: String?
        @Option(help: "Password (at least 10 characters); read from $PACTA_PASSWORD or asked for when absent.") var password: String?

        func run() async throws {
            guard let role = Role(rawValue: self.role) else {
                throw ValidationError("--role must be one of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            let password = try self.password ?? ProcessInfo.processInfo.environment["PACTA_PASSWORD"] ?? Self.askPassword()
            let user = try await self.database.withStore { store in
                if let unitName = self.createUnit, try await store.units.get(self.unit) == nil {
                    try await store.units.create(OrgUnit(code: self.unit, name: unitName), by: .system("pacta-cli"), at: Date())
                }
                return try await Accounts(store: store).createUser(
                    username: self.username,
                    name: self.name,
                    role: role,
                    unit: self.unit,
                    password: password,
                    at: Date()
                )
            }
            print("Created \(user.role.rawValue) \(user.username) (\(user.name)) in unit \(user.unit).")
        }

        static func askPassword() throws -> String {
            guard let password = String(validatingCString: getpass("Password: ")), !password.isEmpty else {
                throw CommandFailure("No password given.")
            }
            return password
        }
    }
}

/// `pacta import units FILE`: imports units from CSV.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import data from CSV files.",
        subcommands: [Units.self, Requests.self, SurveyAnswers.self, NPSResponses.self]
    )

    /// Requests from a ticket tool's CSV export, streamed: memory stays flat whatever the file size.
    struct Requests: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Import requests (external_ref,provider,client,service,priority,opened_at,first_response_at,resolved_at,pauses). All or nothing unless --skip-invalid."
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "CSV file; - reads standard input.") var file: String
        @Flag(help: "Import the valid rows and report the others.") var skipInvalid = false

        func run() async throws {
            let chunks = try FileChunks(path: self.file)
            let timeZone = ServerSettings(reader: self.database.reader()).timeZone
            let report = try await self.database.withStore { store in
                try await store.requests.importCSV(
                    chunks,
                    skipInvalid: self.skipInvalid,
                    by: .system("pacta-cli"),
                    at: Date(),
                    timeZone: timeZone
                )
            }
            try printReport(report, file: self.file, noun: "Requests")
        }
    }

    /// Answers collected outside Pacta (paper forms, another survey tool).
    struct SurveyAnswers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "survey-answers",
            abstract:
                "Import survey answers (external_ref,agreement,period,<attribute keys>,recommend,comment,answered_on). All or nothing unless --skip-invalid."
        )
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "CSV file; - reads standard input.") var file: String
        @Option(help: "Refuse rows of any other campaign.") var campaign: String?
        @Flag(help: "Import the valid rows and report the others.") var skipInvalid = false

        func run() async throws {
            let bytes = try readWhole(self.file)
            let today = LocalDate(Date(), in: ServerSettings(reader: self.database.reader()).timeZone)
            let report = try await self.database.withStore { store in
                try await store.campaigns.importAnswers(
                    bytes: bytes,
                    into: self.campaign,
                    skipInvalid: self.skipInvalid,
                    by: .system("pacta-cli"),
                    today: today
                )
            }
            try printReport(report, file: self.file, noun: "Answers")
        }
    }

    struct Units: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import units (columns code,name,parent). All or nothing unless --skip-invalid.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "CSV file; - reads standard input.") var file: String
        @Flag(help: "Import the valid rows and report the others.") var skipInvalid = false

        func run() async throws {
            let bytes = try readWhole(self.file)
            let report = try await self.database.withStore { store in
                try await store.units.importCSV(bytes: bytes, skipInvalid: self.skipInvalid, by: .system("pacta-cli"), at: Date())
            }
            try printReport(report, file: self.file, noun: "Units")
        }
    }
}

/// The bytes of `file`, or of standard input for `-`.
func readWhole(_ file: String) throws -> [UInt8] {
    if file == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("Cannot read \(file).") }
    return Array(data)
}

/// Prints every problem as `file:line, column: message` on standard error, then the outcome;
/// exits with status 1 when nothing was imported.
func printReport(_ report: ImportReport, file: String, noun: String) throws {
    for problem in report.problems {
        let column = problem.column.isEmpty ? "" : ", column \(problem.column)"
        FileHandle.standardError.write(Data("\(file):\(problem.line)\(column): \(problem.message)\n".utf8))
    }
    if !report.ignoredColumns.isEmpty {
        FileHandle.standardError.write(Data("\(file):1: columns not read: \(report.ignoredColumns.joined(separator: ", ")).\n".utf8))
    }
    if report.problemCount > report.problems.count {
        FileHandle.standardError.write(Data("… and \(report.problemCount - report.problems.count) more problems.\n".utf8))
    }
    if report.committed {
        let unchanged = report.unchanged > 0 ? ", \(report.unchanged) unchanged" : ""
        print("\(noun): \(report.created) created, \(report.updated) updated\(unchanged), \(report.skipped) skipped.")
        if let matched = report.matched, let unmatched = report.unmatched {
            print("\(matched) belong to an agreement, \(unmatched) to none.")
        }
    } else {
        print("Nothing imported: \(report.problemCount) problem(s). Fix them, or use --skip-invalid to import the valid rows.")
        throw ExitCode(1)
    }
}

/// A file read in chunks of a megabyte.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let handle: FileHandle

    init(handle: FileHandle) {
        self.handle = handle
    }

    /// The file at `path`, or standard input for `-`.
    init(path: String) throws {
        guard let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path) else {
            throw CommandFailure("Cannot read \(path).")
        }
        self.handle = handle
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle
        mutating func next() async throws -> ByteBuffer? {
            guard let data = try self.handle.read(upToCount: 1 << 20), !data.isEmpty else { return nil }
            return ByteBuffer(bytes: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: self.handle) }
}

/// `pacta report requests`: the audit trail of an agreement's time commitments for a period.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export reports.", subcommands: [Requests.self, Compliance.self, NPS.self])

    /// SPEC "Agreement compliance" for a period, by provider, client or agreement; or one agreement's history.
    struct Compliance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compliance for a period by provider, client or agreement (or --agreement CODE: its history), as CSV or JSON."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "2026-10, 2026-Q4 or 2026 (default: the current month).") var period: String?
        @Option(help: "provider, client or agreement.") var by = "provider"
        @Option(help: "One agreement's compliance in each review period instead, newest first.") var agreement: String?
        @Option(help: "csv or json.") var format = "csv"

        func run() async throws {
            guard let rows = ComplianceExport.Rows(rawValue: self.by) else { throw CommandFailure("--by is provider, client or agreement.") }
            guard self.format == "csv" || self.format == "json" else { throw CommandFailure("--format is csv or json.") }
            let settings = ServerSettings(reader: self.database.reader())
            let now = Date()
            let today = LocalDate(now, in: settings.timeZone)
            let period =
                try self.period.map {
                    guard let span = ReportSpan($0) else { throw CommandFailure("--period must look like 2026-10, 2026-Q4 or 2026.") }
                    return span
                } ?? .period(Period.containing(today, cadence: .monthly))
            let text = try await self.database.withStore { store -> String in
                if let code = self.agreement {
                    let history = try await store.complianceHistory(
                        agreement: code,
                        visibleTo: nil,
                        at: now,
                        today: today,
                        minimumAnswers: settings.surveyMinimumAnswers,
                        thresholds: settings.complianceThresholds
                    )
                    return self.format == "csv"
                        ? ComplianceExport.agreementsCSV(history)
                        : String(decoding: try PactaJSON.encoder.encode(["items": history.map(AgreementComplianceJSON.init)]), as: UTF8.self) + "\n"
                }
                let overview = try await store.compliance(
                    over: period,
                    visibleTo: nil,
                    at: now,
                    today: today,
                    minimumAnswers: settings.surveyMinimumAnswers,
                    thresholds: settings.complianceThresholds
                )
                return self.format == "csv"
                    ? ComplianceExport.csv(overview, by: rows)
                    : String(
                        decoding: try PactaJSON.encoder.encode(ComplianceOverviewJSON(overview, thresholds: settings.complianceThresholds)),
                        as: UTF8.self
                    )
                        + "\n"
            }
            print(text, terminator: "")
        }
    }

    struct Requests: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One row per request × time commitment: external_ref, commitment, priority, opened_at, business_seconds, outcome."
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Agreement code.") var agreement: String
        @Option(help: "2026-10 or 2026-Q4.") var period: String
        @Option(help: "csv or json.") var format = "csv"
        @Option(help: "Evaluation instant, ISO 8601 with offset (default: now).") var at: String?

        func run() async throws {
            guard let period = Period(self.period) else { throw ValidationError("--period must look like 2026-10 or 2026-Q4.") }
            guard self.format == "csv" || self.format == "json" else { throw ValidationError("--format is csv or json.") }
            let evaluation: Date
            if let at {
                guard let seconds = Timestamp.parse(at) else { throw ValidationError("--at must be an ISO 8601 instant with offset.") }
                evaluation = Date(timeIntervalSince1970: TimeInterval(seconds))
            } else {
                evaluation = Date()
            }
            let report = try await self.database.withStore { store in
                try await store.hardIndicators(agreement: self.agreement, period: period, at: evaluation)
            }
            print(
                self.format == "csv" ? IndicatorExport.requestsCSV(report) : try IndicatorExport.requestsJSON(report),
                terminator: self.format == "csv" ? "" : "\n"
            )
        }
    }
}
