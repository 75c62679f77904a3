/*
 * tap.h: the Test Anything Protocol, enough for our unit tests.
 * Each check prints "ok N - name" or "not ok N - name"; tap_done()
 * prints the plan and returns the exit status (0: all passed).
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3)))
static int
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

#define ok(cond, ...)	tap_ok(!!(cond), __VA_ARGS__)
/* got and want are evaluated once each. */
static int __attribute__((unused))
tap_is_int(long long got, long long want, const char *name)
{
	return tap_ok(got == want, "%s (got %lld, want %lld)", name, got, want);
}

#define is_int(got, want, name) \
	tap_is_int((long long)(got), (long long)(want), (name))

static int __attribute__((unused))
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#endif /* TAP_H */
