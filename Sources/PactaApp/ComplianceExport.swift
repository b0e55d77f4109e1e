import Foundation
import PactaCore
import PactaStore

/// One agreement's compliance in one review period, as the API and the CLI give it.
public struct AgreementComplianceJSON: Codable, Sendable {
    public var agreement: String
    public var title: String
    public var provider: String
    public var client: String
    public var period: String
    public var status: ComplianceStatus
    /// 0–100; null without data.
    @Nullable public var score: Double?
    public var commitments: [ScoredCommitment]
    /// The commitments without data: not counted, never read as met.
    public var noData: [String]
    /// Requests opened in the period: its weight in its units' compliance.
    public var volume: Int
    /// Survey answers behind its soft commitments.
    public var responses: Int
    public var provisional: Bool
    public var evaluatedAt: Date
    /// Changes to its figures after the period ended, newest first.
    public var changes: [Change]

    /// A change to a closed period's figures: when, why (`requests`, `revision`, `manual_value`,
    /// `survey_answers`), by whom, and what (a version, a commitment, a campaign).
    public struct Change: Codable, Sendable, Hashable {
        public var month: String
        public var changedAt: Date
        public var cause: String
        public var by: String
        public var detail: String
    }

    public init(_ figure: AgreementPeriodCompliance) {
        self.agreement = figure.agreement
        self.title = figure.title
        self.provider = figure.provider
        self.client = figure.client
        self.period = figure.period.description
        self.status = figure.compliance.status
        self.score = figure.compliance.score
        self.commitments = figure.compliance.commitments
        self.noData = figure.compliance.withoutData
        self.volume = figure.volume
        self.responses = figure.responses
        self.provisional = figure.provisional
        self.evaluatedAt = figure.evaluatedAt
        self.changes = figure.changes.map {
            Change(month: $0.month.description, changedAt: $0.changedAt, cause: $0.cause.rawValue, by: $0.actor, detail: $0.detail)
        }
    }
}

/// A provider's, a client's or the organisation's compliance in a period.
public struct UnitComplianceJSON: Codable, Sendable {
    public var unit: String
    public var name: String
    public var status: ComplianceStatus
    @Nullable public var score: Double?
    /// Requests behind the agreements with a score.
    public var volume: Int
    /// False when no agreement with a score had requests: equal weights.
    public var weightedByVolume: Bool
    /// Agreement periods counted, and those without data.
    public var agreements: Int
    public var noData: Int

    public init(unit: String, name: String, _ compliance: UnitCompliance) {
        self.unit = unit
        self.name = name
        self.status = compliance.status
        self.score = compliance.score
        self.volume = compliance.volume
        self.weightedByVolume = compliance.weightedByVolume
        self.agreements = compliance.parts.count
        self.noData = compliance.parts.filter { $0.compliance.status == .noData }.count
    }
}

/// A period's compliance: the organisation, each provider and client, each agreement period.
public struct ComplianceOverviewJSON: Codable, Sendable {
    public var period: String
    public var provisional: Bool
    public var compliantFrom: Double
    public var atRiskFrom: Double
    public var organisation: UnitComplianceJSON
    public var providers: [UnitComplianceJSON]
    public var clients: [UnitComplianceJSON]
    public var agreements: [AgreementComplianceJSON]

    public init(_ overview: ComplianceOverview, thresholds: ComplianceThresholds) {
        self.period = overview.period.description
        self.provisional = overview.provisional
        self.compliantFrom = thresholds.compliant
        self.atRiskFrom = thresholds.atRisk
        self.organisation = UnitComplianceJSON(unit: "", name: "", overview.organisation)
        self.providers = overview.providers.map { UnitComplianceJSON(unit: $0.unit, name: $0.name, $0.compliance) }
        self.clients = overview.clients.map { UnitComplianceJSON(unit: $0.unit, name: $0.name, $0.compliance) }
        self.agreements = overview.agreements.map(AgreementComplianceJSON.init)
    }
}

public enum ComplianceExport {
    /// What a compliance CSV has one row of.
    public enum Rows: String, Sendable, CaseIterable {
        case agreement
        case provider
        case client
    }

    /// `agreement,title,provider,client,period,status,score,volume,responses,no_data,provisional,changed_at,changes`;
    /// `no_data` lists the commitments without data, separated by spaces; `changed_at` is the latest
    /// change to a closed period's figures and `changes` how many there were (``FigureChange``).
    public static func agreementsCSV(_ figures: [AgreementPeriodCompliance]) -> String {
        var text = "agreement,title,provider,client,period,status,score,volume,responses,no_data,provisional,changed_at,changes\r\n"
        let instant = ISO8601DateFormatter()
        for figure in figures {
            let fields: [String] = [
                CSVField.escape(figure.agreement), CSVField.escape(figure.title), CSVField.escape(figure.provider),
                CSVField.escape(figure.client), figure.period.description, figure.compliance.status.rawValue,
                figure.compliance.score.map { String($0) } ?? "", String(figure.volume), String(figure.responses),
                CSVField.escape(figure.compliance.withoutData.joined(separator: " ")), String(figure.provisional),
                figure.changes.first.map { instant.string(from: $0.changedAt) } ?? "", String(figure.changes.count),
            ]
            text += fields.joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// `unit,name,status,score,volume,weighted_by_volume,agreements,no_data`, best first.
    public static func unitsCSV(_ rows: [ComplianceOverview.UnitRow]) -> String {
        var text = "unit,name,status,score,volume,weighted_by_volume,agreements,no_data\r\n"
        for row in rows {
            let json = UnitComplianceJSON(unit: row.unit, name: row.name, row.compliance)
            let fields: [String] = [
                CSVField.escape(json.unit), CSVField.escape(json.name), json.status.rawValue, json.score.map { String($0) } ?? "",
                String(json.volume), String(json.weightedByVolume), String(json.agreements), String(json.noData),
            ]
            text += fields.joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// The overview's rows of one kind as CSV.
    public static func csv(_ overview: ComplianceOverview, by rows: Rows) -> String {
        switch rows {
        case .agreement: Self.agreementsCSV(overview.agreements)
        case .provider: Self.unitsCSV(overview.providers)
        case .client: Self.unitsCSV(overview.clients)
        }
    }
}
