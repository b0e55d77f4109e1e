import Foundation
import PactaCore

/// The public rating page of a touchpoint: the 0–10 question, the transaction (fixed by the link
/// or chosen), an optional comment. Every problem is shown next to its field in one round.
struct RatingPage: PageModel {
    static let template = Template.rate

    struct Choice: Sendable {
        var id: String
        var value: String
        var label: String
        var selected: Bool
    }

    var action: String
    var touchpointName: String
    var channel: String
    var scores: [Choice]
    /// The transaction named by the link, shown and sent as it is; nil to choose one.
    var fixedTransaction: Choice?
    var transactions: [Choice]
    var comment: String
    var scoreError: String?
    var transactionError: String?
    var commentError: String?
    var hasErrors: Bool

    init(touchpoint: Touchpoint, transactions: [TransactionType], chosen: String?, typed: FormData?, errors: [String: String], messages: Messages) {
        self.action = "/r/\(PageRenderer.percentEncode(touchpoint.code))"
        self.touchpointName = touchpoint.name
        self.channel = NPSPage.channel(touchpoint.channel, messages: messages)
        let score = typed?["score"]
        self.scores = (0...10).map { Choice(id: "f-score-\($0)", value: String($0), label: String($0), selected: score == String($0)) }
        let choices = transactions.map { Choice(id: "t-\($0.code)", value: $0.code, label: $0.name, selected: $0.code == chosen) }
        self.fixedTransaction = typed == nil ? choices.first { $0.value == chosen } : nil
        self.transactions = choices
        self.comment = typed?["comment"] ?? ""
        self.scoreError = errors["score"]
        self.transactionError = errors["transaction"]
        self.commentError = errors["comment"]
        self.hasErrors = !errors.isEmpty
    }
}

/// After rating: thanks, or a note that this device rated the touchpoint a moment ago.
struct RatingDonePage: PageModel {
    static let template = Template.rateDone

    var touchpointName: String
    var thanks: Bool
    var again: String

    init(touchpoint: Touchpoint, thanks: Bool, messages: Messages) {
        self.touchpointName = touchpoint.name
        self.thanks = thanks
        self.again = "/r/\(PageRenderer.percentEncode(touchpoint.code))"
    }
}

/// A touchpoint's poster, to print and put up: the question, a QR code of the rating page and its link.
struct PosterPage: PageModel {
    static let template = Template.npsPoster

    var touchpointName: String
    var code: String
    var transactionName: String?
    var link: String
    var qr: String

    init(touchpoint: Touchpoint, transaction: TransactionType?, publicURL: String, messages: Messages) {
        self.touchpointName = touchpoint.name
        self.code = touchpoint.code
        self.transactionName = transaction?.name
        self.link =
            "\(publicURL)/r/\(PageRenderer.percentEncode(touchpoint.code))" + (transaction.map { "?t=\(PageRenderer.percentEncode($0.code))" } ?? "")
        // A link too long for a QR code is only printed.
        self.qr = QRCode(self.link)?.svg(title: messages.text("poster.qr_label", or: "QR")) ?? ""
    }
}
