# crishim: build, run and test. See README.md.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIGURATION ?= Release
OUT := $(CURDIR)/out/bin
PUBLISH := $(DOTNET) publish --nologo -v quiet -c $(CONFIGURATION)
ARGS ?=

.PHONY: all build run test unit-test native-test deps clean

all: build

build:
	$(PUBLISH) src/CriShim.Api -o $(OUT)
	$(PUBLISH) src/CriShim.Ctl -o $(OUT)

run: build
	$(OUT)/crishim $(ARGS)

deps:
	tests/scripts/install-deps.sh

test: deps build
	tests/scripts/run-tests.sh

clean:
	rm -rf out src/*/bin src/*/obj tests/*/bin tests/*/obj native-tests/*/bin native-tests/*/obj
