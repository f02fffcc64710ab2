#!/usr/bin/env bash
# Provisions what the node tier runs besides the API server: kubelet, kube-controller-manager,
# kube-scheduler and kube-proxy (built like kube-apiserver, cached next to it in
# ~/.kubeapitest/k8s/<version>-linux-amd64), metrics-server (the resource metrics the
# HorizontalPodAutoscaler reads, built from its Go module, cached there too), and from Debian the
# container runtime (containerd, runc), the CNI plugins (/usr/lib/cni), the tools the kubelet,
# kube-proxy and hostPorts need (iptables, conntrack, socat), nfacct (to list and remove the
# netfilter accounting objects kube-proxy leaves) and what the tests build images with (umoci,
# busybox-static).
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.33.13}"
METRICS_SERVER_VERSION="${METRICS_SERVER_VERSION:-0.8.0}"
KUBE_API_TEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
target="$KUBE_API_TEST_DIR/k8s/${K8S_VERSION}-linux-amd64"

packages=(runc containerd containernetworking-plugins iptables conntrack socat nfacct umoci busybox-static)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing ${missing[*]} from Debian"
  # No init system here: a policy-rc.d that refuses (101) keeps post-install scripts from starting
  # services (containerd's would fail the install); only ours is removed afterwards.
  policy=/usr/sbin/policy-rc.d
  own_policy=false
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=true
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if $own_policy; then
    rm -f "$policy"
    trap - EXIT
  fi
fi

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
