# Sourced by provision-kube-binaries.sh and provision-node.sh: builds commands of the k8s.io/kubernetes
# Go module at $K8S_VERSION into $target, through one wrapper module both scripts share.
# Needs K8S_VERSION, KUBE_API_TEST_DIR and target set.

kube_build() {
  if ! command -v go >/dev/null 2>&1; then
    echo "Kubernetes ${K8S_VERSION} binaries are built with Go 1.24 or newer; no go command found" >&2
    exit 1
  fi
  # k8s.io/kubernetes pins its staging modules (k8s.io/api, ...) to local paths at v0.0.0; a wrapper
  # module replaces each with its published v0.<minor>.<patch> twin so the go tool can build it.
  local work="$KUBE_API_TEST_DIR/build-${K8S_VERSION}"
  mkdir -p "$work" "$target"
  (
    cd "$work"
    local staging_version="v0.${K8S_VERSION#1.}"
    echo "resolving k8s.io/kubernetes v${K8S_VERSION} (first run downloads the modules)"
    local gomod
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
    # Every command either script builds, so the module's requirements are the same whichever runs first.
    cat >tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
GO
    GOFLAGS=-mod=mod go mod tidy -e >/dev/null 2>&1 || true
    GOFLAGS=-mod=mod go get "k8s.io/kubernetes@v${K8S_VERSION}" >/dev/null

    local major=${K8S_VERSION%%.*}
    local minor=${K8S_VERSION#*.}
    minor=${minor%%.*}
    local ldflags="-s -w"
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ldflags+=" -X $pkg.gitVersion=v${K8S_VERSION} -X $pkg.gitMajor=${major} -X $pkg.gitMinor=${minor}"
      ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
    done
    for cmd in "$@"; do
      echo "building $cmd v${K8S_VERSION} (several minutes on 2 cores, once)"
      GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$target/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
      # Renamed only when complete, so an interrupted build is not mistaken for a cached binary.
      mv "$target/$cmd.tmp" "$target/$cmd"
    done
  )
}
