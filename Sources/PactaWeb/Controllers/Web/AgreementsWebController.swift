import Foundation
import Hummingbird
import HummingbirdAuth
import PactaApp
import PactaCore
import PactaStore

/// Agreement pages: the publication, the list, one agreement, its versions and their canonical
/// documents, the form, the signing page and the lifecycle buttons.
struct AgreementsWebController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group().add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get("published", use: self.published)
        read.get("agreements", use: self.list)
        read.get("agreements/:code", use: self.show)
        read.get("agreements/:code/versions/:version", use: self.version)
        read.get("agreements/:code/versions/:version/document.json", use: self.document)
        read.get("agreements/:code/compliance.csv", use: self.complianceCSV)
        let edit = group.group("agreements").add(middleware: RequireRoleMiddleware(Role.editors))
        edit.get("new", use: self.newForm)
        edit.post(use: self.create)
        edit.get(":code/edit", use: self.editForm)
        edit.post(":code", use: self.update)
        edit.post(":code/calendars", use: self.reviseCalendars)
        edit.post(":code/submit", use: self.submit)
        edit.post(":code/terminate", use: self.terminate)
        let sign = group.group("agreements").add(middleware: RequireRoleMiddleware(Role.signers))
        sign.get(":code/sign", use: self.signPage)
        sign.post(":code/sign", use: self.sign)
    }

    /// The agreements in force and those signed to start later, with the ledger's head to keep.
    /// The agreements in force, each with its compliance in its latest review period (the last
    /// one ended, or the first while none has): searched, filtered and ten to a page.
    @Sendable func published(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let parameters = request.uri.queryParameters
        let query = PublishedPage.Query(
            text: (parameters.get("q") ?? "").trimmed,
            provider: parameters.get("provider") ?? "",
            client: parameters.get("client") ?? "",
            status: parameters.get("status").flatMap(ComplianceStatus.init(rawValue:)),
            page: parameters.get("page").flatMap(Int.init) ?? 1
        )
        let store = self.services.store
        let today = self.services.today
        let publication = try await store.agreements.published(on: today)
        var statuses: [String: AgreementPeriodCompliance] = [:]
        for published in publication.inForce {
            guard let record = try await store.agreements.get(published.agreement.code, visibleTo: nil) else { continue }
            statuses[published.agreement.code] = try await self.services.compliance(
                of: record,
                period: Period.latestEnded(of: record.measured.terms, today: today)
            )
        }
        let page = PublishedPage(
            publication,
            statuses: statuses,
            query: query,
            ledgerHead: try await self.services.store.ledger.head(),
            messages: self.services.renderer.messages(context.language),
            timeZone: self.services.timeZone
        )
        return self.services.renderer.render(page, titleKey: "published.title", section: "published", request: request, context: context)
    }

    /// `?state=` filters by state; `?to_sign=1` lists those awaiting the reader's signature
    /// (the navigation's "To sign").
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let toSign = request.uri.queryParameters.get("to_sign") != nil ? Set(context.awaitingSignature.map(\.code)) : nil
        let page = AgreementsPage(
            try await self.services.store.agreements.list(visibleTo: try context.actor),
            state: request.uri.queryParameters.get("state").flatMap(AgreementState.init(rawValue:)),
            toSign: toSign,
            today: self.services.today,
            messages: self.services.renderer.messages(context.language),
            timeZone: self.services.timeZone
        )
        return self.services.renderer.render(
            page,
            titleKey: toSign == nil ? "agreements.title" : "to_sign.title",
            section: toSign == nil ? "agreements" : "toSign",
            request: request,
            context: context
        )
    }

    /// The agreement's compliance in each review period, as on its page.
    @Sendable func complianceCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        let history = try await self.services.complianceHistory(of: code, for: try context.actor)
        return Response.csvAttachment(ComplianceExport.agreementsCSV(history), named: "\(code)-compliance.csv")
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        let actor = try context.actor
        let store = self.services.store
        guard let record = try await store.agreements.get(code, visibleTo: actor) else { throw NotFoundError("agreement", code) }
        let terms = record.agreement.terms
        let page = AgreementPage(
            record,
            by: actor,
            takesPart: actor.takesPart(provider: terms.provider, client: terms.client, in: try await store.units.tree()),
            changedCalendars: record.agreement.calendarsChanged(comparedWith: try await store.calendars.list()),
            compliance: try await self.services.complianceHistory(of: code, for: actor),
            today: self.services.today,
            messages: self.services.renderer.messages(context.language),
            timeZone: self.services.timeZone
        )
        return self.services.renderer.render(
            AgreementPage.template,
            title: terms.title,
            section: "agreements",
            page: page,
            request: request,
            context: context
        )
    }

    @Sendable func version(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let (code, number) = try Self.versionKey(context)
        let actor = try context.actor
        guard let stored = try await self.services.store.agreements.version(code, number, visibleTo: actor),
            let record = try await self.services.store.agreements.get(code, visibleTo: actor)
        else { throw NotFoundError("version", code) }
        let page = try AgreementVersionPage(
            stored,
            code: code,
            number: number,
            signatures: record.versions.first { $0.version == number }?.signatures ?? [],
            messages: self.services.renderer.messages(context.language),
            timeZone: self.services.timeZone
        )
        return self.services.renderer.render(
            AgreementVersionPage.template,
            title: page.title,
            section: "agreements",
            page: page,
            request: request,
            context: context
        )
    }

    /// The version's document exactly as stored and signed: `sha256sum` of the file is its hash.
    @Sendable func document(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (code, number) = try Self.versionKey(context)
        guard let stored = try await self.services.store.agreements.version(code, number, visibleTo: try context.actor) else {
            throw NotFoundError("version", code)
        }
        return CanonicalDocument.response(stored, code: code, attachment: true)
    }

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let today = self.services.today
        let unit = try context.user.unit
        let form = AgreementForm(
            code: "",
            terms: AgreementTerms(
                title: "",
                provider: unit,
                client: "",
                validFrom: today,
                validTo: LocalDate(year: today.year + 1, month: today.month, day: 1)!.adding(days: -1)
            )
        )
        return try await self.render(form: form, isNew: true, issues: [], request: request, context: context)
    }

    @Sendable func editForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        let actor = try context.actor
        guard let record = try await self.services.store.agreements.get(code, visibleTo: actor) else { throw NotFoundError("agreement", code) }
        let terms = record.agreement.terms
        guard actor.takesPart(provider: terms.provider, client: terms.client, in: try await self.services.store.units.tree()) else {
            throw ScopeError("\(actor.username) acts for \(actor.unit); agreement \(code) is between \(terms.provider) and \(terms.client).")
        }
        let form = AgreementForm(code: code, terms: terms)
        return try await self.render(
            form: form,
            isNew: false,
            issues: [],
            request: request,
            context: context,
            willCreateVersion: !record.agreement.signatures.isEmpty,
            partiesFixed: record.agreement.partiesAreFixed
        )
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try context.actor
        return try await self.save(AgreementForm(context.form), isNew: true, request: request, context: context) { form, terms in
            _ = try await self.services.store.agreements.create(code: form.code, terms: terms, by: actor, at: self.services.now())
            return "flash.agreement_saved"
        }
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        let actor = try context.actor
        var form = AgreementForm(context.form)
        form.code = code
        do {
            return try await self.save(form, isNew: false, request: request, context: context) { form, terms in
                let (_, revision) = try await self.services.store.agreements.revise(
                    code,
                    terms: terms,
                    by: actor,
                    at: self.services.now(),
                    today: self.services.today
                )
                return revision == .inPlace ? "flash.agreement_saved" : "flash.agreement_new_version"
            }
        } catch let error as AgreementError {
            context.flash("errors.\(error.reason.rawValue)", error: true)
            return redirect("/agreements/\(code)")
        }
    }

    /// Saves the posted form through `write` (which names the flash to show) and goes to the
    /// agreement; or shows the form again, keeping what was typed: with one more commitment row
    /// when that was asked, with every problem otherwise.
    private func save(
        _ form: AgreementForm,
        isNew: Bool,
        request: Request,
        context: AppRequestContext,
        write: (AgreementForm, AgreementTerms) async throws -> String
    ) async throws -> Response {
        var form = form
        func again(_ issues: [FieldIssue]) async throws -> Response {
            // Read only to show the form again: a saved form needs none of it.
            let record = isNew ? nil : try await self.services.store.agreements.get(form.code, visibleTo: try context.actor)
            return try await self.render(
                form: form,
                isNew: isNew,
                issues: issues,
                request: request,
                context: context,
                willCreateVersion: !(record?.agreement.signatures.isEmpty ?? true),
                partiesFixed: record?.agreement.partiesAreFixed ?? false
            )
            .response(from: request, context: context)
        }
        if form.addsCommitment {
            form.rows.append(AgreementForm.Row())
            return try await again([])
        }
        do {
            guard let terms = form.terms, form.issues.isEmpty else { throw ValidationError(form.issues) }
            context.flash(try await write(form, terms))
            return redirect("/agreements/\(form.code)")
        } catch let error as ValidationError {
            return try await again(form.issues + error.issues.map(form.formIssue).filter { !form.issues.contains($0) })
        }
    }

    /// Writes the calendars as they are now into the agreement: in place while nobody signed, as
    /// a new version to sign otherwise.
    @Sendable func reviseCalendars(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try context.actor
        return try await self.action(context) { code in
            guard let record = try await self.services.store.agreements.get(code, visibleTo: actor) else { throw NotFoundError("agreement", code) }
            let (_, revision) = try await self.services.store.agreements.revise(
                code,
                terms: record.agreement.terms,
                by: actor,
                at: self.services.now(),
                today: self.services.today
            )
            return revision == .inPlace ? "flash.calendars_updated" : "flash.calendars_new_version"
        }
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try context.actor
        return try await self.action(context) { code in
            _ = try await self.services.store.agreements.submit(code, by: actor, at: self.services.now(), today: self.services.today)
            return "flash.agreement_submitted"
        }
    }

    @Sendable func terminate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reason = context.form.text("reason")
        let actor = try context.actor
        return try await self.action(context) { code in
            let agreement = try await self.services.store.agreements.terminate(
                code,
                reason: reason,
                by: actor,
                at: self.services.now(),
                today: self.services.today
            )
            return agreement.signedVersion == nil ? "flash.agreement_cancelled" : "flash.agreement_terminated"
        }
    }

    /// What the signer reads before signing: the version, its terms, its hash, and the
    /// confirmation that binds the signature to exactly them.
    @Sendable func signPage(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        guard let record = try await self.services.store.agreements.get(code, visibleTo: try context.actor) else {
            throw NotFoundError("agreement", code)
        }
        return try self.signForm(record, request: request, context: context)
    }

    /// Signs the version and hash the signer read and confirmed. If the agreement changed while
    /// they read, nothing is signed: the page shows the current version to read again (409).
    @Sendable func sign(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        let actor = try context.actor
        let form = context.form
        guard let record = try await self.services.store.agreements.get(code, visibleTo: actor) else { throw NotFoundError("agreement", code) }
        guard form["confirm"] != nil else {
            return try self.signForm(
                record,
                request: request,
                context: context,
                problem: "errors.confirmation_required",
                status: .unprocessableContent
            )
            .response(from: request, context: context)
        }
        let shown = Agreement.Shown(version: Int(form.text("version")) ?? 0, sha256: form.text("sha256"))
        do {
            let signed = try await self.services.store.agreements.sign(
                code,
                shown: shown,
                by: actor,
                at: self.services.now(),
                today: self.services.today
            )
            context.flash(Self.signedFlash(signed, today: self.services.today), error: false)
            return redirect("/agreements/\(code)")
        } catch let error as AgreementError where error.reason == .versionChanged {
            guard let current = try await self.services.store.agreements.get(code, visibleTo: actor) else { throw NotFoundError("agreement", code) }
            return try self.signForm(current, request: request, context: context, problem: "errors.version_changed", status: .conflict)
                .response(from: request, context: context)
        } catch let error as AgreementError {
            context.flash("errors.\(error.reason.rawValue)", error: true)
            return redirect("/agreements/\(code)")
        }
    }

    /// What signing achieved: still waiting for the other side, in force and published now, or
    /// signed and in force from its first day.
    static func signedFlash(_ agreement: Agreement, today: LocalDate) -> String {
        switch agreement.state(on: today) {
        case .active: "flash.agreement_signed_active"
        case .signed: "flash.agreement_signed_upcoming"
        default: "flash.agreement_signed_waiting"
        }
    }

    private func signForm(
        _ record: AgreementRecord,
        request: Request,
        context: AppRequestContext,
        problem: String? = nil,
        status: HTTPResponse.Status = .ok
    ) throws -> HTML {
        let page = AgreementSignPage(
            record,
            by: try context.actor,
            today: self.services.today,
            problem: problem,
            messages: self.services.renderer.messages(context.language),
            timeZone: self.services.timeZone
        )
        return self.services.renderer.render(
            page,
            titleKey: "sign.title",
            section: "agreements",
            request: request,
            context: context,
            status: status
        )
    }

    /// Runs a lifecycle action and returns to the agreement with the message it chose, or the error.
    private func action(_ context: AppRequestContext, _ body: (String) async throws -> String) async throws -> Response {
        let code = try context.parameters.require("code")
        do {
            context.flash(try await body(code))
        } catch let error as AgreementError {
            context.flash("errors.\(error.reason.rawValue)", error: true)
        } catch let error as ValidationError {
            context.flash("errors.\(error.issues.first?.code ?? "required")", error: true)
        }
        return redirect("/agreements/\(code)")
    }

    private static func versionKey(_ context: AppRequestContext) throws -> (String, Int) {
        let code = try context.parameters.require("code")
        guard let number = Int(try context.parameters.require("version")) else { throw NotFoundError("version", code) }
        return (code, number)
    }

    private func render(
        form: AgreementForm,
        isNew: Bool,
        issues: [FieldIssue],
        request: Request,
        context: AppRequestContext,
        willCreateVersion: Bool = false,
        partiesFixed: Bool = false
    ) async throws -> HTML {
        let page = AgreementFormPage(
            form,
            isNew: isNew,
            errors: self.services.renderer.fieldErrors(issues, language: context.language, form: "agreement_form"),
            units: try await self.services.store.units.list(),
            calendars: try await self.services.store.calendars.list(),
            willCreateVersion: willCreateVersion,
            partiesFixed: partiesFixed,
            messages: self.services.renderer.messages(context.language)
        )
        return self.services.renderer.render(
            page,
            titleKey: isNew ? "agreement_form.new_title" : "agreement_form.edit_title",
            section: "agreements",
            request: request,
            context: context,
            status: issues.isEmpty ? .ok : .unprocessableContent
        )
    }
}
