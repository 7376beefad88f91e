# The two commands: `make run` and `make test`. Everything else is a helper.
PRESET ?= $(if $(CI),ci,release)
BUILD := build/$(PRESET)

.PHONY: all deps build run test deb install clean format screenshot coverage fuzz fuzz-seeds sanitize
all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt CMakePresets.json | deps
	cmake --preset $(PRESET) >/dev/null

build: deps $(BUILD)/build.ninja
	cmake --build --preset $(PRESET)

run: build
	$(BUILD)/brisk serve $(ARGS)

test: build
	ctest --preset $(PRESET) -j2

# Line and branch coverage of src/ by the unit and end-to-end tests: an -O0
# --coverage build in build/coverage, both suites run against it, and
# gcovr's HTML report in build/coverage/html/index.html (totals printed).
coverage: deps
	cmake --preset coverage >/dev/null
	cmake --build --preset coverage
	bash scripts/coverage.sh build/coverage

# The sanitizer builds (clang; build/asan, build/tsan): ASan+UBSan under
# the unit tests and the whole end-to-end suite, then TSan under the unit
# tests, the concurrent end-to-end tests and the benchmark's smoke load.
# Any sanitizer report fails it (tools/sanitized_tests.sh).
sanitize: deps
	bash tools/sanitized_tests.sh asan
	bash tools/sanitized_tests.sh tsan

# The libFuzzer targets of fuzz/ under ASan+UBSan (clang, build/fuzz): the
# inputs of fuzz/regressions/ replayed, then each target run for
# FUZZ_SECONDS (default 60). Prints executions and crashes per target.
FUZZ_SECONDS ?= 60
fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz
	bash fuzz/run.sh $(FUZZ_SECONDS)

# Regenerates fuzz/seeds/<target>.jsonl from the requests the end-to-end
# tests send (SQLite backend), recorded by tests/e2e/e2e_helpers.py.
fuzz-seeds: build
	rm -rf build/recorded && mkdir -p build/recorded
	BRISK_RECORD_REQUESTS=$(CURDIR)/build/recorded BRISK_BIN=$(CURDIR)/$(BUILD)/brisk \
	  /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/e2e -k "not postgres" -x
	/usr/bin/python3 fuzz/make_seeds.py build/recorded fuzz/seeds

# The Debian package: $(BUILD)/brisk_<version>_<arch>.deb (stripped binary,
# brisk.service, /etc/default/brisk) and brisk-dbgsym_<version>_<arch>.ddeb
# (its debug information). See cmake/packaging.cmake.
deb: build
	cd $(BUILD) && cpack -G DEB

# Installs the stripped binary, man page and notices under PREFIX (default
# /usr/local); the systemd files come only with the package.
install: build
	cmake --install $(BUILD) --strip $(if $(PREFIX),--prefix $(PREFIX))

# Refreshes the README's pictures with the browser tests: docs/swagger-ui.png
# (Swagger UI's "Try it out" at /docs) and docs/ui-*.png (the web UI at /,
# light and dark, desktop and phone).
screenshot: build
	BRISK_BIN=$(BUILD)/brisk node tests/browser/docs_try_it_out.mjs docs/swagger-ui.png
	BRISK_BIN=$(BUILD)/brisk node tests/browser/web_ui.mjs docs

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
