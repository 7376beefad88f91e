# The two commands: `make run` and `make test`. Everything else is a helper.
PRESET ?= $(if $(CI),ci,release)
BUILD := build/$(PRESET)

.PHONY: all deps build run test clean format screenshot
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

# Refreshes docs/swagger-ui.png (the README's picture of /docs) with the
# browser test, which drives Swagger UI's "Try it out" in chromium.
screenshot: build
	BRISK_BIN=$(BUILD)/brisk node tests/browser/docs_try_it_out.mjs docs/swagger-ui.png

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
