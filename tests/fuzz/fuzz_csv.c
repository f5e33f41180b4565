/* fuzz_csv.c - the CSV reader of the case importer on arbitrary bytes:
 * every row it returns must have 1..CSV_FIELDS_MAX NUL-terminated fields
 * no longer than CSV_FIELD_MAX. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader r;
	struct csv_row row;
	char err[160];
	csv_open(&r, (const char *)data, size);
	for (int rows = 0; rows < CSV_ROWS_MAX; rows++) {
		enum fq_err e = csv_next(&r, &row, err, sizeof err);
		if (e != FQ_OK)
			break;
		if (row.nfields < 1 || row.nfields > CSV_FIELDS_MAX)
			__builtin_trap();
		for (int i = 0; i < row.nfields; i++)
			if (strlen(row.fields[i]) > CSV_FIELD_MAX)
				__builtin_trap();
	}
	csv_close(&r);
	return 0;
}
