/*
 * db.c: the process's database connection and prepared statements.
 */
#include <sys/prctl.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "cfg.h"
#include "db.h"
#include "log.h"

struct db_stmt {
	const char	*sql;
	enum db_retry	 retry;
	MYSQL_STMT	*stmt;
};

struct db {
	const struct cfg *cfg;
	MYSQL		*conn;		/* NULL: not connected */
	int		 in_tx;		/* a transaction is open: never resend */
	int		 lazy;		/* prepare on first use, not on connect */
	size_t		 nstmt;
	struct db_stmt	 stmt[DB_STMT_MAX];
};

enum svc_err
db_new(struct db **out, const struct cfg *cfg)
{
	struct db *db;

	*out = NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return SVC_NOMEM;
	db->cfg = cfg;
	*out = db;
	return SVC_OK;
}

static void
db_drop(struct db *db)
{
	size_t i;

	for (i = 0; i < db->nstmt; i++) {
		if (db->stmt[i].stmt != NULL)
			mysql_stmt_close(db->stmt[i].stmt);
		db->stmt[i].stmt = NULL;
	}
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_tx = 0;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	db_drop(db);
	free(db);
}

int
db_add(struct db *db, const char *sql, enum db_retry retry)
{
	if (db->nstmt == DB_STMT_MAX)
		return -1;
	db->stmt[db->nstmt].sql = sql;
	db->stmt[db->nstmt].retry = retry;
	return (int)db->nstmt++;
}

/* Prepares s; on failure *err (if not NULL) gets the MySQL error. */
static enum svc_err
db_prepare(struct db *db, struct db_stmt *s, unsigned int *err)
{
	if ((s->stmt = mysql_stmt_init(db->conn)) == NULL)
		return SVC_NOMEM;
	if (mysql_stmt_prepare(s->stmt, s->sql, strlen(s->sql)) != 0) {
		if (err != NULL)
			*err = mysql_stmt_errno(s->stmt);
		log_warnx("%s: %s", __func__, mysql_stmt_error(s->stmt));
		mysql_stmt_close(s->stmt);
		s->stmt = NULL;
		return SVC_DB;
	}
	return SVC_OK;
}

/*
 * Sets the timeouts that keep a dead or hung server from holding a
 * request: connect_timeout for the handshake, timeout for each read
 * and write after it.
 */
static void
db_options(MYSQL *conn, const struct cfg *cfg)
{
	unsigned int ct = cfg->db_connect_timeout, rw = cfg->db_timeout;

	mysql_options(conn, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	mysql_options(conn, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_options(conn, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_options(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
}

/*
 * libmariadb's socket connect always sleeps usleep(1) once after
 * connect(2) succeeds (ma_pvio_socket.c), and the default 50 us timer
 * slack stretches that sleep: with 1 ns of slack a connect over the
 * local socket took 150 us instead of 190 (medians of 300, measured
 * once with a small client), which a plain CGI request pays each time.
 * The slack is the calling thread's (ours are single-threaded) and its
 * children's; none of their timers needs it.
 */
static void
db_tight_timers(void)
{
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
}

enum svc_err
db_connect(struct db *db)
{
	const struct cfg *cfg = db->cfg;
	enum svc_err rc;
	size_t i;

	if (db->conn != NULL)
		return SVC_OK;
	if ((db->conn = mysql_init(NULL)) == NULL)
		return SVC_NOMEM;
	db_options(db->conn, cfg);
	db_tight_timers();
	if (mysql_real_connect(db->conn, cfg->db_host, cfg->db_user,
	    cfg->db_password, cfg->db_name, cfg->db_port, cfg->db_socket,
	    0) == NULL) {
		log_warnx("%s: %s", __func__, mysql_error(db->conn));
		db_drop(db);
		return SVC_DB;
	}
	/*
	 * A plain CGI process serves one request and uses one or two
	 * statements: preparing them all would cost more round trips
	 * than the request itself.  db_try prepares on first use.
	 */
	for (i = 0; !db->lazy && i < db->nstmt; i++) {
		if ((rc = db_prepare(db, &db->stmt[i], NULL)) != SVC_OK) {
			db_drop(db);
			return rc;
		}
	}
	return SVC_OK;
}

/*
 * Client errors (2000 and up) and a killed or closing server mean the
 * connection is gone: drop it so that the next request reconnects.
 */
static int
db_conn_lost(unsigned int err)
{
	return err >= 2000 || err == ER_CONNECTION_KILLED ||
	    err == ER_SERVER_SHUTDOWN || err == ER_NEW_ABORTING_CONNECTION;
}

/* Whether a statement that failed with err never reached the server. */
static int
db_not_sent(unsigned int err)
{
	return err == CR_SERVER_GONE_ERROR || err == CR_CONN_HOST_ERROR ||
	    err == CR_CONNECTION_ERROR;
}

static enum svc_err
db_fetch_one(MYSQL_STMT *st, MYSQL_BIND *result, int *found)
{
	int frc;

	if (mysql_stmt_bind_result(st, result) != 0)
		return SVC_DB;
	frc = mysql_stmt_fetch(st);
	*found = (frc == 0);
	if (frc == MYSQL_DATA_TRUNCATED) {
		log_warnx("db_exec: a column is longer than its buffer");
		mysql_stmt_free_result(st);
		return SVC_DB;
	}
	if (frc == 1) {
		mysql_stmt_free_result(st);
		return SVC_DB;
	}
	mysql_stmt_free_result(st);
	return SVC_OK;
}

/* One attempt; *err holds the MySQL error number on failure. */
static enum svc_err
db_try(struct db *db, int id, MYSQL_BIND *params, MYSQL_BIND *result,
    int *found, unsigned long long *affected, unsigned int *err)
{
	MYSQL_STMT *st;
	enum svc_err rc;

	*err = 0;
	if ((rc = db_connect(db)) != SVC_OK) {
		*err = CR_CONNECTION_ERROR;
		return rc;
	}
	/* Registered after the connection was made: prepare it now. */
	if (db->stmt[id].stmt == NULL &&
	    (rc = db_prepare(db, &db->stmt[id], err)) != SVC_OK)
		return rc;
	st = db->stmt[id].stmt;
	if ((params != NULL && mysql_stmt_bind_param(st, params) != 0) ||
	    mysql_stmt_execute(st) != 0) {
		*err = mysql_stmt_errno(st);
		return *err == ER_DUP_ENTRY ? SVC_CONFLICT : SVC_DB;
	}
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(st);
	if (result != NULL && (rc = db_fetch_one(st, result, found)) != SVC_OK)
		*err = mysql_stmt_errno(st);
	return rc;
}

enum svc_err
db_exec(struct db *db, int id, MYSQL_BIND *params, MYSQL_BIND *result,
    int *found, unsigned long long *affected)
{
	unsigned int err;
	enum svc_err rc;
	int was_up, in_tx, tries;

	if (id < 0 || (size_t)id >= db->nstmt)
		return SVC_BADINPUT;
	if (found != NULL)
		*found = 0;
	was_up = db->conn != NULL;
	rc = db_try(db, id, params, result, found, affected, &err);
	if (rc == SVC_OK || rc == SVC_CONFLICT)
		return rc;
	if (err != 0 && err != CR_CONNECTION_ERROR)
		log_warnx("%s: statement %d: error %u: %s", __func__, id, err,
		    db->conn ? mysql_error(db->conn) : "no connection");
	/*
	 * InnoDB rolled the statement back to break a deadlock: nothing
	 * of it was applied, so a statement outside a transaction that
	 * may be resent is sent again.
	 */
	for (tries = 0; err == ER_LOCK_DEADLOCK && !db->in_tx &&
	    db->stmt[id].retry == DB_RETRY && tries < 3; tries++) {
		rc = db_try(db, id, params, result, found, affected, &err);
		if (rc == SVC_OK || rc == SVC_CONFLICT)
			return rc;
	}
	if (!db_conn_lost(err) && err != ER_NEED_REPREPARE)
		return rc;
	/*
	 * A connection kept across requests may have died while idle (a
	 * server restart, wait_timeout).  Resend once on a new one when
	 * that cannot apply a write twice.
	 */
	in_tx = db->in_tx;
	db_drop(db);
	if (!was_up || in_tx ||
	    (db->stmt[id].retry == DB_ONCE && !db_not_sent(err) &&
	    err != ER_NEED_REPREPARE))
		return SVC_DB;
	return db_try(db, id, params, result, found, affected, &err);
}

/*
 * A fixed text statement.  With resend, a connection that died while
 * idle is replaced and the statement sent again (BEGIN may be; COMMIT
 * may not, since its reply may be what was lost).
 */
static enum svc_err
db_text(struct db *db, const char *sql, int resend)
{
	int was_up = db->conn != NULL;

	if (db_connect(db) != SVC_OK)
		return SVC_DB;
	if (mysql_real_query(db->conn, sql, strlen(sql)) == 0)
		return SVC_OK;
	log_warnx("%s: %s: %s", __func__, sql, mysql_error(db->conn));
	if (!db_conn_lost(mysql_errno(db->conn)))
		return SVC_DB;
	db_drop(db);
	if (!resend || !was_up || db_connect(db) != SVC_OK ||
	    mysql_real_query(db->conn, sql, strlen(sql)) != 0)
		return SVC_DB;
	return SVC_OK;
}

enum svc_err
db_begin(struct db *db)
{
	enum svc_err rc;

	if ((rc = db_text(db, "START TRANSACTION", 1)) == SVC_OK)
		db->in_tx = 1;
	return rc;
}

enum svc_err
db_commit(struct db *db)
{
	enum svc_err rc;

	rc = db_text(db, "COMMIT", 0);
	db->in_tx = 0;
	return rc;
}

void
db_rollback(struct db *db)
{
	if (db->conn != NULL && db->in_tx)
		(void)db_text(db, "ROLLBACK", 0);
	db->in_tx = 0;
}

void
db_set_lazy(struct db *db, int lazy)
{
	db->lazy = lazy;
}

MYSQL *
db_mysql(struct db *db)
{
	return db->conn;
}

/* ---- scripts and the migration ledger ----------------------------- */

/* Where a script is read: p, on line (from 1), at a line's start. */
struct db_script {
	const char	*p;
	int		 line;
	int		 bol;
};

static void
db_script_start(struct db_script *s, const char *script)
{
	s->p = script;
	s->line = 1;
	s->bol = 1;
}

/*
 * Copies the next statement of s into out (room for the whole script),
 * without its comment lines and NUL-terminated, and moves s past its
 * ';'.  *first gets the line of its first non-blank character, 0 when
 * it has none.  Returns 1 when a ';' ended it, 0 when the script did.
 */
static int
db_script_next(struct db_script *s, char *out, int *first)
{
	size_t n = 0;
	char c;

	*first = 0;
	while ((c = *s->p) != '\0') {
		if (s->bol && strncmp(s->p, "--", 2) == 0) {
			/* A comment may hold ';': skip it to its newline. */
			s->p += strcspn(s->p, "\n");
			s->bol = 0;
			continue;
		}
		s->p++;
		s->bol = c == '\n';
		if (c == ';')
			break;
		if (*first == 0 && !isspace((unsigned char)c))
			*first = s->line;
		if (c == '\n')
			s->line++;
		out[n++] = c;
	}
	out[n] = '\0';
	return c == ';';
}

__attribute__((format(printf, 3, 4)))
static void
db_errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/* Sends one statement of a script (starting on line) as text. */
static enum svc_err
db_script_one(struct db *db, const char *stmt, int line, char *err,
    size_t errsz)
{
	MYSQL_RES *res;

	if (mysql_real_query(db->conn, stmt, strlen(stmt)) == 0) {
		/* Rows (a SELECT) must be read before the next statement. */
		if (mysql_field_count(db->conn) == 0)
			return SVC_OK;
		if ((res = mysql_store_result(db->conn)) != NULL) {
			mysql_free_result(res);
			return SVC_OK;
		}
	}
	db_errf(err, errsz, "line %d: %s", line, mysql_error(db->conn));
	if (db_conn_lost(mysql_errno(db->conn)))
		db_drop(db);
	return SVC_DB;
}

/*
 * Text queries, not prepared statements: a migration is our own SQL
 * from sql/ (DDL, which the binary protocol does not all take), never
 * input from a client, and this is the only place that sends such text.
 */
enum svc_err
db_run_script(struct db *db, const char *script, char *err, size_t errsz)
{
	struct db_script s;
	char *stmt;
	enum svc_err rc = SVC_OK;
	int first;

	db_errf(err, errsz, "%s", "");
	if ((stmt = malloc(strlen(script) + 1)) == NULL) {
		db_errf(err, errsz, "out of memory");
		return SVC_NOMEM;
	}
	/* All or nothing for a script that was cut: check its end first. */
	db_script_start(&s, script);
	while (db_script_next(&s, stmt, &first))
		continue;
	if (first != 0) {
		db_errf(err, errsz, "line %d: text after the last ';'", first);
		rc = SVC_BADINPUT;
		goto out;
	}
	if ((rc = db_connect(db)) != SVC_OK) {
		db_errf(err, errsz, "cannot connect to the database");
		goto out;
	}
	db_script_start(&s, script);
	while (db_script_next(&s, stmt, &first)) {
		if (first != 0 &&
		    (rc = db_script_one(db, stmt, first, err, errsz)) != SVC_OK)
			break;
	}
out:
	free(stmt);
	return rc;
}

enum svc_err
db_migrations_init(struct db_migrations *m, struct db *db)
{
	enum svc_err rc;

	m->db = db;
	m->applied = m->record = -1;
	/*
	 * The table first: a registered statement is prepared against it
	 * on first use and again on every reconnect.
	 */
	if ((rc = db_text(db, "CREATE TABLE IF NOT EXISTS jwtauth_migration "
	    "(name varchar(255) NOT NULL PRIMARY KEY, applied_at datetime NOT "
	    "NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4", 1)) != SVC_OK)
		return rc;
	m->applied = db_add(db, "SELECT 1 FROM jwtauth_migration WHERE "
	    "name = ?", DB_RETRY);
	m->record = db_add(db, "INSERT INTO jwtauth_migration (name, "
	    "applied_at) VALUES (?, UTC_TIMESTAMP())", DB_ONCE);
	return m->applied < 0 || m->record < 0 ? SVC_NOMEM : SVC_OK;
}

enum svc_err
db_migration_applied(struct db_migrations *m, const char *name,
    int *applied)
{
	MYSQL_BIND p[1], r[1];
	unsigned long len = strlen(name);
	long long one = 0;
	enum svc_err rc;

	*applied = 0;
	db_bind_str(&p[0], name, &len);
	db_bind_ll(&r[0], &one);
	rc = db_exec(m->db, m->applied, p, r, applied, NULL);
	if (rc != SVC_OK)
		*applied = 0;
	return rc;
}

enum svc_err
db_migration_record(struct db_migrations *m, const char *name)
{
	MYSQL_BIND p[1];
	unsigned long len = strlen(name);

	db_bind_str(&p[0], name, &len);
	return db_exec(m->db, m->record, p, NULL, NULL, NULL);
}

void
db_bind_ll(MYSQL_BIND *b, long long *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
}

void
db_bind_llnull(MYSQL_BIND *b, long long *v, my_bool *is_null)
{
	db_bind_ll(b, v);
	b->is_null = is_null;
}

void
db_bind_int(MYSQL_BIND *b, int *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONG;
	b->buffer = v;
}

void
db_bind_str(MYSQL_BIND *b, const char *s, unsigned long *len)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)(uintptr_t)s;
	b->buffer_length = *len;
	b->length = len;
}

void
db_bind_out(MYSQL_BIND *b, char *buf, size_t size, unsigned long *len,
    my_bool *is_null, my_bool *error)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = buf;
	b->buffer_length = size - 1;	/* room for our NUL */
	b->length = len;
	b->is_null = is_null;
	b->error = error;
}
