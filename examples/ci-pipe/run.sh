#!/usr/bin/env bash
# CI pipes without an orchestrator. Run from the repository root with ztwim-gitops and kpt on PATH.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# 1. Print one cluster's manifests and let kubectl parse every object offline. `--local` needs no
#    cluster; with one, pipe to `kubectl apply --dry-run=server -f -` (or plain `kubectl apply -f -`).
ztwim-gitops generate -c examples/ci-pipe/ztwim-gitops.yaml --target spoke/spoke-a \
  | kubectl annotate --local --dry-run=client -f - -o name ztwim-gitops.dev/checked=true

# 2. A package through the function as a ResourceList, written out as files.
kpt fn source examples/kpt-package --fn-config examples/ci-pipe/ztwim-gitops.yaml \
  | ztwim-gitops | kpt fn sink "$out/pkg"
(cd "$out/pkg" && find . -type f | sort)
