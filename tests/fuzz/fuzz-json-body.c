/*
 * fuzz-json-body.c: the request body as JSON (req_json, through
 * lib/json.c).  Whatever the bytes, req_json must not crash or leak,
 * and what it accepts must be a JSON text that json-c prints and parses
 * back, and that jsn_check accepts again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json.h"
#include "req.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct req	 req;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*obj, *again;
	const char		*s;
	size_t			 n;

	if (size > REQ_BODY_MAX)
		return 0;
	memcpy(req.body, data, size);
	req.body[size] = '\0';
	req.body_len = size;
	if (req_json(&req, &obj) != SVC_OK) {
		if (obj != NULL)
			abort();	/* a failure leaves *out NULL */
		return 0;
	}
	/* Accepted: json-c's own printing of it must parse again. */
	s = json_object_to_json_string_length(obj, 0, &n);
	again = json_tokener_parse(s);
	if (obj != NULL && (again == NULL || jsn_check(s, n) != JSN_OK))
		abort();
	json_object_put(again);
	jsn_put_wiped(obj);
	return 0;
}
