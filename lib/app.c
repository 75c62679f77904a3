/*
 * app.c: the process set-up and request loop shared by the programs.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "app.h"
#include "db.h"
#include "json.h"
#include "log.h"

static int
app_fail(const char *program, const char *what, enum svc_err rc)
{
	fprintf(stderr, "%s: %s: %s\n", program, what, svc_strerror(rc));
	return 1;
}

/*
 * OpenSSL's default set-up loads every error string and copies the
 * legacy cipher and digest name tables into its provider name map, and
 * an atexit handler frees it all again: 4.5 of the 10.5 million
 * instructions of a plain CGI request (callgrind), for error text we
 * never print and names we never look up (algorithms are fetched by
 * their provider names; the database client's TLS is not used).  The
 * config file, openssl.cnf, is still loaded.
 */
int
app_openssl_init(void)
{
	return OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS |
	    OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS |
	    OPENSSL_INIT_NO_ATEXIT, NULL) == 1 ? 0 : -1;
}

/* Everything that lives as long as the process. */
static int
app_init(struct app *app, const char *program)
{
	char err[512];
	enum svc_err rc;

	app->program = program;
	log_init(program);
	if (app_openssl_init() != 0)
		return app_fail(program, "OpenSSL", SVC_CRYPTO);
	if (cfg_load(&app->cfg, cfg_path(), err, sizeof(err)) != SVC_OK) {
		fprintf(stderr, "%s: %s\n", program, err);
		return 1;
	}
	if (pw_alg_parse(app->cfg.pw_algorithm, &app->policy.alg) != SVC_OK)
		return app_fail(program, "password algorithm", SVC_BADINPUT);
	pw_policy_init(&app->policy, app->policy.alg,
	    app->cfg.pbkdf2_iterations);
	if ((rc = db_new(&app->db, &app->cfg)) != SVC_OK)
		return app_fail(program, "database", rc);
	if ((rc = users_init(&app->users, app->db,
	    app->cfg.users_table)) != SVC_OK)
		return app_fail(program, "users", rc);
	if ((rc = tokens_init(&app->tokens, &app->cfg, app->db)) != SVC_OK) {
		/* A key that does not fit: one line naming the file. */
		if (app->tokens.err[0] != '\0') {
			fprintf(stderr, "%s: %s\n", program, app->tokens.err);
			return 1;
		}
		return app_fail(program, "tokens", rc);
	}
	if (app->setup != NULL && (rc = app->setup(app)) != SVC_OK)
		return app_fail(program, "set-up", rc);
	if ((rc = req_init(&app->req)) != SVC_OK)
		return app_fail(program, "request", rc);
	/* Warm up; a database that is down now gets its 503s later. */
	if (app->req.cgi)
		db_set_lazy(app->db, 1);
	else
		(void)db_connect(app->db);
	return 0;
}

static void
app_cleanup(struct app *app)
{
	tokens_free(&app->tokens);
	db_free(app->db);
	app->db = NULL;
	cfg_free(&app->cfg);
}

int
app_main(struct app *app, const char *program, app_handler handle)
{
	int status;

	if ((status = app_init(app, program)) == 0) {
		while (req_accept(&app->req) == SVC_OK) {
			handle(app, &app->req);
			req_finish(&app->req);
			/* The body may have held a password or a token. */
			OPENSSL_cleanse(app->req.body, app->req.body_len);
		}
	}
	app_cleanup(app);
	return status;
}

int
app_body(struct req *req, int form, struct json_object **obj)
{
	static const struct resp_problem not_object = {
		"model_attributes_type", NULL,
		"Input should be a valid dictionary or object to extract "
		"fields from"
	};
	enum svc_err rc;

	*obj = NULL;
	if (req->body_toobig) {
		resp_error(req, 413, "Request body too large");
		return 1;
	}
	if (req->body_error) {
		resp_error(req, 400, "Could not read the request body");
		return 1;
	}
	if (form && req->ctype == REQ_CT_FORM)
		rc = req_form(req->body, req->body_len, obj);
	else
		rc = req_json(req, obj);
	if (rc != SVC_OK) {
		resp_error(req, 400, "Cannot parse request body");
		return 1;
	}
	if (!json_object_is_type(*obj, json_type_object)) {
		jsn_put_wiped(*obj);
		*obj = NULL;
		resp_unprocessable(req, &not_object, 1);
		return 1;
	}
	return 0;
}

void
app_body_free(struct json_object *obj)
{
	jsn_put_wiped(obj);
}

const char *
app_string(struct json_object *obj, const char *name, size_t *len,
    struct app_fields *f)
{
	struct resp_problem *p;
	const char *s;
	int found;

	if ((found = jsn_member_string(obj, name, &s, len)) == 1)
		return s;
	if (f->n == APP_PROBLEMS_MAX)
		return NULL;
	p = &f->p[f->n++];
	p->field = name;
	if (found == 0) {
		p->type = "missing";
		p->msg = "Field required";
	} else {
		p->type = "string_type";
		p->msg = "Input should be a valid string";
	}
	return NULL;
}

int
app_fields_bad(struct req *req, const struct app_fields *f)
{
	if (f->n == 0)
		return 0;
	resp_unprocessable(req, f->p, f->n);
	return 1;
}

void
app_refresh_body(struct app *app, struct req *req,
    void (*act)(struct app *, struct req *, const char *, size_t))
{
	struct json_object *body;
	struct app_fields f = { 0 };
	const char *tok;
	size_t len;

	if (req->method != REQ_POST) {
		resp_method(req, "POST");
		return;
	}
	if (app_body(req, 0, &body))
		return;
	tok = app_string(body, "refresh_token", &len, &f);
	if (!app_fields_bad(req, &f))
		act(app, req, tok, len);
	app_body_free(body);
}

void
app_unavailable(struct req *req)
{
	resp_error(req, 503, "Service unavailable");
}

void
app_refuse(struct req *req, enum svc_err rc)
{
	if (rc == SVC_DB)
		app_unavailable(req);
	else if (rc == SVC_NOMEM || rc == SVC_CRYPTO || rc == SVC_TOOBIG)
		resp_error(req, 500, "Internal server error");
	else
		resp_error(req, 401, "Unauthorized");
}
