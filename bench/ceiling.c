/*
 * ceiling: the baseline of `make bench` (bench/run).  A FastCGI
 * responder that does the least any database-backed endpoint does:
 * one primary-key SELECT on a kept connection with a prepared
 * statement, then a fixed JSON answer.  Same config, same libraries,
 * same MariaDB, same lighttpd and pool size as the profile program, so
 * profile's requests per second over this one's is how close profile
 * comes to the limit of its transport.
 *
 * The key cycles through BENCH_USERS ids from BENCH_ID_FIRST (1000
 * from 1 by default): bench/run passes the ids of the users it adds.
 *
 * Run as plain CGI it answers one request the same way: connect,
 * prepare, select, answer, exit.  That is the floor of the CGI
 * measurement: what any database-backed CGI program built on these
 * libraries pays, before any work of its own.
 */
#include <stdio.h>
#include <stdlib.h>

#include <fcgiapp.h>

#include "app.h"
#include "cfg.h"
#include "db.h"

static const char ceiling_ok[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 12\r\n"
    "\r\n"
    "{\"ok\": true}";

static const char ceiling_fail[] =
    "Status: 503 Service Unavailable\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 13\r\n"
    "\r\n"
    "{\"ok\": false}";

/* The answer for the user with id: ok if the SELECT found it. */
static const char *
ceiling_answer(struct db *db, int stmt, long long id, int *len)
{
	MYSQL_BIND	 p[1], r[1];
	long long	 got = 0;
	int		 found;

	db_bind_ll(&p[0], &id);
	db_bind_ll(&r[0], &got);
	if (db_exec(db, stmt, p, r, &found, NULL) == SVC_OK && found) {
		*len = sizeof(ceiling_ok) - 1;
		return ceiling_ok;
	}
	*len = sizeof(ceiling_fail) - 1;
	return ceiling_fail;
}

int
main(void)
{
	static struct cfg	 cfg;
	struct db		*db = NULL;
	FCGX_Request		 req;
	char			 err[512], sql[256];
	const char		*env, *answer;
	long long		 first = 1, users = 1000, i = 0;
	int			 stmt, len;

	if ((env = getenv("BENCH_USERS")) != NULL && atoll(env) > 0)
		users = atoll(env);
	if ((env = getenv("BENCH_ID_FIRST")) != NULL && atoll(env) > 0)
		first = atoll(env);
	if (app_openssl_init() != 0) {
		fprintf(stderr, "ceiling: OpenSSL set-up failed\n");
		return 1;
	}
	if (cfg_load(&cfg, cfg_path(), err, sizeof(err)) != SVC_OK) {
		fprintf(stderr, "ceiling: %s\n", err);
		return 1;
	}
	snprintf(sql, sizeof(sql), "SELECT id FROM `%s` WHERE id = ?",
	    cfg.users_table);
	if (db_new(&db, &cfg) != SVC_OK ||
	    (stmt = db_add(db, sql, DB_RETRY)) < 0 || FCGX_Init() != 0 ||
	    FCGX_InitRequest(&req, 0, 0) != 0) {
		fprintf(stderr, "ceiling: set-up failed\n");
		return 1;
	}
	(void)db_connect(db);
	if (FCGX_IsCGI()) {
		answer = ceiling_answer(db, stmt, first, &len);
		fwrite(answer, 1, (size_t)len, stdout);
	} else
		while (FCGX_Accept_r(&req) >= 0) {
			answer = ceiling_answer(db, stmt, first + i++ % users,
			    &len);
			FCGX_PutStr(answer, len, req.out);
			FCGX_Finish_r(&req);
		}
	db_free(db);
	cfg_free(&cfg);
	return 0;
}
