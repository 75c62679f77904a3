/*
 * fuzz-json-body.c: the request body as JSON (req_json).  Whatever the
 * bytes, req_json must not crash or leak, and what it accepts must be
 * a JSON text that json-c prints and parses back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "req.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct req	 req;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*obj, *again;

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
	again = json_tokener_parse(json_object_to_json_string(obj));
	if (obj != NULL && again == NULL)
		abort();
	json_object_put(again);
	json_object_put(obj);
	return 0;
}
