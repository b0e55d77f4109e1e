import Foundation

/// One service request from a client unit to a provider: the hard data compliance is measured on.
/// Instants are Unix seconds.
public struct ServiceRequest: Sendable, Hashable {
    /// The ticket tool's identifier; unique per provider, so sending it again updates the request.
    public var externalRef: String
    /// Provider unit code.
    public var provider: String
    /// Client unit code.
    public var client: String
    public var service: String
    public var priority: String
    public var openedAt: Int64
    public var firstResponseAt: Int64?
    public var resolvedAt: Int64?
    /// Intervals waiting on the requester, which do not count as business time.
    public var pauses: [Interval]
    /// Business time measured when the request was stored, if it was.
    public var measured: MeasuredDurations?

    public init(
        externalRef: String,
        provider: String,
        client: String,
        service: String,
        priority: String,
        openedAt: Int64,
        firstResponseAt: Int64? = nil,
        resolvedAt: Int64? = nil,
        pauses: [Interval] = [],
        measured: MeasuredDurations? = nil
    ) {
        self.externalRef = externalRef
        self.provider = provider
        self.client = client
        self.service = service
        self.priority = priority
        self.openedAt = openedAt
        self.firstResponseAt = firstResponseAt
        self.resolvedAt = resolvedAt
        self.pauses = pauses
        self.measured = measured
    }
}

/// What a request's clock runs to.
public enum Milestone: Sendable, Hashable {
    case firstResponse
    case resolution

    /// The milestone a `*_within` metric times: the first response for `first_response_within`,
    /// the resolution otherwise.
    public init(_ metric: Metric) {
        self = metric == .firstResponseWithin ? .firstResponse : .resolution
    }
}

/// Business seconds from a request's opening to its milestones, measured on one calendar's rules.
public struct MeasuredDurations: Sendable, Hashable {
    /// The ``BusinessCalendar/fingerprint`` of the calendar they were measured on.
    public var calendar: Int64
    public var firstResponse: Int64?
    public var resolution: Int64?

    public init(calendar: Int64, firstResponse: Int64?, resolution: Int64?) {
        self.calendar = calendar
        self.firstResponse = firstResponse
        self.resolution = resolution
    }
}

extension ServiceRequest {
    /// When `milestone` happened, if it has.
    public func instant(of milestone: Milestone) -> Int64? {
        milestone == .firstResponse ? self.firstResponseAt : self.resolvedAt
    }

    /// Business seconds from opening to `milestone` on `clock`, nil when it has not happened.
    /// The duration measured when the request was stored serves while the calendar's rules are
    /// the same; otherwise it is measured again.
    public func businessSeconds(to milestone: Milestone, on clock: BusinessClock) -> Int64? {
        guard let instant = self.instant(of: milestone) else { return nil }
        if let measured = self.measured, measured.calendar == clock.fingerprint,
            let seconds = milestone == .firstResponse ? measured.firstResponse : measured.resolution
        {
            return seconds
        }
        return clock.elapsed(from: self.openedAt, to: instant, pauses: self.pauses)
    }

    /// Both durations measured on `clock`, as they are stored; nil when the request's instants
    /// fall outside the days the clock covers, where it could not tell business time.
    public func measuring(on clock: BusinessClock) -> MeasuredDurations? {
        guard clock.covers(self.openedAt), self.firstResponseAt.map(clock.covers) ?? true, self.resolvedAt.map(clock.covers) ?? true,
            self.pauses.allSatisfy({ clock.covers($0.start) && clock.covers($0.end) })
        else { return nil }
        return MeasuredDurations(
            calendar: clock.fingerprint,
            firstResponse: self.firstResponseAt.map { clock.elapsed(from: self.openedAt, to: $0, pauses: self.pauses) },
            resolution: self.resolvedAt.map { clock.elapsed(from: self.openedAt, to: $0, pauses: self.pauses) }
        )
    }
}

/// A request as it arrives, every field still text (a CSV row or a JSON object), and the rules
/// that turn it into a ``ServiceRequest`` or into every problem it has.
public struct RawServiceRequest: Sendable, Hashable, Codable {
    public var externalRef: String
    public var provider: String
    public var client: String
    public var service: String
    public var priority: String
    public var openedAt: String
    public var firstResponseAt: String
    public var resolvedAt: String
    /// `start/end` ISO 8601 intervals separated by `;`.
    public var pauses: String

    /// The CSV columns, in the order Pacta writes them (any order is read).
    public static let columns = [
        "external_ref", "provider", "client", "service", "priority", "opened_at", "first_response_at", "resolved_at", "pauses",
    ]
    /// The columns that must be present in a CSV header.
    public static let requiredColumns = ["external_ref", "provider", "client", "service", "priority", "opened_at"]

    public init(
        externalRef: String = "",
        provider: String = "",
        client: String = "",
        service: String = "",
        priority: String = "",
        openedAt: String = "",
        firstResponseAt: String = "",
        resolvedAt: String = "",
        pauses: String = ""
    ) {
        self.externalRef = externalRef
        self.provider = provider
        self.client = client
        self.service = service
        self.priority = priority
        self.openedAt = openedAt
        self.firstResponseAt = firstResponseAt
        self.resolvedAt = resolvedAt
        self.pauses = pauses
    }

    /// Reads a CSV record through its header.
    public init(_ record: CSVRecord, header: CSVHeader) {
        self.init(
            externalRef: header.value("external_ref", in: record),
            provider: header.value("provider", in: record),
            client: header.value("client", in: record),
            service: header.value("service", in: record),
            priority: header.value("priority", in: record),
            openedAt: header.value("opened_at", in: record),
            firstResponseAt: header.value("first_response_at", in: record),
            resolvedAt: header.value("resolved_at", in: record),
            pauses: header.value("pauses", in: record)
        )
    }

    /// Reads a JSON object; absent optional fields and `null` are empty, pauses may also be an
    /// array of `{"start", "end"}` objects.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String { try container.decodeIfPresent(String.self, forKey: key) ?? "" }
        var pauses = ""
        if let list = try? container.decodeIfPresent([PauseJSON].self, forKey: .pauses) {
            pauses = list.map { "\($0.start)/\($0.end)" }.joined(separator: ";")
        } else {
            pauses = try text(.pauses)
        }
        self.init(
            externalRef: try text(.externalRef),
            provider: try text(.provider),
            client: try text(.client),
            service: try text(.service),
            priority: try text(.priority),
            openedAt: try text(.openedAt),
            firstResponseAt: try text(.firstResponseAt),
            resolvedAt: try text(.resolvedAt),
            pauses: pauses
        )
    }

    private struct PauseJSON: Decodable {
        var start: String
        var end: String
    }

    /// The request, or every problem found, by column. `knownUnit` tells whether a unit code
    /// exists; `localZone`, when given, is the zone of instants written without offset.
    public func validated(knownUnit: (String) -> Bool, localZone: TimeZone? = nil) -> Result<ServiceRequest, ProblemList> {
        var problems: [(column: String, code: String, message: String)] = []
        func required(_ value: String, _ column: String) {
            if value.isEmpty { problems.append((column, "required", "\(column) is required.")) }
        }
        required(self.externalRef, "external_ref")
        for (value, column, limit) in [
            (self.externalRef, "external_ref", TextLimit.service), (self.service, "service", TextLimit.service),
            (self.priority, "priority", TextLimit.priority),
        ] where value.unicodeScalars.count > limit {
            problems.append((column, "too_long", "\(column) has at most \(limit) characters."))
        }
        for (value, column) in [(self.provider, "provider"), (self.client, "client")] {
            if value.isEmpty {
                required(value, column)
            } else if !knownUnit(value) {
                problems.append((column, "unknown_unit", "There is no unit \(value)."))
            }
        }
        required(self.service, "service")
        required(self.priority, "priority")
        func instant(_ value: String, _ column: String) -> Int64? {
            guard !value.isEmpty else { return nil }
            guard let seconds = Timestamp.parse(value, localZone: localZone) else {
                problems.append(
                    (
                        column, "invalid_timestamp",
                        localZone == nil
                            ? "'\(value)' is not an ISO 8601 instant with offset, like 2026-10-05T09:15:00-05:00."
                            : "'\(value)' is not a date and time like 2026-10-05 09:15 (the organisation's zone) or 2026-10-05T09:15:00-05:00."
                    )
                )
                return nil
            }
            guard Timestamp.year(of: value).map(Timestamp.years.contains) == true else {
                problems.append((column, "out_of_range", "'\(value)' is outside the years Pacta takes (1900 to 9999, in UTC)."))
                return nil
            }
            return seconds
        }
        let opened = instant(self.openedAt, "opened_at")
        if self.openedAt.isEmpty { required(self.openedAt, "opened_at") }
        let firstResponse = instant(self.firstResponseAt, "first_response_at")
        let resolved = instant(self.resolvedAt, "resolved_at")
        if let opened, let firstResponse, firstResponse < opened {
            problems.append(
                ("first_response_at", "before_opened", "The first response (\(self.firstResponseAt)) comes before the opening (\(self.openedAt)).")
            )
        }
        if let opened, let resolved, resolved < opened {
            problems.append(("resolved_at", "before_opened", "The request is resolved (\(self.resolvedAt)) before it was opened (\(self.openedAt))."))
        }
        if let firstResponse, let resolved, firstResponse > resolved {
            problems.append(
                (
                    "first_response_at", "after_resolved",
                    "The first response (\(self.firstResponseAt)) comes after the resolution (\(self.resolvedAt))."
                )
            )
        }
        var pauses: [Interval] = []
        for part in self.pauses.split(separator: ";") where !part.trimmed.isEmpty {
            let ends = part.split(separator: "/", omittingEmptySubsequences: false)
            guard ends.count == 2, let start = Timestamp.parse(ends[0].trimmed, localZone: localZone),
                let end = Timestamp.parse(ends[1].trimmed, localZone: localZone), end >= start,
                [ends[0], ends[1]].allSatisfy({ Timestamp.year(of: $0.trimmed).map(Timestamp.years.contains) == true })
            else {
                problems.append(
                    ("pauses", "invalid_pause", "'\(part.trimmed)' is not a pause start/end with ISO 8601 instants, the end not before the start.")
                )
                continue
            }
            if let opened, resolved.map({ $0 >= opened }) ?? true, start < opened || resolved.map({ end > $0 }) ?? false {
                problems.append(
                    (
                        "pauses", "pause_outside_request",
                        "The pause '\(part.trimmed)' is not within the request's life, from its opening to its resolution."
                    )
                )
                continue
            }
            pauses.append(Interval(start: start, end: end))
        }
        guard problems.isEmpty, let opened else {
            return .failure(ProblemList(problems.map { ProblemList.Problem(column: $0.column, code: $0.code, message: $0.message) }))
        }
        return .success(
            ServiceRequest(
                externalRef: self.externalRef,
                provider: self.provider,
                client: self.client,
                service: self.service,
                priority: self.priority,
                openedAt: opened,
                firstResponseAt: firstResponse,
                resolvedAt: resolved,
                pauses: pauses
            )
        )
    }

    /// The problems of one row, by column.
    public struct ProblemList: Error, Sendable, Hashable {
        public struct Problem: Sendable, Hashable {
            public var column: String
            public var code: String
            public var message: String

            public init(column: String, code: String, message: String) {
                self.column = column
                self.code = code
                self.message = message
            }
        }
        public var problems: [Problem]
        public init(_ problems: [Problem]) { self.problems = problems }
    }
}

extension Substring {
    fileprivate var trimmed: String { String(self).trimmed }
}
