#!/usr/bin/env bash
# Provisions what `make image` and `make image-check` run, from Debian, when missing: umoci (packs the
# image from local files), skopeo (writes the docker-archive tar, pushes to a registry),
# busybox-static (a shell in the image for debugging), zip (leaves other systems' native libraries
# out of the image), containerd, runc and openssl (image-check runs the image and makes certificates
# for its API server), and the JDK's jmods, which jlink cuts the image's JRE from. No systemd here:
# the packages' post-install scripts must not try to start services, so a policy-rc.d that refuses
# (exit 101) is in place during the install and removed after (one that was there is left alone).
set -euo pipefail

need=()
command -v umoci >/dev/null 2>&1 || need+=(umoci)
command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
command -v zip >/dev/null 2>&1 || need+=(zip)
[[ -x /bin/busybox ]] || need+=(busybox-static)
command -v containerd >/dev/null 2>&1 || need+=(containerd)
command -v runc >/dev/null 2>&1 || [[ -x /usr/sbin/runc ]] || need+=(runc)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")
[[ -f "$java_home/jmods/java.base.jmod" ]] || need+=(openjdk-17-jdk-headless)
((${#need[@]})) || exit 0

policy=/usr/sbin/policy-rc.d
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
echo "installing ${need[*]} from Debian"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
