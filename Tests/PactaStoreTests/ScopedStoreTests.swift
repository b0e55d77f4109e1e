import Foundation
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

/// `store.transaction { tx in … }`: the same repositories, inside one transaction.
@Suite struct ScopedStoreTests {
    @Test(arguments: TestDatabase.available)
    func everythingDoneThroughATransactionIsUndoneWhenItThrows(database: TestDatabase) async throws {
        struct Abandoned: Error {}
        try await database.withStore { store in
            try await store.seedActiveAgreement()
            let head = try await store.ledger.head()
            await #expect(throws: Abandoned.self) {
                try await store.transaction { tx in
                    try await tx.units.create(OrgUnit(code: "RRHH", name: "Talento", parent: "GG"), by: Fixtures.system, at: Fixtures.now)
                    _ = try await tx.agreements.create(
                        code: "RRHH-TI",
                        terms: Fixtures.terms(provider: "RRHH", client: "TI"),
                        by: Fixtures.signer("eva", unit: "RRHH"),
                        at: Fixtures.now
                    )
                    // The transaction sees its own changes; nobody else does before the commit.
                    #expect(try await tx.units.get("RRHH") != nil)
                    #expect(try await tx.agreements.get("RRHH-TI", visibleTo: nil) != nil)
                    #expect(try await tx.ledger.head().seq == head.seq + 1)
                    #expect(try await store.units.get("RRHH") == nil)
                    throw Abandoned()
                }
            }
            #expect(try await store.units.get("RRHH") == nil)
            #expect(try await store.agreements.get("RRHH-TI", visibleTo: nil) == nil)
            #expect(try await store.ledger.head() == head)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aTransactionCommitsEveryRepositorysChangesTogether(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            let created = try await store.transaction { tx in
                try await tx.units.create(OrgUnit(code: "RRHH", name: "Talento", parent: "GG"), by: Fixtures.system, at: Fixtures.now)
                var calendar = Fixtures.officeHours
                calendar.code = "RRHH-CAL"
                try await tx.calendars.create(calendar, owner: "RRHH", by: Fixtures.system, at: Fixtures.now)
                return try await tx.units.list().count
            }
            #expect(created == 4)
            #expect(try await store.calendars.getOwned("RRHH-CAL")?.owner == "RRHH")
        }
    }

    @Test(arguments: TestDatabase.available)
    func rowsDecodeByTypeAndRefuseTheWrongOne(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.seedOrganisation()
            let row = try #require(
                try await store.database.first(
                    "SELECT u.code, u.id, u.created_at, p.code FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.code = 'GG'"
                )
            )
            let (code, id, created, parent) = try row.decode((String, Int64, Date?, String?).self)
            #expect(code == "GG" && id > 0 && created == Fixtures.now && parent == nil)
            #expect(throws: DatabaseError.self) { try row.decode((Int64, String).self) }
            #expect(throws: DatabaseError.self) { try row.decode((String, Int64, Date, String).self) }
            #expect(try await store.database.count("SELECT COUNT(*) FROM units", as: Int.self) == 3)
        }
    }
}
