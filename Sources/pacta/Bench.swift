import ArgumentParser
import Foundation
import PactaCore

/// `pacta bench`: measurements that belong in a benchmark, not in timed unit tests.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure performance (build with -c release for meaningful numbers).",
        subcommands: [BusinessTime.self]
    )

    /// Business-time evaluations per second on one core.
    struct BusinessTime: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "business-time",
            abstract: "Evaluate business elapsed time for generated requests on one core."
        )
        @Option(help: "How many evaluations.") var count = 10_000_000
        @Option(help: "Share of requests with a pause (0–1).") var pausedShare = 0.1

        func run() throws {
            let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
            let calendar = BusinessCalendar(
                code: "bench", name: "Bench", timeZone: "America/Santiago",
                hours: WeeklyHours(Dictionary(uniqueKeysWithValues: weekdays.map { ($0, [TimeRange("08:30-13:00")!, TimeRange("14:00-17:30")!]) })),
                holidays: (0..<12).map { Holiday(date: LocalDate(year: 2026, month: $0 + 1, day: 10)!) }
            )
            let built = ContinuousClock.now
            let clock = try BusinessClock(calendar: calendar)
            let buildTime = ContinuousClock.now - built

            // Requests opened during 2026, resolved within minutes to three weeks.
            var generator = SplitMix64(seed: 2026)
            let year = Int64(1_767_225_600)  // 2026-01-01T00:00:00Z
            let samples = 1 << 16
            var opened = [Int64](repeating: 0, count: samples)
            var resolved = [Int64](repeating: 0, count: samples)
            var pauses = [[Interval]](repeating: [], count: samples)
            for index in 0..<samples {
                opened[index] = year + Int64(generator.next() % (365 * 86_400))
                resolved[index] = opened[index] + Int64(generator.next() % (21 * 86_400))
                if Double(generator.next() % 1000) / 1000 < self.pausedShare {
                    let start = opened[index] + Int64(generator.next() % 86_400)
                    pauses[index] = [Interval(start: start, end: start + Int64(generator.next() % (3 * 86_400)))]
                }
            }
            var checksum: Int64 = 0
            let started = ContinuousClock.now
            for iteration in 0..<self.count {
                let index = iteration & (samples - 1)
                checksum &+= clock.elapsed(from: opened[index], to: resolved[index], pauses: pauses[index])
            }
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("calendar built in \(buildTime) (\(clock.firstDay) … \(clock.lastDay))")
            print("\(self.count) evaluations in \(String(format: "%.3f", seconds)) s: \(Int(Double(self.count) / seconds)) per second on one core (checksum \(checksum))")
        }
    }
}

/// A small, fast, seedable generator so that every run measures the same data.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
