# crishim: build, run and test. See README.md.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIGURATION ?= Release
OUT := $(CURDIR)/out/bin
PUBLISH := $(DOTNET) publish --nologo -v quiet -c $(CONFIGURATION)
# The daemon is NativeAOT (its csproj sets PublishAot). ReadyToRun: the client starts without JIT-compiling
# itself (halves start-up, and far more under the test VM's emulated CPU).
PUBLISH_R2R := $(PUBLISH) -r linux-x64 --self-contained false -p:PublishReadyToRun=true
ARGS ?=
# make install / uninstall: the layout of the .deb under DESTDIR/PREFIX (see src/packaging/install.sh).
DESTDIR ?=
PREFIX ?= /usr/local
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc

.PHONY: all build vm-build run test vm-test deps clean bench package install uninstall

all: build

build:
	$(PUBLISH) -r linux-x64 src/CriShim.Api -o $(OUT)
	$(PUBLISH_R2R) src/CriShim.Ctl -o $(OUT)
	$(DOTNET) publish --nologo -v quiet -c $(CONFIGURATION) -r linux-x64 src/CriShim.Helper -o $(OUT)

# A .deb (dpkg-deb) of what build produced: daemon, helper, crishimctl, unit, default config, man page, CNI example.
package: build
	src/packaging/package.sh $(OUT) $(CURDIR)/out

install: build
	src/packaging/install.sh install $(OUT) "$(DESTDIR)" $(PREFIX) $(UNITDIR) $(SYSCONFDIR)

uninstall:
	src/packaging/install.sh uninstall $(OUT) "$(DESTDIR)" $(PREFIX) $(UNITDIR) $(SYSCONFDIR)

# The NativeAOT scenario runner that runs inside the cgroup v2 test VM.
vm-build: build
	$(PUBLISH) -r linux-x64 native-tests/CriShim.VmTests -o $(OUT)

run: build
	$(OUT)/crishim $(ARGS)

deps:
	tests/scripts/install-deps.sh

test: deps vm-build
	tests/scripts/run-tests.sh

# crishim against Debian's containerd, side by side; QUICK=1 for the reduced set (see README).
bench: build
	QUICK=$(QUICK) bench/run.sh

vm-test: deps vm-build
	tests/vm/run-in-vm.sh "$(OUT)/crishim-vmtests $(OUT)"

clean:
	rm -rf out src/*/bin src/*/obj tests/*/bin tests/*/obj native-tests/*/bin native-tests/*/obj
