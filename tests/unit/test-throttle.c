/*
 * test-throttle.c: lib/throttle.c.  The client address (trusted
 * proxies, the header walk, IPv6 /64s) and the wait need no database;
 * the counts, failures, resets and purges run against a real MariaDB
 * and skip without $JWTAUTH_CONFIG.  Rows are keyed "unit-<pid>-thr-..."
 * and deleted at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "db.h"
#include "log.h"
#include "throttle.h"
#include "users.h"
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
	char err[256], out[THROTTLE_ADDR_MAX];
	size_t i;

	memset(&c, 0, sizeof(c));
	memset(&none, 0, sizeof(none));
	if (!is_int(cfg_parse(&c, proxies, strlen(proxies), err,
	    sizeof(err)), SVC_OK, "a config with trusted proxies"))
		return;
	for (i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		throttle_address(&c, addr_cases[i].remote, addr_cases[i].header,
		    out, sizeof(out));
		ok(strcmp(out, addr_cases[i].want) == 0, "%s: %s",
		    addr_cases[i].name, out);
	}
	is_int(cfg_parse(&none, "", 0, err, sizeof(err)), SVC_OK,
	    "the default config");
	throttle_address(&none, "127.0.0.1", "198.51.100.1", out, sizeof(out));
	ok(strcmp(out, "127.0.0.1") == 0,
	    "default: no proxy trusted, the header ignored");
	cfg_free(&c);
	cfg_free(&none);
}

static void
test_wait(void)
{
	struct cfg c;
	struct throttle_counts n;
	char err[64];

	memset(&c, 0, sizeof(c));
	cfg_parse(&c, "", 0, err, sizeof(err));	/* 5, 100, 900 s */
	memset(&n, 0, sizeof(n));
	n.now = 100000;
	n.user_n = 4;
	n.user_oldest = n.now - 10;
	is_int(throttle_wait(&c, &n), 0, "4 of 5: no wait");
	n.user_n = 5;
	is_int(throttle_wait(&c, &n), 890, "5 of 5: until the oldest leaves");
	n.addr_n = 100;
	n.addr_oldest = n.now - 5;
	is_int(throttle_wait(&c, &n), 895, "both limits: the longer wait");
	n.user_n = 0;
	is_int(throttle_wait(&c, &n), 895, "the address alone");
	n.addr_oldest = n.now - 900;
	is_int(throttle_wait(&c, &n), 1, "at least one second");
	c.max_fail_addr = 0;
	is_int(throttle_wait(&c, &n), 0, "limit 0 is off");
	cfg_free(&c);
}

/* ---------------------------------------------------------------- */

static struct cfg	 cfg;
static struct db	*db;
static struct throttle	 thr;
static char		 prefix[64], like[80], addr[64];
static char sql_ins[512], sql_del[512], sql_get[512];
static const char sql_fdel[] = "DELETE FROM " THROTTLE_TABLE
    " WHERE username LIKE ? OR address = ?";
static const char sql_age[] = "UPDATE " THROTTLE_TABLE
    " SET at = at - ? WHERE username LIKE ?";
static const char sql_rows[] = "SELECT COUNT(*) FROM " THROTTLE_TABLE
    " WHERE username LIKE ?";
static int s_ins, s_del, s_get, s_fdel, s_age, s_rows;

static void
add_stmts(void)
{
	const char *t = cfg.users_table;

	snprintf(sql_ins, sizeof(sql_ins), "INSERT INTO `%s` (password, "
	    "is_superuser, username, first_name, last_name, email, is_staff, "
	    "is_active, date_joined) VALUES ('!', 0, ?, '', '', 'x@y.zz', 0, "
	    "1, UTC_TIMESTAMP(6))", t);
	snprintf(sql_del, sizeof(sql_del),
	    "DELETE FROM `%s` WHERE username LIKE ?", t);
	snprintf(sql_get, sizeof(sql_get), "SELECT last_login IS NOT NULL, "
	    "password FROM `%s` WHERE username = ?", t);
	s_ins = db_add(db, sql_ins, DB_ONCE);
	s_del = db_add(db, sql_del, DB_RETRY);
	s_get = db_add(db, sql_get, DB_RETRY);
	s_fdel = db_add(db, sql_fdel, DB_RETRY);
	s_age = db_add(db, sql_age, DB_RETRY);
	s_rows = db_add(db, sql_rows, DB_RETRY);
}

static void
name_of(char *buf, size_t size, const char *what)
{
	snprintf(buf, size, "%s%s", prefix, what);
}

static long long
rows_of(const char *pattern)
{
	MYSQL_BIND p[1], r[1];
	unsigned long len = strlen(pattern);
	long long n = -1;
	int found = 0;

	db_bind_str(&p[0], pattern, &len);
	db_bind_ll(&r[0], &n);
	if (db_exec(db, s_rows, p, r, &found, NULL) != SVC_OK || !found)
		return -1;
	return n;
}

/* Moves the failures of names matching pattern secs into the past. */
static void
age(const char *pattern, long long secs)
{
	MYSQL_BIND p[2];
	unsigned long len = strlen(pattern);

	db_bind_ll(&p[0], &secs);
	db_bind_str(&p[1], pattern, &len);
	(void)db_exec(db, s_age, p, NULL, NULL, NULL);
}

static void
test_db(void)
{
	struct throttle_counts c;
	struct user u;
	char name[128], other[128], pat[140], stored[USERS_PW_MAX];
	MYSQL_BIND p[1], r[2];
	unsigned long nlen, plen = 0;
	my_bool pnull = 0, perr = 0;
	unsigned long long purged = 0;
	int i, last = 0, found = 0;
	long long id;

	name_of(name, sizeof(name), "carol");
	name_of(other, sizeof(other), "nobody");
	nlen = strlen(name);
	db_bind_str(&p[0], name, &nlen);
	ok(db_exec(db, s_ins, p, NULL, NULL, NULL) == SVC_OK, "add a user");

	is_int(throttle_lookup(&thr, other, addr, &u, &c), SVC_NOTFOUND,
	    "lookup of an unknown user: SVC_NOTFOUND");
	ok(c.now > 1700000000 && c.user_n == 0 && c.addr_n == 0,
	    "  with counts all the same (0, 0) and the clock");
	is_int(throttle_lookup(&thr, name, addr, &u, &c), SVC_OK,
	    "lookup of a user: SVC_OK");
	ok(strcmp(u.username, name) == 0 && u.id > 0 &&
	    strcmp(u.password, "!") == 0, "  u holds the row");
	id = u.id;
	users_clear(&u);

	for (i = 0; i < 3; i++)
		throttle_failed(&thr, name, addr);
	throttle_failed(&thr, other, addr);
	is_int(throttle_lookup(&thr, name, addr, &u, &c), SVC_OK,
	    "lookup after failures");
	is_int(c.user_n, 3, "  3 failures of the user");
	is_int(c.addr_n, 4, "  4 failures of the address");
	ok(c.user_oldest > 0 && c.user_oldest <= c.now &&
	    c.now - c.user_oldest < 60, "  the oldest is recent");
	users_clear(&u);
	is_int(throttle_lookup(&thr, other, addr, &u, &c), SVC_NOTFOUND,
	    "an unknown user's failures count too");
	is_int(c.user_n, 1, "  1 failure of the unknown user");

	/* Case variants of one name are one name (the column's collation). */
	{
		char upper[128];
		size_t k;

		snprintf(upper, sizeof(upper), "%s", name);
		for (k = 0; upper[k] != '\0'; k++)
			if (upper[k] >= 'a' && upper[k] <= 'z')
				upper[k] -= 32;
		throttle_lookup(&thr, upper, "unit-other", &u, &c);
		is_int(c.user_n, 3, "an upper-case variant counts the same");
		is_int(c.addr_n, 0, "another address has its own count");
		users_clear(&u);
	}

	/* The window. */
	snprintf(pat, sizeof(pat), "%s%%", name);
	age(pat, cfg.fail_window + 1);
	throttle_lookup(&thr, name, addr, &u, &c);
	is_int(c.user_n, 0, "failures older than the window do not count");
	is_int(c.addr_n, 1, "  (the address's newer one still does)");
	users_clear(&u);

	/* A success with failures: reset and last_login in one UPDATE. */
	for (i = 0; i < 2; i++)
		throttle_failed(&thr, name, addr);
	is_int(throttle_succeeded(&thr, name, id, 1, "pbkdf2_sha256$1$x$y"),
	    SVC_OK, "throttle_succeeded with a new hash");
	throttle_lookup(&thr, name, addr, &u, &c);
	is_int(c.user_n, 0, "  the count is reset");
	users_clear(&u);
	db_bind_int(&r[0], &last);
	db_bind_out(&r[1], stored, sizeof(stored), &plen, &pnull, &perr);
	db_exec(db, s_get, p, r, &found, NULL);
	stored[plen] = '\0';
	ok(found && last == 1 && strcmp(stored, "pbkdf2_sha256$1$x$y") == 0,
	    "  last_login and the password set in the same statement");

	/* Without touch and new hash: the failure table only. */
	throttle_failed(&thr, name, addr);
	is_int(throttle_succeeded(&thr, name, id, 0, NULL), SVC_OK,
	    "throttle_succeeded, nothing else to write");
	throttle_lookup(&thr, name, addr, &u, &c);
	is_int(c.user_n, 0, "  the count is reset");
	users_clear(&u);

	/* Purge: everything out of the window, in batches. */
	ok(rows_of(pat) > 0, "reset rows remain until a purge");
	is_int(throttle_purge(&thr, 1000000, &purged), SVC_OK, "purge");
	is_int(rows_of(pat), 0, "  the user's old rows are gone");
	ok(purged >= 6, "  %llu rows purged", purged);

	/* Opportunistic purge: every THROTTLE_PURGE_EVERY failures. */
	for (i = 0; i < THROTTLE_PURGE_EVERY; i++)
		throttle_failed(&thr, other, addr);
	age(pat, 0);
	{
		char opat[140];

		snprintf(opat, sizeof(opat), "%s%%", other);
		age(opat, cfg.fail_window + 5);
		thr.failures = THROTTLE_PURGE_EVERY - 1;
		throttle_failed(&thr, other, addr);
		is_int(rows_of(opat), 1,
		    "the 16th failure purged the old rows");
		is_int(thr.failures, 0, "  and restarted its count");
	}
}

static void
cleanup(void)
{
	MYSQL_BIND p[2];
	unsigned long llen = strlen(like), alen = strlen(addr);

	db_bind_str(&p[0], like, &llen);
	db_bind_str(&p[1], addr, &alen);
	is_int(db_exec(db, s_fdel, p, NULL, NULL, NULL), SVC_OK,
	    "cleanup: our failures");
	is_int(db_exec(db, s_del, p, NULL, NULL, NULL), SVC_OK,
	    "cleanup: our users");
}

int
main(void)
{
	char err[512];

	log_init("test-throttle");
	test_address();
	test_wait();
	if (getenv("JWTAUTH_CONFIG") == NULL ||
	    getenv("JWTAUTH_CONFIG")[0] == '\0') {
		ok(1, "database cases # SKIP no JWTAUTH_CONFIG");
		return tap_done();
	}
	if (cfg_load(&cfg, cfg_path(), err, sizeof(err)) != SVC_OK) {
		ok(0, "cfg_load: %s", err);
		return tap_done();
	}
	snprintf(prefix, sizeof(prefix), "unit-%ld-thr-", (long)getpid());
	snprintf(like, sizeof(like), "%s%%", prefix);
	snprintf(addr, sizeof(addr), "unit-%ld-thr", (long)getpid());
	if (db_new(&db, &cfg) != SVC_OK ||
	    !is_int(throttle_init(&thr, &cfg, db), SVC_OK, "throttle_init")) {
		db_free(db);
		cfg_free(&cfg);
		return tap_done();
	}
	add_stmts();
	if (is_int(db_connect(db), SVC_OK, "db_connect (is the stack up?)")) {
		test_db();
		cleanup();
	}
	db_free(db);
	cfg_free(&cfg);
	return tap_done();
}
