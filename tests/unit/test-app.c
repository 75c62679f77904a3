/*
 * test-app.c: the body and field checks that every endpoint shares,
 * and their 400, 413, 422, 401, 500 and 503 answers.  A struct req is
 * filled by hand and its response written as plain CGI to a temporary
 * file, which is then taken apart.  Needs no database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "app.h"
#include "log.h"
#include "req.h"
#include "resp.h"
#include "tap.h"

static struct req	 req;	/* 16 KiB: not on the stack */

/* One response as written. */
struct out {
	int		 status;	/* from the Status line; 0: none */
	int		 json_ct;	/* Content-Type: application/json */
	int		 length_ok;	/* Content-Length is the body's */
	size_t		 len;		/* bytes written */
	char		 raw[8192];
	const char	*body;		/* into raw, after the blank line */
	struct json_object *json;	/* the body parsed, or NULL */
};

/* A fresh POST request with body and ctype, answering into a tmpfile. */
static void
setup(enum req_ctype ctype, const char *body, size_t len)
{
	memset(&req, 0, sizeof(req));
	req.cgi = 1;
	req.cgi_in = NULL;
	req.cgi_out = tmpfile();
	req.method = REQ_POST;
	req.ctype = ctype;
	req.user_id = -1;
	if (body != NULL) {
		if (len == 0)
			len = strlen(body);
		if (len > REQ_BODY_MAX)
			len = REQ_BODY_MAX;
		memcpy(req.body, body, len);
		req.body[len] = '\0';
		req.body_len = len;
	}
}

/* Reads back what was written, and closes the file. */
static void
collect(struct out *o)
{
	const char *p, *cl;
	size_t n;

	memset(o, 0, sizeof(*o));
	if (req.cgi_out == NULL)
		return;
	fflush(req.cgi_out);
	rewind(req.cgi_out);
	n = fread(o->raw, 1, sizeof(o->raw) - 1, req.cgi_out);
	o->raw[n] = '\0';
	o->len = n;
	fclose(req.cgi_out);
	req.cgi_out = NULL;
	if (n == 0)
		return;
	if (strncmp(o->raw, "Status: ", 8) == 0)
		o->status = atoi(o->raw + 8);
	if ((p = strstr(o->raw, "\r\n\r\n")) == NULL)
		return;
	o->body = p + 4;
	o->json_ct = strstr(o->raw, "\r\nContent-Type: application/json\r\n")
	    != NULL && strstr(o->raw, "\r\nContent-Type: application/json\r\n")
	    < p;
	if ((cl = strstr(o->raw, "\r\nContent-Length: ")) != NULL && cl < p)
		o->length_ok = (size_t)atol(cl + 18) == strlen(o->body);
	o->json = json_tokener_parse(o->body);
}

static void
done(struct out *o)
{
	json_object_put(o->json);
	o->json = NULL;
}

/* The "detail" member when it is a string, else NULL. */
static const char *
detail_str(const struct out *o)
{
	struct json_object *d;

	if (o->json == NULL ||
	    !json_object_object_get_ex(o->json, "detail", &d) ||
	    !json_object_is_type(d, json_type_string))
		return NULL;
	return json_object_get_string(d);
}

/* The detail list of a 422, or NULL. */
static struct json_object *
detail_list(const struct out *o)
{
	struct json_object *d;

	if (o->json == NULL ||
	    !json_object_object_get_ex(o->json, "detail", &d) ||
	    !json_object_is_type(d, json_type_array))
		return NULL;
	return d;
}

/*
 * Whether item i of the 422 list is {type, loc: ["body"(, field)],
 * msg} exactly.
 */
static int
problem_is(const struct out *o, size_t i, const char *type,
    const char *field, const char *msg)
{
	struct json_object *list, *it, *v, *loc;
	size_t nloc = field == NULL ? 1 : 2;

	if ((list = detail_list(o)) == NULL ||
	    i >= json_object_array_length(list))
		return 0;
	it = json_object_array_get_idx(list, i);
	if (!json_object_is_type(it, json_type_object) ||
	    json_object_object_length(it) != 3)
		return 0;
	if (!json_object_object_get_ex(it, "type", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), type) != 0)
		return 0;
	if (!json_object_object_get_ex(it, "msg", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), msg) != 0)
		return 0;
	if (!json_object_object_get_ex(it, "loc", &loc) ||
	    !json_object_is_type(loc, json_type_array) ||
	    json_object_array_length(loc) != nloc)
		return 0;
	v = json_object_array_get_idx(loc, 0);
	if (!json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "body") != 0)
		return 0;
	if (field != NULL) {
		v = json_object_array_get_idx(loc, 1);
		if (!json_object_is_type(v, json_type_string) ||
		    strcmp(json_object_get_string(v), field) != 0)
			return 0;
	}
	return 1;
}

static size_t
nproblems(const struct out *o)
{
	struct json_object *list = detail_list(o);

	return list == NULL ? (size_t)-1 : json_object_array_length(list);
}

/*
 * app_body
 * ========
 */

struct body_case {
	const char	*name;
	int		 form;		/* app_body's form argument */
	enum req_ctype	 ctype;
	const char	*body;
	int		 toobig, error;
	int		 status;	/* 0: accepted */
	const char	*detail;	/* string detail, or NULL */
};

static const struct body_case body_cases[] = {
	{ "too big", 0, REQ_CT_JSON, "{}", 1, 0, 413,
	    "Request body too large" },
	{ "too big wins over a read error", 0, REQ_CT_JSON, "{}", 1, 1, 413,
	    "Request body too large" },
	{ "too big, form", 1, REQ_CT_FORM, "a=b", 1, 0, 413,
	    "Request body too large" },
	{ "read error", 0, REQ_CT_JSON, "{}", 0, 1, 400,
	    "Could not read the request body" },
	{ "empty body", 0, REQ_CT_JSON, "", 0, 0, 400,
	    "Cannot parse request body" },
	{ "empty body, form allowed but JSON type", 1, REQ_CT_JSON, "", 0, 0,
	    400, "Cannot parse request body" },
	{ "not JSON", 0, REQ_CT_JSON, "hello", 0, 0, 400,
	    "Cannot parse request body" },
	{ "unterminated JSON", 0, REQ_CT_JSON, "{\"username\": \"a\"", 0, 0,
	    400, "Cannot parse request body" },
	{ "trailing bytes", 0, REQ_CT_JSON, "{} {}", 0, 0, 400,
	    "Cannot parse request body" },
	{ "invalid UTF-8", 0, REQ_CT_JSON, "{\"username\": \"\xff\"}", 0, 0,
	    400, "Cannot parse request body" },
	{ "form body when form = 0", 0, REQ_CT_FORM,
	    "username=alice&password=x", 0, 0, 400,
	    "Cannot parse request body" },
	{ "form body with a JSON type", 1, REQ_CT_JSON,
	    "username=alice&password=x", 0, 0, 400,
	    "Cannot parse request body" },
	{ "form body without a type", 1, REQ_CT_NONE,
	    "username=alice&password=x", 0, 0, 400,
	    "Cannot parse request body" },
	{ "form, bad escape", 1, REQ_CT_FORM, "username=%zz", 0, 0, 400,
	    "Cannot parse request body" },
	{ "form, invalid UTF-8", 1, REQ_CT_FORM, "username=%ff", 0, 0, 400,
	    "Cannot parse request body" },
	{ "JSON object", 0, REQ_CT_JSON, "{\"username\": \"a\"}", 0, 0, 0,
	    NULL },
	{ "JSON object without a type", 0, REQ_CT_NONE, "{}", 0, 0, 0, NULL },
	{ "JSON object with another type", 0, REQ_CT_OTHER, "{}", 0, 0, 0,
	    NULL },
	{ "JSON object, form allowed", 1, REQ_CT_JSON, "{\"a\": 1}", 0, 0, 0,
	    NULL },
	{ "form, form allowed", 1, REQ_CT_FORM, "username=alice&password=x",
	    0, 0, 0, NULL },
	{ "empty form", 1, REQ_CT_FORM, "", 0, 0, 0, NULL },
};

static void
test_body_cases(void)
{
	const struct body_case *c;
	struct json_object *obj;
	struct out o;
	size_t i;
	int r;

	for (i = 0; i < sizeof(body_cases) / sizeof(body_cases[0]); i++) {
		c = &body_cases[i];
		setup(c->ctype, c->body, 0);
		req.body_toobig = c->toobig;
		req.body_error = c->error;
		obj = (struct json_object *)&obj;	/* must be reset */
		r = app_body(&req, c->form, &obj);
		collect(&o);
		if (c->status == 0) {
			is_int(r, 0, c->name);
			ok(obj != NULL && json_object_is_type(obj,
			    json_type_object), "%s: an object", c->name);
			is_int(o.len, 0, "nothing written");
			json_object_put(obj);
		} else {
			ok(r != 0, "%s: refused", c->name);
			ok(obj == NULL, "%s: *obj is NULL", c->name);
			is_int(o.status, c->status, c->name);
			is_int(req.status, c->status, "req.status recorded");
			ok(o.json_ct && o.length_ok,
			    "%s: JSON type and length", c->name);
			ok(detail_str(&o) != NULL &&
			    strcmp(detail_str(&o), c->detail) == 0,
			    "%s: detail \"%s\"", c->name, c->detail);
		}
		done(&o);
	}
}

static void
test_not_object(void)
{
	static const char *const bodies[] = {
		"[1, 2]", "[]", "\"alice\"", "42", "true", "null",
		"[{\"username\": \"a\"}]"
	};
	struct json_object *obj;
	struct out o;
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		setup(REQ_CT_JSON, bodies[i], 0);
		ok(app_body(&req, 0, &obj) != 0, "%s: refused", bodies[i]);
		ok(obj == NULL, "%s: *obj is NULL", bodies[i]);
		collect(&o);
		is_int(o.status, 422, bodies[i]);
		ok(o.json_ct && o.length_ok, "%s: JSON type and length",
		    bodies[i]);
		is_int(nproblems(&o), 1, "one problem");
		ok(problem_is(&o, 0, "model_attributes_type", NULL,
		    "Input should be a valid dictionary or object to "
		    "extract fields from"),
		    "%s: model_attributes_type at [\"body\"]", bodies[i]);
		done(&o);
	}
}

static void
test_form_values(void)
{
	struct json_object *obj, *v;
	struct out o;

	setup(REQ_CT_FORM, "username=al%20ice&password=p%26w+d&x=1", 0);
	if (!is_int(app_body(&req, 1, &obj), 0, "form with escapes: OK")) {
		collect(&o);
		done(&o);
		return;
	}
	collect(&o);
	ok(json_object_object_get_ex(obj, "username", &v) &&
	    strcmp(json_object_get_string(v), "al ice") == 0,
	    "form: %%20 decoded");
	ok(json_object_object_get_ex(obj, "password", &v) &&
	    strcmp(json_object_get_string(v), "p&w d") == 0,
	    "form: %%26 and + decoded");
	json_object_put(obj);
	done(&o);
}

/*
 * app_string, app_fields_bad
 * ==========================
 */

static char ubuf[256], pbuf[256];

/* Parses body, runs app_string on both login fields, answers. */
static int
fields(const char *body, const char **user, const char **pass,
    struct app_fields *f, struct out *o)
{
	struct json_object *obj;
	size_t ulen, plen;
	int r;

	setup(REQ_CT_JSON, body, 0);
	memset(f, 0, sizeof(*f));
	*user = *pass = NULL;
	if (app_body(&req, 0, &obj) != 0) {
		collect(o);
		return -1;
	}
	*user = app_string(obj, "username", &ulen, f);
	*pass = app_string(obj, "password", &plen, f);
	r = app_fields_bad(&req, f);
	collect(o);
	/* The strings live in obj: copy them before it goes. */
	if (*user != NULL) {
		snprintf(ubuf, sizeof(ubuf), "%s", *user);
		*user = ubuf;
	}
	if (*pass != NULL) {
		snprintf(pbuf, sizeof(pbuf), "%s", *pass);
		*pass = pbuf;
	}
	json_object_put(obj);
	return r;
}

static void
test_fields(void)
{
	struct app_fields f;
	const char *u, *p;
	struct out o;

	is_int(fields("{\"username\": \"alice\", \"password\": \"secret\"}",
	    &u, &p, &f, &o), 0, "both strings: not bad");
	ok(u != NULL && strcmp(u, "alice") == 0, "username read");
	ok(p != NULL && strcmp(p, "secret") == 0, "password read");
	is_int(f.n, 0, "no problems");
	is_int(o.len, 0, "nothing written");
	done(&o);

	is_int(fields("{\"username\": \"alice\", \"password\": \"secret\", "
	    "\"extra\": [1]}", &u, &p, &f, &o), 0,
	    "an unknown field is ignored");
	done(&o);

	is_int(fields("{\"username\": \"\", \"password\": \"\"}", &u, &p, &f,
	    &o), 0, "empty strings are strings");
	ok(u != NULL && p != NULL && *u == '\0' && *p == '\0',
	    "empty strings read");
	done(&o);

	is_int(fields("{}", &u, &p, &f, &o), 1, "both missing: bad");
	ok(u == NULL && p == NULL, "both missing: NULL");
	is_int(o.status, 422, "both missing: 422");
	ok(o.json_ct && o.length_ok, "both missing: JSON type and length");
	is_int(nproblems(&o), 2, "both missing: two problems");
	ok(problem_is(&o, 0, "missing", "username", "Field required"),
	    "missing username at [\"body\", \"username\"]");
	ok(problem_is(&o, 1, "missing", "password", "Field required"),
	    "missing password at [\"body\", \"password\"]");
	done(&o);

	is_int(fields("{\"username\": \"alice\"}", &u, &p, &f, &o), 1,
	    "password missing: bad");
	ok(u != NULL && p == NULL, "password missing: username still read");
	is_int(nproblems(&o), 1, "password missing: one problem");
	ok(problem_is(&o, 0, "missing", "password", "Field required"),
	    "password missing: its loc");
	done(&o);

	is_int(fields("{\"username\": 5, \"password\": \"secret\"}", &u, &p,
	    &f, &o), 1, "number username: bad");
	is_int(o.status, 422, "number username: 422");
	is_int(nproblems(&o), 1, "number username: one problem");
	ok(problem_is(&o, 0, "string_type", "username",
	    "Input should be a valid string"),
	    "number username: string_type at [\"body\", \"username\"]");
	done(&o);

	is_int(fields("{\"username\": null, \"password\": [\"x\"]}", &u, &p,
	    &f, &o), 1, "null and array: bad");
	is_int(nproblems(&o), 2, "null and array: two problems");
	ok(problem_is(&o, 0, "string_type", "username",
	    "Input should be a valid string"), "null is string_type");
	ok(problem_is(&o, 1, "string_type", "password",
	    "Input should be a valid string"), "array is string_type");
	done(&o);

	is_int(fields("{\"username\": true, \"password\": {}}", &u, &p, &f,
	    &o), 1, "bool and object: bad");
	ok(problem_is(&o, 0, "string_type", "username",
	    "Input should be a valid string") &&
	    problem_is(&o, 1, "string_type", "password",
	    "Input should be a valid string"),
	    "bool and object are string_type");
	done(&o);

	is_int(fields("{\"password\": 1.5}", &u, &p, &f, &o), 1,
	    "missing and wrong type: bad");
	ok(problem_is(&o, 0, "missing", "username", "Field required") &&
	    problem_is(&o, 1, "string_type", "password",
	    "Input should be a valid string"),
	    "missing and string_type in field order");
	done(&o);

	/* Form bodies go through the same checks. */
	{
		struct json_object *obj;
		size_t len;

		setup(REQ_CT_FORM, "username=alice", 0);
		memset(&f, 0, sizeof(f));
		ok(app_body(&req, 1, &obj) == 0, "form, password missing: "
		    "parsed");
		ok(app_string(obj, "username", &len, &f) != NULL && len == 5,
		    "form: username read, with its length");
		ok(app_string(obj, "password", &len, &f) == NULL,
		    "form: password missing");
		is_int(app_fields_bad(&req, &f), 1, "form: bad");
		collect(&o);
		is_int(o.status, 422, "form, password missing: 422");
		ok(problem_is(&o, 0, "missing", "password", "Field required"),
		    "form, password missing: its loc");
		json_object_put(obj);
		done(&o);
	}
}

static void
test_fields_full(void)
{
	static const char *const names[] = {
		"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9"
	};
	struct json_object *obj;
	struct app_fields f;
	struct out o;
	size_t i, len;

	setup(REQ_CT_JSON, "{}", 0);
	memset(&f, 0, sizeof(f));
	if (app_body(&req, 0, &obj) != 0) {
		ok(0, "{} parses");
		collect(&o);
		done(&o);
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ok(app_string(obj, names[i], &len, &f) == NULL, "%s missing",
		    names[i]);
	is_int(f.n, APP_PROBLEMS_MAX, "problems stop at APP_PROBLEMS_MAX");
	is_int(app_fields_bad(&req, &f), 1, "full: bad");
	collect(&o);
	is_int(nproblems(&o), APP_PROBLEMS_MAX,
	    "full: APP_PROBLEMS_MAX items in the 422");
	ok(problem_is(&o, APP_PROBLEMS_MAX - 1, "missing", "f7",
	    "Field required"), "full: the last one kept is f7");
	json_object_put(obj);
	done(&o);

	setup(REQ_CT_JSON, "{}", 0);
	memset(&f, 0, sizeof(f));
	is_int(app_fields_bad(&req, &f), 0, "no problems: not bad");
	collect(&o);
	is_int(o.len, 0, "no problems: nothing written");
	done(&o);
}

/*
 * app_unavailable, app_refuse
 * ===========================
 */

static void
test_refuse(void)
{
	static const struct {
		enum svc_err	 rc;
		int		 status;
		const char	*detail;
	} cases[] = {
		{ SVC_DB, 503, "Service unavailable" },
		{ SVC_NOMEM, 500, "Internal server error" },
		{ SVC_CRYPTO, 500, "Internal server error" },
		{ SVC_TOOBIG, 500, "Internal server error" },
		{ SVC_DENIED, 401, "Unauthorized" },
		{ SVC_NOTFOUND, 401, "Unauthorized" },
		{ SVC_BADINPUT, 401, "Unauthorized" },
	};
	struct out o;
	size_t i;

	setup(REQ_CT_NONE, NULL, 0);
	app_unavailable(&req);
	collect(&o);
	is_int(o.status, 503, "app_unavailable: 503");
	ok(o.json_ct && o.length_ok, "app_unavailable: JSON");
	ok(detail_str(&o) != NULL &&
	    strcmp(detail_str(&o), "Service unavailable") == 0,
	    "app_unavailable: detail");
	done(&o);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(REQ_CT_NONE, NULL, 0);
		app_refuse(&req, cases[i].rc);
		collect(&o);
		ok(o.status == cases[i].status && o.json_ct && o.length_ok &&
		    detail_str(&o) != NULL &&
		    strcmp(detail_str(&o), cases[i].detail) == 0,
		    "app_refuse(%s): %d \"%s\"", svc_strerror(cases[i].rc),
		    cases[i].status, cases[i].detail);
		done(&o);
	}
}

/* A body of exactly REQ_BODY_MAX bytes is still read. */
static void
test_big_ok(void)
{
	static char big[REQ_BODY_MAX + 1];
	struct json_object *obj;
	struct out o;
	size_t n;

	n = (size_t)snprintf(big, sizeof(big), "{\"username\": \"");
	memset(big + n, 'a', REQ_BODY_MAX - n - 2);
	memcpy(big + REQ_BODY_MAX - 2, "\"}", 2);
	big[REQ_BODY_MAX] = '\0';
	setup(REQ_CT_JSON, big, REQ_BODY_MAX);
	is_int(app_body(&req, 0, &obj), 0, "a body of exactly 16 KiB: OK");
	collect(&o);
	json_object_put(obj);
	done(&o);
}

/*
 * Issue 13, 6: every body is freed by app_body_free, which wipes the
 * string values json-c holds (nested ones too) before json-c frees
 * them.  A reference held here keeps the object alive after the call,
 * so that its bytes can be looked at.
 */
static void
test_body_wiped(void)
{
	static const char body[] = "{\"username\": \"alice\", "
	    "\"password\": \"hunter2hunter2\", \"x\": [{\"y\": \"tok3n\"}]}";
	struct json_object *obj;
	const char *pw, *y;
	size_t len;
	struct app_fields f = { 0 };
	struct out o;

	setup(REQ_CT_JSON, body, 0);
	if (!is_int(app_body(&req, 0, &obj), 0, "wipe: body parses")) {
		collect(&o);
		done(&o);
		return;
	}
	collect(&o);
	done(&o);
	pw = app_string(obj, "password", &len, &f);
	y = json_object_get_string(json_object_object_get(
	    json_object_array_get_idx(json_object_object_get(obj, "x"), 0),
	    "y"));
	json_object_get(obj);
	app_body_free(obj);
	ok(pw != NULL && len == 14 && memcmp(pw, "hunter2hunter2", 14) != 0 &&
	    memchr(pw, 'h', len) == NULL, "wipe: the password's bytes are gone");
	ok(y != NULL && memchr(y, 't', 5) == NULL && memchr(y, 'k', 5) == NULL,
	    "wipe: a nested string's bytes are gone");
	json_object_put(obj);
	app_body_free(NULL);
}

int
main(void)
{
	log_init("test-app");
	test_body_wiped();
	test_body_cases();
	test_not_object();
	test_form_values();
	test_fields();
	test_fields_full();
	test_refuse();
	test_big_ok();
	return tap_done();
}
