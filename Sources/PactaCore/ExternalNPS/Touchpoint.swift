/// Where customers answer: a branch, an ATM, a contact-centre queue, a screen of the app, a
/// correspondent. Registered by code on one channel; `reviewed` is false while it is known only
/// from answers that named it.
public struct Touchpoint: Sendable, Hashable, Codable {
    public var code: String
    public var channel: String
    public var name: String
    public var region: String
    public var active: Bool
    public var reviewed: Bool

    public init(code: String, channel: String, name: String, region: String = "", active: Bool = true, reviewed: Bool = true) {
        self.code = code
        self.channel = channel
        self.name = name
        self.region = region
        self.active = active
        self.reviewed = reviewed
    }

    /// The CSV columns of the registry, in the order Pacta writes them.
    public static let columns = ["code", "channel", "name", "region", "active"]
    public static let requiredColumns = ["code", "channel", "name"]

    /// The channels every organisation has (SPEC), in the order pages list them; others may be registered.
    public static let standardChannels = ["branch", "atm", "contact_center", "digital", "correspondent"]

    /// What is wrong with it, by field; empty when it can be saved.
    public var problems: [RawServiceRequest.ProblemList.Problem] {
        var problems: [RawServiceRequest.ProblemList.Problem] = []
        for (value, field) in [(self.code, "code"), (self.channel, "channel")] where !Code.isValid(value) {
            problems.append(
                .init(
                    column: field,
                    code: value.isEmpty ? "required" : "invalid_code",
                    message: value.isEmpty
                        ? "\(field) is required." : "'\(value)' is not a code: 1 to \(Code.maxLength) letters, digits, '-', '_' or '.'."
                )
            )
        }
        problems += NPSRegistryText.problems(name: self.name, region: self.region)
        return problems
    }
}

/// A kind of transaction customers rate (a deposit, a loan application, a card block…).
public struct TransactionType: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var active: Bool
    public var reviewed: Bool

    public init(code: String, name: String, active: Bool = true, reviewed: Bool = true) {
        self.code = code
        self.name = name
        self.active = active
        self.reviewed = reviewed
    }

    public static let columns = ["code", "name", "active"]
    public static let requiredColumns = ["code", "name"]

    public var problems: [RawServiceRequest.ProblemList.Problem] {
        var problems: [RawServiceRequest.ProblemList.Problem] = []
        if !Code.isValid(self.code) {
            problems.append(
                .init(
                    column: "code",
                    code: self.code.isEmpty ? "required" : "invalid_code",
                    message: self.code.isEmpty
                        ? "code is required." : "'\(self.code)' is not a code: 1 to \(Code.maxLength) letters, digits, '-', '_' or '.'."
                )
            )
        }
        return problems + NPSRegistryText.problems(name: self.name, region: "")
    }
}

enum NPSRegistryText {
    static func problems(name: String, region: String) -> [RawServiceRequest.ProblemList.Problem] {
        var problems: [RawServiceRequest.ProblemList.Problem] = []
        if name.trimmed.isEmpty {
            problems.append(.init(column: "name", code: "required", message: "name is required."))
        } else if name.count > TextLimit.name {
            problems.append(.init(column: "name", code: "too_long", message: "name has at most \(TextLimit.name) characters."))
        }
        if region.count > TextLimit.name {
            problems.append(.init(column: "region", code: "too_long", message: "region has at most \(TextLimit.name) characters."))
        }
        return problems
    }

    /// Reads `true`/`false`, `1`/`0`, `yes`/`no`, `sí`/`no`; empty is `defaultValue`.
    static func flag(_ text: String, default defaultValue: Bool) -> Bool? {
        switch text.trimmed.lowercased() {
        case "": defaultValue
        case "true", "1", "yes", "sí", "si", "y", "s": true
        case "false", "0", "no", "n": false
        default: nil
        }
    }
}

extension Touchpoint {
    /// Reads a registry CSV record; a bad `active` value is reported as a problem.
    public static func read(_ record: CSVRecord, header: CSVHeader) -> Result<Touchpoint, RawServiceRequest.ProblemList> {
        let active = NPSRegistryText.flag(header.value("active", in: record), default: true)
        let touchpoint = Touchpoint(
            code: header.value("code", in: record).trimmed,
            channel: header.value("channel", in: record).trimmed.lowercased(),
            name: header.value("name", in: record).trimmed,
            region: header.value("region", in: record).trimmed,
            active: active ?? true
        )
        var problems = touchpoint.problems
        if active == nil { problems.append(.init(column: "active", code: "invalid_flag", message: "active is true or false.")) }
        return problems.isEmpty ? .success(touchpoint) : .failure(.init(problems))
    }
}

extension TransactionType {
    public static func read(_ record: CSVRecord, header: CSVHeader) -> Result<TransactionType, RawServiceRequest.ProblemList> {
        let active = NPSRegistryText.flag(header.value("active", in: record), default: true)
        let transaction = TransactionType(
            code: header.value("code", in: record).trimmed,
            name: header.value("name", in: record).trimmed,
            active: active ?? true
        )
        var problems = transaction.problems
        if active == nil { problems.append(.init(column: "active", code: "invalid_flag", message: "active is true or false.")) }
        return problems.isEmpty ? .success(transaction) : .failure(.init(problems))
    }
}

/// One row of the support map (SPEC): a provider unit supports a channel, a transaction type, or
/// a transaction type on one channel (empty for any). A provider's NPS is that of the answers
/// matching any of its rows. `client`, when set, is the unit the line serves (the one running
/// the channel): the client of the detractor follow-ups the line opens, so that an agreement
/// between the two can promise a time to contact.
public struct SupportLine: Sendable, Hashable, Codable {
    public var unit: String
    public var channel: String
    public var transaction: String
    public var client: String

    public init(unit: String, channel: String = "", transaction: String = "", client: String = "") {
        self.unit = unit
        self.channel = channel
        self.transaction = transaction
        self.client = client
    }

    public static let columns = ["unit", "channel", "transaction", "client"]

    /// Lines naming the same unit, channel and transaction type are one line.
    public var key: [String] { [self.unit, self.channel, self.transaction] }

    /// Whether an answer on `channel` about `transaction` falls under it.
    public func covers(channel: String, transaction: String) -> Bool {
        (self.channel.isEmpty || self.channel == channel) && (self.transaction.isEmpty || self.transaction == transaction)
    }

    /// Reads a CSV record; `knownUnit` tells whether a unit code exists.
    public static func read(_ record: CSVRecord, header: CSVHeader, knownUnit: (String) -> Bool) -> Result<SupportLine, RawServiceRequest.ProblemList>
    {
        let line = SupportLine(
            unit: header.value("unit", in: record).trimmed,
            channel: header.value("channel", in: record).trimmed.lowercased(),
            transaction: header.value("transaction", in: record).trimmed,
            client: header.value("client", in: record).trimmed
        )
        var problems: [RawServiceRequest.ProblemList.Problem] = []
        if line.unit.isEmpty {
            problems.append(.init(column: "unit", code: "required", message: "unit is required."))
        } else if !knownUnit(line.unit) {
            problems.append(.init(column: "unit", code: "unknown_unit", message: "There is no unit \(line.unit)."))
        }
        if !line.client.isEmpty {
            if !knownUnit(line.client) {
                problems.append(.init(column: "client", code: "unknown_unit", message: "There is no unit \(line.client)."))
            } else if line.client == line.unit {
                problems.append(.init(column: "client", code: "same_unit", message: "A unit does not serve itself: client names the unit served."))
            }
        }
        if line.channel.isEmpty && line.transaction.isEmpty {
            problems.append(.init(column: "channel", code: "required", message: "A line names a channel, a transaction or both."))
        }
        for (value, column) in [(line.channel, "channel"), (line.transaction, "transaction")] where !value.isEmpty && !Code.isValid(value) {
            problems.append(.init(column: column, code: "invalid_code", message: "'\(value)' is not a code."))
        }
        return problems.isEmpty ? .success(line) : .failure(.init(problems))
    }
}
