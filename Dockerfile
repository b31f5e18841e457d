# quizbot: multi-stage build. The builder compiles exactly what Cargo.lock pins; the runtime
# image holds the binary, the bundled quizzes and CA certificates, and runs as a non-root user
# with the database on the /data volume.
#
#   docker build -t quizbot .
#   docker run -e DISCORD_TOKEN=… -v quizbot-data:/data quizbot
#   docker run -e DISCORD_TOKEN=… -e QUIZBOT_DATABASE_URL=postgres://… quizbot   # PostgreSQL instead
#   docker run --rm quizbot rehearse          # a whole quiz against the built-in simulator

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin quizbot

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin quizbot \
 && mkdir -p /data \
 && chown quizbot /data
WORKDIR /app
# The binary keeps its line tables (backtraces name file and line); quizbot.dwp, the rest of
# the debug info, stays in the build stage.
COPY --from=build /src/target/release/quizbot /usr/local/bin/quizbot
COPY quizzes/ /app/quizzes/
COPY config/quizbot.example.toml /app/config/quizbot.example.toml
ENV QUIZBOT_DATABASE=/data/quizbot.sqlite3 \
    QUIZBOT_QUIZZES_DIR=/app/quizzes \
    QUIZBOT_METRICS_LISTEN=0.0.0.0:9108 \
    RUST_LOG=info
VOLUME ["/data"]
# Prometheus scrapes /metrics here; /healthz is what the HEALTHCHECK asks (docs/operations.md).
EXPOSE 9108
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["quizbot", "healthcheck"]
USER quizbot
# DISCORD_TOKEN comes from the environment at run time: docker run -e DISCORD_TOKEN=…
ENTRYPOINT ["quizbot"]
CMD ["run"]
