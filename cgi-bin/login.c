/*
 * login: POST {"username", "password"} (JSON or form fields)
 * -> 200 a token pair, 401 for any bad credentials, 429 with
 * Retry-After once the username or the client failed too often.
 * Round trips per path: lib/account.c.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "addr.h"
#include "app.h"

static void
login(struct app *app, struct req *req, const char *username, size_t ulen,
    const char *password, size_t plen)
{
	static const char limited[] = "{\"detail\": \"Too many attempts\"}";
	char addr[ADDR_MAX], hdr[48];
	struct tokens_pair pair;
	struct user u;
	long long wait;
	enum svc_err rc;

	addr_client(&app->cfg, req->remote_addr,
	    req_param(req, app->cfg.proxy_param), addr, sizeof(addr));
	/*
	 * Lengths, not C strings: a name or password holding U+0000 is
	 * judged whole (a refused name, a wrong password), never cut.
	 */
	rc = account_login(&app->account, username, ulen, password, plen,
	    addr, &u, &wait);
	if (rc == SVC_DENIED && wait > 0) {
		snprintf(hdr, sizeof(hdr), "Retry-After: %lld\r\n", wait);
		resp_json(req, 429, hdr, limited, sizeof(limited) - 1);
		return;
	}
	if (rc != SVC_OK) {
		if (rc == SVC_DENIED)
			resp_error(req, 401, "Invalid credentials");
		else
			app_refuse(req, rc);
		return;
	}
	req->user_id = u.id;
	rc = tokens_issue(&app->tokens, &u, &pair);
	users_clear(&u);
	if (rc != SVC_OK) {
		app_refuse(req, rc);
		return;
	}
	resp_json(req, 200, "Cache-Control: no-store\r\n", pair.body, pair.len);
	OPENSSL_cleanse(pair.body, pair.len);
}

static void
handle(struct app *app, struct req *req)
{
	struct json_object *body;
	struct app_fields f = { 0 };
	const char *username, *password;
	size_t ulen, plen;

	if (req->method != REQ_POST) {
		resp_method(req, "POST");
		return;
	}
	if (app_body(req, 1, &body))
		return;
	username = app_string(body, "username", &ulen, &f);
	password = app_string(body, "password", &plen, &f);
	if (!app_fields_bad(req, &f))
		login(app, req, username, ulen, password, plen);
	app_body_free(body);
}

/* The throttle's and the account's part of the set-up. */
static enum svc_err
setup(struct app *app)
{
	enum svc_err rc;

	if ((rc = throttle_init(&app->throttle, &app->cfg, app->db)) !=
	    SVC_OK)
		return rc;
	account_init(&app->account, &app->cfg, &app->policy, &app->users,
	    &app->throttle);
	return SVC_OK;
}

int
main(void)
{
	static struct app app;

	app.setup = setup;
	return app_main(&app, "login", handle);
}
