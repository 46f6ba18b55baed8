#!/bin/sh
# Cut-over step 90: the old instance's AppProjects, once no Application there uses them.
# Written by `ztwim-gitops import --plan`; read it, then run it (see README.md for the order).
set -eu
PLAN=$(dirname "$0")
: "${OUT:?set OUT to the directory of ztwim-gitops generate -c <imported config> --target all -o OUT}"
: "${HUB_KUBECONFIG:?set HUB_KUBECONFIG to a kubeconfig of the management cluster}"

oc --kubeconfig "$HUB_KUBECONFIG" -n openshift-gitops delete appproject.argoproj.io/team-b
