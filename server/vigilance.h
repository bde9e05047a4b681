/* vigilance.h: security events and incidents per device and site, their classification under the
 * MDR (Regulation (EU) 2017/745, Art. 2(64) incident, 2(65) serious incident, 2(66) serious public
 * health threat), IMDRF adverse-event codes, and the Art. 87 reporting deadline
 * (docs/serve-watch.md, "Vigilance"). Nothing here prints or exits. */
#ifndef MEDSEC_SERVER_VIGILANCE_H
#define MEDSEC_SERVER_VIGILANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srv.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The facts a classification rests on, each recorded with the incident. */
struct srv_vig_facts {
    /* Art. 2(64): a malfunction or deterioration in the characteristics or performance of the
     * device (a security compromise of its function or data counts), an inadequacy in the
     * information supplied by the manufacturer, or an undesirable side-effect */
    bool malfunction;
    /* Art. 2(65): the incident directly or indirectly led, might have led or might lead to ... */
    bool death;                 /* (a) the death of a patient, user or other person */
    bool serious_deterioration; /* (b) the temporary or permanent serious deterioration of a
                                 * patient's, user's or other person's state of health */
    bool public_health_threat;  /* (c) a serious public health threat (Art. 2(66)) */
    bool unanticipated;         /* the serious deterioration was not anticipated (Art. 87(5)) */
};

enum srv_vig_class {
    SRV_VIG_NOT_INCIDENT = 0, /* no malfunction, deterioration or inadequacy: an event only */
    SRV_VIG_INCIDENT,         /* Art. 2(64): recorded, trend reporting (Art. 88), no Art. 87 */
    SRV_VIG_SERIOUS,          /* Art. 2(65): reported under Art. 87 */
};
/* "not_incident", "incident", "serious_incident". */
const char *srv_vig_class_name(enum srv_vig_class c);

/* The classification of @f; never SRV_VIG_SERIOUS without one of death, serious deterioration
 * or a serious public health threat. */
enum srv_vig_class srv_vig_classify(const struct srv_vig_facts *f);

/* The Art. 87 deadline in days after awareness: 2 for a serious public health threat (87(4)), 10
 * for death or an unanticipated serious deterioration (87(5)), 15 otherwise (87(3)); 0 when the
 * incident is not serious (no Art. 87 report). *@clause (may be NULL) gets the paragraph. */
int srv_vig_deadline_days(const struct srv_vig_facts *f, const char **clause);

/* The deadline as a UTC calendar date "YYYY-MM-DD": the awareness day (the date of @aware_at)
 * plus @days calendar days. */
void srv_vig_deadline_date(int64_t aware_at, int days, char out[11]);

/* An IMDRF code: Annex A (medical device problem, A..), E (health effects - clinical signs, E..),
 * F (health effects - health impact, F..). The term when the built-in table knows the code,
 * else NULL; false when @code does not have the shape of one (a letter A, E or F and 2, 4 or 6
 * digits). */
bool srv_vig_imdrf_check(const char *code, const char **term);

medsec_err srv_vigilance_migrate(struct sdb *db, struct medsec_error *err);

#ifdef __cplusplus
}
#endif
#endif
