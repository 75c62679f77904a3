/*
 * logout: POST {"refresh_token"} -> 204, and that token's family is
 * revoked.  Idempotent: an unknown, expired or already revoked (but
 * correctly signed) refresh token also gets 204; a forged token or an
 * access token gets 401.
 */
#include <string.h>


#include "app.h"

static void
logout(struct app *app, struct req *req, const char *tok, size_t len)
{
	struct jwt_claims c = { 0 };
	enum svc_err rc;

	if (tokens_verify_logout(&app->tokens, tok, len,
	    &c) != SVC_OK) {
		resp_error(req, 401, "Unauthorized");
		return;
	}
	req->user_id = c.user_id;
	if ((rc = tokens_revoke(&app->tokens, &c)) == SVC_OK)
		resp_no_content(req);
	else
		app_refuse(req, rc);
	jwt_claims_free(&c);
}

static void
handle(struct app *app, struct req *req)
{
	app_refresh_body(app, req, logout);
}

int
main(void)
{
	static struct app app;

	return app_main(&app, "logout", handle);
}
