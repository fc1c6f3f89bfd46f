# airwrap: see README.md. `make demo` rehearses a whole import; `make test` runs the tests.
GO       ?= go
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
BIN      := bin
GOBIN    := $(shell $(GO) env GOPATH)/bin
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME ?= 20s

.PHONY: all setup build test lint fuzz bench demo clean

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

## lint: gofmt, go vet and staticcheck
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) vet -tags airwrapfaults ./...
	$(GO) vet -tags airwrapbench ./...
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

clean:
	rm -rf $(BIN)
