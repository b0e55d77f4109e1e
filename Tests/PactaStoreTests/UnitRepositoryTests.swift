import Foundation
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@Suite struct UnitRepositoryTests {
    @Test(arguments: TestDatabase.available)
    func createListAndUpdate(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            #expect(try await store.units.list().map(\.code) == ["CRED", "GG", "TI"])
            #expect(try await store.units.get("TI") == OrgUnit(code: "TI", name: "Tecnología", parent: "GG"))
            try await store.units.update(OrgUnit(code: "TI", name: "Tecnología de la Información"), by: Fixtures.system, at: Fixtures.now)
            #expect(try await store.units.get("TI") == OrgUnit(code: "TI", name: "Tecnología de la Información"))
        }
    }

    @Test(arguments: TestDatabase.available)
    func duplicatesUnknownParentsAndCyclesAreRejected(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            let taken = try await #require(throws: ValidationError.self) {
                try await store.units.create(OrgUnit(code: "TI", name: "Otra"), by: Fixtures.system, at: Fixtures.now)
            }
            #expect(taken.issues.first?.code == "taken")
            let orphan = try await #require(throws: ValidationError.self) {
                try await store.units.create(OrgUnit(code: "X", name: "X", parent: "NOPE"), by: Fixtures.system, at: Fixtures.now)
            }
            #expect(orphan.issues.first?.field == "parent")
            let cycle = try await #require(throws: ValidationError.self) {
                try await store.units.update(OrgUnit(code: "GG", name: "Gerencia", parent: "TI"), by: Fixtures.system, at: Fixtures.now)
            }
            #expect(cycle.issues.first?.code == "parent_cycle")
            #expect(try await store.units.get("GG")?.parent == nil)
            await #expect(throws: NotFoundError("unit", "ZZ")) {
                try await store.units.update(OrgUnit(code: "ZZ", name: "Z"), by: Fixtures.system, at: Fixtures.now)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func upsertIsAllOrNothingAndAcceptsParentsInAnyOrder(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            let result = try await store.units.upsert(
                [
                    OrgUnit(code: "CALL", name: "Call center", parent: "OPS"),
                    OrgUnit(code: "OPS", name: "Operaciones", parent: "GG"),
                    OrgUnit(code: "TI", name: "TI renombrada", parent: "GG"),
                ],
                at: Fixtures.now
            )
            #expect(result.created == 2 && result.updated == 1)
            #expect(try await store.units.get("CALL")?.parent == "OPS")
            #expect(try await store.units.get("TI")?.name == "TI renombrada")
            await #expect(throws: ValidationError.self) {
                try await store.units.upsert(
                    [OrgUnit(code: "NEW", name: "Nueva"), OrgUnit(code: "CRED", name: "Cambiada", parent: "MISSING")],
                    at: Fixtures.now
                )
            }
            #expect(try await store.units.get("NEW") == nil)
            #expect(try await store.units.get("CRED")?.name == "Crédito")
        }
    }
}
