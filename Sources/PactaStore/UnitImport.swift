import Foundation
import PactaCore

/// What an import did, or would have done, and every row it could not take.
public struct ImportReport: Sendable, Hashable, Codable {
    public var created: Int
    public var updated: Int
    /// Rows identical to what was stored: nothing written (request imports count them).
    public var unchanged: Int
    /// Rows left out (only with `skipInvalid`).
    public var skipped: Int
    public var problems: [ImportProblem]
    /// Whether anything was written.
    public var committed: Bool
    /// How many problems there were; `problems` lists the first ones when there are very many.
    public var problemCount: Int
    /// Of the requests imported, how many belong to an agreement and how many to none; null for
    /// imports of anything else.
    @Nullable public var matched: Int?
    @Nullable public var unmatched: Int?
    /// Header columns the import does not read (SPEC: extra columns are ignored), named so that a
    /// misspelt one is noticed.
    public var ignoredColumns: [String] = []

    public init(
        created: Int = 0,
        updated: Int = 0,
        unchanged: Int = 0,
        skipped: Int = 0,
        problems: [ImportProblem] = [],
        committed: Bool = false,
        problemCount: Int? = nil,
        matched: Int? = nil,
        unmatched: Int? = nil
    ) {
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
        self.skipped = skipped
        self.problems = problems
        self.committed = committed
        self.problemCount = problemCount ?? problems.count
        self.matched = matched
        self.unmatched = unmatched
    }
}

extension UnitRepository {
    /// Imports units from CSV (`code,name,parent`). All-or-nothing unless `skipInvalid`; the report
    /// lists every bad row either way. Re-importing a code updates that unit.
    /// Each row must be within the actor's reach (see ``UnitRepository/scopeProblem(_:existing:by:before:after:)``).
    public func importCSV(_ text: String, skipInvalid: Bool, by actor: Actor, at instant: Date) async throws -> ImportReport {
        try await self.importCSV(bytes: Array(text.utf8), skipInvalid: skipInvalid, by: actor, at: instant)
    }

    /// Imports units from the bytes of a CSV file, which must be UTF-8.
    public func importCSV(bytes: [UInt8], skipInvalid: Bool, by actor: Actor, at instant: Date) async throws -> ImportReport {
        let file: CSVFile
        do {
            file = try CSVFile(bytes: bytes, required: ["code", "name"], empty: "The file is empty: it needs a header code,name,parent.")
        } catch {
            return ImportReport(problems: error.problems)
        }
        let header = file.header
        var report = try await self.importRecords(file.rows, header: header, skipInvalid: skipInvalid, by: actor, at: instant)
        report.ignoredColumns = header.ignored(reading: ["code", "name", "parent"])
        return report
    }

    private func importRecords(
        _ records: ArraySlice<CSVRecord>,
        header: CSVHeader,
        skipInvalid: Bool,
        by actor: Actor,
        at instant: Date
    ) async throws
        -> ImportReport
    {
        var problems: [ImportProblem] = []
        var candidates: [(line: Int, unit: OrgUnit)] = []
        var lineOfCode: [String: Int] = [:]
        for record in records {
            if let problem = header.problem(with: record) {
                problems.append(problem)
                continue
            }
            let parent = header.value("parent", in: record)
            let unit = OrgUnit(code: header.value("code", in: record), name: header.value("name", in: record), parent: parent.isEmpty ? nil : parent)
            do {
                try unit.validate()
            } catch {
                problems += error.issues.map { ImportProblem(line: record.line, column: $0.field, code: $0.code, message: $0.message) }
                continue
            }
            if let first = lineOfCode[unit.code] {
                problems.append(
                    ImportProblem(
                        line: record.line,
                        column: "code",
                        code: "duplicate",
                        message: "Unit \(unit.code) already appears on line \(first)."
                    )
                )
                continue
            }
            lineOfCode[unit.code] = record.line
            candidates.append((record.line, unit))
        }
        // Parents must exist in the database or among the rows imported, and every row must stay
        // within the actor's reach in the tree the import makes. Skipping a row can orphan its
        // children, so with skipInvalid the checks repeat until nothing more drops out.
        let stored = try await self.list()
        let existing = Dictionary(stored.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        var accepted = candidates
        while true {
            let known = Set(existing.keys).union(accepted.map(\.unit.code))
            var refused = accepted.filter { row in row.unit.parent.map { !known.contains($0) } ?? false }.map {
                ImportProblem(line: $0.line, column: "parent", code: "unknown_unit", message: "There is no unit \($0.unit.parent ?? "").")
            }
            let before = UnitTree(stored)
            let after = accepted.reduce(before) { $0.with($1.unit.code, under: $1.unit.parent) }
            for row in accepted where !refused.contains(where: { $0.line == row.line }) {
                if let problem = Self.scopeProblem(row.unit, existing: existing[row.unit.code], by: actor, before: before, after: after) {
                    refused.append(ImportProblem(line: row.line, column: problem.field ?? "code", code: "out_of_scope", message: problem.message))
                }
            }
            problems += refused
            guard skipInvalid, !refused.isEmpty else { break }
            let refusedLines = Set(refused.map(\.line))
            accepted.removeAll { refusedLines.contains($0.line) }
        }
        problems.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        let skipped = records.count - accepted.count
        if !problems.isEmpty && !skipInvalid {
            return ImportReport(skipped: 0, problems: problems)
        }
        do {
            let (created, updated) = try await self.upsert(accepted.map(\.unit), at: instant)
            return ImportReport(created: created, updated: updated, skipped: skipped, problems: problems, committed: true)
        } catch let error as ValidationError {
            // A loop among parents; name the rows.
            let lines = error.issues.compactMap { issue -> ImportProblem? in
                guard let open = issue.field.firstIndex(of: "["), let close = issue.field.firstIndex(of: "]"),
                    let index = Int(issue.field[issue.field.index(after: open)..<close]), index < accepted.count
                else { return nil }
                return ImportProblem(line: accepted[index].line, column: "parent", code: issue.code, message: issue.message)
            }
            return ImportReport(problems: problems + lines)
        }
    }
}
