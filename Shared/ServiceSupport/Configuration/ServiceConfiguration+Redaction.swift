// ServiceConfiguration+Redaction: safe-to-log forms of the configuration (no passwords).

import Foundation
import Logging

extension ServiceConfiguration {
    /// Replaces the password of a `postgres://` URL, or the `password=` entry of a conninfo string, with
    /// `redacted`. Anything unparseable becomes `<unparseable>`, so a secret never reaches a log.
    public static func redact(databaseURL: String) -> String {
        if databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://") {
            guard var components = URLComponents(string: databaseURL) else { return "<unparseable>" }
            if components.password != nil { components.password = "redacted" }
            // libpq also accepts `?password=` in the query string.
            if let items = components.queryItems, !items.isEmpty {
                components.queryItems = items.map { item in
                    item.name.lowercased() == "password" ? URLQueryItem(name: item.name, value: "redacted") : item
                }
            }
            return components.string ?? "<unparseable>"
        }
        return redact(conninfo: databaseURL) ?? "<unparseable>"
    }

    /// Parses libpq's `key=value key='quoted value'` form and rebuilds it with `password` redacted;
    /// `nil` when the text is not in that form.
    private static func redact(conninfo: String) -> String? {
        var pairs: [String] = []
        var characters = Substring(conninfo)
        while true {
            characters = characters.drop(while: \.isWhitespace)
            guard !characters.isEmpty else { break }
            let key = characters.prefix(while: { $0 != "=" && !$0.isWhitespace })
            characters = characters.dropFirst(key.count).drop(while: \.isWhitespace)
            guard !key.isEmpty, characters.first == "=" else { return nil }
            characters = characters.dropFirst().drop(while: \.isWhitespace)
            var value = ""
            if characters.first == "'" {
                characters = characters.dropFirst()
                var closed = false
                while let character = characters.first {
                    characters = characters.dropFirst()
                    if character == "\\", let next = characters.first {
                        value.append(next)
                        characters = characters.dropFirst()
                    } else if character == "'" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return nil }
                value = "'\(value)'"
            } else {
                value = String(characters.prefix(while: { !$0.isWhitespace }))
                characters = characters.dropFirst(value.count)
            }
            pairs.append("\(key)=\(key.lowercased() == "password" ? "redacted" : value)")
        }
        return pairs.isEmpty ? nil : pairs.joined(separator: " ")
    }

    /// Metadata describing the configuration for the start-up log line; contains no secret.
    public var logMetadata: Logger.Metadata {
        [
            "service.name": .string(service.name),
            "http.host": .string(httpHost),
            "http.port": .stringConvertible(httpPort),
            "db.url": .string(redactedDatabaseURL),
            "db.pool_size": .stringConvertible(databasePoolSize),
            "log.level": .string(logLevel.rawValue),
            "http.idle_timeout": .stringConvertible(http.idleTimeout.seconds),
            "http.request_head_timeout": .stringConvertible(http.requestHeadTimeout.seconds),
            "http.max_connections": .stringConvertible(http.maximumConnections),
        ]
    }
}

extension ServiceConfiguration: CustomStringConvertible, CustomReflectable {
    /// A description without secrets.
    public var description: String {
        "ServiceConfiguration(service: \(service.name), http: \(httpHost):\(httpPort), "
            + "database: \(redactedDatabaseURL), poolSize: \(databasePoolSize), logLevel: \(logLevel))"
    }

    /// A mirror without secrets, so `dump` and debug printing never reveal the database password.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "service": service.name, "httpHost": httpHost, "httpPort": httpPort,
                "database": redactedDatabaseURL, "databasePoolSize": databasePoolSize, "logLevel": logLevel,
            ])
    }
}
