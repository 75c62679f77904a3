/*
 * test-addr.c: lib/addr.c, the client address: trusted proxies, the
 * header walk, IPv6 /64s, IPv4-mapped addresses.  No database.
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "cfg.h"
#include "log.h"
#include "tap.h"

static const char proxies[] =
    "[login]\n"
    "trusted_proxies = 127.0.0.1, 10.0.0.0/8, ::1, fd00::/8\n";

static const struct addr_case {
	const char	*name;
	const char	*remote, *header;
	const char	*want;
} addr_cases[] = {
	{ "no proxy: REMOTE_ADDR", "192.0.2.7", NULL, "192.0.2.7" },
	{ "untrusted peer: header ignored", "192.0.2.7", "198.51.100.1",
	  "192.0.2.7" },
	{ "trusted peer: the header's hop", "127.0.0.1", "198.51.100.1",
	  "198.51.100.1" },
	{ "trusted peer, no header", "127.0.0.1", NULL, "127.0.0.1" },
	{ "right-most untrusted hop wins", "127.0.0.1",
	  "6.6.6.6, 198.51.100.1, 10.1.2.3", "198.51.100.1" },
	{ "a client's spoofed left hops are ignored", "10.9.9.9",
	  "1.1.1.1,2.2.2.2,203.0.113.5", "203.0.113.5" },
	{ "every hop trusted: the left-most", "127.0.0.1",
	  "10.0.0.1, 10.0.0.2", "10.0.0.1" },
	{ "garbage hop: the trusted hop after it", "127.0.0.1",
	  "198.51.100.1, not-an-ip, 10.0.0.5", "10.0.0.5" },
	{ "empty header", "127.0.0.1", "", "127.0.0.1" },
	{ "port on an IPv4 hop", "127.0.0.1", "198.51.100.1:4711",
	  "198.51.100.1" },
	{ "bracketed IPv6 hop with port", "127.0.0.1",
	  "[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64" },
	{ "IPv6 peer: its /64", "2001:db8:a:b:c:d:e:f", NULL,
	  "2001:db8:a:b::/64" },
	{ "IPv6 trusted network", "fd00::1", "2001:db8::9", "2001:db8::/64" },
	{ "IPv4-mapped IPv6 is IPv4", "::ffff:192.0.2.9", NULL, "192.0.2.9" },
	{ "IPv4-mapped trusted proxy", "::ffff:127.0.0.1", "192.0.2.10",
	  "192.0.2.10" },
	{ "10.0.0.0/8 does not hold 11.0.0.1", "11.0.0.1", "192.0.2.1",
	  "11.0.0.1" },
	{ "no REMOTE_ADDR", NULL, "192.0.2.1", "unknown" },
	{ "malformed REMOTE_ADDR", "nonsense", NULL, "unknown" },
};

static void
test_address(void)
{
	struct cfg c, none;
	char err[256], out[ADDR_MAX];
	size_t i;

	memset(&c, 0, sizeof(c));
	memset(&none, 0, sizeof(none));
	if (!is_int(cfg_parse(&c, proxies, strlen(proxies), err,
	    sizeof(err)), SVC_OK, "a config with trusted proxies"))
		return;
	for (i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		addr_client(&c, addr_cases[i].remote, addr_cases[i].header,
		    out, sizeof(out));
		ok(strcmp(out, addr_cases[i].want) == 0, "%s: %s",
		    addr_cases[i].name, out);
	}
	is_int(cfg_parse(&none, "", 0, err, sizeof(err)), SVC_OK,
	    "the default config");
	addr_client(&none, "127.0.0.1", "198.51.100.1", out, sizeof(out));
	ok(strcmp(out, "127.0.0.1") == 0,
	    "default: no proxy trusted, the header ignored");
	cfg_free(&c);
	cfg_free(&none);
}

int
main(void)
{
	log_init("test-addr");
	test_address();
	return tap_done();
}
