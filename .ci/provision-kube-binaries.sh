#!/usr/bin/env bash
# Provisions the binaries fabric8 kube-api-test runs in offline mode: etcd (Debian's etcd-server),
# kube-apiserver and kubectl (built with Go from the k8s.io/kubernetes module).
# They land in ~/.kubeapitest/k8s/<version>-linux-amd64, outside the repository, so later runs reuse them.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.33.13}"
KUBE_API_TEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
target="$KUBE_API_TEST_DIR/k8s/${K8S_VERSION}-linux-amd64"

if [[ -x "$target/kube-apiserver" && -x "$target/kubectl" && -x "$target/etcd" ]]; then
  echo "kube binaries ${K8S_VERSION} already in $target"
  exit 0
fi

if ! command -v etcd >/dev/null 2>&1; then
  echo "installing etcd-server from Debian"
  apt-get update -qq && apt-get install -y -qq etcd-server >/dev/null
fi

if ! command -v go >/dev/null 2>&1; then
  echo "kube-apiserver ${K8S_VERSION} is built with Go 1.24 or newer; no go command found" >&2
  exit 1
fi

# k8s.io/kubernetes pins its staging modules (k8s.io/api, ...) to local paths at v0.0.0; a wrapper
# module replaces each with its published v0.<minor>.<patch> twin so the go tool can build it.
work="$KUBE_API_TEST_DIR/build-${K8S_VERSION}"
mkdir -p "$work" "$target"
cd "$work"
staging_version="v0.${K8S_VERSION#1.}"
echo "resolving k8s.io/kubernetes v${K8S_VERSION} (first run downloads the modules)"
gomod=$(go mod download -json "k8s.io/kubernetes@v${K8S_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
{
  echo "module beastmode.io/kube-binaries"
  echo
  echo "go 1.24"
  echo
  echo "require k8s.io/kubernetes v${K8S_VERSION}"
  echo
  grep -oE 'k8s\.io/[a-z0-9-]+ => \./staging/src/k8s\.io/[a-z0-9-]+' "$gomod" |
    awk -v v="$staging_version" '{print "replace " $1 " => " $1 " " v}'
} >go.mod
cat >tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
GOFLAGS=-mod=mod go mod tidy -e >/dev/null 2>&1 || true
GOFLAGS=-mod=mod go get "k8s.io/kubernetes@v${K8S_VERSION}" >/dev/null

major=${K8S_VERSION%%.*}
minor=${K8S_VERSION#*.}; minor=${minor%%.*}
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=v${K8S_VERSION} -X $pkg.gitMajor=${major} -X $pkg.gitMinor=${minor}"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
for cmd in kube-apiserver kubectl; do
  echo "building $cmd v${K8S_VERSION} (several minutes on 2 cores, once)"
  GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$target/$cmd" "k8s.io/kubernetes/cmd/$cmd"
done
ln -sf "$(command -v etcd)" "$target/etcd"
"$target/kube-apiserver" --version
echo "kube binaries ready in $target"
