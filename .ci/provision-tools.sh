#!/usr/bin/env bash
# Provisions what the tests and the demo run besides the kube binaries: Debian's redis-server and
# lua5.1 (Argo CD runs its health checks in Lua 5.1; ArgoHealthChecksTest runs them the same way), and
# helm for the chart tests and `make lint-chart`, built with Go from the helm.sh/helm/v3 module,
# stamped with its version and Kubernetes version as helm's own release build does; the OpenAI
# Python client (PyPI, in a virtualenv), which RouterAccessIT points at a router and the simulator's
# SDK tests at the simulator; the Anthropic Python SDK (PyPI, in a virtualenv of its own), which the
# simulator's Anthropic SDK test points at the simulator; and moto's
# S3-compatible server (PyPI, in a virtualenv of its own), which S3SnapshotStoreIT writes snapshots
# to; and the clients RouterClientsIT runs through the router: the OpenAI Agents SDK and LangChain's
# OpenAI integration (PyPI, a virtualenv each), Anthropic's Node SDK and the two coding agents, Claude
# Code and Codex (npm, each under a prefix of its own; both ship their native binary inside the npm
# package). They land in ~/.kubeapitest/tools, outside the repository, so later runs reuse them.
set -euo pipefail

source "$(dirname "$0")/host-packages.sh"
provision_host_packages base tools

HELM_VERSION="${HELM_VERSION:-3.19.5}"
OPENAI_VERSION="${OPENAI_VERSION:-3.51.0}"
MOTO_VERSION="${MOTO_VERSION:-5.2.5}"
ANTHROPIC_VERSION="${ANTHROPIC_VERSION:-2.17.0}"
OPENAI_AGENTS_VERSION="${OPENAI_AGENTS_VERSION:-0.24.0}"
LANGCHAIN_OPENAI_VERSION="${LANGCHAIN_OPENAI_VERSION:-1.8.1}"
ANTHROPIC_NODE_VERSION="${ANTHROPIC_NODE_VERSION:-1.17.0}"
CLAUDE_CODE_VERSION="${CLAUDE_CODE_VERSION:-2.1.328}"
CODEX_VERSION="${CODEX_VERSION:-0.169.0}"
TOOLS_DIR="${TOOLS_DIR:-${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/tools}"
helm="$TOOLS_DIR/helm"

venv="$TOOLS_DIR/openai-python"
if [[ "$("$venv/bin/python" -c 'import openai; print(openai.__version__)' 2>/dev/null)" != "$OPENAI_VERSION" ]]; then
  echo "installing the OpenAI Python client $OPENAI_VERSION into $venv"
  mkdir -p "$TOOLS_DIR"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "openai==$OPENAI_VERSION"
fi

anthropic="$TOOLS_DIR/anthropic-python"
if [[ "$("$anthropic/bin/python" -c 'import anthropic; print(anthropic.__version__)' 2>/dev/null)" != "$ANTHROPIC_VERSION" ]]; then
  echo "installing the Anthropic Python SDK $ANTHROPIC_VERSION into $anthropic"
  mkdir -p "$TOOLS_DIR"
  python3 -m venv "$anthropic"
  "$anthropic/bin/pip" install -q "anthropic==$ANTHROPIC_VERSION"
fi

# A Python package pinned in a virtualenv of its own: pip_tool DIR DISTRIBUTION VERSION.
pip_tool() {
  local venv="$1" dist="$2" version="$3"
  if [[ "$("$venv/bin/python" -c "import importlib.metadata as m; print(m.version('$dist'))" 2>/dev/null)" != "$version" ]]; then
    echo "installing $dist $version into $venv"
    mkdir -p "$TOOLS_DIR"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "$dist==$version"
  fi
}
pip_tool "$TOOLS_DIR/openai-agents" openai-agents "$OPENAI_AGENTS_VERSION"
pip_tool "$TOOLS_DIR/langchain-openai" langchain-openai "$LANGCHAIN_OPENAI_VERSION"

# An npm package pinned under a prefix of its own: npm_tool DIR PACKAGE VERSION.
npm_tool() {
  local prefix="$1" package="$2" version="$3"
  if [[ "$(node -p "require('$prefix/node_modules/$package/package.json').version" 2>/dev/null)" != "$version" ]]; then
    command -v npm >/dev/null 2>&1 || { echo "$package needs node and npm; none found" >&2; exit 1; }
    echo "installing $package $version into $prefix"
    mkdir -p "$prefix"
    npm install -s --no-audit --no-fund --prefix "$prefix" "$package@$version"
  fi
}
npm_tool "$TOOLS_DIR/anthropic-node" @anthropic-ai/sdk "$ANTHROPIC_NODE_VERSION"
npm_tool "$TOOLS_DIR/claude-code" @anthropic-ai/claude-code "$CLAUDE_CODE_VERSION"
npm_tool "$TOOLS_DIR/codex" @openai/codex "$CODEX_VERSION"

moto="$TOOLS_DIR/moto"
if [[ ! -x "$moto/bin/moto_server" \
  || "$("$moto/bin/python" -c 'import moto; print(moto.__version__)' 2>/dev/null)" != "$MOTO_VERSION" ]]; then
  echo "installing moto's server $MOTO_VERSION into $moto"
  mkdir -p "$TOOLS_DIR"
  python3 -m venv "$moto"
  "$moto/bin/pip" install -q "moto[server]==$MOTO_VERSION"
fi

if [[ -x "$helm" && "$("$helm" version --template '{{.Version}}' 2>/dev/null)" == "v${HELM_VERSION}" ]]; then
  echo "helm v${HELM_VERSION} already in $TOOLS_DIR"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "helm v${HELM_VERSION} is built with Go 1.24 or newer; no go command found" >&2
  exit 1
fi

echo "resolving helm.sh/helm/v3 v${HELM_VERSION} (first run downloads the modules)"
gomod=$(go mod download -json "helm.sh/helm/v3@v${HELM_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
# helm's Makefile derives the Kubernetes version it reports (.Capabilities.KubeVersion) from client-go v0.<minor>.
client_go=$(awk '$1 == "k8s.io/client-go" {print $2; exit}' "$gomod")
IFS=. read -r _ k8s_minor _ <<<"${client_go#v}"
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=v${HELM_VERSION}"
for pkg in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=${k8s_minor}"
done

echo "building helm v${HELM_VERSION} (a few minutes on 2 cores, once)"
mkdir -p "$TOOLS_DIR"
GOBIN="$TOOLS_DIR" CGO_ENABLED=0 go install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@v${HELM_VERSION}"
"$helm" version --short
echo "helm ready in $TOOLS_DIR"
