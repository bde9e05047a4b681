/* mps2.h: the agent's bare-metal port for QEMU's mps2-an385 board (Cortex-M3): semihosting output
 * and exit, the run-time stack measurement, and a struct msa_port over RAM arrays standing in for
 * the device's flash (two image slots, two state copies, the monotonic counter, the log) with the
 * agent's own crypto (agent/crypto) and device keys compiled in for the test. */
#ifndef MSA_PORT_MPS2_H
#define MSA_PORT_MPS2_H

#include <stddef.h>
#include <stdint.h>

#include "msa/port.h"

/* bytes of each image slot and of the log region of the simulated flash */
#define MPS2_SLOT_BYTES (64u * 1024u)
#define MPS2_LOG_BYTES (8u * 1024u)

/* semihosting: write a NUL-terminated string to the host's console; end the emulation (QEMU's exit
 * status is 0 when @ok, 1 otherwise) */
void mps2_puts(const char *s);
void mps2_exit(int ok);
/* a line "LABEL VALUE\n" with VALUE in decimal */
void mps2_put_num(const char *label, unsigned long value);

/* stack painting: fill the unused stack below the caller with a pattern; then the deepest byte
 * touched since, as bytes from the top of the stack */
void mps2_stack_paint(void);
unsigned long mps2_stack_peak(void);

/* SysTick: restart the count, then processor clock ticks since (24 bits: up to 16.7 million) */
void mps2_ticks_start(void);
uint32_t mps2_ticks(void);

/* the RAM-backed port: erased slots, state and log, a zero counter, crypto and keys */
void mps2_port_init(struct msa_port *port);
/* cut the power after @after more writes (slot, state, counter or log); -1 restores it */
void mps2_port_power_cut(long after);

#endif
