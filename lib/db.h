/*
 * db.h: one MariaDB/MySQL connection per process, kept across
 * requests, with statements prepared once (and again after a
 * reconnect).  Prepared statements only for anything a client sends.
 */
#ifndef DB_H
#define DB_H

#include <stddef.h>

#include <mysql.h>

#include "svc.h"

struct cfg;
struct db;

#define DB_STMT_MAX	24

/* Whether a statement may be sent twice when the connection died. */
enum db_retry {
	DB_ONCE,	/* writes: never resent after a lost reply */
	DB_RETRY,	/* reads and guarded writes: safe to resend */
};

/*
 * A handle for cfg's database (borrowed for the handle's life).  Does
 * not connect: the first db_exec does.  Free with db_free.
 */
enum svc_err	 db_new(struct db **db, const struct cfg *cfg);
void		 db_free(struct db *db);

/*
 * Registers sql (a static string) and returns its id (>= 0), or -1
 * when the table is full.  Call before the first db_exec; statements
 * are prepared on connect.
 */
int		 db_add(struct db *db, const char *sql, enum db_retry retry);

/*
 * Connects (when not connected) and prepares every statement.
 * SVC_DB when the server is unreachable (after the connect timeout).
 */
enum svc_err	 db_connect(struct db *db);

/*
 * Runs statement id with params (may be NULL).  With result not NULL,
 * fetches at most one row into it and sets *found to 0 or 1.  With
 * affected not NULL, stores the affected-row count.  SVC_CONFLICT on
 * a duplicate key, SVC_DB on any other failure (logged).  A connection
 * that died is dropped and reopened by the next call.
 */
enum svc_err	 db_exec(struct db *db, int id, MYSQL_BIND *params,
		    MYSQL_BIND *result, int *found,
		    unsigned long long *affected);

/*
 * Starts, commits or rolls back a transaction on the connection.
 * These are fixed text statements, never built from input.
 */
enum svc_err	 db_begin(struct db *db);
enum svc_err	 db_commit(struct db *db);
void		 db_rollback(struct db *db);

/*
 * With lazy set, db_connect prepares nothing and each statement is
 * prepared on its first use (plain CGI: one request per process).
 */
void		 db_set_lazy(struct db *db, int lazy);

/* The raw connection (users.c: insert ids, the list); NULL if down. */
MYSQL		*db_mysql(struct db *db);

/*
 * Runs script's statements in order on db's connection, as text
 * queries: for our own migration files only, never for anything a
 * client sent.  A ';' ends a statement wherever it stands (so no
 * string in a script may hold one); a line that starts with "--" is a
 * comment and skipped whole, ';' and all.  Text after the last ';'
 * other than blanks and comments is SVC_BADINPUT, found before any
 * statement runs.  A statement that fails stops the script with
 * SVC_DB: the ones before it stay applied (DDL commits by itself in
 * MariaDB), and nothing is resent.  On failure err (errsz bytes; may
 * be NULL) says which line and why; it is not logged.
 */
enum svc_err	 db_run_script(struct db *db, const char *script, char *err,
		    size_t errsz);

/*
 * The migration ledger: the table jwtauth_migration, one row per
 * applied file name, written here only.  db_migrations_init creates
 * the table when missing and registers its two statements on db
 * (borrowed for m's life): SVC_DB when that fails, SVC_NOMEM when db
 * has no room.
 */
struct db_migrations {
	struct db	*db;
	int		 applied;	/* is name there */
	int		 record;	/* add name, applied now */
};

enum svc_err	 db_migrations_init(struct db_migrations *m, struct db *db);
/* *applied gets 1 when name is recorded, else 0. */
enum svc_err	 db_migration_applied(struct db_migrations *m,
		    const char *name, int *applied);
/* Records name as applied now; SVC_CONFLICT when it was already. */
enum svc_err	 db_migration_record(struct db_migrations *m,
		    const char *name);

/* Bind helpers: fill one MYSQL_BIND (zeroed first). */
void	db_bind_ll(MYSQL_BIND *b, long long *v);
void	db_bind_int(MYSQL_BIND *b, int *v);
void	db_bind_str(MYSQL_BIND *b, const char *s, unsigned long *len);
/* A result column into buf (size bytes, NUL-terminated on fetch). */
void	db_bind_out(MYSQL_BIND *b, char *buf, size_t size,
	    unsigned long *len, my_bool *is_null, my_bool *error);
/* A nullable long long parameter or result. */
void	db_bind_llnull(MYSQL_BIND *b, long long *v, my_bool *is_null);

#endif /* DB_H */
