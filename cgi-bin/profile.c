/*
 * profile: GET with Authorization: Bearer <access token>
 * -> 200 {"id", "username", "email"} of the token's user, else 401.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"

/*
 * s as a JSON string body (RFC 8259, 7) at out, escaped as resp.c
 * does; out has room for 6 bytes per byte of s plus the quotes.
 * Returns the bytes written.
 */
static size_t
profile_str(char *out, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 c;
	size_t			 o = 0;

	out[o++] = '"';
	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20) {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 0xf];
			o += 6;
		} else
			out[o++] = (char)c;
	}
	out[o++] = '"';
	return o;
}

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
	o = (size_t)n;
	o += profile_str(body + o, u->username);
	memcpy(body + o, ", \"email\": ", 11);
	o += 11;
	o += profile_str(body + o, u->email);
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
