#!/bin/sh
# Cut-over step 00: the new Argo CD instance and the AppProjects of the old one.
# Written by `ztwim-gitops import --plan`; read it, then run it (see README.md for the order).
set -eu
PLAN=$(dirname "$0")
: "${OUT:?set OUT to the directory of ztwim-gitops generate -c <imported config> --target all -o OUT}"
: "${HUB_KUBECONFIG:?set HUB_KUBECONFIG to a kubeconfig of the management cluster}"

# The management cluster's objects in wave order; each spoke's cluster Secret waits for its own step.
# Operators first; their custom resources once OLM has installed them.
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$OUT"/management/00-namespace-zero-trust-workload-identity-manager.yaml
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$OUT"/management/00-operatorgroup-zero-trust-workload-identity-manager.yaml
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$OUT"/management/00-subscription-openshift-zero-trust-workload-identity-manager.yaml
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$OUT"/management/00-namespace-ztwim-gitops.yaml
oc --kubeconfig "$HUB_KUBECONFIG" -n zero-trust-workload-identity-manager wait csv --all --for=jsonpath='{.status.phase}'=Succeeded --timeout=15m
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$OUT"/management/01-zerotrustworkloadidentitymanager-cluster.yaml
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$OUT"/management/02-spireserver-cluster.yaml
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$OUT"/management/02-spireagent-cluster.yaml
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$OUT"/management/02-spiffecsidriver-cluster.yaml
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$OUT"/management/02-spireoidcdiscoveryprovider-cluster.yaml
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$OUT"/management/02-argocd-openshift-gitops.yaml
oc --kubeconfig "$HUB_KUBECONFIG" -n ztwim-gitops wait argocd/openshift-gitops --for=jsonpath='{.status.phase}'=Available --timeout=15m

# The old instance's AppProjects, re-emitted for the new namespace (the old ones stay until 90).
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$PLAN"/argocd/appproject-team-b.yaml
