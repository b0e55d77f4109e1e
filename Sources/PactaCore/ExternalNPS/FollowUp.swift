/// Where a detractor follow-up stands: opened with the answer, `contacted` once the supporting
/// unit has reached the customer, `closed` when nothing is left to do.
public enum FollowUpStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case open
    case contacted
    case closed
}

/// A detractor's answer with a comment, followed up by one provider unit that supports its
/// channel or transaction type.
///
/// Each follow-up is also a request of the supporting unit to the unit its support line serves
/// (``FollowUp/priority``, reference `NPS-<id>`): opened when the customer answered, first
/// response when the unit first moved it out of `open`, resolved when closed. An agreement's
/// `first_response_within` commitment for that priority promises a time to contact in business
/// time, measured with the same clock, outcomes and tallies as any request.
public struct FollowUp: Sendable, Hashable {
    public var id: Int64
    /// The supporting (provider) unit.
    public var unit: String
    /// The unit served, the request's client; empty when its support line names none.
    public var client: String
    public var status: FollowUpStatus
    /// Username of who follows it up, if anyone was named.
    public var owner: String?
    /// When the customer answered (Unix seconds): the request's opening.
    public var openedAt: Int64
    /// When it first left `open` (contacted, or closed at once): the request's first response.
    public var contactedAt: Int64?
    public var closedAt: Int64?
    /// The customer's answer, comment included.
    public var answer: NPSAnswer

    public init(
        id: Int64,
        unit: String,
        client: String,
        status: FollowUpStatus,
        owner: String?,
        openedAt: Int64,
        contactedAt: Int64?,
        closedAt: Int64?,
        answer: NPSAnswer
    ) {
        self.id = id
        self.unit = unit
        self.client = client
        self.status = status
        self.owner = owner
        self.openedAt = openedAt
        self.contactedAt = contactedAt
        self.closedAt = closedAt
        self.answer = answer
    }

    /// The priority of the requests follow-ups become: what a commitment's priority filter names.
    public static let priority = "NPS"
    /// The service of those requests.
    public static let service = "nps-followup"

    /// The reference of the request it becomes: unique per provider, as follow-up ids are.
    public var requestRef: String { Self.requestRef(self.id) }

    public static func requestRef(_ id: Int64) -> String { "NPS-\(id)" }

    /// The follow-up a request of ``priority`` and ``service`` is, from its reference `NPS-<id>`.
    public static func id(of request: ServiceRequest) -> Int64? {
        guard request.priority == Self.priority, request.service == Self.service, request.externalRef.hasPrefix("NPS-"),
            let id = Int64(request.externalRef.dropFirst(4)), Self.requestRef(id) == request.externalRef
        else { return nil }
        return id
    }

    /// The request it becomes, or nil without a client; its times never come before the opening
    /// (an answer dated ahead of the server's clock).
    public var request: ServiceRequest? {
        guard !self.client.isEmpty else { return nil }
        let firstResponse = self.contactedAt.map { max($0, self.openedAt) }
        return ServiceRequest(
            externalRef: self.requestRef,
            provider: self.unit,
            client: self.client,
            service: Self.service,
            priority: Self.priority,
            openedAt: self.openedAt,
            firstResponseAt: firstResponse,
            resolvedAt: self.closedAt.map { max($0, firstResponse ?? self.openedAt) }
        )
    }

    /// The follow-up moved to `status` at `instant`: the contact is kept once made (reopening
    /// does not undo it), the closing only while closed.
    public func moved(to status: FollowUpStatus, at instant: Int64) -> FollowUp {
        var moved = self
        moved.status = status
        if status != .open && moved.contactedAt == nil { moved.contactedAt = instant }
        switch status {
        case .closed: moved.closedAt = moved.closedAt ?? instant
        case .open, .contacted: moved.closedAt = nil
        }
        return moved
    }
}

/// One entry of a follow-up's history: a note, a change of status or owner, or several at once.
public struct FollowUpNote: Sendable, Hashable, Codable {
    public var at: Int64
    public var author: String
    public var status: FollowUpStatus?
    /// The owner named; empty when the owner was removed.
    public var owner: String?
    public var text: String

    public init(at: Int64, author: String, status: FollowUpStatus?, owner: String?, text: String) {
        self.at = at
        self.author = author
        self.status = status
        self.owner = owner
        self.text = text
    }
}
