import Foundation

/// One external customer's 0–10 answer (SPEC "nps response"), checked: the instant it was given,
/// where (channel and touchpoint), about what (transaction), the score and an optional comment.
/// `externalRef` makes every send idempotent: the same reference sent again updates, never duplicates.
public struct NPSAnswer: Sendable, Hashable {
    public var externalRef: String
    /// Seconds since 1970 (UTC).
    public var answeredAt: Int64
    public var channel: String
    public var touchpoint: String
    public var transaction: String
    public var score: Int
    public var comment: String

    public init(externalRef: String, answeredAt: Int64, channel: String, touchpoint: String, transaction: String, score: Int, comment: String = "") {
        self.externalRef = externalRef
        self.answeredAt = answeredAt
        self.channel = channel
        self.touchpoint = touchpoint
        self.transaction = transaction
        self.score = score
        self.comment = comment
    }

    /// What the answer counts as: promoter (9–10), passive (7–8) or detractor (0–6).
    public var kind: NPSKind { NPSKind(score: self.score) }

    /// Longest comment kept, in characters.
    public static let commentLimit = 2000
    /// How far ahead of the receiving server's clock an answer may say it was given: clocks drift.
    public static let futureTolerance: Int64 = 300
}

/// Where an answer stands in an NPS.
public enum NPSKind: String, Sendable, Hashable, CaseIterable {
    case promoter
    case passive
    case detractor

    public init(score: Int) {
        self = score >= 9 ? .promoter : score >= 7 ? .passive : .detractor
    }
}

/// An answer as it arrives (CSV row, JSON object, form): every field as text, checked by ``validated(receivedAt:localZone:)``.
public struct RawNPSAnswer: Sendable, Hashable, Decodable {
    public var externalRef: String
    public var answeredAt: String
    public var channel: String
    public var touchpoint: String
    public var transaction: String
    public var score: String
    public var comment: String

    /// The CSV columns, in the order Pacta writes them (any order is read).
    public static let columns = ["external_ref", "answered_at", "channel", "touchpoint", "transaction", "score", "comment"]
    /// The columns a CSV header must have.
    public static let requiredColumns = ["external_ref", "answered_at", "channel", "touchpoint", "transaction", "score"]

    public init(
        externalRef: String = "",
        answeredAt: String = "",
        channel: String = "",
        touchpoint: String = "",
        transaction: String = "",
        score: String = "",
        comment: String = ""
    ) {
        self.externalRef = externalRef
        self.answeredAt = answeredAt
        self.channel = channel
        self.touchpoint = touchpoint
        self.transaction = transaction
        self.score = score
        self.comment = comment
    }

    /// Reads a CSV record through its header.
    public init(_ record: CSVRecord, header: CSVHeader) {
        self.init(
            externalRef: header.value("external_ref", in: record),
            answeredAt: header.value("answered_at", in: record),
            channel: header.value("channel", in: record),
            touchpoint: header.value("touchpoint", in: record),
            transaction: header.value("transaction", in: record),
            score: header.value("score", in: record),
            comment: header.value("comment", in: record)
        )
    }

    enum CodingKeys: String, CodingKey {
        case externalRef = "external_ref"
        case answeredAt = "answered_at"
        case channel, touchpoint, transaction, score, comment
    }

    /// Reads a JSON object: `score` a number (or a numeric string), `comment` optional, `null` as absent.
    public init(from decoder: any Decoder) throws {
        // Fields not among the answer's are named, not dropped (read in the same pass).
        let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).filter { CodingKeys(rawValue: $0) == nil }
        guard unknown.isEmpty else { throw UnknownFields(names: unknown.sorted()) }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String { try container.decodeIfPresent(String.self, forKey: key) ?? "" }
        var score = ""
        if let number = try? container.decodeIfPresent(Double.self, forKey: .score) {
            score = number == number.rounded() && abs(number) < 1e9 ? String(Int(number)) : String(number)
        } else {
            score = try text(.score)
        }
        self.init(
            externalRef: try text(.externalRef),
            answeredAt: try text(.answeredAt),
            channel: try text(.channel),
            touchpoint: try text(.touchpoint),
            transaction: try text(.transaction),
            score: score,
            comment: try text(.comment)
        )
    }

    /// The answer, or every problem found, by column. `receivedAt` is the receiving server's clock
    /// (an answer from the future is refused); `localZone` reads instants written without offset.
    public func validated(receivedAt: Int64, localZone: TimeZone? = nil) -> Result<NPSAnswer, RawServiceRequest.ProblemList> {
        var problems: [RawServiceRequest.ProblemList.Problem] = []
        func fail(_ column: String, _ code: String, _ message: String) {
            problems.append(.init(column: column, code: code, message: message))
        }
        let externalRef = self.externalRef.trimmed
        if externalRef.isEmpty {
            fail("external_ref", "required", "external_ref is required.")
        } else if externalRef.unicodeScalars.count > TextLimit.service {
            fail("external_ref", "too_long", "external_ref has at most \(TextLimit.service) characters.")
        }
        let channel = self.channel.trimmed.lowercased()
        let touchpoint = self.touchpoint.trimmed
        let transaction = self.transaction.trimmed
        for (value, column) in [(channel, "channel"), (touchpoint, "touchpoint"), (transaction, "transaction")] {
            if value.isEmpty {
                fail(column, "required", "\(column) is required.")
            } else if !Code.isValid(value) {
                fail(column, "invalid_code", "'\(value)' is not a code: 1 to \(Code.maxLength) letters, digits, '-', '_' or '.'.")
            }
        }
        var answeredAt: Int64?
        let stamp = self.answeredAt.trimmed
        if stamp.isEmpty {
            fail("answered_at", "required", "answered_at is required.")
        } else if let seconds = Timestamp.parse(stamp, localZone: localZone),
            Timestamp.year(of: stamp).map(Timestamp.years.contains) == true
        {
            if seconds > receivedAt + NPSAnswer.futureTolerance {
                fail("answered_at", "in_future", "'\(stamp)' is later than now: an answer is sent after it is given.")
            } else {
                answeredAt = seconds
            }
        } else {
            fail(
                "answered_at",
                "invalid_timestamp",
                localZone == nil
                    ? "'\(stamp)' is not an ISO 8601 instant with offset, like 2026-10-05T09:15:00-05:00."
                    : "'\(stamp)' is not a date and time like 2026-10-05 09:15 (the organisation's zone) or 2026-10-05T09:15:00-05:00."
            )
        }
        let scoreText = self.score.trimmed
        var score: Int?
        if scoreText.isEmpty {
            fail("score", "required", "score is required.")
        } else if let value = Int(scoreText), (0...10).contains(value) {
            score = value
        } else {
            fail("score", "invalid_score", "'\(scoreText)' is not a whole number from 0 to 10.")
        }
        let comment = self.comment.trimmed
        if comment.count > NPSAnswer.commentLimit {
            fail("comment", "too_long", "comment has at most \(NPSAnswer.commentLimit) characters.")
        }
        guard problems.isEmpty, let answeredAt, let score else { return .failure(.init(problems)) }
        return .success(
            NPSAnswer(
                externalRef: externalRef,
                answeredAt: answeredAt,
                channel: channel,
                touchpoint: touchpoint,
                transaction: transaction,
                score: score,
                comment: comment
            )
        )
    }
}

extension RawNPSAnswer {
    /// Reads one JSON object of an answer: a field it does not know, text holding a NUL or JSON
    /// that is not an answer's object is a problem naming it. Cheaper than a general strict
    /// decoder: an ingest takes thousands of these a second.
    public static func decode(json data: Data) -> Result<RawNPSAnswer, RawServiceRequest.ProblemList> {
        if let plain = Self.plain(json: data) { return .success(plain) }
        return Self.decoded(json: data)
    }

    /// ``decode(json:)`` through `JSONDecoder`, which reads any JSON and names what is wrong.
    static func decoded(json data: Data) -> Result<RawNPSAnswer, RawServiceRequest.ProblemList> {
        do {
            let answer = try JSONDecoder().decode(RawNPSAnswer.self, from: data)
            let withNUL = zip(Self.columns, answer.fields).filter { $0.1.utf8.contains(0) }.map(\.0)
            guard withNUL.isEmpty else {
                return .failure(
                    .init(withNUL.map { .init(column: $0, code: "nul_byte", message: "\($0) contains a NUL character, which Pacta does not take.") })
                )
            }
            return .success(answer)
        } catch let error as UnknownFields {
            return .failure(.init(error.names.map { .init(column: $0, code: "unknown_field", message: "\($0) is not a field of an answer.") }))
        } catch let error as DecodingError {
            let (column, reason): (String, String) =
                switch error {
                case .keyNotFound(let key, _): (key.stringValue, "is missing")
                case .typeMismatch(_, let context), .valueNotFound(_, let context):
                    (context.codingPath.last?.stringValue ?? "", "has the wrong type: text is expected, a number for score")
                case .dataCorrupted: ("", "is not a JSON object of an answer")
                @unknown default: ("", "cannot be read")
                }
            return .failure(
                .init([.init(column: column, code: "invalid_json", message: column.isEmpty ? "The JSON \(reason)." : "\(column) \(reason).")])
            )
        } catch {
            return .failure(.init([.init(column: "", code: "invalid_json", message: "The JSON is not an answer's object.")]))
        }
    }

    /// The fields, in the order of ``columns``.
    var fields: [String] { [self.externalRef, self.answeredAt, self.channel, self.touchpoint, self.transaction, self.score, self.comment] }
}

extension RawNPSAnswer {
    /// An answer as nearly every sender writes it, read without a general decoder (which took a
    /// tenth of the ingestion's CPU): one flat object of the answer's fields, each at most once,
    /// strings without escapes or control characters, `score` a whole number of up to nine digits,
    /// any field `null`. Anything else (an escape, another field, a fraction, nesting, invalid
    /// UTF-8…) is nil, left to ``decoded(json:)``, which reads the same text the same way or names
    /// what is wrong with it.
    static func plain(json data: Data) -> RawNPSAnswer? {
        data.withUnsafeBytes { bytes in
            var reader = PlainObjectReader(bytes: bytes)
            return reader.answer()
        }
    }
}

/// Reads the plain objects of ``RawNPSAnswer/plain(json:)``, byte by byte.
private struct PlainObjectReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    mutating func answer() -> RawNPSAnswer? {
        var answer = RawNPSAnswer()
        var seen: UInt8 = 0
        guard self.take(UInt8(ascii: "{")) else { return nil }
        if !self.take(UInt8(ascii: "}")) {
            repeat {
                guard let name = self.string(), let key = RawNPSAnswer.CodingKeys(rawValue: name), self.take(UInt8(ascii: ":")) else { return nil }
                let (field, bit): (WritableKeyPath<RawNPSAnswer, String>, UInt8) =
                    switch key {
                    case .externalRef: (\.externalRef, 1)
                    case .answeredAt: (\.answeredAt, 2)
                    case .channel: (\.channel, 4)
                    case .touchpoint: (\.touchpoint, 8)
                    case .transaction: (\.transaction, 16)
                    case .score: (\.score, 32)
                    case .comment: (\.comment, 64)
                    }
                guard seen & bit == 0 else { return nil }
                seen |= bit
                if self.take(word: "null") {
                    answer[keyPath: field] = ""
                } else if let text = self.string() {
                    answer[keyPath: field] = text
                } else if key == .score, let number = self.integer() {
                    answer[keyPath: field] = number
                } else {
                    return nil
                }
            } while self.take(UInt8(ascii: ","))
            guard self.take(UInt8(ascii: "}")) else { return nil }
        }
        self.skipSpace()
        return self.position == self.bytes.count ? answer : nil
    }

    /// JSON's whitespace: space, tab, line feed, carriage return.
    mutating func skipSpace() {
        while self.position < self.bytes.count {
            switch self.bytes[self.position] {
            case 0x20, 0x09, 0x0A, 0x0D: self.position += 1
            default: return
            }
        }
    }

    /// Whether `byte` comes next (after whitespace); takes it if so.
    mutating func take(_ byte: UInt8) -> Bool {
        self.skipSpace()
        guard self.position < self.bytes.count, self.bytes[self.position] == byte else { return false }
        self.position += 1
        return true
    }

    /// Whether `word` (a literal such as `null`) comes next; takes it if so.
    mutating func take(word: StaticString) -> Bool {
        self.skipSpace()
        let word = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard self.bytes.count - self.position >= word.count, self.bytes[self.position..<self.position + word.count].elementsEqual(word) else {
            return false
        }
        self.position += word.count
        return true
    }

    /// A string without escapes or control characters, in valid UTF-8.
    mutating func string() -> String? {
        guard self.take(UInt8(ascii: "\"")) else { return nil }
        let start = self.position
        while self.position < self.bytes.count {
            let byte = self.bytes[self.position]
            if byte == UInt8(ascii: "\"") {
                self.position += 1
                return String(validating: UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.position - 1]), as: UTF8.self)
            }
            guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { return nil }
            self.position += 1
        }
        return nil
    }

    /// A whole number of one to nine digits without leading zeros, optionally negative, written
    /// back as the decoder writes it.
    mutating func integer() -> String? {
        self.skipSpace()
        let start = self.position
        if self.position < self.bytes.count, self.bytes[self.position] == UInt8(ascii: "-") { self.position += 1 }
        let digits = self.position
        var value = 0
        while self.position < self.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self.bytes[self.position]) {
            value = value * 10 + Int(self.bytes[self.position] - UInt8(ascii: "0"))
            self.position += 1
        }
        let count = self.position - digits
        guard (1...9).contains(count), count == 1 || self.bytes[digits] != UInt8(ascii: "0") else { return nil }
        // A fraction or an exponent would go on: those are the decoder's.
        if self.position < self.bytes.count {
            switch self.bytes[self.position] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
            default: break
            }
        }
        return String(self.bytes[start] == UInt8(ascii: "-") ? -value : value)
    }
}

/// Fields of a JSON answer that an answer does not have.
struct UnknownFields: Error {
    var names: [String]
}

/// Any key of a JSON object.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
