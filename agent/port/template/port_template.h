/* port_template.h: the starting point of a port of the device agent to a new device. Copy this
 * folder next to the firmware, rename template_ to the board's name, and fill in each function of
 * port_template.c (docs/agent-arm.md, "Porting"); agent/port/mps2 is a complete bare-metal example
 * and agent/port/posix the host port. */
#ifndef MSA_PORT_TEMPLATE_H
#define MSA_PORT_TEMPLATE_H

#include "msa/port.h"

/* Fill @port with the device's functions. Call once at boot, before any msa_* call. */
void template_port_init(struct msa_port *port);

#endif
