/* cmd_dfd.c: `medsec dfd DIR`: the device's data-flow diagram (SVG through Graphviz, or DOT). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/dfd.h"
#include "medsec/file.h"
#include "secload.h"

static const char usage_text[] =
    "usage: medsec dfd DIR [-o FILE] [--format svg|dot]\n"
    "\n"
    "Draw the data-flow diagram of the device in DIR: trust zones as dashed clusters,\n"
    "processes (ellipses), data stores (open boxes), external entities (rectangles),\n"
    "interfaces (port shapes) and data flows (protocol; \"(enc.)\" when encrypted, red\n"
    "and dashed \"(clear)\" in clear text). Output is deterministic.\n"
    "\n"
    "  -o, --output FILE  write to FILE (atomically) instead of standard output\n"
    "  --format FORMAT    svg (default; laid out by Graphviz dot) or dot (the graph\n"
    "                     source, without layout)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit: 0 written, 2 bad input, 3 internal error.\n";

int cmd_dfd(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL, *format = "svg";
    optind = 0;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1;) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_OK_;
        default:
            return cli_usage_error("dfd", "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (strcmp(format, "svg") != 0 && strcmp(format, "dot") != 0)
        return cli_usage_error("dfd", "format must be svg or dot, not '%s'", format);
    if (optind + 1 != argc)
        return cli_usage_error("dfd", optind == argc ? "missing device folder" : "one device folder only");

    struct secload s;
    int ex = secload_graph(&s, argv[optind]);
    if (ex != EXIT_OK_)
        goto out_release;
    struct medsec_buf out = MEDSEC_BUF_INIT;
    struct medsec_error err;
    medsec_error_clear(&err);
    medsec_err rc = strcmp(format, "dot") == 0 ? medsec_dfd_dot(&s.graph, s.device_name, &out, &err)
                                                : medsec_dfd_render(&s.graph, s.device_name, "svg", &out, &err);
    if (!rc && output)
        rc = medsec_file_write_atomic(output, out.data, out.len, &err);
    if (rc) {
        cli_print_error(&err);
        ex = cli_exit_for(rc);
    } else if (!output && !cli_write_stdout(out.data, out.len)) {
        ex = EXIT_INTERNAL;
    }
    medsec_buf_release(&out);
out_release:
    secload_release(&s);
    return ex;
}
