/* watch_test.h: what the watch tests share: a server database in a temporary SQLite file with the
 * fleet's tables and a small fleet, and calling a route's handler as the HTTP core would. */
#ifndef WATCH_TEST_H
#define WATCH_TEST_H

#include <stdint.h>

#include "srv.h"

/* 2099-02-01T00:00:00Z: the tests' "now" */
#define WT_NOW INT64_C(4073587200)

struct wt {
    char dir[256];
    char path[1024]; /* the SQLite file, or the PostgreSQL URL */
    struct sdb *db;
};

/* A fresh database (PostgreSQL when MEDSEC_PG_URL is set, else SQLite in a temporary folder) with
 * every module's tables: the fleet's, auth's, watch's and vigilance's, each by its module's
 * migration. */
void wt_open(struct wt *t);
void wt_close(struct wt *t);

/* The small fleet: hospitals 1 "North" and 2 "South", sites 1 (North ICU), 2 (North OR), 3 (South
 * ICU); model 1 "Watch Pump" (device_dir .../pump); releases 1 = 1.0.0 (security_version 1,
 * support ended), 2 = 1.1.0 (2), 3 = 2.0.0 (3); devices: 10 on 1.0.0 (sites 1, 2), 6 on 1.1.0
 * (site 3), 4 on 2.0.0 (site 1). */
void wt_fleet(struct wt *t, const char *device_dir);

/* Call the handler of @method @path in @table as @user (role, hospital); query fields as
 * "a=1&b=2" (no decoding), @body JSON or "". Returns the status (200 for 0); the answer in @rs
 * (release its body). */
int wt_call(struct wt *t, const struct srv_route *table, const char *method, const char *path,
            const char *query, const char *body, unsigned role, int64_t hospital,
            struct srv_resp *rs);

#endif
