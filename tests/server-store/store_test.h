/* store_test.h: what the cases of the store test share: the backend under test and a fresh,
 * empty database for each case. */
#ifndef MEDSEC_TEST_STORE_H
#define MEDSEC_TEST_STORE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sdb.h"

/* "sqlite" or "pg": the backend the cases run on (the program's argument). */
extern const char *store_backend;
/* The URL a second connection opens (the same database as the case's). */
extern char store_url[1024];

/* cmocka setup / teardown: *state becomes a struct sdb * to an empty database. */
int store_setup(void **state);
int store_teardown(void **state);

/* assert a medsec call succeeded, printing the error when not */
#define STORE_OK(call, errp)                                                                       \
    do {                                                                                           \
        medsec_err e_ = (call);                                                                    \
        if (e_)                                                                                    \
            print_error("%s:%d: %s -> %d: %s\n", __FILE__, __LINE__, #call, (int)e_, (errp)->msg); \
        assert_int_equal(e_, MEDSEC_OK);                                                           \
    } while (0)

extern const struct CMUnitTest store_sdb_tests[];
extern const size_t store_sdb_count;
extern const struct CMUnitTest store_fleet_tests[];
extern const size_t store_fleet_count;
extern const struct CMUnitTest store_http_tests[];
extern const size_t store_http_count;
extern const struct CMUnitTest store_sqlite_only_tests[];
extern const size_t store_sqlite_only_count;

#endif
