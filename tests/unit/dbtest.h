/*
 * dbtest.h: the start of a unit test that needs the real database.
 * make check runs these with its private stack up and JWTAUTH_CONFIG
 * set; anywhere else they skip and say why.
 */
#ifndef DBTEST_H
#define DBTEST_H

#include <stdio.h>
#include <stdlib.h>

#include "cfg.h"

/* Loads the stack's config into cfg, or prints a TAP skip and exits. */
static void __attribute__((unused))
dbtest_config(struct cfg *cfg)
{
	const char	*env = getenv("JWTAUTH_CONFIG");
	char		 err[512];

	if (env != NULL && env[0] != '\0' &&
	    cfg_load(cfg, cfg_path(), err, sizeof(err)) == SVC_OK)
		return;
	printf("1..0 # SKIP no database: make check runs this with the "
	    "stack up (JWTAUTH_CONFIG)\n");
	if (env != NULL && env[0] != '\0')
		fprintf(stderr, "# %s\n", err);
	exit(0);
}

#endif /* DBTEST_H */
