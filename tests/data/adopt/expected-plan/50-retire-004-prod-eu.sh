#!/bin/sh
# Cut-over step 50: retire spoke prod-eu's old credential, only after 10-spoke-004-prod-eu.sh verified a sync.
# Written by `ztwim-gitops import --plan`; read it, then run it (see README.md for the order).
set -eu
PLAN=$(dirname "$0")
: "${OUT:?set OUT to the directory of ztwim-gitops generate -c <imported config> --target all -o OUT}"
: "${HUB_KUBECONFIG:?set HUB_KUBECONFIG to a kubeconfig of the management cluster}"
: "${SPOKE_KUBECONFIG:?set SPOKE_KUBECONFIG to an admin kubeconfig of this spoke that uses neither OAuth nor the credential being retired (OpenShift: the installer's system:admin client certificate)}"

# awsAuthConfig: remove the Argo CD role's EKS access entry and, if nothing else uses it, the IAM role. This is yours to do; the plan cannot see it.
# The old cluster Secret, which held the credential, on the management cluster.
oc --kubeconfig "$HUB_KUBECONFIG" -n openshift-gitops delete secret cluster-prod-eu-eks-2041337765
