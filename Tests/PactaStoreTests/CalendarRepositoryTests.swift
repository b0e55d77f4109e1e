import Foundation
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@Suite struct CalendarRepositoryTests {
    @Test(arguments: TestDatabase.available)
    func roundTripsEveryField(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.calendars.create(Fixtures.officeHours, owner: nil, by: Fixtures.system, at: Fixtures.now)
            #expect(try await store.calendars.get("oficina-uio") == Fixtures.officeHours)
            var changed = Fixtures.officeHours
            changed.timeZone = "America/Lima"
            changed.hours[.saturday] = [TimeRange("09:00-12:00")!]
            changed.holidays = []
            try await store.calendars.update(changed, by: Fixtures.system, at: Fixtures.now)
            #expect(try await store.calendars.list() == [changed])
        }
    }

    @Test(arguments: TestDatabase.available)
    func invalidOrDuplicateCalendarsAreRejected(database: TestDatabase) async throws {
        try await database.withStore { store in
            try await store.calendars.create(Fixtures.officeHours, owner: nil, by: Fixtures.system, at: Fixtures.now)
            let duplicate = try await #require(throws: ValidationError.self) {
                try await store.calendars.create(Fixtures.officeHours, owner: nil, by: Fixtures.system, at: Fixtures.now)
            }
            #expect(duplicate.issues.map(\.code) == ["taken"])
            var bad = Fixtures.officeHours
            bad.code = "bad"
            bad.timeZone = "Mars/Olympus"
            await #expect(throws: ValidationError.self) { try await store.calendars.create(bad, owner: nil, by: Fixtures.system, at: Fixtures.now) }
            #expect(try await store.calendars.list().count == 1)
        }
    }
}
