/*
 * pwtool: lib/pw.c from the command line, for the Django interop test.
 *
 *	pwtool verify <encoded>		exit 0: match, 1: mismatch
 *	pwtool make <iterations>	prints a pbkdf2_sha256 hash
 *
 * The password is read from stdin, one final newline cut.  Exit 2 on a
 * usage or internal error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "log.h"
#include "pw.h"

#define PWTOOL_PASSWORD_MAX	4096

__attribute__((noreturn))
static void
usage(void)
{
	fprintf(stderr, "usage: pwtool verify <encoded> < password\n"
	    "       pwtool make <iterations> < password\n");
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

static int
cmd_make(const char *iter, const char *pw, size_t len)
{
	struct pw_policy pol;
	char		 out[PW_ENCODED_MAX], *end;
	unsigned long	 n;
	enum svc_err	 rc;

	n = strtoul(iter, &end, 10);
	if (iter[0] < '0' || iter[0] > '9' || *end != '\0' || n == 0 ||
	    n > 100000000UL)
		usage();
	pol.alg = PW_PBKDF2_SHA256;
	pol.iterations = (unsigned)n;
	if ((rc = pw_make(pw, len, &pol, out, sizeof(out))) != SVC_OK) {
		fprintf(stderr, "pwtool: %s\n", svc_strerror(rc));
		return 2;
	}
	puts(out);
	return 0;
}

int
main(int argc, char *argv[])
{
	char	 pw[PWTOOL_PASSWORD_MAX + 1];
	long	 len;
	int	 rc;

	log_init("pwtool");
	if (argc != 3)
		usage();
	if ((len = read_password(pw)) < 0) {
		fprintf(stderr, "pwtool: password over %d bytes\n",
		    PWTOOL_PASSWORD_MAX);
		return 2;
	}
	if (strcmp(argv[1], "verify") == 0)
		rc = cmd_verify(argv[2], pw, (size_t)len);
	else if (strcmp(argv[1], "make") == 0)
		rc = cmd_make(argv[2], pw, (size_t)len);
	else
		usage();
	OPENSSL_cleanse(pw, sizeof(pw));
	return rc;
}
