#!/usr/bin/env bash
# Builds the BEAST MODE image offline: the packaged application (target/quarkus-app) layered with
# umoci on the base from image/build-base.sh (linux/amd64), written as a docker-archive tar that
# containerd (`ctr -n k8s.io images import`) and `docker load` accept. With REGISTRY set it also
# pushes the same image there with skopeo.
#
#   image/build.sh                                         -> target/image/beast-mode.tar
#   REGISTRY=<host[:port]> [IMAGE_GROUP=<path>] image/build.sh   and <host>/<path>/beast-mode:<tag>
#
# IMAGE_TAG: the tag (the project's version by default). For the push: credentials from skopeo's
# auth file (skopeo login, REGISTRY_AUTH_FILE) or REGISTRY_CREDS=user:password;
# REGISTRY_TLS_VERIFY=false for a registry on plain HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."

NAME=beast-mode
VERSION=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
TAG="${IMAGE_TAG:-$VERSION}"
APP=target/quarkus-app
OUT=target/image
# The JVM's defaults in a pod; a Deployment's own JAVA_TOOL_OPTIONS replaces them (docs/image.md).
JAVA_TOOL_OPTIONS_DEFAULT="$(cat image/java-options)"

[[ -f "$APP/quarkus-run.jar" ]] || { echo "no $APP: run mvn package first" >&2; exit 1; }

base=$(bash image/build-base.sh)
rm -rf "$OUT"
mkdir -p "$OUT"
oci="$OUT/oci"
cp -a "$base" "$oci"
umoci tag --image "$oci:base" "$TAG"
umoci rm --image "$oci:base"

# Two layers: the dependencies, which change rarely (so a push of a new version sends only the
# second), then the application's own code.
stage="$OUT/stage"
mkdir -p "$stage/lib" "$stage/app"
cp -a "$APP/lib" "$stage/lib/"
cp -a "$APP/quarkus-run.jar" "$APP/app" "$APP/quarkus" "$stage/app/"
# The image is linux/amd64: the native libraries ONNX Runtime and DJL's tokenizers ship for other
# systems (about 100 MB, mostly Windows) stay out of it.
for jar in "$stage"/lib/lib/main/com.microsoft.onnxruntime.onnxruntime-*.jar; do
  zip -q -d "$jar" 'ai/onnxruntime/native/win-*' 'ai/onnxruntime/native/osx-*' \
    'ai/onnxruntime/native/linux-aarch64/*'
done
for jar in "$stage"/lib/lib/main/ai.djl.huggingface.tokenizers-*.jar; do
  zip -q -d "$jar" 'native/lib/win-*' 'native/lib/osx-*' 'native/lib/linux-aarch64/*'
done
chown -R 0:0 "$stage"
chmod -R a+rX,go-w "$stage"
umoci insert --image "$oci:$TAG" --history.created_by "dependencies (target/quarkus-app/lib)" \
  "$stage/lib" /deployments >/dev/null
umoci insert --image "$oci:$TAG" --history.created_by "application (target/quarkus-app)" \
  "$stage/app" /deployments >/dev/null
rm -rf "$stage"

umoci config --image "$oci:$TAG" \
  --config.entrypoint /opt/java/bin/java \
  --config.entrypoint -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  --config.entrypoint -jar --config.entrypoint /deployments/quarkus-run.jar \
  --config.env "JAVA_TOOL_OPTIONS=$JAVA_TOOL_OPTIONS_DEFAULT" \
  --config.exposedports 8080/tcp --config.exposedports 9000/tcp \
  --config.user 10001:10001 --config.workingdir /deployments \
  --config.label "org.opencontainers.image.title=$NAME" \
  --config.label "org.opencontainers.image.version=$VERSION" \
  --config.label "org.opencontainers.image.revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)"
umoci gc --layout "$oci"

skopeo copy --quiet "oci:$oci:$TAG" "docker-archive:$OUT/$NAME.tar:$NAME:$TAG"
echo "image $NAME:$TAG in $OUT/$NAME.tar: $(du -m "$OUT/$NAME.tar" | cut -f1) MiB"

if [[ -n "${REGISTRY:-}" ]]; then
  ref="$REGISTRY/${IMAGE_GROUP:+$IMAGE_GROUP/}$NAME:$TAG"
  creds=()
  [[ -z "${REGISTRY_CREDS:-}" ]] || creds=(--dest-creds "$REGISTRY_CREDS")
  skopeo copy "${creds[@]}" ${REGISTRY_TLS_VERIFY:+--dest-tls-verify="$REGISTRY_TLS_VERIFY"} \
    "oci:$oci:$TAG" "docker://$ref"
  echo "pushed $ref"
fi
