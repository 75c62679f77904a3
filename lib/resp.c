/*
 * resp.c: every response, built whole in one buffer and sent with one
 * req_write(): a CGI response (RFC 3875, 6) of a Status header field,
 * Content-Type, any extra fields, Content-Length, a blank line and the
 * JSON body.  Bodies follow Django Ninja's spelling (Python's
 * json.dumps: ", " and ": " separators) so that clients of either
 * implementation see the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "req.h"
#include "resp.h"

/* RFC 9110, 15: the reason phrases of the statuses we send. */
static const struct {
	int		 code;
	const char	*reason;
} resp_reasons[] = {
	{ 200, "OK" },
	{ 201, "Created" },
	{ 204, "No Content" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 409, "Conflict" },
	{ 413, "Content Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 422, "Unprocessable Content" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
};

/*
 * Sent when even building a response fails (no memory): a fixed
 * string, so that the client still gets JSON and never the web
 * server's HTML error page.
 */
static const char resp_fallback[] =
    "Status: 500 Internal Server Error\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 35\r\n"
    "\r\n"
    "{\"detail\": \"Internal Server Error\"}";

static const char *
resp_reason(int status)
{
	size_t	 i;

	for (i = 0; i < sizeof(resp_reasons) / sizeof(resp_reasons[0]); i++)
		if (resp_reasons[i].code == status)
			return resp_reasons[i].reason;
	return NULL;
}

/*
 * Buffers
 * =======
 *
 * A growing buffer that remembers a failed allocation, so builders
 * can append without checking each step and test once at the end.
 * It starts in its own inline storage, which holds every response of
 * the contract but the largest 422 lists: the usual request allocates
 * nothing here.
 */
#define RESP_INLINE	2048

struct resp_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 failed;
	char	 inl[RESP_INLINE];
};

static void
resp_buf_init(struct resp_buf *b)
{
	b->p = b->inl;
	b->len = 0;
	b->cap = sizeof(b->inl);
	b->failed = 0;
}

static void
resp_buf_free(struct resp_buf *b)
{
	if (b->p != b->inl)
		free(b->p);
	b->p = b->inl;
}

/*
 * Room for n more bytes at the end of b: where to write them, or NULL
 * (and b->failed) when there is none.  The caller adds n to b->len.
 */
static char *
resp_room(struct resp_buf *b, size_t n)
{
	size_t	 cap;
	char	*p;

	if (b->failed)
		return NULL;
	if (n > b->cap - b->len) {
		cap = b->cap == 0 ? 256 : b->cap;
		while (n > cap - b->len) {
			if (cap > (size_t)-1 / 2) {
				b->failed = 1;
				return NULL;
			}
			cap *= 2;
		}
		if (b->p == b->inl) {
			if ((p = malloc(cap)) != NULL)
				memcpy(p, b->inl, b->len);
		} else
			p = realloc(b->p, cap);
		if (p == NULL) {
			b->failed = 1;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	return b->p + b->len;
}

static void
resp_add(struct resp_buf *b, const char *s, size_t n)
{
	char	*p;

	if ((p = resp_room(b, n)) == NULL)
		return;
	memcpy(p, s, n);
	b->len += n;
}

static void
resp_adds(struct resp_buf *b, const char *s)
{
	resp_add(b, s, strlen(s));
}

/* s as a JSON string, written by lib/json.c.  NULL is the empty string. */
static void
resp_addjs(struct resp_buf *b, const char *s)
{
	size_t	 len, n;
	char	*p;

	if (s == NULL)
		s = "";
	len = strlen(s);
	n = jsn_quoted_len(s, len);
	if ((p = resp_room(b, n)) == NULL)
		return;
	b->len += jsn_quote(p, s, len);
}

/*
 * Sending
 * =======
 */

/*
 * Extra header lines must each end in CRLF, with no bare CR or LF and
 * no empty line: anything else would end the header early or forge
 * fields (response splitting, CWE-113).  Returns 1 when h is fine.
 */
static int
resp_headers_ok(const char *h)
{
	size_t	 i;

	if (h == NULL)
		return 1;
	for (i = 0; h[i] != '\0'; i++) {
		if (h[i] == '\r' && (h[i + 1] != '\n' || i == 0 ||
		    (i >= 2 && h[i - 2] == '\r')))
			return 0;
		if (h[i] == '\n' && (i == 0 || h[i - 1] != '\r'))
			return 0;
	}
	return i >= 2 && h[i - 2] == '\r' && h[i - 1] == '\n';
}

static enum svc_err
resp_send_fallback(struct req *req)
{
	req->status = 500;
	return req_write(req, resp_fallback, sizeof(resp_fallback) - 1);
}

/*
 * Builds and sends the whole response.  json: the body is JSON (and
 * there is a Content-Type and Content-Length); 204 has neither (RFC
 * 9110, 8.6).  For HEAD the body is left off but its length still
 * announced (RFC 3875, 4.3.2; RFC 9110, 9.3.2).
 */
static enum svc_err
resp_send(struct req *req, int status, int json, const char *headers,
    const char *body, size_t len)
{
	struct resp_buf	 b;
	const char	*reason;
	char		 line[96];
	enum svc_err	 rc;
	int		 n;

	if ((reason = resp_reason(status)) == NULL ||
	    !resp_headers_ok(headers)) {
		log_warnx("%s: status %d or its header lines refused",
		    __func__, status);
		return resp_send_fallback(req);
	}
	resp_buf_init(&b);
	/* RFC 3875, 6.3.3: the Status field carries the code. */
	n = snprintf(line, sizeof(line), "Status: %d %s\r\n%s", status,
	    reason, json ? "Content-Type: application/json\r\n" : "");
	resp_add(&b, line, (size_t)n);
	if (headers != NULL)
		resp_adds(&b, headers);
	if (json) {
		n = snprintf(line, sizeof(line), "Content-Length: %zu\r\n",
		    len);
		resp_add(&b, line, (size_t)n);
	}
	resp_add(&b, "\r\n", 2);
	if (json && req->method != REQ_HEAD)
		resp_add(&b, body, len);
	if (b.failed) {
		resp_buf_free(&b);
		return resp_send_fallback(req);
	}
	req->status = status;
	rc = req_write(req, b.p, b.len);
	resp_buf_free(&b);
	return rc;
}

enum svc_err
resp_json(struct req *req, int status, const char *headers,
    const char *body, size_t len)
{
	if (status == 204)
		return resp_send(req, status, 0, headers, NULL, 0);
	return resp_send(req, status, 1, headers, body, len);
}

/* {"detail": "<detail>"} plus headers, sent. */
static enum svc_err
resp_detail(struct req *req, int status, const char *headers,
    const char *detail)
{
	struct resp_buf	 b;
	enum svc_err	 rc;

	resp_buf_init(&b);
	resp_adds(&b, "{\"detail\": ");
	resp_addjs(&b, detail);
	resp_adds(&b, "}");
	if (b.failed) {
		resp_buf_free(&b);
		return resp_send_fallback(req);
	}
	rc = resp_json(req, status, headers, b.p, b.len);
	resp_buf_free(&b);
	return rc;
}

enum svc_err
resp_error(struct req *req, int status, const char *detail)
{
	return resp_detail(req, status, NULL, detail);
}

enum svc_err
resp_method(struct req *req, const char *allow)
{
	struct resp_buf	 h;
	enum svc_err	 rc;

	/* RFC 9110, 15.5.6: a 405 must list the methods it allows. */
	if (allow == NULL || allow[strcspn(allow, "\r\n")] != '\0') {
		log_warnx("%s: bad Allow value", __func__);
		return resp_send_fallback(req);
	}
	resp_buf_init(&h);
	resp_adds(&h, "Allow: ");
	resp_adds(&h, allow);
	resp_add(&h, "\r\n", 3);	/* with the NUL */
	if (h.failed) {
		resp_buf_free(&h);
		return resp_send_fallback(req);
	}
	rc = resp_detail(req, 405, h.p, "Method Not Allowed");
	resp_buf_free(&h);
	return rc;
}

/* RFC 6750, 3 and 3.1: error="invalid_token" only if a token was sent. */
enum svc_err
resp_unauthorized(struct req *req, int token_sent)
{
	return resp_detail(req, 401, token_sent ?
	    "WWW-Authenticate: Bearer realm=\"api\", "
	    "error=\"invalid_token\"\r\n" :
	    "WWW-Authenticate: Bearer realm=\"api\"\r\n", "Unauthorized");
}

/* {"type": ..., "loc": ["body", field], "msg": ...} */
static void
resp_problem(struct resp_buf *b, const struct resp_problem *p)
{
	resp_adds(b, "{\"type\": ");
	resp_addjs(b, p->type);
	resp_adds(b, ", \"loc\": [\"body\"");
	if (p->field != NULL) {
		resp_adds(b, ", ");
		resp_addjs(b, p->field);
	}
	resp_adds(b, "], \"msg\": ");
	resp_addjs(b, p->msg);
	resp_adds(b, "}");
}

enum svc_err
resp_unprocessable(struct req *req, const struct resp_problem *p, size_t n)
{
	struct resp_buf	 b;
	enum svc_err	 rc;
	size_t		 i;

	resp_buf_init(&b);
	resp_adds(&b, "{\"detail\": [");
	for (i = 0; i < n; i++) {
		if (i > 0)
			resp_adds(&b, ", ");
		resp_problem(&b, &p[i]);
	}
	resp_adds(&b, "]}");
	if (b.failed) {
		resp_buf_free(&b);
		return resp_send_fallback(req);
	}
	rc = resp_json(req, 422, NULL, b.p, b.len);
	resp_buf_free(&b);
	return rc;
}

enum svc_err
resp_no_content(struct req *req)
{
	return resp_send(req, 204, 0, NULL, NULL, 0);
}
