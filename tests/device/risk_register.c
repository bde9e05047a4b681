/* risk_register.c: a front end of ten lines on medsec/device.h: the risk register of a device
 * folder as CSV. tests/device checks that it prints what `medsec risk --csv` prints. */
#include <stdio.h>

#include "medsec/device.h"

int main(int argc, char **argv)
{
    struct medsec_device *d = NULL;
    struct medsec_risk_register reg = {0};
    struct medsec_buf csv = MEDSEC_BUF_INIT;
    struct medsec_error err = {0};
    int ok = argc == 2 && !medsec_device_open(NULL, argv[1], NULL, &d, NULL, &err) &&
             !medsec_device_risks(d, NULL, NULL, &reg, NULL, NULL, &err) &&
             !medsec_risk_register_csv(&csv, &reg) &&
             fwrite(csv.data, 1, csv.len, stdout) == csv.len;
    if (!ok)
        fprintf(stderr, "risk_register: %s\n", err.msg[0] ? err.msg : "usage: risk_register DIR");
    medsec_buf_release(&csv);
    medsec_risk_register_release(&reg);
    medsec_device_close(d);
    return ok ? 0 : 1;
}
