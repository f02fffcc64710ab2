#!/usr/bin/env bash
# Provisions what FluxGitOpsIT runs: Flux's source-controller and kustomize-controller, built with Go
# from their modules at $FLUX_VERSION, their CRDs (config/crd/bases/ of the same module zips), and
# flux-git-server (.ci/flux-git-server: github.com/fluxcd/pkg/gittestserver serving a directory of
# repositories over smart HTTP, which is what source-controller clones from), and git from Debian
# (the flux tier of host-packages.tsv) for the test's commits and the server's pack exchange.
# They land in ~/.kubeapitest/flux/<version>, outside the repository, so later runs reuse them.
# helm-controller is not served as a Go module here, so HelmReleases are not run (k8s/gitops/README.md).
set -euo pipefail

FLUX_VERSION="${FLUX_VERSION:-1.9.6}"
GITTESTSERVER_VERSION="${GITTESTSERVER_VERSION:-0.25.0}"
KUBE_API_TEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
target="$KUBE_API_TEST_DIR/flux/${FLUX_VERSION}"
work="$KUBE_API_TEST_DIR/flux/build-${FLUX_VERSION}"
git_server_source="$(cd "$(dirname "$0")" && pwd)/flux-git-server/main.go"

source "$(dirname "$0")/host-packages.sh"
provision_host_packages base flux

# The git server is rebuilt when its source changes: the hash of main.go is part of its name.
git_server_hash=$(sha256sum "$git_server_source" | cut -c1-12)
git_server="$target/flux-git-server-${git_server_hash}"

if [[ -x "$target/source-controller" && -x "$target/kustomize-controller" && -x "$git_server" \
  && -d "$target/crds" ]]; then
  echo "Flux ${FLUX_VERSION} controllers, CRDs and git server already in $target"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "Flux ${FLUX_VERSION} controllers are built with Go 1.26 or newer; no go command found" >&2
  exit 1
fi
mkdir -p "$target" "$work"

# A wrapper module per program: the controllers' go.mod files carry `replace` directives, which the go
# tool obeys only in the main module, so the wrapper copies each one that names a published version.
# The `./api` replaces are left out: the controller also requires its api module at the same release.
# PINS (module=module@version, space-separated) replaces requirements this machine's module proxy does
# not serve with the nearest release it does.
# build_from_module NAME MODULE VERSION PACKAGE [MAIN_GO [FILE_NAME]]
build_from_module() {
  local name=$1 module=$2 version=$3 package=$4 main_go=${5:-}
  local dir="$work/$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  (
    cd "$dir"
    echo "resolving $module v$version (first run downloads the modules)"
    local gomod
    gomod=$(go mod download -json "$module@v$version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    printf 'module beastmode.io/%s\n\ngo 1.26.0\n\nrequire %s v%s\n' "$name" "$module" "$version" >go.mod
    local left right old new
    while IFS= read -r line; do
      left=${line%%=>*} right=${line#*=>}
      read -r -a old <<<"$left"
      read -r -a new <<<"$right"
      [[ ${#new[@]} == 2 ]] || continue
      go mod edit -replace="${old[0]}${old[1]:+@${old[1]}}=${new[0]}@${new[1]}"
    done < <(sed -n '/^replace (/,/^)/p; /^replace [^(]/p' "$gomod" | grep '=>' | sed 's/^replace[[:space:]]*//')
    local pin
    for pin in ${PINS:-}; do
      go mod edit -replace="$pin"
    done
    [[ -n $main_go ]] && cp "$main_go" main.go
    echo "building $name (once; a controller takes minutes on 2 cores)"
    local what=$package
    [[ -n $main_go ]] && what=.
    GOFLAGS=-mod=mod CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags "-s -w" -o "$target/$name.tmp" "$what"
  )
  # Renamed only when complete, so an interrupted build is not mistaken for a cached binary.
  mv "$target/$name.tmp" "$target/${6:-$name}"
}

# source-controller v1.9.6 requires github.com/fluxcd/pkg/artifact v0.18.3, which is not served here;
# v0.18.0 is (the same minor release, three patches older) and builds.
declare -A pins=([source-controller]="github.com/fluxcd/pkg/artifact=github.com/fluxcd/pkg/artifact@v0.18.0")
for controller in source-controller kustomize-controller; do
  if [[ ! -x "$target/$controller" ]]; then
    SECONDS=0
    PINS="${pins[$controller]:-}" build_from_module "$controller" "github.com/fluxcd/$controller" \
      "$FLUX_VERSION" "github.com/fluxcd/$controller"
    echo "$controller v${FLUX_VERSION} built in ${SECONDS} s"
  fi
done
if [[ ! -x "$git_server" ]]; then
  rm -f "$target"/flux-git-server-*
  build_from_module flux-git-server github.com/fluxcd/pkg/gittestserver "$GITTESTSERVER_VERSION" "" \
    "$git_server_source" "flux-git-server-${git_server_hash}"
fi
ln -sf "$(basename "$git_server")" "$target/flux-git-server"

crds="$target/crds"
if [[ ! -d $crds ]]; then
  rm -rf "$crds.tmp"
  mkdir -p "$crds.tmp"
  for controller in source-controller kustomize-controller; do
    dir=$(go mod download -json "github.com/fluxcd/$controller@v$FLUX_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
    cp "$dir"/config/crd/bases/*.yaml "$crds.tmp/"
  done
  chmod u+w "$crds.tmp"/*.yaml
  mv "$crds.tmp" "$crds"
fi
echo "Flux ${FLUX_VERSION} ready in $target"
