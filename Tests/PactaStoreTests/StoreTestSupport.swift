import Foundation
import PactaCore
import PactaStore
import PactaTestSupport

extension Store {
    /// Units TI (provider) and CRED (client) under GG, and the office-hours calendar.
    func seedOrganisation() async throws {
        try await self.units.create(OrgUnit(code: "GG", name: "Gerencia General"), at: Fixtures.now)
        try await self.units.create(OrgUnit(code: "TI", name: "Tecnología", parent: "GG"), at: Fixtures.now)
        try await self.units.create(OrgUnit(code: "CRED", name: "Crédito", parent: "GG"), at: Fixtures.now)
        try await self.calendars.create(Fixtures.officeHours, at: Fixtures.now)
    }
}
