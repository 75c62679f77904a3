/*
 * test-cfg.c: the configuration parser and loader.  Run from the top of
 * the tree: it parses jwtauth.conf.example.  cfg_load cases write their
 * files under a mkdtemp(3) directory and remove them.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "pw.h"
#include "tap.h"

#define SECRET32	"0123456789abcdef0123456789abcdef"

static char	 dir[64];

/* ---------------------------------------------------------------- */

static enum svc_err
parse(struct cfg *c, const char *text, char *err, size_t errsz)
{
	return cfg_parse(c, text, strlen(text), err, errsz);
}

static int
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Every default, as cfg.h documents them. */
static int
is_default(const struct cfg *c, const char *secret_file)
{
	return streq(c->db_host, "localhost") && c->db_port == 3306 &&
	    c->db_socket == NULL && streq(c->db_name, "jwtauth") &&
	    streq(c->db_user, "jwtauth") && streq(c->db_password, "") &&
	    c->db_password_file == NULL && c->db_connect_timeout == 2 &&
	    c->db_timeout == 5 && streq(c->users_table, "auth_user") &&
	    streq(c->jwt_algorithm, "HS256") &&
	    streq(c->secret_file, secret_file) && c->secret == NULL &&
	    c->secret_len == 0 && c->access_ttl == 3600 &&
	    c->refresh_ttl == 604800 && c->leeway == 0 &&
	    c->refresh_reuse_grace == 0 && c->pw_max_cost_factor == 4 &&
	    c->issuer == NULL && c->audience == NULL &&
	    streq(c->pw_algorithm, "pbkdf2_sha256") &&
	    c->pbkdf2_iterations == PW_PBKDF2_DEFAULT_ITERATIONS &&
	    c->update_last_login == 1 && c->upgrade_hash == 1 &&
	    c->max_fail_user == 5 && c->max_fail_addr == 100 &&
	    c->fail_window == 900 && c->trusted_proxies == NULL &&
	    c->nproxies == 0 && streq(c->proxy_header, "X-Forwarded-For") &&
	    streq(c->proxy_param, "HTTP_X_FORWARDED_FOR") &&
	    c->register_enabled == 0;
}

static int
is_zero(const struct cfg *c)
{
	static const struct cfg	 zero;

	return memcmp(c, &zero, sizeof(zero)) == 0;
}

static void
test_defaults(void)
{
	struct cfg	 c;
	char		 err[256];

	memset(&c, 0, sizeof(c));
	is_int(cfg_parse(&c, "", 0, err, sizeof(err)), SVC_OK, "empty text");
	ok(is_default(&c, NULL), "empty text: every default");
	cfg_free(&c);
	ok(is_zero(&c), "cfg_free zeroes");
	cfg_free(&c);
	cfg_free(NULL);
	ok(1, "cfg_free twice and cfg_free(NULL)");

	is_int(parse(&c, "# only comments\n; and this\n\n  \t\n[jwt]\n",
	    err, sizeof(err)), SVC_OK, "comments and blank lines");
	ok(is_default(&c, NULL), "comments: every default");
	cfg_free(&c);
	is_int(cfg_parse(&c, NULL, 0, err, sizeof(err)), SVC_OK,
	    "NULL, 0 text");
	cfg_free(&c);
}

/* The example must parse, and hold the defaults it documents. */
static void
test_example(void)
{
	struct cfg	 c;
	char		 err[256], buf[65536];
	size_t		 n;
	FILE		*f;

	memset(&c, 0, sizeof(c));
	if ((f = fopen("jwtauth.conf.example", "r")) == NULL) {
		ok(0, "open jwtauth.conf.example (run from the top): %s",
		    strerror(errno));
		return;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	is_int(cfg_parse(&c, buf, n, err, sizeof(err)), SVC_OK,
	    "jwtauth.conf.example parses");
	if (err[0] != '\0')
		printf("# %s\n", err);
	ok(is_default(&c, "secret.key"),
	    "jwtauth.conf.example: documented defaults are the defaults");
	cfg_free(&c);
}

static const char all_keys[] =
    "[database]\n"
    "host = db.example.com\n"
    "port = 3307\n"
    "socket = /run/mysqld/mysqld.sock\n"
    "name = appdb\n"
    "user = app\n"
    "password = \"  p#ss;word = x  \"\n"
    "password_file = dbpw\n"
    "connect_timeout = 7\n"
    "timeout = 9\n"
    "users_table = my_users\n"
    "[jwt]\n"
    "algorithm = HS512\n"
    "secret_file = /etc/jwtauth/secret\n"
    "access_ttl = 15m\n"
    "refresh_ttl = 7d\n"
    "leeway = 30\n"
    "issuer = https://auth.example.com\n"
    "audience = api\n"
    "refresh_reuse_grace = 5\n"
    "[password]\n"
    "algorithm = pbkdf2_sha1\n"
    "pbkdf2_iterations = 1000\n"
    "max_cost_factor = 8\n"
    "[login]\n"
    "update_last_login = no\n"
    "upgrade_hash = off\n"
    "max_failures_per_user = 3\n"
    "max_failures_per_address = 0\n"
    "failure_window = 1h\n"
    "trusted_proxies = 127.0.0.1, 10.0.0.0/8 ::1,fd00::/8\n"
    "proxy_header = X-Real-IP\n"
    "[register]\n"
    "enabled = TRUE\n";

static void
test_each_key(void)
{
	struct cfg	 c;
	char		 err[256];

	memset(&c, 0, sizeof(c));
	is_int(parse(&c, all_keys, err, sizeof(err)), SVC_OK, "every key");
	ok(streq(c.db_host, "db.example.com"), "host");
	is_int(c.db_port, 3307, "port");
	ok(streq(c.db_socket, "/run/mysqld/mysqld.sock"), "socket");
	ok(streq(c.db_name, "appdb"), "name");
	ok(streq(c.db_user, "app"), "user");
	ok(streq(c.db_password, "  p#ss;word = x  "),
	    "password: quotes keep spaces, '#', ';' and '='");
	ok(streq(c.db_password_file, "dbpw"), "password_file");
	is_int(c.db_connect_timeout, 7, "connect_timeout");
	is_int(c.db_timeout, 9, "timeout");
	ok(streq(c.users_table, "my_users"), "users_table");
	ok(streq(c.jwt_algorithm, "HS512"), "jwt algorithm");
	ok(streq(c.secret_file, "/etc/jwtauth/secret"), "secret_file");
	ok(c.secret == NULL, "cfg_parse reads no secret");
	is_int(c.access_ttl, 900, "access_ttl 15m");
	is_int(c.refresh_ttl, 604800, "refresh_ttl 7d");
	is_int(c.refresh_reuse_grace, 5, "refresh_reuse_grace");
	is_int(c.pw_max_cost_factor, 8, "max_cost_factor");
	is_int(c.leeway, 30, "leeway");
	ok(streq(c.issuer, "https://auth.example.com"), "issuer");
	ok(streq(c.audience, "api"), "audience");
	ok(streq(c.pw_algorithm, "pbkdf2_sha1"), "password algorithm");
	is_int(c.pbkdf2_iterations, 1000, "pbkdf2_iterations");
	is_int(c.update_last_login, 0, "update_last_login");
	is_int(c.upgrade_hash, 0, "upgrade_hash");
	is_int(c.max_fail_user, 3, "max_failures_per_user");
	is_int(c.max_fail_addr, 0, "max_failures_per_address 0 (off)");
	is_int(c.fail_window, 3600, "failure_window 1h");
	is_int(c.nproxies, 4, "trusted_proxies: four entries");
	is_int(c.proxies[1].bits, 8, "trusted_proxies: 10.0.0.0/8 bits");
	is_int(c.proxies[0].bits, 32, "trusted_proxies: an address is a /32");
	is_int(c.proxies[2].bits, 128, "trusted_proxies: ::1 is a /128");
	ok(c.proxies[3].addr[0] == 0xfd && c.proxies[3].bits == 8,
	    "trusted_proxies: fd00::/8");
	ok(streq(c.proxy_param, "HTTP_X_REAL_IP"), "proxy_header -> "
	    "HTTP_X_REAL_IP");
	is_int(c.register_enabled, 1, "register enabled");
	cfg_free(&c);
}

static const struct syntax {
	const char	*name;
	const char	*text;
	const char	*issuer;
} syntax[] = {
	{ "spaces around", "  [ jwt ]  \n\t issuer\t=\t x y \t\n", "x y" },
	{ "no spaces", "[jwt]\nissuer=x\n", "x" },
	{ "CRLF", "[jwt]\r\nissuer = x\r\n", "x" },
	{ "no final newline", "[jwt]\nissuer = x", "x" },
	{ "UTF-8 BOM", "\xef\xbb\xbf[jwt]\nissuer = x\n", "x" },
	{ "'#' inside a value", "[jwt]\nissuer = a#b ;c\n", "a#b ;c" },
	{ "quoted", "[jwt]\nissuer = \" a b \"\n", " a b " },
	{ "quotes inside kept", "[jwt]\nissuer = a\"b\"\n", "a\"b\"" },
	{ "one quote char is kept", "[jwt]\nissuer = 'x'\n", "'x'" },
	{ "empty unsets", "[jwt]\nissuer =\n", NULL },
	{ "empty quotes unset", "[jwt]\nissuer = \"\"\n", NULL },
	{ "'=' in value", "[jwt]\nissuer = a=b\n", "a=b" },
	{ "section twice", "[jwt]\n[login]\n[jwt]\nissuer = x\n", "x" },
	{ "indented comment", "[jwt]\n   # issuer = y\nissuer = x\n", "x" },
	{ "line of 1024 bytes", NULL, NULL },
};

static void
test_syntax(void)
{
	struct cfg	 c;
	char		 err[256], line[1100];
	size_t		 i;
	int		 n;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < sizeof(syntax) / sizeof(syntax[0]); i++) {
		if (syntax[i].text == NULL)
			continue;
		is_int(parse(&c, syntax[i].text, err, sizeof(err)), SVC_OK,
		    syntax[i].name);
		ok(streq(c.issuer, syntax[i].issuer), "%s: value",
		    syntax[i].name);
		cfg_free(&c);
	}
	n = snprintf(line, sizeof(line), "[jwt]\nissuer = %0*d\n",
	    1024 - 9, 0);
	is_int(n, 6 + 1024 + 1, "1024-byte line built");
	is_int(parse(&c, line, err, sizeof(err)), SVC_OK,
	    "line of exactly 1024 bytes");
	cfg_free(&c);
	n = snprintf(line, sizeof(line), "[jwt]\nissuer = %0*d\r\n",
	    1024 - 9, 0);
	is_int(parse(&c, line, err, sizeof(err)), SVC_BADINPUT,
	    "1024 bytes and a CR is over");
	cfg_free(&c);
}

static const struct numval {
	const char	*text;
	long long	 want;
} secs[] = {
	{ "[jwt]\naccess_ttl = 1\n", 1 },
	{ "[jwt]\naccess_ttl = 30s\n", 30 },
	{ "[jwt]\naccess_ttl = 2h\n", 7200 },
	{ "[jwt]\naccess_ttl = 1d\n", 86400 },
	{ "[jwt]\naccess_ttl = 0600\n", 600 },
	{ "[jwt]\naccess_ttl = 3660d\n", 3660LL * 86400 },
	{ "[jwt]\naccess_ttl = 316224000\n", 316224000 },
};

static const struct boolval {
	const char	*word;
	int		 want;
} bools[] = {
	{ "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 },
	{ "on", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 },
	{ "Yes", 1 }, { "OFF", 0 }, { "\"on\"", 1 },
};

static void
test_values(void)
{
	struct cfg	 c;
	char		 err[256], text[128];
	size_t		 i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		is_int(parse(&c, secs[i].text, err, sizeof(err)), SVC_OK,
		    "seconds parse");
		is_int(c.access_ttl, secs[i].want, "seconds value");
		cfg_free(&c);
	}
	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
		snprintf(text, sizeof(text), "[register]\nenabled = %s\n",
		    bools[i].word);
		is_int(parse(&c, text, err, sizeof(err)), SVC_OK,
		    bools[i].word);
		is_int(c.register_enabled, bools[i].want, bools[i].word);
		cfg_free(&c);
	}
	is_int(parse(&c, "[jwt]\nleeway = 0\n", err, sizeof(err)), SVC_OK,
	    "leeway 0");
	cfg_free(&c);
	is_int(parse(&c, "[database]\nport = 65535\n", err, sizeof(err)),
	    SVC_OK, "port 65535");
	cfg_free(&c);
	is_int(parse(&c, "[password]\npbkdf2_iterations = 100000000\n",
	    err, sizeof(err)), SVC_OK, "iterations 100M");
	is_int(c.pbkdf2_iterations, 100000000, "iterations 100M value");
	cfg_free(&c);
}

static const struct bad {
	const char	*name;
	const char	*text;
	const char	*err;
} bad[] = {
	{ "unknown section", "[jwt]\n[foo]\n",
	  "line 2: unknown section [foo]" },
	{ "section case", "[JWT]\n", "line 1: unknown section [JWT]" },
	{ "unknown key", "[jwt]\n\nfoo = 1\n",
	  "line 3: unknown key \"foo\" in [jwt]" },
	{ "key in the wrong section", "[database]\nissuer = x\n",
	  "line 2: unknown key \"issuer\" in [database]" },
	{ "key before any section", "issuer = x\n",
	  "line 1: key \"issuer\" before any [section]" },
	{ "duplicate key", "[jwt]\nissuer = a\n[login]\n[jwt]\nissuer = b\n",
	  "line 5: duplicate key \"issuer\" in [jwt] (first on line 2)" },
	{ "missing '='", "[jwt]\nissuer x\n",
	  "line 2: expected \"key = value\", \"[section]\" or a comment" },
	{ "no key", "[jwt]\n = x\n", "line 2: no key before '='" },
	{ "missing ']'", "[jwt\n", "line 1: section header without ']'" },
	{ "text after ']'", "[jwt] x\n", "line 1: text after ']'" },
	{ "unterminated quote", "[database]\npassword = \"secret\n",
	  "line 2: [database] password: unterminated '\"'" },
	{ "lone quote", "[jwt]\nissuer = \"\n",
	  "line 2: [jwt] issuer: unterminated '\"'" },
	{ "bad number", "[database]\nport = 33o6\n",
	  "line 2: [database] port: \"33o6\" is not a number" },
	{ "negative number", "[database]\nport = -1\n",
	  "line 2: [database] port: \"-1\" is not a number" },
	{ "plus sign", "[database]\nport = +1\n",
	  "line 2: [database] port: \"+1\" is not a number" },
	{ "empty number", "[database]\nport =\n",
	  "line 2: [database] port: \"\" is not a number" },
	{ "unit on a plain number", "[database]\ntimeout = 5s\n",
	  "line 2: [database] timeout: \"5s\" is not a number" },
	{ "port 0", "[database]\nport = 0\n",
	  "line 2: [database] port: \"0\" is out of range 1..65535" },
	{ "port 65536", "[database]\nport = 65536\n",
	  "line 2: [database] port: \"65536\" is out of range 1..65535" },
	{ "huge number", "[database]\nport = 99999999999999999999999\n",
	  "line 2: [database] port: \"99999999999999999999999\" is out of "
	  "range 1..65535" },
	{ "iterations 0", "[password]\npbkdf2_iterations = 0\n",
	  "line 2: [password] pbkdf2_iterations: \"0\" is out of range "
	  "1..100000000" },
	{ "access_ttl 0", "[jwt]\naccess_ttl = 0\n",
	  "line 2: [jwt] access_ttl: \"0\" is out of range 1..316224000" },
	{ "refresh_ttl 0d", "[jwt]\nrefresh_ttl = 0d\n",
	  "line 2: [jwt] refresh_ttl: \"0d\" is out of range 1..316224000" },
	{ "negative leeway", "[jwt]\nleeway = -5\n",
	  "line 2: [jwt] leeway: \"-5\" is not a number of seconds "
	  "(optionally with s, m, h or d)" },
	{ "unknown unit", "[jwt]\naccess_ttl = 5w\n",
	  "line 2: [jwt] access_ttl: \"5w\" is not a number of seconds "
	  "(optionally with s, m, h or d)" },
	{ "two units", "[jwt]\naccess_ttl = 5ms\n",
	  "line 2: [jwt] access_ttl: \"5ms\" is not a number of seconds "
	  "(optionally with s, m, h or d)" },
	{ "unit overflow", "[jwt]\naccess_ttl = 999999999999999999d\n",
	  "line 2: [jwt] access_ttl: \"999999999999999999d\" is out of "
	  "range 1..316224000" },
	{ "bad bool", "[login]\nupgrade_hash = maybe\n",
	  "line 2: [login] upgrade_hash: \"maybe\" is not "
	  "yes/no/true/false/on/off/1/0" },
	{ "NUL byte", "[jwt]\nissuer = a\0b\n", "line 2: NUL byte" },
	{ "window 0", "[login]\nfailure_window = 0\n",
	  "line 2: [login] failure_window: \"0\" is out of range "
	  "1..604800" },
	{ "window over 7 days", "[login]\nfailure_window = 8d\n",
	  "line 2: [login] failure_window: \"8d\" is out of range "
	  "1..604800" },
	{ "limit over a million", "[login]\nmax_failures_per_user = "
	  "1000001\n", "line 2: [login] max_failures_per_user: \"1000001\" "
	  "is out of range 0..1000000" },
	{ "proxy not an address", "[login]\n\ntrusted_proxies = 10.0.0.1, "
	  "proxy.example\n", "line 3: [login] trusted_proxies: "
	  "\"proxy.example\" is not an IP address or network" },
	{ "proxy prefix too long", "[login]\ntrusted_proxies = 10.0.0.0/33\n",
	  "line 2: [login] trusted_proxies: \"10.0.0.0/33\" is not an IP "
	  "address or network" },
	{ "proxy prefix not a number", "[login]\ntrusted_proxies = ::1/x\n",
	  "line 2: [login] trusted_proxies: \"::1/x\" is not an IP address "
	  "or network" },
	{ "proxy header with a space", "[login]\nproxy_header = \"X Real\"\n",
	  "line 2: [login] proxy_header: \"X Real\" is not a header name "
	  "(letters, digits and '-', at most 64)" },
	{ "proxy header empty", "[login]\nproxy_header =\n",
	  "line 2: [login] proxy_header: \"\" is not a header name "
	  "(letters, digits and '-', at most 64)" },
	{ "control character in key", "[jwt]\nis\x1bsuer = x\n",
	  "line 2: unknown key \"is?suer\" in [jwt]" },
};

static void
test_errors(void)
{
	struct cfg	 c;
	char		 err[256], big[2100];
	size_t		 i, len;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = strlen(bad[i].text);
		if (strcmp(bad[i].name, "NUL byte") == 0)
			len = sizeof("[jwt]\nissuer = a\0b\n") - 1;
		is_int(cfg_parse(&c, bad[i].text, len, err, sizeof(err)),
		    SVC_BADINPUT, bad[i].name);
		ok(strcmp(err, bad[i].err) == 0, "%s: message", bad[i].name);
		if (strcmp(err, bad[i].err) != 0)
			printf("# got  \"%s\"\n# want \"%s\"\n", err,
			    bad[i].err);
		ok(is_zero(&c), "%s: cfg freed", bad[i].name);
	}

	memset(big, 'x', sizeof(big));
	memcpy(big, "[jwt]\nissuer = ", 15);
	is_int(cfg_parse(&c, big, sizeof(big), err, sizeof(err)),
	    SVC_BADINPUT, "line too long");
	ok(strcmp(err, "line 2: longer than 1024 bytes") == 0,
	    "line too long: message");

	/* A password is never echoed in a message. */
	is_int(parse(&c, "[database]\npassword = \"hunter2\n", err,
	    sizeof(err)), SVC_BADINPUT, "bad password line");
	ok(strstr(err, "hunter2") == NULL, "password not in the message");

	/* A tiny buffer is cut, not overrun. */
	err[5] = 'Z';
	is_int(parse(&c, "[foo]\n", err, 5), SVC_BADINPUT, "errsz 5");
	ok(strlen(err) == 4 && err[5] == 'Z', "errsz 5: cut to \"%s\"", err);
	is_int(parse(&c, "[foo]\n", NULL, 0), SVC_BADINPUT, "err NULL");
}

/* ---------------------------------------------------------------- */
/* cfg_load: files under dir.                                        */

static void
put(const char *name, const char *data, size_t len)
{
	char	 path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	fwrite(data, 1, len, f);
	fclose(f);
	/* As genkey writes a secret: the loader refuses looser modes. */
	chmod(path, 0600);
}

static void
puts_file(const char *name, const char *data)
{
	put(name, data, strlen(data));
}

/* Writes conf as "jwtauth.conf" and loads it; path names it. */
static enum svc_err
load(struct cfg *c, const char *conf, char *path, size_t pathsz,
    char *err, size_t errsz)
{
	puts_file("jwtauth.conf", conf);
	snprintf(path, pathsz, "%s/jwtauth.conf", dir);
	return cfg_load(c, path, err, errsz);
}

static void
test_load_secret(void)
{
	struct cfg	 c;
	char		 err[512], path[256], want[512], conf[512];

	memset(&c, 0, sizeof(c));
	puts_file("secret", SECRET32 "\n");
	is_int(load(&c, "[jwt]\nsecret_file = secret\n", path, sizeof(path),
	    err, sizeof(err)), SVC_OK, "load: relative secret_file");
	ok(c.secret_len == 32 && memcmp(c.secret, SECRET32, 32) == 0,
	    "load: newline cut");
	ok(streq(c.secret_file, "secret") && c.db_port == 3306 &&
	    c.access_ttl == 3600, "load: other keys default");
	cfg_free(&c);

	puts_file("crlf", SECRET32 "\r\n");
	is_int(load(&c, "[jwt]\nsecret_file = crlf\n", path, sizeof(path),
	    err, sizeof(err)), SVC_OK, "load: CRLF secret");
	is_int(c.secret_len, 32, "load: CRLF cut");
	cfg_free(&c);

	puts_file("two", SECRET32 "\n\n");
	is_int(load(&c, "[jwt]\nsecret_file = two\n", path, sizeof(path),
	    err, sizeof(err)), SVC_OK, "load: two newlines");
	ok(c.secret_len == 33 && c.secret[32] == '\n',
	    "load: only one newline cut");
	cfg_free(&c);

	put("binary", "\0\1\2" SECRET32, 35);
	is_int(load(&c, "[jwt]\nsecret_file = binary\n", path, sizeof(path),
	    err, sizeof(err)), SVC_OK, "load: binary secret");
	ok(c.secret_len == 35 && c.secret[0] == '\0' && c.secret[2] == 2,
	    "load: binary secret kept whole");
	cfg_free(&c);

	snprintf(conf, sizeof(conf), "[jwt]\nsecret_file = %s/secret\n", dir);
	is_int(load(&c, conf, path, sizeof(path), err, sizeof(err)), SVC_OK,
	    "load: absolute secret_file");
	cfg_free(&c);

	puts_file("short", "12345\n");
	is_int(load(&c, "[jwt]\nsecret_file = short\n", path, sizeof(path),
	    err, sizeof(err)), SVC_BADINPUT, "load: short secret");
	snprintf(want, sizeof(want), "%s: secret_file: %s/short is 5 bytes, "
	    "need at least 32", path, dir);
	ok(strcmp(err, want) == 0, "load: short secret message");
	ok(is_zero(&c), "load: failure frees cfg");

	puts_file("s31", "0123456789abcdef0123456789abcde\n");
	is_int(load(&c, "[jwt]\nsecret_file = s31\n", path, sizeof(path),
	    err, sizeof(err)), SVC_BADINPUT, "load: 31 bytes and a newline");

	is_int(load(&c, "[jwt]\nalgorithm = HS512\nsecret_file = secret\n",
	    path, sizeof(path), err, sizeof(err)), SVC_BADINPUT,
	    "load: HS512 wants 64 bytes");
	ok(strstr(err, "is 32 bytes, need at least 64") != NULL,
	    "load: HS512 message");
	puts_file("s48", SECRET32 "0123456789abcdef");
	is_int(load(&c, "[jwt]\nalgorithm = HS384\nsecret_file = s48\n",
	    path, sizeof(path), err, sizeof(err)), SVC_OK,
	    "load: HS384 with 48 bytes");
	cfg_free(&c);

	is_int(load(&c, "[jwt]\nsecret_file = nosuch\n", path, sizeof(path),
	    err, sizeof(err)), SVC_IO, "load: missing secret_file");
	snprintf(want, sizeof(want), "%s: secret_file: %s/nosuch: No such "
	    "file or directory", path, dir);
	ok(strcmp(err, want) == 0, "load: missing secret message");

	is_int(load(&c, "[jwt]\n", path, sizeof(path), err, sizeof(err)),
	    SVC_BADINPUT, "load: no secret_file");
	snprintf(want, sizeof(want), "%s: [jwt] secret_file is required",
	    path);
	ok(strcmp(err, want) == 0, "load: no secret_file message");

	is_int(load(&c, "[jwt]\nsecret_file = .\n", path, sizeof(path),
	    err, sizeof(err)), SVC_IO, "load: secret_file a directory");
	ok(strstr(err, "not a regular file") != NULL,
	    "load: directory message");
}

/*
 * A secret file that others may read, or anyone but its owner may
 * write, stops the program; group read stays allowed (issue 13).
 */
static void
test_secret_mode(void)
{
	static const struct {
		mode_t		 mode;
		enum svc_err	 want;
		const char	*name;
	} cases[] = {
		{ 0600, SVC_OK, "mode 0600 loads" },
		{ 0640, SVC_OK, "mode 0640 (group read) loads" },
		{ 0400, SVC_OK, "mode 0400 loads" },
		{ 0644, SVC_BADINPUT, "mode 0644 (others read) refused" },
		{ 0604, SVC_BADINPUT, "mode 0604 refused" },
		{ 0660, SVC_BADINPUT, "mode 0660 (group write) refused" },
		{ 0602, SVC_BADINPUT, "mode 0602 (others write) refused" },
		{ 0610, SVC_BADINPUT, "mode 0610 (group exec) refused" },
	};
	struct cfg	 c;
	char		 err[512], path[256], file[256];
	size_t		 i;

	memset(&c, 0, sizeof(c));
	snprintf(file, sizeof(file), "%s/modal", dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		puts_file("modal", SECRET32 "\n");
		chmod(file, cases[i].mode);
		is_int(load(&c, "[jwt]\nsecret_file = modal\n", path,
		    sizeof(path), err, sizeof(err)), cases[i].want,
		    cases[i].name);
		if (cases[i].want != SVC_OK)
			ok(strstr(err, "secret_file") != NULL &&
			    strstr(err, "must not be readable by others") !=
			    NULL && strchr(err, '\n') == NULL,
			    "%s: one line naming the key", cases[i].name);
		cfg_free(&c);
	}
	puts_file("pw", "dbpass\n");
	chmod(file, 0600);
	snprintf(file, sizeof(file), "%s/pw", dir);
	chmod(file, 0644);
	is_int(load(&c, "[jwt]\nsecret_file = modal\n[database]\n"
	    "password_file = pw\n", path, sizeof(path), err, sizeof(err)),
	    SVC_BADINPUT, "password_file mode 0644 refused");
	ok(strstr(err, "password_file") != NULL, "password_file message");
	cfg_free(&c);
	/* The config itself is not a secret file: 0644 is fine. */
	puts_file("jwtauth.conf", "[jwt]\nsecret_file = modal\n");
	snprintf(path, sizeof(path), "%s/jwtauth.conf", dir);
	chmod(path, 0644);
	is_int(cfg_load(&c, path, err, sizeof(err)), SVC_OK,
	    "config file itself may be 0644");
	cfg_free(&c);
}

#define PEM_PRIV	"-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n"
#define PEM_PUB		"-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"

/*
 * The key files of [jwt]: relative to the config, the private ones
 * under the secret's mode rule, the lists space-separated.  (Whether a
 * PEM is a key of the right type is tokens_init's check.)
 */
static void
test_load_keys(void)
{
	struct cfg	 c;
	char		 err[512], path[256], file[256];
	static const char es[] = "[jwt]\nalgorithm = ES256\n"
	    "secret_file = secret\nprivate_key_file = es.pem\n";

	memset(&c, 0, sizeof(c));
	puts_file("secret", SECRET32 "\n");
	puts_file("es.pem", PEM_PRIV);
	puts_file("old.pem", PEM_PUB);
	puts_file("oldpriv.pem", PEM_PRIV);
	puts_file("old.secret", SECRET32 "x\n");
	puts_file("short.secret", "short\n");
	is_int(load(&c, es, path, sizeof(path), err, sizeof(err)), SVC_OK,
	    "keys: ES256 with private_key_file loads");
	ok(c.private_key.data != NULL && streq(c.private_key.data, PEM_PRIV) &&
	    c.private_key.file != NULL && c.private_key.file[0] == '/' &&
	    strstr(c.private_key.file, "/es.pem") != NULL,
	    "keys: private_key_file read, relative to the config");
	cfg_free(&c);

	snprintf(file, sizeof(file), "%s/es.pem", dir);
	chmod(file, 0644);
	is_int(load(&c, es, path, sizeof(path), err, sizeof(err)),
	    SVC_BADINPUT, "keys: private_key_file of mode 0644 refused");
	ok(strstr(err, "private_key_file") != NULL && strstr(err, "es.pem") &&
	    strstr(err, "must not be readable by others") != NULL &&
	    strchr(err, '\n') == NULL, "keys: mode refusal, one line");
	chmod(file, 0640);
	is_int(load(&c, es, path, sizeof(path), err, sizeof(err)), SVC_OK,
	    "keys: private_key_file of mode 0640 (group read) loads");
	cfg_free(&c);

	is_int(load(&c, "[jwt]\nalgorithm = ES256\nsecret_file = secret\n"
	    "private_key_file = es.pem\nverify_key_files = old.pem  "
	    "oldpriv.pem\n", path, sizeof(path), err, sizeof(err)), SVC_OK,
	    "keys: verify_key_files, two, space-separated");
	ok(c.nverify_keys == 2 && streq(c.verify_keys[0].data, PEM_PUB) &&
	    streq(c.verify_keys[1].data, PEM_PRIV),
	    "keys: verify_key_files read in order");
	cfg_free(&c);

	snprintf(file, sizeof(file), "%s/old.pem", dir);
	chmod(file, 0644);
	snprintf(file, sizeof(file), "%s/oldpriv.pem", dir);
	chmod(file, 0644);
	is_int(load(&c, "[jwt]\nalgorithm = ES256\nsecret_file = secret\n"
	    "private_key_file = es.pem\nverify_key_files = old.pem\n",
	    path, sizeof(path), err, sizeof(err)), SVC_OK,
	    "keys: a public verify key may be 0644");
	cfg_free(&c);
	is_int(load(&c, "[jwt]\nalgorithm = ES256\nsecret_file = secret\n"
	    "private_key_file = es.pem\nverify_key_files = oldpriv.pem\n",
	    path, sizeof(path), err, sizeof(err)), SVC_BADINPUT,
	    "keys: a private verify key of 0644 refused");
	ok(strstr(err, "verify_key_files") != NULL &&
	    strstr(err, "oldpriv.pem") != NULL, "keys: names the file");
	chmod(file, 0600);

	is_int(load(&c, "[jwt]\nsecret_file = secret\n"
	    "verify_secret_files = old.secret\n", path, sizeof(path), err,
	    sizeof(err)), SVC_OK, "keys: verify_secret_files loads");
	ok(c.nverify_secrets == 1 && c.verify_secrets[0].len == 33,
	    "keys: verify secret read, newline cut");
	cfg_free(&c);
	is_int(load(&c, "[jwt]\nsecret_file = secret\n"
	    "verify_secret_files = short.secret\n", path, sizeof(path), err,
	    sizeof(err)), SVC_BADINPUT, "keys: a short verify secret refused");
	ok(strstr(err, "verify_secret_files") != NULL &&
	    strstr(err, "need at least 32") != NULL, "keys: short message");
	is_int(load(&c, "[jwt]\nsecret_file = secret\nverify_key_files = "
	    "old.pem old.pem old.pem old.pem old.pem old.pem old.pem old.pem "
	    "old.pem\n", path, sizeof(path), err, sizeof(err)),
	    SVC_BADINPUT, "keys: more than 8 verify_key_files refused");
	is_int(load(&c, "[jwt]\nsecret_file = secret\n"
	    "verify_key_files = none.pem\n", path, sizeof(path), err,
	    sizeof(err)), SVC_IO, "keys: a missing verify key file");
}

static void
test_load_password(void)
{
	struct cfg	 c;
	char		 err[512], path[256];

	memset(&c, 0, sizeof(c));
	puts_file("dbpw", "db pass word\n");
	is_int(load(&c, "[database]\npassword_file = dbpw\n"
	    "[jwt]\nsecret_file = secret\n", path, sizeof(path), err,
	    sizeof(err)), SVC_OK, "load: password_file");
	ok(streq(c.db_password, "db pass word"),
	    "load: password_file newline cut");
	cfg_free(&c);

	is_int(load(&c, "[database]\npassword = x\npassword_file = dbpw\n"
	    "[jwt]\nsecret_file = secret\n", path, sizeof(path), err,
	    sizeof(err)), SVC_BADINPUT, "load: password and password_file");
	ok(strstr(err, "password and password_file are both set") != NULL,
	    "load: both message");

	put("nulpw", "a\0b", 3);
	is_int(load(&c, "[database]\npassword_file = nulpw\n"
	    "[jwt]\nsecret_file = secret\n", path, sizeof(path), err,
	    sizeof(err)), SVC_BADINPUT, "load: NUL in password_file");

	is_int(load(&c, "[database]\npassword_file = nopw\n"
	    "[jwt]\nsecret_file = secret\n", path, sizeof(path), err,
	    sizeof(err)), SVC_IO, "load: missing password_file");
	ok(strstr(err, ": password_file: ") != NULL,
	    "load: missing password_file message");

	is_int(load(&c, "[database]\npassword = inline\n"
	    "[jwt]\nsecret_file = secret\n", path, sizeof(path), err,
	    sizeof(err)), SVC_OK, "load: inline password");
	ok(streq(c.db_password, "inline"), "load: inline password kept");
	cfg_free(&c);
}

static const struct check {
	const char	*name;
	const char	*conf;
	const char	*err;	/* after "<path>: " */
} checks[] = {
	{ "jwt algorithm RS256 without private_key_file",
	  "[jwt]\nalgorithm = RS256\n",
	  "[jwt] private_key_file is required with algorithm RS256" },
	{ "jwt algorithm ES256 without private_key_file",
	  "[jwt]\nalgorithm = ES256\nsecret_file = secret\n",
	  "[jwt] private_key_file is required with algorithm ES256" },
	{ "jwt HS256 with a private_key_file",
	  "[jwt]\nsecret_file = secret\nprivate_key_file = es.pem\n",
	  "[jwt] private_key_file is for RS256, ES256 and EdDSA, not HS256" },
	{ "jwt algorithm none", "[jwt]\nalgorithm = none\n",
	  "[jwt] algorithm \"none\" is not one of HS256, HS384, HS512, "
	  "RS256, ES256, EdDSA" },
	{ "jwt algorithm lower case", "[jwt]\nalgorithm = hs256\n",
	  "[jwt] algorithm \"hs256\" is not one of HS256, HS384, HS512, "
	  "RS256, ES256, EdDSA" },
	{ "jwt algorithm es256 lower case", "[jwt]\nalgorithm = es256\n",
	  "[jwt] algorithm \"es256\" is not one of HS256, HS384, HS512, "
	  "RS256, ES256, EdDSA" },
	{ "password algorithm", "[password]\nalgorithm = md5\n",
	  "[password] algorithm \"md5\" is not one of pbkdf2_sha256, "
	  "pbkdf2_sha1, argon2, scrypt, bcrypt_sha256, bcrypt" },
	{ "users_table with '-'", "[database]\nusers_table = auth-user\n",
	  "[database] users_table \"auth-user\" is not an identifier of at "
	  "most 64 letters, digits and '_'" },
	{ "users_table with a digit first",
	  "[database]\nusers_table = 1users\n", NULL },
	{ "users_table with a dot", "[database]\nusers_table = db.users\n",
	  NULL },
	{ "users_table with a quote",
	  "[database]\nusers_table = \"a`b\"\n", NULL },
	{ "users_table empty", "[database]\nusers_table =\n", NULL },
	{ "users_table of 65",
	  "[database]\nusers_table = a0123456789012345678901234567890123456"
	  "789012345678901234567890123\n", NULL },
	{ "parse error, prefixed", "[jwt]\nsecret_file = secret\nfoo = 1\n",
	  "line 3: unknown key \"foo\" in [jwt]" },
};

static void
test_load_checks(void)
{
	struct cfg	 c;
	char		 err[512], path[256], conf[512], want[512];
	size_t		 i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		snprintf(conf, sizeof(conf), "%s[jwt]\n", checks[i].conf);
		if (strncmp(checks[i].conf, "[jwt]", 5) == 0)
			snprintf(conf, sizeof(conf), "%s", checks[i].conf);
		is_int(load(&c, conf, path, sizeof(path), err, sizeof(err)),
		    SVC_BADINPUT, checks[i].name);
		if (checks[i].err == NULL)
			continue;
		snprintf(want, sizeof(want), "%s: %s", path, checks[i].err);
		ok(strcmp(err, want) == 0, "%s: message", checks[i].name);
		if (strcmp(err, want) != 0)
			printf("# got  \"%s\"\n# want \"%s\"\n", err, want);
	}
	is_int(load(&c, "[database]\nusers_table = _a0123456789012345678901"
	    "2345678901234567890123456789012345678901\n"
	    "[jwt]\nsecret_file = secret\n", path, sizeof(path), err,
	    sizeof(err)), SVC_OK, "users_table of 64");
	cfg_free(&c);
}

/* Django's hashers that we write: what [password] algorithm takes. */
static const char *const pw_algs[] = {
	"pbkdf2_sha256", "pbkdf2_sha1", "argon2", "scrypt", "bcrypt_sha256",
	"bcrypt",
};

/*
 * The message for a bad [password] algorithm names each algorithm that
 * is taken, and only those: an operator copies a name from it.  Cut at
 * ", " and compared whole ("bcrypt" is inside "bcrypt_sha256").
 */
static void
test_load_pw_alg_message(void)
{
	struct cfg	 c;
	char		 err[512], path[256], conf[512], name_ok[64];
	char		*list, *name, *save;
	size_t		 i, n = sizeof(pw_algs) / sizeof(pw_algs[0]);
	int		 seen[sizeof(pw_algs) / sizeof(pw_algs[0])] = { 0 };
	int		 extra = 0, missing = 0;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		snprintf(conf, sizeof(conf), "[password]\nalgorithm = %s\n"
		    "[jwt]\nsecret_file = secret\n", pw_algs[i]);
		snprintf(name_ok, sizeof(name_ok),
		    "password algorithm %s is taken", pw_algs[i]);
		is_int(load(&c, conf, path, sizeof(path), err, sizeof(err)),
		    SVC_OK, name_ok);
		cfg_free(&c);
	}
	is_int(load(&c, "[password]\nalgorithm = md5\n[jwt]\n"
	    "secret_file = secret\n", path, sizeof(path), err, sizeof(err)),
	    SVC_BADINPUT, "password algorithm md5 is refused");
	list = strstr(err, " is not one of ");
	ok(list != NULL, "password algorithm message has a list");
	if (list == NULL)
		return;
	for (name = strtok_r(list + 15, ",", &save); name != NULL;
	    name = strtok_r(NULL, ",", &save)) {
		name += strspn(name, " ");
		for (i = 0; i < n && strcmp(name, pw_algs[i]) != 0; i++)
			;
		if (i == n) {
			printf("# not an algorithm: \"%s\"\n", name);
			extra++;
		} else
			seen[i]++;
	}
	for (i = 0; i < n; i++)
		if (seen[i] != 1) {
			printf("# named %d times: %s\n", seen[i], pw_algs[i]);
			missing++;
		}
	ok(missing == 0, "password algorithm message names all %zu", n);
	ok(extra == 0, "password algorithm message names nothing else");
}

static void
test_load_file(void)
{
	struct cfg	 c;
	char		 err[512], path[256], want[512], *big;
	size_t		 bigsz = 64 * 1024 + 1;

	memset(&c, 0, sizeof(c));
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	is_int(cfg_load(&c, path, err, sizeof(err)), SVC_IO,
	    "load: missing config");
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	ok(strcmp(err, want) == 0, "load: missing config message");

	is_int(cfg_load(&c, dir, err, sizeof(err)), SVC_IO,
	    "load: config is a directory");

	if ((big = malloc(bigsz)) == NULL)
		exit(1);
	memset(big, '#', bigsz);
	put("big.conf", big, bigsz);
	free(big);
	snprintf(path, sizeof(path), "%s/big.conf", dir);
	is_int(cfg_load(&c, path, err, sizeof(err)), SVC_TOOBIG,
	    "load: config over 64 KiB");
	ok(strstr(err, "over 65536 bytes") != NULL, "load: over message");

	/* A file name without a directory: the secret is taken from ".". */
	if (chdir(dir) == -1) {
		perror(dir);
		exit(1);
	}
	puts_file("rel.conf", "[jwt]\nsecret_file = secret\n");
	is_int(cfg_load(&c, "rel.conf", err, sizeof(err)), SVC_OK,
	    "load: bare file name");
	cfg_free(&c);
}

static void
test_path(void)
{
	unsetenv("JWTAUTH_CONFIG");
	ok(strcmp(cfg_path(), CFG_DEFAULT_PATH) == 0, "cfg_path: default");
	setenv("JWTAUTH_CONFIG", "", 1);
	ok(strcmp(cfg_path(), CFG_DEFAULT_PATH) == 0, "cfg_path: empty");
	setenv("JWTAUTH_CONFIG", "/tmp/x.conf", 1);
	ok(strcmp(cfg_path(), "/tmp/x.conf") == 0, "cfg_path: env");
	unsetenv("JWTAUTH_CONFIG");
}

static void
cleanup(void)
{
	static const char *const files[] = {
		"secret", "crlf", "two", "binary", "short", "s31", "s48",
		"dbpw", "nulpw", "jwtauth.conf", "big.conf", "rel.conf",
		"modal", "pw", "es.pem", "old.pem", "oldpriv.pem",
		"old.secret", "short.secret",
	};
	char	 path[256];
	size_t	 i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int
main(void)
{
	char	 tmpl[] = "/tmp/test-cfg.XXXXXX";

	test_defaults();
	test_example();
	test_each_key();
	test_syntax();
	test_values();
	test_errors();
	test_path();

	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s", tmpl);
	test_load_secret();
	test_secret_mode();
	test_load_password();
	test_load_keys();
	test_load_checks();
	test_load_pw_alg_message();
	test_load_file();
	cleanup();
	return tap_done();
}
