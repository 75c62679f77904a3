/*
 * app.h: what every endpoint program shares: the per-process set-up
 * (config, database, statements, key) and the accept loop, plus the
 * body and field checks that give the contract's 400/413/422 answers.
 */
#ifndef APP_H
#define APP_H

#include <stddef.h>

#include "account.h"
#include "cfg.h"
#include "pw.h"
#include "req.h"
#include "resp.h"
#include "svc.h"
#include "throttle.h"
#include "tokens.h"
#include "users.h"

struct json_object;

#define APP_PROBLEMS_MAX	8

struct app {
	const char	*program;
	struct cfg	 cfg;
	struct db	*db;
	struct users	 users;
	struct tokens	 tokens;
	struct pw_policy policy;
	struct throttle	 throttle;	/* login, register: see setup */
	struct account	 account;	/* login: see setup */
	struct req	 req;
	/*
	 * What a program needs beyond the common set-up (the throttle, the
	 * account), set by its main before app_main: run once with the
	 * rest, before the first connection, so that its statements are
	 * prepared with the others.  NULL: nothing.  Programs that hash
	 * nothing leave it NULL and so do not link pw.c.
	 */
	enum svc_err	(*setup)(struct app *app);
};

typedef void	(*app_handler)(struct app *app, struct req *req);

/*
 * Sets up app for program, then serves requests with handle until
 * told to stop.  A bad config ends it at once with one line on stderr.
 * Returns the process exit status.
 */
int		 app_main(struct app *app, const char *program,
		    app_handler handle);

/*
 * OpenSSL's set-up as app_main does it, without the parts jwtauth does
 * not use.  Call before any other OpenSSL call; -1 on failure.
 */
int		 app_openssl_init(void);

/*
 * Reads the body as a JSON object (or, with form set and a form
 * Content-Type, as form fields).  On failure it has already answered
 * 413, 400 or 422 and returns non-zero.  The JSON policy (a repeated
 * member name is a 400, "\u0000" in a value parses) is lib/json.h's.
 * The caller frees *obj with app_body_free.
 */
int		 app_body(struct req *req, int form, struct json_object **obj);

/*
 * Wipes every string value of obj, at any depth (a body from app_body:
 * passwords and tokens), and puts it: every body is freed here, never
 * with json_object_put.  NULL is safe.
 */
void		 app_body_free(struct json_object *obj);

/* Collects the problems of a request's fields for one 422 answer. */
struct app_fields {
	size_t			n;
	struct resp_problem	p[APP_PROBLEMS_MAX];
};

/*
 * The string field name of obj, borrowed from obj, with its length in
 * *len (it may hold NUL: "\u0000" is valid JSON, and the caller judges
 * the value); or NULL after noting a "missing" or "string_type"
 * problem in f.
 */
const char	*app_string(struct json_object *obj, const char *name,
		    size_t *len, struct app_fields *f);

/*
 * The shape of refresh and logout: POST {"refresh_token": "..."}.
 * Answers 405, 400, 413 or 422 itself; otherwise calls act with the
 * token and its length (NUL included, so that a verifier refuses what
 * a C string would cut short), then wipes the body.
 */
void		 app_refresh_body(struct app *app, struct req *req,
		    void (*act)(struct app *, struct req *, const char *,
		    size_t));

/* Answers 422 when f holds problems; returns non-zero if it did. */
int		 app_fields_bad(struct req *req, const struct app_fields *f);

/* 503 {"detail": "Service unavailable"}. */
void		 app_unavailable(struct req *req);

/*
 * Answers rc of a step that failed: 503 for the database, 500 for an
 * internal failure, else 401.
 */
void		 app_refuse(struct req *req, enum svc_err rc);

#endif /* APP_H */
