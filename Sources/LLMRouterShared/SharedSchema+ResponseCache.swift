extension SharedSchema {
    /// Version 5: the response cache's `postgres` backend (`LLMROUTER_CACHE=postgres`).
    static let responseCacheMigration = Migration(
        version: 5,
        statements: [
            // One row per cache key (the same digest every instance computes), times in
            // milliseconds since 1970 as `CachedAnswer` keeps them. UNLOGGED: a cache needs no
            // write-ahead log — writes cost a fraction, and a database crash only empties it
            // (PostgreSQL truncates unlogged tables on crash recovery; standbys do not hold it).
            """
            CREATE UNLOGGED TABLE IF NOT EXISTS llmrouter_response_cache (
                key text PRIMARY KEY,
                body bytea NOT NULL,
                provider text NOT NULL,
                upstream_model text,
                stored_at bigint NOT NULL,
                expires_at bigint NOT NULL,
                prompt_tokens bigint,
                completion_tokens bigint
            )
            """,
            "CREATE INDEX IF NOT EXISTS llmrouter_response_cache_expires ON llmrouter_response_cache (expires_at)",
            // When the cache was last cleared (one row): entries stored before it are refused,
            // however late an instance's writer sends them, and each instance drops its own
            // in-memory copies when it sees the time move.
            """
            CREATE TABLE IF NOT EXISTS llmrouter_response_cache_cleared (
                only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
                cleared_at bigint NOT NULL
            )
            """,
            "INSERT INTO llmrouter_response_cache_cleared (cleared_at) VALUES (0) ON CONFLICT DO NOTHING",
        ]
    )
}
