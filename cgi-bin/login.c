/*
 * login: POST {"username", "password"} (JSON or form fields)
 * -> 200 a token pair, 401 for any bad credentials.
 */
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "account.h"
#include "app.h"

static void
login(struct app *app, struct req *req, const char *username,
    const char *password)
{
	struct tokens_pair pair;
	struct user u;
	enum svc_err rc;

	rc = account_login(&app->users, &app->cfg, &app->policy, username,
	    password, strlen(password), &u);
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

	if (req->method != REQ_POST) {
		resp_method(req, "POST");
		return;
	}
	if (app_body(req, 1, &body))
		return;
	username = app_string(body, "username", &f);
	password = app_string(body, "password", &f);
	if (!app_fields_bad(req, &f))
		login(app, req, username, password);
	json_object_put(body);
}

int
main(void)
{
	static struct app app;

	return app_main(&app, "login", handle);
}
