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

/* The raw connection for the admin tool (migrations); NULL if down. */
MYSQL		*db_mysql(struct db *db);

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
