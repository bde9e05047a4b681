/* cvss4.c: the CVSS v4.0 metric table and its score (FIRST CVSS v4.0 specification section 8): the
 * MacroVector (EQ1..EQ6) picks an expert-assigned score from the lookup table below, then the score
 * is lowered by the vector's mean severity distance to the MacroVector's highest-severity vector,
 * scaled by the room down to the next lower MacroVector. Supplemental metrics never change it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cvss_int.h"

static const char *const v_av[] = {"N", "A", "L", "P"};
static const char *const v_ac[] = {"L", "H"};
static const char *const v_at[] = {"N", "P"};
static const char *const v_pr[] = {"N", "L", "H"};
static const char *const v_ui[] = {"N", "P", "A"};
static const char *const v_imp[] = {"H", "L", "N"};
static const char *const v_e[] = {"X", "A", "P", "U"};
static const char *const v_req[] = {"X", "H", "M", "L"};
static const char *const v_mav[] = {"X", "N", "A", "L", "P"};
static const char *const v_mac[] = {"X", "L", "H"};
static const char *const v_mat[] = {"X", "N", "P"};
static const char *const v_mpr[] = {"X", "N", "L", "H"};
static const char *const v_mui[] = {"X", "N", "P", "A"};
static const char *const v_mimp[] = {"X", "H", "L", "N"};
static const char *const v_msafe[] = {"X", "S", "H", "L", "N"};
static const char *const v_s[] = {"X", "N", "P"};
static const char *const v_au[] = {"X", "N", "Y"};
static const char *const v_r[] = {"X", "A", "U", "I"};
static const char *const v_v[] = {"X", "D", "C"};
static const char *const v_re[] = {"X", "L", "M", "H"};
static const char *const v_u[] = {"X", "Clear", "Green", "Amber", "Red"};

#define N_(a) (sizeof a / sizeof a[0]), a
#define B MEDSEC_CVSS_BASE
#define T MEDSEC_CVSS_TEMPORAL
#define EN MEDSEC_CVSS_ENVIRONMENTAL
#define SU MEDSEC_CVSS_SUPPLEMENTAL

static const struct medsec_cvss_metric metrics[] = {
    {"AV", "Attack Vector", B, true, N_(v_av)},
    {"AC", "Attack Complexity", B, true, N_(v_ac)},
    {"AT", "Attack Requirements", B, true, N_(v_at)},
    {"PR", "Privileges Required", B, true, N_(v_pr)},
    {"UI", "User Interaction", B, true, N_(v_ui)},
    {"VC", "Vulnerable System Confidentiality Impact", B, true, N_(v_imp)},
    {"VI", "Vulnerable System Integrity Impact", B, true, N_(v_imp)},
    {"VA", "Vulnerable System Availability Impact", B, true, N_(v_imp)},
    {"SC", "Subsequent System Confidentiality Impact", B, true, N_(v_imp)},
    {"SI", "Subsequent System Integrity Impact", B, true, N_(v_imp)},
    {"SA", "Subsequent System Availability Impact", B, true, N_(v_imp)},
    {"E", "Exploit Maturity", T, false, N_(v_e)},
    {"CR", "Confidentiality Requirement", EN, false, N_(v_req)},
    {"IR", "Integrity Requirement", EN, false, N_(v_req)},
    {"AR", "Availability Requirement", EN, false, N_(v_req)},
    {"MAV", "Modified Attack Vector", EN, false, N_(v_mav)},
    {"MAC", "Modified Attack Complexity", EN, false, N_(v_mac)},
    {"MAT", "Modified Attack Requirements", EN, false, N_(v_mat)},
    {"MPR", "Modified Privileges Required", EN, false, N_(v_mpr)},
    {"MUI", "Modified User Interaction", EN, false, N_(v_mui)},
    {"MVC", "Modified Vulnerable System Confidentiality", EN, false, N_(v_mimp)},
    {"MVI", "Modified Vulnerable System Integrity", EN, false, N_(v_mimp)},
    {"MVA", "Modified Vulnerable System Availability", EN, false, N_(v_mimp)},
    {"MSC", "Modified Subsequent System Confidentiality", EN, false, N_(v_mimp)},
    {"MSI", "Modified Subsequent System Integrity", EN, false, N_(v_msafe)},
    {"MSA", "Modified Subsequent System Availability", EN, false, N_(v_msafe)},
    {"S", "Safety", SU, false, N_(v_s)},
    {"AU", "Automatable", SU, false, N_(v_au)},
    {"R", "Recovery", SU, false, N_(v_r)},
    {"V", "Value Density", SU, false, N_(v_v)},
    {"RE", "Vulnerability Response Effort", SU, false, N_(v_re)},
    {"U", "Provider Urgency", SU, false, N_(v_u)},
};
enum {
    NMETRICS = sizeof metrics / sizeof metrics[0],
    FIRST_ENV = 12,
    FIRST_SUPPL = 26,
    E_INDEX = 11
};

const struct cvss_def cvss40_def = {"CVSS:4.0/", NMETRICS, metrics, true};

/*
 * Score of every MacroVector (specification section 8.2, the table FIRST publishes with its
 * reference calculator), indexed [EQ1][EQ2][EQ3][EQ4][EQ5][EQ6]; -1 marks the 54 combinations that
 * do not exist (EQ3=2 only occurs with EQ6=1).
 */
static const double macro_score[3 * 2 * 3 * 3 * 3 * 2] = {
    /* EQ1=0 EQ2=0 EQ3=0: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    10,
    9.9,
    9.8,
    9.5,
    9.5,
    9.2,
    10,
    9.6,
    9.3,
    8.7,
    9.1,
    8.1,
    9.3,
    9,
    8.9,
    8,
    8.1,
    6.8,
    /* EQ1=0 EQ2=0 EQ3=1: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    9.8,
    9.5,
    9.5,
    9.2,
    9,
    8.4,
    9.3,
    9.2,
    8.9,
    8.1,
    8.1,
    6.5,
    8.8,
    8,
    7.8,
    7,
    6.9,
    4.8,
    /* EQ1=0 EQ2=0 EQ3=2: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    -1,
    9.2,
    -1,
    8.2,
    -1,
    7.2,
    -1,
    7.9,
    -1,
    6.9,
    -1,
    5,
    -1,
    6.9,
    -1,
    5.5,
    -1,
    2.7,
    /* EQ1=0 EQ2=1 EQ3=0: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    9.9,
    9.7,
    9.5,
    9.2,
    9.2,
    8.5,
    9.5,
    9.1,
    9,
    8.3,
    8.4,
    7.1,
    9.2,
    8.1,
    8.2,
    7.1,
    7.2,
    5.3,
    /* EQ1=0 EQ2=1 EQ3=1: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    9.5,
    9.3,
    9.2,
    8.5,
    8.5,
    7.3,
    9.2,
    8.2,
    8,
    7.2,
    7,
    5.9,
    8.4,
    7,
    7.1,
    5.2,
    5,
    3,
    /* EQ1=0 EQ2=1 EQ3=2: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    -1,
    8.6,
    -1,
    7.5,
    -1,
    5.2,
    -1,
    7.1,
    -1,
    5.2,
    -1,
    2.9,
    -1,
    6.3,
    -1,
    2.9,
    -1,
    1.7,
    /* EQ1=1 EQ2=0 EQ3=0: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    9.8,
    9.5,
    9.4,
    8.7,
    9.1,
    8.1,
    9.4,
    8.9,
    8.6,
    7.4,
    7.7,
    6.4,
    8.7,
    7.5,
    7.4,
    6.3,
    6.3,
    4.9,
    /* EQ1=1 EQ2=0 EQ3=1: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    9.4,
    8.9,
    8.8,
    7.7,
    7.6,
    6.7,
    8.6,
    7.6,
    7.4,
    5.8,
    5.9,
    5,
    7.2,
    5.7,
    5.7,
    5.2,
    5.2,
    2.5,
    /* EQ1=1 EQ2=0 EQ3=2: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    -1,
    8.3,
    -1,
    7,
    -1,
    5.4,
    -1,
    6.5,
    -1,
    5.8,
    -1,
    2.6,
    -1,
    5.3,
    -1,
    2.1,
    -1,
    1.3,
    /* EQ1=1 EQ2=1 EQ3=0: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    9.5,
    9,
    8.8,
    7.6,
    7.6,
    7,
    9,
    7.7,
    7.5,
    6.2,
    6.1,
    5.3,
    7.7,
    6.6,
    6.8,
    5.9,
    5.2,
    3,
    /* EQ1=1 EQ2=1 EQ3=1: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    8.9,
    7.8,
    7.6,
    6.7,
    6.2,
    5.8,
    7.4,
    5.9,
    5.7,
    5.7,
    4.7,
    2.3,
    6.1,
    5.2,
    5.7,
    2.9,
    2.4,
    1.6,
    /* EQ1=1 EQ2=1 EQ3=2: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    -1,
    7.1,
    -1,
    5.9,
    -1,
    3,
    -1,
    5.8,
    -1,
    2.6,
    -1,
    1.5,
    -1,
    2.3,
    -1,
    1.3,
    -1,
    0.6,
    /* EQ1=2 EQ2=0 EQ3=0: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    9.3,
    8.7,
    8.6,
    7.2,
    7.5,
    5.8,
    8.6,
    7.4,
    7.4,
    6.1,
    5.6,
    3.4,
    7,
    5.4,
    5.2,
    4,
    4,
    2.2,
    /* EQ1=2 EQ2=0 EQ3=1: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    8.5,
    7.5,
    7.4,
    5.5,
    6.2,
    5.1,
    7.2,
    5.7,
    5.5,
    4.1,
    4.6,
    1.9,
    5.3,
    3.6,
    3.4,
    1.9,
    1.9,
    0.8,
    /* EQ1=2 EQ2=0 EQ3=2: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    -1,
    6.4,
    -1,
    5.1,
    -1,
    2,
    -1,
    4.7,
    -1,
    2.1,
    -1,
    1.1,
    -1,
    2.4,
    -1,
    0.9,
    -1,
    0.4,
    /* EQ1=2 EQ2=1 EQ3=0: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    8.8,
    7.5,
    7.3,
    5.3,
    6,
    5,
    7.3,
    5.5,
    5.9,
    4,
    4.1,
    2,
    5.4,
    4.3,
    4.5,
    2.2,
    2,
    1.1,
    /* EQ1=2 EQ2=1 EQ3=1: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    7.5,
    5.5,
    5.8,
    4.5,
    4,
    2.1,
    6.1,
    5.1,
    4.8,
    1.8,
    2,
    0.9,
    4.6,
    1.8,
    1.7,
    0.7,
    0.8,
    0.2,
    /* EQ1=2 EQ2=1 EQ3=2: EQ4,EQ5,EQ6 = 000 001 010 011 020 021 100 ... 221 */
    -1,
    5.3,
    -1,
    2.4,
    -1,
    1.4,
    -1,
    2.4,
    -1,
    1.2,
    -1,
    0.5,
    -1,
    1,
    -1,
    0.3,
    -1,
    0.1,
};

static double lookup(const int eq[6])
{
    for (int i = 0; i < 6; i++)
        if (eq[i] < 0 || eq[i] > ((i == 1 || i == 5) ? 1 : 2))
            return NAN;
    double v =
        macro_score[((((eq[0] * 2 + eq[1]) * 3 + eq[2]) * 3 + eq[3]) * 3 + eq[4]) * 2 + eq[5]];
    return v < 0 ? NAN : v;
}

/*
 * The highest-severity vectors of each EQ level (the "max composed" table FIRST publishes with the
 * specification). EQ3 and EQ6 are joint: [EQ3][EQ6].
 */
static const char *const max_eq1[3][3] = {
    {"AV:N/PR:N/UI:N"},
    {"AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"},
    {"AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"},
};
static const char *const max_eq2[2][2] = {{"AC:L/AT:N"}, {"AC:H/AT:N", "AC:L/AT:P"}};
static const char *const max_eq3eq6[3][2][5] = {
    {{"VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"},
     {"VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"}},
    {{"VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"},
     {"VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M",
      "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M", "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H",
      "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"}},
    {{NULL}, {"VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"}},
};
static const char *const max_eq4[3] = {"SC:H/SI:S/SA:S", "SC:H/SI:H/SA:H", "SC:L/SI:L/SA:L"};

/* Depth of each MacroVector in severity steps (specification's "max severity" table, in 0.1 units).
 */
static const int depth_eq1[3] = {1, 4, 5};
static const int depth_eq2[2] = {1, 2};
static const int depth_eq3eq6[3][2] = {{7, 6}, {8, 8}, {0, 10}};
static const int depth_eq4[3] = {6, 5, 4};

/* Severity level of a metric value: 0.0 most severe, 0.1 per step down. */
struct level {
    const char *metric;
    const char *values; /* value letters, most severe first */
    double first;       /* level of the first letter (SC starts at 0.1 to line up with SI/SA's S) */
};
static const struct level levels[] = {
    {"AV", "NALP", 0.0}, {"PR", "NLH", 0.0},  {"UI", "NPA", 0.0},  {"AC", "LH", 0.0},
    {"AT", "NP", 0.0},   {"VC", "HLN", 0.0},  {"VI", "HLN", 0.0},  {"VA", "HLN", 0.0},
    {"SC", "HLN", 0.1},  {"SI", "SHLN", 0.0}, {"SA", "SHLN", 0.0}, {"CR", "HML", 0.0},
    {"IR", "HML", 0.0},  {"AR", "HML", 0.0},
};
enum { NLEVELS = sizeof levels / sizeof levels[0] };
static const double steps[] = {0.0, 0.1, 0.2, 0.3};

static double level_of(const struct level *l, char v)
{
    const char *p = strchr(l->values, v);
    int i = p ? (int)(p - l->values) : 0;
    /* the same binary values the reference tables use (0.1, 0.2, 0.3), so sums round alike */
    return l->first == 0.1 ? steps[i + 1] : steps[i];
}

/* Which metric groups the score takes into account. */
struct view {
    const struct medsec_cvss *c;
    bool threat, env;
};

/* The effective value of a metric (one letter), as the specification's equations read it: E not
 * defined counts as A, CR/IR/AR not defined as H, a modified metric other than X replaces its base.
 */
static char eff(const struct view *w, const char *m)
{
    const char *v;
    if (strcmp(m, "E") == 0) {
        v = w->threat ? cvss_val(w->c, "E") : NULL;
        return v && *v != 'X' ? *v : 'A';
    }
    if ((m[0] == 'C' || m[0] == 'I' || m[0] == 'A') && m[1] == 'R') {
        v = w->env ? cvss_val(w->c, m) : NULL;
        return v && *v != 'X' ? *v : 'H';
    }
    if (w->env) {
        char mm[8] = "M";
        strncat(mm, m, sizeof mm - 2);
        v = cvss_val(w->c, mm);
        if (v && *v != 'X')
            return *v;
    }
    return *cvss_val(w->c, m);
}

/* The letter of metric @m in a "AV:N/PR:N" string. */
static char field(const char *s, const char *m)
{
    size_t n = strlen(m);
    for (const char *p = s; p && *p; p = strchr(p, '/'), p = p ? p + 1 : NULL)
        if (strncmp(p, m, n) == 0 && p[n] == ':')
            return p[n + 1];
    return 0;
}

static void macrovector(const struct view *w, int eq[6])
{
    char av = eff(w, "AV"), pr = eff(w, "PR"), ui = eff(w, "UI");
    if (av == 'N' && pr == 'N' && ui == 'N')
        eq[0] = 0;
    else if ((av == 'N' || pr == 'N' || ui == 'N') && av != 'P')
        eq[0] = 1;
    else
        eq[0] = 2;
    eq[1] = eff(w, "AC") == 'L' && eff(w, "AT") == 'N' ? 0 : 1;
    char vc = eff(w, "VC"), vi = eff(w, "VI"), va = eff(w, "VA");
    if (vc == 'H' && vi == 'H')
        eq[2] = 0;
    else if (vc == 'H' || vi == 'H' || va == 'H')
        eq[2] = 1;
    else
        eq[2] = 2;
    char si = eff(w, "SI"), sa = eff(w, "SA");
    if (si == 'S' || sa == 'S')
        eq[3] = 0;
    else if (eff(w, "SC") == 'H' || si == 'H' || sa == 'H')
        eq[3] = 1;
    else
        eq[3] = 2;
    char e = eff(w, "E");
    eq[4] = e == 'A' ? 0 : e == 'P' ? 1 : 2;
    eq[5] = (eff(w, "CR") == 'H' && vc == 'H') || (eff(w, "IR") == 'H' && vi == 'H') ||
                    (eff(w, "AR") == 'H' && va == 'H')
                ? 0
                : 1;
}

/* Severity distance of each levels[] metric from the max vector made of the five parts. */
static bool distances(const struct view *w, const char *const parts[5], double d[NLEVELS])
{
    for (int i = 0; i < NLEVELS; i++) {
        char mv = 0;
        for (int k = 0; k < 5 && !mv; k++)
            mv = field(parts[k], levels[i].metric);
        d[i] = level_of(&levels[i], eff(w, levels[i].metric)) - level_of(&levels[i], mv);
        if (d[i] < 0)
            return false;
    }
    return true;
}

/* One decimal, half up, with the small epsilon the specification's reference implementation uses so
 * that x.x5 computed as x.x4999... still rounds up. */
static double round1(double x)
{
    return floor(x * 10.0 + 0.5 + 1e-6) / 10.0;
}

static double score_view(const struct view *w, int eq[6])
{
    macrovector(w, eq);
    static const char *const impacts[] = {"VC", "VI", "VA", "SC", "SI", "SA"};
    bool none = true;
    for (int i = 0; i < 6; i++)
        if (eff(w, impacts[i]) != 'N')
            none = false;
    if (none)
        return 0.0;
    double value = lookup(eq);

    /* scores of the next lower MacroVector along each EQ (NaN when there is none) */
    int n[6];
    double lower[5];
    for (int k = 0; k < 5; k++) {
        if (k == 2)
            continue; /* EQ3 and EQ6 step down jointly, below */
        memcpy(n, eq, sizeof n);
        n[k]++;
        lower[k] = lookup(n);
    }
    memcpy(n, eq, sizeof n);
    if (eq[2] == 0 && eq[5] == 0) {
        /* two ways down: to EQ6=1 or to EQ3=1; the higher of the two scores counts */
        n[5]++;
        double left = lookup(n);
        memcpy(n, eq, sizeof n);
        n[2]++;
        double right = lookup(n);
        lower[2] = left > right || isnan(right) ? left : right;
    } else if (eq[2] == 1 && eq[5] == 0) {
        n[5]++;
        lower[2] = lookup(n);
    } else {
        n[2]++; /* 01 -> 11, 11 -> 21; from 21 there is no lower one */
        lower[2] = lookup(n);
    }

    /* the first max vector of this MacroVector that the vector does not exceed in any metric */
    double d[NLEVELS] = {0};
    bool found = false;
    for (int a = 0; a < 3 && max_eq1[eq[0]][a] && !found; a++)
        for (int b = 0; b < 2 && max_eq2[eq[1]][b] && !found; b++)
            for (int c = 0; c < 5 && max_eq3eq6[eq[2]][eq[5]][c] && !found; c++) {
                const char *parts[5] = {max_eq1[eq[0]][a], max_eq2[eq[1]][b],
                                        max_eq3eq6[eq[2]][eq[5]][c], max_eq4[eq[3]], ""};
                found = distances(w, parts, d);
            }
    /* d[] indexes follow levels[]: AV PR UI AC AT VC VI VA SC SI SA CR IR AR */
    double dist[5];
    dist[0] = d[0] + d[1] + d[2];
    dist[1] = d[3] + d[4];
    dist[2] = d[5] + d[6] + d[7] + d[11] + d[12] + d[13];
    dist[3] = d[8] + d[9] + d[10];
    dist[4] = 0;
    double depth[5] = {depth_eq1[eq[0]] * 0.1, depth_eq2[eq[1]] * 0.1,
                       depth_eq3eq6[eq[2]][eq[5]] * 0.1, depth_eq4[eq[3]] * 0.1, 1};

    int existing = 0;
    double normalized[5] = {0};
    for (int k = 0; k < 5; k++) {
        double available = value - lower[k];
        if (isnan(available) || available < 0)
            continue;
        existing++;
        /* EQ5 has no depth inside a MacroVector: it counts, with a share of 0 */
        normalized[k] = k == 4 ? available * 0 : available * (dist[k] / depth[k]);
    }
    double mean =
        existing == 0
            ? 0
            : (normalized[0] + normalized[1] + normalized[2] + normalized[3] + normalized[4]) /
                  existing;
    value -= mean;
    value = fmin(10.0, fmax(0.0, value));
    return round1(value);
}

static bool group_given(const struct medsec_cvss *c, int from, int to)
{
    for (int i = from; i < to; i++)
        if (c->value[i] >= 0 && strcmp(metrics[i].values[c->value[i]], "X") != 0)
            return true;
    return false;
}

void cvss4_score(const struct medsec_cvss *c, struct medsec_cvss_scores *s)
{
    bool threat = group_given(c, E_INDEX, E_INDEX + 1),
         env = group_given(c, FIRST_ENV, FIRST_SUPPL);
    int eq[6];
    struct view w = {c, false, false};
    s->base = score_view(&w, eq);
    if (threat) {
        w.threat = true;
        s->temporal = score_view(&w, eq);
    }
    if (env) {
        w.threat = threat;
        w.env = true;
        s->environmental = score_view(&w, eq);
    }
    w.threat = true;
    w.env = true;
    s->overall = score_view(&w, eq);
    snprintf(s->macrovector, sizeof s->macrovector, "%d%d%d%d%d%d", eq[0], eq[1], eq[2], eq[3],
             eq[4], eq[5]);
    snprintf(s->nomenclature, sizeof s->nomenclature, "CVSS-B%s%s", threat ? "T" : "",
             env ? "E" : "");
}
