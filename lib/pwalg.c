/*
 * pwalg.c: password hash algorithm names and policies (pwalg.h).
 */
#include <string.h>

#include "pwalg.h"

/* Django's name (NULL: not a Django algorithm) and what we print. */
static const struct pwalg_def {
	const char	*name;
	const char	*label;
} pwalg_defs[PW_ALG__MAX] = {
	[PW_PBKDF2_SHA256] = { "pbkdf2_sha256", "pbkdf2_sha256" },
	[PW_PBKDF2_SHA1] = { "pbkdf2_sha1", "pbkdf2_sha1" },
	[PW_ARGON2] = { "argon2", "argon2" },
	[PW_SCRYPT] = { "scrypt", "scrypt" },
	[PW_BCRYPT_SHA256] = { "bcrypt_sha256", "bcrypt_sha256" },
	[PW_BCRYPT] = { "bcrypt", "bcrypt" },
	[PW_CRYPT_BCRYPT] = { NULL, "crypt $2b$" },
	[PW_CRYPT_SHA256] = { NULL, "crypt $5$" },
	[PW_CRYPT_SHA512] = { NULL, "crypt $6$" },
	[PW_CRYPT_YESCRYPT] = { NULL, "crypt $y$" },
	[PW_UNUSABLE] = { NULL, "unusable" },
};

enum svc_err
pw_alg_lookup(const char *name, size_t len, enum pw_alg *alg)
{
	size_t	 i;

	for (i = 0; i < PW_ALG__MAX; i++) {
		if (pwalg_defs[i].name == NULL)
			continue;
		if (strlen(pwalg_defs[i].name) == len &&
		    memcmp(pwalg_defs[i].name, name, len) == 0) {
			*alg = (enum pw_alg)i;
			return SVC_OK;
		}
	}
	return SVC_BADINPUT;
}

enum svc_err
pw_alg_parse(const char *name, enum pw_alg *alg)
{
	if (name == NULL)
		return SVC_BADINPUT;
	return pw_alg_lookup(name, strlen(name), alg);
}

const char *
pw_alg_django(enum pw_alg alg)
{
	if ((unsigned)alg >= PW_ALG__MAX)
		return NULL;
	return pwalg_defs[alg].name;
}

const char *
pw_alg_name(enum pw_alg alg)
{
	if ((unsigned)alg >= PW_ALG__MAX)
		return "unknown";
	return pwalg_defs[alg].label;
}

void
pw_policy_init(struct pw_policy *policy, enum pw_alg alg,
    unsigned pbkdf2_iterations)
{
	memset(policy, 0, sizeof(*policy));
	policy->alg = alg;
	policy->iterations = pbkdf2_iterations;
	policy->argon2_m = PW_ARGON2_DEFAULT_M;
	policy->argon2_t = PW_ARGON2_DEFAULT_T;
	policy->argon2_p = PW_ARGON2_DEFAULT_P;
	policy->scrypt_n = PW_SCRYPT_DEFAULT_N;
	policy->scrypt_r = PW_SCRYPT_DEFAULT_R;
	policy->scrypt_p = PW_SCRYPT_DEFAULT_P;
	policy->bcrypt_cost = PW_BCRYPT_DEFAULT_COST;
}
