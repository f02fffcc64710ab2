#!/usr/bin/env bash
# Provisions the platform APIs' CRDs the tests install on their API servers (HTTPRoute, DNSEndpoint,
# PrometheusRule, ServiceMonitor, ScaledObject), as their projects publish them: each comes from the
# Go module .ci/platform-crds.tsv names, downloaded with `go mod download` (checked against the Go
# checksum database like any module), and lands in ~/.kubeapitest/crds/<module>@<version>/, outside
# the repository, so later runs reuse it.
#
# external-dns v0.23.0 and KEDA v2.21.1 declare a newer Go in their go.mod (1.27.0, 1.27.4) than this
# machine's. With GOTOOLCHAIN=local, `go mod download` still fetches, verifies and extracts the module,
# then reports "requires go >= ..." and exits non-zero; that one error is accepted here. Nothing of
# those modules is built, so no newer toolchain is needed (GOTOOLCHAIN=go1.27.3 would download 76 MB
# and still be too old for KEDA's 1.27.4).
set -euo pipefail
cd "$(dirname "$0")/.."

KUBE_API_TEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
list=.ci/platform-crds.tsv

if ! command -v go >/dev/null 2>&1; then
  echo "the platform CRDs come from Go modules; no go command found (Go 1.24 or newer)" >&2
  exit 1
fi

modcache="$(go env GOMODCACHE)"
mkdir -p "$KUBE_API_TEST_DIR"
while IFS=$'\t' read -r kind module version file; do
  [[ -z $kind || $kind == \#* ]] && continue
  dir="$KUBE_API_TEST_DIR/crds/$module@$version"
  target="$dir/$(basename "$file")"
  if [[ -s $target ]]; then
    continue
  fi
  echo "downloading $module@$version for the $kind CRD"
  if ! out=$(cd "$KUBE_API_TEST_DIR" && GOTOOLCHAIN=local go mod download -json "$module@$version" 2>&1); then
    # go's JSON writes ">=" as "\u003e=".
    if ! grep -qE '"Error": ".* requires go (>=|\\u003e=) ' <<<"$out" || ! grep -q '"Sum": "h1:' <<<"$out"; then
      echo "go mod download $module@$version failed:" >&2
      echo "$out" >&2
      exit 1
    fi
  fi
  # The module cache escapes upper-case letters in paths; none of the listed modules has any.
  source="$modcache/$module@$version/$file"
  if [[ ! -s $source ]]; then
    echo "$module@$version has no $file" >&2
    exit 1
  fi
  mkdir -p "$dir"
  cp "$source" "$target.tmp"
  chmod u+w "$target.tmp"
  # Renamed only when complete, so an interrupted copy is not mistaken for a cached CRD.
  mv "$target.tmp" "$target"
done <"$list"
echo "platform CRDs ready in $KUBE_API_TEST_DIR/crds"
