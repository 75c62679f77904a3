/*
 * log.h: one line per request, and warnings, on the web server's error
 * log.  Never pass a password or a token to these functions.
 */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>
#include <time.h>

/*
 * Where lines go.  Under FastCGI the request's error stream (the web
 * server puts it in its error log); otherwise stderr.  Each call of
 * sink gets one whole line, ending in '\n'.
 */
typedef void	(*log_sink)(void *arg, const char *line, size_t len);

/* Names the program in every line; program is borrowed for life. */
void	log_init(const char *program);

/* Sends lines to sink(arg, ...); a NULL sink means stderr. */
void	log_set_sink(log_sink sink, void *arg);

/*
 * The request line:
 * "2026-11-28T19:00:00Z login status=200 user=1 addr=127.0.0.1 us=1234".
 * user_id < 0 prints "user=-"; a NULL addr prints "addr=-".
 */
void	log_request(int status, long long user_id, const char *addr,
	    long long usec);

/*
 * t as "2026-11-28T19:00:00Z" (ISO 8601, UTC) into buf of sz (>= 21):
 * exact for the years 0 to 9999, which ISO 8601 writes with 4 digits.
 */
void	log_utc(time_t t, char *buf, size_t sz);

/* A warning: "<time> <program>: <message>".  Callers name __func__. */
void	log_warnx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

#endif /* LOG_H */
