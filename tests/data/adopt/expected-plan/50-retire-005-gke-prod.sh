#!/bin/sh
# Cut-over step 50: retire spoke gke-prod's old credential, only after 10-spoke-005-gke-prod.sh verified a sync.
# Written by `ztwim-gitops import --plan`; read it, then run it (see README.md for the order).
set -eu
PLAN=$(dirname "$0")
: "${OUT:?set OUT to the directory of ztwim-gitops generate -c <imported config> --target all -o OUT}"
: "${HUB_KUBECONFIG:?set HUB_KUBECONFIG to a kubeconfig of the management cluster}"
: "${SPOKE_KUBECONFIG:?set SPOKE_KUBECONFIG to an admin kubeconfig of this spoke that uses neither OAuth nor the credential being retired (OpenShift: the installer's system:admin client certificate)}"

# execProviderConfig: revoke whatever the exec plugin authenticated with. This is yours to do; the plan cannot see it.
# The old cluster Secret, which held the credential, on the management cluster.
oc --kubeconfig "$HUB_KUBECONFIG" -n openshift-gitops delete secret cluster-gke-prod-1803
