import Foundation
import HTTPTypes
import HummingbirdTesting
import PactaCore
import PactaStore
import PactaTestSupport
import Testing

@testable import PactaWeb

/// Page models are built from domain values and tested without HTTP; a few checks then go
/// through the router to see them on the page.
@Suite struct PageModelTests {
    static let quarterly = (from: LocalDate("2026-01-01")!, to: LocalDate("2026-12-31")!)

    @Test func thePeriodPickerOffersTheAgreementsCadenceUpToToday() {
        let picker = PeriodPicker(
            showing: Period("2026-Q2")!,
            cadence: .quarterly,
            validity: Self.quarterly,
            today: LocalDate("2026-09-21")!,
            action: "/agreements/A/indicators",
            error: nil
        )
        #expect(picker.options.map(\.value) == ["2026-Q3", "2026-Q2", "2026-Q1"])
        #expect(picker.options.filter(\.selected).map(\.value) == ["2026-Q2"])
        #expect(picker.previousHref == "/agreements/A/indicators?period=2026-Q1" && picker.previousLabel == "2026-Q1")
        #expect(picker.nextHref == "/agreements/A/indicators?period=2026-Q3" && picker.nextLabel == "2026-Q3")

        // At the ends: nothing before the agreement starts, nothing after today.
        let first = PeriodPicker(
            showing: Period("2026-Q1")!,
            cadence: .quarterly,
            validity: Self.quarterly,
            today: LocalDate("2026-09-21")!,
            action: "/a",
            error: nil
        )
        #expect(first.previousHref == nil)
        let current = PeriodPicker(
            showing: Period("2026-Q3")!,
            cadence: .quarterly,
            validity: Self.quarterly,
            today: LocalDate("2026-09-21")!,
            action: "/a",
            error: nil
        )
        #expect(current.nextHref == nil)
        // A period asked for outside the list is still offered, selected.
        let outside = PeriodPicker(
            showing: Period("2027-02")!,
            cadence: .monthly,
            validity: Self.quarterly,
            today: LocalDate("2026-03-05")!,
            action: "/a",
            error: nil
        )
        #expect(outside.options.map(\.value) == ["2027-02", "2026-03", "2026-02", "2026-01"])
        #expect(outside.options.first?.selected == true)
    }

    @Test func periodsStepByTheirLength() {
        #expect(Period("2026-12")!.advanced(by: 1) == Period("2027-01"))
        #expect(Period("2026-01")!.advanced(by: -1) == Period("2025-12"))
        #expect(Period("2026-Q1")!.advanced(by: -1) == Period("2025-Q4"))
        #expect(Period("2026-Q4")!.advanced(by: 5) == Period("2028-Q1"))
        #expect(Period("9999-12")!.advanced(by: 1) == nil, "past the dates Pacta holds")
        #expect(Period("2026-Q3")!.through(Period("2027-Q1")!).map(\.description) == ["2026-Q3", "2026-Q4", "2027-Q1"])
        #expect(Period("2026-05")!.through(Period("2026-04")!).isEmpty)
    }

    @Test(arguments: TestDatabase.available)
    func theIndicatorsPageShowsTheCurrentPeriodAndABadOneNextToThePicker(database: TestDatabase) async throws {
        try await TestApp.withApp(database) { app in
            try await app.store.seedSignedAgreement()
            try await app.test { client in
                // Without a period: the agreement's current one (Fixtures.now is 2026-09-21).
                try await client.execute(uri: "/agreements/TI-CRED/indicators", method: .get, headers: app.browser(.viewer)) { response in
                    #expect(response.status == .ok)
                    #expect(response.text.contains(#"<option value="2026-09" selected>2026-09</option>"#))
                    #expect(response.text.contains(#"href="/agreements/TI-CRED/indicators?period=2026-08" rel="prev""#))
                    #expect(!response.text.contains("field-error"))
                }
                try await client.execute(uri: "/agreements/TI-CRED/indicators?period=octubre", method: .get, headers: app.browser(.viewer)) {
                    response in
                    #expect(response.status == .badRequest)
                    #expect(response.text.contains(#"<p class="field-error" id="e-period">El período debe tener la forma 2026-10 o 2026-Q4.</p>"#))
                    #expect(response.text.contains(#"<option value="2026-09" selected>"#), "the current period instead")
                }
            }
        }
    }

    @Test func numbersTakeTheLanguagesDecimalMark() async throws {
        let renderer = try await PageRenderer(directory: try ResourceLocator.home().appendingPathComponent("templates"))
        #expect(renderer.messages(.spanish).percent(0.8523) == "85,2 %")
        #expect(renderer.messages(.english).percent(0.8523) == "85.2 %")
        #expect(renderer.messages(.spanish).number(2.5) == "2,5" && renderer.messages(.spanish).number(8) == "8")
        #expect(IndicatorsPage.format(0.95, metric: .resolutionWithin, messages: renderer.messages(.spanish)) == "95 %")
        #expect(IndicatorsPage.format(18_420, metric: .medianResolution, messages: renderer.messages(.spanish)) == "5 h 07 min")
    }
}
