import Foundation
import PactaCore

/// Organisational units. Administrators change any unit; a manager changes their own unit (its
/// name) and the units below it, and adds units only below their own.
public struct UnitRepository: Sendable {
    let db: any DatabaseExecutor

    /// The units as a tree.
    public func tree() async throws -> UnitTree {
        UnitTree(try await self.db.query("SELECT u.code, u.name, p.code FROM units u LEFT JOIN units p ON p.id = u.parent_id").map(Self.unit))
    }

    /// Every unit, by code.
    public func list() async throws -> [OrgUnit] {
        try await self.db.query(
            "SELECT u.code, u.name, p.code FROM units u LEFT JOIN units p ON p.id = u.parent_id ORDER BY u.code"
        ).map(Self.unit)
    }

    /// The unit with `code`, if any.
    public func get(_ code: String) async throws -> OrgUnit? {
        try await self.db.first(
            "SELECT u.code, u.name, p.code FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.code = \(code)"
        ).map(Self.unit)
    }

    /// Adds a unit; its parent must exist, and be within the actor's reach.
    public func create(_ unit: OrgUnit, by actor: Actor, at instant: Date) async throws {
        try unit.validate()
        try await self.db.transaction { db in
            let parentID = try await Self.parentID(of: unit, in: db)
            if let problem = Self.scopeProblem(unit, existing: nil, by: actor, before: try await UnitRepository(db: db).tree()) { throw problem }
            do {
                try await db.execute(
                    "INSERT INTO units (code, name, parent_id, created_at, updated_at) VALUES (\(unit.code), \(unit.name.trimmed), \(parentID), \(instant), \(instant))"
                )
            } catch DatabaseError.uniqueViolation {
                throw ValidationError(field: "code", code: "taken", message: "Unit \(unit.code) already exists.")
            }
        }
    }

    /// Changes a unit's name and parent; the code never changes.
    public func update(_ unit: OrgUnit, by actor: Actor, at instant: Date) async throws {
        try unit.validate()
        try await self.db.transaction { db in
            guard
                let existing = try await db.first(
                    "SELECT u.code, u.name, p.code FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.code = \(unit.code)"
                ).map(Self.unit)
            else {
                throw NotFoundError("unit", unit.code)
            }
            let parentID = try await Self.parentID(of: unit, in: db)
            if let problem = Self.scopeProblem(unit, existing: existing, by: actor, before: try await UnitRepository(db: db).tree()) { throw problem }
            try await Self.checkNoCycle(unit, in: db)
            try await db.execute(
                "UPDATE units SET name = \(unit.name.trimmed), parent_id = \(parentID), updated_at = \(instant) WHERE code = \(unit.code)"
            )
        }
    }

    /// Why `actor` may not write `unit` (nil when they may): a manager keeps every unit they write
    /// at or below their own, and cannot move their own unit. `before` is the tree as stored,
    /// `after` the tree the change makes (by default, with just this unit moved).
    static func scopeProblem(_ unit: OrgUnit, existing: OrgUnit?, by actor: Actor, before: UnitTree, after: UnitTree? = nil) -> ScopeError? {
        guard !actor.reachesEverything else { return nil }
        let placed = after ?? before.with(unit.code, under: unit.parent)
        if let existing, !before.isWithin(existing.code, actor.unit) {
            return ScopeError("\(actor.username) acts for \(actor.unit) and the units below it; \(unit.code) is outside them.", field: "code")
        }
        if unit.code == actor.unit {
            guard unit.parent == existing?.parent else {
                return ScopeError("Only an administrator moves \(unit.code), the unit you act for, in the tree.", field: "parent")
            }
            return nil
        }
        guard let parent = unit.parent, placed.isWithin(parent, actor.unit) else {
            return ScopeError(
                "\(actor.username) acts for \(actor.unit): \(unit.code) must stay under \(actor.unit) or a unit below it.",
                field: "parent"
            )
        }
        return nil
    }

    /// Creates or updates many units in one transaction: all of them, or none. No scope check:
    /// the import (``importCSV(_:skipInvalid:by:at:)``) checks each row, and Pacta's own seeding acts on everything.
    /// Parents may be other units of the same batch, in any order.
    /// - Returns: how many were created and how many updated.
    public func upsert(_ units: [OrgUnit], at instant: Date) async throws -> (created: Int, updated: Int) {
        try await self.db.transaction { db in
            var created = 0
            var updated = 0
            for unit in units {
                let existing = try await db.first("SELECT id FROM units WHERE code = \(unit.code)")
                if existing == nil {
                    try await db.execute(
                        "INSERT INTO units (code, name, created_at, updated_at) VALUES (\(unit.code), \(unit.name.trimmed), \(instant), \(instant))"
                    )
                    created += 1
                } else {
                    try await db.execute("UPDATE units SET name = \(unit.name.trimmed), updated_at = \(instant) WHERE code = \(unit.code)")
                    updated += 1
                }
            }
            for (index, unit) in units.enumerated() {
                let parentID = try await Self.parentID(of: unit, in: db, field: "[\(index)].parent")
                try await db.execute("UPDATE units SET parent_id = \(parentID) WHERE code = \(unit.code)")
            }
            for (index, unit) in units.enumerated() {
                try await Self.checkNoCycle(unit, in: db, field: "[\(index)].parent")
            }
            return (created, updated)
        }
    }

    private static func parentID(of unit: OrgUnit, in db: any DatabaseExecutor, field: String = "parent") async throws -> Int64? {
        guard let parent = unit.parent, !parent.isEmpty else { return nil }
        guard let row = try await db.first("SELECT id FROM units WHERE code = \(parent)") else {
            throw ValidationError(field: field, code: "unknown_unit", message: "There is no unit \(parent).")
        }
        return try row.decode(Int64.self)
    }

    /// Walks up from the unit's new parent; meeting the unit again means a loop.
    private static func checkNoCycle(_ unit: OrgUnit, in db: any DatabaseExecutor, field: String = "parent") async throws {
        var current = unit.parent
        var steps = 0
        while let code = current, !code.isEmpty {
            if code == unit.code || steps > 10_000 {
                throw ValidationError(
                    field: field,
                    code: "parent_cycle",
                    message: "\(unit.parent ?? "") cannot be the parent of \(unit.code): it lies below it."
                )
            }
            // By index: the one column is nullable, and a one-type pack of an optional does not type-check here.
            current = try await db.first(
                "SELECT p.code FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.code = \(code)"
            )?.decode(0, as: String?.self)
            steps += 1
        }
    }

    static func unit(_ row: DatabaseRow) throws -> OrgUnit {
        let (code, name, parent) = try row.decode((String, String, String?).self)
        return OrgUnit(code: code, name: name, parent: parent)
    }
}
