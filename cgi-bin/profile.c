/*
 * profile: GET with Authorization: Bearer <access token>
 * -> 200 {"id", "username", "email"} of the token's user, else 401.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "json.h"

/*
 * {"id": 1, "username": "alice", "email": "alice@example.com"}, in
 * Python's json.dumps spelling like every other body, written straight
 * into one buffer: no JSON objects built and freed per request.
 */
static void
profile_send(struct req *req, const struct user *u)
{
	char	 body[6 * (sizeof(u->username) + sizeof(u->email)) + 64];
	size_t	 o;
	int	 n;

	n = snprintf(body, sizeof(body), "{\"id\": %lld, \"username\": ",
	    u->id);
	o = jsn_string(body, (size_t)n, sizeof(body), u->username,
	    strlen(u->username));
	if (o != 0 && o + 11 < sizeof(body)) {
		memcpy(body + o, ", \"email\": ", 11);
		o = jsn_string(body, o + 11, sizeof(body), u->email,
		    strlen(u->email));
	}
	if (o == 0 || o + 1 >= sizeof(body)) {
		resp_error(req, 500, "Internal server error");
		return;
	}
	body[o++] = '}';
	resp_json(req, 200, NULL, body, o);
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
