extension SharedSchema {
    /// Version 4: the access keys of `LLMROUTER_KEYS=postgres`. A row holds what an entry of the
    /// keys file holds — the name, the SHA-256 of the key as lower-case hex (the file's `sha256`),
    /// the limits, admin — plus when it was made and revoked; never the key itself.
    ///
    /// Revoked rows stay (who had access, until when); a name is unique among the keys not
    /// revoked, so it can be given again. Every change to the table, also one made by hand in
    /// `psql`, is announced on `llmrouter_access_keys` when it commits (a statement trigger), and
    /// every instance then reads the table again.
    static let accessKeysMigration = Migration(
        version: 4,
        statements: [
            """
            CREATE TABLE IF NOT EXISTS llmrouter_access_keys (
                sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
                name text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
                rpm bigint CHECK (rpm > 0),
                tokens_per_day bigint CHECK (tokens_per_day > 0),
                usd_per_day double precision CHECK (usd_per_day >= 0),
                models text[],
                admin boolean NOT NULL DEFAULT false,
                created_at timestamptz NOT NULL DEFAULT now(),
                revoked_at timestamptz
            )
            """,
            """
            CREATE UNIQUE INDEX IF NOT EXISTS llmrouter_access_keys_active_name
                ON llmrouter_access_keys (name) WHERE revoked_at IS NULL
            """,
            """
            CREATE OR REPLACE FUNCTION llmrouter_access_keys_changed() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('llmrouter_access_keys', lower(TG_OP));
                RETURN NULL;
            END
            $$
            """,
            "DROP TRIGGER IF EXISTS llmrouter_access_keys_changed ON llmrouter_access_keys",
            """
            CREATE TRIGGER llmrouter_access_keys_changed
                AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON llmrouter_access_keys
                FOR EACH STATEMENT EXECUTE FUNCTION llmrouter_access_keys_changed()
            """,
        ]
    )
}
