/*
 * fuzz-form.c: application/x-www-form-urlencoded bodies (req_form).
 * An accepted form must give an object of strings that are UTF-8 of
 * their length (%00 is kept, as \u0000 in JSON: the field validators
 * judge values with their lengths).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json.h"
#include "req.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(struct json_object *obj)
{
	struct json_object_iterator	 it, end;
	struct json_object		*v;

	if (!json_object_is_type(obj, json_type_object))
		abort();
	it = json_object_iter_begin(obj);
	end = json_object_iter_end(obj);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		v = json_object_iter_peek_value(&it);
		if (!json_object_is_type(v, json_type_string) ||
		    !jsn_utf8_valid(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v)))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*obj;

	/* Exactly len bytes, no terminator: overreads show up in ASan. */
	if (req_form((const char *)data, size, &obj) != SVC_OK) {
		if (obj != NULL)
			abort();
		return 0;
	}
	check(obj);
	jsn_put_wiped(obj);
	return 0;
}
