#!/usr/bin/env bash
# The release recipe, run by a maintainer on a tagged commit; not by CI, which has no registry
# credentials, no signing identity and no network for toolchains. It builds:
#   - static musl binaries for amd64 and arm64 (cargo auditable: each binary carries its own dependency
#     list, which `cargo audit bin`, syft and trivy read),
#   - a CycloneDX SBOM per target (cargo cyclonedx) and a SHA256SUMS of the binaries,
#   - one multi-arch image (a manifest list) from the Dockerfile's `prebuilt` stage, with the OCI labels,
# and with --push publishes the image and signs it with cosign (keyless): the image, the SBOM as an
# attestation, and SHA256SUMS as a blob.
#
# Usage: packaging/release.sh [--dry-run] [--push]
#   --dry-run  print each command instead of running it (what tests/it/container.rs checks)
#   --push     push to the registry and sign; without it everything stays in dist/ and buildah's store
# Needs: rustup, cargo-auditable and cargo-cyclonedx (`cargo install --locked cargo-auditable
# cargo-cyclonedx`), buildah; for --push a registry login (`buildah login ghcr.io`) and cosign.
set -euo pipefail
cd "$(dirname "$0")/.."

dry_run=false
push=false
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    --push) push=true ;;
    *) echo "usage: packaging/release.sh [--dry-run] [--push]" >&2; exit 2 ;;
  esac
done

# Every command goes through here, so a dry run shows exactly what a release runs, quoted as a shell
# would need it.
run() {
  if $dry_run; then
    printf '%q ' "$@"
    printf '\n'
  else
    "$@"
  fi
}

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
image=ghcr.io/ztwim-gitops/ztwim-gitops
revision=$(git rev-parse HEAD)
# The commit's time, not the clock's: building the same commit twice gives the same labels.
created=$(git show -s --format=%cI HEAD)
epoch=$(git show -s --format=%ct HEAD)
dist=dist/$version

# musl target and image platform, per architecture.
targets=(x86_64-unknown-linux-musl:linux/amd64 aarch64-unknown-linux-musl:linux/arm64)

run mkdir -p "$dist"
for pair in "${targets[@]}"; do
  triple=${pair%%:*}
  platform=${pair#*:}
  run rustup target add "$triple"
  # rust-lld links a static musl binary for either target with the target's own self-contained C
  # runtime, so no cross gcc is needed (checked for x86_64; arm64 is built the same way).
  linker_var="CARGO_TARGET_$(printf '%s' "$triple" | tr 'a-z-' 'A-Z_')_LINKER"
  run env "$linker_var=rust-lld" cargo auditable build --release --locked --target "$triple"
  run cp "target/$triple/release/ztwim-gitops" "$dist/ztwim-gitops-$version-$triple"
  # One SBOM per target: platform-specific dependencies differ. It is written next to Cargo.toml as
  # <override-filename>.json; SOURCE_DATE_EPOCH makes its timestamp the commit's.
  run env "SOURCE_DATE_EPOCH=$epoch" cargo cyclonedx --format json --spec-version 1.5 --target "$triple" \
    --override-filename "ztwim-gitops-$version-$triple.cdx"
  run mv "ztwim-gitops-$version-$triple.cdx.json" "$dist/"
  run buildah bud --isolation chroot --platform "$platform" \
    --build-arg BINARY_FROM=prebuilt --build-arg RUST_TARGET="$triple" --build-arg VERSION="$version" \
    --label "org.opencontainers.image.revision=$revision" \
    --label "org.opencontainers.image.created=$created" \
    --manifest "$image:$version" .
done
if $dry_run; then
  echo "(cd $dist && sha256sum ztwim-gitops-$version-* > SHA256SUMS)"
else
  (cd "$dist" && sha256sum "ztwim-gitops-$version-"* > SHA256SUMS)
fi

if ! $push; then
  echo "built $image:$version (not pushed) and $dist; run with --push to publish and sign" >&2
  exit 0
fi
run buildah manifest push --all --digestfile "$dist/image.digest" "$image:$version" "docker://$image:$version"
if $dry_run; then
  digest='sha256:<digest of the pushed manifest list>'
else
  digest=$(cat "$dist/image.digest")
fi
# Keyless signing: cosign gets a short-lived certificate for the CI or maintainer identity from Fulcio and
# logs the signature in Rekor; README "Image and release" shows how users verify it.
run cosign sign --yes "$image@$digest"
for pair in "${targets[@]}"; do
  run cosign attest --yes --type cyclonedx --predicate "$dist/ztwim-gitops-$version-${pair%%:*}.cdx.json" "$image@$digest"
done
run cosign sign-blob --yes --bundle "$dist/SHA256SUMS.sigstore.json" "$dist/SHA256SUMS"
