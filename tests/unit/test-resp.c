/*
 * test-resp.c: the exact bytes of every response, through a plain CGI
 * request whose output goes to a temporary file.  Each response is
 * also checked generically: its status line, a Content-Length equal to
 * the body's length, and a body that json-c parses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "log.h"
#include "req.h"
#include "resp.h"
#include "tap.h"

static struct req	 r;
static char		 out[65536];
static int		 warnings;

/* Counts log lines instead of printing them among the TAP lines. */
static void
count_warning(void *arg, const char *line, size_t len)
{
	(void)arg;
	(void)line;
	(void)len;
	warnings++;
}

static void
fresh(enum req_method method)
{
	if (r.cgi_out != NULL)
		fclose(r.cgi_out);
	memset(&r, 0, sizeof(r));
	r.cgi = 1;
	r.method = method;
	r.user_id = -1;
	r.cgi_out = tmpfile();
}

/* What the last response wrote. */
static const char *
written(void)
{
	size_t	 n;

	fflush(r.cgi_out);
	rewind(r.cgi_out);
	n = fread(out, 1, sizeof(out) - 1, r.cgi_out);
	out[n] = '\0';
	return out;
}

/*
 * The generic checks on a response s: status line, Content-Length
 * equal to the body's length, and a JSON object body with "detail"
 * for errors.  For HEAD the body must be absent.  Returns 1 when fine.
 */
static int
well_formed(const char *s, int status, int head)
{
	struct json_object	*o, *d;
	const char		*body, *cl;
	char			 line[64];
	size_t			 len;
	int			 fine;

	snprintf(line, sizeof(line), "Status: %d ", status);
	if (strncmp(s, line, strlen(line)) != 0 ||
	    (body = strstr(s, "\r\n\r\n")) == NULL)
		return 0;
	body += 4;
	cl = strstr(s, "\r\nContent-Length: ");
	if (status == 204)
		return cl == NULL && *body == '\0' &&
		    strstr(s, "Content-Type") == NULL;
	if (cl == NULL || cl > body ||
	    sscanf(cl, "\r\nContent-Length: %zu\r\n", &len) != 1)
		return 0;
	if (head)
		return *body == '\0';
	if (strlen(body) != len)
		return 0;
	if ((o = json_tokener_parse(body)) == NULL)
		return 0;
	fine = json_object_is_type(o, json_type_object) &&
	    (status < 400 || json_object_object_get_ex(o, "detail", &d));
	json_object_put(o);
	return fine;
}

static void
test_json(void)
{
	static const char	 body[] = "{\"access_token\": \"a.b.c\"}";
	enum svc_err		 rc;

	fresh(REQ_POST);
	rc = resp_json(&r, 200, "Cache-Control: no-store\r\n", body,
	    strlen(body));
	is_int(rc, SVC_OK, "resp_json 200: returns SVC_OK");
	ok(strcmp(written(), "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Cache-Control: no-store\r\n"
	    "Content-Length: 25\r\n"
	    "\r\n"
	    "{\"access_token\": \"a.b.c\"}") == 0, "resp_json 200: bytes");
	ok(well_formed(out, 200, 0), "resp_json 200: well formed");
	is_int(r.status, 200, "resp_json 200: status recorded");

	fresh(REQ_POST);
	resp_json(&r, 201, NULL, "{\"id\": 2}", 9);
	ok(strcmp(written(), "Status: 201 Created\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 9\r\n"
	    "\r\n"
	    "{\"id\": 2}") == 0, "resp_json 201: bytes, no extra headers");
	is_int(r.status, 201, "resp_json 201: status recorded");

	fresh(REQ_POST);
	resp_json(&r, 429, "Retry-After: 900\r\nX-A: b\r\n",
	    "{\"detail\": \"Too many attempts\"}", 31);
	ok(strcmp(written(), "Status: 429 Too Many Requests\r\n"
	    "Content-Type: application/json\r\n"
	    "Retry-After: 900\r\nX-A: b\r\n"
	    "Content-Length: 31\r\n"
	    "\r\n"
	    "{\"detail\": \"Too many attempts\"}") == 0,
	    "resp_json 429: two extra header lines");
	ok(well_formed(out, 429, 0), "resp_json 429: well formed");

	fresh(REQ_POST);
	resp_json(&r, 204, NULL, "{}", 2);
	ok(strcmp(written(), "Status: 204 No Content\r\n\r\n") == 0,
	    "resp_json 204: body dropped");
}

static void
test_error(void)
{
	static const char	 want[] = "Status: 401 Unauthorized\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 33\r\n"
	    "\r\n"
	    "{\"detail\": \"Invalid credentials\"}";
	struct json_object	*o, *d;

	fresh(REQ_POST);
	resp_error(&r, 401, "Invalid credentials");
	ok(strcmp(written(), want) == 0, "resp_error 401: bytes");
	ok(well_formed(out, 401, 0), "resp_error 401: well formed");
	is_int(r.status, 401, "resp_error: status recorded");

	fresh(REQ_POST);
	resp_error(&r, 503, "Service unavailable");
	ok(strcmp(written(), "Status: 503 Service Unavailable\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 33\r\n"
	    "\r\n"
	    "{\"detail\": \"Service unavailable\"}") == 0,
	    "resp_error 503: bytes");

	fresh(REQ_POST);
	resp_error(&r, 400, "a\"b\\c\x01\n/");
	ok(strcmp(strstr(written(), "\r\n\r\n") + 4,
	    "{\"detail\": \"a\\\"b\\\\c\\u0001\\u000a/\"}") == 0,
	    "resp_error: quote, backslash and controls escaped");
	ok(well_formed(out, 400, 0), "resp_error: escaped body well formed");
	o = json_tokener_parse(strstr(out, "\r\n\r\n") + 4);
	ok(o != NULL && json_object_object_get_ex(o, "detail", &d) &&
	    strcmp(json_object_get_string(d), "a\"b\\c\x01\n/") == 0,
	    "resp_error: escaped detail round-trips");
	json_object_put(o);

	fresh(REQ_HEAD);
	resp_error(&r, 404, "Not Found");
	ok(strcmp(written(), "Status: 404 Not Found\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 23\r\n"
	    "\r\n") == 0, "HEAD: length announced, no body (RFC 3875 4.3.2)");
	ok(well_formed(out, 404, 1), "HEAD: well formed");
}

static void
test_reasons(void)
{
	static const struct {
		int		 code;
		const char	*line;
	} t[] = {
		{ 200, "Status: 200 OK\r\n" },
		{ 201, "Status: 201 Created\r\n" },
		{ 400, "Status: 400 Bad Request\r\n" },
		{ 401, "Status: 401 Unauthorized\r\n" },
		{ 403, "Status: 403 Forbidden\r\n" },
		{ 404, "Status: 404 Not Found\r\n" },
		{ 405, "Status: 405 Method Not Allowed\r\n" },
		{ 409, "Status: 409 Conflict\r\n" },
		{ 413, "Status: 413 Content Too Large\r\n" },
		{ 415, "Status: 415 Unsupported Media Type\r\n" },
		{ 422, "Status: 422 Unprocessable Content\r\n" },
		{ 429, "Status: 429 Too Many Requests\r\n" },
		{ 500, "Status: 500 Internal Server Error\r\n" },
		{ 503, "Status: 503 Service Unavailable\r\n" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fresh(REQ_POST);
		resp_error(&r, t[i].code, "x");
		ok(strncmp(written(), t[i].line, strlen(t[i].line)) == 0 &&
		    well_formed(out, t[i].code, 0) && r.status == t[i].code,
		    "status line %d", t[i].code);
	}
}

static void
test_method(void)
{
	fresh(REQ_GET);
	resp_method(&r, "POST");
	ok(strcmp(written(), "Status: 405 Method Not Allowed\r\n"
	    "Content-Type: application/json\r\n"
	    "Allow: POST\r\n"
	    "Content-Length: 32\r\n"
	    "\r\n"
	    "{\"detail\": \"Method Not Allowed\"}") == 0, "resp_method: bytes");
	ok(well_formed(out, 405, 0), "resp_method: well formed");
	is_int(r.status, 405, "resp_method: status recorded");

	fresh(REQ_OTHER);
	resp_method(&r, "GET, HEAD");
	ok(strstr(written(), "\r\nAllow: GET, HEAD\r\n") != NULL,
	    "resp_method: list of methods");

	fresh(REQ_OTHER);
	resp_method(&r, "POST\r\nSet-Cookie: x=1");
	ok(strncmp(written(), "Status: 500 ", 12) == 0 &&
	    strstr(out, "Set-Cookie") == NULL && r.status == 500 &&
	    warnings == 1,
	    "resp_method: CRLF in allow refused (CWE-113)");
}

static void
test_unauthorized(void)
{
	fresh(REQ_GET);
	resp_unauthorized(&r, 0);
	ok(strcmp(written(), "Status: 401 Unauthorized\r\n"
	    "Content-Type: application/json\r\n"
	    "WWW-Authenticate: Bearer realm=\"api\"\r\n"
	    "Content-Length: 26\r\n"
	    "\r\n"
	    "{\"detail\": \"Unauthorized\"}") == 0,
	    "resp_unauthorized, no token: bytes");
	ok(well_formed(out, 401, 0), "resp_unauthorized: well formed");
	is_int(r.status, 401, "resp_unauthorized: status recorded");

	fresh(REQ_GET);
	resp_unauthorized(&r, 1);
	ok(strcmp(written(), "Status: 401 Unauthorized\r\n"
	    "Content-Type: application/json\r\n"
	    "WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\"\r\n"
	    "Content-Length: 26\r\n"
	    "\r\n"
	    "{\"detail\": \"Unauthorized\"}") == 0,
	    "resp_unauthorized, token sent: error=\"invalid_token\"");
}

static void
test_unprocessable(void)
{
	static const struct resp_problem	 p[] = {
		{ "missing", "username", "Field required" },
		{ "string_type", NULL, "Input should be a valid string" },
		{ "value_error", "pass\"word", "Bad \\ value" },
	};
	struct json_object	*o, *d, *loc;

	fresh(REQ_POST);
	resp_unprocessable(&r, p, 1);
	ok(strcmp(written(), "Status: 422 Unprocessable Content\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 87\r\n"
	    "\r\n"
	    "{\"detail\": [{\"type\": \"missing\", \"loc\": [\"body\", "
	    "\"username\"], \"msg\": \"Field required\"}]}") == 0,
	    "resp_unprocessable, one item: bytes (Ninja's shape)");
	ok(well_formed(out, 422, 0), "resp_unprocessable: well formed");
	is_int(r.status, 422, "resp_unprocessable: status recorded");

	fresh(REQ_POST);
	resp_unprocessable(&r, p, 3);
	ok(strcmp(strstr(written(), "\r\n\r\n") + 4,
	    "{\"detail\": [{\"type\": \"missing\", \"loc\": [\"body\", "
	    "\"username\"], \"msg\": \"Field required\"}, "
	    "{\"type\": \"string_type\", \"loc\": [\"body\"], "
	    "\"msg\": \"Input should be a valid string\"}, "
	    "{\"type\": \"value_error\", \"loc\": [\"body\", "
	    "\"pass\\\"word\"], \"msg\": \"Bad \\\\ value\"}]}") == 0,
	    "resp_unprocessable, three items: bytes");
	ok(well_formed(out, 422, 0), "resp_unprocessable, three: well formed");
	o = json_tokener_parse(strstr(out, "\r\n\r\n") + 4);
	ok(o != NULL && json_object_object_get_ex(o, "detail", &d) &&
	    json_object_array_length(d) == 3 &&
	    json_object_object_get_ex(json_object_array_get_idx(d, 1),
	    "loc", &loc) && json_object_array_length(loc) == 1 &&
	    json_object_object_get_ex(json_object_array_get_idx(d, 2),
	    "loc", &loc) && strcmp(json_object_get_string(
	    json_object_array_get_idx(loc, 1)), "pass\"word") == 0,
	    "resp_unprocessable: loc arrays parse back");
	json_object_put(o);

	fresh(REQ_POST);
	resp_unprocessable(&r, NULL, 0);
	ok(strcmp(strstr(written(), "\r\n\r\n") + 4, "{\"detail\": []}") == 0,
	    "resp_unprocessable, no items: empty list");
}

static void
test_no_content(void)
{
	fresh(REQ_POST);
	resp_no_content(&r);
	ok(strcmp(written(), "Status: 204 No Content\r\n\r\n") == 0,
	    "resp_no_content: bytes");
	ok(well_formed(out, 204, 0), "resp_no_content: no type, no length");
	is_int(r.status, 204, "resp_no_content: status recorded");
}

static void
test_refused(void)
{
	static const char	*bad[] = {
		"X-A: b",		/* no CRLF */
		"X-A: b\n",		/* bare LF */
		"X-A: b\r",		/* bare CR */
		"X-A: b\rX-B: c\r\n",
		"\r\n",			/* an empty line ends the header */
		"X-A: b\r\n\r\n",
		"X-A: b\r\n\r\n{}",
		"",
	};
	static const char	 fallback[] = "Status: 500 Internal Server "
	    "Error\r\nContent-Type: application/json\r\n"
	    "Content-Length: 35\r\n\r\n"
	    "{\"detail\": \"Internal Server Error\"}";
	enum svc_err		 rc;
	size_t			 i;

	warnings = 0;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fresh(REQ_POST);
		rc = resp_json(&r, 200, bad[i], "{}", 2);
		ok(rc == SVC_OK && strcmp(written(), fallback) == 0 &&
		    r.status == 500, "bad header lines %zu: 500 instead", i);
	}
	is_int(warnings, i, "bad header lines: one warning each");
	ok(well_formed(out, 500, 0), "fallback 500: well formed");

	fresh(REQ_POST);
	resp_json(&r, 299, NULL, "{}", 2);
	ok(strcmp(written(), fallback) == 0 && r.status == 500,
	    "unknown status: 500 instead");

	fresh(REQ_POST);
	fclose(r.cgi_out);
	r.cgi_out = fopen("/dev/null", "r");
	rc = resp_error(&r, 400, "x");
	is_int(rc, SVC_IO, "failed write: SVC_IO");
	is_int(r.status, 400, "failed write: status still recorded");
}

int
main(void)
{
	log_set_sink(count_warning, NULL);
	test_json();
	test_error();
	test_reasons();
	test_method();
	test_unauthorized();
	test_unprocessable();
	test_no_content();
	test_refused();
	if (r.cgi_out != NULL)
		fclose(r.cgi_out);
	return tap_done();
}
