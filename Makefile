# topogen — every project command. `make gen` regenerates out/ from regions/,
# `make test` runs every test; CI (.ci/run) runs `make lint test check validate`.

GO             ?= go
TOPOGEN        := ./topogen
TOPOLOGY       ?= regions
OUT            ?= out
# Filesystem mirror of the hashicorp/aws provider (holds registry.terraform.io/).
TF_PLUGIN_DIR  ?= /opt/tf-plugins
# Folder holding the CRDs, one folder per project (argocd/, flux/, ...).
CRDS_DIR       ?= $(abspath ../shared/crds)
export TF_PLUGIN_DIR CRDS_DIR

# Every golden case with a generated tree (invalid cases have error.txt).
GOLDEN_OUTS    := $(sort $(wildcard golden/*/out))
VALIDATE_OUTS  := $(OUT) $(GOLDEN_OUTS)

.PHONY: all build gen check diff test bench lint validate mongosh \
	validate-terraform validate-kubernetes validate-prometheus validate-gitops fuzz clean

all: lint test check

build:
	$(GO) build -o $(TOPOGEN) ./cmd/topogen

gen: build
	$(TOPOGEN) gen -t $(TOPOLOGY) -o $(OUT)

check: build
	$(TOPOGEN) check -t $(TOPOLOGY) -o $(OUT)

diff: build
	$(TOPOGEN) diff -t $(TOPOLOGY) -o $(OUT)

# The mongosh behaviour tests (internal/mongoshtest) run when mongosh is
# installed (`make mongosh`, or MONGOSH=path); in CI (CI=true) a missing
# mongosh fails them.
test:
	$(GO) test ./...

# mongosh from npm, pinned by tools/node/package-lock.json, into the
# git-ignored tools/node/node_modules (built on first use, like
# kubectl-validate from tools/go.mod). Install scripts stay off: mongosh's
# optional native add-ons are not needed to run scripts.
MONGOSH_BIN := tools/node/node_modules/.bin/mongosh
mongosh: $(MONGOSH_BIN)

$(MONGOSH_BIN): tools/node/package.json tools/node/package-lock.json
	npm ci --prefix tools/node --ignore-scripts --no-audit --no-fund
	@touch $@

# In-process benchmarks (gen and the core five times, each target once),
# then the built binary's whole-process gen timed.
bench: build
	$(GO) test -run '^$$' -bench 'Gen|Core' -benchmem -count 5 ./compile
	$(GO) test -run '^$$' -bench 'Target' -benchmem ./compile
	scripts/bench-binary.sh $(TOPOGEN) $(TOPOLOGY) golden/seven-by-seven/input

# Both fuzzers, each for FUZZTIME: the loader alone, then the loader, the
# check phase and every generator (whatever vet accepts must compile).
FUZZTIME       ?= 60s
fuzz:
	$(GO) test ./schema -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME)
	$(GO) test ./compile -run '^$$' -fuzz FuzzCompile -fuzztime $(FUZZTIME)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# Real validators over out/ and every golden tree. Each prints a loud
# SKIPPED line when its tool is absent.
validate: validate-terraform validate-kubernetes validate-prometheus validate-gitops

validate-terraform:
	scripts/validate-terraform.sh $(addsuffix /terraform,$(VALIDATE_OUTS))

validate-kubernetes:
	scripts/validate-kubernetes.sh $(addsuffix /kubernetes,$(VALIDATE_OUTS))

validate-prometheus:
	scripts/validate-prometheus.sh --scenarios generators/prometheus/testdata/scenarios \
		--routes generators/prometheus/testdata/alertmanager/routes.txt $(VALIDATE_OUTS)

validate-gitops:
	scripts/validate-gitops.sh $(addsuffix /gitops,$(VALIDATE_OUTS))

clean:
	rm -f $(TOPOGEN)
