/*
 * login: POST {"username", "password"} (JSON or form fields)
 * -> 200 a token pair, 401 for any bad credentials, 429 with
 * Retry-After once the username or the client failed too often.
 * Round trips per path: lib/account.c.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "account.h"
#include "app.h"

/*
 * The username that a login whose username or password holds U+0000
 * looks up instead: 151 characters, one more than auth_user.username
 * (varchar(150)) holds, so no row can match, and '!', which Django's
 * username validator refuses, so the throttle's row (cut to 150) names
 * no real user either.  Not the username up to its NUL: that would be
 * another user's name ("alice\u0000x" is not alice), and the column's
 * utf8mb4_unicode_ci collation ignores U+0000, so even the whole
 * username with its length would match "alice" for "alice\u0000".
 */
static const char login_nobody[] =
    "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!";

/*
 * API.md: a username or password holding U+0000 is a wrong credential,
 * refused after the same work as any other (the dummy hash of an
 * unknown user) and counted as a failure for the client's address.
 * So the account lookup gets login_nobody instead.
 */
static void
login_credentials(const char **username, size_t *ulen, const char *password,
    size_t plen)
{
	if (memchr(*username, '\0', *ulen) == NULL &&
	    memchr(password, '\0', plen) == NULL)
		return;
	*username = login_nobody;
	*ulen = sizeof(login_nobody) - 1;
}

static void
login(struct app *app, struct account *acc, struct req *req,
    const char *username, size_t ulen, const char *password, size_t plen)
{
	static const char limited[] = "{\"detail\": \"Too many attempts\"}";
	char addr[THROTTLE_ADDR_MAX], hdr[48];
	struct tokens_pair pair;
	struct user u;
	long long wait;
	enum svc_err rc;

	throttle_address(&app->cfg, req->remote_addr,
	    req_param(req, app->cfg.proxy_param), addr, sizeof(addr));
	login_credentials(&username, &ulen, password, plen);
	/*
	 * XXX account_login takes the username as a C string; that is
	 * safe here only because login_credentials left no NUL in it.
	 * With the length-taking signature: account_login(acc, username,
	 * ulen, password, plen, addr, &u, &wait).
	 */
	(void)ulen;
	rc = account_login(acc, username, password, plen, addr, &u, &wait);
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
	/* Set up on the first request (XXX in account.h). */
	static struct account acc;
	static int ready;
	struct json_object *body;
	struct app_fields f = { 0 };
	const char *username, *password;
	size_t ulen, plen;

	if (req->method != REQ_POST) {
		resp_method(req, "POST");
		return;
	}
	if (!ready && account_init(&acc, &app->cfg, &app->policy, app->db,
	    &app->users) != SVC_OK) {
		app_refuse(req, SVC_NOMEM);
		return;
	}
	ready = 1;
	if (app_body(req, 1, &body))
		return;
	username = app_string(body, "username", &ulen, &f);
	password = app_string(body, "password", &plen, &f);
	if (!app_fields_bad(req, &f))
		login(app, &acc, req, username, ulen, password, plen);
	app_body_free(body);
}

int
main(void)
{
	static struct app app;

	return app_main(&app, "login", handle);
}
