#!/usr/bin/env bash
# Provisions the binaries fabric8 kube-api-test runs in offline mode: etcd (Debian's etcd-server, from
# the kube tier of host-packages.tsv),
# kube-apiserver and kubectl (built with Go from the k8s.io/kubernetes module).
# They land in ~/.kubeapitest/k8s/<version>-linux-amd64, outside the repository, so later runs reuse them.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.33.13}"
KUBE_API_TEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
target="$KUBE_API_TEST_DIR/k8s/${K8S_VERSION}-linux-amd64"

source "$(dirname "$0")/host-packages.sh"
provision_host_packages base kube

if [[ -x "$target/kube-apiserver" && -x "$target/kubectl" && -x "$target/etcd" ]]; then
  echo "kube binaries ${K8S_VERSION} already in $target"
  exit 0
fi

source "$(dirname "$0")/kube-build.sh"
kube_build kube-apiserver kubectl
ln -sf "$(command -v etcd)" "$target/etcd"
"$target/kube-apiserver" --version
echo "kube binaries ready in $target"
