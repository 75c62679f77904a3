/*
 * test-throttle.c: lib/throttle.c.  The wait needs no database; the
 * counts (read by users_login), claims, resets, registrations and
 * purges run against a real MariaDB and skip without $JWTAUTH_CONFIG.
 * Rows are keyed "unit-<pid>-thr-..." (or that address) and deleted at
 * the end.  (The client address is lib/addr.c: test-addr.c.)
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
static struct users	 users;
static char		 prefix[64], like[80], addr[64];
static char sql_ins[512], sql_del[512];
static const char sql_fdel[] = "DELETE FROM " THROTTLE_TABLE
    " WHERE username LIKE ? OR address = ?";
static const char sql_age[] = "UPDATE " THROTTLE_TABLE
    " SET at = at - ? WHERE address = ?";
static const char sql_rows[] = "SELECT COUNT(*) FROM " THROTTLE_TABLE
    " WHERE address = ?";
static int s_ins, s_del, s_fdel, s_age, s_rows;

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
	s_ins = db_add(db, sql_ins, DB_ONCE);
	s_del = db_add(db, sql_del, DB_RETRY);
	s_fdel = db_add(db, sql_fdel, DB_RETRY);
	s_age = db_add(db, sql_age, DB_RETRY);
	s_rows = db_add(db, sql_rows, DB_RETRY);
}

static void
name_of(char *buf, size_t size, const char *what)
{
	snprintf(buf, size, "%s%s", prefix, what);
}

/* The rows of address a, reset ones included. */
static long long
rows_of(const char *a)
{
	MYSQL_BIND p[1], r[1];
	unsigned long len = strlen(a);
	long long n = -1;
	int found = 0;

	db_bind_str(&p[0], a, &len);
	db_bind_ll(&r[0], &n);
	if (db_exec(db, s_rows, p, r, &found, NULL) != SVC_OK || !found)
		return -1;
	return n;
}

/* Moves the rows of address a secs into the past. */
static void
age(const char *a, long long secs)
{
	MYSQL_BIND p[2];
	unsigned long len = strlen(a);

	db_bind_ll(&p[0], &secs);
	db_bind_str(&p[1], a, &len);
	(void)db_exec(db, s_age, p, NULL, NULL, NULL);
}

/* users_login of name from a: its status; u wiped. */
static enum svc_err
look(const char *name, const char *a, struct throttle_counts *c)
{
	struct user u;
	enum svc_err rc;

	rc = users_login(&users, name, strlen(name), 1, a, cfg.fail_window,
	    &u, c);
	users_clear(&u);
	return rc;
}

/* One failed attempt of name (user id, or 0) from a, as a login does. */
static enum svc_err
fail(const char *name, long long id, const char *a)
{
	struct throttle_counts c;
	enum svc_err rc;

	(void)look(name, a, &c);
	rc = throttle_claim(&thr, id, name, strlen(name), a, c.user_seq + 1);
	throttle_failed(&thr);
	return rc;
}

static void
test_db(void)
{
	struct throttle_counts c, c2;
	struct user u;
	char name[128], other[128], upper[128];
	unsigned long nlen;
	unsigned long long purged = 0;
	MYSQL_BIND p[1];
	long long id, wait;
	size_t k;
	int i;

	name_of(name, sizeof(name), "carol");
	name_of(other, sizeof(other), "nobody");
	nlen = strlen(name);
	db_bind_str(&p[0], name, &nlen);
	ok(db_exec(db, s_ins, p, NULL, NULL, NULL) == SVC_OK, "add a user");

	is_int(look(other, addr, &c), SVC_NOTFOUND,
	    "lookup of an unknown user: SVC_NOTFOUND");
	ok(c.now > 1700000000 && c.user_n == 0 && c.addr_n == 0 &&
	    c.user_seq == 0, "  with counts all the same (0, 0, seq 0)");
	is_int(users_login(&users, name, nlen, 1, addr, cfg.fail_window, &u,
	    &c), SVC_OK, "lookup of a user: SVC_OK");
	ok(strcmp(u.username, name) == 0 && u.id > 0 &&
	    strcmp(u.password, "!") == 0, "  u holds the row");
	id = u.id;
	users_clear(&u);
	is_int(users_login(&users, name, nlen, 0, addr, cfg.fail_window, &u,
	    &c), SVC_NOTFOUND, "lookup with match 0: no user");

	for (i = 0; i < 3; i++)
		is_int(fail(name, id, addr), SVC_OK, "claim of a user");
	is_int(fail(other, 0, addr), SVC_OK, "claim of an unknown name");
	is_int(look(name, addr, &c), SVC_OK, "lookup after failures");
	is_int(c.user_n, 3, "  3 failures of the user");
	is_int(c.user_seq, 3, "  numbered 1 to 3");
	is_int(c.addr_n, 4, "  4 failures of the address");
	ok(c.user_oldest > 0 && c.user_oldest <= c.now &&
	    c.now - c.user_oldest < 60, "  the oldest is recent");
	is_int(look(other, addr, &c), SVC_NOTFOUND,
	    "an unknown user's failures count too");
	is_int(c.user_n, 1, "  1 failure of the unknown name");

	/* Two attempts that read the same state: one turn (issue 13, 4). */
	look(name, addr, &c);
	is_int(throttle_claim(&thr, id, name, nlen, addr, c.user_seq + 1),
	    SVC_OK, "concurrent attempts: the first claim of a turn: SVC_OK");
	is_int(throttle_claim(&thr, id, name, nlen, addr, c.user_seq + 1),
	    SVC_CONFLICT, "concurrent attempts: the second claim of the same "
	    "turn: SVC_CONFLICT");
	look(name, addr, &c2);
	is_int(c2.user_n, 4, "  only the first was recorded");

	/* Spellings of the user are the user (its id). */
	snprintf(upper, sizeof(upper), "%s", name);
	for (k = 0; upper[k] != '\0'; k++)
		if (upper[k] >= 'a' && upper[k] <= 'z')
			upper[k] -= 32;
	look(upper, "unit-other", &c);
	is_int(c.user_n, 4, "an upper-case spelling counts the user's");
	is_int(c.addr_n, 0, "another address has its own count");

	/* The window. */
	age(addr, cfg.fail_window + 1);
	look(name, addr, &c);
	is_int(c.user_n, 0, "failures older than the window do not count");
	ok(c.user_seq >= 4, "  but their numbers go on (%lld)", c.user_seq);

	/* A success: the user's rows leave the window. */
	fail(name, id, addr);
	fail(name, id, addr);
	is_int(throttle_reset(&thr, id), SVC_OK, "throttle_reset");
	look(name, addr, &c);
	is_int(c.user_n, 0, "  the count is reset");
	is_int(c.addr_n, 0, "  (the address's too: the same rows)");
	fail(name, id, addr);
	is_int(users_logged_in(&users, id, 1, "!", NULL), SVC_OK,
	    "users_logged_in");
	look(name, addr, &c);
	is_int(c.user_n, 0, "  resets the count in its UPDATE");

	/* Registrations count against their address, and stop at it. */
	{
		struct cfg low = cfg;	/* shallow: never freed */
		char ra[80];

		snprintf(ra, sizeof(ra), "%s-reg", addr);
		low.max_fail_addr = 2;
		thr.cfg = &low;
		is_int(throttle_register(&thr, ra, &wait), SVC_OK,
		    "register 1 of 2");
		is_int(throttle_register(&thr, ra, &wait), SVC_OK,
		    "register 2 of 2");
		ok(throttle_register(&thr, ra, &wait) == SVC_DENIED &&
		    wait > 0, "register 3: SVC_DENIED, wait %lld s", wait);
		is_int(rows_of(ra), 2, "  two rows: the refused one is not "
		    "recorded");
		thr.cfg = &cfg;
		age(ra, cfg.fail_window + 1);
	}

	/* Purge: everything out of the window, in batches. */
	ok(rows_of(addr) > 0, "reset rows remain until a purge");
	is_int(throttle_purge(&thr, 1000000, &purged), SVC_OK, "purge");
	is_int(rows_of(addr), 0, "  the old rows are gone");
	ok(purged >= 9, "  %llu rows purged", purged);

	/* Opportunistic purge: every THROTTLE_PURGE_EVERY failures. */
	for (i = 0; i < 3; i++)
		fail(other, 0, addr);
	age(addr, cfg.fail_window + 5);
	thr.failures = THROTTLE_PURGE_EVERY - 1;
	fail(other, 0, addr);
	is_int(rows_of(addr), 1, "the 16th failure purged the old rows");
	is_int(thr.failures, 0, "  and restarted its count");
}

static void
cleanup(void)
{
	MYSQL_BIND p[2];
	unsigned long llen = strlen(like), alen = strlen(addr);
	char ra[80];

	snprintf(ra, sizeof(ra), "%s-reg", addr);
	db_bind_str(&p[0], like, &llen);
	db_bind_str(&p[1], addr, &alen);
	is_int(db_exec(db, s_fdel, p, NULL, NULL, NULL), SVC_OK,
	    "cleanup: our failures");
	alen = strlen(ra);
	db_bind_str(&p[1], ra, &alen);
	is_int(db_exec(db, s_fdel, p, NULL, NULL, NULL), SVC_OK,
	    "cleanup: our registrations");
	is_int(db_exec(db, s_del, p, NULL, NULL, NULL), SVC_OK,
	    "cleanup: our users");
}

int
main(void)
{
	char err[512];

	log_init("test-throttle");
	test_wait();
	if (getenv("JWTAUTH_CONFIG") == NULL ||
	    getenv("JWTAUTH_CONFIG")[0] == '\0') {
		printf("# the database cases skipped: no JWTAUTH_CONFIG (make "
		    "check runs them with the stack up)\n");
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
	    !is_int(users_init(&users, db, cfg.users_table), SVC_OK,
	    "users_init") ||
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
