/* msa_config.h: the agent's one configuration header. An integrator copies it next to the port,
 * changes the bounds to the device's, and puts its folder first on the include path. The defaults
 * fit a Cortex-M with 16 KiB of RAM to spare (docs/agent.md, "Configuration"). */
#ifndef MSA_CONFIG_H
#define MSA_CONFIG_H

/* bytes of one SHA-256 state in the port's crypto backend */
#ifndef MSA_SHA256_CTX_BYTES
#define MSA_SHA256_CTX_BYTES 128
#endif
/* bytes of the persistent state record (struct msa_port state_read / state_write); the agent
 * uses 244 + 16 * MSA_REVOKED_MAX of them (the revoked key ids are kept there) */
#ifndef MSA_STATE_BYTES
#define MSA_STATE_BYTES 512
#endif
/* largest authentication wrapper + manifest the agent buffers while streaming a bundle */
#ifndef MSA_MANIFEST_MAX
#define MSA_MANIFEST_MAX 4096
#endif
/* most signatures in an authentication wrapper, trusted root keys, certificates in a bundle */
#ifndef MSA_SIGNATURES_MAX
#define MSA_SIGNATURES_MAX 4
#endif
#ifndef MSA_ROOTS_MAX
#define MSA_ROOTS_MAX 4
#endif
/* most components in a manifest, revoked key ids a device remembers */
#ifndef MSA_COMPONENTS_MAX
#define MSA_COMPONENTS_MAX 4
#endif
#ifndef MSA_REVOKED_MAX
#define MSA_REVOKED_MAX 16
#endif
/* deepest CBOR nesting the parser follows */
#ifndef MSA_CBOR_DEPTH_MAX
#define MSA_CBOR_DEPTH_MAX 16
#endif
/* boots a trial image gets to confirm itself before the agent rolls back */
#ifndef MSA_TRIAL_BOOTS
#define MSA_TRIAL_BOOTS 3
#endif
/* bytes copied per slot read/write while installing (on the stack) */
#ifndef MSA_CHUNK_BYTES
#define MSA_CHUNK_BYTES 256
#endif

#endif
