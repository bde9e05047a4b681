/* devtest.h: helpers of the agent's install tests: a device folder in a temporary directory over
 * the POSIX port, test images, removal. */
#ifndef DEVTEST_H
#define DEVTEST_H

#include <stddef.h>
#include <stdint.h>

#include "msa/agent.h"
#include "posix.h"

#define DT_SLOT_BYTES (64u * 1024u)
#define DT_LOG_BYTES (MSA_LOG_RECORD_BYTES * 40u)

/* One simulated device: its folder, port and agent. */
struct dt_dev {
    char dir[256];
    struct msa_posix px;
    struct msa_port port;
    struct msa_agent a;
};

/* A new temporary folder (its name into @out, @cap bytes); 0 on success. */
int dt_tmpdir(char *out, size_t cap);
/* Remove a folder and the files in it (one level). */
void dt_rmdir(const char *dir);
/* Create a device in @parent/@name (keys: with a log key) and open it; 0 on success. */
int dt_create(struct dt_dev *d, const char *parent, const char *name, int keys);
/* Close and open again ("reboot"): the agent starts from what the files hold; 0 on success. */
int dt_reboot(struct dt_dev *d);
void dt_close(struct dt_dev *d);
/* Fill @n bytes of the test image of version @v. */
void dt_image(unsigned v, unsigned char *buf, size_t n);

#endif
