#!/usr/bin/env bash
# CI pipes without an orchestrator. Run from the repository root with ztwim-gitops and kpt on PATH.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# 1. Print one cluster's manifests and let kubectl check them client-side.
ztwim-gitops generate -c examples/ci-pipe/ztwim-gitops.yaml --target spoke/spoke-a \
  | kubectl apply --dry-run=client --validate=false -f - -o name | sort

# 2. A package through the function as a ResourceList, written out as files.
kpt fn source examples/kpt-package --fn-config examples/ci-pipe/ztwim-gitops.yaml \
  | ztwim-gitops | kpt fn sink "$out/pkg"
(cd "$out/pkg" && find . -type f | sort)
