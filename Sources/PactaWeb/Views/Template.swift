/// Every template of `templates/`, pages and the partials they include. The renderer loads them
/// all at start-up and refuses to start when one is missing, so no page can meet a missing one.
public enum Template: String, CaseIterable, Sendable {
    case account
    case agreement
    case agreementCalendars = "agreement-calendars"
    case agreementCard = "agreement-card"
    case agreementCommitments = "agreement-commitments"
    case agreementForm = "agreement-form"
    case agreementIndicators = "agreement-indicators"
    case agreementSign = "agreement-sign"
    case agreementSignatures = "agreement-signatures"
    case agreementTerms = "agreement-terms"
    case agreementVersion = "agreement-version"
    case agreements
    case calendarForm = "calendar-form"
    case campaign
    case campaignFigures = "campaign-figures"
    case campaignForm = "campaign-form"
    case campaignImport = "campaign-import"
    case campaignLinks = "campaign-links"
    case campaigns
    case dashboard
    case calendars
    case csrf
    case error
    case errorSummary = "error-summary"
    case layout
    case login
    case nps
    case npsCommentList = "nps-comment-list"
    case npsComments = "nps-comments"
    case npsFollowUp = "nps-followup"
    case npsFollowUps = "nps-followups"
    case npsGroups = "nps-groups"
    case npsImport = "nps-import"
    case npsImportReport = "nps-import-report"
    case npsPoster = "nps-poster"
    case npsSupport = "nps-support"
    case npsTouchpoints = "nps-touchpoints"
    case published
    case rate
    case rateDone = "rate-done"
    case request
    case requestEvaluations = "request-evaluations"
    case requests
    case requestsImport = "requests-import"
    case survey
    case surveyOutcome = "survey-outcome"
    case surveys
    case tokens
    case unitForm = "unit-form"
    case units
    case unitsImport = "units-import"
    case userForm = "user-form"
    case users
    case verify
    case warnings
}
