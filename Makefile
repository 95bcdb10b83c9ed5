# Podium's build. `make test` is what CI runs (through .ci/run, which first starts an engine).
GO      ?= go
BIN     ?= bin/podium
PKGS    ?= ./...
TESTFLAGS ?= -race -count=1 -timeout 20m

.PHONY: build test bench demo lint engine clean

build:
	$(GO) build -o $(BIN) ./cmd/tui

test:
	$(GO) test $(TESTFLAGS) $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./bench/
	bash bench/engine_vs_cli.sh
	bash bench/pods_vs_cli.sh
	bash bench/supervisor_idle.sh
	bash bench/pipeline_vs_cli.sh
	$(GO) test -run '^$$' -bench 'TUI' -benchmem ./bench/
	bash bench/tui_vs_cli.sh

demo:
	@echo "demo: building $(BIN) (go build ./cmd/tui; the first build compiles every dependency and takes a minute or so)"
	$(GO) build -o $(BIN) ./cmd/tui
	bash scripts/demo.sh $(BIN)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

engine:
	bash scripts/engine.sh

clean:
	rm -rf bin
