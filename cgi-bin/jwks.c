/*
 * jwks: GET /api/.well-known/jwks.json -> 200 {"keys": [...]}, the
 * public keys that verify our tokens, as a JSON Web Key Set (RFC 7517,
 * 5).  GET and HEAD only.
 */
#include "app.h"

/*
 * Verifiers may cache the set for five minutes: a key being rotated in
 * is configured (verify only) at least that long before it signs.
 */
#define JWKS_HEADERS	"Cache-Control: public, max-age=300\r\n"

/*
 * Every algorithm jwt.h knows is an HMAC (HS256, HS384, HS512): its key
 * is the shared secret, which a key set must never carry, so the set is
 * empty.  Needs no database, so it answers while the database is down.
 * XXX list the public keys here once asymmetric algorithms exist.
 */
static void
handle(struct app *app, struct req *req)
{
	static const char body[] = "{\"keys\": []}";

	(void)app;
	if (req->method != REQ_GET && req->method != REQ_HEAD) {
		resp_method(req, "GET, HEAD");
		return;
	}
	resp_json(req, 200, JWKS_HEADERS, body, sizeof(body) - 1);
}

int
main(void)
{
	static struct app app;

	return app_main(&app, "jwks", handle);
}
