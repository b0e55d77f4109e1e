import Foundation
import PactaCore

/// Small, realistic values shared by the test suites.
public enum Fixtures {
    public static let now = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21
    public static let today = LocalDate("2026-09-21")!

    public static let officeHours = BusinessCalendar(
        code: "oficina-uio",
        name: "Oficina Quito",
        timeZone: "America/Guayaquil",
        hours: WeeklyHours(
            Dictionary(
                uniqueKeysWithValues: [Weekday.monday, .tuesday, .wednesday, .thursday, .friday].map {
                    ($0, [TimeRange("08:30-13:00")!, TimeRange("14:00-17:30")!])
                }
            )
        ),
        holidays: [Holiday(date: LocalDate("2026-08-10")!, name: "Primer Grito de Independencia")]
    )

    public static func terms(provider: String = "TI", client: String = "CRED", title: String = "Soporte a Crédito") -> AgreementTerms {
        AgreementTerms(
            title: title,
            provider: provider,
            client: client,
            validFrom: LocalDate("2026-01-01")!,
            validTo: LocalDate("2026-12-31")!,
            cadence: .monthly,
            summary: "Soporte de aplicaciones del proceso de crédito.",
            commitments: [
                Commitment(
                    key: "C1",
                    name: "Incidentes críticos resueltos en 8 horas hábiles",
                    metric: .resolutionWithin,
                    target: 8 * 3600,
                    goal: 0.95,
                    weight: 2,
                    calendar: "oficina-uio",
                    priorities: ["P1"]
                ),
                Commitment(key: "C2", name: "Índice de percepción", metric: .perceptionIndex, target: 80, weight: 1),
            ]
        )
    }

    /// A person of `unit` acting through their own session.
    public static func signer(_ username: String, unit: String, role: Role = .manager) -> Actor {
        Actor(username: username, name: username.capitalized, role: role, unit: unit, channel: .web)
    }

    /// Pacta itself, acting on every unit (seeding tests).
    public static let system = Actor.system("test")
}
