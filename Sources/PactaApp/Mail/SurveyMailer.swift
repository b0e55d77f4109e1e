import Foundation
import Logging
import PactaCore
import PactaStore

/// Sends the invitations and reminders of open campaigns through the SMTP relay, in Spanish then
/// English (Pacta does not know a guest's language). Each e-mail is claimed in the database
/// before it is sent, so that two instances never send it twice; one the relay refused for
/// certain is given back and tried again on the next round.
public struct SurveyMailer: Sendable {
    public let store: Store
    public let client: SMTPClient
    /// Where people reach Pacta: the links start with it.
    public let publicURL: String
    public let logger: Logger

    public init(store: Store, client: SMTPClient, publicURL: String, logger: Logger) {
        self.store = store
        self.client = client
        self.publicURL = publicURL
        self.logger = logger
    }

    /// Sends everything due now, batch by batch.
    /// - Returns: how many e-mails the relay took, and how many it refused.
    @discardableResult
    public func sendDue(now: Date, today: LocalDate) async throws -> (sent: Int, failed: Int) {
        var (sent, failed) = (0, 0)
        while true {
            let mails = try await self.store.campaigns.claimMail(now: now, today: today)
            guard !mails.isEmpty else { break }
            let failures: [Int: SMTPError]
            do {
                failures = try await self.client.send(mails.map(self.message))
            } catch {
                // Not even connected: nothing went out; every claim goes back for the next round.
                for mail in mails { try await self.store.campaigns.release(mail) }
                throw error
            }
            for (index, error) in failures {
                self.logger.warning("Survey e-mail not sent", metadata: ["to": "\(mails[index].email)", "error": "\(error)"])
                if !error.mayHaveBeenSent { try await self.store.campaigns.release(mails[index]) }
            }
            sent += mails.count - failures.count
            failed += failures.count
            // What was refused waits for the next round rather than being claimed again at once.
            if !failures.isEmpty { break }
        }
        if sent + failed > 0 { self.logger.info("Survey e-mails", metadata: ["sent": "\(sent)", "failed": "\(failed)"]) }
        return (sent, failed)
    }

    /// The e-mail of `mail`: who asks, about what, until when, and the personal link.
    func message(_ mail: SurveyMail) -> MailMessage {
        let link = "\(self.publicURL)/s/\(mail.token)"
        let reminder = mail.kind == .reminder
        let greeting = mail.name.map { " \($0)" } ?? ""
        let subject =
            (reminder ? "Recordatorio: " : "") + "¿Cómo le atiende \(mail.providerName)? · " + (reminder ? "Reminder: " : "")
            + "How does \(mail.providerName) serve you?"
        let body = """
            Hola\(greeting):

            \(reminder ? "Aún esperamos su opinión. " : "")\(mail.providerName) le pide su opinión sobre el servicio «\(mail.agreementTitle)» \
            (\(mail.campaignTitle)). Son unas pocas preguntas y toma dos minutos. La encuesta es anónima: su respuesta se guarda sin su nombre.

            Responda aquí hasta el \(mail.closesOn). El enlace es personal y sirve una sola vez:
            \(link)

            ---

            Hello\(greeting),

            \(reminder ? "We are still waiting for your view. " : "")\(mail.providerName) asks for your view of the service "\(mail.agreementTitle)" \
            (\(mail.campaignTitle)). It is a few questions and takes two minutes. The survey is anonymous: your answer is stored without your name.

            Answer here by \(mail.closesOn). The link is yours and works once:
            \(link)

            Pacta
            """
        return MailMessage(to: mail.email, subject: subject, body: body)
    }
}
