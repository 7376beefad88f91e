# The two commands: `make run` and `make test`. Everything else is a helper.
PRESET ?= $(if $(CI),ci,release)
BUILD := build/$(PRESET)

.PHONY: all deps build run test clean format
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

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
