/* cmd_dfd.c: `medsec dfd DIR`: the device's data-flow diagram (SVG through Graphviz, or DOT). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/dfd.h"
#include "medsec/device.h"

int cmd_dfd(int argc, char **argv)
{
    const char *output = NULL, *format = "svg";
    const struct cli_option opts[] = {
        CLI_OPT_OUTPUT(&output),
        {0, "format", CLI_OPT_STRING, &format, 0, "FORMAT",
         "svg (default; laid out by Graphviz dot) or dot (the graph\nsource, without layout)"},
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "dfd",
        .usage = "medsec dfd DIR [-o FILE] [--format svg|dot]",
        .about =
            "Draw the data-flow diagram of the device in DIR: trust zones as dashed clusters,\n"
            "processes (ellipses), data stores (open boxes), external entities (rectangles),\n"
            "interfaces (port shapes) and data flows (protocol; \"(enc.)\" when encrypted, red\n"
            "and dashed \"(clear)\" in clear text). Output is deterministic.\n",
        .opts = opts,
        .more = "Exit: 0 written, 2 bad input, 3 internal error.\n",
        CLI_ONE_DEVICE_FOLDER,
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    bool dot = strcmp(format, "dot") == 0;
    if (!dot && strcmp(format, "svg") != 0)
        return cli_usage_error("dfd", "format must be svg or dot, not '%s'", format);
    struct medsec_device *d = NULL;
    if ((ex = cli_open_device(args[0], NULL, &d)) != EXIT_OK_)
        return ex;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    medsec_error_clear(&err);
    const struct medsec_tm_graph *g = medsec_device_graph(d);
    medsec_err rc = dot ? medsec_dfd_dot(g, medsec_device_name(d), &b, &err)
                        : medsec_dfd_render(g, medsec_device_name(d), "svg", &b, &err);
    struct cli_output out;
    if (rc)
        ex = cli_fail(&err, rc);
    else if ((ex = cli_output_open(&out, output)) == EXIT_OK_)
        ex = cli_output_close(&out,
                              fwrite(b.data, 1, b.len, out.f) == b.len ? EXIT_OK_ : EXIT_INTERNAL);
    medsec_buf_release(&b);
    medsec_device_close(d);
    return ex;
}
