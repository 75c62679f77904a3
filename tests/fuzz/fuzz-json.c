/*
 * fuzz-json.c: the strict JSON layer (jsn_check, jsn_parse, the string
 * writer).  Whatever the bytes: no crash or leak; a text jsn_check
 * accepts json-c parses too (jsn_parse never fails on it but for
 * memory), and json-c's printing of it passes again; any UTF-8 input
 * written as a JSON string is a valid text that reads back the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_MAX	16384

static char	 quoted[6 * FUZZ_MAX + 3];

/* Accepted: json-c parses it, and what json-c prints passes again. */
static void
fuzz_accepted(const char *text, size_t len)
{
	struct json_object	*o;
	const char		*again;
	size_t			 n;

	if (jsn_parse(NULL, text, len, 0, &o) != JSN_OK)
		abort();
	again = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN,
	    &n);
	if (jsn_check(again, n) != JSN_OK)
		abort();
	json_object_put(o);
}

/* The writer's output is valid and reads back as the same bytes. */
static void
fuzz_writer(const char *s, size_t len)
{
	struct json_object	*o;
	size_t			 n;

	if (!jsn_utf8_valid(s, len))
		return;
	n = jsn_string(quoted, 0, sizeof(quoted), s, len);
	if (n == 0 || n != jsn_quoted_len(s, len))
		abort();
	if (jsn_parse(NULL, quoted, n, 0, &o) != JSN_OK ||
	    (size_t)json_object_get_string_len(o) != len ||
	    memcmp(json_object_get_string(o), s, len) != 0)
		abort();
	json_object_put(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*text = (const char *)data;

	if (size > FUZZ_MAX)
		return 0;
	if (jsn_check(text, size) == JSN_OK)
		fuzz_accepted(text, size);
	fuzz_writer(text, size);
	return 0;
}
