/* routes.c - interop's route table, registered after the API's. */
#include "interop/interop.h"

void interop_register_all(void)
{
	open311_routes();
	hotline_routes();
	webhook_routes();
	csv_import_routes();
	csv_export_routes();
}
