/* commands.h: one entry point per subcommand, each in cli/cmd_<name>.c (help and version in
 * main.c). */
#ifndef MEDSEC_COMMANDS_H
#define MEDSEC_COMMANDS_H

int cmd_advisory(int argc, char **argv);
int cmd_docs(int argc, char **argv);
int cmd_cvss(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_dfd(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_gate(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_checkin(int argc, char **argv);
/* `NAME RECORD --device-pub P` (log decommission-verify, release decommission-verify): argv[0] is
 * the subcommand's last word, @name the words the user typed after medsec, for messages. */
int cmd_decommission_verify(const char *name, int argc, char **argv);
int cmd_risk(int argc, char **argv);
int cmd_threats(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_triage(int argc, char **argv);
int cmd_vex(int argc, char **argv);
int cmd_vex_read(int argc, char **argv); /* `vex read`, argv[0] = "read" */
int cmd_release(int argc, char **argv);

#endif
