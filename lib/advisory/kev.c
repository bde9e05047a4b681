/* kev.c: one entry of the CISA Known Exploited Vulnerabilities catalog (JSON feed). */
#include <string.h>

#include "internal.h"

medsec_err medsec_kev_from_json(const struct medsec_json *v, struct medsec_kev_entry *out,
                                struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    out->cve = adv_str(v, "cveID");
    if (!out->cve || strncmp(out->cve, "CVE-", 4) != 0)
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "KEV entry without a \"cveID\"");
    out->vendor = adv_str(v, "vendorProject");
    out->product = adv_str(v, "product");
    out->name = adv_str(v, "vulnerabilityName");
    out->description = adv_str(v, "shortDescription");
    out->date_added = adv_str(v, "dateAdded");
    out->due_date = adv_str(v, "dueDate");
    out->ransomware = adv_str(v, "knownRansomwareCampaignUse");
    out->action = adv_str(v, "requiredAction");
    out->notes = adv_str(v, "notes");
    return MEDSEC_OK;
}
