/* cvss3.c: the CVSS v3.0 and v3.1 metric table and equations (FIRST CVSS v3.1 specification section
 * 7 and appendix A; v3.0 specification section 8). The versions differ in Roundup and in the
 * modified impact of a changed scope. */
#include <math.h>
#include <string.h>

#include "cvss_int.h"

static const char *const v_av[] = {"N", "A", "L", "P"};
static const char *const v_ac[] = {"L", "H"};
static const char *const v_pr[] = {"N", "L", "H"};
static const char *const v_ui[] = {"N", "R"};
static const char *const v_s[] = {"U", "C"};
static const char *const v_cia[] = {"H", "L", "N"};
static const char *const v_e[] = {"X", "H", "F", "P", "U"};
static const char *const v_rl[] = {"X", "U", "W", "T", "O"};
static const char *const v_rc[] = {"X", "C", "R", "U"};
static const char *const v_req[] = {"X", "H", "M", "L"};
static const char *const v_mav[] = {"X", "N", "A", "L", "P"};
static const char *const v_mac[] = {"X", "L", "H"};
static const char *const v_mpr[] = {"X", "N", "L", "H"};
static const char *const v_mui[] = {"X", "N", "R"};
static const char *const v_ms[] = {"X", "U", "C"};
static const char *const v_mcia[] = {"X", "H", "L", "N"};

#define N_(a) (sizeof a / sizeof a[0]), a
#define B MEDSEC_CVSS_BASE
#define T MEDSEC_CVSS_TEMPORAL
#define EN MEDSEC_CVSS_ENVIRONMENTAL

static const struct medsec_cvss_metric metrics[] = {
    {"AV", "Attack Vector", B, true, N_(v_av)},
    {"AC", "Attack Complexity", B, true, N_(v_ac)},
    {"PR", "Privileges Required", B, true, N_(v_pr)},
    {"UI", "User Interaction", B, true, N_(v_ui)},
    {"S", "Scope", B, true, N_(v_s)},
    {"C", "Confidentiality", B, true, N_(v_cia)},
    {"I", "Integrity", B, true, N_(v_cia)},
    {"A", "Availability", B, true, N_(v_cia)},
    {"E", "Exploit Code Maturity", T, false, N_(v_e)},
    {"RL", "Remediation Level", T, false, N_(v_rl)},
    {"RC", "Report Confidence", T, false, N_(v_rc)},
    {"CR", "Confidentiality Requirement", EN, false, N_(v_req)},
    {"IR", "Integrity Requirement", EN, false, N_(v_req)},
    {"AR", "Availability Requirement", EN, false, N_(v_req)},
    {"MAV", "Modified Attack Vector", EN, false, N_(v_mav)},
    {"MAC", "Modified Attack Complexity", EN, false, N_(v_mac)},
    {"MPR", "Modified Privileges Required", EN, false, N_(v_mpr)},
    {"MUI", "Modified User Interaction", EN, false, N_(v_mui)},
    {"MS", "Modified Scope", EN, false, N_(v_ms)},
    {"MC", "Modified Confidentiality", EN, false, N_(v_mcia)},
    {"MI", "Modified Integrity", EN, false, N_(v_mcia)},
    {"MA", "Modified Availability", EN, false, N_(v_mcia)},
};
enum { NMETRICS = sizeof metrics / sizeof metrics[0] };

const struct cvss_def cvss30_def = {"CVSS:3.0/", NMETRICS, metrics, false};
const struct cvss_def cvss31_def = {"CVSS:3.1/", NMETRICS, metrics, false};

/* The value of @abbr, or of its modified twin "M<abbr>" when that is given and not X. */
static const char *eff(const struct medsec_cvss *c, const char *abbr, bool modified)
{
    if (modified) {
        char m[8] = "M";
        strncat(m, abbr, sizeof m - 2);
        const char *v = cvss_val(c, m);
        if (v && strcmp(v, "X") != 0)
            return v;
    }
    return cvss_val(c, abbr);
}

static double w_av(const char *v)
{
    return *v == 'N' ? 0.85 : *v == 'A' ? 0.62 : *v == 'L' ? 0.55 : 0.2;
}

static double w_ac(const char *v)
{
    return *v == 'L' ? 0.77 : 0.44;
}

static double w_pr(const char *v, bool changed)
{
    if (*v == 'N')
        return 0.85;
    if (*v == 'L')
        return changed ? 0.68 : 0.62;
    return changed ? 0.50 : 0.27;
}

static double w_ui(const char *v)
{
    return *v == 'N' ? 0.85 : 0.62;
}

static double w_cia(const char *v)
{
    return *v == 'H' ? 0.56 : *v == 'L' ? 0.22 : 0.0;
}

/* Temporal and requirement weights; a metric not given or X weighs 1. */
static double w_opt(const char *v, const char *const *vals, const double *weights, unsigned n)
{
    if (!v)
        return 1.0;
    for (unsigned i = 0; i < n; i++)
        if (strcmp(v, vals[i]) == 0)
            return weights[i];
    return 1.0;
}

static const double ww_e[] = {1.0, 1.0, 0.97, 0.94, 0.91};
static const double ww_rl[] = {1.0, 1.0, 0.97, 0.96, 0.95};
static const double ww_rc[] = {1.0, 1.0, 0.96, 0.92};
static const double ww_req[] = {1.0, 1.5, 1.0, 0.5};

/* v3.1 Roundup (appendix A): integer arithmetic so that binary floating point cannot push an exact
 * tenth up to the next one. */
static double roundup31(double x)
{
    long long i = llround(x * 100000.0);
    if (i % 10000 == 0)
        return (double)i / 100000.0;
    return (floor((double)i / 10000.0) + 1) / 10.0;
}

/* v3.0 Round up: the smallest number with one decimal that is >= x. The specification means exact
 * decimal arithmetic; the 1e-9 only cancels binary floating-point error above an exact tenth. */
static double roundup30(double x)
{
    return ceil(x * 10.0 - 1e-9) / 10.0;
}

void cvss3_score(const struct medsec_cvss *c, struct medsec_cvss_scores *s)
{
    bool v31 = c->version == MEDSEC_CVSS_V31;
    double (*roundup)(double) = v31 ? roundup31 : roundup30;

    /* base */
    bool changed = *cvss_val(c, "S") == 'C';
    double iss = 1 - (1 - w_cia(cvss_val(c, "C"))) * (1 - w_cia(cvss_val(c, "I"))) *
                         (1 - w_cia(cvss_val(c, "A")));
    double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
    double expl = 8.22 * w_av(cvss_val(c, "AV")) * w_ac(cvss_val(c, "AC")) *
                  w_pr(cvss_val(c, "PR"), changed) * w_ui(cvss_val(c, "UI"));
    if (impact <= 0)
        s->base = 0.0;
    else if (changed)
        s->base = roundup(fmin(1.08 * (impact + expl), 10));
    else
        s->base = roundup(fmin(impact + expl, 10));

    /* temporal */
    double te = w_opt(cvss_val(c, "E"), v_e, ww_e, 5);
    double trl = w_opt(cvss_val(c, "RL"), v_rl, ww_rl, 5);
    double trc = w_opt(cvss_val(c, "RC"), v_rc, ww_rc, 4);
    s->temporal = roundup(s->base * te * trl * trc);

    /* environmental */
    bool mchanged = *eff(c, "S", true) == 'C';
    double cr = w_opt(cvss_val(c, "CR"), v_req, ww_req, 4);
    double ir = w_opt(cvss_val(c, "IR"), v_req, ww_req, 4);
    double ar = w_opt(cvss_val(c, "AR"), v_req, ww_req, 4);
    double miss =
        fmin(1 - (1 - w_cia(eff(c, "C", true)) * cr) * (1 - w_cia(eff(c, "I", true)) * ir) *
                     (1 - w_cia(eff(c, "A", true)) * ar),
             0.915);
    double mimpact;
    if (!mchanged)
        mimpact = 6.42 * miss;
    else if (v31)
        mimpact = 7.52 * (miss - 0.029) - 3.25 * pow(miss * 0.9731 - 0.02, 13);
    else
        mimpact = 7.52 * (miss - 0.029) - 3.25 * pow(miss - 0.02, 15);
    double mexpl = 8.22 * w_av(eff(c, "AV", true)) * w_ac(eff(c, "AC", true)) *
                   w_pr(eff(c, "PR", true), mchanged) * w_ui(eff(c, "UI", true));
    if (mimpact <= 0)
        s->environmental = 0.0;
    else if (mchanged)
        s->environmental = roundup(roundup(fmin(1.08 * (mimpact + mexpl), 10)) * te * trl * trc);
    else
        s->environmental = roundup(roundup(fmin(mimpact + mexpl, 10)) * te * trl * trc);

    bool has_env = false;
    for (unsigned i = 11; i < NMETRICS; i++)
        if (c->value[i] >= 0 && strcmp(metrics[i].values[c->value[i]], "X") != 0)
            has_env = true;
    bool has_tmp = false;
    for (unsigned i = 8; i < 11; i++)
        if (c->value[i] >= 0 && strcmp(metrics[i].values[c->value[i]], "X") != 0)
            has_tmp = true;
    s->overall = has_env ? s->environmental : has_tmp ? s->temporal : s->base;
}
