# syntax=docker/dockerfile:1
# The ztwim-gitops KRM function image: a static musl binary in an empty image.
#
#   docker build -t ztwim-gitops .                                  # compiles from source
#   buildah bud --build-arg BINARY_FROM=prebuilt -t ztwim-gitops .  # copies an already built
#       target/x86_64-unknown-linux-musl/release/ztwim-gitops (for machines that cannot pull images)
#
# BINARY_FROM names the stage the final image starts from; builders skip the unused stages. The final
# stage builds on it directly (no alias stage in between), so buildah leaves no intermediate image or
# working container behind.
ARG BINARY_FROM=source

FROM docker.io/library/rust:1.85-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked --target x86_64-unknown-linux-musl \
    && cp target/x86_64-unknown-linux-musl/release/ztwim-gitops /ztwim-gitops

FROM scratch AS source
COPY --from=build /ztwim-gitops /usr/local/bin/ztwim-gitops

FROM scratch AS prebuilt
COPY target/x86_64-unknown-linux-musl/release/ztwim-gitops /usr/local/bin/ztwim-gitops

FROM ${BINARY_FROM}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="ztwim-gitops" \
      org.opencontainers.image.description="KRM function: OpenShift GitOps reaching spoke clusters with SPIFFE JWT-SVIDs from ZTWIM" \
      org.opencontainers.image.source="https://github.com/ztwim-gitops/ztwim-gitops" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
# kustomize runs container functions with `--user nobody`, which needs a passwd entry; the same files
# name 65532 (nonroot), the default user. No shell, no other files.
COPY packaging/etc/passwd packaging/etc/group /etc/
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/ztwim-gitops"]
