/*
 * register: POST {"username", "password", "email"} -> 201 {"id",
 * "username", "email"}; 409 for a taken username (the unique index
 * decides); 422 for what Django's validators would refuse (lib/signup.h);
 * 404 unless [register] enabled; 429 with Retry-After when the client
 * address is over the login throttle's per-address limit (each
 * registration costs a full hash and counts against it).
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "app.h"
#include "json.h"
#include "signup.h"

/*
 * 201 {"id": 1, "username": "alice", "email": "alice@example.com"},
 * strings by the one writer (lib/json.h), into one buffer.
 */
static void
created(struct req *req, long long id, const struct signup *s)
{
	/* Both passed signup_check: at most 4 bytes a character. */
	char body[6 * 4 * (SIGNUP_NAME_MAX + SIGNUP_EMAIL_MAX) + 64];
	size_t o;
	int n;

	n = snprintf(body, sizeof(body), "{\"id\": %lld, \"username\": ", id);
	o = jsn_string(body, (size_t)n, sizeof(body), s->username,
	    s->username_len);
	if (o != 0 && o + 11 < sizeof(body)) {
		memcpy(body + o, ", \"email\": ", 11);
		o = jsn_string(body, o + 11, sizeof(body), s->email,
		    s->email_len);
	}
	if (o == 0 || o + 1 >= sizeof(body)) {
		resp_error(req, 500, "Internal server error");
		return;
	}
	body[o++] = '}';
	resp_json(req, 201, NULL, body, o);
}

/* signup's problems as 422 items, after any of f's own. */
static void
problems(struct app_fields *f, const struct signup *s)
{
	struct signup_problem p[APP_PROBLEMS_MAX];
	size_t i, n;

	n = signup_check(s, p, APP_PROBLEMS_MAX - f->n);
	for (i = 0; i < n; i++) {
		f->p[f->n].type = "value_error";
		f->p[f->n].field = signup_field_name(p[i].field);
		f->p[f->n++].msg = p[i].msg;
	}
}

/*
 * The per-address limit, before the hash: non-zero when it answered
 * 429 (or 503) itself.
 */
static int
throttled(struct app *app, struct req *req)
{
	static const char limited[] = "{\"detail\": \"Too many attempts\"}";
	char addr[ADDR_MAX], hdr[48];
	long long wait;
	enum svc_err rc;

	addr_client(&app->cfg, req->remote_addr,
	    req_param(req, app->cfg.proxy_param), addr, sizeof(addr));
	if ((rc = throttle_register(&app->throttle, addr, &wait)) == SVC_OK)
		return 0;
	if (rc == SVC_DENIED) {
		snprintf(hdr, sizeof(hdr), "Retry-After: %lld\r\n", wait);
		resp_json(req, 429, hdr, limited, sizeof(limited) - 1);
	} else
		app_refuse(req, rc);
	return 1;
}

static void
handle(struct app *app, struct req *req)
{
	struct json_object *body;
	struct app_fields f = { 0 };
	struct signup s;
	long long id;
	enum svc_err rc;

	/* Off, the endpoint does not exist. */
	if (!app->cfg.register_enabled) {
		resp_error(req, 404, "Not Found");
		return;
	}
	if (req->method != REQ_POST) {
		resp_method(req, "POST");
		return;
	}
	if (app_body(req, 0, &body))
		return;
	s.username = app_string(body, "username", &s.username_len, &f);
	s.password = app_string(body, "password", &s.password_len, &f);
	s.email = app_string(body, "email", &s.email_len, &f);
	if (f.n == 0)
		problems(&f, &s);
	if (app_fields_bad(req, &f)) {
		app_body_free(body);
		return;
	}
	if (throttled(app, req)) {
		app_body_free(body);
		return;
	}
	rc = signup_create(&app->users, &app->policy, &s, &id);
	if (rc == SVC_OK) {
		req->user_id = id;
		created(req, id, &s);
	} else if (rc == SVC_CONFLICT)
		resp_error(req, 409, "Username already taken");
	else if (rc == SVC_DB)
		app_unavailable(req);
	else
		resp_error(req, 500, "Internal server error");
	app_body_free(body);
}

static enum svc_err
setup(struct app *app)
{
	return throttle_init(&app->throttle, &app->cfg, app->db);
}

int
main(void)
{
	static struct app app;

	app.setup = setup;
	return app_main(&app, "register", handle);
}
