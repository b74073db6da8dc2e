extension SharedSchema {
    /// Version 6: learned limits shared, and quota hand-overs made safe to send twice.
    static let learnedLimitsMigration = Migration(
        version: 6,
        statements: [
            // One row per scope and unit: the bucket an upstream's headers last described with
            // the least left (or the newest once the held one's reset passed). Small as the
            // configuration's scopes; no pruning.
            """
            CREATE TABLE IF NOT EXISTS llmrouter_learned_limits (
                scope text NOT NULL,
                unit text NOT NULL,
                remaining bigint NOT NULL,
                bucket_limit bigint,
                reset_at timestamptz NOT NULL,
                instance text NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (scope, unit)
            )
            """,
            // The last quota hand-over each instance had counted: one sent again after its
            // answer was lost (committed, then timed out) finds itself here and adds nothing.
            """
            CREATE TABLE IF NOT EXISTS llmrouter_quota_batches (
                instance text PRIMARY KEY,
                batch bigint NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """,
        ]
    )
}
