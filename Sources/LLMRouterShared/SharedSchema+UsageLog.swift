import LLMRouterUsage

extension SharedSchema {
    /// The usage log every instance writes (`llmrouter_requests`): the table and index the
    /// SQLite file has, from the same column list (``UsageSQL/columns``), with the columns of
    /// the SQLite layout 4. A column added to the list later needs a later migration here too
    /// (`ALTER TABLE llmrouter_requests ADD COLUMN IF NOT EXISTS …`).
    static let usageLogMigration = Migration(
        version: 3,
        statements: [UsageSQL.postgres.createRequests(layout: 4), UsageSQL.postgres.createStartedAtIndex]
    )
}
