# Guildhall container image.
#
#   docker build -t guildhall .
#   docker run -p 8080:8080 -v guildhall-data:/data guildhall
#
# Configuration is by environment variables (see docs/admin-guide.md). The first start
# prints the generated `admin` password once: read it with `docker logs`.

# ---- build stage ---------------------------------------------------------------------
FROM rust:1.95-bookworm AS builder

WORKDIR /src
COPY . .
RUN cargo build --release --locked -p guildhall \
    && cp target/release/guildhall /usr/local/bin/guildhall

# ---- runtime stage -------------------------------------------------------------------
FROM debian:bookworm-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user that owns the data directory and nothing else.
RUN groupadd --system --gid 10001 guildhall \
    && useradd --system --uid 10001 --gid guildhall --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin guildhall \
    && mkdir -p /data \
    && chown guildhall:guildhall /data \
    && chmod 700 /data

COPY --from=builder /usr/local/bin/guildhall /usr/local/bin/guildhall

ENV GUILDHALL_BIND=0.0.0.0:8080 \
    GUILDHALL_DATA_DIR=/data

WORKDIR /data
VOLUME /data
EXPOSE 8080
USER guildhall:guildhall

ENTRYPOINT ["guildhall"]
CMD ["serve"]
