import LLMRouterConfig
import LLMRouterCore
import Testing

/// `price:` on a provider, the top-level `budget:`, and a key's `usd_per_day`.
struct BudgetConfigTests {
    static func load(_ yaml: String) throws -> RouterConfiguration {
        try ConfigurationLoader().parse(yaml: yaml, file: "router.yaml").configuration
    }

    @Test func readsPricesAndTheBudget() throws {
        let configuration = try Self.load("""
            budget: {usd_per_day: 2.5}
            providers:
              - {name: free, type: echo}
              - {name: premium, type: echo, allow_paid: true, price: {input: 0.15, output: 0.6}}
            """)
        #expect(configuration.routing.budgetUSDPerDay == 2.5)
        #expect(configuration.providers[0].price == nil)
        #expect(!configuration.providers[0].isPaid)
        #expect(configuration.providers[1].price == RoutePrice(inputPerMillion: 0.15, outputPerMillion: 0.6))
        #expect(configuration.providers[1].isPaid)
    }

    @Test func noBudgetByDefault() throws {
        #expect(try Self.load("providers:\n  - {name: e, type: echo}\n").routing.budgetUSDPerDay == nil)
    }

    @Test(arguments: [
        ("budget: 5", "budget"), ("budget: {usd_per_day: -1}", "budget.usd_per_day"), ("budget: {usd_per_day: lots}", "budget.usd_per_day"),
        ("budget: {usd_per_month: 5}", "budget"),
    ])
    func refusesABadBudgetNamingTheField(_ line: String, field: String) {
        #expect {
            _ = try Self.load("\(line)\nproviders:\n  - {name: e, type: echo}\n")
        } throws: { error in
            "\(error)".contains(field) && "\(error)".contains("router.yaml")
        }
    }

    @Test(arguments: ["price: 3", "price: {input: -1}", "price: {input: cheap}"])
    func refusesABadPriceNamingTheField(_ field: String) {
        #expect {
            _ = try Self.load("providers:\n  - {name: e, type: echo, \(field)}\n")
        } throws: { error in
            "\(error)".contains("price") && "\(error)".contains("router.yaml")
        }
    }

    @Test func readsAKeysDailyDollars() throws {
        let digest = String(repeating: "ab", count: 32)
        let keys = try AccessKeysLoader().parse(yaml: """
            keys:
              - {name: alice, sha256: \(digest), usd_per_day: 1.5}
              - {name: bob, sha256: \(digest.uppercased())}
            """, file: "keys.yaml")
        #expect(keys.keys.first { $0.name == "alice" }?.limits.usdPerDay == 1.5)
        #expect(keys.keys.first { $0.name == "bob" }?.limits.usdPerDay == nil)
        #expect {
            _ = try AccessKeysLoader().parse(yaml: "keys:\n  - {name: carol, sha256: \(digest), usd_per_day: -2}\n", file: "keys.yaml")
        } throws: { error in
            "\(error)".contains("usd_per_day") && "\(error)".contains("carol")
        }
    }
}
