/*
 * json.h: prefix jsn_ (json_ is json-c's): the one strict JSON layer,
 * RFC 8259 text checked before json-c sees it, and JSON strings out.
 *
 * One policy for request bodies and token headers and payloads alike:
 * UTF-8 only (RFC 3629: no overlong forms, surrogates or code points
 * over U+10FFFF), RFC 8259's grammar exactly (no NaN, 'single quotes',
 * "1." or raw control characters), escaped surrogates in pairs, at most
 * JSN_DEPTH nested objects and arrays, one JSON text with nothing but
 * whitespace after it, and no object that repeats a member name
 * (compared after unescaping, so "a" and "\u0061" are the same name).
 * "\u0000" is valid in a string value (RFC 8259, 7) and the value keeps
 * it (json_object_get_string_len); it is refused in a member name,
 * because json-c stores names as C strings and would cut it short.
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>
#include <stdint.h>

struct json_object;
struct json_tokener;

#define JSN_DEPTH	16	/* nested objects and arrays accepted */

enum jsn_err {
	JSN_OK = 0,
	JSN_SYNTAX,	/* not one RFC 8259 text; trailing bytes */
	JSN_UTF8,	/* invalid UTF-8 or an unpaired surrogate escape */
	JSN_DEEP,	/* nested deeper than JSN_DEPTH */
	JSN_DUP,	/* an object repeats a member name */
	JSN_NAMENUL,	/* a member name holds \u0000 */
	JSN_NOTOBJ,	/* JSN_OBJECT asked for, another value found */
	JSN_NOMEM,
	JSN__MAX
};

#define JSN_OBJECT	0x01	/* jsn_parse: the text must be an object */

/* A fixed English phrase for logs and tests. */
const char	*jsn_strerror(enum jsn_err err);

/* Checks that text (len bytes, no NUL needed) is valid by the policy. */
enum jsn_err	 jsn_check(const char *text, size_t len);

/*
 * jsn_check, then json-c's parse of the text into *out (NULL for the
 * text "null").  tok: a tokener the caller reuses (reset here; its
 * depth must be over JSN_DEPTH, as json-c's default 32 is), or NULL for
 * one made and freed here.  flags: JSN_OBJECT or 0.  On failure *out
 * is NULL.  The caller puts *out (see jsn_put_wiped for secrets).
 */
enum jsn_err	 jsn_parse(struct json_tokener *tok, const char *text,
		    size_t len, int flags, struct json_object **out);

/*
 * Wipes every string value in o, at any depth, with OPENSSL_cleanse,
 * then puts o: json-c frees without wiping.  The caller holds the only
 * reference (a parse result).  NULL is safe.
 */
void		 jsn_put_wiped(struct json_object *o);

/*
 * The string member name of obj, with its length (it may hold NUL):
 * 1 and *s, *len set (borrowed from obj); 0 when obj has no such
 * member; -1 when the member is not a string.  *s is NULL and *len 0
 * unless 1.
 */
int		 jsn_member_string(struct json_object *obj, const char *name,
		    const char **s, size_t *len);

/*
 * Pieces for a fast reader that skips json-c (the token scanner): the
 * same rules as jsn_check, one token at a time.
 *
 * jsn_utf8_valid: 1 when s (len bytes) is valid UTF-8 by RFC 3629.
 * jsn_scan_string: s[0] is '"'; the token's length with both quotes,
 * or 0 if it is not a valid string token.  *escaped (if not NULL) is 1
 * when the token holds a backslash, *nul 1 when it holds \u0000.
 * jsn_scan_number: the length of the RFC 8259 number at s, or 0.
 */
int		 jsn_utf8_valid(const void *s, size_t len);

/*
 * The one UTF-8 decoder: the valid sequence at s (len > 0 bytes) by
 * RFC 3629's rules above, its code point into *cp; returns its length,
 * or 0 when s does not start with one (*cp is then unset).
 */
size_t		 jsn_utf8_next(const void *s, size_t len, uint32_t *cp);

/* The value of the hex digit c, or -1: for \u escapes and %XX alike. */
int		 jsn_hex_digit(unsigned char c);
size_t		 jsn_scan_string(const char *s, size_t len, int *escaped,
		    int *nul);
size_t		 jsn_scan_number(const char *s, size_t len);

/*
 * Strings out (RFC 8259, 7): s (len bytes, NUL included as \u0000) in
 * quotes with '"', '\\' and the control characters escaped; other bytes
 * pass as they are (the caller's strings are UTF-8).
 *
 * jsn_quoted_len: the bytes jsn_quote writes.
 * jsn_quote: writes them to out, which has room; returns their count.
 * jsn_string: writes them to buf at off and a NUL after; returns the
 * new offset (at the NUL), or 0 when that would not fit in size.
 */
size_t		 jsn_quoted_len(const char *s, size_t len);
size_t		 jsn_quote(char *out, const char *s, size_t len);
size_t		 jsn_string(char *buf, size_t off, size_t size,
		    const char *s, size_t len);

#endif /* JSON_H */
