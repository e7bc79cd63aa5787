# DiT Studio — two commands set up a fresh Debian/Ubuntu machine:
#   make run    install system packages if missing, build (release), start dit-studio
#   make test   install system packages if missing, build and run every test
# Other targets: make deps · make build · make bench · make fuzz · make check-test-count · make clean

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := run

SWIFT ?= swift
# System libraries the package links (OpenBLAS, libpng, ncursesw), pkg-config to find them,
# and tmux for the terminal tests.
APT_PACKAGES := libncursesw5-dev libopenblas-dev libpng-dev pkg-config tmux
PKG_CONFIG_MODULES := openblas libpng ncursesw

# How the tests are built. Measured from an empty build folder on this project's 2-core machine
# (195 tests at the time, two runs each): debug builds in 68–78 s and tests in 6–8 s; release with
# -enable-testing builds in 145–151 s and tests in 2–10 s. Debug wins until the tests themselves
# take over a minute longer in debug than in release; then switch the default to release.
# `make test TEST_MODE=release` builds them optimised in their own folder (.build-test), because
# -enable-testing changes every module's flags and would otherwise rebuild .build each time.
TEST_MODE ?= debug
# The model-quality test scores the built-in model's 600 evaluation captions: ~2.7 s an image in a debug
# build (27 minutes), ~0.27 s in release (under 3 minutes; measured with 30 captions, one BLAS thread). So a debug test run also builds the release dit-studio and the test
# runs `dit-studio evaluate` through it ($DIT_STUDIO_EVALUATOR); a release test run does it in-process.
ifeq ($(TEST_MODE),release)
TEST_FLAGS := -c release -Xswiftc -enable-testing --scratch-path .build-test
TEST_LOG := .build-test/test.log
TEST_EVALUATOR :=
else
TEST_FLAGS := -c debug
TEST_LOG := .build/test.log
TEST_EVALUATOR := $(CURDIR)/.build/release/dit-studio
endif

.PHONY: deps build run test check-test-count bench fuzz fuzz-build clean

## deps: install the system packages the build and tests need, if any is missing
deps:
	@missing=""; \
	if command -v dpkg-query >/dev/null 2>&1; then \
	  for package in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' "$$package" 2>/dev/null | grep -q "install ok installed" \
	      || missing="$$missing $$package"; \
	  done; \
	else \
	  command -v pkg-config >/dev/null 2>&1 && pkg-config --exists $(PKG_CONFIG_MODULES) \
	    && command -v tmux >/dev/null 2>&1 || missing=" $(APT_PACKAGES)"; \
	fi; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "Installing system packages:$$missing"; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "error: missing system packages:$$missing" >&2; \
	  echo "Install them with your package manager (Debian/Ubuntu: apt-get install$$missing), then run make again." >&2; \
	  exit 1; \
	fi

## build: release build of dit-studio
build: deps
	$(SWIFT) build -c release --product dit-studio

## run: build and start dit-studio
run: build
	.build/release/dit-studio

# The fewest tests a full run may execute: the first number in this file. A target or test file that
# stops compiling or running (a platform #if, a renamed folder) would otherwise shrink the suite silently.
TEST_COUNT_FLOOR := Tests/expected-test-count

## test: build everything and run all tests (prints the test count, checks it against the floor)
test: deps
	$(SWIFT) build $(TEST_FLAGS) --build-tests
	$(if $(TEST_EVALUATOR),$(SWIFT) build -c release --product dit-studio)
	DIT_STUDIO_EVALUATOR="$(TEST_EVALUATOR)" $(SWIFT) test $(TEST_FLAGS) --skip-build 2>&1 | tee $(TEST_LOG)
	@$(MAKE) --no-print-directory check-test-count TEST_MODE=$(TEST_MODE)

## check-test-count: the last full run (its log) executed at least the floor's number of tests
check-test-count:
	@summary=$$(grep -E '^[[:space:]]*Executed [0-9]+ tests?' $(TEST_LOG) | tail -1 | sed 's/^[[:space:]]*//'); \
	echo "Test summary: $$summary"; \
	executed=$$(echo "$$summary" | sed -nE 's/^Executed ([0-9]+) tests?.*/\1/p'); \
	floor=$$(grep -Eo '^[0-9]+' $(TEST_COUNT_FLOOR) | head -1); \
	if [ -z "$$executed" ] || [ -z "$$floor" ]; then \
	  echo "error: cannot compare the number of tests run ('$$summary' in $(TEST_LOG)) with the floor in $(TEST_COUNT_FLOOR)" >&2; exit 1; \
	fi; \
	if [ "$$executed" -lt "$$floor" ]; then \
	  echo "error: $$executed tests ran, fewer than the $$floor recorded in $(TEST_COUNT_FLOOR): a test target or file no longer builds or runs (or tests were removed on purpose: then lower the floor in the same commit)" >&2; \
	  exit 1; \
	fi; \
	echo "Test count: $$executed (floor $$floor, $(TEST_COUNT_FLOOR))"

## bench: time the engine (sgemm peak, transformer forward, full generation) and a table of jobs
## (plain, regional, inpaint, plain at cache fast and faster: wall per image, it/s, peak RSS, GFLOP/s,
## speed-up over plain; BENCH_ARGS="--cache off" leaves the cache rows out) against PyTorch eager on the
## same weights, at the model's default size and steps; BENCH_MODEL defaults to the built-in model,
## else a random model of its size. One BLAS thread: OPENBLAS_NUM_THREADS=1 make bench BENCH_ARGS="--compare --threads 1"
BENCH_MODEL ?= Models/shapes-mmdit
BENCH_ARGS ?= --compare
bench: build
	@model="$(BENCH_MODEL)"; \
	if [ ! -f "$$model/model_index.json" ]; then \
	  model=.build/bench-model; \
	  [ -f "$$model/model_index.json" ] || python3 Benchmarks/make_bench_model.py "$$model" --kind pixel; \
	fi; \
	.build/release/dit-studio bench --model "$$model" $(BENCH_ARGS)

## fuzz: fuzz every parser of outside input (Sources/FuzzHarnesses) with libFuzzer, AddressSanitizer
## and LeakSanitizer, FUZZ_SECONDS each (one at a time); FUZZ_TARGETS picks some (names as in
## Fuzz/Corpus/). The corpus grows in .build-fuzz/corpus/; crashing, hanging or leaking inputs are
## written to .build-fuzz/findings/<target>/ and fail the run.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(notdir $(wildcard Fuzz/Corpus/*))
FUZZ_OPTIONS ?=
FUZZ_DIR := .build-fuzz
# Swift code gets AddressSanitizer and libFuzzer's coverage instrumentation (what -sanitize=fuzzer
# adds, without linking libFuzzer's main: the driver in Fuzz/Driver has its own); C and C++ code
# (the libpng shim, TOMLKit's toml++) the same through clang.
FUZZ_BUILD_FLAGS := -c release --scratch-path $(FUZZ_DIR) --product dit-fuzz \
	-Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,indirect-calls,trace-cmp,inline-8bit-counters,pc-table \
	-Xcc -fsanitize=address,fuzzer-no-link -Xcxx -fsanitize=address,fuzzer-no-link
# The clang of the Swift toolchain knows where its libFuzzer runtime is.
FUZZ_CLANG := $(dir $(realpath $(shell command -v $(SWIFT))))clang

fuzz-build: deps
	@runtime="$$($(FUZZ_CLANG) -print-libgcc-file-name -rtlib=compiler-rt | sed 's/builtins/fuzzer_no_main/')"; \
	if [ ! -f "$$runtime" ]; then echo "error: the Swift toolchain has no libFuzzer runtime ($$runtime)" >&2; exit 1; fi; \
	echo "DIT_STUDIO_FUZZ=1 $(SWIFT) build $(FUZZ_BUILD_FLAGS) -Xlinker $$runtime"; \
	DIT_STUDIO_FUZZ=1 $(SWIFT) build $(FUZZ_BUILD_FLAGS) -Xlinker "$$runtime"

fuzz: fuzz-build
	@failed=""; \
	for target in $(FUZZ_TARGETS); do \
	  corpus="$(FUZZ_DIR)/corpus/$$target"; findings="$(FUZZ_DIR)/findings/$$target"; log="$(FUZZ_DIR)/fuzz-$$target.log"; \
	  mkdir -p "$$corpus" "$$findings"; \
	  dictionary=""; [ -f "Fuzz/Dictionaries/$$target.dict" ] && dictionary="-dict=Fuzz/Dictionaries/$$target.dict"; \
	  run() { SWIFT_BACKTRACE=enable=no \
	    LSAN_OPTIONS="suppressions=$(CURDIR)/Fuzz/leak-suppressions.txt:print_suppressions=0:$${LSAN_OPTIONS:-}" \
	    $(FUZZ_DIR)/release/dit-fuzz "$$target" "$$corpus" "Fuzz/Corpus/$$target" $$dictionary \
	      -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$$findings/" "$$@"; }; \
	  if run -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(FUZZ_OPTIONS) > "$$log" 2>&1 \
	     && run -runs=0 -detect_leaks=1 >> "$$log" 2>&1; then \
	    echo "fuzz $$target: $$(grep -m1 -E '^Done [0-9]+ runs in' "$$log" | awk '{print $$2 " runs in " $$5 " s"}')," \
	      "$$(ls "$$corpus" | wc -l) inputs in the corpus (replayed for leaks), no crash, hang or leak"; \
	  else \
	    failed="$$failed $$target"; tail -n 60 "$$log"; \
	    echo "fuzz $$target: FAILED; the input is in $$findings/, the log in $$log"; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then \
	  echo "fuzz: findings in:$$failed. Replay one: SWIFT_BACKTRACE=enable=no $(FUZZ_DIR)/release/dit-fuzz TARGET FILE" >&2; exit 1; \
	fi

## clean: remove build folders
clean:
	rm -rf .build .build-test $(FUZZ_DIR)
