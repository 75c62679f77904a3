/*
 * log.c: request lines and warnings, one whole line per sink call.
 *
 * Each line is built in a stack buffer and handed over at once: under
 * FastCGI several workers share one error log, and a line written in
 * pieces could interleave with another worker's.  LOG_LINE_MAX stays
 * under PIPE_BUF (POSIX: 512 at least, 4096 on Linux) so that one
 * write(2) to a pipe is atomic.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX	1024
#define LOG_ADDR_MAX	64	/* an IPv6 address with a zone fits */

static const char	*log_program = "jwtauth";
static log_sink		 log_sink_fn;
static void		*log_sink_arg;

void
log_init(const char *program)
{
	if (program != NULL && program[0] != '\0')
		log_program = program;
}

void
log_set_sink(log_sink sink, void *arg)
{
	log_sink_fn = sink;
	log_sink_arg = arg;
}

/* The default sink: one write(2) to stderr; a lost line is not fatal. */
static void
log_stderr(const char *line, size_t len)
{
	while (write(STDERR_FILENO, line, len) == -1 && errno == EINTR)
		continue;
}

static void
log_emit(const char *line, size_t len)
{
	if (log_sink_fn != NULL)
		log_sink_fn(log_sink_arg, line, len);
	else
		log_stderr(line, len);
}

/*
 * The civil date of a count of days since 1970-01-01 (proleptic
 * Gregorian), by 400-year eras of 146097 days that start on March 1st
 * so that a leap day ends its year.  Not gmtime_r: its first call
 * loads /etc/localtime (tzset), six system calls and a buffer that
 * each plain CGI request would pay for a UTC stamp.
 */
static void
log_civil(long long days, long long *y, int *m, int *d)
{
	long long	 z = days + 719468;	/* days since 0000-03-01 */
	long long	 era = (z >= 0 ? z : z - 146096) / 146097;
	long long	 doe = z - era * 146097;	/* [0, 146096] */
	long long	 yoe, doy, mp;

	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	/* from March 1st */
	mp = (5 * doy + 2) / 153;			/* 0 is March */
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

void
log_utc(time_t t, char *buf, size_t sz)
{
	long long	 days = (long long)t / 86400, secs = (long long)t % 86400;
	long long	 y;
	int		 m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	log_civil(days, &y, &m, &d);
	snprintf(buf, sz, "%04lld-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
	    (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

/*
 * The stamp of now into buf of sz bytes.  A worker (one thread) logs
 * many lines a second: the text is made once per second and copied
 * after that.
 */
static void
log_time(char *buf, size_t sz)
{
	static time_t	 last = (time_t)-1;
	static char	 text[32] = "-";
	time_t		 t = time(NULL);

	if (t != last) {
		log_utc(t, text, sizeof(text));
		last = t;
	}
	snprintf(buf, sz, "%s", text);
}

/*
 * Replaces control characters (and, when nospace, spaces) in s with
 * '?', in place.  Text that reaches the log can come from a client;
 * a newline or an escape sequence in it would forge lines or rewrite
 * a terminal (CWE-117, log injection).
 */
static void
log_scrub(char *s, int nospace)
{
	unsigned char	*p;

	for (p = (unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || (nospace && *p == ' '))
			*p = '?';
}

/*
 * Ends the line of n characters (snprintf's return) in buf (LOG_LINE_MAX
 * bytes) with '\n', cutting it if it was too long, and sends it.
 */
static void
log_finish(char *buf, int n)
{
	size_t	 len;

	if (n < 0)
		return;
	len = (size_t)n;
	if (len > LOG_LINE_MAX - 2)
		len = LOG_LINE_MAX - 2;
	buf[len++] = '\n';
	buf[len] = '\0';
	log_emit(buf, len);
}

void
log_request(int status, long long user_id, const char *addr,
    long long usec)
{
	char	 line[LOG_LINE_MAX], ts[32], user[24], a[LOG_ADDR_MAX + 1];
	int	 saved = errno, n;

	log_time(ts, sizeof(ts));
	if (user_id < 0)
		snprintf(user, sizeof(user), "-");
	else
		snprintf(user, sizeof(user), "%lld", user_id);
	/* Truncating an over-long address is fine: it is not one. */
	snprintf(a, sizeof(a), "%s",
	    addr != NULL && addr[0] != '\0' ? addr : "-");
	log_scrub(a, 1);
	n = snprintf(line, sizeof(line), "%s %s status=%d user=%s addr=%s "
	    "us=%lld", ts, log_program, status, user, a, usec);
	log_finish(line, n);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	char	 line[LOG_LINE_MAX], ts[32], msg[LOG_LINE_MAX];
	va_list	 ap;
	int	 saved = errno, n;

	log_time(ts, sizeof(ts));
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		snprintf(msg, sizeof(msg), "(unprintable message)");
	log_scrub(msg, 0);
	n = snprintf(line, sizeof(line), "%s %s: %s", ts, log_program, msg);
	log_finish(line, n);
	errno = saved;
}
