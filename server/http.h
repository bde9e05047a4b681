/* http.h: the HTTP core of medsec serve on libmicrohttpd: listens (TLS with a configured
 * certificate, plain HTTP only on a loopback address), routes each request to a module's handler
 * (routes.c lists the tables), authenticates it, checks the route's roles and the CSRF token,
 * caps request bodies, and adds the security headers. Each worker thread opens its own database
 * connection. Nothing here prints or exits. */
#ifndef MEDSEC_SERVER_HTTP_H
#define MEDSEC_SERVER_HTTP_H

#include <stddef.h>

#include "srv.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SRV_BODY_MAX ((size_t)1 << 20)   /* request body cap */
#define SRV_UPLOAD_MAX ((size_t)8 << 20) /* ... for a device's log upload */
#define SRV_THREADS_DEFAULT 2

/* Every route table of the server, NULL-terminated (routes.c). */
extern const struct srv_route *const srv_route_tables[];

/* Every module's migrations, in the order `medsec serve` applies them (routes.c; the fleet first,
 * the others refer to its tables); ends with a NULL name. */
struct srv_module_migration {
    const char *name;
    medsec_err (*fn)(struct sdb *db, struct medsec_error *err);
};
extern const struct srv_module_migration srv_migrations[];

struct srv_http_opts {
    const char *listen;       /* "ADDR:PORT", "[V6ADDR]:PORT"; port 0: a free one */
    const char *tls_cert_pem; /* certificate chain (PEM text); NULL: plain HTTP */
    const char *tls_key_pem;  /* its private key (PEM text) */
    unsigned threads;         /* worker threads (0: SRV_THREADS_DEFAULT) */
    const struct srv_config *cfg;
};

struct srv_http;

/* Parse @listen into an address; MEDSEC_EINVAL naming what is wrong. *@loopback tells whether it
 * is a loopback address (127.0.0.0/8, ::1). */
struct sockaddr_storage;
medsec_err srv_http_parse_listen(const char *listen, struct sockaddr_storage *sa, int *loopback,
                                 struct medsec_error *err);

/* Start serving in background threads; refuses plain HTTP on an address that is not loopback. */
medsec_err srv_http_start(struct srv_http **out, const struct srv_http_opts *o,
                          struct medsec_error *err);
/* The port it listens on (useful after port 0). */
unsigned srv_http_port(const struct srv_http *h);
/* Stop accepting, finish the requests under way, close every connection, free. NULL is fine. */
void srv_http_stop(struct srv_http *h);

#ifdef __cplusplus
}
#endif
#endif
