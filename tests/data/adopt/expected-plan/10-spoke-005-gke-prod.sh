#!/bin/sh
# Cut-over step 10: move spoke gke-prod to keyless access.
# Written by `ztwim-gitops import --plan`; read it, then run it (see README.md for the order).
set -eu
PLAN=$(dirname "$0")
: "${OUT:?set OUT to the directory of ztwim-gitops generate -c <imported config> --target all -o OUT}"
: "${HUB_KUBECONFIG:?set HUB_KUBECONFIG to a kubeconfig of the management cluster}"
: "${SPOKE_KUBECONFIG:?set SPOKE_KUBECONFIG to an admin kubeconfig of this spoke that uses neither OAuth nor the credential being retired (OpenShift: the installer's system:admin client certificate)}"

# 1. The spoke's objects, in wave order, with the certificate kubeconfig: from here on its API server
#    accepts the management cluster's JWT-SVIDs (and, for OpenShift, no longer OAuth logins).
oc --kubeconfig "$SPOKE_KUBECONFIG" apply -f "$OUT"/spokes/gke-prod/02-clusterrolebinding-ztwim-gitops-admins.yaml
oc --kubeconfig "$SPOKE_KUBECONFIG" apply -f "$OUT"/spokes/gke-prod/authentication-config.yaml

# 2. Wait for the kube-apiserver rollout the authentication change starts (often 20 minutes or more).
# kube-apiserver reads the authentication config file only when started with
# --authentication-config; restart it that way on every control-plane node, then:
oc --kubeconfig "$SPOKE_KUBECONFIG" get --raw /readyz

# 3. Check every link of the trust chain, the issuer included, before Argo CD depends on it.
ztwim-gitops doctor --live "$OUT"/management "$OUT"/spokes/gke-prod

# 4. Switch Argo CD: the new instance's cluster Secret for this spoke, then its Applications.
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$OUT"/management/03-secret-gke-prod.yaml
# Application gke-tools: its resources-finalizer.argocd.argoproj.io finalizer is removed first, so deleting the old
# Application orphans its resources instead of pruning them; the new one adopts them.
oc --kubeconfig "$HUB_KUBECONFIG" -n openshift-gitops patch application.argoproj.io/gke-tools --type=merge -p '{"metadata":{"finalizers":null}}'
oc --kubeconfig "$HUB_KUBECONFIG" -n openshift-gitops delete application.argoproj.io/gke-tools --cascade=orphan
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$PLAN"/argocd/application-gke-tools.yaml

# 5. Verify: the new instance syncs this spoke with its JWT-SVID.
oc --kubeconfig "$HUB_KUBECONFIG" -n ztwim-gitops wait application.argoproj.io/gke-tools --timeout=15m --for=jsonpath='{.status.sync.status}'=Synced
oc --kubeconfig "$HUB_KUBECONFIG" -n ztwim-gitops wait application.argoproj.io/gke-tools --timeout=15m --for=jsonpath='{.status.health.status}'=Healthy
