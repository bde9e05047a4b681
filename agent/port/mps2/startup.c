/* startup.c: reset and fault handlers, the vector table, semihosting and the stack measurement of
 * the mps2-an385 test image. Reset copies .data, clears .bss, paints the stack and runs main. */
#include <string.h>

#include "mps2.h"

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern uint32_t __stack_bottom[], __stack_top[];

int main(void);
void mps2_reset(void);
void mps2_fault(void);

#define STACK_PATTERN 0xa5a5a5a5u

/* Arm semihosting (a BKPT 0xAB with the operation in r0 and its argument in r1) */
static int semihost(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define ADP_APPLICATION_EXIT 0x20026 /* QEMU exits with status 0 */
#define ADP_RUNTIME_ERROR 0x20023    /* QEMU exits with status 1 */

void mps2_puts(const char *s)
{
    semihost(SYS_WRITE0, s);
}

void mps2_exit(int ok)
{
    for (;;)
        semihost(SYS_EXIT,
                 (const void *)(uintptr_t)(ok ? ADP_APPLICATION_EXIT : ADP_RUNTIME_ERROR));
}

void mps2_put_num(const char *label, unsigned long value)
{
    char buf[24];
    int i = (int)sizeof buf - 1;
    buf[i--] = '\0';
    buf[i--] = '\n';
    do {
        buf[i--] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 && i > 0);
    buf[i] = ' ';
    mps2_puts(label);
    mps2_puts(buf + i);
}

static uint32_t *stack_pointer(void)
{
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

void mps2_stack_paint(void)
{
    uint32_t *p, *end = stack_pointer() - 16; /* spare this function's own frame */
    for (p = __stack_bottom; p < end; p++)
        *p = STACK_PATTERN;
}

unsigned long mps2_stack_peak(void)
{
    const uint32_t *p = __stack_bottom;
    while (p < __stack_top && *p == STACK_PATTERN)
        p++;
    return (unsigned long)((uintptr_t)__stack_top - (uintptr_t)p);
}

/* SysTick (ARMv7-M): a 24-bit down-counter on the processor clock */
#define SYST_CSR (*(volatile uint32_t *)0xe000e010u)
#define SYST_RVR (*(volatile uint32_t *)0xe000e014u)
#define SYST_CVR (*(volatile uint32_t *)0xe000e018u)

void mps2_ticks_start(void)
{
    SYST_CSR = 0;
    SYST_RVR = 0x00ffffffu;
    SYST_CVR = 0;
    SYST_CSR = 5; /* enable, processor clock, no interrupt */
}

uint32_t mps2_ticks(void)
{
    return 0x00ffffffu - (SYST_CVR & 0x00ffffffu);
}

void mps2_reset(void)
{
    uint32_t *src = __data_load, *dst;
    for (dst = __data_start; dst < __data_end;)
        *dst++ = *src++;
    for (dst = __bss_start; dst < __bss_end;)
        *dst++ = 0;
    mps2_stack_paint();
    mps2_exit(main() == 0);
}

void mps2_fault(void)
{
    mps2_puts("FAULT: the processor took an exception\n");
    mps2_exit(0);
}

/* the vector table (ARMv7-M): initial stack pointer, reset, then the exceptions we catch */
typedef void (*vector)(void);
__attribute__((section(".vectors"), used)) static const vector vectors[16] = {
    (vector)(uintptr_t)__stack_top,
    mps2_reset,
    mps2_fault, /* NMI */
    mps2_fault, /* HardFault */
    mps2_fault, /* MemManage */
    mps2_fault, /* BusFault */
    mps2_fault, /* UsageFault */
};
