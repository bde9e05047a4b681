/* msa_config.h of the mps2 test board: the agent's one configuration header as an integrator
 * writes it, with the bounds this device needs (one signature of one root, a few revoked keys,
 * small bundles), then the agent's defaults (agent/msa_config.h) for everything it leaves alone.
 * CMakeLists.txt puts this folder first on the include path (MSA_CONFIG_DIR). */
#ifndef MSA_MPS2_CONFIG_H
#define MSA_MPS2_CONFIG_H

/* the envelope's members other than payloads: the test's bundles carry about 300 bytes */
#define MSA_MANIFEST_MAX 2048
/* one root key signs; room for a second signature and root */
#define MSA_SIGNATURES_MAX 2
#define MSA_ROOTS_MAX 2
#define MSA_REVOKED_MAX 8

#include "../../../msa_config.h"

#endif
