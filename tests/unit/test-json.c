/*
 * test-json.c: the strict JSON layer (lib/json.c), every rule both ways,
 * and the string writer.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json.h"
#include "tap.h"

struct check_case {
	const char	*name;
	const char	*text;
	size_t		 len;		/* 0: strlen(text) */
	enum jsn_err	 want;
};

static const struct check_case check_cases[] = {
	/* Grammar (RFC 8259, 2-6). */
	{ "object", "{\"a\": 1, \"b\": [true, false, null]}", 0, JSN_OK },
	{ "empty object and array", " {\"a\": {}, \"b\": []} ", 0, JSN_OK },
	{ "bare string", "\"x\"", 0, JSN_OK },
	{ "bare number", "123", 0, JSN_OK },
	{ "bare null", "null", 0, JSN_OK },
	{ "empty text", "", 0, JSN_SYNTAX },
	{ "whitespace only", " \t\r\n", 0, JSN_SYNTAX },
	{ "trailing value", "{} {}", 0, JSN_SYNTAX },
	{ "trailing comma in object", "{\"a\": 1,}", 0, JSN_SYNTAX },
	{ "trailing comma in array", "[1,]", 0, JSN_SYNTAX },
	{ "unclosed object", "{\"a\": 1", 0, JSN_SYNTAX },
	{ "unclosed string", "\"abc", 0, JSN_SYNTAX },
	{ "name not a string", "{a: 1}", 0, JSN_SYNTAX },
	{ "single quotes", "{'a': 1}", 0, JSN_SYNTAX },
	{ "missing colon", "{\"a\" 1}", 0, JSN_SYNTAX },
	{ "comment", "{} // x", 0, JSN_SYNTAX },
	{ "capital literal", "True", 0, JSN_SYNTAX },
	{ "NaN", "[NaN]", 0, JSN_SYNTAX },
	{ "Infinity", "[-Infinity]", 0, JSN_SYNTAX },
	{ "raw NUL after the text", "{}\0", 3, JSN_SYNTAX },
	{ "vertical tab is not whitespace", "{}\v", 0, JSN_SYNTAX },
	/* Numbers (RFC 8259, 6). */
	{ "numbers", "[0, -0, 1.5, -12e3, 1E+2, 2e-1]", 0, JSN_OK },
	{ "leading zero", "[01]", 0, JSN_SYNTAX },
	{ "minus zero leading zero", "[-01]", 0, JSN_SYNTAX },
	{ "dot without digits", "[1.]", 0, JSN_SYNTAX },
	{ "dot first", "[.5]", 0, JSN_SYNTAX },
	{ "plus sign", "[+1]", 0, JSN_SYNTAX },
	{ "exponent without digits", "[1e]", 0, JSN_SYNTAX },
	{ "hex", "[0x10]", 0, JSN_SYNTAX },
	/* Strings (RFC 8259, 7). */
	{ "escapes", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"]", 0, JSN_OK },
	{ "bad escape", "[\"\\x41\"]", 0, JSN_SYNTAX },
	{ "short \\u", "[\"\\u12\"]", 0, JSN_SYNTAX },
	{ "raw tab in string", "[\"a\tb\"]", 0, JSN_SYNTAX },
	{ "raw NUL in string", "[\"a\0b\"]", 5, JSN_SYNTAX },
	{ "\\u0000 in a value", "{\"a\": \"x\\u0000y\"}", 0, JSN_OK },
	{ "\\u0000 in a name", "{\"a\\u0000b\": 1}", 0, JSN_NAMENUL },
	{ "surrogate pair", "[\"\\ud83d\\ude00\"]", 0, JSN_OK },
	{ "lone high surrogate", "[\"\\ud83d\"]", 0, JSN_UTF8 },
	{ "high then not low", "[\"\\ud83d\\u0041\"]", 0, JSN_UTF8 },
	{ "lone low surrogate", "[\"\\ude00\"]", 0, JSN_UTF8 },
	/* UTF-8 (RFC 3629, 4). */
	{ "UTF-8 2, 3, 4 bytes", "[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]", 0,
	    JSN_OK },
	{ "overlong slash", "[\"\xc0\xaf\"]", 0, JSN_UTF8 },
	{ "overlong 3-byte", "[\"\xe0\x80\xaf\"]", 0, JSN_UTF8 },
	{ "overlong 4-byte", "[\"\xf0\x80\x80\xaf\"]", 0, JSN_UTF8 },
	{ "encoded surrogate", "[\"\xed\xa0\x80\"]", 0, JSN_UTF8 },
	{ "over U+10FFFF", "[\"\xf4\x90\x80\x80\"]", 0, JSN_UTF8 },
	{ "byte F5", "[\"\xf5\x80\x80\x80\"]", 0, JSN_UTF8 },
	{ "truncated sequence", "[\"\xe2\x82\"]", 0, JSN_UTF8 },
	{ "bare continuation byte", "[\"\x80\"]", 0, JSN_UTF8 },
	{ "UTF-8 outside a string", "[\xc3\xa9]", 0, JSN_SYNTAX },
	/* Duplicate member names, compared after unescaping. */
	{ "duplicate name", "{\"a\": 1, \"a\": 2}", 0, JSN_DUP },
	{ "duplicate by escape", "{\"a\": 1, \"\\u0061\": 2}", 0, JSN_DUP },
	{ "duplicate by \\/", "{\"a/\": 1, \"a\\/\": 2}", 0, JSN_DUP },
	{ "duplicate by pair", "{\"\xf0\x9f\x98\x80\": 1, "
	    "\"\\ud83d\\ude00\": 2}", 0, JSN_DUP },
	{ "duplicate in nested object", "[{\"x\": {\"b\": 1, \"b\": 1}}]", 0,
	    JSN_DUP },
	{ "duplicate after nested object",
	    "{\"a\": {\"b\": 1}, \"c\": 2, \"a\": 3}", 0, JSN_DUP },
	{ "same name in sibling objects", "[{\"a\": 1}, {\"a\": 2}]", 0,
	    JSN_OK },
	{ "same name inner and outer", "{\"a\": {\"a\": 1}}", 0, JSN_OK },
	{ "prefix names differ", "{\"a\": 1, \"ab\": 2, \"\": 3}", 0, JSN_OK },
	{ "case differs", "{\"a\": 1, \"A\": 2}", 0, JSN_OK },
};

static void
test_check_table(void)
{
	const struct check_case	*c;
	size_t			 i, len;

	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		c = &check_cases[i];
		len = c->len != 0 ? c->len : strlen(c->text);
		is_int(jsn_check(c->text, len), c->want, c->name);
	}
}

/* Nesting: JSN_DEPTH levels pass, one more is JSN_DEEP. */
static void
test_depth(void)
{
	char	 buf[2 * (JSN_DEPTH + 2)];
	size_t	 d;

	for (d = JSN_DEPTH; d <= JSN_DEPTH + 1; d++) {
		memset(buf, '[', d);
		memset(buf + d, ']', d);
		is_int(jsn_check(buf, 2 * d), d == JSN_DEPTH ? JSN_OK :
		    JSN_DEEP, d == JSN_DEPTH ? "depth: JSN_DEPTH arrays" :
		    "depth: one over JSN_DEPTH");
	}
	memset(buf, '[', sizeof(buf));
	is_int(jsn_check(buf, sizeof(buf)), JSN_DEEP,
	    "depth: unclosed deep arrays");
}

/* Many distinct names: the name table grows past its inline room. */
static void
test_many_names(void)
{
	char	*buf;
	size_t	 i, off = 0, n = 1000;

	if ((buf = malloc(n * 16 + 8)) == NULL)
		abort();
	buf[off++] = '{';
	for (i = 0; i < n; i++)
		off += (size_t)sprintf(buf + off, "%s\"k%zu\": %zu",
		    i > 0 ? ", " : "", i, i);
	buf[off++] = '}';
	is_int(jsn_check(buf, off), JSN_OK, "1000 distinct names");
	/* The same again with the first name repeated at the end. */
	off--;
	off += (size_t)sprintf(buf + off, ", \"k0\": 0}");
	is_int(jsn_check(buf, off), JSN_DUP, "1000 names, first repeated last");
	free(buf);
}

static void
test_parse(void)
{
	struct json_tokener	*tok;
	struct json_object	*o = NULL, *v;
	const char		*s;
	size_t			 len;
	const char		 nul[] = "{\"p\": \"pw\\u0000junk\", \"n\": 1}";
	const char		 pair[] = "{\"a\": \"\\ud83d\\ude00\"}";

	ok(jsn_parse(NULL, nul, strlen(nul), JSN_OBJECT, &o) == JSN_OK &&
	    jsn_member_string(o, "p", &s, &len) == 1 && len == 7 &&
	    memcmp(s, "pw\0junk", 7) == 0, "parse: \\u0000 kept, length 7");
	is_int(jsn_member_string(o, "n", &s, &len), -1,
	    "member_string: a number is -1");
	ok(s == NULL && len == 0, "member_string: -1 leaves NULL, 0");
	is_int(jsn_member_string(o, "x", &s, &len), 0,
	    "member_string: absent is 0");
	jsn_put_wiped(o);

	if ((tok = json_tokener_new()) == NULL)
		abort();
	ok(jsn_parse(tok, "42", 2, 0, &o) == JSN_OK &&
	    json_object_get_int(o) == 42, "parse: bare number, no NUL after");
	json_object_put(o);
	ok(jsn_parse(tok, "[1] ", 4, 0, &o) == JSN_OK &&
	    json_object_is_type(o, json_type_array),
	    "parse: reused tokener, array");
	json_object_put(o);
	o = (struct json_object *)&o;
	is_int(jsn_parse(tok, "[1]", 3, JSN_OBJECT, &o), JSN_NOTOBJ,
	    "parse: JSN_OBJECT refuses an array");
	ok(o == NULL, "parse: failure leaves *out NULL");
	is_int(jsn_parse(tok, "{\"a\":1,\"a\":2}", 13, 0, &o), JSN_DUP,
	    "parse: duplicate refused before json-c keeps the last");
	ok(jsn_parse(tok, "null", 4, 0, &o) == JSN_OK && o == NULL,
	    "parse: null is OK with *out NULL");
	ok(jsn_parse(tok, pair, strlen(pair), JSN_OBJECT, &o) == JSN_OK &&
	    json_object_object_get_ex(o, "a", &v) &&
	    strcmp(json_object_get_string(v), "\xf0\x9f\x98\x80") == 0,
	    "parse: surrogate pair decoded");
	json_object_put(o);
	json_tokener_free(tok);
	jsn_put_wiped(NULL);
	ok(jsn_strerror(JSN_DUP) != NULL &&
	    strcmp(jsn_strerror(JSN__MAX), "unknown JSON error") == 0,
	    "strerror: out of range is named");
}

/* The bytes of a wiped string are gone before json-c frees them. */
static void
test_put_wiped(void)
{
	struct json_object	*o;
	const char		*s;
	size_t			 len;
	const char		 t[] = "{\"a\": [{\"p\": \"secret123\"}]}";
	char			 copy[16];

	if (jsn_parse(NULL, t, strlen(t), JSN_OBJECT, &o) != JSN_OK)
		abort();
	s = json_object_get_string(json_object_object_get(
	    json_object_array_get_idx(json_object_object_get(o, "a"), 0),
	    "p"));
	len = strlen(s);
	/* Hold a reference so that the wipe is visible after the put. */
	json_object_get(o);
	jsn_put_wiped(o);
	memcpy(copy, s, len);
	ok(len == 9 && memcmp(copy, "secret123", 9) != 0 &&
	    memchr(copy, 's', len) == NULL, "put_wiped: nested value wiped");
	json_object_put(o);
}

static void
test_writer(void)
{
	char	 buf[64];
	size_t	 n;

	n = jsn_string(buf, 0, sizeof(buf), "a\"b\\c\n\x01" "d\0e", 10);
	ok(n > 0 && strcmp(buf, "\"a\\\"b\\\\c\\u000a\\u0001d\\u0000e\"") == 0,
	    "writer: quote, backslash, controls, NUL escaped");
	is_int(n, jsn_quoted_len("a\"b\\c\n\x01" "d\0e", 10), "writer: length");
	ok(jsn_string(buf, 0, sizeof(buf), "\xc3\xa9/", 3) == 5 &&
	    strcmp(buf, "\"\xc3\xa9/\"") == 0, "writer: UTF-8 and / as is");
	n = jsn_string(buf, 3, 8, "abcd", 4);
	ok(n == 0, "writer: too long for size is 0");
	n = jsn_string(buf, 0, 7, "abcd", 4);
	ok(n == 6 && buf[6] == '\0', "writer: exact fit with the NUL");
	ok(jsn_string(buf, 8, 8, "", 0) == 0, "writer: off at size is 0");
	/* What the writer makes, the checker accepts and json-c reads back. */
	n = jsn_string(buf, 0, sizeof(buf), "x\0\x1f\"", 4);
	ok(n > 0 && jsn_check(buf, n) == JSN_OK, "writer: output is valid");
}

static void
test_pieces(void)
{
	int	 esc, nul;

	is_int(jsn_scan_string("\"ab\\u0000\" x", 12, &esc, &nul), 10,
	    "scan_string: length with quotes");
	ok(esc == 1 && nul == 1, "scan_string: escaped and nul flags");
	is_int(jsn_scan_string("\"ab", 3, NULL, NULL), 0,
	    "scan_string: unterminated is 0");
	is_int(jsn_scan_number("-1.5e3,", 7), 6, "scan_number: length");
	is_int(jsn_scan_number("01", 2), 0, "scan_number: leading zero 0");
	ok(jsn_utf8_valid("\xe2\x82\xac", 3) && !jsn_utf8_valid("\xc0\xaf", 2),
	    "utf8_valid: euro sign yes, overlong no");
}

int
main(void)
{
	test_check_table();
	test_depth();
	test_many_names();
	test_parse();
	test_put_wiped();
	test_writer();
	test_pieces();
	return tap_done();
}
