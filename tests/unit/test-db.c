/*
 * test-db.c: the database handle against a real MariaDB.  Statements,
 * results, duplicate keys, affected rows, transactions, statements
 * added after the connection, a connection killed by the server, a
 * server that is not there, scripts (db_run_script) and the migration
 * ledger.
 *
 * Reads the config from $JWTAUTH_CONFIG; skips without one (make check
 * runs it with the stack up).  Every row it adds belongs to users
 * named "unit-<pid>-db-..." (or is a migration of that name, or a
 * temporary table) and is deleted at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "cfg.h"
#include "db.h"
#include "log.h"
#include "dbtest.h"
#include "tap.h"

static struct cfg	 cfg;
static char		 prefix[64];	/* "unit-<pid>-db-" */
static char		 like[80];	/* prefix + "%" */

/* The SQL must outlive the handle: db_add borrows it. */
static char sql_sel[512], sql_ins[512], sql_upd[512], sql_del[512],
    sql_late[512], sql_email[512];

struct stmts {
	int	 sel, ins, upd, del, connid;
};

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
make_sql(void)
{
	const char *t = cfg.users_table;

	snprintf(sql_sel, sizeof(sql_sel),
	    "SELECT id, email FROM `%s` WHERE username = ?", t);
	snprintf(sql_ins, sizeof(sql_ins), "INSERT INTO `%s` (password, "
	    "is_superuser, username, first_name, last_name, email, is_staff, "
	    "is_active, date_joined) VALUES ('!', 0, ?, '', '', ?, 0, 1, "
	    "UTC_TIMESTAMP(6))", t);
	snprintf(sql_upd, sizeof(sql_upd),
	    "UPDATE `%s` SET email = ? WHERE username LIKE ?", t);
	snprintf(sql_del, sizeof(sql_del),
	    "DELETE FROM `%s` WHERE username LIKE ?", t);
	snprintf(sql_late, sizeof(sql_late),
	    "SELECT COUNT(*) FROM `%s` WHERE username LIKE ?", t);
	snprintf(sql_email, sizeof(sql_email),
	    "SELECT email FROM `%s` WHERE username = ?", t);
}

static void
add_stmts(struct db *db, struct stmts *s)
{
	s->sel = db_add(db, sql_sel, DB_RETRY);
	s->ins = db_add(db, sql_ins, DB_ONCE);
	s->upd = db_add(db, sql_upd, DB_RETRY);
	s->del = db_add(db, sql_del, DB_RETRY);
	s->connid = db_add(db, "SELECT CONNECTION_ID()", DB_RETRY);
}

/* Looks name up: returns the svc code, fills *found and *id. */
static enum svc_err
sel(struct db *db, const struct stmts *s, const char *name, int *found,
    long long *id, char *email, size_t emailsz)
{
	MYSQL_BIND p[1], r[2];
	unsigned long nlen = strlen(name), elen = 0;
	my_bool enull = 0, eerr = 0;
	char buf[1024];
	enum svc_err rc;

	*id = 0;
	db_bind_str(&p[0], name, &nlen);
	db_bind_ll(&r[0], id);
	db_bind_out(&r[1], buf, sizeof(buf), &elen, &enull, &eerr);
	rc = db_exec(db, s->sel, p, r, found, NULL);
	if (rc == SVC_OK && *found && email != NULL) {
		buf[enull ? 0 : elen] = '\0';
		if (strlen(buf) >= emailsz)
			buf[emailsz - 1] = '\0';
		memcpy(email, buf, strlen(buf) + 1);
	}
	return rc;
}

static enum svc_err
ins(struct db *db, const struct stmts *s, const char *name,
    const char *email, unsigned long long *affected)
{
	MYSQL_BIND p[2];
	unsigned long nlen = strlen(name), elen = strlen(email);

	db_bind_str(&p[0], name, &nlen);
	db_bind_str(&p[1], email, &elen);
	return db_exec(db, s->ins, p, NULL, NULL, affected);
}

static long long
connid(struct db *db, const struct stmts *s, enum svc_err *rcp)
{
	MYSQL_BIND r[1];
	long long id = 0;
	int found = 0;
	enum svc_err rc;

	db_bind_ll(&r[0], &id);
	rc = db_exec(db, s->connid, NULL, r, &found, NULL);
	if (rcp != NULL)
		*rcp = rc;
	return rc == SVC_OK && found ? id : -1;
}

/* KILL id through a second connection of the same user. */
static int
kill_conn(long long id)
{
	struct db *killer;
	char q[64];
	int ret = -1;

	if (db_new(&killer, &cfg) != SVC_OK)
		return -1;
	if (db_connect(killer) == SVC_OK) {
		snprintf(q, sizeof(q), "KILL %lld", id);
		if (mysql_query(db_mysql(killer), q) == 0)
			ret = 0;
		else
			fprintf(stderr, "# KILL: %s\n",
			    mysql_error(db_mysql(killer)));
	}
	db_free(killer);
	/* The server closes the socket a moment after the KILL. */
	usleep(100 * 1000);
	return ret;
}

static void
name_of(char *buf, size_t size, const char *what)
{
	snprintf(buf, size, "%s%s", prefix, what);
}

static void
test_basics(struct db *db, const struct stmts *s)
{
	char a[128], b[128], email[256];
	unsigned long long n = 99;
	long long id = 0, id2 = 0;
	int found = -1;
	MYSQL_BIND p[2];
	unsigned long elen, llen;

	name_of(a, sizeof(a), "a");
	name_of(b, sizeof(b), "b");

	ok(db_mysql(db) != NULL, "db_mysql: a connection after connect");
	is_int(db_connect(db), SVC_OK, "db_connect: again is a no-op");

	is_int(sel(db, s, "alice", &found, &id, email, sizeof(email)),
	    SVC_OK, "select alice: OK");
	is_int(found, 1, "select alice: found");
	ok(id > 0, "select alice: an id");
	ok(strcmp(email, "alice@example.com") == 0,
	    "select alice: her email (%s)", email);

	found = -1;
	is_int(sel(db, s, a, &found, &id, NULL, 0), SVC_OK,
	    "select unknown: OK");
	is_int(found, 0, "select unknown: not found");

	is_int(ins(db, s, a, "a@example.com", &n), SVC_OK, "insert a: OK");
	is_int(n, 1, "insert a: one affected row");
	is_int(sel(db, s, a, &found, &id, email, sizeof(email)), SVC_OK,
	    "select a: OK");
	is_int(found, 1, "select a: found after insert");
	ok(strcmp(email, "a@example.com") == 0, "select a: email stored");

	is_int(ins(db, s, a, "other@example.com", NULL), SVC_CONFLICT,
	    "insert a again: duplicate key is SVC_CONFLICT");
	is_int(sel(db, s, a, &found, &id2, email, sizeof(email)), SVC_OK,
	    "after the conflict the connection still serves");
	ok(found && id2 == id && strcmp(email, "a@example.com") == 0,
	    "the conflict changed nothing");

	is_int(ins(db, s, b, "b@example.com", NULL), SVC_OK, "insert b: OK");

	/* Affected rows: both of ours, then none (same value). */
	elen = strlen("x@example.com");
	llen = strlen(like);
	db_bind_str(&p[0], "x@example.com", &elen);
	db_bind_str(&p[1], like, &llen);
	n = 99;
	is_int(db_exec(db, s->upd, p, NULL, NULL, &n), SVC_OK,
	    "update ours: OK");
	is_int(n, 2, "update ours: two affected rows");
	n = 99;
	is_int(db_exec(db, s->upd, p, NULL, NULL, &n), SVC_OK,
	    "update ours again: OK");
	is_int(n, 0, "update to the same value: no affected rows");

	/* A result buffer too small is an error, not a cut value. */
	{
		MYSQL_BIND q[1], r[1];
		unsigned long nlen = strlen(a), tlen = 0;
		my_bool tnull = 0, terr = 0;
		char tiny[4];
		int id_small = db_add(db, sql_email, DB_RETRY);

		db_bind_str(&q[0], a, &nlen);
		db_bind_out(&r[0], tiny, sizeof(tiny), &tlen, &tnull, &terr);
		is_int(db_exec(db, id_small, q, r, &found, NULL), SVC_DB,
		    "a column longer than its buffer: SVC_DB");
		is_int(sel(db, s, a, &found, &id2, NULL, 0), SVC_OK,
		    "after the truncation the connection still serves");
		is_int(found, 1, "and finds the row");
	}

	is_int(db_exec(db, -1, NULL, NULL, NULL, NULL), SVC_BADINPUT,
	    "statement id -1: SVC_BADINPUT");
	is_int(db_exec(db, DB_STMT_MAX + 5, NULL, NULL, NULL, NULL),
	    SVC_BADINPUT, "statement id out of range: SVC_BADINPUT");
}

static void
test_tx(struct db *db, const struct stmts *s)
{
	char c[128], d[128];
	long long id;
	int found = -1;

	name_of(c, sizeof(c), "c");
	name_of(d, sizeof(d), "d");

	is_int(db_begin(db), SVC_OK, "begin: OK");
	is_int(ins(db, s, c, "c@example.com", NULL), SVC_OK,
	    "insert in transaction: OK");
	is_int(sel(db, s, c, &found, &id, NULL, 0), SVC_OK,
	    "select in transaction: OK");
	is_int(found, 1, "the transaction sees its own row");
	db_rollback(db);
	found = -1;
	is_int(sel(db, s, c, &found, &id, NULL, 0), SVC_OK,
	    "select after rollback: OK");
	is_int(found, 0, "a rolled back insert is gone");

	is_int(db_begin(db), SVC_OK, "begin again: OK");
	is_int(ins(db, s, d, "d@example.com", NULL), SVC_OK,
	    "insert in transaction 2: OK");
	is_int(db_commit(db), SVC_OK, "commit: OK");
	db_rollback(db);	/* nothing open: harmless */
	is_int(sel(db, s, d, &found, &id, NULL, 0), SVC_OK,
	    "select after commit: OK");
	is_int(found, 1, "a committed insert stays (rollback after commit "
	    "is harmless)");

	/* A conflict inside a transaction leaves it usable. */
	is_int(db_begin(db), SVC_OK, "begin 3: OK");
	is_int(ins(db, s, d, "d2@example.com", NULL), SVC_CONFLICT,
	    "duplicate in transaction: SVC_CONFLICT");
	is_int(ins(db, s, c, "c@example.com", NULL), SVC_OK,
	    "insert after the conflict in the same transaction: OK");
	db_rollback(db);
	is_int(sel(db, s, c, &found, &id, NULL, 0), SVC_OK, "select c: OK");
	is_int(found, 0, "rolled back after a conflict: gone");
}

static void
test_late(struct db *db)
{
	MYSQL_BIND p[1], r[1];
	unsigned long llen = strlen(like);
	long long count = -1;
	int late, bad, found = -1;

	late = db_add(db, sql_late, DB_RETRY);
	ok(late >= 0, "db_add after connect: an id");
	db_bind_str(&p[0], like, &llen);
	db_bind_ll(&r[0], &count);
	is_int(db_exec(db, late, p, r, &found, NULL), SVC_OK,
	    "a statement added after connect is prepared on first use");
	is_int(found, 1, "late statement: a row");
	is_int(count, 3, "late statement: counts our three committed rows");

	bad = db_add(db, "SELECT no_such_column FROM no_such_table", DB_RETRY);
	is_int(db_exec(db, bad, NULL, NULL, NULL, NULL), SVC_DB,
	    "a late statement that cannot be prepared: SVC_DB");
	count = -1;
	is_int(db_exec(db, late, p, r, &found, NULL), SVC_OK,
	    "the others still run after a failed prepare");
	is_int(count, 3, "and still count right");
}

static void
test_kill(const struct stmts *s0)
{
	struct db *db;
	struct stmts s;
	char a[128], e[128];
	long long id, before, after;
	enum svc_err rc;
	int found = -1;

	(void)s0;
	if (db_new(&db, &cfg) != SVC_OK) {
		ok(0, "db_new for the kill tests");
		return;
	}
	add_stmts(db, &s);
	name_of(a, sizeof(a), "a");
	name_of(e, sizeof(e), "e");

	before = connid(db, &s, NULL);
	ok(before > 0, "connection id before the kill");
	is_int(kill_conn(before), 0, "KILL through a second connection");
	is_int(sel(db, &s, a, &found, &id, NULL, 0), SVC_OK,
	    "a DB_RETRY select after the server killed the connection: OK");
	is_int(found, 1, "and it found the row");
	after = connid(db, &s, NULL);
	ok(after > 0 && after != before,
	    "it runs on a new connection (%lld, was %lld)", after, before);

	/* In a transaction nothing is resent. */
	is_int(db_begin(db), SVC_OK, "begin before a kill: OK");
	is_int(kill_conn(after), 0, "KILL during a transaction");
	is_int(ins(db, &s, e, "e@example.com", NULL), SVC_DB,
	    "a statement in a killed transaction: SVC_DB, not resent");
	db_rollback(db);
	is_int(sel(db, &s, e, &found, &id, NULL, 0), SVC_OK,
	    "the next statement reconnects: OK");
	is_int(found, 0, "the killed transaction's insert is not there");

	/* A DB_ONCE write after a kill: either answer, then recovery. */
	before = connid(db, &s, NULL);
	is_int(kill_conn(before), 0, "KILL before a DB_ONCE write");
	rc = ins(db, &s, e, "e@example.com", NULL);
	ok(rc == SVC_OK || rc == SVC_DB,
	    "a DB_ONCE write on a killed connection: OK or SVC_DB (%s)",
	    svc_strerror(rc));
	is_int(sel(db, &s, a, &found, &id, NULL, 0), SVC_OK,
	    "the statement after it runs");

	/* COMMIT is never resent: its reply may be what was lost. */
	{
		char f[128];

		name_of(f, sizeof(f), "f");
		is_int(db_begin(db), SVC_OK, "begin (f): OK");
		is_int(ins(db, &s, f, "f@example.com", NULL), SVC_OK,
		    "insert f in a transaction: OK");
		before = connid(db, &s, NULL);
		is_int(kill_conn(before), 0, "KILL before commit (f)");
		is_int(db_commit(db), SVC_DB,
		    "commit of f on a killed connection: SVC_DB");
		is_int(sel(db, &s, f, &found, &id, NULL, 0), SVC_OK,
		    "the next statement reconnects after a failed commit");
		is_int(found, 0, "f was not committed");

		is_int(db_begin(db), SVC_OK, "begin (rollback): OK");
		is_int(ins(db, &s, f, "f@example.com", NULL), SVC_OK,
		    "insert f again in a transaction: OK");
		before = connid(db, &s, NULL);
		is_int(kill_conn(before), 0, "KILL before rollback");
		db_rollback(db);
		ok(db_mysql(db) == NULL,
		    "a rollback on a killed connection drops it");
		is_int(sel(db, &s, f, &found, &id, NULL, 0), SVC_OK,
		    "the next statement reconnects after that rollback");
		is_int(found, 0, "f is not there");
	}

	/* begin itself may be resent on a new connection. */
	before = connid(db, &s, NULL);
	is_int(kill_conn(before), 0, "KILL before begin");
	is_int(db_begin(db), SVC_OK, "begin after a kill reconnects: OK");
	db_rollback(db);
	db_free(db);
}

static void
test_unreachable(void)
{
	struct cfg bad = cfg;	/* shallow: never freed */
	struct db *db;
	double t0, dt;
	int id, found = -1;
	MYSQL_BIND r[1];
	long long v = 0;

	bad.db_host = "localhost";
	bad.db_socket = "/nonexistent/mysqld.sock";
	is_int(db_new(&db, &bad), SVC_OK, "db_new does not connect");
	id = db_add(db, "SELECT 1", DB_RETRY);
	t0 = now_sec();
	is_int(db_connect(db), SVC_DB, "no socket: db_connect SVC_DB");
	dt = now_sec() - t0;
	ok(dt < bad.db_connect_timeout + 1.0,
	    "no socket: quickly (%.3f s)", dt);
	ok(db_mysql(db) == NULL, "no socket: no connection");
	db_bind_ll(&r[0], &v);
	is_int(db_exec(db, id, NULL, r, &found, NULL), SVC_DB,
	    "no socket: db_exec SVC_DB");
	is_int(found, 0, "no socket: found is 0");
	is_int(db_begin(db), SVC_DB, "no socket: db_begin SVC_DB");
	db_rollback(db);
	is_int(db_commit(db), SVC_DB, "no socket: db_commit SVC_DB");
	db_free(db);

	bad.db_host = "127.0.0.1";
	bad.db_socket = NULL;
	bad.db_port = 1;
	is_int(db_new(&db, &bad), SVC_OK, "db_new (closed port)");
	t0 = now_sec();
	is_int(db_connect(db), SVC_DB, "closed TCP port: SVC_DB");
	dt = now_sec() - t0;
	ok(dt < bad.db_connect_timeout + 1.0,
	    "closed TCP port: quickly (%.3f s)", dt);
	db_free(db);

	/* A wrong password is SVC_DB too, and nothing is kept. */
	bad = cfg;
	bad.db_password = "wrong password";
	is_int(db_new(&db, &bad), SVC_OK, "db_new (wrong password)");
	is_int(db_connect(db), SVC_DB, "wrong password: SVC_DB");
	ok(db_mysql(db) == NULL, "wrong password: no connection");
	db_free(db);

	/* A statement that cannot be prepared fails the connect. */
	is_int(db_new(&db, &cfg), SVC_OK, "db_new (bad statement)");
	db_add(db, "SELEKT 1", DB_RETRY);
	is_int(db_connect(db), SVC_DB,
	    "a statement that cannot be prepared fails db_connect");
	ok(db_mysql(db) == NULL, "and leaves no connection");
	db_free(db);
}

static void
test_full(void)
{
	struct db *db;
	int i, id = 0;

	if (db_new(&db, &cfg) != SVC_OK) {
		ok(0, "db_new for the full table");
		return;
	}
	for (i = 0; i < DB_STMT_MAX; i++)
		id = db_add(db, "SELECT 1", DB_RETRY);
	is_int(id, DB_STMT_MAX - 1, "DB_STMT_MAX statements fit");
	is_int(db_add(db, "SELECT 1", DB_RETRY), -1,
	    "one more: db_add returns -1");
	db_free(db);
}

/* COUNT(*) and SUM(id) of the temporary table t on db (statement st). */
static enum svc_err
script_rows(struct db *db, int st, long long *count, long long *sum)
{
	MYSQL_BIND r[2];
	my_bool snull = 0;
	int found = 0;
	enum svc_err rc;

	*count = *sum = -1;
	db_bind_ll(&r[0], count);
	db_bind_llnull(&r[1], sum, &snull);
	rc = db_exec(db, st, NULL, r, &found, NULL);
	if (rc == SVC_OK && snull)
		*sum = 0;
	return rc == SVC_OK && !found ? SVC_NOTFOUND : rc;
}

static void
test_script(void)
{
	static const char script[] =
	    "-- a comment; with a ';' that ends nothing\n"
	    "CREATE TEMPORARY TABLE unit_script (id int NOT NULL,\n"
	    "-- a comment inside a statement;\n"
	    "  v varchar(20) NOT NULL);\n"
	    "\n"
	    "INSERT INTO unit_script VALUES (1, 'a'), (2, 'b');;\n"
	    "SELECT id FROM unit_script;\n"
	    "INSERT INTO unit_script VALUES (4, 'c');\n"
	    "   \n"
	    "-- the end\n";
	struct db *db;
	char err[256];
	long long count, sum;
	int st;

	if (db_new(&db, &cfg) != SVC_OK) {
		ok(0, "db_new for the script tests");
		return;
	}
	is_int(db_run_script(db, script, err, sizeof(err)), SVC_OK,
	    "db_run_script: comments, a blank statement, a SELECT: OK");
	ok(err[0] == '\0', "db_run_script: OK leaves err empty (%s)", err);
	st = db_add(db, "SELECT COUNT(*), SUM(id) FROM unit_script",
	    DB_RETRY);
	is_int(script_rows(db, st, &count, &sum), SVC_OK,
	    "db_run_script: its table is there");
	ok(count == 3 && sum == 7,
	    "db_run_script: every statement ran once (%lld rows, sum %lld)",
	    count, sum);

	is_int(db_run_script(db, "INSERT INTO unit_script VALUES (8, 'd');\n"
	    "INSERT INTO unit_script VALUES (16, 'e')\n", err, sizeof(err)),
	    SVC_BADINPUT, "db_run_script: text after the last ';': "
	    "SVC_BADINPUT");
	ok(strstr(err, "line 2") != NULL && strstr(err, "';'") != NULL,
	    "db_run_script: the error names the line (%s)", err);
	script_rows(db, st, &count, &sum);
	ok(count == 3 && sum == 7,
	    "db_run_script: a script cut short runs nothing (sum %lld)", sum);

	is_int(db_run_script(db, "INSERT INTO unit_script VALUES (8, 'd');\n"
	    "\nSELEKT 1;\nINSERT INTO unit_script VALUES (16, 'e');\n", err,
	    sizeof(err)), SVC_DB, "db_run_script: a failing statement: SVC_DB");
	ok(strstr(err, "line 3: ") != NULL && strstr(err, "SELEKT") != NULL,
	    "db_run_script: the error names its line and the server's "
	    "reason (%s)", err);
	is_int(script_rows(db, st, &count, &sum), SVC_OK,
	    "db_run_script: the connection serves after a failed statement");
	ok(count == 4 && sum == 15,
	    "db_run_script: the statement before ran, the one after did not "
	    "(sum %lld)", sum);

	is_int(db_run_script(db, "", err, sizeof(err)), SVC_OK,
	    "db_run_script: an empty script: OK");
	is_int(db_run_script(db, "-- only; a comment\n\n", err, sizeof(err)),
	    SVC_OK, "db_run_script: only comments: OK");
	is_int(db_run_script(db, "SELEKT 1;", NULL, 0), SVC_DB,
	    "db_run_script: err NULL: SVC_DB all the same");
	db_free(db);

	{
		struct cfg bad = cfg;	/* shallow: never freed */

		bad.db_host = "localhost";
		bad.db_socket = "/nonexistent/mysqld.sock";
		if (db_new(&db, &bad) != SVC_OK) {
			ok(0, "db_new (no server)");
			return;
		}
		is_int(db_run_script(db, "SELECT 1;", err, sizeof(err)),
		    SVC_DB, "db_run_script: no server: SVC_DB");
		ok(strstr(err, "connect") != NULL,
		    "db_run_script: no server: says so (%s)", err);
		db_free(db);
	}
}

static void
test_migrations(void)
{
	struct db *db;
	struct db_migrations m, m2;
	char name[128];
	MYSQL_BIND p[1];
	unsigned long nlen;
	unsigned long long n = 0;
	int del, applied = -1;

	name_of(name, sizeof(name), "migration.sql");
	nlen = strlen(name);
	if (db_new(&db, &cfg) != SVC_OK) {
		ok(0, "db_new for the migration tests");
		return;
	}
	is_int(db_migrations_init(&m, db), SVC_OK, "db_migrations_init: OK");
	ok(m.applied >= 0 && m.record >= 0,
	    "db_migrations_init: two statements registered");
	is_int(db_migration_applied(&m, name, &applied), SVC_OK,
	    "db_migration_applied (new name): OK");
	is_int(applied, 0, "db_migration_applied: a new name is not applied");
	is_int(db_migration_record(&m, name), SVC_OK,
	    "db_migration_record: OK");
	is_int(db_migration_applied(&m, name, &applied), SVC_OK,
	    "db_migration_applied (recorded): OK");
	is_int(applied, 1, "db_migration_applied: a recorded name is applied");
	is_int(db_migration_record(&m, name), SVC_CONFLICT,
	    "db_migration_record twice: SVC_CONFLICT");
	name[nlen - 1] = 'x';
	is_int(db_migration_applied(&m, name, &applied), SVC_OK,
	    "db_migration_applied (another name): OK");
	is_int(applied, 0, "db_migration_applied: only that exact name");
	name[nlen - 1] = 'l';

	/* The table is there now: a second ledger on a new handle. */
	db_free(db);
	if (db_new(&db, &cfg) != SVC_OK) {
		ok(0, "db_new for the second ledger");
		return;
	}
	is_int(db_migrations_init(&m2, db), SVC_OK,
	    "db_migrations_init with the table there: OK");
	is_int(db_migration_applied(&m2, name, &applied), SVC_OK,
	    "db_migration_applied on a new connection: OK");
	is_int(applied, 1, "the record outlives its connection");

	del = db_add(db, "DELETE FROM jwtauth_migration WHERE name = ?",
	    DB_RETRY);
	db_bind_str(&p[0], name, &nlen);
	is_int(db_exec(db, del, p, NULL, NULL, &n), SVC_OK,
	    "cleanup: delete our migration row");
	is_int(n, 1, "cleanup: one migration row");
	db_free(db);
}

static void
cleanup(struct db *db, const struct stmts *s)
{
	MYSQL_BIND p[1];
	unsigned long llen = strlen(like);
	unsigned long long n = 0;

	db_bind_str(&p[0], like, &llen);
	is_int(db_exec(db, s->del, p, NULL, NULL, &n), SVC_OK,
	    "cleanup: delete our rows");
	ok(n >= 2, "cleanup: deleted %llu rows", n);
}

int
main(void)
{
	struct db *db;
	struct stmts s;

	log_init("test-db");
	dbtest_config(&cfg);
	snprintf(prefix, sizeof(prefix), "unit-%ld-db-", (long)getpid());
	snprintf(like, sizeof(like), "%s%%", prefix);
	make_sql();

	if (db_new(&db, &cfg) != SVC_OK) {
		ok(0, "db_new");
		cfg_free(&cfg);
		return tap_done();
	}
	add_stmts(db, &s);
	ok(s.sel >= 0 && s.ins >= 0 && s.upd >= 0 && s.del >= 0 &&
	    s.connid >= 0, "db_add before connect: ids");
	db_free(NULL);
	ok(1, "db_free(NULL) is safe");
	if (!is_int(db_connect(db), SVC_OK, "db_connect to the configured "
	    "database (is the stack up?)")) {
		db_free(db);
		cfg_free(&cfg);
		return tap_done();
	}

	test_basics(db, &s);
	test_tx(db, &s);
	test_late(db);
	test_script();
	test_migrations();
	test_kill(&s);
	test_unreachable();
	test_full();
	cleanup(db, &s);

	db_free(db);
	cfg_free(&cfg);
	return tap_done();
}
