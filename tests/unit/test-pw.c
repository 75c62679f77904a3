/*
 * test-pw.c: every hash format we read and write.  The vectors were
 * made with Debian 12's python3-django (3.2) make_password and
 * hasher.encode (pbkdf2, argon2 through python3-argon2, bcrypt through
 * python3-bcrypt), with small costs so that the test stays fast.
 * scrypt: Django 3.2 has no ScryptPasswordHasher, so those were made
 * with hashlib.scrypt exactly as Django 4.0's encode does (dklen 64,
 * padded base64, "scrypt$n$salt$r$p$hash").  crypt(3) ones: htpasswd
 * -B, openssl passwd -6, and python3's crypt (libxcrypt) with
 * crypt_gensalt for $y$.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "log.h"
#include "pw.h"
#include "tap.h"

static const struct vector {
	const char	*name;
	const char	*password;
	const char	*encoded;
} vectors[] = {
	{ "django sha256 1000", "password123",
	  "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "django sha1 1000", "password123",
	  "pbkdf2_sha1$1000$abc$3qCNz1f2vRXFjzPbqzR4vh2IwDY=" },
	{ "django sha256 empty password", "",
	  "pbkdf2_sha256$1000$emptysalt$Th/GgYSDV3N4Zpkx3TpFlR/PPyCUSrZ7QQFwKxyd/oo=" },
	{ "django sha256 utf-8 password",
	  "p\xc3\xa4ssw\xc3\xb6rd \xe2\x98\x83",
	  "pbkdf2_sha256$1000$Zq3x9TfLmN0pQrStUvWxYz$NL+KcX1Vu7aRm249JX9LcsF9j4y0In+/zhdlBSKyI9Q=" },
	{ "django sha1 '$' in password", "pa$$word",
	  "pbkdf2_sha1$1000$saltsalt$e887ssxerLgg1VKkzSzzs1kYAmQ=" },
	{ "django sha256 7 iterations", "password123",
	  "pbkdf2_sha256$7$seasalt$ojajDgvwgFMr3NbXM9JJLu9Hu0u6DJHl9OSOpaBNyLk=" },
	{ "django sha1 1 iteration", "password123",
	  "pbkdf2_sha1$1$seasalt$sl0XBig7DkeKM6kpgkT98d/5eAM=" },
	{ "django sha256 random salt", "password123",
	  "pbkdf2_sha256$1000$ADjKfIGXkhqivfRYN2dZEC$s0n0CcEgZm8fcko3SYvqhEcWzxyrLjrTayD3MyRP+Ug=" },
	{ "django argon2id m=8,t=1,p=1", "password123",
	  "argon2$argon2id$v=19$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "django argon2id m=64,t=2,p=2 utf-8", "p\xc3\xa4ssw\xc3\xb6rd \xe2\x98\x83",
	  "argon2$argon2id$v=19$m=64,t=2,p=2$YzFIQU44dVRLajlxOXo3WnRmb3pXMA$lWqljmNqxr+VgQnFD4+GZw" },
	{ "django argon2id empty password", "",
	  "argon2$argon2id$v=19$m=8,t=1,p=1$ZW1wdHlzYWx0ZW1wdHlzYWx0$THp0Vw5C5REEA1FP2y+8kQ" },
	{ "argon2-cffi argon2i", "password123",
	  "argon2$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$wPBorBNrCWiOMaAAcjqv1UGlisnYgC/wn+blsvWiikE" },
	{ "argon2-cffi argon2d", "password123",
	  "argon2$argon2d$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$ia47SK3yCx++n6A/tBYLT2wFLk0dXQgP+He53fqaCXU" },
	{ "argon2-cffi argon2i v=16", "password123",
	  "argon2$argon2i$v=16$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$wQLhnd8/k/qRQpxahZNR4A" },
	{ "argon2 legacy (no v=) argon2i", "password123",
	  "argon2$argon2i$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$wQLhnd8/k/qRQpxahZNR4A" },
	{ "scrypt n=16,r=1,p=1", "password123",
	  "scrypt$16$abcdefghijklmnopqrstuv$1$1$dedtHxdVK+ukI4+P9aP6NeCrYcAG9KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6ZUEu5tIlVXecgjwi3VJrzQ==" },
	{ "scrypt n=32,r=2,p=3 utf-8", "p\xc3\xa4ssw\xc3\xb6rd \xe2\x98\x83",
	  "scrypt$32$Zq3x9TfLmN0pQrStUvWxYz$2$3$wBcSFF1z0s4jece8/FZPTDIVl1vyn6Aq2yc5WXGMYlXF5i4E9dvStHzA5sb96UN/51XLxGW6Ye+J4UpOPhrhlw==" },
	{ "scrypt n=16 empty password", "",
	  "scrypt$16$emptysalt$1$1$vR+K/K+jmBnvRn1AYYXDjibJd/+HTgeffVco8twept+CK+uMyPyGgNmfre1qCmImnBggfpQRUrlF188I7LnNSA==" },
	{ "django bcrypt_sha256 cost 4", "password123",
	  "bcrypt_sha256$$2b$04$PNSr3f1lmIbXrvoEroAy5uK8dno/NODEMdTHIoiy847RARU40tQi." },
	{ "django bcrypt_sha256 long password", "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy",
	  "bcrypt_sha256$$2b$04$BUV4btUs7lY2hE3BuM1E1.BhWvEF7K6xhydcez3YOY7qHqW3C889G" },
	{ "django bcrypt cost 4", "password123",
	  "bcrypt$$2b$04$EYrNCaZN48ooVQdnVrgzOOwjlHP1i0eCv1gMku7MnRFOWKv4VLOk." },
	{ "django bcrypt 80-byte password", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
	  "bcrypt$$2b$04$oyA5zQYCRNajch40UZkRAeuARn0JKzBBuTUxDUSkwwyf4p1gsBhT6" },
	{ "htpasswd -B $2y$ cost 4", "password123",
	  "$2y$04$GMi8a2.65hhRGSpghB0HXuNNaqnQP8l1S79WNV5MwNhAH8fxMOceK" },
	{ "crypt $6$ rounds=1000", "password123",
	  "$6$rounds=1000$saltsalt$dQSTnEbrCQekBfYzHxYHN.3z5ZQxOeZHv9A3llvCjJQj5GeXMaJost0TkWFNQZ0e0gQQf7jCVBjUpF1Zy2/io0" },
	{ "openssl passwd -6", "password123",
	  "$6$opensslsalt$eKsnLsBhuYXU.IvJNlEnmRP3SgZzUSBQfA3qn0uXnsBLq38yPzkEHbm4uzMhp2rbhHLksu3JVB8qY2ePtLyd4." },
	{ "crypt $5$ rounds=1000", "password123",
	  "$5$rounds=1000$saltsalt$LspI8dMi0edVRz1jBW488022v0w2GWM/PMo200oLM2A" },
	{ "libxcrypt $y$ cost 1", "password123",
	  "$y$j75$h9YlliC..s/kFUjte9w0L.$y.xYrKzeyyVX5KSpgiC5kz6lWZPWFnRAuRhNb8Q4Ns5" },
};

#define NVEC	(sizeof(vectors) / sizeof(vectors[0]))

/* Made by Django for "x" * 300. */
static const char long_hash[] =
    "pbkdf2_sha256$1000$longpw$SxhY+lUITw2ZrXPch7LY8gpLIiKrHIfjRSAvBbL8trQ=";

static const struct malformed {
	const char	*name;
	const char	*encoded;
} malformed[] = {
	{ "empty string", "" },
	{ "no dollar", "pbkdf2_sha256" },
	{ "unknown algorithm", "pbkdf2_sha512$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "md5 algorithm", "md5$abc$0123456789abcdef0123456789abcdef" },
	{ "algorithm case", "PBKDF2_SHA256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "missing hash field", "pbkdf2_sha256$1000$abc" },
	{ "empty hash", "pbkdf2_sha256$1000$abc$" },
	{ "empty salt", "pbkdf2_sha256$1000$$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "empty iterations", "pbkdf2_sha256$$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "zero iterations", "pbkdf2_sha256$0$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "negative iterations", "pbkdf2_sha256$-1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "leading zero iterations", "pbkdf2_sha256$01000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "plus sign iterations", "pbkdf2_sha256$+1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "hex iterations", "pbkdf2_sha256$0x3e8$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "iterations over 100M", "pbkdf2_sha256$100000001$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "iterations overflow", "pbkdf2_sha256$99999999999999999999$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "space in iterations", "pbkdf2_sha256$ 1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "hash too short", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cg=" },
	{ "hash too long", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgwA=" },
	{ "hash without padding", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw" },
	{ "hash base64url", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ_JnVFQ4F-Mzrv6Mnny5cgw=" },
	{ "padding inside hash", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6Xv=zEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "sha1 length hash for sha256", "pbkdf2_sha256$1000$abc$3qCNz1f2vRXFjzPbqzR4vh2IwDY=" },
	{ "sha256 length hash for sha1", "pbkdf2_sha1$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "fifth field", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=$x" },
	{ "newline after hash", "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=\n" },
	{ "control char in salt", "pbkdf2_sha256$1000$a\tc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "leading space", " pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "md5 crypt $1$", "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/" },
	{ "des crypt", "abJnggxhB/yWI" },
	{ "crypt $7$ (scrypt)", "$7$CU..../....saltsalt$hash" },
	{ "sha1 (django legacy)", "sha1$abc$0123456789abcdef0123456789abcdef01234567" },
	{ "bcrypt (unsalted_md5 wrapper)", "bcrypt_md5$$2b$04$vdo9uDpkrrja4YfmTVQujOyUhjsINEa1EOgcMdnArlMPwuiJt7D7i" },

	/* argon2 */
	{ "argon2 no variant", "argon2$v=19$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 variant argon2x", "argon2$argon2x$v=19$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 version 18", "argon2$argon2id$v=18$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 version empty", "argon2$argon2id$v=$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 params out of order", "argon2$argon2id$v=19$t=1,m=8,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 missing p", "argon2$argon2id$v=19$m=8,t=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 extra param", "argon2$argon2id$v=19$m=8,t=1,p=1,x=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 space in params", "argon2$argon2id$v=19$m=8, t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 zero t", "argon2$argon2id$v=19$m=8,t=0,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 zero p", "argon2$argon2id$v=19$m=8,t=1,p=0$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 m under 8 * p", "argon2$argon2id$v=19$m=15,t=1,p=2$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 m over 256 MiB", "argon2$argon2id$v=19$m=262145,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 m over 4 GiB (wraps)", "argon2$argon2id$v=19$m=4194305,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 t over 64", "argon2$argon2id$v=19$m=8,t=65,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 m * t over 4 GiB", "argon2$argon2id$v=19$m=262144,t=17,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 p over 64", "argon2$argon2id$v=19$m=1024,t=1,p=65$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 leading zero m", "argon2$argon2id$v=19$m=08,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 salt under 8 bytes", "argon2$argon2id$v=19$m=8,t=1,p=1$YWJjZGVmZw$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 empty salt", "argon2$argon2id$v=19$m=8,t=1,p=1$$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 salt padded", "argon2$argon2id$v=19$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg==$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 salt non-zero trailing bits", "argon2$argon2id$v=19$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dh$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 salt length 1 mod 4", "argon2$argon2id$v=19$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dgAAA$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 base64url salt", "argon2$argon2id$v=19$m=8,t=1,p=1$YWJj_GVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },
	{ "argon2 hash under 4 bytes", "argon2$argon2id$v=19$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw" },
	{ "argon2 empty hash", "argon2$argon2id$v=19$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$" },
	{ "argon2 hash over 64 bytes", "argon2$argon2id$v=19$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
	{ "argon2 missing hash", "argon2$argon2id$v=19$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg" },
	{ "argon2 sixth field", "argon2$argon2id$v=19$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q$x" },
	{ "argon2 without Django prefix", "$argon2id$v=19$m=8,t=1,p=1$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q" },

	/* scrypt */
	{ "scrypt n not a power of 2", "scrypt$17$abcdefghijklmnopqrstuv$1$1$dedtHxdVK+ukI4+P9aP6NeCrYcAG9KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6ZUEu5tIlVXecgjwi3VJrzQ==" },
	{ "scrypt n 1", "scrypt$1$abcdefghijklmnopqrstuv$1$1$dedtHxdVK+ukI4+P9aP6NeCrYcAG9KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6ZUEu5tIlVXecgjwi3VJrzQ==" },
	{ "scrypt n over 2^20", "scrypt$2097152$abcdefghijklmnopqrstuv$1$1$dedtHxdVK+ukI4+P9aP6NeCrYcAG9KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6ZUEu5tIlVXecgjwi3VJrzQ==" },
	{ "scrypt memory over 256 MiB", "scrypt$1048576$abcdefghijklmnopqrstuv$8$1$dedtHxdVK+ukI4+P9aP6NeCrYcAG9KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6ZUEu5tIlVXecgjwi3VJrzQ==" },
	{ "scrypt n*r*p over 2^24", "scrypt$65536$abcdefghijklmnopqrstuv$8$64$dedtHxdVK+ukI4+P9aP6NeCrYcAG9KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6ZUEu5tIlVXecgjwi3VJrzQ==" },
	{ "scrypt r 0", "scrypt$16$abcdefghijklmnopqrstuv$0$1$dedtHxdVK+ukI4+P9aP6NeCrYcAG9KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6ZUEu5tIlVXecgjwi3VJrzQ==" },
	{ "scrypt p over 64", "scrypt$16$abcdefghijklmnopqrstuv$1$65$dedtHxdVK+ukI4+P9aP6NeCrYcAG9KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6ZUEu5tIlVXecgjwi3VJrzQ==" },
	{ "scrypt empty salt", "scrypt$16$$1$1$dedtHxdVK+ukI4+P9aP6NeCrYcAG9KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6ZUEu5tIlVXecgjwi3VJrzQ==" },
	{ "scrypt missing p", "scrypt$16$abcdefghijklmnopqrstuv$1$dedtHxdVK+ukI4+P9aP6NeCrYcAG9KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6ZUEu5tIlVXecgjwi3VJrzQ==" },
	{ "scrypt hash 32 bytes", "scrypt$16$abcdefghijklmnopqrstuv$1$1$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=" },
	{ "scrypt hash without padding", "scrypt$16$abcdefghijklmnopqrstuv$1$1$dedtHxdVK+ukI4+P9aP6NeCrYcAG9KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6ZUEu5tIlVXecgjwi3VJrzQ" },
	{ "scrypt r, p swapped order (passlib)", "scrypt$16$1$1$abcdefghijklmnopqrstuv$dedtHxdVK+ukI4+P9aP6NeCrYcAG9KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6ZUEu5tIlVXecgjwi3VJrzQ==" },

	/* bcrypt kinds */
	{ "bcrypt_sha256 single dollar", "bcrypt_sha256$2b$04$C6B54cy8vwtHodsNZ6YV.eSKolZK9Ff0F4.qi7C5HVAavh6CkakhG" },
	{ "bcrypt_sha256 $2x$", "bcrypt_sha256$$2x$04$C6B54cy8vwtHodsNZ6YV.eSKolZK9Ff0F4.qi7C5HVAavh6CkakhG" },
	{ "bcrypt_sha256 cost 03", "bcrypt_sha256$$2b$03$C6B54cy8vwtHodsNZ6YV.eSKolZK9Ff0F4.qi7C5HVAavh6CkakhG" },
	{ "bcrypt_sha256 cost 17", "bcrypt_sha256$$2b$17$C6B54cy8vwtHodsNZ6YV.eSKolZK9Ff0F4.qi7C5HVAavh6CkakhG" },
	{ "bcrypt cost 31", "bcrypt$$2b$31$C6B54cy8vwtHodsNZ6YV.eSKolZK9Ff0F4.qi7C5HVAavh6CkakhG" },
	{ "bcrypt one-digit cost", "bcrypt$$2b$4$C6B54cy8vwtHodsNZ6YV.eSKolZK9Ff0F4.qi7C5HVAavh6CkakhGx" },
	{ "bcrypt short", "bcrypt$$2b$04$C6B54cy8vwtHodsNZ6YV.eSKolZK9Ff0F4.qi7C5HVAavh6Ckakh" },
	{ "bcrypt long", "bcrypt$$2b$04$C6B54cy8vwtHodsNZ6YV.eSKolZK9Ff0F4.qi7C5HVAavh6CkakhGG" },
	{ "bcrypt '+' in salt", "bcrypt$$2b$04$C6B54cy8vwtHodsNZ6YV+eSKolZK9Ff0F4.qi7C5HVAavh6CkakhG" },
	{ "bcrypt no '$' after cost", "bcrypt$$2b$04xC6B54cy8vwtHodsNZ6YV.eSKolZK9Ff0F4.qi7C5HVAavh6CkakhG" },
	{ "crypt $2y$ cost 17", "$2y$17$Lh5aQ3I3lTgvggbe0RbimO9VN5iVX3rSfRIX05Tg0k8vzdaCubbnK" },
	{ "crypt $2$ (no minor)", "$2$04$Lh5aQ3I3lTgvggbe0RbimO9VN5iVX3rSfRIX05Tg0k8vzdaCubbnK" },

	/* sha-crypt, yescrypt */
	{ "$6$ rounds under 1000", "$6$rounds=999$saltsalt$dQSTnEbrCQekBfYzHxYHN.3z5ZQxOeZHv9A3llvCjJQj5GeXMaJost0TkWFNQZ0e0gQQf7jCVBjUpF1Zy2/io0" },
	{ "$6$ rounds over 1M", "$6$rounds=1000001$saltsalt$dQSTnEbrCQekBfYzHxYHN.3z5ZQxOeZHv9A3llvCjJQj5GeXMaJost0TkWFNQZ0e0gQQf7jCVBjUpF1Zy2/io0" },
	{ "$6$ rounds leading zero", "$6$rounds=01000$saltsalt$dQSTnEbrCQekBfYzHxYHN.3z5ZQxOeZHv9A3llvCjJQj5GeXMaJost0TkWFNQZ0e0gQQf7jCVBjUpF1Zy2/io0" },
	{ "$6$ salt over 16", "$6$saltsaltsaltsalts$dQSTnEbrCQekBfYzHxYHN.3z5ZQxOeZHv9A3llvCjJQj5GeXMaJost0TkWFNQZ0e0gQQf7jCVBjUpF1Zy2/io0" },
	{ "$6$ empty salt", "$6$$dQSTnEbrCQekBfYzHxYHN.3z5ZQxOeZHv9A3llvCjJQj5GeXMaJost0TkWFNQZ0e0gQQf7jCVBjUpF1Zy2/io0" },
	{ "$6$ short hash", "$6$saltsalt$dQSTnEbrCQekBfYzHxYHN.3z5ZQxOeZHv9A3llvCjJQj5GeXMaJost0TkWFNQZ0e0gQQf7jCVBjUpF1Zy2/io" },
	{ "$6$ no hash", "$6$saltsalt" },
	{ "$6$ ':' in salt", "$6$salt:alt$dQSTnEbrCQekBfYzHxYHN.3z5ZQxOeZHv9A3llvCjJQj5GeXMaJost0TkWFNQZ0e0gQQf7jCVBjUpF1Zy2/io0" },
	{ "$5$ with a $6$ length hash", "$5$saltsalt$dQSTnEbrCQekBfYzHxYHN.3z5ZQxOeZHv9A3llvCjJQj5GeXMaJost0TkWFNQZ0e0gQQf7jCVBjUpF1Zy2/io0" },
	{ "$y$ N over 2^20", "$y$jIT$cUapZetX6l.xSL6lU1PgH0$mNzpMBjlMV9UbhtYBsf1w8iVSIPAph8Nf5/FccKsYeA" },
	{ "$y$ memory over 256 MiB", "$y$jHT$cUapZetX6l.xSL6lU1PgH0$mNzpMBjlMV9UbhtYBsf1w8iVSIPAph8Nf5/FccKsYeA" },
	{ "$y$ ROM parameter", "$y$j75M..$cUapZetX6l.xSL6lU1PgH0$mNzpMBjlMV9UbhtYBsf1w8iVSIPAph8Nf5/FccKsYeA" },
	{ "$y$ truncated params", "$y$j$cUapZetX6l.xSL6lU1PgH0$mNzpMBjlMV9UbhtYBsf1w8iVSIPAph8Nf5/FccKsYeA" },
	{ "$y$ empty params", "$y$$cUapZetX6l.xSL6lU1PgH0$mNzpMBjlMV9UbhtYBsf1w8iVSIPAph8Nf5/FccKsYeA" },
	{ "$y$ short hash", "$y$j75$cUapZetX6l.xSL6lU1PgH0$mNzpMBjlMV9UbhtYBsf1w8iVSIPAph8Nf5/FccKsYe" },
	{ "$y$ no salt", "$y$j75$mNzpMBjlMV9UbhtYBsf1w8iVSIPAph8Nf5/FccKsYeA" },
	{ "lone '$'", "$" },
};

#define NMAL	(sizeof(malformed) / sizeof(malformed[0]))

static int	 nwarn;
static char	 lastwarn[1024];

/* Counts log lines and keeps the last, to see what pw_verify logs. */
static void
sink(void *arg, const char *line, size_t len)
{
	(void)arg;
	nwarn++;
	snprintf(lastwarn, sizeof(lastwarn), "%.*s", (int)len, line);
}

static void
test_vectors(void)
{
	const struct vector *v;
	char		 x300[301];
	size_t		 i;

	for (i = 0; i < NVEC; i++) {
		v = &vectors[i];
		is_int(pw_verify(v->password, strlen(v->password), v->encoded),
		    SVC_OK, v->name);
		is_int(pw_verify("wrong", 5, v->encoded), SVC_DENIED,
		    v->name);
	}
	memset(x300, 'x', 300);
	x300[300] = '\0';
	is_int(pw_verify(x300, 300, long_hash), SVC_OK,
	    "django 300-byte password");
	is_int(pw_verify(x300, 299, long_hash), SVC_DENIED,
	    "299 of the 300 bytes refused");
	is_int(pw_verify("password1234", 11, vectors[0].encoded), SVC_OK,
	    "len, not NUL, ends the password");
	is_int(pw_verify("Password123", 11, vectors[0].encoded), SVC_DENIED,
	    "case differs: refused");
	is_int(pw_verify("password12", 10, vectors[0].encoded), SVC_DENIED,
	    "prefix refused");
	is_int(pw_verify("", 0, vectors[0].encoded), SVC_DENIED,
	    "empty password refused");
	is_int(pw_verify(NULL, 0, vectors[2].encoded), SVC_OK,
	    "NULL, 0 is the empty password");
	/* A flipped last character before the padding. */
	is_int(pw_verify("password123", 11,
	    "pbkdf2_sha256$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgx="),
	    SVC_DENIED, "one bit off in the hash refused");
	is_int(pw_verify("password123", 11,
	    "pbkdf2_sha256$1001$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw="),
	    SVC_DENIED, "other iteration count refused");
	is_int(pw_verify("password123", 11,
	    "pbkdf2_sha1$1000$abc$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw="),
	    SVC_DENIED, "sha256 hash relabelled sha1 refused");
}

static void
test_unusable(void)
{
	struct pw_parsed pp;

	is_int(pw_parse("!", &pp), SVC_OK, "'!' parses");
	is_int(pp.alg, PW_UNUSABLE, "'!' is PW_UNUSABLE");
	is_int(pw_parse("!algIGHs90yoBnzMuVImrb0pIkNrGv4kJQJ3baivC", &pp),
	    SVC_OK, "django unusable parses");
	is_int(pp.alg, PW_UNUSABLE, "django unusable is PW_UNUSABLE");
	is_int(pw_verify("", 0, "!"), SVC_DENIED, "'!' matches empty");
	is_int(pw_verify("!", 1, "!"), SVC_DENIED, "'!' matches '!'");
	is_int(pw_verify("password123", 11, "!pbkdf2_sha256$1000$abc$"
	    "w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw="), SVC_DENIED,
	    "'!' before a good hash matches nothing");
}

static void
test_malformed(void)
{
	struct pw_parsed pp;
	char		 big[PW_ENCODED_MAX + 128];
	size_t		 i;
	int		 before;

	for (i = 0; i < NMAL; i++) {
		is_int(pw_parse(malformed[i].encoded, &pp), SVC_BADINPUT,
		    malformed[i].name);
		is_int(pw_verify("password123", 11, malformed[i].encoded),
		    SVC_DENIED, malformed[i].name);
	}
	is_int(pw_parse(NULL, &pp), SVC_BADINPUT, "NULL hash");
	is_int(pw_verify("x", 1, NULL), SVC_DENIED, "NULL hash denied");

	/* Over PW_ENCODED_MAX, with a salt that would be fine otherwise. */
	snprintf(big, sizeof(big), "pbkdf2_sha256$1000$%0*d$%s",
	    PW_ENCODED_MAX, 0, "w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+Mzrv6Mnny5cgw=");
	is_int(pw_parse(big, &pp), SVC_BADINPUT, "over PW_ENCODED_MAX");

	/* pw_verify warned once, without the hash, for all of these. */
	is_int(nwarn, 1, "malformed hashes logged once");
	ok(strstr(lastwarn, "malformed") != NULL &&
	    strstr(lastwarn, "pbkdf2") == NULL &&
	    strstr(lastwarn, "w7fm") == NULL, "warning names no hash: %s",
	    lastwarn);
	before = nwarn;
	pw_verify("x", 1, "garbage");
	is_int(nwarn, before, "still once");
}

static void
test_parse(void)
{
	struct pw_parsed pp;

	is_int(pw_parse(vectors[0].encoded, &pp), SVC_OK, "parse sha256");
	is_int(pp.alg, PW_PBKDF2_SHA256, "parse: alg");
	is_int(pp.iterations, 1000, "parse: iterations");
	ok(pp.salt_len == 3 && memcmp(pp.salt, "abc", 3) == 0,
	    "parse: salt");
	ok(pp.hash_len == 44 && memcmp(pp.hash, "w7fm", 4) == 0,
	    "parse: hash");
	is_int(pw_parse(vectors[1].encoded, &pp), SVC_OK, "parse sha1");
	is_int(pp.alg, PW_PBKDF2_SHA1, "parse sha1: alg");
	is_int(pp.hash_len, 28, "parse sha1: hash length");
	is_int(pw_parse("pbkdf2_sha256$100000000$abc$w7fmysQbs9GO6XvtzEilJ/"
	    "JnVFQ4F+Mzrv6Mnny5cgw=", &pp), SVC_OK, "100M iterations parse");
	is_int(pp.iterations, 100000000, "100M iterations value");
	is_int(pw_parse("pbkdf2_sha256$1$a b$w7fmysQbs9GO6XvtzEilJ/JnVFQ4F+"
	    "Mzrv6Mnny5cgw=", &pp), SVC_OK, "space in salt parses");
}

/* The vector called name (it must exist). */
static const char *
vec(const char *name)
{
	size_t	 i;

	for (i = 0; i < NVEC; i++)
		if (strcmp(vectors[i].name, name) == 0)
			return vectors[i].encoded;
	fprintf(stderr, "no vector %s\n", name);
	return "";
}

static void
test_parse_formats(void)
{
	struct pw_parsed pp;

	is_int(pw_parse(vec("django argon2id m=64,t=2,p=2 utf-8"), &pp),
	    SVC_OK, "parse argon2");
	ok(pp.alg == PW_ARGON2 && pp.argon2_type == PW_ARGON2_ID &&
	    pp.argon2_version == 0x13 && pp.argon2_m == 64 &&
	    pp.argon2_t == 2 && pp.argon2_p == 2 && pp.salt_raw_len == 22 &&
	    pp.hash_raw_len == 16, "parse argon2: fields");
	is_int(pw_parse(vec("argon2 legacy (no v=) argon2i"), &pp), SVC_OK,
	    "parse argon2 legacy");
	ok(pp.argon2_type == PW_ARGON2_I && pp.argon2_version == 0x10,
	    "parse argon2 legacy: argon2i version 0x10");
	is_int(pw_parse(vec("argon2-cffi argon2d"), &pp), SVC_OK,
	    "parse argon2d");
	ok(pp.argon2_type == PW_ARGON2_D && pp.hash_raw_len == 32,
	    "parse argon2d: type, 32-byte hash");
	is_int(pw_parse("argon2$argon2id$v=19$m=262144,t=16,p=64$"
	    "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$6uDw2aR9ywDebFheUosC0Q", &pp),
	    SVC_OK, "argon2 at the bounds parses");

	is_int(pw_parse(vec("scrypt n=32,r=2,p=3 utf-8"), &pp), SVC_OK,
	    "parse scrypt");
	ok(pp.alg == PW_SCRYPT && pp.scrypt_n == 32 && pp.scrypt_r == 2 &&
	    pp.scrypt_p == 3 && pp.salt_len == 22 && pp.hash_len == 88,
	    "parse scrypt: fields");
	is_int(pw_parse("scrypt$1048576$abc$2$1$dedtHxdVK+ukI4+P9aP6NeCrYcAG9"
	    "KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6ZUEu5tIlVXecgjwi3VJrzQ==", &pp),
	    SVC_OK, "scrypt n=2^20, r=2 (256 MiB) parses");

	is_int(pw_parse(vec("django bcrypt_sha256 cost 4"), &pp), SVC_OK,
	    "parse bcrypt_sha256");
	ok(pp.alg == PW_BCRYPT_SHA256 && pp.cost == 4 && pp.salt_len == 22 &&
	    pp.hash_len == 31, "parse bcrypt_sha256: fields");
	is_int(pw_parse(vec("django bcrypt cost 4"), &pp), SVC_OK,
	    "parse bcrypt");
	is_int(pp.alg, PW_BCRYPT, "parse bcrypt: alg");
	is_int(pw_parse(vec("htpasswd -B $2y$ cost 4"), &pp), SVC_OK,
	    "parse $2y$");
	ok(pp.alg == PW_CRYPT_BCRYPT && pp.cost == 4, "parse $2y$: fields");
	is_int(pw_parse("$2a$16$Lh5aQ3I3lTgvggbe0RbimO9VN5iVX3rSfRIX05Tg0k8vz"
	    "daCubbnK", &pp), SVC_OK, "$2a$ cost 16 parses");

	is_int(pw_parse(vec("crypt $6$ rounds=1000"), &pp), SVC_OK,
	    "parse $6$ rounds");
	ok(pp.alg == PW_CRYPT_SHA512 && pp.iterations == 1000 &&
	    pp.salt_len == 8, "parse $6$ rounds: fields");
	is_int(pw_parse(vec("openssl passwd -6"), &pp), SVC_OK,
	    "parse $6$");
	is_int(pp.iterations, 5000, "parse $6$: default 5000 rounds");
	is_int(pw_parse(vec("crypt $5$ rounds=1000"), &pp), SVC_OK,
	    "parse $5$");
	is_int(pp.alg, PW_CRYPT_SHA256, "parse $5$: alg");
	is_int(pw_parse(vec("libxcrypt $y$ cost 1"), &pp), SVC_OK,
	    "parse $y$");
	ok(pp.alg == PW_CRYPT_YESCRYPT && pp.scrypt_n == 1024 &&
	    pp.scrypt_r == 8 && pp.scrypt_p == 1, "parse $y$: N, r, p");
	is_int(pw_parse("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317f"
	    "hZg9SqC.8AXt63yFM4e.", &pp), SVC_OK, "parse $y$ default cost 5");
	ok(pp.scrypt_n == 4096 && pp.scrypt_r == 32, "$y$ j9T: N 4096, r 32");
}

static void
test_crypt_edges(void)
{
	char		 pw80[81];
	const char	*b = vec("django bcrypt 80-byte password");

	memset(pw80, 'z', 80);
	pw80[80] = '\0';
	is_int(pw_verify(pw80, 72, b), SVC_OK,
	    "bcrypt: 72 of the 80 bytes match (bcrypt reads 72)");
	is_int(pw_verify(pw80, 71, b), SVC_DENIED, "bcrypt: 71 do not");
	is_int(pw_verify("yyyy", 4, vec("django bcrypt_sha256 long password")),
	    SVC_DENIED, "bcrypt_sha256: no truncation");
	is_int(pw_verify("password123\0x", 13, vec("django bcrypt cost 4")),
	    SVC_DENIED, "bcrypt: a NUL in the password is refused");
	is_int(pw_verify("password123\0x", 13, vec("openssl passwd -6")),
	    SVC_DENIED, "crypt: a NUL in the password is refused");
	is_int(pw_verify("password123", 11, "bcrypt_sha256$$2b$04$PNSr3f1lmIbX"
	    "rvoEroAy5uK8dno/NODEMdTHIoiy847RARU40tQi/"), SVC_DENIED,
	    "bcrypt: last hash char changed refused");
	is_int(pw_verify("password123", 11, "$6$rounds=1001$saltsalt$dQSTnEbrCQ"
	    "ekBfYzHxYHN.3z5ZQxOeZHv9A3llvCjJQj5GeXMaJost0TkWFNQZ0e0gQQf7jCVBjUp"
	    "F1Zy2/io0"), SVC_DENIED, "$6$ other rounds refused");
	is_int(pw_verify("password123", 11, "argon2$argon2i$v=19$m=8,t=1,p=1$c2"
	    "FsdHNhbHRzYWx0$ia47SK3yCx++n6A/tBYLT2wFLk0dXQgP+He53fqaCXU"),
	    SVC_DENIED, "argon2d hash relabelled argon2i refused");
	is_int(pw_verify("password123", 11, "argon2$argon2i$v=19$m=8,t=1,p=1$c2"
	    "FsdHNhbHRzYWx0$wQLhnd8/k/qRQpxahZNR4A"), SVC_DENIED,
	    "argon2 v=16 hash relabelled v=19 refused");
	/* Parses (we leave the flavor to libxcrypt), which refuses it. */
	is_int(pw_verify("password123", 11, "$y$k75$cUapZetX6l.xSL6lU1PgH0$mNzp"
	    "MBjlMV9UbhtYBsf1w8iVSIPAph8Nf5/FccKsYeA"), SVC_DENIED,
	    "$y$ flavor that crypt_r refuses: denied, not an error");
	is_int(pw_verify("password123", 11, "scrypt$16$abcdefghijklmnopqrstuv$1"
	    "$2$dedtHxdVK+ukI4+P9aP6NeCrYcAG9KBF1JTdMqk08JtxILukvx1X761JDjS3eVi6"
	    "ZUEu5tIlVXecgjwi3VJrzQ=="), SVC_DENIED, "scrypt other p refused");
}

static void
test_rehash(void)
{
	const struct pw_policy p1000 = { .alg = PW_PBKDF2_SHA256,
	    .iterations = 1000 };
	const struct pw_policy p2000 = { .alg = PW_PBKDF2_SHA256,
	    .iterations = 2000 };
	const struct pw_policy sha1 = { .alg = PW_PBKDF2_SHA1,
	    .iterations = 1000 };
	struct pw_policy a, sc, bc, bcs;
	const char	*good22 = vectors[7].encoded;
	const char	*a64 = vec("django argon2id m=64,t=2,p=2 utf-8");

	is_int(pw_needs_rehash(good22, &p1000), 0, "same alg and cost");
	is_int(pw_needs_rehash(good22, &p2000), 1, "other iterations");
	is_int(pw_needs_rehash(good22, &sha1), 1, "other algorithm");
	is_int(pw_needs_rehash(vectors[1].encoded, &p1000), 1,
	    "sha1 under a sha256 policy");
	is_int(pw_needs_rehash(vectors[0].encoded, &p1000), 1,
	    "short salt (Django must_update_salt)");
	is_int(pw_needs_rehash(vectors[3].encoded, &p1000), 0,
	    "22-char salt");
	is_int(pw_needs_rehash("!", &p1000), 0, "unusable: no rehash");
	is_int(pw_needs_rehash("garbage", &p1000), 0, "malformed: no rehash");
	is_int(pw_needs_rehash(good22, NULL), 0, "no policy: no rehash");

	/* argon2: Django compares every parameter, hash length and salt. */
	pw_policy_init(&a, PW_ARGON2, 1000);
	a.argon2_m = 64;
	a.argon2_t = 2;
	a.argon2_p = 2;
	is_int(pw_needs_rehash(a64, &a), 1,
	    "argon2: 16-byte hash (argon2-cffi 21.1) under a 32-byte policy");
	is_int(pw_needs_rehash(a64, &p1000), 1, "argon2 under pbkdf2");
	is_int(pw_needs_rehash(good22, &a), 1, "pbkdf2 under argon2");
	is_int(pw_needs_rehash("argon2$argon2id$v=19$m=64,t=2,p=2$"
	    "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAA", &a), 0, "argon2: same m, t, p, 32-byte hash, 22-byte salt");
	is_int(pw_needs_rehash("argon2$argon2id$v=19$m=64,t=3,p=2$"
	    "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAA", &a), 1, "argon2: other t");
	is_int(pw_needs_rehash("argon2$argon2id$v=19$m=128,t=2,p=2$"
	    "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAA", &a), 1, "argon2: other m");
	is_int(pw_needs_rehash("argon2$argon2id$v=19$m=64,t=2,p=1$"
	    "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAA", &a), 1, "argon2: other p");
	is_int(pw_needs_rehash("argon2$argon2i$v=19$m=64,t=2,p=2$"
	    "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAA", &a), 1, "argon2: argon2i");
	is_int(pw_needs_rehash("argon2$argon2id$v=16$m=64,t=2,p=2$"
	    "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAA", &a), 1, "argon2: version 0x10");
	is_int(pw_needs_rehash("argon2$argon2id$v=19$m=64,t=2,p=2$"
	    "c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &a), 1,
	    "argon2: 12-byte salt");

	pw_policy_init(&sc, PW_SCRYPT, 1000);
	sc.scrypt_n = 16;
	sc.scrypt_r = 1;
	sc.scrypt_p = 1;
	is_int(pw_needs_rehash(vec("scrypt n=16,r=1,p=1"), &sc), 0,
	    "scrypt: same n, r, p");
	is_int(pw_needs_rehash(vec("scrypt n=32,r=2,p=3 utf-8"), &sc), 1,
	    "scrypt: other n, r, p");
	sc.scrypt_p = 2;
	is_int(pw_needs_rehash(vec("scrypt n=16,r=1,p=1"), &sc), 1,
	    "scrypt: other p");
	pw_policy_init(&sc, PW_SCRYPT, 1000);
	is_int(pw_needs_rehash(vec("scrypt n=16,r=1,p=1"), &sc), 1,
	    "scrypt: Django's default policy");

	pw_policy_init(&bcs, PW_BCRYPT_SHA256, 1000);
	is_int(pw_needs_rehash(vec("django bcrypt_sha256 cost 4"), &bcs), 1,
	    "bcrypt_sha256: cost 4 under 12");
	bcs.bcrypt_cost = 4;
	is_int(pw_needs_rehash(vec("django bcrypt_sha256 cost 4"), &bcs), 0,
	    "bcrypt_sha256: same cost");
	is_int(pw_needs_rehash(vec("django bcrypt cost 4"), &bcs), 1,
	    "bcrypt under bcrypt_sha256");
	pw_policy_init(&bc, PW_BCRYPT, 1000);
	bc.bcrypt_cost = 4;
	is_int(pw_needs_rehash(vec("django bcrypt cost 4"), &bc), 0,
	    "bcrypt: same cost");
	is_int(pw_needs_rehash(vec("htpasswd -B $2y$ cost 4"), &bc), 1,
	    "crypt $2y$ under Django bcrypt: to Django's format");
	is_int(pw_needs_rehash(vec("openssl passwd -6"), &p1000), 1,
	    "crypt $6$: always");
	is_int(pw_needs_rehash(vec("libxcrypt $y$ cost 1"), &p1000), 1,
	    "crypt $y$: always");
}

/* Makes with policy, checks the prefix, round trip, no rehash. */
static void
make_one(const char *what, const struct pw_policy *pol, const char *prefix)
{
	char		 a[PW_ENCODED_MAX], b[PW_ENCODED_MAX];
	struct pw_parsed pp;

	is_int(pw_make("s3cret pass", 11, pol, a, sizeof(a)), SVC_OK, what);
	ok(strncmp(a, prefix, strlen(prefix)) == 0, "%s: prefix %s", what, a);
	ok(strlen(a) <= 128, "%s: fits Django's varchar(128)", what);
	is_int(pw_parse(a, &pp), SVC_OK, what);
	is_int(pw_verify("s3cret pass", 11, a), SVC_OK, what);
	is_int(pw_verify("s3cret pasS", 11, a), SVC_DENIED, what);
	is_int(pw_needs_rehash(a, pol), 0, what);
	is_int(pw_make("s3cret pass", 11, pol, b, sizeof(b)), SVC_OK, what);
	ok(strcmp(a, b) != 0, "%s: two salts differ", what);
	is_int(pw_make("", 0, pol, a, sizeof(a)), SVC_OK, what);
	ok(pw_verify("", 0, a) == SVC_OK, "%s: empty password", what);
}

static void
test_make(void)
{
	const struct pw_policy pol = { .alg = PW_PBKDF2_SHA256,
	    .iterations = 1000 };
	const struct pw_policy pol1 = { .alg = PW_PBKDF2_SHA1,
	    .iterations = 3 };
	const struct pw_policy bad = { .alg = PW_UNUSABLE,
	    .iterations = 1000 };
	const struct pw_policy crypt6 = { .alg = PW_CRYPT_SHA512,
	    .iterations = 1000 };
	const struct pw_policy zero = { .alg = PW_PBKDF2_SHA256 };
	struct pw_policy p;
	struct pw_parsed pp;
	char		 a[PW_ENCODED_MAX], b[PW_ENCODED_MAX];
	size_t		 i;
	int		 alnum = 1;

	is_int(pw_make("s3cret pass", 11, &pol, a, sizeof(a)), SVC_OK,
	    "make sha256");
	ok(strncmp(a, "pbkdf2_sha256$1000$", 19) == 0, "make: prefix %s", a);
	is_int(pw_verify("s3cret pass", 11, a), SVC_OK, "make: round trip");
	is_int(pw_verify("s3cret pasS", 11, a), SVC_DENIED,
	    "make: wrong password");
	is_int(pw_parse(a, &pp), SVC_OK, "make: parses");
	is_int(pp.salt_len, 22, "make: salt is 22 chars");
	for (i = 0; i < pp.salt_len; i++)
		if (!((pp.salt[i] >= 'a' && pp.salt[i] <= 'z') ||
		    (pp.salt[i] >= 'A' && pp.salt[i] <= 'Z') ||
		    (pp.salt[i] >= '0' && pp.salt[i] <= '9')))
			alnum = 0;
	ok(alnum, "make: salt is [A-Za-z0-9]");
	is_int(pw_needs_rehash(a, &pol), 0, "make: no rehash");
	is_int(pw_make("s3cret pass", 11, &pol, b, sizeof(b)), SVC_OK,
	    "make again");
	ok(strcmp(a, b) != 0, "make: two salts differ");

	is_int(pw_make("", 0, &pol1, a, sizeof(a)), SVC_OK, "make sha1");
	ok(strncmp(a, "pbkdf2_sha1$3$", 14) == 0, "make sha1: prefix");
	is_int(pw_verify("", 0, a), SVC_OK, "make sha1: round trip");

	pw_policy_init(&p, PW_ARGON2, 1000);
	p.argon2_m = 8;
	p.argon2_t = 1;
	p.argon2_p = 1;
	make_one("make argon2 m=8,t=1,p=1", &p,
	    "argon2$argon2id$v=19$m=8,t=1,p=1$");
	is_int(pw_make("x", 1, &p, a, sizeof(a)), SVC_OK, "make argon2 x");
	is_int(pw_parse(a, &pp), SVC_OK, "make argon2: parses");
	ok(pp.salt_raw_len == 22 && pp.hash_raw_len == 32,
	    "make argon2: 22-byte salt, 32-byte hash (as Django)");
	p.argon2_m = 15;
	p.argon2_p = 2;
	is_int(pw_make("x", 1, &p, a, sizeof(a)), SVC_BADINPUT,
	    "make argon2 m under 8 * p refused");

	pw_policy_init(&p, PW_SCRYPT, 1000);
	p.scrypt_n = 16;
	p.scrypt_r = 1;
	p.scrypt_p = 1;
	make_one("make scrypt n=16,r=1,p=1", &p, "scrypt$16$");
	p.scrypt_n = 24;
	is_int(pw_make("x", 1, &p, a, sizeof(a)), SVC_BADINPUT,
	    "make scrypt n not a power of 2 refused");

	pw_policy_init(&p, PW_BCRYPT_SHA256, 1000);
	p.bcrypt_cost = 4;
	make_one("make bcrypt_sha256 cost 4", &p, "bcrypt_sha256$$2b$04$");
	p.alg = PW_BCRYPT;
	make_one("make bcrypt cost 4", &p, "bcrypt$$2b$04$");
	is_int(pw_make("a\0b", 3, &p, a, sizeof(a)), SVC_BADINPUT,
	    "make bcrypt with a NUL refused");
	is_int(a[0], '\0', "make bcrypt NUL: out empty");
	p.alg = PW_BCRYPT_SHA256;
	is_int(pw_make("a\0b", 3, &p, a, sizeof(a)), SVC_OK,
	    "make bcrypt_sha256 with a NUL (hashed first)");
	is_int(pw_verify("a\0b", 3, a), SVC_OK, "bcrypt_sha256 NUL round trip");
	is_int(pw_verify("a", 1, a), SVC_DENIED, "bcrypt_sha256 NUL: prefix");
	p.bcrypt_cost = 17;
	is_int(pw_make("x", 1, &p, a, sizeof(a)), SVC_BADINPUT,
	    "make bcrypt cost 17 refused");
	p.bcrypt_cost = 3;
	is_int(pw_make("x", 1, &p, a, sizeof(a)), SVC_BADINPUT,
	    "make bcrypt cost 3 refused");

	is_int(pw_make("x", 1, &bad, a, sizeof(a)), SVC_BADINPUT,
	    "make unusable refused");
	is_int(a[0], '\0', "make refused: out empty");
	is_int(pw_make("x", 1, &crypt6, a, sizeof(a)), SVC_BADINPUT,
	    "make crypt $6$ refused (read only)");
	is_int(pw_make("x", 1, &zero, a, sizeof(a)), SVC_BADINPUT,
	    "make 0 iterations refused");
	is_int(pw_make("x", 1, NULL, a, sizeof(a)), SVC_BADINPUT,
	    "make NULL policy refused");
	is_int(pw_make("x", 1, &pol, a, 64), SVC_BADINPUT,
	    "make small buffer refused");
}

/* CPU time of this process in ns: the machine's other load is not ours. */
static long long
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The CPU time of pw_dummy(password, len, p), the least of three. */
static long long
dummy_ns(const char *password, size_t len, const struct pw_policy *p)
{
	long long best = -1, t;
	int i;

	for (i = 0; i < 3; i++) {
		t = cpu_ns();
		pw_dummy(password, len, p);
		t = cpu_ns() - t;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

/*
 * pw_dummy does the policy's work for every writable algorithm: a cost
 * 16 or more times higher takes at least 4 times as long.  A dummy that
 * skipped the work, or used another cost, would fail.
 */
static void
test_dummy_work(void)
{
	struct pw_policy lo, hi;
	long long a, b;

	pw_policy_init(&lo, PW_PBKDF2_SHA256, 1000);
	pw_policy_init(&hi, PW_PBKDF2_SHA256, 32000);
	a = dummy_ns("x", 1, &lo);
	b = dummy_ns("x", 1, &hi);
	ok(b >= 4 * a, "pw_dummy pbkdf2_sha256: 32000 iterations cost more "
	    "than 1000 (%lld vs %lld us)", b / 1000, a / 1000);
	lo.alg = hi.alg = PW_PBKDF2_SHA1;
	a = dummy_ns("x", 1, &lo);
	b = dummy_ns("x", 1, &hi);
	ok(b >= 4 * a, "pw_dummy pbkdf2_sha1: the same (%lld vs %lld us)",
	    b / 1000, a / 1000);
	pw_policy_init(&lo, PW_ARGON2, 1000);
	lo.argon2_m = 8, lo.argon2_t = 1, lo.argon2_p = 1;
	hi = lo;
	hi.argon2_m = 4096;
	a = dummy_ns("x", 1, &lo);
	b = dummy_ns("x", 1, &hi);
	ok(b >= 4 * a, "pw_dummy argon2: m=4 MiB costs more than m=8 KiB "
	    "(%lld vs %lld us)", b / 1000, a / 1000);
	pw_policy_init(&lo, PW_SCRYPT, 1000);
	lo.scrypt_n = 16, lo.scrypt_p = 1;
	hi = lo;
	hi.scrypt_n = 4096;
	a = dummy_ns("x", 1, &lo);
	b = dummy_ns("x", 1, &hi);
	ok(b >= 4 * a, "pw_dummy scrypt: n=4096 costs more than n=16 "
	    "(%lld vs %lld us)", b / 1000, a / 1000);
	pw_policy_init(&lo, PW_BCRYPT, 1000);
	lo.bcrypt_cost = 4;
	hi = lo;
	hi.bcrypt_cost = 8;
	a = dummy_ns("x", 1, &lo);
	b = dummy_ns("x", 1, &hi);
	ok(b >= 4 * a, "pw_dummy bcrypt: cost 8 costs more than 4 "
	    "(%lld vs %lld us)", b / 1000, a / 1000);
	b = dummy_ns("a\0b", 3, &hi);
	ok(b >= 4 * a, "pw_dummy bcrypt: a password holding NUL costs the "
	    "work too (%lld vs %lld us)", b / 1000, a / 1000);
	lo.alg = hi.alg = PW_BCRYPT_SHA256;
	a = dummy_ns("x", 1, &lo);
	b = dummy_ns("x", 1, &hi);
	ok(b >= 4 * a, "pw_dummy bcrypt_sha256: cost 8 costs more than 4 "
	    "(%lld vs %lld us)", b / 1000, a / 1000);
}

/* pw_over_cost: issue 13, 5.  Each family against its policy, times 4. */
static void
test_cost(void)
{
	struct pw_policy pol;
	struct pw_parsed pp;

	pw_policy_init(&pol, PW_PBKDF2_SHA256, 20000);
	memset(&pp, 0, sizeof(pp));
	pp.alg = PW_PBKDF2_SHA256;
	pp.iterations = 80000;
	is_int(pw_over_cost(&pp, &pol, 4), 0, "cost: pbkdf2 at 4 times");
	pp.iterations = 80001;
	is_int(pw_over_cost(&pp, &pol, 4), 1, "cost: pbkdf2 over 4 times");
	is_int(pw_over_cost(&pp, &pol, 5), 0, "cost: a factor of 5 allows it");
	pp.alg = PW_PBKDF2_SHA1;
	pp.iterations = 100000000;
	is_int(pw_over_cost(&pp, &pol, 4), 1,
	    "cost: pbkdf2_sha1 at 100,000,000 iterations");
	/* Under an argon2 policy, pbkdf2 still compares with its iterations. */
	pw_policy_init(&pol, PW_ARGON2, 20000);
	pp.iterations = 80000;
	is_int(pw_over_cost(&pp, &pol, 4), 0,
	    "cost: pbkdf2 against pbkdf2_iterations under another policy");
	memset(&pp, 0, sizeof(pp));
	pp.alg = PW_ARGON2;
	pp.argon2_m = PW_ARGON2_DEFAULT_M;
	pp.argon2_t = 4 * PW_ARGON2_DEFAULT_T;
	pp.argon2_p = 8;
	is_int(pw_over_cost(&pp, &pol, 4), 0, "cost: argon2 at 4 times m*t");
	pp.argon2_t++;
	is_int(pw_over_cost(&pp, &pol, 4), 1, "cost: argon2 over 4 times");
	memset(&pp, 0, sizeof(pp));
	pp.alg = PW_SCRYPT;
	pp.scrypt_n = 4 * PW_SCRYPT_DEFAULT_N;
	pp.scrypt_r = PW_SCRYPT_DEFAULT_R;
	pp.scrypt_p = PW_SCRYPT_DEFAULT_P;
	is_int(pw_over_cost(&pp, &pol, 4), 0, "cost: scrypt at 4 times");
	pp.scrypt_p++;
	is_int(pw_over_cost(&pp, &pol, 4), 1, "cost: scrypt over 4 times");
	memset(&pp, 0, sizeof(pp));
	pp.alg = PW_CRYPT_BCRYPT;
	pp.cost = PW_BCRYPT_DEFAULT_COST + 2;
	is_int(pw_over_cost(&pp, &pol, 4), 0, "cost: bcrypt 2 steps up (4x)");
	pp.cost++;
	is_int(pw_over_cost(&pp, &pol, 4), 1, "cost: bcrypt 3 steps up (8x)");
	memset(&pp, 0, sizeof(pp));
	pp.alg = PW_CRYPT_SHA512;
	pp.iterations = 20000;
	is_int(pw_over_cost(&pp, &pol, 4), 0, "cost: $6$ at 20,000 rounds");
	pp.iterations = 20001;
	is_int(pw_over_cost(&pp, &pol, 4), 1,
	    "cost: $6$ over 4 times its default 5,000 rounds");
	memset(&pp, 0, sizeof(pp));
	pp.alg = PW_UNUSABLE;
	is_int(pw_over_cost(&pp, &pol, 4), 0, "cost: an unusable hash: none");
}

static void
test_dummy(void)
{
	const struct pw_policy pol = { .alg = PW_PBKDF2_SHA256,
	    .iterations = 1000 };
	const struct pw_policy bad = { .alg = PW_ALG__MAX,
	    .iterations = 1000 };
	struct pw_policy p;
	int		 before = nwarn;

	/* Nothing to check but that it returns and leaks nothing. */
	pw_dummy("password123", 11, &pol);
	pw_dummy(NULL, 0, &pol);
	pw_dummy("x", 1, &bad);
	pw_policy_init(&p, PW_ARGON2, 1000);
	p.argon2_m = 8;
	p.argon2_t = 1;
	p.argon2_p = 1;
	pw_dummy("x", 1, &p);
	pw_policy_init(&p, PW_SCRYPT, 1000);
	p.scrypt_n = 16;
	pw_dummy("x", 1, &p);
	pw_policy_init(&p, PW_BCRYPT, 1000);
	p.bcrypt_cost = 4;
	pw_dummy("x", 1, &p);
	pw_dummy("a\0b", 3, &p);
	p.alg = PW_BCRYPT_SHA256;
	pw_dummy("x", 1, &p);
	is_int(nwarn, before, "pw_dummy logs nothing");
	test_dummy_work();
}

int
main(void)
{
	log_init("test-pw");
	log_set_sink(sink, NULL);
	/* The programs hash under this set-up: so do the tests. */
	ok(app_openssl_init() == 0, "app_openssl_init");
	test_vectors();
	test_cost();
	test_unusable();
	test_malformed();
	test_parse();
	test_parse_formats();
	test_crypt_edges();
	test_rehash();
	test_make();
	test_dummy();
	return tap_done();
}
