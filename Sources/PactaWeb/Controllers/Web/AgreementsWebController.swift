import Foundation
import Hummingbird
import HummingbirdAuth
import PactaCore
import PactaStore

/// Agreement pages: the publication, the list, one agreement, its versions, the form and the lifecycle buttons.
struct AgreementsWebController: Sendable {
    let services: AppServices

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        let read = group.group().add(middleware: RequireRoleMiddleware(Role.everyone))
        read.get("published", use: self.published)
        read.get("agreements", use: self.list)
        read.get("agreements/:code", use: self.show)
        read.get("agreements/:code/versions/:version", use: self.version)
        let edit = group.group("agreements").add(middleware: RequireRoleMiddleware(Role.editors))
        edit.get("new", use: self.newForm)
        edit.post(use: self.create)
        edit.get(":code/edit", use: self.editForm)
        edit.post(":code", use: self.update)
        edit.post(":code/submit", use: self.submit)
        edit.post(":code/terminate", use: self.terminate)
        group.group("agreements").add(middleware: RequireRoleMiddleware(Role.signers)).post(":code/sign", use: self.sign)
    }

    private func views(_ context: AppRequestContext) -> AgreementViews {
        AgreementViews(messages: self.services.renderer.messages(context.language), timeZone: self.services.timeZone)
    }

    @Sendable func published(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let views = self.views(context)
        let cards = try await self.services.store.agreements.published(on: self.services.today).map {
            views.card($0.agreement, providerName: $0.providerName, clientName: $0.clientName)
        }
        return self.services.renderer.render(
            "published", titleKey: "published.title", section: "published",
            page: ["agreements": cards, "empty": cards.isEmpty], request: request, context: context
        )
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let today = self.services.today
        let views = self.views(context)
        let messages = self.services.renderer.messages(context.language)
        let filter = request.uri.queryParameters.get("state").flatMap(AgreementState.init(rawValue:))
        let rows: [[String: Any]] = try await self.services.store.agreements.list()
            .filter { filter == nil || $0.state(on: today) == filter }
            .map { summary in
                let state = summary.state(on: today)
                return [
                    "code": summary.code, "href": "/agreements/\(summary.code)", "title": summary.title,
                    "provider": summary.provider, "providerName": summary.providerName,
                    "client": summary.client, "clientName": summary.clientName,
                    "stateLabel": messages.text("states.\(state.rawValue)", or: state.rawValue),
                    "stateClass": views.stateClass(state), "version": summary.version,
                    "validFrom": summary.validFrom.description, "validTo": summary.validTo.description,
                ]
            }
        let states = options(AgreementState.allCases, selected: { $0 == filter }) {
            ["value": $0.rawValue, "label": messages.text("states.\($0.rawValue)", or: $0.rawValue)]
        }
        return self.services.renderer.render(
            "agreements", titleKey: "agreements.title", section: "agreements",
            page: ["rows": rows, "states": states, "empty": rows.isEmpty], request: request, context: context
        )
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        guard let record = try await self.services.store.agreements.get(code) else { throw NotFoundError("agreement", code) }
        let user = try context.user
        let today = self.services.today
        let agreement = record.agreement
        let state = agreement.state(on: today)
        let views = self.views(context)
        let messages = self.services.renderer.messages(context.language)
        var page = views.card(agreement, providerName: record.providerName, clientName: record.clientName)
        page["summary"] = agreement.terms.summary
        page["stateLabel"] = messages.text("states.\(state.rawValue)", or: state.rawValue)
        page["stateClass"] = views.stateClass(state)
        page["terminationReason"] = agreement.terminationReason
        page["sha256"] = agreement.document.sha256
        page["indicatorsHref"] = "/agreements/\(code)/indicators"
        page["pendingSides"] =
            state == .pendingSignatures
            ? Side.allCases.filter { agreement.signature(of: $0) == nil }.map { messages.text("sides.\($0.rawValue)", or: $0.rawValue) } : []
        page["versions"] = record.versions.reversed().map { version -> [String: Any] in
            [
                "version": version.version, "href": "/agreements/\(code)/versions/\(version.version)",
                "supersedes": version.supersedes.map(String.init) ?? "", "createdBy": version.createdBy,
                "createdAt": Format.instant(version.createdAt, in: self.services.timeZone),
                "isCurrent": version.version == agreement.version, "signatureCount": version.signatures.count,
            ]
        }
        let canEdit = Role.editors.contains(user.role)
        if canEdit && state.isOpen { page["editHref"] = "/agreements/\(code)/edit" }
        if canEdit && state == .draft { page["submitAction"] = "/agreements/\(code)/submit" }
        if canEdit && state.isOpen { page["terminateAction"] = "/agreements/\(code)/terminate" }
        if state == .pendingSignatures, Role.signers.contains(user.role) {
            let side: Side? = user.unit == agreement.terms.provider ? .provider : user.unit == agreement.terms.client ? .client : nil
            if let side, agreement.signature(of: side) == nil {
                page["signAction"] = "/agreements/\(code)/sign"
                page["signSideLabel"] = messages.text("sides.\(side.rawValue)", or: side.rawValue)
            }
        }
        return self.services.renderer.render("agreement", title: agreement.terms.title, section: "agreements", page: page, request: request, context: context)
    }

    @Sendable func version(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        guard let number = Int(try context.parameters.require("version")),
            let document = try await self.services.store.agreements.document(code, version: number),
            let record = try await self.services.store.agreements.get(code)
        else { throw NotFoundError("version", code) }
        let encoder = PactaJSON.encoder
        encoder.outputFormatting.insert(.prettyPrinted)
        let signatures = record.versions.first { $0.version == number }?.signatures ?? []
        let page: [String: Any] = [
            "code": code, "title": document.terms.title, "version": number, "sha256": document.sha256,
            "document": String(decoding: try encoder.encode(document), as: UTF8.self),
            "signatures": signatures.map(self.views(context).signature), "backHref": "/agreements/\(code)",
        ]
        return self.services.renderer.render("agreement-version", title: document.terms.title, section: "agreements", page: page, request: request, context: context)
    }

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let today = self.services.today
        let form = AgreementForm(
            code: "", terms: AgreementTerms(title: "", provider: "", client: "", validFrom: today, validTo: LocalDate(year: today.year + 1, month: today.month, day: 1)!.adding(days: -1))
        )
        return try await self.render(form: form, isNew: true, issues: [], request: request, context: context)
    }

    @Sendable func editForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = try context.parameters.require("code")
        guard let record = try await self.services.store.agreements.get(code) else { throw NotFoundError("agreement", code) }
        let form = AgreementForm(code: code, terms: record.agreement.terms)
        return try await self.render(form: form, isNew: false, issues: [], request: request, context: context, willCreateVersion: !record.agreement.signatures.isEmpty)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = AgreementForm(context.form)
        do {
            guard let terms = form.terms, form.issues.isEmpty else { throw ValidationError(form.issues) }
            _ = try await self.services.store.agreements.create(code: form.code, terms: terms, by: try context.user.username, at: self.services.now())
            context.flash("flash.agreement_saved")
            return redirect("/agreements/\(form.code)")
        } catch let error as ValidationError {
            return try await self.render(form: form, isNew: true, issues: form.issues + error.issues.filter { !form.issues.contains($0) }, request: request, context: context)
                .response(from: request, context: context)
        }
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        var form = AgreementForm(context.form)
        form.code = code
        do {
            guard let terms = form.terms, form.issues.isEmpty else { throw ValidationError(form.issues) }
            let before = try await self.services.store.agreements.get(code)?.agreement.version
            let after = try await self.services.store.agreements.revise(code, terms: terms, by: try context.user.username, at: self.services.now(), today: self.services.today)
            context.flash(after.version != before ? "flash.agreement_new_version" : "flash.agreement_saved")
            return redirect("/agreements/\(code)")
        } catch let error as ValidationError {
            return try await self.render(form: form, isNew: false, issues: form.issues + error.issues.filter { !form.issues.contains($0) }, request: request, context: context)
                .response(from: request, context: context)
        } catch let error as AgreementError {
            context.flash("errors.\(error.reason.rawValue)", error: true)
            return redirect("/agreements/\(code)")
        }
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await self.action(context, flash: "flash.agreement_submitted") { code in
            _ = try await self.services.store.agreements.submit(code, at: self.services.now(), today: self.services.today)
        }
    }

    @Sendable func sign(_ request: Request, context: AppRequestContext) async throws -> Response {
        let signer = try context.user.signer
        return try await self.action(context, flash: "flash.agreement_signed") { code in
            _ = try await self.services.store.agreements.sign(code, by: signer, at: self.services.now(), today: self.services.today)
        }
    }

    @Sendable func terminate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reason = context.form.text("reason")
        return try await self.action(context, flash: "flash.agreement_terminated") { code in
            _ = try await self.services.store.agreements.terminate(code, reason: reason, at: self.services.now(), today: self.services.today)
        }
    }

    /// Runs a lifecycle action and returns to the agreement with a message saying how it went.
    private func action(_ context: AppRequestContext, flash: String, _ body: (String) async throws -> Void) async throws -> Response {
        let code = try context.parameters.require("code")
        do {
            try await body(code)
            context.flash(flash)
        } catch let error as AgreementError {
            context.flash("errors.\(error.reason.rawValue)", error: true)
        } catch let error as ValidationError {
            context.flash("errors.\(error.issues.first?.code ?? "required")", error: true)
        }
        return redirect("/agreements/\(code)")
    }

    private func render(
        form: AgreementForm, isNew: Bool, issues: [FieldIssue], request: Request, context: AppRequestContext,
        willCreateVersion: Bool = false
    ) async throws -> HTML {
        let messages = self.services.renderer.messages(context.language)
        let units = try await self.services.store.units.list()
        let calendars = try await self.services.store.calendars.list()
        let (errors, errorList) = self.services.renderer.fieldErrors(issues, language: context.language)
        var rows = form.rows
        while rows.count < form.rows.filter({ !$0.isBlank }).count + 2 { rows.append(AgreementForm.Row()) }
        let commitments = rows.enumerated().map { index, row -> [String: Any] in
            var rowErrors: [String: String] = [:]
            for (field, message) in errors where field.hasPrefix("commitments[\(index)].") {
                // `priorities[1]` is shown under the priorities field.
                let name = field.dropFirst("commitments[\(index)].".count).prefix { $0 != "[" }
                rowErrors[String(name)] = rowErrors[String(name)] ?? message
            }
            return [
                "index": index, "key": row.key, "name": row.name, "target": row.target, "goal": row.goal,
                "weight": row.weight, "priorities": row.priorities, "errors": rowErrors,
                "metrics": options(Metric.allCases, selected: { $0.rawValue == row.metric }) {
                    ["value": $0.rawValue, "label": messages.text("metrics.\($0.rawValue)", or: $0.rawValue)]
                },
                "calendars": options(calendars, selected: { $0.code == row.calendar }) { ["code": $0.code, "name": $0.name] },
            ]
        }
        let page: [String: Any] = [
            "isNew": isNew, "action": isNew ? "/agreements" : "/agreements/\(form.code)",
            "code": form.code, "title": form.title, "summary": form.summary,
            "validFrom": form.validFrom, "validTo": form.validTo,
            "cadences": options(Cadence.allCases, selected: { $0.rawValue == form.cadence }) {
                ["value": $0.rawValue, "label": messages.text("cadences.\($0.rawValue)", or: $0.rawValue)]
            },
            "providers": options(units, selected: { $0.code == form.provider }) { ["code": $0.code, "name": $0.name] },
            "clients": options(units, selected: { $0.code == form.client }) { ["code": $0.code, "name": $0.name] },
            "commitments": commitments, "errors": errors, "errorList": errorList, "willCreateVersion": willCreateVersion,
        ]
        return self.services.renderer.render(
            "agreement-form", titleKey: isNew ? "agreement_form.new_title" : "agreement_form.edit_title", section: "agreements",
            page: page, request: request, context: context, status: issues.isEmpty ? .ok : .unprocessableContent
        )
    }
}
