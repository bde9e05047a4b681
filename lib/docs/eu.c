/*
 * eu.c: the security part of the EU technical documentation (MDR Annex II and III), one document
 * for the notified body: the device and its architecture (Annex II 1), the security risk
 * management (Annex II 5; Annex I GSPR 1-4, 8, 17.2), the SBOM, the assessment of known
 * vulnerabilities, the verification and validation evidence (Annex II 6.1) and the post-market
 * plan with coordinated vulnerability disclosure (Annex III; MDCG 2019-16 §5).
 */
#include "doc.h"
#include "medsec/risk.h"

#define AREA "EU"

medsec_err docs_gen_eu(struct docs_gen *g)
{
    struct doc *d = doc_new(
        g->set, "eu-technical-documentation", "EU MDR", "Technical documentation: cybersecurity",
        "The cybersecurity part of the technical documentation (MDR Annex II sections 1, 5 and 6 "
        "and Annex III), read against Annex I GSPR 17.2, 17.4 and 18.8 through MDCG 2019-16, for "
        "the notified body's review.");
    const struct medsec_threat_list *tl = NULL;
    struct medsec_risk_register reg = {0};
    medsec_err rc = docs_risk_inputs(g, &tl, &reg);
    if (rc)
        goto out_release;

    doc_heading(d, 1, "eu-device", "1 Device description and specification (MDR Annex II 1)");
    if ((rc = docs_sec_device(g, d, 2, AREA)))
        goto out_release;
    doc_heading(d, 2, "eu-architecture", "Architecture and data flows (Annex II 1.1, 3)");
    if ((rc = docs_sec_architecture(g, d, 3, AREA)) || (rc = docs_sbom_section(g, d, 2)))
        goto out_release;

    doc_heading(d, 1, "eu-information",
                "2 Information supplied to users (MDR Annex II 2; Annex I GSPR 23.4(ab); MDCG "
                "2019-16 2.6, 4.2)");
    if ((rc = docs_sec_duties(g, d, AREA)))
        goto out_release;

    doc_heading(d, 1, "eu-risk",
                "3 Benefit-risk analysis and security risk management (MDR Annex II 5; Annex I "
                "GSPR 1-4, 8, 17.2)");
    doc_para(d, "Security risk management runs with the safety risk management of ISO 14971 "
                "(MDCG 2019-16 3.2); the security file and `medsec risk` keep its records.");
    doc_heading(d, 2, "eu-risk-method", "Method and acceptance criteria");
    if ((rc = docs_sec_risk_method(g, d, 3, AREA)))
        goto out_release;
    doc_heading(d, 2, "eu-threat-model", "Threat model (IEC 81001-5-1 7.1)");
    if ((rc = docs_sec_threats(g, d, 2, AREA, tl)))
        goto out_release;
    doc_heading(d, 2, "eu-register",
                "Risk estimation, evaluation and control (IEC 81001-5-1 7.2-7.4)");
    if ((rc = docs_sec_register(g, d, 3, AREA, &reg)))
        goto out_release;
    doc_heading(d, 2, "eu-safety", "Security risks that affect safety (MDCG 2019-16 3.2)");
    if ((rc = docs_sec_safety_links(g, d, 2, AREA, &reg)))
        goto out_release;

    doc_heading(d, 1, "eu-vulnerabilities",
                "4 Vulnerability assessment (Annex I GSPR 17.2, 18.8; MDCG 2019-16 3.2, 5)");
    doc_para(d, "Exploitation of a known vulnerability is reasonably foreseeable misuse (MDCG "
                "2019-16 3.2): every known vulnerability of the release's components is assessed, "
                "with the justification of each decision.");
    if ((rc = docs_sec_vulns(g, d, 2, AREA, false)))
        goto out_release;

    doc_heading(d, 1, "eu-vv",
                "5 Verification and validation (MDR Annex II 6.1(b); IEC 81001-5-1 5.7)");
    if ((rc = docs_sec_testing(g, d, 2, AREA)))
        goto out_release;
    doc_heading(d, 2, "eu-trace", "Traceability: threat, control, requirement, evidence");
    if ((rc = docs_sec_trace(g, d, 2, AREA, tl, &reg)))
        goto out_release;

    doc_heading(d, 1, "eu-pms",
                "6 Post-market surveillance and coordinated vulnerability disclosure (MDR Annex "
                "III; Art. 83-86; MDCG 2019-16 5; IEC 81001-5-1 4.1.7, 6)");
    rc = docs_sec_postmarket(g, d, 2, AREA);
out_release:
    medsec_risk_register_release(&reg);
    return rc ? rc : docs_status(g);
}
