/* routes.c: the route tables the HTTP core walks, in order. A module's table is listed here once
 * its file is part of the server library (server/CMakeLists.txt). */
#include "http.h"

const struct srv_route *const srv_route_tables[] = {
    srv_routes_auth,
    srv_routes_console,
    NULL,
};
