#!/usr/bin/env bash
# Provisions what the node tier runs besides the API server: kubelet, kube-controller-manager,
# kube-scheduler and kube-proxy (built like kube-apiserver, cached next to it in
# ~/.kubeapitest/k8s/<version>-linux-amd64), and from Debian the container runtime (containerd, runc), the
# CNI plugins (/usr/lib/cni), the tools the kubelet, kube-proxy and hostPorts need (iptables, conntrack,
# socat), nfacct (to list and remove the netfilter accounting objects kube-proxy leaves) and what the
# tests build images with (umoci, busybox-static).
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.33.13}"
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
  exit 0
fi
source "$(dirname "$0")/kube-build.sh"
kube_build kube-controller-manager kube-scheduler kube-proxy kubelet
"$target/kubelet" --version
echo "node binaries ready in $target"
