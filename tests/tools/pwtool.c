/*
 * pwtool: lib/pw.c from the command line, for the interop tests and
 * for timing.
 *
 *	pwtool verify <encoded>		exit 0: match, 1: mismatch
 *	pwtool make <alg> [cost]	prints a new hash
 *	pwtool make <iterations>	the same as make pbkdf2_sha256 <n>
 *	pwtool time <encoded> [n]	times n verifies (default 5): prints
 *					the median and the fastest, in ms
 *
 * <alg> is a Django name (pbkdf2_sha256, pbkdf2_sha1, argon2, scrypt,
 * bcrypt_sha256, bcrypt).  [cost] is, by algorithm: the iterations;
 * "m,t,p" (KiB, passes, lanes); "n,r,p"; the bcrypt cost.  Without it,
 * Django's defaults.  The password is read from stdin, one final
 * newline cut.  Exit 2 on a usage or internal error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "log.h"
#include "pw.h"

#define PWTOOL_PASSWORD_MAX	4096

__attribute__((noreturn))
static void
usage(void)
{
	fprintf(stderr, "usage: pwtool verify <encoded> < password\n"
	    "       pwtool make <alg> [cost] < password\n"
	    "       pwtool make <iterations> < password\n"
	    "       pwtool time <encoded> [n] < password\n");
	exit(2);
}

/* Reads stdin into buf (PWTOOL_PASSWORD_MAX + 1 bytes); -1 if too long. */
static long
read_password(char *buf)
{
	size_t	 n;

	n = fread(buf, 1, PWTOOL_PASSWORD_MAX + 1, stdin);
	if (n > PWTOOL_PASSWORD_MAX || ferror(stdin))
		return -1;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return (long)n;
}

static int
cmd_verify(const char *encoded, const char *pw, size_t len)
{
	enum svc_err	 rc;

	rc = pw_verify(pw, len, encoded);
	if (rc == SVC_OK)
		return 0;
	if (rc == SVC_DENIED)
		return 1;
	fprintf(stderr, "pwtool: %s\n", svc_strerror(rc));
	return 2;
}

/* Up to n comma-separated decimals of s into v; -1 if malformed. */
static int
parse_nums(const char *s, unsigned *v, int n)
{
	char		*end;
	unsigned long	 x;
	int		 i;

	for (i = 0; i < n; i++) {
		if (*s < '0' || *s > '9')
			return -1;
		x = strtoul(s, &end, 10);
		if (x == 0 || x > 100000000UL)
			return -1;
		v[i] = (unsigned)x;
		if (*end == '\0')
			return i + 1;
		if (*end != ',')
			return -1;
		s = end + 1;
	}
	return -1;
}

static int
cmd_make(const char *alg, const char *cost, const char *pw, size_t len)
{
	struct pw_policy pol;
	char		 out[PW_ENCODED_MAX];
	unsigned	 v[3];
	enum pw_alg	 a;
	enum svc_err	 rc;
	int		 n = 0;

	if (alg[0] >= '0' && alg[0] <= '9' && cost == NULL) {
		cost = alg;
		alg = "pbkdf2_sha256";
	}
	if (pw_alg_parse(alg, &a) != SVC_OK)
		usage();
	pw_policy_init(&pol, a, PW_PBKDF2_DEFAULT_ITERATIONS);
	if (cost != NULL && (n = parse_nums(cost, v, 3)) < 0)
		usage();
	switch (a) {
	case PW_PBKDF2_SHA256:
	case PW_PBKDF2_SHA1:
		if (n > 1)
			usage();
		if (n == 1)
			pol.iterations = v[0];
		break;
	case PW_ARGON2:
		if (n != 0 && n != 3)
			usage();
		if (n == 3) {
			pol.argon2_m = v[0];
			pol.argon2_t = v[1];
			pol.argon2_p = v[2];
		}
		break;
	case PW_SCRYPT:
		if (n != 0 && n != 3)
			usage();
		if (n == 3) {
			pol.scrypt_n = v[0];
			pol.scrypt_r = v[1];
			pol.scrypt_p = v[2];
		}
		break;
	default:
		if (n > 1)
			usage();
		if (n == 1)
			pol.bcrypt_cost = v[0];
		break;
	}
	if ((rc = pw_make(pw, len, &pol, out, sizeof(out))) != SVC_OK) {
		fprintf(stderr, "pwtool: %s\n", svc_strerror(rc));
		return 2;
	}
	puts(out);
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The wall time of n pw_verify calls: median and fastest. */
static int
cmd_time(const char *encoded, const char *count, const char *pw, size_t len)
{
	struct timespec	 t0, t1;
	double		 ms[101];
	unsigned	 v = 5;
	int		 i, n;
	enum svc_err	 rc;

	if (count != NULL && (parse_nums(count, &v, 1) != 1 || v > 101))
		usage();
	n = (int)v;
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = pw_verify(pw, len, encoded);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (rc != SVC_OK && rc != SVC_DENIED) {
			fprintf(stderr, "pwtool: %s\n", svc_strerror(rc));
			return 2;
		}
		ms[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	}
	qsort(ms, (size_t)n, sizeof(ms[0]), cmp_double);
	printf("median %.1f ms, fastest %.1f ms, %d runs\n", ms[n / 2], ms[0],
	    n);
	return 0;
}

int
main(int argc, char *argv[])
{
	char	 pw[PWTOOL_PASSWORD_MAX + 1];
	long	 len;
	int	 rc;

	log_init("pwtool");
	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[1], "make") &&
	    strcmp(argv[1], "time")))
		usage();
	if ((len = read_password(pw)) < 0) {
		fprintf(stderr, "pwtool: password over %d bytes\n",
		    PWTOOL_PASSWORD_MAX);
		return 2;
	}
	if (strcmp(argv[1], "verify") == 0)
		rc = cmd_verify(argv[2], pw, (size_t)len);
	else if (strcmp(argv[1], "make") == 0)
		rc = cmd_make(argv[2], argc == 4 ? argv[3] : NULL, pw,
		    (size_t)len);
	else if (strcmp(argv[1], "time") == 0)
		rc = cmd_time(argv[2], argc == 4 ? argv[3] : NULL, pw,
		    (size_t)len);
	else
		usage();
	OPENSSL_cleanse(pw, sizeof(pw));
	return rc;
}
