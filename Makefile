# jwtauth: JWT login endpoints as small FastCGI programs.
# GNU make 4 (Debian 12).  `make run` and `make check` are the whole set-up.

BUILD	?= build
PREFIX	?= /usr/local
PORT	?= 8080
SERVER	?= lighttpd
FUZZ_SECONDS ?= 60

PKGS	 = openssl json-c libmariadb libargon2
PKG_CF	!= pkg-config --cflags $(PKGS) 2>/dev/null || true
PKG_LD	!= pkg-config --libs $(PKGS) 2>/dev/null || true

CC	?= cc
CFLAGS	?= -O2 -g
WARN	 = -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
	   -Wshadow -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
ifeq ($(SAN),1)
override BUILD := $(BUILD)/asan
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all
endif
# STATIC=1: the programs linked fully static, in $(BUILD)/static.
# -static-pie keeps them position independent, so ASLR stays.  For
# plain CGI, where each request is a new process and loading the shared
# libraries is about a quarter of its cost (`make bench`), and for hosts
# that lack the libraries.  The binaries carry their own OpenSSL,
# MariaDB client and glibc: rebuild them after Debian updates libssl3,
# libmariadb3, libc6, json-c, libfcgi, libargon2 or libcrypt.  ld warns
# that glibc's name lookups (getpwuid, getservbyname, ...) want the
# shared glibc of the same version at run time: they fall back to
# defaults without it.
ifeq ($(STATIC),1)
ifeq ($(SAN),1)
$(error SAN=1 and STATIC=1 do not go together)
endif
override BUILD := $(BUILD)/static
PKG_LD	!= pkg-config --static --libs $(PKGS) 2>/dev/null || true
LDSTATIC = -static-pie
# Each CGI request pays for every page that start-up relocation reads:
# pack the relative relocations (DT_RELR, glibc 2.36), 7 KiB of table
# instead of 540.
LINK_STATIC = -Wl,-z,pack-relative-relocs
endif
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -Ilib $(WARN) $(CFLAGS) $(SANFLAGS) $(PKG_CF)
LDLIBS	 = $(LDSTATIC) $(PKG_LD) -lfcgi -lcrypt
# --as-needed (Debian's gcc passes it already; other drivers may not): a
# program records only the libraries it calls.  With pw.c apart from
# pwalg.c, profile, refresh and logout hash nothing and so do not map
# libargon2 and libcrypt at each start.
ALL_LDFLAGS = -Wl,--as-needed $(LINK_STATIC) $(LDFLAGS)

LIB_SRC	 = $(wildcard lib/*.c)
LIB_OBJ	 = $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIB	 = $(BUILD)/lib/libjwtauth.a
PROGS	 = $(patsubst cgi-bin/%.c,$(BUILD)/cgi-bin/%,$(wildcard cgi-bin/*.c))
TOOLS	 = $(BUILD)/bin/jwtauth-admin
UNITS	 = $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test-*.c))
BENCHP	 = $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))
TTOOLS	 = $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(wildcard tests/tools/*.c))

.PHONY: all programs run start stop check unit e2e bench fuzz fuzzers valgrind \
	install clean deps sql migrate

all: $(LIB) $(PROGS) $(TOOLS) $(UNITS) $(BENCHP) $(TTOOLS)

# What a server runs: the endpoint programs and jwtauth-admin.
programs: $(PROGS) $(TOOLS)

# Objects live apart from the programs, so that a glob of programs
# (tests/unit/test-*) finds programs only.
$(BUILD)/obj/%.o: %.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(BUILD)/cgi-bin/%: $(BUILD)/obj/cgi-bin/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/bin/jwtauth-admin: $(BUILD)/obj/tools/jwtauth-admin.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tests/tools/%: $(BUILD)/obj/tests/tools/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# Installs the Debian packages that are missing (and only those).
deps:
	@scripts/deps

# The demo stack in the foreground; Ctrl-C stops it.
run: deps
	@$(MAKE) --no-print-directory all
	@SERVER=$(SERVER) scripts/stack run

start: deps
	@$(MAKE) --no-print-directory all
	@SERVER=$(SERVER) scripts/stack start

stop:
	@scripts/stack stop

# A SQL client on the private database (SQL on stdin works too).
sql:
	@scripts/stack sql

migrate: all
	@scripts/stack migrate

# Every test: unit, end to end, fuzz (bounded), then all again under
# ASan + UBSan.  The last line counts every test.  In stages, each
# timed: `make check CHECK_ONLY=e2e SERVER=lighttpd`, `CHECK_ONLY=unit`,
# `CHECK_FILES=tests/e2e/test-login.py` (scripts/check says more).
# SERVER's default is lighttpd, so it restricts the web server kinds
# only when given on the command line, or in the environment together
# with CHECK_ONLY (a partial run anyway).
CHECK_KINDS = $(if $(or $(filter command line,$(origin SERVER)),$(and \
	$(CHECK_ONLY),$(filter environment,$(origin SERVER)))),$(SERVER))
check: deps
	@CHECK_ONLY='$(CHECK_ONLY)' CHECK_FILES='$(CHECK_FILES)' \
		CHECK_SERVER='$(CHECK_KINDS)' scripts/check

unit: $(UNITS)
	@tests/tap-run $(UNITS)

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/run

fuzz:
	@tests/fuzz/run $(FUZZ_SECONDS)

valgrind: $(UNITS)
	@tests/tap-run --valgrind $(UNITS)

install: programs
	install -d $(DESTDIR)$(PREFIX)/lib/jwtauth/cgi-bin $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/share/jwtauth/sql
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/lib/jwtauth/cgi-bin/
	install -m 755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 sql/*.sql $(DESTDIR)$(PREFIX)/share/jwtauth/sql/

clean:
	rm -rf build

# libFuzzer targets (Debian's clang): one per parser.  lib/ is compiled
# once, instrumented for coverage (fuzzer-no-link) and sanitized, into
# one archive that every harness links: compiling each lib source again
# per target cost a clean `make fuzzers` several times over.  New
# lib/*.c and tests/fuzz/fuzz-*.c files are picked up by the globs.
FUZZ_SRC = $(wildcard tests/fuzz/fuzz-*.c)
FUZZERS	 = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
FUZZ_OBJ = $(LIB_SRC:%.c=$(BUILD)/fuzzobj/%.o)
FUZZ_LIB = $(BUILD)/fuzzobj/libjwtauth-fuzz.a
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -Ilib -g -O1 $(PKG_CF)
FUZZ_SAN = address,undefined

fuzzers: $(FUZZERS)

$(BUILD)/fuzzobj/%.o: %.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(FUZZ_OBJ)

$(BUILD)/fuzz/%: $(BUILD)/fuzzobj/tests/fuzz/%.o $(FUZZ_LIB)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) $(LDFLAGS) \
		-o $@ $< $(FUZZ_LIB) $(LDLIBS)
# The harness objects are made by a chain of pattern rules: keep them,
# or make deletes them and relinks every target at the next run.
.SECONDARY: $(FUZZ_SRC:%.c=$(BUILD)/fuzzobj/%.o)
