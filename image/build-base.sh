#!/usr/bin/env bash
# Builds the base image from files on this machine, with no registry and no Docker daemon: a JRE cut
# with jlink from the installed JDK 17, the glibc libraries it links, the name-service modules,
# /etc/passwd and /etc/group with the user 10001, a /tmp for an emptyDir, and busybox for debugging
# (`kubectl exec ... -- sh`). Packed as an OCI image layout with umoci.
#
# Cached by the JDK's version and this script's content: prints the layout's directory, ready to be
# copied (the application is layered on a copy, see image/build.sh).
set -euo pipefail

JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
CACHE_DIR="${IMAGE_BASE_CACHE:-${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/image-base}"

# The modules the application reaches (jdeps -summary over target/quarkus-app, and the module-info
# of the modular jars), plus what it needs at run time that jdeps cannot see: jdk.crypto.ec (TLS to
# upstreams with EC certificates), jdk.naming.dns and jdk.zipfs (looked up by name), jdk.jcmd for
# heap and native-memory diagnostics in a running pod. Left out: jdk.compiler (annotation
# processing in vertx-codegen, build time only) and java.desktop (AWT and sound; its users here,
# Jackson's java.beans support, JNA's AWT helpers, DJL's audio and Quarkus' native-image
# substitutions, are optional or never run, and its native libraries would pull in X11).
MODULES=java.base,java.compiler,java.logging,java.management,java.naming,java.net.http
MODULES+=,java.rmi,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.jcmd,jdk.management
MODULES+=,jdk.naming.dns,jdk.unsupported,jdk.zipfs

jdk_version=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 |
  sed -n 's/^ *java.runtime.version = //p')
script_hash=$(sha256sum "$0" | cut -c1-12)
layout="$CACHE_DIR/jdk-$jdk_version-$script_hash"
if [[ -f "$layout/index.json" ]]; then
  echo "$layout"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/beast-mode-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"

echo "cutting a JRE from $JAVA_HOME ($jdk_version) with jlink" >&2
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --output "$root/opt/java" \
  --strip-debug --no-header-files --no-man-pages --compress=2 --generate-cds-archive >&2
# Only for heaps over 32 GiB (no compressed oops): never a router's or the operator's.
rm "$root/opt/java/lib/server/classes_nocoops.jsa"
# Debian's JDK keeps its trust store and security policy files as links into /etc: bring the files.
for link in $(find "$root/opt/java/lib/security" -type l); do
  cp --remove-destination "$(readlink -f "$JAVA_HOME/lib/security/$(basename "$link")")" "$link"
done

# Every library the JRE's binaries and libraries link, the dynamic loader, glibc's name-service
# modules (hosts and users from files and DNS), and the C++ runtime that ONNX Runtime and DJL's
# tokenizers (learned selection, unpacked from their jars at run time) link.
libs=$(find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} + 2>/dev/null |
  awk '/=> \// {print $3} /^\t\/lib/ {print $1}' | grep -v "^$root/" | sort -u)
for name in libnss_files.so.2 libnss_dns.so.2 libresolv.so.2 libstdc++.so.6 libgcc_s.so.1 \
  libdl.so.2 librt.so.1 libpthread.so.0 libm.so.6; do
  # awk reads ldconfig's whole list: leaving at the first match could end ldconfig with SIGPIPE,
  # which pipefail turns into a failed build (seen on a fresh machine).
  libs+=$'\n'$(ldconfig -p | awk -v n="$name" '$1 == n && /x86-64/ && !found {print $NF; found = 1}')
done
for lib in $(echo "$libs" | sort -u); do
  [[ -n "$lib" ]] || continue
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# The loader is found by its canonical path too.
mkdir -p "$root/lib64"
[[ -e "$root/lib64/ld-linux-x86-64.so.2" ]] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"

mkdir -p "$root/etc" "$root/bin" "$root/deployments"
cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
beast:x:10001:10001:beast-mode:/tmp:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
beast:x:10001:
nogroup:x:65534:
GROUP
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
# The only writable place the application needs (Vert.x's file cache, unpacked native libraries,
# JVM perf data): a pod mounts an emptyDir here.
install -d -m 1777 "$root/tmp"

if [[ -x /bin/busybox ]]; then
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [[ -e "$root/bin/$applet" ]] || ln -s busybox "$root/bin/$applet"
  done
fi

chown -R 0:0 "$root"

echo "packing the base with umoci" >&2
oci="$work/oci"
umoci init --layout "$oci"
umoci new --image "$oci:base"
umoci insert --image "$oci:base" --history.created_by "image/build-base.sh (jdk $jdk_version)" \
  "$root" / >/dev/null
umoci config --image "$oci:base" --os linux --architecture amd64 \
  --config.user 10001:10001 --config.workingdir /deployments \
  --config.env PATH=/opt/java/bin:/bin --config.env JAVA_HOME=/opt/java --config.env HOME=/tmp
umoci gc --layout "$oci"

mkdir -p "$CACHE_DIR"
# Bases of other JDKs or of older versions of this script are not used again.
find "$CACHE_DIR" -mindepth 1 -maxdepth 1 -name 'jdk-*' -exec rm -rf {} +
mv "$oci" "$layout"
echo "$layout"
