#!/bin/sh
# Cut-over step 10: move spoke prod-eu to keyless access.
# Written by `ztwim-gitops import --plan`; read it, then run it (see README.md for the order).
set -eu
PLAN=$(dirname "$0")
: "${OUT:?set OUT to the directory of ztwim-gitops generate -c <imported config> --target all -o OUT}"
: "${HUB_KUBECONFIG:?set HUB_KUBECONFIG to a kubeconfig of the management cluster}"
: "${SPOKE_KUBECONFIG:?set SPOKE_KUBECONFIG to an admin kubeconfig of this spoke that uses neither OAuth nor the credential being retired (OpenShift: the installer's system:admin client certificate)}"
: "${CONTROL_PLANE_KUBECONFIG:?set CONTROL_PLANE_KUBECONFIG to a kubeconfig of the cluster holding this spoke's control-plane objects (HostedCluster or ACK)}"

# 1. The spoke's objects, in wave order, with the certificate kubeconfig: from here on its API server
#    accepts the management cluster's JWT-SVIDs (and, for OpenShift, no longer OAuth logins).
oc --kubeconfig "$SPOKE_KUBECONFIG" apply -f "$OUT"/spokes/prod-eu/02-clusterrolebinding-ztwim-gitops-admins.yaml
oc --kubeconfig "$CONTROL_PLANE_KUBECONFIG" apply -f "$OUT"/control-plane/prod-eu/03-identityproviderconfig-prod-eu.yaml

# 2. Wait for the kube-apiserver rollout the authentication change starts (often 20 minutes or more).
oc --kubeconfig "$CONTROL_PLANE_KUBECONFIG" -n ztwim-gitops wait identityproviderconfig.eks.services.k8s.aws/prod-eu --for=jsonpath='{.status.status}'=ACTIVE --timeout=60m

# 3. Check every link of the trust chain, the issuer included, before Argo CD depends on it.
ztwim-gitops doctor --live "$OUT"/management "$OUT"/spokes/prod-eu "$OUT"/control-plane/prod-eu

# 4. Switch Argo CD: the new instance's cluster Secret for this spoke, then its Applications.
oc --kubeconfig "$HUB_KUBECONFIG" apply -f "$OUT"/management/03-secret-prod-eu.yaml

# 5. Verify: the new instance syncs this spoke with its JWT-SVID.
# No Application of the old instance targets this spoke: sync one (any) to it in the new instance
# and check Settings > Clusters shows it Successful before running the retire step.
