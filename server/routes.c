/* routes.c: the route tables the HTTP core walks, in order, and the modules' migrations in the
 * order they run. A module is listed here once its file is part of the server library
 * (server/CMakeLists.txt). */
#include "http.h"

const struct srv_route *const srv_route_tables[] = {
    srv_routes_auth,
    srv_routes_fleet,
    srv_routes_watch,
    srv_routes_pms,
    srv_routes_vigilance,
    srv_routes_console,
    NULL,
};

const struct srv_module_migration srv_migrations[] = {
    {"fleet", srv_fleet_migrate},
    {"auth", srv_auth_migrate},
    {"watch", srv_watch_migrate},
    {"vigilance", srv_vigilance_migrate},
    {NULL, NULL},
};
