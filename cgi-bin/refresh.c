/*
 * refresh: POST {"refresh_token"} -> 200 the next token pair of its
 * family; the token presented is spent (RFC 9700 4.14.2).
 */
#include <string.h>

#include <openssl/crypto.h>

#include "app.h"

static void
refresh(struct app *app, struct req *req, const char *tok, size_t len)
{
	struct jwt_claims c = { 0 };
	struct tokens_pair pair;
	struct user u;
	enum svc_err rc;

	if (tokens_verify(&app->tokens, tok, len, "refresh",
	    &c) != SVC_OK) {
		resp_error(req, 401, "Unauthorized");
		return;
	}
	req->user_id = c.user_id;
	rc = users_by_id(&app->users, c.user_id, &u);
	if (rc == SVC_OK && !tokens_user_ok(&app->tokens, &c, &u))
		rc = SVC_DENIED;
	if (rc == SVC_OK)
		rc = tokens_rotate(&app->tokens, &c, &u, &pair);
	if (rc == SVC_OK) {
		resp_json(req, 200, "Cache-Control: no-store\r\n", pair.body,
		    pair.len);
		OPENSSL_cleanse(pair.body, pair.len);
	} else
		app_refuse(req, rc);
	users_clear(&u);
	jwt_claims_free(&c);
}

static void
handle(struct app *app, struct req *req)
{
	app_refresh_body(app, req, refresh);
}

int
main(void)
{
	static struct app app;

	return app_main(&app, "refresh", handle);
}
