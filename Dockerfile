# syntax=docker/dockerfile:1
# The ztwim-gitops KRM function image: a static musl binary in an empty image.
#
#   docker build -t ztwim-gitops .                                  # compiles from source
#   buildah bud --build-arg BINARY_FROM=prebuilt -t ztwim-gitops .  # copies an already built
#       target/x86_64-unknown-linux-musl/release/ztwim-gitops (for machines that cannot pull images)
#
# Other architectures: RUST_TARGET names the musl target and --platform the image's platform, e.g. for arm64
#   cargo build --release --locked --target aarch64-unknown-linux-musl
#   buildah bud --platform linux/arm64 --build-arg BINARY_FROM=prebuilt \
#       --build-arg RUST_TARGET=aarch64-unknown-linux-musl --manifest ztwim-gitops:0.1.0 .
# (the prebuilt stage runs nothing, so no emulation is needed); packaging/release.sh builds both
# architectures into one manifest list, with an SBOM and signatures.
#
# BINARY_FROM names the stage the final image starts from; builders skip the unused stages. The final
# stage builds on it directly (no alias stage in between), so buildah leaves no intermediate image or
# working container behind.
ARG BINARY_FROM=source
ARG RUST_TARGET=x86_64-unknown-linux-musl

# The toolchain is Cargo.toml's rust-version (the spiffe crate needs 1.88).
FROM docker.io/library/rust:1.88-alpine AS build
ARG RUST_TARGET
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
# A native build on the platform this stage runs on (emulated for a foreign --platform), so RUST_TARGET
# must be that platform's musl target, which the alpine image already has.
RUN cargo build --release --locked --target "${RUST_TARGET}" \
    && cp "target/${RUST_TARGET}/release/ztwim-gitops" /ztwim-gitops

FROM scratch AS source
COPY --from=build /ztwim-gitops /usr/local/bin/ztwim-gitops

FROM scratch AS prebuilt
ARG RUST_TARGET
COPY target/${RUST_TARGET}/release/ztwim-gitops /usr/local/bin/ztwim-gitops

FROM ${BINARY_FROM}
ARG VERSION=0.1.0
# The OCI annotation keys (opencontainers/image-spec annotations.md). `created` and `revision` change with
# every build, so the release recipe passes them with --label instead of baking a placeholder in here.
LABEL org.opencontainers.image.title="ztwim-gitops" \
      org.opencontainers.image.description="Generates what OpenShift GitOps (Argo CD) needs to reach spoke clusters with short-lived SPIFFE JWT-SVIDs from ZTWIM instead of stored tokens." \
      org.opencontainers.image.source="https://github.com/ztwim-gitops/ztwim-gitops" \
      org.opencontainers.image.url="https://github.com/ztwim-gitops/ztwim-gitops" \
      org.opencontainers.image.documentation="https://github.com/ztwim-gitops/ztwim-gitops/blob/main/README.md" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
# kustomize runs container functions with `--user nobody`, which needs a passwd entry; the same files
# name 65532 (nonroot), the default user. No shell; besides the binary only those two files and the licence
# texts: ours, those of the code vendored into it (saphyr-parser's LICENSE requires both authors'
# licences to travel with every redistribution, and the image is one), and those of every crate linked
# into the binary (packaging/THIRD-PARTY-LICENSES, from cargo-about: MIT, BSD and ISC require their
# notices in binary redistributions too).
COPY packaging/etc/passwd packaging/etc/group /etc/
COPY LICENSE packaging/THIRD-PARTY-LICENSES /usr/share/licenses/ztwim-gitops/
COPY vendor/saphyr-parser/LICENSE vendor/saphyr-parser/.licenses/ /usr/share/licenses/ztwim-gitops/saphyr-parser/
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/ztwim-gitops"]
