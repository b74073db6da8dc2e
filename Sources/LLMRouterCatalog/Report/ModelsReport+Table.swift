import LLMRouterCore

extension ModelsReport {
    /// The report as a plain-text table (`debug-models` without `--json`), one row per model and provider.
    ///
    /// ```
    /// Index: bundled generated/model_index.json (15 models, generated 2026-08-20T10:00:00Z)
    /// Required providers: groq, openrouter, nvidia_nim
    /// Keys: groq GROQ_API_KEY set, openrouter OPENROUTER_API_KEY missing, nvidia_nim NVIDIA_NIM_KEY set
    /// Key serves nothing: MISTRAL_API_KEY (mistral): the catalog has no mistral models
    ///
    /// MODEL        KIND             ENABLED  PROVIDER     KEY      LISTED  STATUS      USABLE  UPSTREAM MODEL           SERVES
    /// gpt-oss-20b  chat             yes      groq         set      free    verified    yes     openai/gpt-oss-20b       yes
    ///                                        openrouter   missing  free    listed      no      openai/gpt-oss-20b:free  no: key variable OPENROUTER_API_KEY is not set
    ///                                        huggingface  set      -       documented  yes     openai/gpt-oss-20b       yes
    /// bge-m3       embeddings/1024  yes      nvidia_nim   set      free    listed      yes     baai/bge-m3              yes
    /// ```
    ///
    /// KIND is `chat` or `embeddings`, with the vector length after a slash when known. STATUS is
    /// `documented` (only the provider's documentation names it), `listed` or `verified`, plus
    /// `stale since <date>` for a route kept from an earlier index whose provider could not be listed.
    public func table() -> String {
        var lines: [String] = []
        let source = [index.source, index.location].compactMap { $0 }.joined(separator: " ")
        var about = "\(index.models) models"
        if let generatedAt = index.generatedAt { about += ", generated \(generatedAt)" }
        lines.append("Index: \(source.isEmpty ? "(none)" : source) (\(about))")
        lines.append(requiredProviders.isEmpty
            ? "Served when: any provider with a key offers the model (set LLMROUTER_PROVIDERS to require some)"
            : "Required providers: \(requiredProviders.joined(separator: ", "))")
        let keys = credentials.keys.sorted().compactMap { name in credentials[name].map { "\(name) \($0.variable) \($0.status)" } }
        lines.append("Keys: \(keys.isEmpty ? "(none)" : keys.joined(separator: ", "))")
        for name in credentials.keys.sorted() {
            guard let credential = credentials[name], let reason = credential.servesNothing else { continue }
            lines.append("Key serves nothing: \(credential.variable) (\(name)): \(reason)")
        }
        lines.append("")

        var rows: [[String]] = [["MODEL", "KIND", "ENABLED", "PROVIDER", "KEY", "LISTED", "STATUS", "USABLE", "UPSTREAM MODEL", "SERVES"]]
        for model in models {
            let name = model.canonical + (model.autoMatched ? " (auto)" : "")
            let kind = model.kind.rawValue + (model.dimensions.map { "/\($0)" } ?? "")
            if model.providerOrder.isEmpty {
                rows.append([name, kind, model.enabled ? "yes" : "no", "-", "-", "-", "-", "-", "-", "-"])
            }
            for (position, provider) in model.providerOrder.enumerated() {
                guard let status = model.providers[provider] else { continue }
                let listed = status.listedFree ? (status.paid ? "paid" : "free") : (status.status == .documented ? "-" : "no")
                let evidence = status.status.rawValue + (status.lastListed.map { ", stale since \($0)" } ?? "")
                rows.append([
                    position == 0 ? name : "", position == 0 ? kind : "", position == 0 ? (model.enabled ? "yes" : "no") : "",
                    provider, status.key, listed, evidence, status.usable ? "yes" : "no", status.model,
                    model.servedBy.contains(provider) ? "yes" : "no: \(model.notServedBy[provider] ?? "unknown")",
                ])
            }
        }
        lines += Self.aligned(rows)
        if totalModels > models.count {
            lines.append("… \(totalModels - models.count) more models (use --full or --limit N)")
        }
        lines.append("")
        lines.append("Common models (usable on every required provider): " + (commonModels.isEmpty ? "(none)" : commonModels.joined(separator: ", ")))

        if let live {
            lines.append("")
            lines.append("Live /models:")
            for name in live.keys.sorted() {
                guard let entry = live[name] else { continue }
                if let error = entry.error {
                    lines.append("  \(name): error: \(error)")
                    continue
                }
                lines.append("  \(name): \(entry.listed) listed, \(entry.freeCount) free")
                for id in entry.freeModels { lines.append("    \(id)") }
                if entry.freeCount > entry.freeModels.count {
                    lines.append("    … \(entry.freeCount - entry.freeModels.count) more")
                }
                if let paid = entry.paidModels, !paid.isEmpty {
                    lines.append("    paid: \(paid.joined(separator: ", "))")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Pads each column to its widest cell; the last column is not padded.
    static func aligned(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = Array(repeating: 0, count: columns)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        return rows.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                line += column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
            }
            var trimmed = Substring(line)
            while trimmed.last == " " { trimmed.removeLast() }
            return String(trimmed)
        }
    }
}
