/*
 * req.h: one request, from FastCGI or plain CGI (RFC 3875), with its
 * method, the headers we use, and a bounded body.
 */
#ifndef REQ_H
#define REQ_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <fcgiapp.h>

#include "svc.h"

struct json_object;

#define REQ_BODY_MAX	16384	/* bytes; more is a 413 */

enum req_method {
	REQ_GET,
	REQ_HEAD,
	REQ_POST,
	REQ_OTHER,
	REQ_METHOD__MAX
};

enum req_ctype {
	REQ_CT_NONE,		/* no Content-Type */
	REQ_CT_JSON,		/* application/json, any parameters */
	REQ_CT_FORM,		/* application/x-www-form-urlencoded */
	REQ_CT_OTHER,
	REQ_CT__MAX
};

struct req {
	FCGX_Request	 fcgx;
	int		 cgi;		/* plain CGI: one request, stdio */
	int		 done;		/* CGI: the one request was served */
	FILE		*cgi_in;	/* CGI: body source; req_init: stdin */
	FILE		*cgi_out;	/* CGI: response sink; req_init: stdout */
	enum req_method	 method;
	enum req_ctype	 ctype;
	const char	*authorization;	/* HTTP_AUTHORIZATION or NULL */
	const char	*remote_addr;	/* REMOTE_ADDR or NULL */
	size_t		 body_len;
	int		 body_toobig;	/* declared or sent over the limit */
	int		 body_error;	/* reading the body failed */
	struct timespec	 start;		/* for the log line */
	int		 status;	/* set by resp_* for the log line */
	long long	 user_id;	/* set by the handler; -1: none */
	char		 body[REQ_BODY_MAX + 1];	/* NUL-terminated */
};

/*
 * Once per process.  Detects CGI (stdin is not a listening socket) and
 * makes SIGTERM stop the accept loop after the request in hand and
 * SIGPIPE harmless.  Zeroes *req; a test may then point cgi_in and
 * cgi_out elsewhere before req_accept().
 */
enum svc_err	 req_init(struct req *req);

/*
 * Waits for the next request and reads its parameters and body.
 * SVC_EOF when there is no more (CGI after one request, SIGTERM, or
 * the listening socket closed).
 */
enum svc_err	 req_accept(struct req *req);

/* Writes the log line and ends the request. */
void		 req_finish(struct req *req);

/* Sends len bytes of response to the client. */
enum svc_err	 req_write(struct req *req, const char *buf, size_t len);

/* A CGI/FastCGI parameter, or NULL. */
const char	*req_param(const struct req *req, const char *name);

/*
 * Parses the body as JSON into *out (any JSON value; the caller checks
 * for an object: a body of "null" gives SVC_OK with *out NULL, which
 * json_object_is_type() reports as no object).  SVC_BADINPUT for an
 * empty body or one that lib/json.h's policy refuses (invalid JSON or
 * UTF-8, a repeated member name, nesting over JSN_DEPTH, trailing
 * bytes); "\u0000" in a value is kept.  The caller frees *out with
 * jsn_put_wiped.
 */
enum svc_err	 req_json(const struct req *req, struct json_object **out);

/*
 * Parses text (len bytes) as application/x-www-form-urlencoded into a
 * JSON object of string values, so that one validator serves both body
 * kinds.  As in JSON bodies, a repeated name is refused and %00 is kept
 * in a value.  SVC_BADINPUT for bad percent-escapes, invalid UTF-8, a
 * repeated name or NUL in a name.  The decode buffer is wiped.  The
 * caller frees *out with jsn_put_wiped.
 */
enum svc_err	 req_form(const char *text, size_t len,
		    struct json_object **out);

/*
 * Finds the token in an Authorization header value: scheme "Bearer"
 * in any case, one or more spaces, then the token (RFC 6750 2.1,
 * RFC 9110 11.4).  SVC_NOTFOUND: no header or another scheme.
 * SVC_BADINPUT: a Bearer header without a well-formed token.  *tok
 * points into header.
 */
enum svc_err	 req_bearer(const char *header, const char **tok,
		    size_t *toklen);

#endif /* REQ_H */
