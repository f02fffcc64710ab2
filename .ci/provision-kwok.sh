#!/usr/bin/env bash
# Provisions KWOK (sigs.k8s.io/kwok), built with Go from its module, and the stages it needs, for
# `make bench-scale`: fake nodes and pods made Ready on our own kube-apiservers, no Docker. KWOK
# applies no stage of its own when run as a binary: the bench passes the module's node/fast,
# node/heartbeat-with-lease and pod/fast stages with -c, copied here beside the binary.
# Cached in ~/.kubeapitest/tools/kwok-<version>.
set -euo pipefail

KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
TOOLS_DIR="${TOOLS_DIR:-${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/tools}"
target="$TOOLS_DIR/kwok-${KWOK_VERSION}"

if [[ -x "$target/kwok" && -f "$target/stages.yaml" ]]; then
  echo "kwok ${KWOK_VERSION} already in $target"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "kwok ${KWOK_VERSION} is built with Go (1.24 or newer; with GOTOOLCHAIN=auto an older go fetches it); no go command found" >&2
  exit 1
fi

echo "building kwok ${KWOK_VERSION} from its Go module (about 3.5 minutes on 2 cores, once)"
# Built into a directory of its own and moved when complete, so an interrupted build is not taken
# for a cached binary.
bin="$TOOLS_DIR/build-kwok-${KWOK_VERSION}"
rm -rf "$bin"
mkdir -p "$bin"
GOBIN="$bin" GOFLAGS= CGO_ENABLED=0 nice -n 10 go install -trimpath -ldflags "-s -w" \
  "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}"
module="$(GOFLAGS= go env GOMODCACHE)/sigs.k8s.io/kwok@${KWOK_VERSION}/kustomize/stage"
# One file of YAML documents: nodes Ready at once with a Lease heartbeat, pods bound to them Ready.
for stage in node/fast/node-initialize.yaml node/heartbeat-with-lease/*.yaml pod/fast/pod-*.yaml; do
  for file in $module/$stage; do
    [[ "$file" == *kustomization.yaml ]] && continue
    echo "---"
    cat "$file"
  done
done >"$bin/stages.yaml"
"$bin/kwok" --version | head -1
rm -rf "$target"
mv "$bin" "$target"
echo "kwok ready in $target"
