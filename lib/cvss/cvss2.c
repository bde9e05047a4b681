/* cvss2.c: the CVSS v2 metric table and its base, temporal and environmental equations (FIRST, "A
 * Complete Guide to the Common Vulnerability Scoring System Version 2.0", section 3.2). */
#include <math.h>
#include <string.h>

#include "cvss_int.h"

static const char *const v_av[] = {"L", "A", "N"};
static const char *const v_ac[] = {"H", "M", "L"};
static const char *const v_au[] = {"M", "S", "N"};
static const char *const v_cia[] = {"N", "P", "C"};
static const char *const v_e[] = {"U", "POC", "F", "H", "ND"};
static const char *const v_rl[] = {"OF", "TF", "W", "U", "ND"};
static const char *const v_rc[] = {"UC", "UR", "C", "ND"};
static const char *const v_cdp[] = {"N", "L", "LM", "MH", "H", "ND"};
static const char *const v_td[] = {"N", "L", "M", "H", "ND"};
static const char *const v_req[] = {"L", "M", "H", "ND"};

#define N_(a) (sizeof a / sizeof a[0]), a

static const struct medsec_cvss_metric metrics[] = {
    {"AV", "Access Vector", MEDSEC_CVSS_BASE, true, N_(v_av)},
    {"AC", "Access Complexity", MEDSEC_CVSS_BASE, true, N_(v_ac)},
    {"Au", "Authentication", MEDSEC_CVSS_BASE, true, N_(v_au)},
    {"C", "Confidentiality Impact", MEDSEC_CVSS_BASE, true, N_(v_cia)},
    {"I", "Integrity Impact", MEDSEC_CVSS_BASE, true, N_(v_cia)},
    {"A", "Availability Impact", MEDSEC_CVSS_BASE, true, N_(v_cia)},
    {"E", "Exploitability", MEDSEC_CVSS_TEMPORAL, false, N_(v_e)},
    {"RL", "Remediation Level", MEDSEC_CVSS_TEMPORAL, false, N_(v_rl)},
    {"RC", "Report Confidence", MEDSEC_CVSS_TEMPORAL, false, N_(v_rc)},
    {"CDP", "Collateral Damage Potential", MEDSEC_CVSS_ENVIRONMENTAL, false, N_(v_cdp)},
    {"TD", "Target Distribution", MEDSEC_CVSS_ENVIRONMENTAL, false, N_(v_td)},
    {"CR", "Confidentiality Requirement", MEDSEC_CVSS_ENVIRONMENTAL, false, N_(v_req)},
    {"IR", "Integrity Requirement", MEDSEC_CVSS_ENVIRONMENTAL, false, N_(v_req)},
    {"AR", "Availability Requirement", MEDSEC_CVSS_ENVIRONMENTAL, false, N_(v_req)},
};
enum { AV, AC, AU, C, I, A, E, RL, RC, CDP, TD, CR, IR, AR, NMETRICS };

/* The guide (2.4) fixes the order of the metrics in a vector: base, then temporal, then
 * environmental, each in the order of the table above. */
const struct cvss_def cvss2_def = {"", NMETRICS, metrics, true};

/* Weights in the order of each metric's values; a metric that is not given weighs as ND (last). */
static const double w_av[] = {0.395, 0.646, 1.0};
static const double w_ac[] = {0.35, 0.61, 0.71};
static const double w_au[] = {0.45, 0.56, 0.704};
static const double w_cia[] = {0.0, 0.275, 0.660};
static const double w_e[] = {0.85, 0.9, 0.95, 1.0, 1.0};
static const double w_rl[] = {0.87, 0.90, 0.95, 1.0, 1.0};
static const double w_rc[] = {0.90, 0.95, 1.0, 1.0};
static const double w_cdp[] = {0.0, 0.1, 0.3, 0.4, 0.5, 0.0};
static const double w_td[] = {0.0, 0.25, 0.75, 1.0, 1.0};
static const double w_req[] = {0.5, 1.0, 1.51, 1.0};

static double w(const struct medsec_cvss *c, int m, const double *weights)
{
    int v = c->value[m];
    return weights[v >= 0 ? v : (int)metrics[m].nvalues - 1];
}

/* round_to_1_decimal: half up. The guide computes in exact decimals; the epsilon absorbs binary
 * floating-point error (far below any real difference between two vectors' scores). */
static double round1(double x)
{
    return floor(x * 10.0 + 0.5 + 1e-9) / 10.0;
}

static double base_equation(double impact, double exploitability)
{
    double f = impact == 0.0 ? 0.0 : 1.176;
    return round1(((0.6 * impact) + (0.4 * exploitability) - 1.5) * f);
}

/* Is a metric of the group given with a value? ND (the last value of each optional metric) says
 * "skip this metric" (the guide, 2.2 and 2.3): a group given only as ND has no score of its own. */
static bool any_given(const struct medsec_cvss *c, int from, int to)
{
    for (int i = from; i <= to; i++)
        if (c->value[i] >= 0 && (unsigned)c->value[i] + 1 < metrics[i].nvalues)
            return true;
    return false;
}

void cvss2_score(const struct medsec_cvss *c, struct medsec_cvss_scores *s)
{
    double cc = w(c, C, w_cia), ii = w(c, I, w_cia), aa = w(c, A, w_cia);
    double impact = 10.41 * (1 - (1 - cc) * (1 - ii) * (1 - aa));
    double exploitability = 20 * w(c, AV, w_av) * w(c, AC, w_ac) * w(c, AU, w_au);
    double tmul_e = w(c, E, w_e), tmul_rl = w(c, RL, w_rl), tmul_rc = w(c, RC, w_rc);

    s->base = base_equation(impact, exploitability);
    s->overall = s->base;
    if (any_given(c, E, RC)) {
        s->temporal = round1(s->base * tmul_e * tmul_rl * tmul_rc);
        s->overall = s->temporal;
    }
    if (any_given(c, CDP, AR)) {
        double adj_impact =
            fmin(10.0, 10.41 * (1 - (1 - cc * w(c, CR, w_req)) * (1 - ii * w(c, IR, w_req)) *
                                        (1 - aa * w(c, AR, w_req))));
        double adj_base = base_equation(adj_impact, exploitability);
        double adj_temporal = round1(adj_base * tmul_e * tmul_rl * tmul_rc);
        double cdp = w(c, CDP, w_cdp);
        /* A small adjusted impact (CR:L and one Partial) makes the adjusted base equation, and with
         * no collateral damage the environmental score, negative: the score is then 0.0, the
         * least a score can be, not undefined. */
        s->environmental =
            fmax(0.0, round1((adj_temporal + (10 - adj_temporal) * cdp) * w(c, TD, w_td)));
        s->overall = s->environmental;
    }
}
