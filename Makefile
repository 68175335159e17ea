# proftpd-rs: the packager-facing front end over cargo.
#
#   make [all]       build the daemon and tools (release profile)
#   make run         build, then serve sample-configurations/quickstart.conf in
#                    the foreground on 127.0.0.1:2121 (user demo, password demo)
#   make test        every test suite: cargo tests, perl-tests/, tests/compat/
#   make check       rustfmt --check, clippy -D warnings, then make test
#   make check-root  make test, refusing to run unless root (no skips)
#   make install     honours PREFIX DESTDIR sbindir bindir sysconfdir
#                    localstatedir mandir
#   make bench | fuzz | perl-tests | dist | uninstall | clean
#
# Static modules come from MODULES="mod_tls mod_ban ..." (Cargo features of
# the root package), the analogue of ./configure --with-modules.
#
# One cargo profile (release) is used for everything, tests included, so a
# CI run compiles the dependency graph once.

CARGO    ?= cargo
PERL     ?= perl
PROVE    ?= prove
INSTALL  ?= install
MODULES  ?=
FUZZ_RUNS ?= 10000000

PREFIX        ?= /usr/local
prefix        ?= $(PREFIX)
exec_prefix   ?= $(prefix)
sbindir       ?= $(exec_prefix)/sbin
bindir        ?= $(exec_prefix)/bin
libexecdir    ?= $(exec_prefix)/libexec
sysconfdir    ?= $(prefix)/etc
localstatedir ?= $(prefix)/var
datarootdir   ?= $(prefix)/share
mandir        ?= $(datarootdir)/man
DESTDIR       ?=

VERSION    := $(shell sed -n 's/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n 1)
TARGET_DIR := $(abspath $(or $(CARGO_TARGET_DIR),target))
PROFILE    := release
BUILD_DIR  := $(TARGET_DIR)/$(PROFILE)
BIN        := $(BUILD_DIR)/proftpd
FEATURES   := $(if $(strip $(MODULES)),--features "$(strip $(MODULES))")
CARGO_FLAGS := --workspace --$(PROFILE) $(FEATURES)

# Tools installed into bindir when the workspace builds them.
TOOLS := ftpdctl ftpwho ftpcount ftptop ftpshut ftpasswd

# make run: where the quickstart server keeps its state, and its port.
QUICKSTART_DIR  ?= $(TARGET_DIR)/quickstart
QUICKSTART_PORT ?= 2121

.PHONY: all build run test cargo-test perl-tests compat-tests check check-root fmt-check \
	clippy bench fuzz install uninstall dist clean

all: build

build:
	$(CARGO) build $(CARGO_FLAGS)

# Serve the quickstart config in the foreground; Ctrl-C stops it.
run: build
	PROFTPD_QUICKSTART_DIR="$(QUICKSTART_DIR)" \
	PROFTPD_QUICKSTART_PORT="$(QUICKSTART_PORT)" \
	sh sample-configurations/quickstart.sh "$(BIN)"

# Every suite: the binary is built first, so perl-tests and the Rust
# integration tests drive the same release binary.  Every suite runs even
# when an earlier one fails; the target fails if any did.
test: build
	@status=0; \
	$(MAKE) --no-print-directory cargo-test || status=1; \
	$(MAKE) --no-print-directory perl-tests || status=1; \
	$(MAKE) --no-print-directory compat-tests || status=1; \
	if [ $$status -ne 0 ]; then echo "make test: some suites FAILED (see above)"; fi; \
	exit $$status

cargo-test:
	PROFTPD_TEST_BIN="$(BIN)" $(CARGO) test --no-fail-fast $(CARGO_FLAGS)

perl-tests: build
	@if [ -d perl-tests/t ]; then \
		echo "prove -r perl-tests/t (PROFTPD_TEST_BIN=$(BIN))"; \
		PROFTPD_TEST_BIN="$(BIN)" PROFTPD_TEST_PATH="$(BUILD_DIR)" \
		PERL5LIB="$(CURDIR)/perl-tests/lib$${PERL5LIB:+:$$PERL5LIB}" \
		$(PROVE) -r perl-tests/t; \
	else \
		echo "perl-tests/t not present: skipped"; \
	fi

# The ProFTPD-versus-us comparison, when someone has written it.
compat-tests: build
	@if [ -x tests/compat/run ]; then \
		PROFTPD_TEST_BIN="$(BIN)" PROFTPD_TEST_PATH="$(BUILD_DIR)" tests/compat/run; \
	else \
		echo "tests/compat/run not present: skipped"; \
	fi

check: fmt-check clippy test

# The root tier (chroot, uid switching, compat) only runs as root.
check-root:
	@if [ "$$(id -u)" -ne 0 ]; then \
		echo "make check-root: must run as root (the root tier skips otherwise)"; \
		exit 1; \
	fi
	$(MAKE) --no-print-directory test

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy $(CARGO_FLAGS) --all-targets -- -D warnings

# make bench QUICK=1 for a short run; BENCH_ARGS="--only retr,list" etc.
bench: build
	@if [ -x bench/run ]; then \
		PROFTPD_TEST_BIN="$(BIN)" PROFTPD_TEST_PATH="$(BUILD_DIR)" QUICK="$(QUICK)" \
		bench/run $(BENCH_ARGS); \
	else \
		echo "bench/run not present: nothing to do"; \
	fi

# cargo-fuzz needs a nightly toolchain; tests/fuzz/run, when present, knows
# best how to drive the targets.
fuzz:
	@if [ -x tests/fuzz/run ]; then \
		FUZZ_RUNS="$(FUZZ_RUNS)" tests/fuzz/run; \
	elif [ -d tests/fuzz ]; then \
		cd tests/fuzz && for t in $$($(CARGO) +nightly fuzz list); do \
			$(CARGO) +nightly fuzz run "$$t" -- -runs=$(FUZZ_RUNS) || exit 1; \
		done; \
	else \
		echo "tests/fuzz not present: nothing to do"; \
	fi

install: build
	$(INSTALL) -d -m 0755 "$(DESTDIR)$(sbindir)" "$(DESTDIR)$(bindir)" \
		"$(DESTDIR)$(sysconfdir)" "$(DESTDIR)$(localstatedir)"
	$(INSTALL) -m 0755 "$(BIN)" "$(DESTDIR)$(sbindir)/proftpd"
	@for t in $(TOOLS); do \
		if [ -f "$(BUILD_DIR)/$$t" ]; then \
			echo "$(INSTALL) -m 0755 $(BUILD_DIR)/$$t $(DESTDIR)$(bindir)/$$t"; \
			$(INSTALL) -m 0755 "$(BUILD_DIR)/$$t" "$(DESTDIR)$(bindir)/$$t" || exit 1; \
		fi; \
	done
	@for page in docs/man/*.[1-8]; do \
		[ -f "$$page" ] || continue; \
		sec=$${page##*.}; \
		$(INSTALL) -d -m 0755 "$(DESTDIR)$(mandir)/man$$sec" || exit 1; \
		echo "$(INSTALL) -m 0644 $$page $(DESTDIR)$(mandir)/man$$sec/"; \
		$(INSTALL) -m 0644 "$$page" "$(DESTDIR)$(mandir)/man$$sec/" || exit 1; \
	done
	@if [ -e "$(DESTDIR)$(sysconfdir)/proftpd.conf" ]; then \
		echo "$(DESTDIR)$(sysconfdir)/proftpd.conf exists: not overwritten"; \
	else \
		echo "$(INSTALL) -m 0644 sample-configurations/basic.conf $(DESTDIR)$(sysconfdir)/proftpd.conf"; \
		$(INSTALL) -m 0644 sample-configurations/basic.conf "$(DESTDIR)$(sysconfdir)/proftpd.conf"; \
	fi
# The run directory (PidFile, later the scoreboard and Controls socket):
# writable by root only.
	$(INSTALL) -d -m 0755 "$(DESTDIR)$(localstatedir)/run/proftpd"

uninstall:
	rm -f "$(DESTDIR)$(sbindir)/proftpd"
	for t in $(TOOLS); do rm -f "$(DESTDIR)$(bindir)/$$t"; done
	@echo "$(DESTDIR)$(sysconfdir)/proftpd.conf left in place"

dist:
	git archive --format=tar.gz --prefix=proftpd-rs-$(VERSION)/ \
		-o proftpd-rs-$(VERSION).tar.gz HEAD
	@echo proftpd-rs-$(VERSION).tar.gz

clean:
	$(CARGO) clean
	rm -f proftpd-rs-*.tar.gz
