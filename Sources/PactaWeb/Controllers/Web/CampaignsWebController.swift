import Foundation
import Hummingbird
import HummingbirdAuth
import PactaApp
import PactaCore
import PactaStore

/// Campaign pages: the list, one campaign with its results, the form, the lifecycle buttons,
/// and the links of invitations for a mail merge.
struct CampaignsWebController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group("campaigns").add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get(use: self.list)
        read.get(":code", use: self.show)
        read.get(":code/results.csv", use: self.resultsCSV)
        let run = group.group("campaigns").add(middleware: RequireRoleMiddleware(Role.editors))
        run.get("new", use: self.newForm)
        run.post(use: self.create)
        run.get(":code/edit", use: self.editForm)
        run.post(":code", use: self.update)
        run.post(":code/open", use: self.open)
        run.post(":code/close", use: self.close)
        run.post(":code/links", use: self.links)
        run.post(":code/links.csv", use: self.linksCSV)
        run.get(":code/import", use: self.importForm)
        run.post(":code/import", use: self.importAnswers)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let actor = try context.actor
        let page = CampaignsPage(
            try await self.services.store.campaigns.list(visibleTo: actor),
            mayRun: Role.editors.contains(actor.role),
            today: self.services.today,
            messages: self.services.renderer.messages(context.language)
        )
        return self.services.renderer.render(page, titleKey: "campaigns.title", section: "campaigns", request: request, context: context)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        let actor = try context.actor
        let store = self.services.store
        guard let results = try await store.campaigns.results(code, visibleTo: actor, k: self.services.surveyMinimumAnswers) else {
            throw NotFoundError("campaign", code)
        }
        let campaign = results.campaign
        let tree = try await store.units.tree()
        let page = CampaignPage(
            results,
            trend: try await store.campaigns.trend(of: results),
            mayRun: Role.editors.contains(actor.role) && actor.reaches(campaign.unit, in: tree),
            mail: self.services.sendsMail ? try await store.campaigns.mailCounts(code) : nil,
            today: self.services.today,
            language: context.language,
            messages: self.services.renderer.messages(context.language)
        )
        return self.services.renderer.render(
            CampaignPage.template,
            title: campaign.title,
            section: "campaigns",
            page: page,
            request: request,
            context: context
        )
    }

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let actor = try context.actor
        // The period of the cadence most of the reader's agreements are reviewed on.
        let tree = try await self.services.store.units.tree()
        var cadences: [Cadence: Int] = [:]
        for summary in try await self.services.store.agreements.list(visibleTo: actor)
        where summary.signedVersion != nil && actor.reaches(summary.provider, in: tree) {
            if let record = try await self.services.store.agreements.get(summary.code, visibleTo: actor) {
                cadences[record.measured.terms.cadence, default: 0] += 1
            }
        }
        let cadence = cadences.max { $0.value < $1.value }?.key ?? .monthly
        let form = CampaignForm(unit: actor.unit, cadence: cadence, today: self.services.today)
        return try await self.render(form, isNew: true, issues: [], request: request, context: context)
    }

    @Sendable func editForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        guard let campaign = try await self.services.store.campaigns.get(code) else { throw NotFoundError("campaign", code) }
        return try await self.render(CampaignForm(campaign), isNew: false, issues: [], request: request, context: context)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try context.actor
        return try await self.save(CampaignForm(context.form), isNew: true, request: request, context: context) { draft in
            try await self.services.store.campaigns.create(draft, by: actor, at: self.services.now())
        }
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try context.actor
        var form = CampaignForm(context.form)
        form.code = try context.parameters.require("code")
        return try await self.save(form, isNew: false, request: request, context: context) { draft in
            try await self.services.store.campaigns.update(draft, by: actor)
        }
    }

    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try context.actor
        return try await self.action(context) { code in
            try await self.services.store.campaigns.open(code, by: actor, at: self.services.now())
            return "flash.campaign_opened"
        }
    }

    @Sendable func close(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try context.actor
        return try await self.action(context) { code in
            try await self.services.store.campaigns.close(code, by: actor, at: self.services.now())
            return "flash.campaign_closed"
        }
    }

    /// Fresh links to every invitation not used yet, shown once.
    @Sendable func links(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        let links = try await self.services.store.campaigns.issueLinks(code, by: try context.actor, at: self.services.now())
        let page = CampaignLinksPage(links, campaign: code, publicURL: self.services.publicURL)
        return self.services.renderer.render(page, titleKey: "campaign_links.title", section: "campaigns", request: request, context: context)
    }

    /// The same as CSV for a mail merge: agreement, person, address, link.
    @Sendable func linksCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        let links = try await self.services.store.campaigns.issueLinks(code, by: try context.actor, at: self.services.now())
        var csv = "agreement,provider,rater,email,link\r\n"
        for link in links {
            let fields = [link.agreement, link.providerName, link.rater, link.email ?? "", "\(self.services.publicURL)/s/\(link.token)"]
            csv += fields.map(CSVField.escape).joined(separator: ",") + "\r\n"
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(code)-links.csv\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: csv))
        )
    }

    /// The results as on the page, one row per group (``CampaignExport/resultsCSV(_:)``).
    @Sendable func resultsCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        guard
            let results = try await self.services.store.campaigns.results(
                code,
                visibleTo: try context.actor,
                k: self.services.surveyMinimumAnswers
            )
        else { throw NotFoundError("campaign", code) }
        return Response.csvAttachment(CampaignExport.resultsCSV(results), named: "\(code)-results.csv")
    }

    @Sendable func importForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let campaign = try await self.runnable(context)
        let page = CampaignImportPage(campaign, form: ImportPage(), language: context.language)
        return self.services.renderer.render(page, titleKey: "campaign_import.title", section: "campaigns", request: request, context: context)
    }

    /// Takes the CSV from the uploaded file, or else from the text area; every row must belong to this campaign.
    @Sendable func importAnswers(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let campaign = try await self.runnable(context)
        let upload = ImportUpload(context.form)
        let report = try await self.services.store.campaigns.importAnswers(
            bytes: upload.bytes,
            into: campaign.code,
            skipInvalid: upload.skipInvalid,
            by: try context.actor,
            today: self.services.today
        )
        let form = ImportPage(upload, report: report, messages: self.services.renderer.messages(context.language))
        return self.services.renderer.render(
            CampaignImportPage(campaign, form: form, language: context.language),
            titleKey: "campaign_import.title",
            section: "campaigns",
            request: request,
            context: context,
            status: report.status
        )
    }

    /// The campaign of the path, when the reader may run it.
    private func runnable(_ context: AppRequestContext) async throws -> Campaign {
        let code = try context.parameters.require("code")
        let actor = try context.actor
        guard let campaign = try await self.services.store.campaigns.get(code, visibleTo: actor) else { throw NotFoundError("campaign", code) }
        guard actor.reaches(campaign.unit, in: try await self.services.store.units.tree()) else {
            throw ScopeError("Campaigns of \(campaign.unit) are run by its managers; \(actor.username) acts for \(actor.unit).", field: "unit")
        }
        return campaign
    }

    /// Saves the posted form through `write` and goes to the campaign; or shows the form again,
    /// keeping what was typed: with one more attribute row when asked, with every problem otherwise.
    private func save(
        _ form: CampaignForm,
        isNew: Bool,
        request: Request,
        context: AppRequestContext,
        write: (CampaignDraft) async throws -> Campaign
    ) async throws -> Response {
        var form = form
        if form.addsAttribute {
            form.attributes.append(CampaignForm.Attribute())
            return try await self.render(form, isNew: isNew, issues: [], request: request, context: context).response(from: request, context: context)
        }
        do {
            let campaign = try await write(try form.draft().get())
            context.flash(isNew ? "flash.campaign_created" : "flash.campaign_saved")
            return redirect("/campaigns/\(campaign.code)")
        } catch let error as ValidationError {
            return try await self.render(form, isNew: isNew, issues: error.issues.map(Self.formIssue), request: request, context: context)
                .response(from: request, context: context)
        }
    }

    /// The store names the questionnaire's fields under `questionnaire.`, the form by row.
    static func formIssue(_ issue: FieldIssue) -> FieldIssue {
        var issue = issue
        if issue.field.hasPrefix("questionnaire.") { issue.field.removeFirst("questionnaire.".count) }
        issue.field = issue.field.replacingOccurrences(of: ".label.", with: ".")
        if issue.field.hasPrefix("agreements[") { issue.field = "agreements" }
        if issue.field.hasPrefix("guests[") { issue.field = "guests" }
        return issue
    }

    private func render(_ form: CampaignForm, isNew: Bool, issues: [FieldIssue], request: Request, context: AppRequestContext) async throws -> HTML {
        let actor = try context.actor
        let store = self.services.store
        let units = try await store.units.list()
        let tree = UnitTree(units)
        let candidates = try await store.agreements.list(visibleTo: actor).filter {
            $0.signedVersion != nil && $0.state != .terminated && actor.reaches($0.provider, in: tree)
        }.sorted { $0.code < $1.code }
        let page = CampaignFormPage(
            form,
            isNew: isNew,
            units: units.filter { actor.reaches($0.code, in: tree) },
            candidates: candidates,
            errors: self.services.renderer.fieldErrors(issues, language: context.language, form: "campaign_form")
        )
        return self.services.renderer.render(
            page,
            titleKey: isNew ? "campaign_form.new_title" : "campaign_form.edit_title",
            section: "campaigns",
            request: request,
            context: context,
            status: issues.isEmpty ? .ok : .unprocessableContent
        )
    }

    /// Runs a lifecycle action and returns to the campaign with the message it chose, or the error.
    private func action(_ context: AppRequestContext, _ body: (String) async throws -> String) async throws -> Response {
        let code = try context.parameters.require("code")
        do {
            context.flash(try await body(code))
        } catch let error as ValidationError {
            context.flash("errors.\(error.issues.first?.code ?? "invalid")", error: true)
        }
        return redirect("/campaigns/\(code)")
    }
}
