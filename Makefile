# BEAST MODE: `make help` lists the targets.
MVN ?= mvn -B
K8S_VERSION ?= 1.33.13
HELM ?= $(HOME)/.kubeapitest/tools/helm

# Programs run inside Maven (demo, benchmarks) keep Vert.x's file cache under target/, not /tmp.
comma := ,
IN_PROCESS = -Dvertx.cacheDirBase=$(CURDIR)/target/vertx-cache

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets with what each does
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN {FS = ":.*## "}; {printf "  %-16s %s\n", $$1, $$2}'

.PHONY: host-packages
host-packages: ## Check that every host command the tests run has its Debian package in .ci/host-packages.tsv, the list the provision scripts install from (seconds; make test and make demo run it first)
	bash .ci/check-host-packages.sh

.PHONY: kube-binaries
kube-binaries: ## Provision etcd, kube-apiserver and kubectl for the tests (built once, cached in ~/.kubeapitest)
	K8S_VERSION=$(K8S_VERSION) bash .ci/provision-kube-binaries.sh

.PHONY: platform-crds
platform-crds: ## Provision the CRDs of the platform APIs the operator writes to, as their projects publish them (Gateway API HTTPRoute, external-dns DNSEndpoint, Prometheus Operator PrometheusRule and ServiceMonitor, KEDA ScaledObject; from their Go modules, cached in ~/.kubeapitest/crds)
	bash .ci/provision-platform-crds.sh

.PHONY: node-binaries
node-binaries: kube-binaries ## Provision the node tier: kubelet, kube-controller-manager, kube-scheduler, kube-proxy, metrics-server (built once, cached in ~/.kubeapitest); the node tier of .ci/host-packages.tsv (Debian: containerd, runc, CNI plugins, iptables, nftables, conntrack, socat, nfacct, umoci, busybox-static)
	K8S_VERSION=$(K8S_VERSION) bash .ci/provision-node.sh

.PHONY: node-clean
node-clean: ## Put the host back after a killed node-tier run (processes, mounts, cgroups, iptables, bridge, sysctls) from the state it recorded
	$(MVN) -q test-compile exec:java -Dexec.mainClass=io.beastmode.testing.NodeHostState

.PHONY: tools
tools: ## Provision redis-server and lua5.1 (Debian), helm for the chart tests, the Python and Node clients and coding agents the router tests run, and moto's S3 server (once, cached in ~/.kubeapitest/tools)
	bash .ci/provision-tools.sh

.PHONY: prometheus
prometheus: ## Provision prometheus and promtool 3.16.0 for the alert-rule and dashboard tests (built once from the Go module without the cloud service discovery plugins, cached in ~/.kubeapitest/tools)
	bash .ci/provision-prometheus.sh

.PHONY: flux-binaries
flux-binaries: ## Provision Flux's source-controller and kustomize-controller 1.9.6, their CRDs and a git server on fluxcd/pkg/gittestserver for FluxGitOpsIT (built from the Go modules once, cached in ~/.kubeapitest/flux); git (Debian)
	bash .ci/provision-flux.sh

.PHONY: build
build: ## Compile and package the application (target/quarkus-app) without running tests
	$(MVN) package -DskipTests

.PHONY: test
test: host-packages kube-binaries platform-crds node-binaries tools prometheus flux-binaries image-tools ## Run every test: unit, property, golden, real API servers, a real node with the image's pods (chart, routers), the packaged operator, then the image run in containerd
	$(MVN) package -DskipTests
	bash image/build.sh
	$(MVN) verify -Dbeastmode.kubernetes.version=$(K8S_VERSION)
	bash image/check.sh

.PHONY: image-tools
image-tools: ## Provision umoci, skopeo, zip, busybox-static, containerd, runc, openssl and the JDK's jmods (Debian) for make image and image-check
	bash .ci/provision-image-tools.sh

.PHONY: image
image: image-tools build ## Build the image offline (no registry, no Docker) into target/image/beast-mode.tar; REGISTRY=<host[:port]> [IMAGE_GROUP=<path>] also pushes it
	bash image/build.sh

.PHONY: image-check
image-check: image kube-binaries tools ## Run the image's three roles in a containerd of its own (the operator against a real kube-apiserver): user 10001, read-only root, /tmp the only writable place
	bash image/check.sh

.PHONY: demo
demo: host-packages kube-binaries node-binaries tools image-tools build ## Three regions on real API servers, the operator, routers as real pods on a real node in the hub region (processes under a kubelet stand-in elsewhere, or everywhere with DEMO_NODE=0 or no node), traffic, a failover and failback, the hub lost (DEMO_DURATION=<s>: unattended, exit 0 only if all happened)
	$(MVN) -q test-compile exec:java $(IN_PROCESS) -Dbeastmode.kubernetes.version=$(K8S_VERSION)

.PHONY: bench
bench: bench-router bench-router-memory bench-router-pod-memory bench-config-push bench-autoscale bench-failover bench-dr bench-hub-failover bench-redis-failover ## Every benchmark, one after the other (results in bench/results/)

.PHONY: bench-router
bench-router: build ## The router (open and keyed) vs direct, a minimal Vert.x proxy and the Portkey gateway on loopback (bench/results/router.json, router.md, router-latency.png)
	$(MVN) -q test-compile exec:java $(IN_PROCESS) -Dexec.mainClass=io.beastmode.bench.router.RouterBench -Dbench.portkey="$$(bash .ci/provision-bench-tools.sh)"

.PHONY: bench-semantic-cache
bench-semantic-cache: build ## The semantic cache's rows of bench-router (a miss and a hit in partitions of 50,000 entries) beside the exact cache's, alone (bench/results/router-semantic.json and .md)
	bash .ci/provision-bench-tools.sh > /dev/null
	$(MVN) -q test-compile exec:java $(IN_PROCESS) -Dexec.mainClass=io.beastmode.bench.router.RouterBench -Dbench.name=router-semantic "-Dbench.systems=router, cache miss;router, cache hit;router, semantic cache miss (50,000 entries);router, semantic cache hit (50,000 entries)"

.PHONY: bench-router-memory
bench-router-memory: build ## A router as its pod runs it (JVM options, default memory limit) under 300 requests in flight plus cache hits for 3 minutes: peak RSS vs the limit (bench/results/router-memory.json and .md)
	$(MVN) -q test-compile exec:java $(IN_PROCESS) -Dexec.mainClass=io.beastmode.bench.router.RouterMemoryBench

.PHONY: bench-router-pod-memory
bench-router-pod-memory: node-binaries tools image ## A router pod the operator deployed on a real node, at its default limits, under 300 requests in flight plus cache hits for 3 minutes: peak memory vs the limit, restarts (bench/results/router-pod-memory.json and .md)
	$(MVN) test -Dtest='RouterPodsIT#theRouterPodRunsLockedDownAndItsServiceAnswers+atItsDefaultMemoryLimitItTakesSustainedLoadWithoutARestart' \
	  -Dpods.loadSeconds=180 -Dpods.benchOut=$(CURDIR)/bench/results/router-pod-memory -Dsurefire.failIfNoSpecifiedTests=false

.PHONY: bench-config-push
bench-config-push: node-binaries tools image ## A router pod the operator deployed on a real node: how soon a traffic change reaches it through the push in the region's Redis vs the kubelet's refresh of its mounted ConfigMap, measured in the same run (bench/results/config-push.json and .md)
	$(MVN) -q test-compile exec:java $(IN_PROCESS) -Dexec.mainClass=io.beastmode.pods.ConfigPushBench -Dbeastmode.kubernetes.version=$(K8S_VERSION)

.PHONY: bench-failover
bench-failover: kube-binaries platform-crds ## Cut regions off a 3-region fleet on real API servers and time detection and shift (bench/results/failover.json and failover.md)
	$(MVN) -q test-compile exec:java $(IN_PROCESS) -Dexec.mainClass=io.beastmode.bench.FailoverBench -Dbeastmode.kubernetes.version=$(K8S_VERSION)

.PHONY: bench-dr
bench-dr: kube-binaries tools ## Back up a hub of ~1,000 objects, lose it, restore by RestoreRequest vs one object at a time, and continuous mode's RPO (bench/results/dr.json and dr.md)
	$(MVN) -q test-compile exec:java $(IN_PROCESS) -Dexec.mainClass=io.beastmode.bench.DrBench -Dbeastmode.kubernetes.version=$(K8S_VERSION)

.PHONY: bench-hub-failover
bench-hub-failover: kube-binaries tools build ## Lose the hub again and again (its control plane, its whole region) with clients sending; promote the standby (bench/results/hub-failover.json and hub-failover.md)
	$(MVN) -q test-compile exec:java $(IN_PROCESS) -Dexec.mainClass=io.beastmode.bench.HubFailoverBench -Dbeastmode.kubernetes.version=$(K8S_VERSION)

.PHONY: kwok
kwok: ## Provision KWOK v0.8.0 (fake nodes whose pods become Ready) and its stages for bench-scale (built from its Go module once, cached in ~/.kubeapitest/tools)
	bash .ci/provision-kwok.sh

.PHONY: bench-scale
bench-scale: kube-binaries tools kwok build ## Twelve regions on real API servers, each with etcd, Redis and KWOK's fake nodes, over a hundred router replicas, the packaged operator: cold start, memory per region, idle CPU, watches and requests per API server, edit propagation, failover with and without a hung region, a restart, a backup and a restore of the whole hub and a standby hub's promotion, vs the same at three regions (about 25 min; not in make bench; bench/results/scale.json and .md)
	$(MVN) -q test-compile exec:java $(IN_PROCESS) -Dexec.mainClass=io.beastmode.bench.ScaleBench -Dbeastmode.kubernetes.version=$(K8S_VERSION)

.PHONY: bench-redis-failover
bench-redis-failover: ## A region's Redis as a Sentinel set under 200 keyed requests/s: its master killed, frozen, cut off and killed while replication lags, with and without WAIT (bench/results/redis-failover.json and .md)
	$(MVN) -q test-compile exec:java $(IN_PROCESS) -Dexec.mainClass=io.beastmode.bench.RedisFailoverBench

.PHONY: bench-autoscale
bench-autoscale: ## Replay synthetic days through a simulated fleet: HPA alone vs HPA with predictive minimum (bench/results/autoscale.json and autoscale.md)
	$(MVN) -q test-compile exec:java $(IN_PROCESS) -Dexec.mainClass=io.beastmode.bench.AutoscaleBench

.PHONY: eval-selection
eval-selection: ## Train learned selection on TRAIN's RouteLLM CSVs, score EVAL's (APGR, CPT, baselines, feedback replay), then three subject folds over FOLDS both ways with every candidate policy, each request feature and a feedback replay through the router's policy routing (OUT=bench/results/selection.json, OUT_FOLDS=bench/results/selection-folds.json, .md beside)
	$(MVN) -q test-compile exec:java $(IN_PROCESS) -Dexec.mainClass=io.beastmode.bench.selection.SelectionEval \
	  -Dselection.train="$(or $(TRAIN),bench/data/mmlu-train)" -Dselection.eval="$(or $(EVAL),bench/data/mmlu-eval)" \
	  -Dselection.out="$(or $(OUT),bench/results/selection.json)"
	$(MVN) -q exec:java $(IN_PROCESS) -Dexec.mainClass=io.beastmode.bench.selection.FoldEval \
	  -Dselection.folds="$(or $(FOLDS),bench/data/mmlu-train$(comma)bench/data/mmlu-eval)" \
	  -Dselection.exploration="$(or $(EXPLORATION),0.05)" \
	  -Dselection.out="$(or $(OUT_FOLDS),bench/results/selection-folds.json)"

.PHONY: eval-cache
eval-cache: ## Replay question pairs through the semantic cache (encoder, index, guards, policy) at DELTA (default 0.01) vs the best fixed threshold, with edited prompts, a second tenant and held-out halves (DATA: comma-separated files, default ../shared/data/semantic-cache/qqp-dev.jsonl.gz and paraphrase-mock.jsonl.gz; OUT=bench/results/semantic-cache.json and .md)
	$(MVN) -q test-compile exec:java $(IN_PROCESS) -Dexec.mainClass=io.beastmode.bench.semantic.SemanticCacheEval \
	  $(if $(DATA),-Dsemcache.data="$(DATA)") -Dsemcache.out="$(or $(OUT),bench/results/semantic-cache.json)" -Dsemcache.delta="$(or $(DELTA),0.01)"

.PHONY: fmt
fmt: ## Format the Java sources (google-java-format through Spotless; make test fails on unformatted code)
	$(MVN) -q spotless:apply

.PHONY: crds
crds: ## Regenerate crds/ from the Java model (the build fails when they drift)
	$(MVN) test -Dtest=CrdDriftTest -Dcrds.update=true -Dsurefire.failIfNoSpecifiedTests=false

.PHONY: lint-chart
lint-chart: tools ## Lint the Helm chart (helm lint --strict), with the default values and with the optional parts on
	$(HELM) lint --strict helm/beast-mode
	$(HELM) lint --strict helm/beast-mode --set replicas=1 --set serviceMonitor.enabled=true

.PHONY: install-yaml
install-yaml: tools ## Rewrite k8s/install.yaml from the Helm chart (the build fails when it drifts)
	$(MVN) test -Dtest=HelmChartTest#installYamlIsTheRenderedChart -Dinstall.update=true -Dsurefire.failIfNoSpecifiedTests=false

.PHONY: golden
golden: ## Rewrite the golden router objects in src/test/resources/golden after an intended change
	$(MVN) test -Dtest=RouterResourcesTest -Dgolden.update=true -Dsurefire.failIfNoSpecifiedTests=false

.PHONY: clean
clean: ## Remove build output
	$(MVN) clean
