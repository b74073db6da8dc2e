// Foundation itself: trimming and replacing are not in FoundationEssentials.
import Foundation
public import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…` address, read once at startup.
///
/// The password is kept only in the connection configuration: ``description`` (what logs and
/// errors show) masks it, and no error of parsing quotes the address.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    public struct Invalid: Error, CustomStringConvertible {
        /// The variable or setting the address came from.
        public var variable: String
        public var reason: String
        public var description: String { "\(variable): \(reason)" }
    }

    /// How to talk TLS, named as libpq names it; `prefer` by default, as libpq does.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's meaning).
        case prefer
        /// TLS always, without checking the certificate.
        case require
        /// TLS always, with the certificate checked against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    public let host: String
    public let port: Int
    public let username: String
    public let database: String?
    public let tlsMode: TLSMode
    /// Whether a password was given (never the password itself).
    public let hasPassword: Bool
    private let password: String?

    /// - Parameter variable: the variable or setting the text came from, named in errors.
    public init(_ text: String, variable: String = "LLMROUTER_DATABASE_URL") throws(Invalid) {
        func invalid(_ why: String) -> Invalid {
            Invalid(variable: variable, reason: "\(why) (expected postgres://user:password@host:5432/database)")
        }
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)) else {
            throw invalid("not a URL")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("the scheme must be postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
        guard let username = components.user, !username.isEmpty else { throw invalid("no user name") }
        if let port = components.port, !(1...65535).contains(port) { throw invalid("the port must be between 1 and 65535") }
        var mode = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let parsed = TLSMode(rawValue: value) else {
                    throw invalid("sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                mode = parsed
            default:
                throw invalid("unknown parameter '\(item.name)'; only sslmode is read")
            }
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.host = host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password
        self.hasPassword = components.password != nil
        self.database = path.isEmpty ? nil : path
        self.tlsMode = mode
    }

    /// The address with its password masked, for logs.
    public var description: String {
        let credentials = hasPassword ? "\(username):***" : username
        return "postgres://\(credentials)@\(host):\(port)/\(database ?? "")?sslmode=\(tlsMode.rawValue)"
    }

    /// The password, for the log redactor to mask should a driver message ever quote it.
    public var secrets: [String] {
        password.map { [$0] } ?? []
    }

    /// The connection pool's configuration: a few connections (one stays for LISTEN), short
    /// timeouts so an unreachable database is noticed in seconds.
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        configuration.options.connectTimeout = .seconds(3)
        configuration.options.maximumConnections = 4
        configuration.options.keepAliveBehavior = .init(frequency: .seconds(10))
        return configuration
    }

    private var tls: PostgresClient.Configuration.TLS {
        switch tlsMode {
        case .disable: return .disable
        case .prefer, .require:
            var unchecked = TLSConfiguration.makeClientConfiguration()
            unchecked.certificateVerification = .none
            return tlsMode == .prefer ? .prefer(unchecked) : .require(unchecked)
        case .verifyFull: return .require(.makeClientConfiguration())
        }
    }
}
