/* release_verify.h: `medsec release verify` and `medsec release inspect` (cli/release_verify.c),
 * which read bundles through the device agent's decoder and verifier. */
#ifndef MEDSEC_RELEASE_VERIFY_H
#define MEDSEC_RELEASE_VERIFY_H

int release_verify(int argc, char **argv);
int release_inspect(int argc, char **argv);

#endif
