// ConsoleRoutes+ItemEditor: the item editor (new, edit, duplicate), its impact preview and save.

import Database
import FleetStore
import Foundation
import HTTPTypes
import Hummingbird
import ManagedOSDomain
import ServiceSupport

extension ConsoleRoutes {
    /// What the editor shows besides the values: field problems, and the impact preview with its warnings.
    struct EditorState {
        var problems: [ItemValidationIssue] = []
        var preview: ItemPreview?
        /// The preview's warnings must be confirmed before saving.
        var needsConfirmation = false
        var message: String?
    }

    /// `?major=` preselects a major; `?duplicate=<id>` copies an item's configuration ("(copy)" label).
    @Sendable func newItem(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        var form = ItemForm()
        form.installationMethod = "continuous"
        form.versionMode = "automatic"
        if let major = request.uri.queryParameters.get("major"), Int(major) != nil { form.major = major }
        if let text = request.uri.queryParameters.get("duplicate") {
            guard let id = UUID(uuidString: text) else {
                throw ConsoleProblem(status: .badRequest, message: "duplicate must be an item id.")
            }
            form = try await storedForm(id)
            form.label += " (copy)"
        }
        return try await editor(form, id: nil, state: EditorState())
    }

    @Sendable func editItem(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try itemID(context)
        return try await editor(try await storedForm(id), id: id, state: EditorState())
    }

    @Sendable func saveNewItem(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        try await submit(try await postForm(request, context: context), id: nil)
    }

    @Sendable func saveItem(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try itemID(context)
        return try await submit(try await postForm(request, context: context), id: id)
    }

    func itemID(_ context: ServiceRequestContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw ConsoleProblem(status: .notFound, message: "No such library item.")
        }
        return id
    }

    /// `action=preview` shows the impact; `action=save` saves unless the preview has warnings not yet
    /// confirmed (then they are shown with a "Save anyway" button, `action=confirm`).
    private func submit(_ posted: ConsoleForm, id: UUID?) async throws -> Response {
        let form = ItemForm(posted)
        let action = posted.value("action") ?? "save"
        let item: ManagedOSItem
        switch form.item(id: id ?? UUID()) {
        case .failure(let problem):
            return try await editor(
                form, id: id, state: EditorState(problems: problem.fields, message: problem.message),
                status: .unprocessableContent)
        case .success(let valid):
            item = valid
        }
        let preview = try await self.preview(item, form: form, existing: id != nil)
        if action == "preview" || (action == "save" && !preview.warnings.isEmpty) {
            return try await editor(
                form, id: id,
                state: EditorState(preview: preview, needsConfirmation: action == "save" && !preview.warnings.isEmpty))
        }
        let service = self.service
        let actor = APIPrincipal.currentName
        try await service.pool.withTransaction { connection in
            if id == nil {
                _ = try ItemChanges.create(item, actor: actor, service: service, on: connection)
            } else {
                _ = try ItemChanges.update(item, actor: actor, service: service, on: connection)
            }
            try Self.assign(item.id, form: form, actor: actor, on: connection)
        }
        return ConsoleRenderer.redirect("/console/library?saved=\(item.id.postgresText)")
    }

    /// Makes the item's assignments what the form chose: classic blueprints assigned / unassigned one by one
    /// and each assignment map's nodes placed, through the same change functions as the JSON API.
    static func assign(_ itemID: UUID, form: ItemForm, actor: String, on connection: DatabaseConnection) throws {
        let blueprints = try BlueprintStore.list(on: connection)
        for blueprint in blueprints where blueprint.kind == "classic" {
            let listed = blueprint.itemIds.contains(itemID)
            let wanted = form.blueprintIDs.contains(blueprint.id)
            if wanted && !listed {
                try BlueprintChanges.assignItem(itemID, to: blueprint.id, actor: actor, on: connection)
            } else if listed && !wanted {
                try BlueprintChanges.unassignItem(itemID, from: blueprint.id, actor: actor, on: connection)
            }
        }
        for map in try AssignmentMapStore.list(on: connection) {
            try AssignmentMapChanges.placeItem(
                itemID, onNodes: form.nodes(of: map.id), of: map.id, actor: actor, on: connection)
        }
    }

    /// The preview of `item` with the form's assignments, evaluated like `POST /v1/library-items/preview`.
    func preview(_ item: ManagedOSItem, form: ItemForm, existing: Bool) async throws -> ItemPreview {
        let service = self.service
        let (configuration, source, chosen) = try await service.pool.withTransaction { connection in
            var (configuration, source) = try service.configuration(on: connection)
            var chosen = Set(form.blueprintIDs)
            for (id, blueprint) in configuration.blueprints {
                guard case .assignmentMap(var map) = blueprint.layout else { continue }
                let nodes = form.nodes(of: id)
                map.root = AssignmentMapChanges.placing(item.id, on: nodes, in: map.root)
                configuration.blueprints[id]?.layout = .assignmentMap(map)
                if !nodes.isEmpty { chosen.insert(id) }
            }
            return (configuration, source, chosen)
        }
        return try await ItemPreview.evaluate(
            item: item, blueprintIDs: chosen, configuration: configuration, catalogSource: source,
            previous: existing ? configuration.items[item.id] : nil, now: service.now(), pool: service.pool)
    }

    /// The editor values of stored item `id` (404 page when there is none).
    func storedForm(_ id: UUID) async throws -> ItemForm {
        try await service.pool.withConnection { connection in
            guard let view = try ItemStore.fetch(id, on: connection) else {
                throw ConsoleProblem(status: .notFound, message: "No library item with id \(id.postgresText).")
            }
            var nodeKeys: Set<String> = []
            for map in try AssignmentMapStore.list(on: connection) {
                guard let tree = try AssignmentMapStore.map(map.id, on: connection) else { continue }
                for node in Self.flatten(tree.root) where node.node.itemIDs.contains(id) {
                    nodeKeys.insert("\(map.id.postgresText)/\(node.node.id.postgresText)")
                }
            }
            let classic = try BlueprintStore.list(on: connection).filter { $0.kind == "classic" && $0.itemIds.contains(id) }
            return ItemForm(view.document, blueprintIDs: Set(classic.map(\.id)), nodeKeys: nodeKeys)
        }
    }

    /// Every node of a tree, depth first, with its depth.
    static func flatten(_ node: AssignmentNode, depth: Int = 0) -> [(node: AssignmentNode, depth: Int)] {
        [(node, depth)] + node.children.flatMap { flatten($0, depth: depth + 1) }
    }

    /// A node's conditions in words ("All Macs" without any).
    static func describe(_ node: AssignmentNode) -> String {
        guard !node.conditions.isEmpty else { return "All Macs" }
        return node.conditions.map { condition in
            switch condition {
            case .modelFamily(let values): "model family \(values.sorted().joined(separator: " or "))"
            case .modelIdentifier(let values): "model \(values.sorted().joined(separator: " or "))"
            case .currentMajor(let values): "on macOS \(values.sorted().map(String.init).joined(separator: " or "))"
            case .tag(let values): "tagged \(values.sorted().joined(separator: " or "))"
            }
        }.joined(separator: ", ")
    }

    /// Renders the editor.
    func editor(
        _ form: ItemForm, id: UUID?, state: EditorState, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let service = self.service
        let (listing, blueprints, maps) = try await service.pool.withConnection { connection in
            let listing = CatalogListing(try service.catalog(on: connection), major: nil, now: service.now())
            let maps = try AssignmentMapStore.list(on: connection).compactMap { view in
                try AssignmentMapStore.map(view.id, on: connection).map { (view, $0) }
            }
            return (listing, try BlueprintStore.list(on: connection).filter { $0.kind == "classic" }, maps)
        }
        var errors: [String: [String]] = [:]
        for problem in state.problems { errors[ItemForm.formField(for: problem.field), default: []].append(problem.message) }
        var context: [String: Any] = [
            "csrf": csrf, "isNew": id == nil,
            "action": id.map { "/console/items/\($0.postgresText)" } ?? "/console/items",
            "heading": id == nil ? "New Managed OS item" : "Edit \(form.label)",
            "label": form.label, "manualVersion": form.manualVersion, "manualDeadline": form.manualDeadline,
            "enforcementTime": form.enforcementTime, "enforcementTimeZone": form.enforcementTimeZone,
            "bsiTime": form.bsiTime, "detailsURL": form.detailsURL, "gracePeriodDays": form.gracePeriodDays,
            "method_continuous": form.installationMethod == "continuous",
            "method_selfService": form.installationMethod == "selfService",
            "mode_doNotManage": form.versionMode == "doNotManage", "mode_automatic": form.versionMode == "automatic",
            "mode_manualMinimum": form.versionMode == "manualMinimum",
            "bsi_none": form.bsiMode != "automatic", "bsi_automatic": form.bsiMode == "automatic",
            "hasErrors": !state.problems.isEmpty, "errorMessage": state.message ?? "",
            "errorSummary": state.problems.map {
                ["field": ItemForm.formField(for: $0.field), "message": $0.message, "code": $0.code]
            },
        ]
        for (field, messages) in errors {
            context["error_\(field.replacingOccurrences(of: ".", with: "_"))"] = messages.joined(separator: " ")
        }
        let latest = Dictionary(listing.majors.map { ($0.major, $0.latestApproved?.version ?? "none approved") }) {
            a, _ in a
        }
        context["majors"] = listing.majors.map { major in
            [
                "major": major.major, "selected": String(major.major) == form.major,
                "latest": latest[major.major] ?? "none approved",
            ] as [String: Any]
        }
        context["latestApproved"] = Int(form.major).flatMap { latest[$0] } ?? "—"
        context["automaticTimeframes"] = Self.timeframes(selected: form.automaticTimeframe)
        context["bsiTimeframes"] = Self.timeframes(selected: form.bsiTimeframe)
        context["exploitedTimeframes"] =
            [["value": "", "label": "Off", "selected": form.exploitedCVETimeframe.isEmpty] as [String: Any]]
            + Self.timeframes(selected: form.exploitedCVETimeframe)
        context["blueprints"] = blueprints.map { blueprint in
            [
                "id": blueprint.id.postgresText, "name": blueprint.name, "devices": blueprint.deviceCount,
                "checked": form.blueprintIDs.contains(blueprint.id),
            ] as [String: Any]
        }
        context["maps"] = maps.map { view, map in
            [
                "name": view.name,
                "nodes": Self.flatten(map.root).map { node, depth in
                    let key = "\(view.id.postgresText)/\(node.id.postgresText)"
                    return [
                        "key": key, "label": Self.describe(node), "indent": depth * 16,
                        "checked": form.nodeKeys.contains(key), "domID": "node-\(node.id.postgresText)",
                    ] as [String: Any]
                },
            ] as [String: Any]
        }
        context["hasBlueprints"] = !blueprints.isEmpty || !maps.isEmpty
        context["timeZones"] = TimeZone.knownTimeZoneIdentifiers.sorted()
        if let preview = state.preview {
            context["preview"] = [
                "reached": preview.reachedMacCount, "overdueNow": preview.overdueNowCount,
                "counts": ConsoleFormat.states.map {
                    ["state": ConsoleFormat.label(for: $0), "count": preview.counts.counts[$0] ?? 0] as [String: Any]
                },
                "earliest": preview.earliestDeadline.map(ConsoleFormat.instant) ?? "—",
                "latest": preview.latestDeadline.map(ConsoleFormat.instant) ?? "—",
                "hasWarnings": !preview.warnings.isEmpty,
                "warnings": preview.warnings.map {
                    ["message": $0.message, "count": $0.affectedMacCount, "code": $0.code.rawValue, "field": $0.field]
                        as [String: Any]
                },
                "needsConfirmation": state.needsConfirmation,
            ] as [String: Any]
        }
        return renderer.page("editor", title: context["heading"] as? String ?? "Item", nav: "library", context: context, status: status)
    }

    static func timeframes(selected: String) -> [[String: Any]] {
        EnforcementTimeframe.allCases.map { ["value": $0.rawValue, "label": $0.label, "selected": $0.rawValue == selected] }
    }
}
