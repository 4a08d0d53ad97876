# One image, several entrypoints: every Plinth binary (gateway, services,
# worker, migrate) in one image, chosen by each Deployment's `command`.
# Why one: the C++ binaries link the same Debian shared libraries (gRPC,
# protobuf, absl, libpqxx…), so per-binary images would be the same bytes
# five times; one image is one build, one scan, one tag to pin, and every
# component of a release is guaranteed to come from the same commit.
#
# The build stage runs the same `./plinth build` as a developer machine
# (Bazel 4.2.3 from Debian, offline except the Go module proxy).
# No Docker engine runs where Plinth is developed, so this file is kept
# deliberately simple and is not built by ./plinth test (docs/DEPLOY.md).

FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl git sudo \
    && rm -rf /var/lib/apt/lists/*
# Go (the Debian 12 package is too old for the gateway's modules).
COPY --from=golang:1.26-bookworm /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH
WORKDIR /src
COPY . .
RUN ./plinth build \
    && mkdir -p /out/bin /out/migrations \
    && for b in services/profile/profile services/resource/resource services/billing/billing services/llm/llm; do \
         cp "bazel-bin/$b" "/out/bin/plinth-$(basename "$b")"; done \
    && cp bazel-bin/services/llm/llm_worker /out/bin/plinth-llm-worker \
    && cp bazel-bin/gateway/plinth-gateway bazel-bin/migrations/migrate /out/bin/ \
    && mv /out/bin/migrate /out/bin/plinth-migrate \
    && cp migrations/*.sql /out/migrations/

FROM debian:12-slim
# Only the shared libraries the binaries link (runtime packages of the -dev
# packages used to build them).
RUN apt-get update && apt-get install -y --no-install-recommends \
      ca-certificates libgrpc++1.51 libprotobuf32 libabsl20220623 libpqxx-6.4 libpq5 \
      libhiredis0.14 libspdlog1.10 libfmt9 libcurl4 libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 plinth && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin plinth
COPY --from=build /out/bin/ /usr/local/bin/
COPY --from=build /out/migrations/ /usr/share/plinth/migrations/
USER 10001:10001
EXPOSE 8080 50051 50052 50053 50054 50055
ENTRYPOINT []
CMD ["/usr/local/bin/plinth-gateway"]
