#!/usr/bin/env bash
# Provisions what `make bench-router` runs beside our own code: Debian's nginx (the fast upstream)
# and gnuplot (the latency plot), and the Portkey gateway from the npm registry at a pinned version,
# installed under ~/.kubeapitest/tools so later runs reuse it. Prints the gateway's start script.
set -euo pipefail

PORTKEY_VERSION="${PORTKEY_VERSION:-1.15.2}"
TOOLS_DIR="${TOOLS_DIR:-${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/tools}"
portkey_dir="$TOOLS_DIR/portkey-$PORTKEY_VERSION"
start_script="$portkey_dir/node_modules/@portkey-ai/gateway/build/start-server.js"

source "$(dirname "$0")/host-packages.sh"
provision_host_packages base bench

if [[ ! -f "$start_script" ]]; then
  echo "installing @portkey-ai/gateway@$PORTKEY_VERSION from the npm registry into $portkey_dir" >&2
  mkdir -p "$portkey_dir"
  npm install --silent --no-audit --no-fund --prefix "$portkey_dir" "@portkey-ai/gateway@$PORTKEY_VERSION" >&2
fi
echo "$start_script"
