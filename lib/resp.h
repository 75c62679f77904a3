/*
 * resp.h: every response goes out through here, as JSON, in one write.
 */
#ifndef RESP_H
#define RESP_H

#include <stddef.h>

#include "svc.h"

struct req;

/* One item of a 422 body, Django Ninja's shape. */
struct resp_problem {
	const char	*type;		/* "missing", "string_type", ... */
	const char	*field;		/* loc ["body", field]; NULL: ["body"] */
	const char	*msg;		/* "Field required", ... */
};

/*
 * Sends status with body (len bytes of JSON) and Content-Type:
 * application/json.  headers, if not NULL, are extra header lines,
 * each ending in "\r\n".  Records the status in req for the log line.
 */
enum svc_err	 resp_json(struct req *req, int status, const char *headers,
		    const char *body, size_t len);

/* {"detail": "<detail>"} with status; detail is a fixed ASCII string. */
enum svc_err	 resp_error(struct req *req, int status, const char *detail);

/* 405 {"detail": "Method Not Allowed"} with Allow: <allow>. */
enum svc_err	 resp_method(struct req *req, const char *allow);

/*
 * 401 {"detail": "Unauthorized"} with WWW-Authenticate: Bearer
 * realm="api", plus error="invalid_token" when a bearer token was sent
 * (RFC 6750 3).
 */
enum svc_err	 resp_unauthorized(struct req *req, int token_sent);

/* 422 {"detail": [ ... ]} with one item per problem. */
enum svc_err	 resp_unprocessable(struct req *req,
		    const struct resp_problem *p, size_t n);

/* 204 with no body. */
enum svc_err	 resp_no_content(struct req *req);

#endif /* RESP_H */
