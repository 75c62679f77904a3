/*
 * register: POST {"username", "password", "email"} -> 201 {"id",
 * "username", "email"}; 409 for a taken username (the unique index
 * decides); 422 for what Django's validators would refuse (lib/signup.h);
 * 404 unless [register] enabled; 429 with Retry-After when the client
 * address is over the login throttle's per-address limit (each
 * registration costs a full hash and counts against it).
 */
#include <stdio.h>

#include <json-c/json.h>

#include "addr.h"
#include "app.h"
#include "signup.h"

static void
created(struct req *req, long long id, const char *username,
    const char *email)
{
	struct json_object *o;
	const char *s;
	size_t len;

	if ((o = json_object_new_object()) == NULL) {
		resp_error(req, 500, "Internal server error");
		return;
	}
	json_object_object_add(o, "id", json_object_new_int64(id));
	json_object_object_add(o, "username", json_object_new_string(username));
	json_object_object_add(o, "email", json_object_new_string(email));
	s = json_object_to_json_string_length(o,
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	resp_json(req, 201, NULL, s, len);
	json_object_put(o);
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
	const char *username, *password, *email;
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
	username = app_string(body, "username", &f);
	password = app_string(body, "password", &f);
	email = app_string(body, "email", &f);
	if (f.n == 0)
		f.n = signup_check(username, password, email, f.p,
		    APP_PROBLEMS_MAX);
	if (app_fields_bad(req, &f)) {
		json_object_put(body);
		return;
	}
	if (throttled(app, req)) {
		json_object_put(body);
		return;
	}
	rc = signup_create(&app->users, &app->policy, username, email,
	    password, &id);
	if (rc == SVC_OK) {
		req->user_id = id;
		created(req, id, username, email);
	} else if (rc == SVC_CONFLICT)
		resp_error(req, 409, "Username already taken");
	else if (rc == SVC_DB)
		app_unavailable(req);
	else
		resp_error(req, 500, "Internal server error");
	json_object_put(body);
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
