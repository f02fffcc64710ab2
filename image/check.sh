#!/usr/bin/env bash
# Runs the image for real: a containerd of its own (its config, root, state and socket under
# target/containerd, so it never meets another containerd on the machine) imports
# target/image/beast-mode.tar and runs its roles with runc as a pod would: user 10001 (the image's),
# read-only root filesystem, a tmpfs on /tmp standing in for the emptyDir, the config directory
# mounted read-only, host networking on loopback ports. It checks:
#   simulator  answers a chat completion;
#   router     passes readiness, routes a completion to the simulator, and, with learned selection,
#              learns from examples and routes with them, ONNX Runtime and DJL's tokenizers
#              loaded from native libraries they unpacked into /tmp;
#   operator   against a real kube-apiserver (with its own etcd, from the binaries `make
#              kube-binaries` provisions, the CRDs applied) becomes ready and reconciles a Region;
#   every container runs as uid 10001 and cannot write its root filesystem.
# Everything it starts is stopped and removed on exit: containers, containerd, its mounts and the
# cgroups runc made, target/containerd.
set -euo pipefail
cd "$(dirname "$0")/.."

TAR=target/image/beast-mode.tar
NAME=beast-mode
TAG="${IMAGE_TAG:-$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)}"
IMAGE="docker.io/library/$NAME:$TAG"
NS=beastmode-image-check
DIR="$PWD/target/containerd"
SOCK="$DIR/containerd.sock"
K8S_VERSION="${K8S_VERSION:-1.33.13}"
KUBE_BIN="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/${K8S_VERSION}-linux-amd64"

[[ -f "$TAR" ]] || { echo "no $TAR: make image first" >&2; exit 1; }
rm -rf target/image-check-logs
for tool in containerd ctr runc curl redis-server openssl "$KUBE_BIN/kube-apiserver" "$KUBE_BIN/etcd"; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (make image-tools and make kube-binaries provide it)" >&2; exit 1; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ctr() { command ctr --address "$SOCK" -n "$NS" "$@"; }

containerd_pid=
redis_pid=
etcd_pid=
apiserver_pid=
containers=()
cleanup() {
  set +e
  for pid in "$redis_pid" "$apiserver_pid" "$etcd_pid"; do
    [[ -z "$pid" ]] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
  done
  for c in "${containers[@]}"; do
    ctr task kill -s KILL "$c" >/dev/null 2>&1
    for _ in 1 2 3 4 5 6 7 8 9 10; do ctr task rm "$c" >/dev/null 2>&1 && break; sleep 0.3; done
    ctr container rm "$c" >/dev/null 2>&1
  done
  ctr images rm "$IMAGE" >/dev/null 2>&1
  if [[ -n "$containerd_pid" ]]; then
    kill "$containerd_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$containerd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$containerd_pid" 2>/dev/null
  fi
  # Mounts a killed run may have left under our directory, deepest first.
  awk -v d="$DIR" '$2 ~ "^"d {print $2}' /proc/mounts | sort -r | xargs -r -n1 umount -l
  # runc's cgroups for our namespace, in every v1 hierarchy (and v2's), deepest first.
  for hierarchy in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    [[ -d "$hierarchy$NS" ]] && find "$hierarchy$NS" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  rm -rf "$DIR"
}
trap cleanup EXIT

rm -rf "$DIR"
mkdir -p "$DIR"
cat >"$DIR/config.toml" <<TOML
version = 2
root = "$DIR/root"
state = "$DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$DIR/opt"
TOML
containerd --config "$DIR/config.toml" >"$DIR/containerd.log" 2>&1 &
containerd_pid=$!
for _ in $(seq 100); do ctr version >/dev/null 2>&1 && break; sleep 0.1; done
ctr version >/dev/null || { cat "$DIR/containerd.log" >&2; exit 1; }

start=$(date +%s)
ctr images import "$TAR" >/dev/null
echo "imported $IMAGE in $(( $(date +%s) - start )) s"

failures=0
check() { # name, command...
  local name=$1; shift
  if "$@"; then echo "ok   $name"; else echo "FAIL $name"; failures=$((failures + 1)); fi
}

# run NAME PORT MANAGEMENT [extra ctr run flags...] -- [env...]
run() {
  local name=$1 port=$2 management=$3; shift 3
  local flags=() env=()
  while (($#)) && [[ $1 != -- ]]; do flags+=("$1"); shift; done
  (($#)) && shift
  for e in "$@"; do env+=(--env "$e"); done
  ctr run -d --net-host --read-only --log-uri "file://$DIR/$name.log" \
    --mount "type=tmpfs,src=tmpfs,dst=/tmp,options=rw:nosuid:nodev:mode=1777" \
    "${flags[@]}" --env QUARKUS_HTTP_PORT="$port" --env QUARKUS_MANAGEMENT_PORT="$management" \
    "${env[@]}" "$IMAGE" "$name" >/dev/null
  containers+=("$name")
}

await() { # url [seconds]
  local url=$1 limit=${2:-90}
  for _ in $(seq $((limit * 5))); do curl -fsS -o /dev/null "$url" 2>/dev/null && return 0; sleep 0.2; done
  return 1
}

task_pid() { ctr task ls | awk -v c="$1" '$1 == c {print $2}'; }
runs_as_10001() { grep -qE '^Uid:\s+10001\s' "/proc/$(task_pid "$1")/status"; }
# The root is mounted read-only in the container, and writing to it fails as it says. Asked up to
# three times: on a loaded machine an exec can fail for its own reasons (it once did in a full
# make test), and a root that takes the write fails all three anyway.
root_is_read_only() {
  local options refusal
  for _ in 1 2 3; do
    options=$(awk '$2 == "/" {print $4}' "/proc/$(task_pid "$1")/mounts")
    refusal=$(ctr task exec --exec-id "touch-$RANDOM" "$1" /bin/touch /deployments/x 2>&1 || true)
    [[ $options == ro,* && $refusal == *"Read-only file system"* ]] && return 0
    sleep 1
  done
  echo "     / is mounted ${options:-(not found)}; touch /deployments/x said: ${refusal:-nothing}" >&2
  return 1
}
tmp_is_writable() { ctr task exec --exec-id "tmp-$RANDOM" "$1" /bin/touch /tmp/x; }

answers() { # base model: a chat completion comes back
  local answer
  answer=$(curl -fsS "$1/v1/chat/completions" -H 'content-type: application/json' \
    -d '{"model":"'"$2"'","messages":[{"role":"user","content":"What is the capital of France?"}]}')
  [[ $answer == *'"choices"'* ]]
}

# The simulator.
sim_port=$(free_port); sim_mgmt=$(free_port)
run simulator "$sim_port" "$sim_mgmt" -- BEASTMODE_ROLE=simulator
check "simulator ready" await "http://127.0.0.1:$sim_mgmt/q/health/ready"
check "simulator answers" answers "http://127.0.0.1:$sim_port" gpt-4o-mini
check "simulator runs as 10001" runs_as_10001 simulator
check "simulator cannot write /" root_is_read_only simulator
check "simulator can write /tmp" tmp_is_writable simulator

# Routers: their routing files mounted read-only where a ConfigMap would be.
config="$DIR/config"
mkdir -p "$config"
cat >"$config/routing.yaml" <<YAML
router: check/router
region: local
models:
- name: gpt-4o-mini
  baseUrl: http://127.0.0.1:$sim_port/v1
  inputPerMillion: 0.15
  outputPerMillion: 0.60
  quality: 0.78
  contextWindow: 128000
YAML
sed -e 's/check\/router/check\/learned/' "$config/routing.yaml" >"$config/learned.yaml"
cat >>"$config/learned.yaml" <<YAML
- name: gpt-4o
  baseUrl: http://127.0.0.1:$sim_port/v1
  inputPerMillion: 2.50
  outputPerMillion: 10.00
  quality: 0.9
  contextWindow: 128000
selection:
  policy: learned
  learnedThreshold: 0.7
YAML
chmod -R a+rX "$config"
# The region's Redis, which learned selection keeps its examples in.
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$DIR/redis.log" 2>&1 &
redis_pid=$!
routing_mount="type=bind,src=$config,dst=/etc/beastmode,options=rbind:ro"

router_port=$(free_port); router_mgmt=$(free_port)
run router "$router_port" "$router_mgmt" --mount "$routing_mount" -- \
  BEASTMODE_ROLE=router BEASTMODE_ROUTER_CONFIG=/etc/beastmode/routing.yaml \
  QUARKUS_REDIS_HOSTS=redis://127.0.0.1:1
check "router ready" await "http://127.0.0.1:$router_mgmt/q/health/ready"
check "router routes a completion" answers "http://127.0.0.1:$router_port" gpt-4o-mini
check "router runs as 10001" runs_as_10001 router
check "router cannot write /" root_is_read_only router

learned_port=$(free_port); learned_mgmt=$(free_port)
run learned "$learned_port" "$learned_mgmt" --mount "$routing_mount" -- \
  BEASTMODE_ROLE=router BEASTMODE_ROUTER_CONFIG=/etc/beastmode/learned.yaml \
  QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port"
check "learned router ready" await "http://127.0.0.1:$learned_mgmt/q/health/ready"
examples() { # a few MMLU rows, their two model columns renamed to the router's models
  local added
  added=$({ echo "prompt,gpt-4o-mini,gpt-4o"; tail -n +2 bench/data/mmlu-train/mmlu_abstract_algebra.csv; } |
    curl -fsS "http://127.0.0.1:$learned_mgmt/selection/examples" -H 'content-type: text/csv' --data-binary @-)
  [[ $added =~ \"added\":[1-9] ]]
}
check "learned router learns examples" examples
learned_ok() {
  local metrics
  for _ in $(seq 150); do
    metrics=$(curl -fsS "http://127.0.0.1:$learned_mgmt/q/metrics" || true)
    [[ $metrics =~ beastmode_router_learned_examples\{[^}]*\}\ [1-9] ]] && break
    sleep 0.4
  done
  answers "http://127.0.0.1:$learned_port" auto
}
check "learned router encodes and routes" learned_ok
# Both native libraries are mapped into the process from files unpacked under /tmp (ONNX Runtime
# deletes its own once loaded).
loaded_from_tmp() {
  local maps
  maps=$(awk '{print $6}' "/proc/$(task_pid learned)/maps" | sort -u)
  [[ $maps == *"/tmp/"*"libonnxruntime.so"* && $maps == *"/tmp/"*"libtokenizers.so"* ]]
}
check "learned router loaded ONNX Runtime and the tokenizer from /tmp" loaded_from_tmp

# The operator, against a kube-apiserver of this check's own: certificates made here (the server's
# for 127.0.0.1, a client in system:masters), etcd and the API server on free loopback ports.
kube="$DIR/kube"
mkdir -p "$kube"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=beastmode-image-check \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$kube/apiserver.key" -out "$kube/apiserver.crt" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /O=system:masters/CN=image-check \
  -keyout "$kube/client.key" -out "$kube/client.crt" 2>/dev/null
etcd_port=$(free_port); etcd_peer=$(free_port); api_port=$(free_port)
"$KUBE_BIN/etcd" --data-dir "$kube/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
  --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "default=http://127.0.0.1:$etcd_peer" >"$DIR/etcd.log" 2>&1 &
etcd_pid=$!
"$KUBE_BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" --bind-address 127.0.0.1 \
  --secure-port "$api_port" --cert-dir "$kube" --tls-cert-file "$kube/apiserver.crt" \
  --tls-private-key-file "$kube/apiserver.key" --client-ca-file "$kube/client.crt" \
  --service-account-issuer https://localhost --service-account-key-file "$kube/apiserver.crt" \
  --service-account-signing-key-file "$kube/apiserver.key" --authorization-mode RBAC \
  --disable-admission-plugins ServiceAccount --service-cluster-ip-range 10.0.0.0/24 \
  >"$DIR/kube-apiserver.log" 2>&1 &
apiserver_pid=$!
b64() { base64 -w0 "$1"; }
cat >"$kube/config" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters: [{name: check, cluster: {server: "https://127.0.0.1:$api_port", certificate-authority-data: $(b64 "$kube/apiserver.crt")}}]
users: [{name: check, user: {client-certificate-data: $(b64 "$kube/client.crt"), client-key-data: $(b64 "$kube/client.key")}}]
contexts: [{name: check, context: {cluster: check, user: check}}]
current-context: check
KUBECONFIG
chmod 644 "$kube/config"
kubectl() { "$KUBE_BIN/kubectl" --kubeconfig "$kube/config" "$@"; }
api_ready() {
  for _ in $(seq 300); do kubectl get --raw /readyz >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}
check "kube-apiserver ready" api_ready
kubectl apply --server-side -f crds/ >/dev/null

op_port=$(free_port); op_mgmt=$(free_port)
run operator "$op_port" "$op_mgmt" --mount "type=bind,src=$kube/config,dst=/etc/kube/config,options=rbind:ro" -- \
  BEASTMODE_ROLE=operator KUBECONFIG=/etc/kube/config
check "operator ready" await "http://127.0.0.1:$op_mgmt/q/health/ready" 120
check "operator runs as 10001" runs_as_10001 operator
check "operator cannot write /" root_is_read_only operator
# A Region for the API server itself (no kubeconfig Secret: the hub's own): the operator probes it.
region_probed() {
  kubectl apply -f - >/dev/null <<REGION || return 1
apiVersion: beastmode.io/v1alpha1
kind: Region
metadata: {name: check}
spec: {location: {provider: local, geo: local}}
REGION
  local status
  for _ in $(seq 150); do
    status=$(kubectl get region check -o jsonpath='{.status.observedGeneration}' 2>/dev/null || true)
    [[ -n $status ]] && return 0
    sleep 0.4
  done
  return 1
}
check "operator reconciles a Region" region_probed

for c in "${containers[@]}"; do
  if grep -qiE 'UnsatisfiedLinkError|NoClassDefFoundError|Read-only file system' "$DIR/$c.log"; then
    echo "FAIL $c log:"; grep -iE 'UnsatisfiedLinkError|NoClassDefFoundError|Read-only file system' "$DIR/$c.log" | head -5
    failures=$((failures + 1))
  fi
done
if ((failures)); then
  mkdir -p target/image-check-logs && cp "$DIR"/*.log target/image-check-logs/
  echo "$failures check(s) failed; logs in target/image-check-logs"
  exit 1
fi
echo "image check passed in $(( $(date +%s) - start )) s"
