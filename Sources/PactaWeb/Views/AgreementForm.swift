import Foundation
import PactaCore

/// The agreement form as typed: strings kept verbatim for re-display, turned into terms when they parse.
///
/// Time targets are typed in business hours and goals in percent; the API uses seconds and shares.
struct AgreementForm {
    struct Row {
        var key = "", name = "", metric = "", target = "", goal = "", weight = "1", calendar = "", priorities = ""

        /// A row the user left empty (extra rows are always offered).
        var isBlank: Bool { self.key.isEmpty && self.name.isEmpty && self.target.isEmpty && self.goal.isEmpty }
    }

    var code = "", title = "", summary = "", provider = "", client = "", validFrom = "", validTo = "", cadence = "monthly"
    var rows: [Row] = []
    /// Problems found while reading the strings (bad numbers and dates) and the domain's rules
    /// on what could be read: every problem the form can tell without the database, at once.
    var issues: [FieldIssue] = []
    /// Posted with "Add a commitment": the form comes back with one more row, nothing saved.
    var addsCommitment = false

    /// Shows existing terms.
    init(code: String, terms: AgreementTerms) {
        self.code = code
        self.title = terms.title
        self.summary = terms.summary
        self.provider = terms.provider
        self.client = terms.client
        self.validFrom = terms.validFrom.description
        self.validTo = terms.validTo.description
        self.cadence = terms.cadence.rawValue
        self.rows = terms.commitments.map { commitment in
            Row(
                key: commitment.key,
                name: commitment.name,
                metric: commitment.metric.rawValue,
                target: Format.number(commitment.metric.isBusinessTime ? commitment.target / 3600 : commitment.target),
                goal: commitment.goal.map { Format.number(($0 * 1000).rounded() / 10) } ?? "",
                weight: Format.number(commitment.weight),
                calendar: commitment.calendar ?? "",
                priorities: commitment.priorities.joined(separator: ", ")
            )
        }
    }

    /// Reads a posted form.
    init(_ form: FormData) {
        self.addsCommitment = form["add_commitment"] != nil
        self.code = form.text("code")
        self.title = form.text("title")
        self.summary = form.text("summary")
        self.provider = form.text("provider")
        self.client = form.text("client")
        self.validFrom = form.text("valid_from")
        self.validTo = form.text("valid_to")
        self.cadence = form.text("cadence")
        var index = 0
        while form["commitments[\(index)].metric"] != nil || form["commitments[\(index)].name"] != nil {
            let field = { (name: String) in form.text("commitments[\(index)].\(name)") }
            self.rows.append(
                Row(
                    key: field("key"),
                    name: field("name"),
                    metric: field("metric"),
                    target: field("target"),
                    goal: field("goal"),
                    weight: field("weight"),
                    calendar: field("calendar"),
                    priorities: field("priorities")
                )
            )
            index += 1
        }
        self.validate()
    }

    private mutating func validate() {
        var validator = Validator()
        if LocalDate(self.validFrom) == nil { validator.fail("valid_from", "invalid_date", "Use a date like 2026-01-31.") }
        if LocalDate(self.validTo) == nil { validator.fail("valid_to", "invalid_date", "Use a date like 2026-12-31.") }
        if Cadence(rawValue: self.cadence) == nil { validator.fail("cadence", "required", "Choose a cadence.") }
        for (index, row) in self.rows.enumerated() where !row.isBlank {
            if Metric(rawValue: row.metric) == nil { validator.fail("commitments[\(index)].metric", "required", "Choose a metric.") }
            if Self.number(row.target) == nil { validator.fail("commitments[\(index)].target", "invalid_number", "Type a number.") }
            if !row.goal.isEmpty, Self.number(row.goal) == nil {
                validator.fail("commitments[\(index)].goal", "invalid_number", "Type a percentage.")
            }
            if Self.number(row.weight) == nil { validator.fail("commitments[\(index)].weight", "invalid_number", "Type a number.") }
        }
        // The rules of the domain, all in the same round: on the terms as typed, a value that
        // could not be read standing in for itself, whose own problem is already listed.
        let unread = Set(validator.issues.map(\.field))
        if let (provisional, rows) = self.provisionalTerms {
            do {
                try provisional.validate()
            } catch {
                let datesUnread = unread.contains("valid_from") || unread.contains("valid_to")
                for issue in error.issues {
                    let field = Self.formField(issue.field, rows: rows)
                    guard !unread.contains(field), !(datesUnread && issue.code == "ends_before_start") else { continue }
                    validator.fail(field, issue.code, issue.message)
                }
            }
        }
        self.issues = validator.issues
    }

    /// An issue of the terms this form made, named as the form names its fields.
    func formIssue(_ issue: FieldIssue) -> FieldIssue {
        FieldIssue(field: Self.formField(issue.field, rows: self.commitmentRows), code: issue.code, message: issue.message)
    }

    /// The form's rows that hold the terms' commitments, in order: blank rows are left out.
    var commitmentRows: [Int] {
        self.rows.indices.filter { !self.rows[$0].isBlank }
    }

    /// `field` of the terms (`commitments[1].target`, the second commitment) named as the form
    /// names it (`commitments[3].target`, when the rows before it include blank ones).
    static func formField(_ field: String, rows: [Int]) -> String {
        let prefix = "commitments["
        guard field.hasPrefix(prefix), let close = field.firstIndex(of: "]"),
            let index = Int(field[field.index(field.startIndex, offsetBy: prefix.count)..<close]), rows.indices.contains(index)
        else { return field }
        return "\(prefix)\(rows[index])\(field[close...])"
    }

    /// The terms with stand-ins for values that could not be read (an unread date takes the
    /// other one, an unread number 1, a row without metric is left out), for checking the rest;
    /// with the form row of each commitment.
    private var provisionalTerms: (terms: AgreementTerms, rows: [Int])? {
        self.makeTerms(standIns: true)
    }

    /// The terms, when every string parsed (the domain then checks the rules).
    var terms: AgreementTerms? {
        self.makeTerms(standIns: false)?.terms
    }

    /// The terms as typed; a value that cannot be read makes it nil, or takes a stand-in.
    private func makeTerms(standIns: Bool) -> (terms: AgreementTerms, rows: [Int])? {
        let from = LocalDate(self.validFrom) ?? (standIns ? LocalDate(self.validTo) ?? LocalDate(year: 2000, month: 1, day: 1) : nil)
        guard let from, let to = LocalDate(self.validTo) ?? (standIns ? from : nil),
            let cadence = Cadence(rawValue: self.cadence) ?? (standIns ? .monthly : nil)
        else { return nil }
        var commitments: [Commitment] = []
        var rows: [Int] = []
        for index in self.commitmentRows {
            let row = self.rows[index]
            let goal = row.goal.isEmpty ? nil : Self.number(row.goal) ?? (standIns ? 100 : nil)
            guard let metric = Metric(rawValue: row.metric) else {
                if standIns { continue } else { return nil }
            }
            guard let target = Self.number(row.target) ?? (standIns ? 1 : nil), let weight = Self.number(row.weight) ?? (standIns ? 1 : nil),
                row.goal.isEmpty || goal != nil
            else { return nil }
            rows.append(index)
            commitments.append(
                Commitment(
                    key: row.key.isEmpty ? "C\(commitments.count + 1)" : row.key,
                    name: row.name,
                    metric: metric,
                    target: metric.isBusinessTime ? (target * 3600).rounded() : target,
                    goal: goal.map { $0 / 100 },
                    weight: weight,
                    calendar: row.calendar.isEmpty ? nil : row.calendar,
                    priorities: row.priorities.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                )
            )
        }
        let terms = AgreementTerms(
            title: self.title,
            provider: self.provider,
            client: self.client,
            validFrom: from,
            validTo: to,
            cadence: cadence,
            summary: self.summary,
            commitments: commitments
        )
        return (terms, rows)
    }

    /// Accepts a decimal comma as Spanish users type it.
    static func number(_ text: String) -> Double? {
        Double(text.replacingOccurrences(of: ",", with: ".")).flatMap { $0.isFinite ? $0 : nil }
    }
}
