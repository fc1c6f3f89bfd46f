# airwrap: see README.md. `make demo` rehearses a whole import; `make test` runs the tests.
GO       ?= go
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
BIN      := bin
GOBIN    := $(shell $(GO) env GOPATH)/bin
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME ?= 20s

.PHONY: all setup build test test-aws lint fuzz bench demo demo-lifecycle clean

all: build

## setup: install SoftHSM 2, OpenSC, OpenSSL, AWS CLI v2 and the pinned local-kms (idempotent)
setup:
	@bash scripts/setup.sh

## build: the offline (cgo, PKCS#11) and online (pure Go) binaries into ./bin
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/airwrap ./cmd/airwrap
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/airwrap-online ./cmd/airwrap-online

## test: set up, vet, every test (SoftHSM, opencryptoki, NSS and local-kms are real; nothing is
## skipped), then a short run of every fuzzer (their seed corpora already ran as tests)
test: setup
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...
	@bash scripts/fuzz.sh 2s

## test-aws: opt-in, NOT part of `make test`: every workflow of a key's life against a real AWS
## account (AIRWRAP_E2E_AWS_PROFILE, AIRWRAP_E2E_AWS_REGION, AIRWRAP_E2E_AWS_REPLICA_REGION; README)
test-aws: setup
	$(GO) test -tags awse2e -count=1 -timeout 30m -v -run TestLifecycleAWS ./cmd/airwrap/

## lint: gofmt, go vet and staticcheck
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) vet -tags airwrapfaults ./...
	$(GO) vet -tags airwrapbench ./...
	$(GO) vet -tags awse2e ./cmd/airwrap/
	$(GO) run $(STATICCHECK) ./...

## fuzz: run each fuzzer for FUZZTIME (default 20s)
fuzz:
	@bash scripts/fuzz.sh $(FUZZTIME)

## bench: benchmarks on a throwaway SoftHSM token and local-kms, then a short table (docs/PERFORMANCE.md)
bench: setup
	@GO=$(GO) bash scripts/bench.sh

## demo: a full rehearsal on a throwaway SoftHSM token and local-kms, narrated
demo: setup build
	@bash scripts/demo.sh

## demo-lifecycle: a rehearsal of the key's life after the first import (reimport, deletion and
## recovery on local-kms; rotation and a multi-Region key on the KMS model)
demo-lifecycle: setup build
	@bash scripts/demo-lifecycle.sh

clean:
	rm -rf $(BIN)
