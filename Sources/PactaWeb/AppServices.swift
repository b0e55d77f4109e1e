import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import PactaCore
import PactaStore

/// What the controllers need: the store, the pages, the clock and the organisation's time zone.
public struct AppServices: Sendable {
    public var store: Store
    public var renderer: PageRenderer
    /// The current instant; tests pass a fixed one.
    public var now: @Sendable () -> Date
    /// The zone in which "today" is reckoned (agreement expiry).
    public var timeZone: TimeZone

    public init(store: Store, renderer: PageRenderer, timeZone: TimeZone, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.renderer = renderer
        self.timeZone = timeZone
        self.now = now
    }

    /// Today's date in the organisation's time zone.
    public var today: LocalDate { LocalDate(self.now(), in: self.timeZone) }
}
