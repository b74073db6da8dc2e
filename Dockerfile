# syntax=docker/dockerfile:1
# llmrouter in a container: a static-stdlib release build, run as a non-root user on a slim
# Ubuntu. `scripts/e2e-container-commands.sh` runs this file's build and start commands
# without Docker; keep the two in step.

# ---- build ------------------------------------------------------------------------------
FROM swift:6.1-noble AS build
WORKDIR /build
# SwiftPM checks every target's folder when it reads the manifest, Tests included.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift package resolve
RUN swift build -c release --static-swift-stdlib --product llmrouter
WORKDIR /staging
RUN cp "$(swift build --package-path /build -c release --show-bin-path)/llmrouter" ./ \
    && cp /usr/libexec/swift/linux/swift-backtrace-static ./ \
    && mkdir -p config data generated
COPY generated/model_index.json ./generated/
COPY config/providers.example.yaml config/model_catalog_seed.yaml ./config/
COPY config/catalog_seed/open-models.yaml config/catalog_seed/provider-models.yaml config/catalog_seed/embeddings.yaml ./config/catalog_seed/

# ---- run --------------------------------------------------------------------------------
FROM ubuntu:noble
# ca-certificates: TLS to the providers; curl: the health check; tzdata: local log times.
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends ca-certificates curl tzdata \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --user-group --system --create-home --home-dir /app --shell /usr/sbin/nologin llmrouter
WORKDIR /app
COPY --from=build --chown=llmrouter:llmrouter /staging /app
# config/ holds providers.yaml and keys.yaml (mount it read-only); data/ the usage log.
VOLUME ["/app/config", "/app/data"]
ENV LLMROUTER_HOST=0.0.0.0 \
    PORT=8000 \
    LLMROUTER_CACHE_DIR=/app/data/cache \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=./swift-backtrace-static
USER llmrouter:llmrouter
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/health" || exit 1
ENTRYPOINT ["./llmrouter"]
CMD ["serve"]
