import Foundation
import Logging
import PactaApp
import PactaCore
import PactaStore
import ServiceLifecycle

/// Pacta's hourly chores, safe with several instances: deletes expired sessions and spent
/// sign-in counters, and marks agreements whose validity ended as expired, each with its ledger
/// entry (each change locks its agreement and checks again). Pages already show agreements
/// expired by date; this makes the stored state and the ledger say so too.
struct Housekeeping: Service {
    let services: AppServices
    let logger: Logger
    var interval: Duration = .seconds(3600)

    func run() async throws {
        // Sleeping first leaves start-up (and its migrations) alone; shutdown ends the sleep early.
        while (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: self.interval) })) != nil {
            await self.purge()
            await self.expireAgreements()
        }
    }

    func purge() async {
        let now = self.services.now()
        do {
            try await self.services.store.keyValues.purgeExpired(now: now)
            try await self.services.store.loginThrottle.purge(before: now.addingTimeInterval(-3600), now: now)
            try await self.services.store.nps.purgeCooldowns(now: now)
        } catch {
            self.logger.warning("Could not purge expired sessions", metadata: ["error": "\(error)"])
        }
    }

    /// Also run once at start-up, after the migrations.
    func expireAgreements() async {
        do {
            let expired = try await self.services.store.agreements.expire(today: self.services.today, at: self.services.now())
            if !expired.isEmpty { self.logger.info("Agreements expired", metadata: ["agreements": "\(expired.joined(separator: ", "))"]) }
        } catch {
            self.logger.warning("Could not expire agreements", metadata: ["error": "\(error)"])
        }
    }
}

/// Sends the survey e-mails due (invitations, reminders) every `interval`, when a relay is set.
struct SurveyMailService: Service {
    let mailer: SurveyMailer
    let services: AppServices
    var interval: Duration = .seconds(60)

    func run() async throws {
        while (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: self.interval) })) != nil {
            do {
                try await self.mailer.sendDue(now: self.services.now(), today: self.services.today)
            } catch {
                self.mailer.logger.warning("Could not send survey e-mails", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// Writes the requests of the detractor follow-ups opened or changed since they were last
/// written, every `interval`: answers open follow-ups in their own transaction, which leaves the
/// request import (and its lock, and its recount of the months it touches) out of the way of
/// ingestion. A change made on a page or through the API writes its request at once, and so does
/// opening a follow-up's page; this catches the rest, whichever instance made them. A follow-up
/// just opened is pending for hours (the time to contact), so a minute late changes no figure.
struct FollowUpRequestsService: Service {
    let services: AppServices
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async throws {
        while (try? await cancelWhenGracefulShutdown({ try await Task.sleep(for: self.interval) })) != nil {
            await self.services.writeFollowUpRequests(logger: self.logger)
        }
    }
}

extension AppServices {
    /// The request `followUp` is, measured now; nil without a unit served. One opened a moment ago
    /// is written first (the service would within a minute).
    func request(of followUp: FollowUp, logger: Logger) async throws -> RequestDetail? {
        guard !followUp.client.isEmpty else { return nil }
        if let detail = try await self.store.requestDetail(provider: followUp.unit, externalRef: followUp.requestRef, at: self.now()) {
            return detail
        }
        await self.writeFollowUpRequests(logger: logger)
        return try await self.store.requestDetail(provider: followUp.unit, externalRef: followUp.requestRef, at: self.now())
    }

    /// Writes every follow-up's request that is due; a failure is logged and left for the next round.
    func writeFollowUpRequests(logger: Logger) async {
        do {
            while try await self.store.followUps.writeRequests(at: self.now(), timeZone: self.timeZone) > 0 {}
        } catch {
            logger.warning("Could not write the requests of detractor follow-ups", metadata: ["error": "\(error)"])
        }
    }
}
