#!/bin/sh
# Cut-over step 50: retire spoke edge-1's old credential, only after 10-spoke-002-edge-1.sh verified a sync.
# Written by `ztwim-gitops import --plan`; read it, then run it (see README.md for the order).
set -eu
PLAN=$(dirname "$0")
: "${OUT:?set OUT to the directory of ztwim-gitops generate -c <imported config> --target all -o OUT}"
: "${HUB_KUBECONFIG:?set HUB_KUBECONFIG to a kubeconfig of the management cluster}"
: "${SPOKE_KUBECONFIG:?set SPOKE_KUBECONFIG to an admin kubeconfig of this spoke that uses neither OAuth nor the credential being retired (OpenShift: the installer's system:admin client certificate)}"

# The argocd-manager ServiceAccount `argocd cluster add` created. Deleting it invalidates every token
# it has; if another Argo CD uses the same ServiceAccount, that one loses access too.
oc --kubeconfig "$SPOKE_KUBECONFIG" delete clusterrolebinding argocd-manager-role-binding --ignore-not-found
oc --kubeconfig "$SPOKE_KUBECONFIG" delete clusterrole argocd-manager-role --ignore-not-found
oc --kubeconfig "$SPOKE_KUBECONFIG" -n kube-system delete secret argocd-manager-long-lived-token --ignore-not-found
oc --kubeconfig "$SPOKE_KUBECONFIG" -n kube-system delete serviceaccount argocd-manager --ignore-not-found
# The old cluster Secret, which held the credential, on the management cluster.
oc --kubeconfig "$HUB_KUBECONFIG" -n openshift-gitops delete secret cluster-api.edge-1.example.com-1196418342
