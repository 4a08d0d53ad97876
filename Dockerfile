# One image, several entrypoints: every Plinth binary (gateway, services,
# worker, migrate) in one image, chosen by each Deployment's `command`.
# Why one: the C++ binaries link the same Debian shared libraries (gRPC,
# protobuf, absl, libpqxx…), so per-binary images would be the same bytes
# five times; one image is one build, one scan, one tag to pin, and every
# component of a release is guaranteed to come from the same commit.
#
# Two ways to get the binaries (build argument BINARIES):
#   source    (default, release builds): the `source` stage runs the same
#             `./plinth build` as a developer machine (Bazel 4.2.3 from Debian,
#             offline except the Go module proxy);
#   prebuilt  copies dist/ from the build context, which `./plinth image`
#             fills with what `./plinth build` made on Debian 12 (the same
#             libraries as the runtime stage). Used by ./plinth test deploy.
# Base images are build arguments: a registry's by default; a locally
# imported Debian where no registry is reachable (docs/DEPLOY.md).

ARG BUILD_BASE=debian:12
ARG GO_IMAGE=golang:1.26-bookworm
ARG BASE=debian:12-slim
ARG BINARIES=source

FROM ${GO_IMAGE} AS go

FROM ${BUILD_BASE} AS source
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl git sudo \
    && rm -rf /var/lib/apt/lists/*
# Go (the Debian 12 package is too old for the gateway's modules).
COPY --from=go /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH
WORKDIR /src
COPY . .
RUN ./plinth build && ./plinth dist /out

FROM scratch AS prebuilt
COPY dist/ /out/

FROM ${BINARIES} AS binaries

FROM ${BASE}
# Only the shared libraries the binaries link (runtime packages of the -dev
# packages used to build them).
RUN apt-get update && apt-get install -y --no-install-recommends \
      ca-certificates libgrpc++1.51 libprotobuf32 libabsl20220623 libpqxx-6.4 libpq5 \
      libhiredis0.14 libspdlog1.10 libfmt9 libcurl4 libssl3 \
      libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 libcivetweb1 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 plinth && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin plinth
COPY --from=binaries /out/bin/ /usr/local/bin/
COPY --from=binaries /out/migrations/ /usr/share/plinth/migrations/
USER 10001:10001
EXPOSE 8080 50051 50052 50053 50054 50055
ENTRYPOINT []
CMD ["/usr/local/bin/plinth-gateway"]
