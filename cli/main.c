/* main.c: the medsec command: global options and the table of subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

const struct cmd medsec_commands[] = {
    {"advisory", cmd_advisory, "the manufacturer's CSAF 2.0 security advisory; provider metadata"},
    {"checkin", cmd_checkin, "verify and decode a device's signed check-in"},
    {"cvss", cmd_cvss, "score CVSS v2/v3.x/v4.0 vectors; apply the MITRE medical-device rubric"},
    {"db", cmd_db, "import, update and inspect the local vulnerability database"},
    {"dfd", cmd_dfd, "draw a device's data-flow diagram with trust zones (SVG or DOT)"},
    {"diff", cmd_diff, "what changed between two releases: components, findings, risks"},
    {"docs", cmd_docs, "the regulatory documents: EU file, FDA set, GSPR, IFU, HDO, MDS2"},
    {"gate", cmd_gate, "the release gate: a policy's rules on a device, exit 1 when one fails"},
    {"help", cmd_help, "show help for medsec or one of its commands"},
    {"log", cmd_log, "verify a device's security log export or decommission record"},
    {"release", cmd_release, "signed updates (SUIT): keys, certificates, sign, verify, inspect"},
    {"risk", cmd_risk,
     "security risk register: exploitability x severity, controls, residual risk"},
    {"sbom", cmd_sbom, "list the components of a CycloneDX or SPDX JSON SBOM"},
    {"scan", cmd_scan, "match SBOMs or a device's versions against the vulnerability database"},
    {"serve", cmd_serve, "the post-market server: fleet, watch, roll-outs, vigilance, console"},
    {"show", cmd_show, "summarise a device's security file (versions, support, zones, controls)"},
    {"status", cmd_status, "the vulnerabilities of several devices, most urgent first"},
    {"threats", cmd_threats, "STRIDE-per-element threats of a device from the rule catalog"},
    {"triage", cmd_triage, "hold a device's findings against its triage file; record decisions"},
    {"validate", cmd_validate, "check a device's security file; report every problem at once"},
    {"version", cmd_version, "print the medsec version"},
    {"vex", cmd_vex, "VEX of a release (CycloneDX, OpenVEX, CSAF); vex read: suppliers' VEX"},
};
const size_t medsec_command_count = sizeof medsec_commands / sizeof medsec_commands[0];

static const struct cmd *find_command(const char *name)
{
    for (size_t i = 0; i < medsec_command_count; i++)
        if (strcmp(medsec_commands[i].name, name) == 0)
            return &medsec_commands[i];
    return NULL;
}

static void usage(FILE *out)
{
    fputs("usage: medsec [--version] [--help] <command> [<args>]\n\n"
          "Manage a medical device's cybersecurity from design to disposal.\n\n"
          "Commands:\n",
          out);
    for (size_t i = 0; i < medsec_command_count; i++)
        fprintf(out, "  %-10s  %s\n", medsec_commands[i].name, medsec_commands[i].summary);
    fputs("\nRun 'medsec <command> --help' for a command's options.\n"
          "Exit codes: 0 ok, 1 findings or policy failure, 2 usage or input error, "
          "3 internal error.\n",
          out);
}

int cmd_version(int argc, char **argv)
{
    const struct cli_option opts[] = {CLI_OPT_END};
    const struct cli_spec spec = {.cmd = "version",
                                  .usage = "medsec version",
                                  .about = "Print the medsec version.\n",
                                  .opts = opts,
                                  .max_args = 0,
                                  .extra = "takes no argument"};
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    if (nargs)
        return cli_usage_error("version", "unexpected argument '%s'", args[0]);
    printf("medsec %s\n", MEDSEC_VERSION);
    return EXIT_OK_;
}

int cmd_help(int argc, char **argv)
{
    const struct cli_option opts[] = {CLI_OPT_END};
    const struct cli_spec spec = {.cmd = "help",
                                  .usage = "medsec help [<command>]",
                                  .about = "Show help for medsec or one of its commands.\n",
                                  .opts = opts,
                                  .max_args = 1,
                                  .extra = "one command at a time"};
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    if (nargs == 0) {
        usage(stdout);
        return EXIT_OK_;
    }
    const struct cmd *c = find_command(args[0]);
    if (!c)
        return cli_usage_error("help", "unknown command '%s'", args[0]);
    char *help_args[] = {args[0], "--help", NULL};
    return c->fn(2, help_args);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    int ex = cli_context_init();
    if (ex != EXIT_OK_)
        return ex;
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return EXIT_OK_;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
        return cmd_version(1, argv + 1);
    const struct cmd *c = find_command(name);
    if (!c) {
        fprintf(stderr, "medsec: '%s' is not a medsec command. See 'medsec --help'.\n", name);
        return EXIT_USAGE;
    }
    int rc = c->fn(argc - 1, argv + 1);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "medsec: error writing output\n");
        return EXIT_INTERNAL;
    }
    return rc;
}
