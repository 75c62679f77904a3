/*
 * profile: GET with Authorization: Bearer <access token>
 * -> 200 {"id", "username", "email"} of the token's user, else 401.
 */
#include <json-c/json.h>

#include "app.h"

static void
profile_send(struct req *req, const struct user *u)
{
	struct json_object *o;
	const char *s;
	size_t len;

	if ((o = json_object_new_object()) == NULL) {
		resp_error(req, 500, "Internal server error");
		return;
	}
	json_object_object_add(o, "id", json_object_new_int64(u->id));
	json_object_object_add(o, "username",
	    json_object_new_string(u->username));
	json_object_object_add(o, "email", json_object_new_string(u->email));
	s = json_object_to_json_string_length(o,
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	resp_json(req, 200, NULL, s, len);
	json_object_put(o);
}

static void
handle(struct app *app, struct req *req)
{
	struct jwt_claims c = { 0 };
	struct user u;
	const char *tok;
	size_t len;
	enum svc_err rc;

	if (req->method != REQ_GET) {
		resp_method(req, "GET");
		return;
	}
	rc = req_bearer(req->authorization, &tok, &len);
	if (rc != SVC_OK) {
		resp_unauthorized(req, rc == SVC_BADINPUT);
		return;
	}
	if (tokens_verify(&app->tokens, tok, len, "access", &c) != SVC_OK) {
		resp_unauthorized(req, 1);
		return;
	}
	req->user_id = c.user_id;
	rc = users_by_id(&app->users, c.user_id, &u);
	if (rc == SVC_OK && tokens_user_ok(&app->tokens, &c, &u))
		profile_send(req, &u);
	else if (rc == SVC_OK || rc == SVC_NOTFOUND)
		resp_unauthorized(req, 1);
	else
		app_refuse(req, rc);
	if (rc == SVC_OK)
		users_clear(&u);
	jwt_claims_free(&c);
}

int
main(void)
{
	static struct app app;

	return app_main(&app, "profile", handle);
}
