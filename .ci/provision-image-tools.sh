#!/usr/bin/env bash
# Provisions what `make image` and `make image-check` run, from Debian (the image tier of
# host-packages.tsv), when missing: umoci (packs the
# image from local files), skopeo (writes the docker-archive tar, pushes to a registry),
# busybox-static (a shell in the image for debugging), zip (leaves other systems' native libraries
# out of the image), containerd, runc and openssl (image-check runs the image and makes certificates
# for its API server), and the JDK's jmods, which jlink cuts the image's JRE from.
set -euo pipefail

source "$(dirname "$0")/host-packages.sh"
provision_host_packages base image

# jlink cuts the image's JRE from the JDK's jmods, which only the full JDK package has.
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")
if [[ ! -f "$java_home/jmods/java.base.jmod" ]]; then
  echo "installing openjdk-17-jdk-headless (the jmods) from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless >/dev/null
fi
