/* medsec/device_vex.h: the VEX statements of one release of a device: what `medsec vex` writes
 * (docs/vex.md). The security file's own `vulnerabilities:` assessment and, with a database, every
 * finding of the release's SBOMs, with a hook through which decisions made elsewhere (the triage
 * file, a supplier's VEX) take precedence. */
#ifndef MEDSEC_DEVICE_VEX_H
#define MEDSEC_DEVICE_VEX_H

#include "medsec/db.h"
#include "medsec/device.h"
#include "medsec/error.h"
#include "medsec/vex.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A decision made outside the security file for vulnerability @vuln (or one of its aliases: called
 * once per id until one answers) in the component @purl (its purl, else its CPE, else NULL) of
 * device release @version; NULL when there is none. The builder copies what it uses: the state,
 * justifications, detail, responses, action, fixing release, author and timestamp of the answer
 * replace what the security file and the scan said.
 */
typedef const struct medsec_vex_statement *(*medsec_vex_decide_fn)(void *ud, const char *vuln,
                                                                   const char *purl,
                                                                   const char *version);

/* Let @decide (NULL: none) speak for the manufacturer in the registers medsec_device_risks and
 * medsec_device_versions make with a database: a finding it decides not affected, a false positive
 * or fixed adds no risk. @ud must outlive the device's use. */
void medsec_device_set_decide(struct medsec_device *d, medsec_vex_decide_fn decide, void *ud);

/*
 * Fill @out (initialised here; release it with medsec_vex_doc_release, also after a failure) with
 * the statements of release @version of @d (NULL: the current version):
 *   - each entry of the file's `vulnerabilities:` on each of its components that one of the
 *     release's SBOMs holds (status, justification, rationale as the detail, the file's CVSS);
 *   - with @db (may be NULL), each finding of the release's SBOMs not stated above: assessed by
 *     the file (as the scan applies it) or else in_triage, with the database's aliases and score
 *     and the upstream fixed version;
 *   - then @decide (may be NULL) is asked about every statement, and its answer wins;
 *   - an affected statement without a fixing release gets the first release in the field, released
 *     after @version, in which that vulnerability is affected or in triage nowhere (same sources).
 * One statement per vulnerability and component. The document's time is the clock of the context
 * in force (medsec_ctx_current: MEDSEC_NOW in the command). MEDSEC_ENOTFOUND when @version is not
 * one of the file's; database failures as medsec_scan_plan_run returns them.
 */
medsec_err medsec_device_vex(struct medsec_device *d, struct medsec_db *db, const char *version,
                             medsec_vex_decide_fn decide, void *ud, struct medsec_vex_doc *out,
                             struct medsec_error *err) __attribute__((warn_unused_result));

/* medsec_device_vex on a plan the caller made and ran (medsec_scan_plan_run) over the device's
 * releases, e.g. the triage session's (NULL: no findings): the same statements without scanning
 * again. */
struct medsec_scan_plan;
medsec_err medsec_device_vex_plan(struct medsec_device *d, const struct medsec_scan_plan *plan,
                                  const char *version, medsec_vex_decide_fn decide, void *ud,
                                  struct medsec_vex_doc *out, struct medsec_error *err)
    __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
