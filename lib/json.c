/*
 * json.c: the strict JSON layer (prefix jsn_).  json-c 0.16, even with
 * JSON_TOKENER_STRICT, takes NaN, Infinity, 'single quotes', "1.", raw
 * control characters, overlong UTF-8 and lone surrogate escapes (which
 * it turns into U+FFFD), and keeps the last of two members with the
 * same name.  So every text is scanned here against RFC 8259 first, in
 * one pass that also refuses repeated member names, and json-c parses
 * only what passed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "json.h"

static const char *const jsn_errs[JSN__MAX] = {
	[JSN_OK] = "valid",
	[JSN_SYNTAX] = "not an RFC 8259 JSON text",
	[JSN_UTF8] = "invalid UTF-8 or unpaired surrogate",
	[JSN_DEEP] = "nested too deep",
	[JSN_DUP] = "duplicate member name",
	[JSN_NAMENUL] = "member name holds U+0000",
	[JSN_NOTOBJ] = "not a JSON object",
	[JSN_NOMEM] = "out of memory",
};

const char *
jsn_strerror(enum jsn_err err)
{
	if ((unsigned)err >= JSN__MAX)
		return "unknown JSON error";
	return jsn_errs[err];
}

/*
 * Characters
 * ==========
 */

/*
 * RFC 3629, 4: the length of the valid UTF-8 sequence at s (len > 0
 * bytes), or 0.  No overlong forms (C0, C1, E0 80-9F, F0 80-8F), no
 * surrogates (ED A0-BF), nothing over U+10FFFF (F4 90-BF, F5-FF): an
 * overlong '/' or '"' is the classic filter bypass (CVE-2000-0884).
 */
size_t
jsn_utf8_next(const void *p, size_t len, uint32_t *cp)
{
	const unsigned char	*s = p;
	unsigned char		 c = s[0], lo = 0x80, hi = 0xbf;
	uint32_t		 v;
	size_t			 n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 1, v = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 2, v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3, v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (len - 1 < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	*cp = v;
	return n + 1;
}

int
jsn_utf8_valid(const void *p, size_t len)
{
	const unsigned char	*s = p;
	size_t			 i = 0, n;
	uint32_t		 cp;

	while (i < len) {
		if ((n = jsn_utf8_next(s + i, len - i, &cp)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

int
jsn_hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 8259, 7: "\uXXXX" at s (len bytes left): the code, or -1. */
static long
jsn_u4(const unsigned char *s, size_t len)
{
	long	 v = 0;
	int	 d;
	size_t	 i;

	if (len < 6 || s[0] != '\\' || s[1] != 'u')
		return -1;
	for (i = 2; i < 6; i++) {
		if ((d = jsn_hex_digit(s[i])) < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/*
 * Tokens
 * ======
 */

struct jsn_str {
	size_t		 len;		/* with the quotes; 0: invalid */
	enum jsn_err	 err;		/* why len is 0 */
	int		 escaped;
	int		 nul;
};

/*
 * A \u escape at s (len bytes left): its length (6 or 12 for a pair),
 * or 0 with st->err set.  A high surrogate must be followed by a low
 * one and a low one must not stand alone: json-c would turn either
 * into U+FFFD and make different names equal (RFC 8259, 8.2).
 */
static size_t
jsn_scan_uescape(const unsigned char *s, size_t len, struct jsn_str *st)
{
	long	 u, lo;

	if ((u = jsn_u4(s, len)) < 0) {
		st->err = JSN_SYNTAX;
		return 0;
	}
	if (u == 0)
		st->nul = 1;
	if (u < 0xd800 || u > 0xdfff)
		return 6;
	lo = jsn_u4(s + 6, len - 6);
	if (u >= 0xdc00 || lo < 0xdc00 || lo > 0xdfff) {
		st->err = JSN_UTF8;
		return 0;
	}
	return 12;
}

/* RFC 8259, 7: the string token at s[0] == '"' into *st. */
static void
jsn_scan_str(const unsigned char *s, size_t len, struct jsn_str *st)
{
	size_t	 i = 1, n;
	uint32_t cp;

	memset(st, 0, sizeof(*st));
	st->err = JSN_SYNTAX;
	while (i < len) {
		if (s[i] == '"') {
			st->len = i + 1;
			st->err = JSN_OK;
			return;
		}
		if (s[i] < 0x20)
			return;
		if (s[i] >= 0x80) {
			if ((n = jsn_utf8_next(s + i, len - i, &cp)) == 0) {
				st->err = JSN_UTF8;
				return;
			}
			i += n;
			continue;
		}
		if (s[i] != '\\') {
			i++;
			continue;
		}
		st->escaped = 1;
		if (i + 1 < len && s[i + 1] != '\0' &&
		    strchr("\"\\/bfnrt", s[i + 1]) != NULL) {
			i += 2;
			continue;
		}
		if ((n = jsn_scan_uescape(s + i, len - i, st)) == 0)
			return;
		i += n;
	}
}

size_t
jsn_scan_string(const char *s, size_t len, int *escaped, int *nul)
{
	struct jsn_str	 st;

	if (len == 0 || s[0] != '"')
		return 0;
	jsn_scan_str((const unsigned char *)s, len, &st);
	if (escaped != NULL)
		*escaped = st.escaped;
	if (nul != NULL)
		*nul = st.nul;
	return st.len;
}

static size_t
jsn_digits(const unsigned char *s, size_t len)
{
	size_t	 i = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/*
 * RFC 8259, 6: [ "-" ] ( "0" / 1-9 *DIGIT ) [ "." 1*DIGIT ]
 * [ ( "e" / "E" ) [ "+" / "-" ] 1*DIGIT ].
 */
size_t
jsn_scan_number(const char *p, size_t len)
{
	const unsigned char	*s = (const unsigned char *)p;
	size_t			 i = 0, n;

	if (i < len && s[i] == '-')
		i++;
	if ((n = jsn_digits(s + i, len - i)) == 0 || (n > 1 && s[i] == '0'))
		return 0;
	i += n;
	if (i < len && s[i] == '.') {
		if ((n = jsn_digits(s + i + 1, len - i - 1)) == 0)
			return 0;
		i += 1 + n;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if ((n = jsn_digits(s + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return i;
}

/*
 * Member names
 * ============
 *
 * The names of the objects open at the moment, innermost last: an
 * object's names are compared with each other when added and dropped
 * when it closes.  A hash of the unescaped name spares most byte
 * comparisons; the text bound (16 KiB bodies, 8 KiB tokens) bounds
 * the quadratic worst case.
 */
struct jsn_name {
	const unsigned char	*raw;	/* inside the quotes */
	size_t			 len;
	uint32_t		 hash;	/* FNV-1a of the unescaped bytes */
};

#define JSN_NAMES_INLINE	32

struct jsn_names {
	struct jsn_name	*v;
	size_t		 n, cap;
	struct jsn_name	 inl[JSN_NAMES_INLINE];
};

/* Reads a name's unescaped bytes one at a time. */
struct jsn_unesc {
	const unsigned char	*s;
	size_t			 len, i;
	unsigned char		 buf[4];
	size_t			 bn, bi;
};

/* Code point u as UTF-8 into b; its length. */
static size_t
jsn_utf8_put(unsigned long u, unsigned char *b)
{
	if (u < 0x80) {
		b[0] = (unsigned char)u;
		return 1;
	}
	if (u < 0x800) {
		b[0] = (unsigned char)(0xc0 | u >> 6);
		b[1] = (unsigned char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		b[0] = (unsigned char)(0xe0 | u >> 12);
		b[1] = (unsigned char)(0x80 | (u >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (u & 0x3f));
		return 3;
	}
	b[0] = (unsigned char)(0xf0 | u >> 18);
	b[1] = (unsigned char)(0x80 | (u >> 12 & 0x3f));
	b[2] = (unsigned char)(0x80 | (u >> 6 & 0x3f));
	b[3] = (unsigned char)(0x80 | (u & 0x3f));
	return 4;
}

/* The next unescaped byte, or -1 at the end; the name was scanned. */
static int
jsn_unesc_next(struct jsn_unesc *u)
{
	static const char	 from[] = "bfnrt", to[] = "\b\f\n\r\t";
	unsigned long		 cp, lo;
	unsigned char		 c;

	if (u->bi < u->bn)
		return u->buf[u->bi++];
	if (u->i >= u->len)
		return -1;
	if ((c = u->s[u->i]) != '\\') {
		u->i++;
		return c;
	}
	c = u->s[u->i + 1];
	if (c != 'u') {
		u->i += 2;
		return strchr(from, c) != NULL ? to[strchr(from, c) - from] : c;
	}
	cp = (unsigned long)jsn_u4(u->s + u->i, u->len - u->i);
	u->i += 6;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		lo = (unsigned long)jsn_u4(u->s + u->i, u->len - u->i);
		u->i += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	u->bn = jsn_utf8_put(cp, u->buf);
	u->bi = 1;
	return u->buf[0];
}

/* escaped: raw holds a backslash; without one, raw is the name. */
static uint32_t
jsn_name_hash(const unsigned char *raw, size_t len, int escaped)
{
	struct jsn_unesc	 u = { raw, len, 0, { 0 }, 0, 0 };
	uint32_t		 h = 2166136261u;
	size_t			 i;
	int			 c;

	if (!escaped) {
		for (i = 0; i < len; i++)
			h = (h ^ raw[i]) * 16777619u;
		return h;
	}
	while ((c = jsn_unesc_next(&u)) != -1)
		h = (h ^ (uint32_t)c) * 16777619u;
	return h;
}

static int
jsn_name_eq(const struct jsn_name *a, const struct jsn_name *b)
{
	struct jsn_unesc	 ua = { a->raw, a->len, 0, { 0 }, 0, 0 };
	struct jsn_unesc	 ub = { b->raw, b->len, 0, { 0 }, 0, 0 };
	int			 ca, cb;

	if (a->hash != b->hash)
		return 0;
	do {
		ca = jsn_unesc_next(&ua);
		cb = jsn_unesc_next(&ub);
		if (ca != cb)
			return 0;
	} while (ca != -1);
	return 1;
}

/*
 * Adds a name to the object whose names start at base.  JSN_DUP when
 * the object has it already.
 */
static enum jsn_err
jsn_names_add(struct jsn_names *ns, size_t base, const unsigned char *raw,
    size_t len, int escaped)
{
	struct jsn_name	 nm = { raw, len, jsn_name_hash(raw, len, escaped) };
	struct jsn_name	*v;
	size_t		 i, cap;

	for (i = base; i < ns->n; i++)
		if (jsn_name_eq(&ns->v[i], &nm))
			return JSN_DUP;
	if (ns->n == ns->cap) {
		cap = ns->cap * 2;
		if (ns->v == ns->inl) {
			if ((v = malloc(cap * sizeof(*v))) != NULL)
				memcpy(v, ns->inl, sizeof(ns->inl));
		} else
			v = realloc(ns->v, cap * sizeof(*v));
		if (v == NULL)
			return JSN_NOMEM;
		ns->v = v;
		ns->cap = cap;
	}
	ns->v[ns->n++] = nm;
	return JSN_OK;
}

/*
 * The scanner
 * ===========
 */

struct jsn_scan {
	const unsigned char	*p, *end;
	struct jsn_names	 names;
};

static enum jsn_err	jsn_value(struct jsn_scan *, int);

static void
jsn_ws(struct jsn_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static enum jsn_err
jsn_string_tok(struct jsn_scan *s, struct jsn_str *st)
{
	if (s->p == s->end || *s->p != '"')
		return JSN_SYNTAX;
	jsn_scan_str(s->p, (size_t)(s->end - s->p), st);
	if (st->len == 0)
		return st->err;
	s->p += st->len;
	return JSN_OK;
}

/* "name": value; the names of this object start at base. */
static enum jsn_err
jsn_member(struct jsn_scan *s, int depth, size_t base)
{
	struct jsn_str		 st;
	const unsigned char	*name;
	enum jsn_err		 rc;

	jsn_ws(s);
	name = s->p + 1;
	if ((rc = jsn_string_tok(s, &st)) != JSN_OK)
		return rc;
	if (st.nul)
		return JSN_NAMENUL;
	if ((rc = jsn_names_add(&s->names, base, name, st.len - 2,
	    st.escaped)) != JSN_OK)
		return rc;
	jsn_ws(s);
	if (s->p == s->end || *s->p++ != ':')
		return JSN_SYNTAX;
	return jsn_value(s, depth);
}

/* s->p is on '{'. */
static enum jsn_err
jsn_object(struct jsn_scan *s, int depth)
{
	size_t		 base = s->names.n;
	enum jsn_err	 rc;

	s->p++;
	jsn_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return JSN_OK;
	}
	for (;;) {
		if ((rc = jsn_member(s, depth, base)) != JSN_OK)
			return rc;
		if (s->p == s->end)
			return JSN_SYNTAX;
		if (*s->p == '}')
			break;
		if (*s->p++ != ',')
			return JSN_SYNTAX;
	}
	s->p++;
	s->names.n = base;
	return JSN_OK;
}

/* s->p is on '['. */
static enum jsn_err
jsn_array(struct jsn_scan *s, int depth)
{
	enum jsn_err	 rc;

	s->p++;
	jsn_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return JSN_OK;
	}
	for (;;) {
		if ((rc = jsn_value(s, depth)) != JSN_OK)
			return rc;
		if (s->p == s->end)
			return JSN_SYNTAX;
		if (*s->p == ']')
			break;
		if (*s->p++ != ',')
			return JSN_SYNTAX;
	}
	s->p++;
	return JSN_OK;
}

/* RFC 8259, 3: the three literals, in lower case only. */
static enum jsn_err
jsn_literal(struct jsn_scan *s)
{
	static const char *const lits[] = { "true", "false", "null" };
	size_t	 i, n;

	for (i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		n = strlen(lits[i]);
		if ((size_t)(s->end - s->p) >= n &&
		    memcmp(s->p, lits[i], n) == 0) {
			s->p += n;
			return JSN_OK;
		}
	}
	return JSN_SYNTAX;
}

/* A value with the whitespace around it; depth bounds the recursion. */
static enum jsn_err
jsn_value(struct jsn_scan *s, int depth)
{
	struct jsn_str	 st;
	enum jsn_err	 rc;
	size_t		 n;

	jsn_ws(s);
	if (s->p == s->end)
		return JSN_SYNTAX;
	if ((*s->p == '{' || *s->p == '[') && depth >= JSN_DEPTH)
		return JSN_DEEP;
	if (*s->p == '{')
		rc = jsn_object(s, depth + 1);
	else if (*s->p == '[')
		rc = jsn_array(s, depth + 1);
	else if (*s->p == '"')
		rc = jsn_string_tok(s, &st);
	else if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9')) {
		n = jsn_scan_number((const char *)s->p,
		    (size_t)(s->end - s->p));
		s->p += n;
		rc = n == 0 ? JSN_SYNTAX : JSN_OK;
	} else
		rc = jsn_literal(s);
	if (rc == JSN_OK)
		jsn_ws(s);
	return rc;
}

enum jsn_err
jsn_check(const char *text, size_t len)
{
	struct jsn_scan	 s;
	enum jsn_err	 rc;

	s.p = (const unsigned char *)text;
	s.end = s.p + len;
	s.names.v = s.names.inl;
	s.names.n = 0;
	s.names.cap = JSN_NAMES_INLINE;
	rc = jsn_value(&s, 0);
	if (rc == JSN_OK && s.p != s.end)
		rc = JSN_SYNTAX;
	if (s.names.v != s.names.inl)
		free(s.names.v);
	return rc;
}

/*
 * json-c
 * ======
 */

/*
 * json-c's parse of a checked text.  A bare top-level number has no
 * end of its own: json-c waits for more, so it gets one NUL byte.
 */
static enum jsn_err
jsn_tokener_parse(struct json_tokener *tok, const char *text, size_t len,
    struct json_object **out)
{
	enum json_tokener_error	 e;

	json_tokener_reset(tok);
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	*out = json_tokener_parse_ex(tok, text, (int)len);
	if ((e = json_tokener_get_error(tok)) == json_tokener_continue)
		*out = json_tokener_parse_ex(tok, "", 1);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		/* The scan passed: only memory (or a json-c bug) is left. */
		json_object_put(*out);
		*out = NULL;
		return JSN_NOMEM;
	}
	return JSN_OK;
}

enum jsn_err
jsn_parse(struct json_tokener *tok, const char *text, size_t len,
    int flags, struct json_object **out)
{
	struct json_tokener	*own = NULL;
	enum jsn_err		 rc;

	*out = NULL;
	if (len > INT32_MAX - 1)
		return JSN_SYNTAX;
	if ((rc = jsn_check(text, len)) != JSN_OK)
		return rc;
	if (tok == NULL && (tok = own = json_tokener_new()) == NULL)
		return JSN_NOMEM;
	rc = jsn_tokener_parse(tok, text, len, out);
	if (own != NULL)
		json_tokener_free(own);
	if (rc == JSN_OK && (flags & JSN_OBJECT) &&
	    !json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		rc = JSN_NOTOBJ;
	}
	return rc;
}

/* Wipes the strings in o and below; the depth was bounded by jsn_check. */
static void
jsn_wipe(struct json_object *o)
{
	struct json_object_iter	 it;
	size_t			 i, n;

	switch (json_object_get_type(o)) {
	case json_type_string:
		OPENSSL_cleanse((char *)(uintptr_t)json_object_get_string(o),
		    (size_t)json_object_get_string_len(o));
		break;
	case json_type_object:
		/* Names are not secrets, and json-c hashes them. */
		json_object_object_foreachC(o, it)
			jsn_wipe(it.val);
		break;
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			jsn_wipe(json_object_array_get_idx(o, i));
		break;
	default:
		break;
	}
}

void
jsn_put_wiped(struct json_object *o)
{
	if (o == NULL)
		return;
	jsn_wipe(o);
	json_object_put(o);
}

int
jsn_member_string(struct json_object *obj, const char *name,
    const char **s, size_t *len)
{
	struct json_object	*v = NULL;

	*s = NULL;
	*len = 0;
	if (!json_object_object_get_ex(obj, name, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	*s = json_object_get_string(v);
	*len = (size_t)json_object_get_string_len(v);
	return 1;
}

/*
 * Strings out
 * ===========
 */

static size_t
jsn_esc_len(unsigned char c)
{
	if (c == '"' || c == '\\')
		return 2;
	return c < 0x20 ? 6 : 1;
}

size_t
jsn_quoted_len(const char *s, size_t len)
{
	size_t	 i, n = 2;

	for (i = 0; i < len; i++)
		n += jsn_esc_len((unsigned char)s[i]);
	return n;
}

size_t
jsn_quote(char *out, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i, o = 0;
	unsigned char		 c;

	out[o++] = '"';
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20) {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 0xf];
			o += 6;
		} else
			out[o++] = (char)c;
	}
	out[o++] = '"';
	return o;
}

size_t
jsn_string(char *buf, size_t off, size_t size, const char *s, size_t len)
{
	size_t	 n;

	if (off >= size)
		return 0;
	n = jsn_quoted_len(s, len);
	if (n >= size - off)
		return 0;
	off += jsn_quote(buf + off, s, len);
	buf[off] = '\0';
	return off;
}
