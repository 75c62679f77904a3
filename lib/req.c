/*
 * req.c: one request at a time, from a FastCGI listener on fd 0 or, in
 * plain CGI, from the environment and stdin (RFC 3875), plus the
 * parsers for what a client sends: a JSON or form body and a Bearer
 * credential.  Everything here is bounded by REQ_BODY_MAX and nothing
 * is allocated per request outside json-c's objects.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <json-c/json.h>
#include <openssl/crypto.h>

#include "json.h"
#include "log.h"
#include "req.h"

/*
 * Signals and shutdown
 * ====================
 *
 * SIGTERM must let the request in hand finish and then end the accept
 * loop.  libfcgi's OS_Accept() sleeps in accept(2) on fd 0 and, when
 * FCGX_ShutdownPending() was called, returns -1 on the next EINTR; but
 * a signal that lands after its shutdownPending test and before
 * accept(2) starts would leave us blocked until the next connection
 * (its source says "There's a window here").  So the handler also
 * puts /dev/null on fd 0 with dup2(2), which is async-signal-safe:
 * accept(2), restarted or entered late, then fails with ENOTSOCK and
 * FCGX_Accept_r() returns.  dup2 rather than shutdown(2): workers that
 * spawn-fcgi -F forks share one listening socket, and shutting it down
 * would stop them all; dup2 rather than close(2): fd 0 is never handed
 * to a later open(2) or socket(2).
 *
 * SA_RESTART is set so that a signal that arrives while libfcgi reads
 * the request's parameters restarts the read instead of dropping the
 * request, and the signals are blocked from accept to finish, so that
 * no read, write or poll of the request in hand (ours, libfcgi's or
 * the database client's) sees EINTR.  A pending signal is delivered
 * when req_accept() unblocks them, before it waits again.
 */
static volatile sig_atomic_t	 req_stopping;
static int			 req_nullfd = -1;
static sigset_t			 req_termsigs;

static void
req_on_term(int sig)
{
	int	 saved = errno;

	(void)sig;
	req_stopping = 1;
	FCGX_ShutdownPending();
	if (req_nullfd != -1)
		(void)dup2(req_nullfd, 0);
	errno = saved;
}

/* Installs req_on_term for the signals that mean "stop".  -1 on error. */
static int
req_signals_fcgi(void)
{
	static const int	 sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct sigaction	 sa;
	size_t			 i;

	if (req_nullfd == -1 &&
	    (req_nullfd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1) {
		log_warnx("%s: /dev/null: %s", __func__, strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = req_on_term;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&req_termsigs);
	/* SIGUSR1 is libfcgi's own "finish and exit" (mod_fastcgi). */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaddset(&sa.sa_mask, sigs[i]);
		sigaddset(&req_termsigs, sigs[i]);
	}
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) == -1) {
			log_warnx("%s: sigaction: %s", __func__,
			    strerror(errno));
			return -1;
		}
	return 0;
}

/* A peer that went away is a failed write (EPIPE), not our death. */
static int
req_ignore_sigpipe(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPIPE, &sa, NULL) == -1) {
		log_warnx("%s: sigaction: %s", __func__, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Log sink under FastCGI: the request's error stream, which the web
 * server copies to its error log; stderr when no request is in hand
 * (libfcgi sets err to NULL when it finishes a request).
 */
static void
req_log_sink(void *arg, const char *line, size_t len)
{
	struct req	*req = arg;

	if (req->fcgx.err != NULL && len <= INT_MAX) {
		/*
		 * No flush: FCGX_Finish_r sends the stream once, with the
		 * response, instead of one more write per line.
		 */
		FCGX_PutStr(line, (int)len, req->fcgx.err);
		return;
	}
	while (write(STDERR_FILENO, line, len) == -1 && errno == EINTR)
		continue;
}

/*
 * CGI keeps the default SIGTERM: a web server that gives up on a CGI
 * process wants it gone, and there is no accept loop to end.
 */
enum svc_err
req_init(struct req *req)
{
	memset(req, 0, sizeof(*req));
	req->cgi_in = stdin;
	req->cgi_out = stdout;
	req->user_id = -1;
	if (FCGX_Init() != 0) {
		log_warnx("%s: FCGX_Init failed", __func__);
		return SVC_IO;
	}
	if (req_ignore_sigpipe() == -1)
		return SVC_IO;
	req->cgi = FCGX_IsCGI();
	if (req->cgi)
		return SVC_OK;
	if (FCGX_InitRequest(&req->fcgx, 0, 0) != 0) {
		log_warnx("%s: FCGX_InitRequest failed", __func__);
		return SVC_IO;
	}
	if (req_signals_fcgi() == -1)
		return SVC_IO;
	log_set_sink(req_log_sink, req);
	return SVC_OK;
}

/*
 * Parameters
 * ==========
 */

const char *
req_param(const struct req *req, const char *name)
{
	if (req->cgi)
		return getenv(name);
	if (req->fcgx.envp == NULL)
		return NULL;
	return FCGX_GetParam(name, req->fcgx.envp);
}

/* RFC 3875, 4.1.12: the method is case-sensitive. */
static enum req_method
req_method_parse(const char *s)
{
	static const char *const names[REQ_METHOD__MAX] = {
		[REQ_GET] = "GET",
		[REQ_HEAD] = "HEAD",
		[REQ_POST] = "POST",
	};
	size_t	 i;

	if (s == NULL)
		return REQ_OTHER;
	for (i = 0; i < REQ_METHOD__MAX; i++)
		if (names[i] != NULL && strcmp(s, names[i]) == 0)
			return (enum req_method)i;
	return REQ_OTHER;
}

static int
req_ows(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * RFC 3875, 4.1.3 and RFC 9110, 8.3.1: type "/" subtype, compared
 * without case, optionally followed by OWS ";" parameters (a charset),
 * with OWS around.  Parameters are not interpreted: the body must be
 * UTF-8 whatever they say.
 */
static enum req_ctype
req_ctype_parse(const char *s)
{
	static const struct {
		const char	*name;
		enum req_ctype	 type;
	} types[] = {
		{ "application/json", REQ_CT_JSON },
		{ "application/x-www-form-urlencoded", REQ_CT_FORM },
	};
	const char	*end;
	size_t		 i, len;

	if (s == NULL)
		return REQ_CT_NONE;
	while (req_ows(*s))
		s++;
	if (*s == '\0')
		return REQ_CT_NONE;
	for (end = s; *end != '\0' && *end != ';' && !req_ows(*end); end++)
		continue;
	len = (size_t)(end - s);
	while (req_ows(*end))
		end++;
	if (*end != '\0' && *end != ';')
		return REQ_CT_OTHER;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i].name) == len &&
		    strncasecmp(s, types[i].name, len) == 0)
			return types[i].type;
	return REQ_CT_OTHER;
}

#define REQ_CL_NONE	(-1)	/* no CONTENT_LENGTH: no body */
#define REQ_CL_BAD	(-2)
#define REQ_CL_CAP	(1L << 30)	/* longer lengths read as this */

/*
 * CGI: the most of an oversized body that is read and thrown away
 * before the 413 goes out.  mod_cgid hands the script a Unix socket
 * for stdin and stdout, and Linux resets such a socket that is closed
 * with unread input: Apache then reads ECONNRESET instead of our
 * response and the client gets a truncated one.  Past this much, a
 * reset is what the client deserves.
 */
#define REQ_DRAIN_MAX	(1L << 20)

/*
 * RFC 3875, 4.1.2: CONTENT_LENGTH = "" | 1*digit; empty or absent
 * means no body.  Digits only (no sign, space or hex that strtol would
 * take); values over REQ_CL_CAP come back as REQ_CL_CAP, so that no
 * length can overflow.
 */
static long
req_content_length(const char *s)
{
	long	 v = 0;

	if (s == NULL || *s == '\0')
		return REQ_CL_NONE;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return REQ_CL_BAD;
		if (v <= REQ_CL_CAP)
			v = v * 10 + (*s - '0');
	}
	return v > REQ_CL_CAP ? REQ_CL_CAP : v;
}

/*
 * Body
 * ====
 */

/*
 * FastCGI: the body is the FCGI_STDIN stream up to its end.  Reads one
 * byte past the limit to tell "exactly REQ_BODY_MAX" from "more".  A
 * stream that disagrees with CONTENT_LENGTH is a broken request.
 */
static void
req_body_fcgi(struct req *req, long cl)
{
	int	 n;

	if (cl == 0)
		return;
	n = FCGX_GetStr(req->body, REQ_BODY_MAX + 1, req->fcgx.in);
	if (n < 0 || FCGX_GetError(req->fcgx.in) != 0)
		req->body_error = 1;
	else if (n > REQ_BODY_MAX)
		req->body_toobig = 1;
	else if (cl != REQ_CL_NONE && n != cl)
		req->body_error = 1;
	else
		req->body_len = (size_t)n;
}

/*
 * CGI: exactly CONTENT_LENGTH bytes of stdin, and no body without it
 * (RFC 3875, 4.2: the script must not read past CONTENT_LENGTH, and
 * the server need not send EOF).
 */
static void
req_body_cgi(struct req *req, long cl)
{
	size_t	 n;

	if (cl <= 0)
		return;
	if (cl > REQ_BODY_MAX) {
		/* See REQ_DRAIN_MAX.  The body buffer is scratch here. */
		req->body_toobig = 1;
		if (cl > REQ_DRAIN_MAX)
			cl = REQ_DRAIN_MAX;
		while (cl > 0 && (n = fread(req->body, 1,
		    cl < REQ_BODY_MAX ? (size_t)cl : REQ_BODY_MAX,
		    req->cgi_in)) > 0)
			cl -= (long)n;
		return;
	}
	if (fread(req->body, 1, (size_t)cl, req->cgi_in) != (size_t)cl)
		req->body_error = 1;
	else
		req->body_len = (size_t)cl;
}

static void
req_body_read(struct req *req)
{
	long	 cl;

	cl = req_content_length(req_param(req, "CONTENT_LENGTH"));
	if (cl == REQ_CL_BAD)
		req->body_error = 1;
	else if (req->cgi)
		req_body_cgi(req, cl);	/* a 413 drains what it can */
	else if (cl > REQ_BODY_MAX)
		req->body_toobig = 1;	/* 413 without reading it */
	else
		req_body_fcgi(req, cl);
	if (req->body_error || req->body_toobig)
		req->body_len = 0;
	req->body[req->body_len] = '\0';
}

/*
 * The request loop
 * ================
 */

/*
 * FastCGI: waits for the next connection with the stop signals
 * unblocked.  SVC_EOF once a stop signal came or accept failed.
 */
static enum svc_err
req_next_fcgi(struct req *req)
{
	int	 rc;

	sigprocmask(SIG_UNBLOCK, &req_termsigs, NULL);
	if (req_stopping)
		return SVC_EOF;
	rc = FCGX_Accept_r(&req->fcgx);
	sigprocmask(SIG_BLOCK, &req_termsigs, NULL);
	if (rc < 0) {
		if (!req_stopping)
			log_warnx("%s: FCGX_Accept_r: %s", __func__,
			    strerror(-rc));
		return SVC_EOF;
	}
	return SVC_OK;
}

static void
req_reset(struct req *req)
{
	req->method = REQ_OTHER;
	req->ctype = REQ_CT_NONE;
	req->authorization = NULL;
	req->remote_addr = NULL;
	req->body_len = 0;
	req->body_toobig = 0;
	req->body_error = 0;
	req->body[0] = '\0';
	req->status = 0;
	req->user_id = -1;
	clock_gettime(CLOCK_MONOTONIC, &req->start);
}

enum svc_err
req_accept(struct req *req)
{
	if (req->cgi) {
		if (req->done)
			return SVC_EOF;
		req->done = 1;
	} else if (req_next_fcgi(req) != SVC_OK)
		return SVC_EOF;
	req_reset(req);
	/* RFC 3875, 4.1.12, 4.1.3, 4.1.8; HTTP_* per 4.1.18. */
	req->method = req_method_parse(req_param(req, "REQUEST_METHOD"));
	req->ctype = req_ctype_parse(req_param(req, "CONTENT_TYPE"));
	req->authorization = req_param(req, "HTTP_AUTHORIZATION");
	req->remote_addr = req_param(req, "REMOTE_ADDR");
	req_body_read(req);
	return SVC_OK;
}

void
req_finish(struct req *req)
{
	struct timespec	 now;
	long long	 usec;

	clock_gettime(CLOCK_MONOTONIC, &now);
	usec = (long long)(now.tv_sec - req->start.tv_sec) * 1000000 +
	    (now.tv_nsec - req->start.tv_nsec) / 1000;
	/* Before FCGX_Finish_r: remote_addr points into its parameters. */
	log_request(req->status, req->user_id, req->remote_addr, usec);
	req->authorization = NULL;
	req->remote_addr = NULL;
	if (!req->cgi)
		FCGX_Finish_r(&req->fcgx);
}

/* CGI: one fwrite and a flush, so the response leaves in one piece. */
enum svc_err
req_write(struct req *req, const char *buf, size_t len)
{
	if (req->cgi) {
		if (fwrite(buf, 1, len, req->cgi_out) != len ||
		    fflush(req->cgi_out) != 0)
			return SVC_IO;
		return SVC_OK;
	}
	if (len > INT_MAX)
		return SVC_TOOBIG;
	if (FCGX_PutStr(buf, (int)len, req->fcgx.out) != (int)len)
		return SVC_IO;
	return SVC_OK;
}

/*
 * JSON
 * ====
 */

/*
 * The body must be exactly one JSON text by lib/json.h's policy.  On
 * success *out is the value, NULL for a body of "null" (which
 * json_object_is_type() reports as not an object).
 */
enum svc_err
req_json(const struct req *req, struct json_object **out)
{
	enum jsn_err	 e;

	*out = NULL;
	if (req->body_len == 0 || req->body_len > REQ_BODY_MAX)
		return SVC_BADINPUT;
	if ((e = jsn_parse(NULL, req->body, req->body_len, 0, out)) == JSN_OK)
		return SVC_OK;
	return e == JSN_NOMEM ? SVC_NOMEM : SVC_BADINPUT;
}

/*
 * Forms
 * =====
 */

/*
 * Decodes one application/x-www-form-urlencoded name or value (WHATWG
 * URL, 5.1): '+' is a space, %XX a byte.  Unlike browsers, which pass
 * a bad escape through, we refuse it: the client is a program.  The
 * result (*outlen bytes in out, which holds len) must be UTF-8; %00 is
 * kept, as \u0000 in JSON is, and the caller judges it (a raw NUL
 * byte, like a raw NUL in JSON, is refused).  Returns 0, or
 * -1 when the text is refused.
 */
static int
req_form_decode(const char *in, size_t len, char *out, size_t *outlen)
{
	size_t	 i, o = 0;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (in[i] == '\0')
			return -1;	/* a raw NUL is no form text */
		if (in[i] == '+')
			out[o++] = ' ';
		else if (in[i] != '%')
			out[o++] = in[i];
		else {
			if (len - i < 3 ||
			    (hi = jsn_hex_digit((unsigned char)in[i + 1])) < 0 ||
			    (lo = jsn_hex_digit((unsigned char)in[i + 2])) < 0)
				return -1;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	if (!jsn_utf8_valid(out, o))
		return -1;
	*outlen = o;
	return 0;
}

/*
 * Adds one "name=value" (or "name", value "") of len bytes to obj,
 * decoding into scratch (len + 2 bytes).
 */
static enum svc_err
req_form_pair(struct json_object *obj, const char *pair, size_t len,
    char *scratch)
{
	struct json_object	*val;
	const char		*eq;
	size_t			 nlen, vlen = 0, namelen;
	char			*v;

	eq = memchr(pair, '=', len);
	namelen = eq == NULL ? len : (size_t)(eq - pair);
	/*
	 * The policy of lib/json.h for JSON bodies: a name with NUL (json-c
	 * would cut it) or given twice is refused.
	 */
	if (req_form_decode(pair, namelen, scratch, &nlen) == -1 ||
	    memchr(scratch, '\0', nlen) != NULL)
		return SVC_BADINPUT;
	scratch[nlen] = '\0';
	if (json_object_object_get_ex(obj, scratch, NULL))
		return SVC_BADINPUT;
	v = scratch + nlen + 1;
	if (eq != NULL && req_form_decode(eq + 1, len - namelen - 1,
	    v, &vlen) == -1)
		return SVC_BADINPUT;
	if ((val = json_object_new_string_len(v, (int)vlen)) == NULL)
		return SVC_NOMEM;
	if (json_object_object_add(obj, scratch, val) != 0) {
		json_object_put(val);
		return SVC_NOMEM;
	}
	return SVC_OK;
}

enum svc_err
req_form(const char *text, size_t len, struct json_object **out)
{
	struct json_object	*obj = NULL;
	char			*scratch = NULL;
	const char		*p, *amp;
	size_t			 n, left = len;
	enum svc_err		 rc = SVC_NOMEM;

	*out = NULL;
	if (len > INT_MAX - 2) {
		rc = SVC_TOOBIG;
		goto out;
	}
	if ((obj = json_object_new_object()) == NULL ||
	    (scratch = malloc(len + 2)) == NULL)
		goto out;
	for (p = text; left > 0; p += n + 1, left -= n + 1) {
		amp = memchr(p, '&', left);
		n = amp == NULL ? left : (size_t)(amp - p);
		if (n > 0 &&
		    (rc = req_form_pair(obj, p, n, scratch)) != SVC_OK)
			goto out;
		if (amp == NULL)
			break;
	}
	*out = obj;
	obj = NULL;
	rc = SVC_OK;
out:
	/* It held the decoded password. */
	if (scratch != NULL)
		OPENSSL_cleanse(scratch, len + 2);
	free(scratch);
	jsn_put_wiped(obj);
	return rc;
}

/*
 * Authorization
 * =============
 */

/* RFC 9110, 5.6.2: tchar, the characters of an auth-scheme. */
static int
req_tchar(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* RFC 9110, 11.2: token68 without its trailing '='. */
static int
req_token68char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("-._~+/", c) != NULL);
}

/*
 * RFC 9110, 11.4 and 11.6.2: credentials = auth-scheme [ 1*SP token68 ],
 * and RFC 6750, 2.1: the scheme "Bearer" in any case.  SP only between
 * scheme and token, as the grammar says; a tab there is malformed.
 * Trailing SP and HTAB are tolerated: they are not part of a field
 * value (RFC 9110, 5.5), so a server that passed them on erred and the
 * token is still unambiguous.  A header whose scheme is not Bearer is
 * SVC_NOTFOUND; a Bearer one without exactly one token68 SVC_BADINPUT.
 */
enum svc_err
req_bearer(const char *header, const char **tok, size_t *toklen)
{
	const char	*p, *t;
	size_t		 n;

	*tok = NULL;
	*toklen = 0;
	if (header == NULL)
		return SVC_NOTFOUND;
	for (p = header; req_tchar(*p); p++)
		continue;
	if (p - header != 6 || strncasecmp(header, "bearer", 6) != 0)
		return SVC_NOTFOUND;
	if (*p != ' ')
		return SVC_BADINPUT;
	while (*p == ' ')
		p++;
	for (t = p; req_token68char(*p); p++)
		continue;
	if (p == t)
		return SVC_BADINPUT;
	while (*p == '=')
		p++;
	n = (size_t)(p - t);
	while (req_ows(*p))
		p++;
	if (*p != '\0')
		return SVC_BADINPUT;
	*tok = t;
	*toklen = n;
	return SVC_OK;
}
