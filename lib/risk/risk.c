/* risk.c: security risk = exploitability x severity of harm through the configured acceptance
 * matrix, with control reductions, residual risk and the gap left to close. */
#include <string.h>

#include "medsec/risk.h"

medsec_err medsec_risk_config_check(const struct medsec_risk_config *cfg, struct medsec_error *err)
{
    if (!cfg->nexploitability || cfg->nexploitability > MEDSEC_RISK_MAX_LEVELS)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "the exploitability scale needs 1 to %d levels",
                                MEDSEC_RISK_MAX_LEVELS);
    if (!cfg->nseverity || cfg->nseverity > MEDSEC_RISK_MAX_LEVELS)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "the severity scale needs 1 to %d levels", MEDSEC_RISK_MAX_LEVELS);
    if (!cfg->nclasses || !cfg->classes || !cfg->matrix)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "the acceptance matrix is empty");
    for (size_t e = 0; e < cfg->nexploitability; e++)
        for (size_t s = 0; s < cfg->nseverity; s++)
            if (cfg->matrix[e * cfg->nseverity + s] >= cfg->nclasses)
                return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                        "matrix cell (%s, %s) names no risk class",
                                        cfg->exploitability[e], cfg->severity[s]);
    if (cfg->epss_threshold < 0 || cfg->epss_threshold > 1)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "EPSS threshold must be within 0..1");
    return MEDSEC_OK;
}

static int clamp(int v, size_t n)
{
    return v < 0 ? 0 : v >= (int)n ? (int)n - 1 : v;
}

size_t medsec_risk_class_of(const struct medsec_risk_config *cfg, int exploit, int severity)
{
    return cfg->matrix[(size_t)clamp(exploit, cfg->nexploitability) * cfg->nseverity +
                       (size_t)clamp(severity, cfg->nseverity)];
}

static bool acceptable(const struct medsec_risk_config *cfg, int e, int s)
{
    return cfg->classes[medsec_risk_class_of(cfg, e, s)].acceptable;
}

medsec_err medsec_risk_assess(const struct medsec_risk_config *cfg,
                              const struct medsec_risk_input *in, struct medsec_risk_result *out,
                              struct medsec_error *err)
{
    const char *id = in->id ? in->id : "risk";
    memset(out, 0, sizeof *out);
    if (in->exploitability < 0 || in->exploitability >= (int)cfg->nexploitability)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "%s: exploitability level %d out of range", id, in->exploitability);
    if (in->severity < 0 || in->severity >= (int)cfg->nseverity)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "%s: severity level %d out of range", id, in->severity);
    int er = 0, sr = 0; /* reductions do not stack: the largest one counts */
    for (size_t i = 0; i < in->ncontrols; i++) {
        const struct medsec_risk_control *c = &in->controls[i];
        if (c->exploit_reduction < 0 || c->severity_reduction < 0)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                    "%s: control %s: a reduction cannot be negative", id,
                                    c->id ? c->id : "?");
        if ((c->exploit_reduction || c->severity_reduction) && (!c->rationale || !*c->rationale))
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                    "%s: control %s reduces the risk without a rationale", id,
                                    c->id ? c->id : "?");
        er = c->exploit_reduction > er ? c->exploit_reduction : er;
        sr = c->severity_reduction > sr ? c->severity_reduction : sr;
    }
    if (in->has_residual_severity &&
        (in->residual_severity < 0 || in->residual_severity > in->severity))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "%s: residual severity %d outside 0..%d", id, in->residual_severity,
                                in->severity);
    if (in->has_residual_exploitability &&
        (in->residual_exploitability < 0 || in->residual_exploitability > in->exploitability))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "%s: residual exploitability %d outside 0..%d", id,
                                in->residual_exploitability, in->exploitability);
    int e = in->has_residual_exploitability ? in->residual_exploitability : in->exploitability - er,
        s = in->has_residual_severity ? in->residual_severity : in->severity - sr;
    out->initial_exploitability = in->exploitability;
    out->initial_severity = in->severity;
    out->initial_class = medsec_risk_class_of(cfg, in->exploitability, in->severity);
    out->initial_acceptable = cfg->classes[out->initial_class].acceptable;
    out->residual_exploitability = clamp(e, cfg->nexploitability);
    out->residual_severity = clamp(s, cfg->nseverity);
    out->residual_class =
        medsec_risk_class_of(cfg, out->residual_exploitability, out->residual_severity);
    out->residual_acceptable = cfg->classes[out->residual_class].acceptable;
    if (!out->residual_acceptable) {
        out->close_by_exploitability = out->close_by_severity = -1;
        for (int k = 1; k <= out->residual_exploitability; k++)
            if (acceptable(cfg, out->residual_exploitability - k, out->residual_severity)) {
                out->close_by_exploitability = k;
                break;
            }
        for (int k = 1; k <= out->residual_severity; k++)
            if (acceptable(cfg, out->residual_exploitability, out->residual_severity - k)) {
                out->close_by_severity = k;
                break;
            }
    }
    return MEDSEC_OK;
}

int medsec_risk_exploit_raise(int level, int ceiling, size_t n, bool kev, double epss,
                              double threshold)
{
    if (n == 0)
        return 0;
    if (threshold <= 0)
        threshold = MEDSEC_RISK_EPSS_DEFAULT;
    if (kev) /* exploited in the wild: the preconditions are met in practice, and tooling exists */
        level = (level > ceiling ? level : ceiling) + 1;
    else if (epss >= 0 && epss >= threshold)
        level++;
    return clamp(level, n);
}
