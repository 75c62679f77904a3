/*
 * jwks: GET /api/.well-known/jwks.json -> 200 {"keys": [...]}, the
 * public keys that verify our tokens, as a JSON Web Key Set (RFC 7517,
 * 5).  GET and HEAD only.
 */
#include <stdlib.h>

#include "app.h"

/*
 * Verifiers may cache the set for five minutes: a key being rotated in
 * is configured (verify only) at least that long before it signs.
 */
#define JWKS_HEADERS	"Cache-Control: public, max-age=300\r\n"

/*
 * Every asymmetric key of the config, signing and verify-only, public
 * members only (jwt_jwks); an HMAC key is the shared secret and never
 * listed, so an HS* config without verify_key_files answers an empty
 * set.  Made at the first request and kept: the keys do not change
 * while the process lives.  Needs no database, so it answers while the database is down.
 */
static char	*jwks_body;
static size_t	 jwks_len;

static void
handle(struct app *app, struct req *req)
{
	enum svc_err rc;

	if (req->method != REQ_GET && req->method != REQ_HEAD) {
		resp_method(req, "GET, HEAD");
		return;
	}
	if (jwks_body == NULL &&
	    (rc = jwt_jwks(app->tokens.key, &jwks_body, &jwks_len)) != SVC_OK) {
		app_refuse(req, rc);
		return;
	}
	resp_json(req, 200, JWKS_HEADERS, jwks_body, jwks_len);
}

int
main(void)
{
	static struct app app;
	int status;

	status = app_main(&app, "jwks", handle);
	free(jwks_body);
	return status;
}
