// AppleSchema: Apple's device-management YAML schemas (test resources) loaded with Yams, and a validator.

import DeclarativeManagement
import Foundation
import ManagedOSDomain
import Yams

/// One key of an Apple schema (`payloadkeys` entry or subkey).
struct AppleSchemaKey {
    var key: String
    var type: String
    var required: Bool
    var rangelist: [String]?
    var rangeMin: Int?
    var rangeMax: Int?
    var content: String
    /// `supportedOS.macOS.introduced` of the key (`n/a` when macOS does not support it); nil when not given.
    var macOSIntroduced: String?
    var subkeys: [AppleSchemaKey]

    init(_ yaml: [String: Any]) {
        key = yaml["key"] as? String ?? ""
        type = yaml["type"] as? String ?? "<any>"
        required = (yaml["presence"] as? String) == "required"
        rangelist = (yaml["rangelist"] as? [Any])?.map { "\($0)" }
        let range = yaml["range"] as? [String: Any]
        rangeMin = range?["min"] as? Int
        rangeMax = range?["max"] as? Int
        content = yaml["content"] as? String ?? ""
        let macOS = (yaml["supportedOS"] as? [String: Any])?["macOS"] as? [String: Any]
        macOSIntroduced = macOS?["introduced"].map { "\($0)" }
        subkeys = (yaml["subkeys"] as? [[String: Any]] ?? []).map(AppleSchemaKey.init)
    }
}

/// One Apple schema file: its declaration or request type, macOS support and keys.
struct AppleSchema {
    /// `payload.declarationtype`, `payload.requesttype` or `payload.statusitemtype`.
    var name: String
    /// `payload.supportedOS.macOS.introduced`.
    var macOSIntroduced: String?
    /// `payloadkeys`.
    var keys: [AppleSchemaKey]

    /// Loads the schema at `relativePath` under the test bundle's `AppleSchemas` folder.
    static func load(_ relativePath: String) throws -> AppleSchema {
        guard let root = Bundle.module.url(forResource: "AppleSchemas", withExtension: nil) else {
            throw SchemaLoadError(message: "AppleSchemas resource missing")
        }
        let text = try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
        guard let yaml = try Yams.load(yaml: text) as? [String: Any], let payload = yaml["payload"] as? [String: Any]
        else { throw SchemaLoadError(message: "\(relativePath) is not a schema") }
        let name =
            (payload["declarationtype"] ?? payload["requesttype"] ?? payload["statusitemtype"]).map { "\($0)" } ?? ""
        let macOS = (payload["supportedOS"] as? [String: Any])?["macOS"] as? [String: Any]
        return AppleSchema(
            name: name, macOSIntroduced: macOS?["introduced"].map { "\($0)" },
            keys: (yaml["payloadkeys"] as? [[String: Any]] ?? []).map(AppleSchemaKey.init))
    }
}

/// A schema file that could not be read.
struct SchemaLoadError: Error { var message: String }

/// Checks JSON documents against Apple's schemas: required keys present, no unknown keys, types, allowed
/// values and ranges, the `TargetLocalDateTime` format, and macOS support of the type and of each key.
struct SchemaValidator {
    /// Declaration schemas by declaration type.
    let declarations: [String: AppleSchema]
    /// `declarationbase.yaml`: the envelope every declaration shares.
    let base: AppleSchema
    /// `tokensresponse.yaml`.
    let tokensResponse: AppleSchema
    /// `declarationitemsresponse.yaml`.
    let declarationItemsResponse: AppleSchema

    /// Loads every schema the product emits.
    static func load() throws -> SchemaValidator {
        let files = [
            "declarative/declarations/activations/simple.yaml",
            "declarative/declarations/configurations/management.status-subscriptions.yaml",
            "declarative/declarations/configurations/softwareupdate.enforcement.specific.yaml",
            "declarative/declarations/configurations/softwareupdate.settings.yaml",
        ]
        var declarations: [String: AppleSchema] = [:]
        for file in files {
            let schema = try AppleSchema.load(file)
            declarations[schema.name] = schema
        }
        return SchemaValidator(
            declarations: declarations,
            base: try AppleSchema.load("declarative/declarations/declarationbase.yaml"),
            tokensResponse: try AppleSchema.load("declarative/protocol/tokensresponse.yaml"),
            declarationItemsResponse: try AppleSchema.load("declarative/protocol/declarationitemsresponse.yaml"))
    }

    /// Problems with a declaration's JSON for a Mac on `macOS`; empty when it is valid.
    func validateDeclaration(_ json: String, macOS: OSVersion) -> [String] {
        guard let document = try? JSONNode.parse(json), let object = document.object else {
            return ["declaration is not a JSON object"]
        }
        var problems = validate(object: object, keys: base.keys, path: "", macOS: macOS)
        for key in ["Identifier", "ServerToken"] {
            if let value = object[key]?.string, value.utf8.count > 64 { problems.append("\(key) exceeds 64 octets") }
        }
        guard let type = object["Type"]?.string else { return problems }
        guard let schema = declarations[type] else { return problems + ["no schema for type \(type)"] }
        problems += supportProblems(introduced: schema.macOSIntroduced, what: type, macOS: macOS)
        if let payload = object["Payload"]?.object {
            problems += validate(object: payload, keys: schema.keys, path: "Payload.", macOS: macOS)
        }
        return problems
    }

    /// Problems with a `tokens` response. Apple's schema gives `SyncTokens` only as a dictionary of type
    /// `SynchronizationTokens`; its two keys are checked as Apple's documentation gives them.
    func validateTokensResponse(_ json: String) -> [String] {
        guard let object = (try? JSONNode.parse(json))?.object else { return ["not a JSON object"] }
        var problems = validate(object: object, keys: tokensResponse.keys, path: "", macOS: OSVersion(major: 13))
        guard let tokens = object["SyncTokens"]?.object else { return problems }
        let tokenKeys = [
            AppleSchemaKey(["key": "DeclarationsToken", "type": "<string>", "presence": "required"]),
            AppleSchemaKey(["key": "Timestamp", "type": "<date>", "presence": "required"]),
        ]
        problems += validate(object: tokens, keys: tokenKeys, path: "SyncTokens.", macOS: OSVersion(major: 13))
        if let token = tokens["DeclarationsToken"]?.string, token.utf8.count > 256 {
            problems.append("DeclarationsToken exceeds 256 octets")
        }
        return problems
    }

    /// Problems with a `declaration-items` response.
    func validateDeclarationItems(_ json: String) -> [String] {
        guard let object = (try? JSONNode.parse(json))?.object else { return ["not a JSON object"] }
        return validate(object: object, keys: declarationItemsResponse.keys, path: "", macOS: OSVersion(major: 13))
    }

    /// Problems with a key introduced in `introduced` on a Mac running `macOS`.
    func supportProblems(introduced: String?, what: String, macOS: OSVersion) -> [String] {
        guard let introduced else { return [] }
        guard let version = try? OSVersion(parsing: introduced) else { return ["\(what) is not supported on macOS"] }
        return macOS >= version ? [] : ["\(what) needs macOS \(introduced)"]
    }

    /// Validates an object's members against `keys`.
    func validate(object: [String: JSONNode], keys: [AppleSchemaKey], path: String, macOS: OSVersion) -> [String] {
        var problems: [String] = []
        let allowsAny = keys.contains { $0.key == "ANY" }
        for key in keys where key.required && object[key.key] == nil {
            problems.append("missing required key \(path)\(key.key)")
        }
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let key = keys.first(where: { $0.key == name }) else {
                if !allowsAny { problems.append("unknown key \(path)\(name)") }
                continue
            }
            problems += supportProblems(introduced: key.macOSIntroduced, what: "\(path)\(name)", macOS: macOS)
            problems += validate(value: value, key: key, path: "\(path)\(name)", macOS: macOS)
        }
        return problems
    }

    /// Validates one value against its key's type, allowed values, range and format.
    func validate(value: JSONNode, key: AppleSchemaKey, path: String, macOS: OSVersion) -> [String] {
        switch (key.type, value) {
        case ("<string>", .string(let text)):
            if let allowed = key.rangelist, !allowed.contains(text) {
                return ["\(path) value \(text) not in \(allowed)"]
            }
            if key.content.contains("yyyy-mm-ddThh:mm:ss"), LocalDateTime(targetLocalDateTime: text) == nil {
                return ["\(path) is not yyyy-mm-ddThh:mm:ss: \(text)"]
            }
            return []
        case ("<integer>", .integer(let number)):
            if let min = key.rangeMin, number < min { return ["\(path) below \(min)"] }
            if let max = key.rangeMax, number > max { return ["\(path) above \(max)"] }
            return []
        case ("<boolean>", .bool), ("<any>", _):
            return []
        case ("<date>", .string(let text)):
            return Self.isRFC3339UTC(text) ? [] : ["\(path) is not an RFC 3339 date-time: \(text)"]
        case ("<dictionary>", .object(let members)):
            return key.subkeys.isEmpty ? [] : validate(object: members, keys: key.subkeys, path: "\(path).", macOS: macOS)
        case ("<array>", .array(let elements)):
            guard let element = key.subkeys.first else { return [] }
            return elements.enumerated().flatMap { index, item in
                validate(value: item, key: element, path: "\(path)[\(index)]", macOS: macOS)
            }
        default:
            return ["\(path) is not of type \(key.type)"]
        }
    }

    /// `yyyy-MM-ddTHH:mm:ssZ`.
    static func isRFC3339UTC(_ text: String) -> Bool {
        guard text.hasSuffix("Z") else { return false }
        return LocalDateTime(targetLocalDateTime: text.dropLast()) != nil
    }
}
