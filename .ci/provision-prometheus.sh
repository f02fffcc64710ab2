#!/usr/bin/env bash
# Provisions prometheus and promtool, built with Go from the github.com/prometheus/prometheus module
# (v0.316.0 is Prometheus 3.16.0), for the tests that check the operator's burn-rate rules with
# `promtool check rules` / `promtool test rules` and scrape a running operator and router with a real
# Prometheus (PrometheusRulesTest, DashboardQueriesProcessIT). Cached in ~/.kubeapitest/tools/prometheus-<version>.
set -euo pipefail

PROMETHEUS_VERSION="${PROMETHEUS_VERSION:-3.16.0}"
TOOLS_DIR="${TOOLS_DIR:-${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/tools}"
target="$TOOLS_DIR/prometheus-${PROMETHEUS_VERSION}"
# The Go module numbers release X.Y.Z as v0.X(YY).Z: Prometheus 3.16.0 is v0.316.0.
IFS=. read -r major minor patch <<<"$PROMETHEUS_VERSION"
module_version=$(printf 'v0.%d%02d.%d' "$major" "$minor" "$patch")

if [[ -x "$target/prometheus" && -x "$target/promtool" ]]; then
  echo "prometheus and promtool ${PROMETHEUS_VERSION} already in $target"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "prometheus ${PROMETHEUS_VERSION} is built with Go 1.26.7 or newer (with GOTOOLCHAIN=auto an older go fetches it); no go command found" >&2
  exit 1
fi

echo "building prometheus and promtool ${PROMETHEUS_VERSION} (module ${module_version}; about 4 minutes on 2 cores, once)"
# The module has no replace directives, so go install builds it as released. remove_all_sd is the
# module's own build tag that leaves out the cloud service discovery plugins (file and static
# targets stay): the tests list their targets in the configuration. Without builtinassets the web UI
# is not embedded; the tests use only the HTTP API. Built into a directory of its own and moved when
# complete, so an interrupted build is not taken for a cached binary.
bin="$TOOLS_DIR/build-prometheus-${PROMETHEUS_VERSION}"
rm -rf "$bin"
mkdir -p "$bin"
ldflags="-s -w -X github.com/prometheus/common/version.Version=${PROMETHEUS_VERSION}"
ldflags+=" -X github.com/prometheus/common/version.Branch=${module_version}"
GOBIN="$bin" GOFLAGS= CGO_ENABLED=0 nice -n 10 go install -trimpath -tags remove_all_sd -ldflags "$ldflags" \
  "github.com/prometheus/prometheus/cmd/prometheus@${module_version}" \
  "github.com/prometheus/prometheus/cmd/promtool@${module_version}"
"$bin/prometheus" --version | head -1
"$bin/promtool" --version | head -1
rm -rf "$target"
mv "$bin" "$target"
echo "prometheus and promtool ready in $target"
