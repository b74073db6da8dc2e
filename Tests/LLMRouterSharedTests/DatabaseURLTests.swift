import LLMRouterShared
import PostgresNIO
import Testing

/// Reading `LLMROUTER_DATABASE_URL`; offline.
struct DatabaseURLTests {
    @Test func readsEveryPartAndMasksThePassword() throws {
        let url = try DatabaseURL("postgres://router:p%40ss-w0rd-secret@db.internal:6543/shared?sslmode=require")
        #expect(url.host == "db.internal")
        #expect(url.port == 6543)
        #expect(url.username == "router")
        #expect(url.database == "shared")
        #expect(url.tlsMode == .require)
        #expect(url.secrets == ["p@ss-w0rd-secret"], "percent-escapes are decoded")
        #expect(url.description == "postgres://router:***@db.internal:6543/shared?sslmode=require")
        #expect(!url.description.contains("w0rd"))
        #expect(url.clientConfiguration.password == "p@ss-w0rd-secret")
    }

    @Test func defaultsAsLibpqDoes() throws {
        let url = try DatabaseURL("postgresql://router@localhost")
        #expect(url.port == 5432)
        #expect(url.database == nil)
        #expect(url.tlsMode == .prefer)
        #expect(!url.hasPassword)
        #expect(url.description == "postgres://router@localhost:5432/?sslmode=prefer")
    }

    @Test(arguments: [
        ("mysql://u:secret-pw@h/db", "scheme"),
        ("postgres://u:secret-pw@/db", "no host"),
        ("postgres://:secret-pw@h/db", "no user name"),
        ("postgres://u:secret-pw@h/db?sslmode=sometimes", "sslmode must be one of"),
        ("postgres://u:secret-pw@h/db?pool=3", "unknown parameter 'pool'"),
    ])
    func rejectsWithTheVariableNamedAndNoPassword(text: String, why: String) {
        do {
            _ = try DatabaseURL(text)
            Issue.record("'\(why)' must be rejected")
        } catch {
            #expect(error.description.hasPrefix("LLMROUTER_DATABASE_URL: "))
            #expect(error.description.contains(why))
            #expect(!error.description.contains("secret-pw"))
        }
    }
}
