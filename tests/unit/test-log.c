/*
 * test-log.c: the request line and warnings, through a capturing sink:
 * format, one call per line, and control characters scrubbed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "tap.h"

static char	 got[2048];
static size_t	 gotlen;
static int	 calls;

static void
capture(void *arg, const char *line, size_t len)
{
	(void)arg;
	calls++;
	if (len >= sizeof(got))
		len = sizeof(got) - 1;
	memcpy(got, line, len);
	got[len] = '\0';
	gotlen = len;
}

/* "YYYY-MM-DDTHH:MM:SSZ " at the start of s, within a minute of now. */
static int
is_stamp(const char *s)
{
	static const char	 pat[] = "dddd-dd-ddTdd:dd:ddZ ";
	struct tm	 tm;
	time_t		 t, now = time(NULL);
	size_t		 i;

	for (i = 0; pat[i] != '\0'; i++) {
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return 0;
	}
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	return t <= now && now - t < 60;
}

/* The line after its time stamp. */
static const char *
rest(void)
{
	return gotlen > 21 ? got + 21 : "";
}

static int
one_line(void)
{
	return gotlen > 0 && got[gotlen - 1] == '\n' &&
	    memchr(got, '\n', gotlen - 1) == NULL &&
	    strlen(got) == gotlen;
}

static void
test_request(void)
{
	calls = 0;
	log_request(200, 1, "127.0.0.1", 1234);
	is_int(calls, 1, "request: one sink call");
	ok(is_stamp(got), "request: UTC ISO 8601 time stamp: %.21s", got);
	ok(strcmp(rest(), "login status=200 user=1 addr=127.0.0.1 "
	    "us=1234\n") == 0, "request: format");
	ok(one_line(), "request: one line");

	log_request(401, -1, NULL, 0);
	ok(strcmp(rest(), "login status=401 user=- addr=- us=0\n") == 0,
	    "request: no user, no addr");
	log_request(503, 9007199254740993LL, "", 12);
	ok(strcmp(rest(), "login status=503 user=9007199254740993 addr=- "
	    "us=12\n") == 0, "request: big user id, empty addr");
	log_request(200, 7, "::1", 5);
	ok(strcmp(rest(), "login status=200 user=7 addr=::1 us=5\n") == 0,
	    "request: IPv6");
}

static void
test_request_injection(void)
{
	char	 longaddr[300];

	log_request(200, 1, "1.2.3.4\n2026-01-01T00:00:00Z login status=200 "
	    "user=0", 1);
	ok(one_line(), "addr with newline: still one line");
	ok(strncmp(rest(), "login status=200 user=1 addr=1.2.3.4?2026-01-01T"
	    "00:00:00Z?login?status=200?user=0", 66) == 0,
	    "addr: newline and spaces become '?'");
	log_request(200, 1, "\x1b[2J\r\x7f", 1);
	ok(strcmp(rest(), "login status=200 user=1 addr=?[2J?? us=1\n") == 0,
	    "addr: escape, CR, DEL scrubbed");
	memset(longaddr, 'a', sizeof(longaddr) - 1);
	longaddr[sizeof(longaddr) - 1] = '\0';
	log_request(200, 1, longaddr, 1);
	ok(one_line() && gotlen < 150, "addr: long one cut (%zu bytes)",
	    gotlen);
}

static void
test_warnx(void)
{
	char	 big[3000];

	calls = 0;
	log_warnx("%s: %d things", "db_connect", 3);
	is_int(calls, 1, "warnx: one sink call");
	ok(is_stamp(got), "warnx: time stamp");
	ok(strcmp(rest(), "login: db_connect: 3 things\n") == 0,
	    "warnx: format");
	log_warnx("user \"%s\"", "eve\nlogin: forged\r\t\x1b[31m");
	ok(one_line(), "warnx: newline in text, still one line");
	ok(strcmp(rest(), "login: user \"eve?login: forged???[31m\"\n") == 0,
	    "warnx: control characters scrubbed");
	log_warnx("utf-8 \xc3\xa9 kept");
	ok(strcmp(rest(), "login: utf-8 \xc3\xa9 kept\n") == 0,
	    "warnx: UTF-8 left alone");

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_warnx("%s", big);
	ok(one_line(), "warnx: over-long message cut, ends in newline");
	ok(gotlen <= 1023, "warnx: cut to the line limit (%zu)", gotlen);
}

static void
test_program(void)
{
	log_init("refresh");
	log_request(200, 2, "10.0.0.1", 3);
	ok(strcmp(rest(), "refresh status=200 user=2 addr=10.0.0.1 us=3\n")
	    == 0, "log_init names the program");
	log_init("login");
}

/* log_utc against glibc's gmtime_r for t; 1 when they agree. */
static int
utc_agrees(time_t t, char *got_s, char *want_s, size_t sz)
{
	struct tm	 tm;

	log_utc(t, got_s, sz);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(want_s, sz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return 0;
	return strcmp(got_s, want_s) == 0;
}

/*
 * Every day from 1900 to 2500 (leap days, century and 400-year
 * rules), at times that step through the seconds of a day, and the
 * edges: the epoch, the second before it, leap days, the last second
 * of year 9999.
 */
static void
test_utc(void)
{
	static const time_t	 edges[] = { 0, -1, 59, 86399, 86400,
	    951782400, 951868799, 4107456000, 4107542400, -2208988800,
	    -2203891200, 253402300799, 1795910187 };
	char		 g[32], w[32];
	long long	 day, bad = 0, n = 0;
	size_t		 i;

	for (day = -25567; day < 194284; day++, n++)
		if (!utc_agrees((time_t)(day * 86400 + (day * 7919) % 86400),
		    g, w, sizeof(g)) && bad++ == 0)
			printf("# first difference: %s, gmtime_r %s\n", g, w);
	ok(bad == 0, "log_utc: %lld days from 1900 to 2500 agree with "
	    "gmtime_r (%lld differ)", n, bad);
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		ok(utc_agrees(edges[i], g, w, sizeof(g)),
		    "log_utc(%lld): %s (gmtime_r %s)", (long long)edges[i], g, w);
}

int
main(void)
{
	log_init("login");
	log_set_sink(capture, NULL);
	test_request();
	test_request_injection();
	test_warnx();
	test_program();
	test_utc();
	return tap_done();
}
