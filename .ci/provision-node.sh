#!/usr/bin/env bash
# Provisions what the node tier runs besides the API server: kubelet, kube-controller-manager,
# kube-scheduler and kube-proxy (built like kube-apiserver, cached next to it in
# ~/.kubeapitest/k8s/<version>-linux-amd64), metrics-server (the resource metrics the
# HorizontalPodAutoscaler reads, built from its Go module, cached there too), and from Debian the
# node tier of host-packages.tsv: the container runtime (containerd, runc), the CNI plugins
# (/usr/lib/cni), the tools the kubelet, kube-proxy and hostPorts need (iptables, conntrack, socat),
# what the tests record and put back the host with (nftables, nfacct) and what they build images
# with (umoci, busybox-static).
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.33.13}"
METRICS_SERVER_VERSION="${METRICS_SERVER_VERSION:-0.8.0}"
KUBE_API_TEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
target="$KUBE_API_TEST_DIR/k8s/${K8S_VERSION}-linux-amd64"

source "$(dirname "$0")/host-packages.sh"
provision_host_packages base node

if [[ -x "$target/kubelet" && -x "$target/kube-controller-manager" && -x "$target/kube-scheduler" &&
  -x "$target/kube-proxy" ]]; then
  echo "node binaries ${K8S_VERSION} already in $target"
else
  source "$(dirname "$0")/kube-build.sh"
  kube_build kube-controller-manager kube-scheduler kube-proxy kubelet
  "$target/kubelet" --version
  echo "node binaries ready in $target"
fi

if [[ -x "$target/metrics-server" ]]; then
  echo "metrics-server already in $target"
else
  if ! command -v go >/dev/null 2>&1; then
    echo "metrics-server v${METRICS_SERVER_VERSION} is built with Go 1.24 or newer; no go command found" >&2
    exit 1
  fi
  echo "building metrics-server v${METRICS_SERVER_VERSION} (about two minutes on 2 cores, once)"
  # go install at a version builds the module as it was released, outside any module of ours; into
  # a directory of its own and moved when complete, so an interrupted build is not taken for a
  # cached binary.
  bin="$KUBE_API_TEST_DIR/build-metrics-server-${METRICS_SERVER_VERSION}"
  mkdir -p "$bin" "$target"
  # where metrics-server's own Makefile sets the version it reports
  version_pkg=k8s.io/client-go/pkg/version
  GOBIN="$bin" GOFLAGS= CGO_ENABLED=0 go install -trimpath \
    -ldflags "-s -w -X $version_pkg.gitVersion=v${METRICS_SERVER_VERSION} -X $version_pkg.gitTreeState=clean" \
    "sigs.k8s.io/metrics-server/cmd/metrics-server@v${METRICS_SERVER_VERSION}"
  mv "$bin/metrics-server" "$target/metrics-server"
  rmdir "$bin"
  "$target/metrics-server" --version
  echo "metrics-server ready in $target"
fi
