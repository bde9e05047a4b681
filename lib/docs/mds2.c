/*
 * mds2.c: the MDS2 form (ANSI/NEMA HN 1-2019, "Manufacturer Disclosure Statement for Medical
 * Device Security") answered from the security file (docs/docs-mds2.md). The questions and the rule
 * that answers each are data (rules/mds2.tsv, compiled in); this file holds the rules. Every answer
 * is Yes, No, N/A or "See note" with the ids it rests on; a question the file has no source for is
 * left blank and named as a gap. Written as the document `mds2` (one table per section) and as
 * files mds2.xlsx (laid out like the form), mds2.csv and mds2.json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "doc.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/csv.h"
#include "medsec/date.h"
#include "medsec/file.h"
#include "medsec/json.h"

extern const unsigned char medsec_docs_mds2_questions[];
extern const size_t medsec_docs_mds2_questions_len;

enum mds2_answer { MDS2_GAP = 0, MDS2_YES, MDS2_NO, MDS2_NA, MDS2_SEE };
static const char *const answer_names[] = {"", "Yes", "No", "N/A", "See note"};

/* One question of the form, and its answer once found. */
struct mds2_q {
    const char *id, *rule, *text; /* into the parsed copy of rules/mds2.tsv */
    enum medsec_capability section;
    bool under_parent; /* "^": N/A while the parent is No or N/A */
    enum mds2_answer answer;
    const char *note;    /* in the set's arena; the gap's sentence for a gap */
    const char *sources; /* the ids it rests on, comma-separated (set's arena) */
};

#define MDS2_MAX_QUESTIONS 400

/* The note of a question left blank starts with this, then says what is missing. */
static const char not_answered[] = "Not answered: ";

struct mds2 {
    struct docs_gen *g;
    const struct medsec_model *m;
    struct medsec_docs *s;
    char *text; /* the parsed copy of the questions */
    struct mds2_q *q;
    size_t nq;
    bool *item_phi, *flow_phi;   /* per item / flow: holds or carries personal health data */
    enum medsec_capability code; /* rule_cap's code, for its control filter */
    struct medsec_buf note, src;
};

/* ---- facts of the security file ---- */

static bool is_device_item(const struct medsec_model_item *it)
{
    return it && it->element != MEDSEC_ELEMENT_EXTERNAL_ENTITY;
}

static bool is_person(const struct medsec_model_item *it)
{
    return it && it->element == MEDSEC_ELEMENT_EXTERNAL_ENTITY && it->type &&
           (!strcmp(it->type, "human") || !strcmp(it->type, "user") ||
            !strcmp(it->type, "operator"));
}

static bool is_kind(const struct medsec_model_item *it, const char *kind)
{
    return it && it->kind && !strcmp(it->kind, kind);
}

/* An interface the device exposes in use: not a debug port disabled in production, nor a bus
 * or call inside the device. */
static bool iface_active(const struct medsec_model_interface *i)
{
    enum medsec_channel ch = medsec_model_interface_channel(i, NULL);
    return !(i->debug == 1 && i->disabled_in_production == 1) && ch != MEDSEC_CHANNEL_ONBOARD_BUS &&
           ch != MEDSEC_CHANNEL_IPC;
}

static bool type_is(const struct medsec_model_interface *i, const char *const *types)
{
    for (size_t k = 0; i->type && types[k]; k++)
        if (!strcmp(i->type, types[k]))
            return true;
    return false;
}

static const char *const wifi_types[] = {"wifi", NULL};
static const char *const bt_types[] = {"ble", "bluetooth", NULL};
static const char *const cell_types[] = {"cellular", NULL};
static const char *const eth_types[] = {"ethernet", NULL};
static const char *const usb_types[] = {"usb", "usb-c", NULL};

static bool iface_wireless(const struct medsec_model_interface *i)
{
    return medsec_model_interface_channel(i, NULL) == MEDSEC_CHANNEL_WIRELESS;
}

/* A connector on the outside of the device: Ethernet, USB and other cables and media. */
static bool iface_physical(const struct medsec_model_interface *i)
{
    enum medsec_channel ch = medsec_model_interface_channel(i, NULL);
    return type_is(i, eth_types) || type_is(i, usb_types) || ch == MEDSEC_CHANNEL_FIELD_BUS ||
           ch == MEDSEC_CHANNEL_REMOVABLE_MEDIA;
}

/* The flow's endpoint outside the device (an external entity), or NULL when both are inside. */
static const struct medsec_model_item *outside_end(const struct medsec_model *m,
                                                   const struct medsec_model_flow *f)
{
    const struct medsec_model_item *a = medsec_model_find_item(m, f->from);
    const struct medsec_model_item *b = medsec_model_find_item(m, f->to);
    if (is_device_item(a) && b && !is_device_item(b))
        return b;
    if (is_device_item(b) && a && !is_device_item(a))
        return a;
    return NULL;
}

static enum medsec_access end_access(const struct medsec_model *m,
                                     const struct medsec_model_item *it)
{
    const struct medsec_model_zone *z = it ? medsec_model_find_zone(m, it->zone) : NULL;
    return z ? medsec_model_zone_access(z) : MEDSEC_ACCESS_REMOTE;
}

/* Does an implemented or verified control that claims @code in its meaning apply to @id? */
static bool covered(const struct medsec_model *m, const char *id, enum medsec_capability code)
{
    for (size_t c = 0; c < m->ncontrols; c++) {
        const struct medsec_model_control *ctl = &m->controls[c];
        if (medsec_control_status_active(ctl->status) && medsec_strlist_has(&ctl->applies_to, id) &&
            medsec_model_control_claims(m, ctl, code))
            return true;
    }
    return false;
}

static bool contains_word(const char *s, const char *const *words)
{
    for (; s && *s; s++)
        for (size_t k = 0; words[k]; k++)
            if (!strncasecmp(s, words[k], strlen(words[k])))
                return true;
    return false;
}

/* ---- note building ---- */

static void note(struct mds2 *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct mds2 *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (medsec_buf_vaddf(&x->note, fmt, ap) && !x->s->failed)
        x->s->failed = MEDSEC_ENOMEM;
    va_end(ap);
}

/* Name @id as a source: in the sources list, and in the note after @sep. */
static void cite(struct mds2 *x, const char *sep, const char *id)
{
    if ((x->src.len && medsec_buf_adds(&x->src, ", ")) || medsec_buf_adds(&x->src, id))
        x->s->failed = MEDSEC_ENOMEM;
    note(x, "%s%s", sep, id);
}

/* ---- the rules: each writes its note and sources and returns the answer ---- */

typedef enum mds2_answer (*mds2_rule_fn)(struct mds2 *x, const char *arg);

/* No source: @arg says what the security file would have to record. */
static enum mds2_answer rule_gap(struct mds2 *x, const char *arg)
{
    if (arg && *arg)
        note(x, "The security file does not record %s.", arg);
    else
        note(x, "The security file has no field or element that answers this question.");
    return MDS2_GAP;
}

static enum mds2_answer value(struct mds2 *x, const char *v, const char *field)
{
    if (!v || !*v) {
        note(x, "The security file does not state %s.", field);
        return MDS2_GAP;
    }
    note(x, "%s (", v);
    cite(x, "", field);
    note(x, ")");
    return MDS2_SEE;
}

static enum mds2_answer rule_manufacturer(struct mds2 *x, const char *arg)
{
    (void)arg;
    return value(x, x->m->device.manufacturer, "device.manufacturer");
}

/* DOC-5: the post-market plan's contact for security reports. */
static enum mds2_answer rule_security_contact(struct mds2 *x, const char *arg)
{
    (void)arg;
    return value(x, x->m->postmarket.contact, "postmarket.contact");
}

/* DOC-8: a coordinated vulnerability disclosure programme is run when the post-market plan names
 * its published policy; a contact alone is not a programme. */
static enum mds2_answer rule_cvd(struct mds2 *x, const char *arg)
{
    (void)arg;
    const struct medsec_model_postmarket *pm = &x->m->postmarket;
    if (!pm->disclosure_policy || !*pm->disclosure_policy) {
        note(x,
             "The security file does not record a coordinated vulnerability disclosure policy%s.",
             pm->contact ? " (postmarket.contact names a contact, but no published policy)" : "");
        return MDS2_GAP;
    }
    note(x, "Policy %s (", pm->disclosure_policy);
    cite(x, "", "postmarket.disclosure_policy");
    note(x, ")");
    if (pm->contact) {
        note(x, "; reports to %s (", pm->contact);
        cite(x, "", "postmarket.contact");
        note(x, ")");
    }
    if (pm->advisories) {
        note(x, "; advisories at %s (", pm->advisories);
        cite(x, "", "postmarket.advisories");
        note(x, ")");
    }
    note(x, ".");
    return MDS2_YES;
}

static enum mds2_answer rule_description(struct mds2 *x, const char *arg)
{
    (void)arg;
    const struct medsec_model_device *d = &x->m->device;
    return value(x, d->description ? d->description : d->intended_purpose,
                 d->description ? "device.description" : "device.intended_purpose");
}

static enum mds2_answer rule_model(struct mds2 *x, const char *arg)
{
    (void)arg;
    const struct medsec_model_device *d = &x->m->device;
    if (!d->model)
        return value(x, NULL, "device.model");
    enum mds2_answer a = value(x, d->model, "device.model");
    if (d->name) {
        note(x, "; %s (", d->name);
        cite(x, "", "device.name");
        note(x, ")");
    }
    return a;
}

static enum mds2_answer rule_document_id(struct mds2 *x, const char *arg)
{
    (void)arg;
    const char *model = x->m->device.model ? x->m->device.model : x->s->device;
    note(x, "mds2-%s-%s, written by medsec docs from the security file of release ", model,
         x->g->release->version);
    cite(x, "", x->g->release->version);
    return MDS2_SEE;
}

static enum mds2_answer rule_date(struct mds2 *x, const char *arg)
{
    (void)arg;
    if (!x->s->date || !*x->s->date) {
        note(x, "Neither the options nor the release state a date.");
        return MDS2_GAP;
    }
    note(x, "%s (the document set's date)", x->s->date);
    return MDS2_SEE;
}

/* Network and wireless flows between the device and the outside: what the network is used for. */
static enum mds2_answer rule_network_use(struct mds2 *x, const char *arg)
{
    (void)arg;
    size_t n = 0;
    for (size_t f = 0; f < x->m->nflows; f++) {
        const struct medsec_model_flow *fl = &x->m->flows[f];
        enum medsec_channel ch = medsec_model_flow_channel(x->m, fl, NULL);
        if ((ch != MEDSEC_CHANNEL_NETWORK && ch != MEDSEC_CHANNEL_WIRELESS) ||
            !outside_end(x->m, fl))
            continue;
        note(x, "%s", n++ ? "; " : "");
        note(x, "%s (", fl->name ? fl->name : fl->id);
        cite(x, "", fl->id);
        note(x, ")");
    }
    if (!n) {
        note(x, "The security file has no network or wireless flow between the device and another "
                "system.");
        return MDS2_SEE;
    }
    return MDS2_SEE;
}

static enum mds2_answer rule_diagram(struct mds2 *x, const char *arg)
{
    (void)arg;
    if (!x->m->nflows) {
        note(x, "The security file has no flows to draw a data-flow diagram from.");
        return MDS2_GAP;
    }
    note(x,
         "The data-flow diagram is drawn from the security file's %zu flows (medsec dfd; the "
         "architecture views of the technical documentation).",
         x->m->nflows);
    return MDS2_YES;
}

/* Hardware or firmware of its own: the device is not software only. */
/* Cite the device's items @want accepts (with @arg) after @label; Yes (or @yes) when there are
 * some, else @none in the note and @otherwise. */
static enum mds2_answer items_where(struct mds2 *x,
                                    bool (*want)(struct mds2 *, const struct medsec_model_item *,
                                                 const char *),
                                    const char *arg, const char *label, enum mds2_answer yes,
                                    const char *none, enum mds2_answer otherwise)
{
    size_t n = 0;
    for (size_t i = 0; i < x->m->nitems; i++) {
        const struct medsec_model_item *it = &x->m->items[i];
        if (!is_device_item(it) || !want(x, it, arg))
            continue;
        if (!n)
            note(x, "%s%s: ", x->note.len ? "; " : "", label);
        cite(x, n++ ? ", " : "", it->id);
    }
    if (n)
        return yes;
    if (*none)
        note(x, "%s%s", x->note.len ? " " : "", none);
    return otherwise;
}

static bool item_hardware(struct mds2 *x, const struct medsec_model_item *it, const char *arg)
{
    (void)x;
    (void)arg;
    return is_kind(it, "hardware") || is_kind(it, "firmware");
}

static bool item_kind(struct mds2 *x, const struct medsec_model_item *it, const char *kind)
{
    (void)x;
    return is_kind(it, kind);
}

static bool item_software(struct mds2 *x, const struct medsec_model_item *it, const char *arg)
{
    (void)x;
    (void)arg;
    return it->element == MEDSEC_ELEMENT_PROCESS && !is_kind(it, "hardware");
}

static bool item_phi(struct mds2 *x, const struct medsec_model_item *it, const char *kind)
{
    return x->item_phi[it - x->m->items] && (!kind || is_kind(it, kind));
}

static enum mds2_answer rule_samd(struct mds2 *x, const char *arg)
{
    (void)arg;
    /* hardware or firmware of its own: the device is not software only */
    return items_where(x, item_hardware, NULL, "Hardware or firmware items", MDS2_NO,
                       "The security file names no hardware or firmware item of the device, but "
                       "does not state that the device is software only.",
                       MDS2_GAP);
}

/* Items of the device of @kind (operating_system, firmware ...). */
static enum mds2_answer items_of_kind(struct mds2 *x, const char *kind, const char *what)
{
    return items_where(x, item_kind, kind, what, MDS2_YES,
                       docs_strf(x->s, "No item of the device is of kind %s.", kind), MDS2_NO);
}

static enum mds2_answer rule_has_os(struct mds2 *x, const char *arg)
{
    (void)arg;
    return items_of_kind(x, "operating_system", "Operating system");
}

static enum mds2_answer rule_has_firmware(struct mds2 *x, const char *arg)
{
    (void)arg;
    return items_of_kind(x, "firmware", "Firmware");
}

static enum mds2_answer rule_software(struct mds2 *x, const char *arg)
{
    (void)arg;
    return items_where(x, item_software, NULL, "Software items", MDS2_YES,
                       "The security file names no software item of the device.", MDS2_NO);
}

/* A control claiming @code: Yes with the implemented and verified ones; No when there is none
 * (planned ones and ones claiming the code against its meaning named in the note). */
static bool claims_code(struct mds2 *x, const struct medsec_model_control *c)
{
    return medsec_model_control_claims(x->m, c, x->code);
}

static enum mds2_answer
controls_where(struct mds2 *x, bool (*want)(struct mds2 *, const struct medsec_model_control *),
               const char *none);

static enum mds2_answer rule_cap(struct mds2 *x, const char *arg)
{
    if (!medsec_capability_parse(arg, &x->code))
        return rule_gap(x, NULL);
    const struct medsec_capability_info *info = medsec_capability_info(x->code);
    if (controls_where(x, claims_code,
                       docs_strf(x->s,
                                 "No implemented control of the security file claims %s "
                                 "(%s: %s).",
                                 arg, info->title, info->scope)) == MDS2_YES)
        return MDS2_YES;
    size_t n = 0;
    for (size_t c = 0; c < x->m->ncontrols; c++)
        if (claims_code(x, &x->m->controls[c]))
            cite(x, n++ ? ", " : " Planned: ", x->m->controls[c].id);
    if (n)
        note(x, ".");
    return MDS2_NO;
}

/* ---- personal health data ---- */

static bool is_phi_flow(struct mds2 *x, size_t f)
{
    return x->flow_phi[f];
}

static enum mds2_answer flows_where(struct mds2 *x, bool (*pre)(struct mds2 *, size_t),
                                    bool (*want)(struct mds2 *, size_t), const char *label,
                                    const char *none, enum mds2_answer otherwise);

/* Collect the phi flows @want accepts; Yes with them, else @none in the note and @otherwise. */
static enum mds2_answer phi_flows(struct mds2 *x, bool (*want)(struct mds2 *, size_t),
                                  const char *label, const char *none, enum mds2_answer otherwise)
{
    return flows_where(x, is_phi_flow, want, label, none, otherwise);
}

static bool any_flow(struct mds2 *x, size_t f)
{
    (void)x;
    (void)f;
    return true;
}

/* The flows @pre and @want accept: Yes citing them; else @none in the note and @otherwise. */
static enum mds2_answer flows_where(struct mds2 *x, bool (*pre)(struct mds2 *, size_t),
                                    bool (*want)(struct mds2 *, size_t), const char *label,
                                    const char *none, enum mds2_answer otherwise)
{
    size_t n = 0;
    for (size_t f = 0; f < x->m->nflows; f++)
        if (pre(x, f) && want(x, f)) {
            if (!n)
                note(x, "%s: ", label);
            cite(x, n++ ? ", " : "", x->m->flows[f].id);
        }
    if (n)
        return MDS2_YES;
    note(x, "%s", none);
    return otherwise;
}

static enum mds2_answer rule_phi_any(struct mds2 *x, const char *arg)
{
    (void)arg;
    size_t n = 0;
    for (size_t a = 0; a < x->m->nassets; a++)
        if (medsec_strlist_has(&x->m->assets[a].functions, "phi"))
            cite(x, n++ ? ", " : "Assets with phi: ", x->m->assets[a].id);
    if (items_where(x, item_phi, NULL, "stores", MDS2_YES, "", MDS2_NO) == MDS2_YES || n)
        return MDS2_YES;
    return phi_flows(x, any_flow, "Flows carrying phi",
                     "No asset, data store or flow of the security file holds personal health "
                     "data (phi).",
                     MDS2_NO);
}

static enum mds2_answer stores(struct mds2 *x, const char *kind, const char *none)
{
    return items_where(x, item_phi, kind, "Data stores holding phi", MDS2_YES, none, MDS2_NO);
}

static enum mds2_answer rule_phi_stored(struct mds2 *x, const char *arg)
{
    (void)arg;
    return stores(x, NULL, "No data store of the device holds phi.");
}

static enum mds2_answer rule_phi_database(struct mds2 *x, const char *arg)
{
    (void)arg;
    return stores(x, "database", "No data store of kind database in the device holds phi.");
}

static bool to_device_process(struct mds2 *x, size_t f)
{
    const struct medsec_model_flow *fl = &x->m->flows[f];
    const struct medsec_model_item *a = medsec_model_find_item(x->m, fl->from);
    const struct medsec_model_item *b = medsec_model_find_item(x->m, fl->to);
    return (is_device_item(a) && a->element == MEDSEC_ELEMENT_PROCESS) ||
           (is_device_item(b) && b->element == MEDSEC_ELEMENT_PROCESS);
}

static enum mds2_answer rule_phi_processed(struct mds2 *x, const char *arg)
{
    (void)arg;
    return phi_flows(x, to_device_process, "Flows carrying phi to or from device software",
                     "No flow carrying phi reaches software of the device.", MDS2_NO);
}

static enum mds2_answer rule_phi_kept(struct mds2 *x, const char *arg)
{
    (void)arg;
    enum mds2_answer a = rule_phi_stored(x, arg);
    if (a == MDS2_YES)
        return a;
    note(x, " ");
    return rule_phi_processed(x, arg);
}

/* A flow between the device and another system (not a person). */
static bool with_system(struct mds2 *x, size_t f)
{
    const struct medsec_model_item *o = outside_end(x->m, &x->m->flows[f]);
    return o && !is_person(o);
}

static enum mds2_answer rule_phi_exchanged(struct mds2 *x, const char *arg)
{
    (void)arg;
    return phi_flows(x, with_system, "Flows carrying phi to or from other systems",
                     "No flow carrying phi joins the device and another system.", MDS2_NO);
}

static enum mds2_answer rule_phi_transfer(struct mds2 *x, const char *arg)
{
    return rule_phi_exchanged(x, arg);
}

static bool shown(struct mds2 *x, size_t f)
{
    const struct medsec_model_flow *fl = &x->m->flows[f];
    const struct medsec_model_item *o = outside_end(x->m, fl);
    return (o && is_person(o)) ||
           medsec_model_flow_channel(x->m, fl, NULL) == MEDSEC_CHANNEL_LOCAL_UI;
}

static enum mds2_answer rule_phi_display(struct mds2 *x, const char *arg)
{
    (void)arg;
    return phi_flows(x, shown, "Flows carrying phi to a person or over the local user interface",
                     "No flow carrying phi goes to a person or over the local user interface.",
                     MDS2_NO);
}

static bool on_channel(struct mds2 *x, size_t f, enum medsec_channel want)
{
    return medsec_model_flow_channel(x->m, &x->m->flows[f], NULL) == want;
}

static bool via_types(struct mds2 *x, size_t f, const char *const *types)
{
    const struct medsec_model_interface *i =
        x->m->flows[f].via ? medsec_model_find_interface(x->m, x->m->flows[f].via) : NULL;
    return i && type_is(i, types);
}

static bool removable(struct mds2 *x, size_t f)
{
    return on_channel(x, f, MEDSEC_CHANNEL_REMOVABLE_MEDIA);
}

static enum mds2_answer rule_phi_removable(struct mds2 *x, const char *arg)
{
    (void)arg;
    return phi_flows(x, removable, "Flows carrying phi on removable media",
                     "No flow carrying phi uses removable media.", MDS2_NO);
}

static bool cable(struct mds2 *x, size_t f)
{
    return on_channel(x, f, MEDSEC_CHANNEL_FIELD_BUS) || via_types(x, f, usb_types);
}

static enum mds2_answer rule_phi_cable(struct mds2 *x, const char *arg)
{
    (void)arg;
    return phi_flows(x, cable, "Flows carrying phi over a cable",
                     "No flow carrying phi uses a field bus, serial or USB cable.", MDS2_NO);
}

static bool wired(struct mds2 *x, size_t f)
{
    return on_channel(x, f, MEDSEC_CHANNEL_NETWORK) && via_types(x, f, eth_types);
}

static enum mds2_answer rule_phi_wired(struct mds2 *x, const char *arg)
{
    (void)arg;
    enum mds2_answer a = phi_flows(x, wired, "Flows carrying phi over Ethernet", "", MDS2_NO);
    if (a == MDS2_YES)
        return a;
    /* a network flow whose interface the file does not name may be wired */
    for (size_t f = 0; f < x->m->nflows; f++)
        if (x->flow_phi[f] && on_channel(x, f, MEDSEC_CHANNEL_NETWORK) &&
            outside_end(x->m, &x->m->flows[f]) && !x->m->flows[f].via) {
            note(x, "Network flow ");
            cite(x, "", x->m->flows[f].id);
            note(x,
                 " carries phi but names no interface (via), so whether it is wired is unknown.");
            return MDS2_GAP;
        }
    note(x, "No flow carrying phi uses an Ethernet interface.");
    return MDS2_NO;
}

static bool wireless_flow(struct mds2 *x, size_t f)
{
    const struct medsec_model_flow *fl = &x->m->flows[f];
    const struct medsec_model_interface *i =
        fl->via ? medsec_model_find_interface(x->m, fl->via) : NULL;
    return on_channel(x, f, MEDSEC_CHANNEL_WIRELESS) || (i && iface_wireless(i));
}

static size_t count_ifaces(struct mds2 *x, bool (*want)(const struct medsec_model_interface *),
                           const char *label)
{
    size_t n = 0;
    for (size_t i = 0; i < x->m->ninterfaces; i++) {
        const struct medsec_model_interface *it = &x->m->interfaces[i];
        if (!iface_active(it) || !want(it))
            continue;
        if (label) {
            if (!n)
                note(x, "%s: ", label);
            cite(x, n ? ", " : "", it->id);
        }
        n++;
    }
    return n;
}

static enum mds2_answer rule_phi_wireless(struct mds2 *x, const char *arg)
{
    (void)arg;
    if (!count_ifaces(x, iface_wireless, NULL)) {
        note(x, "The device has no wireless interface.");
        return MDS2_NA;
    }
    return phi_flows(x, wireless_flow, "Flows carrying phi over a wireless interface",
                     "No flow carrying phi uses a wireless interface.", MDS2_NO);
}

static bool external_net(struct mds2 *x, size_t f)
{
    const struct medsec_model_item *o = outside_end(x->m, &x->m->flows[f]);
    return o && end_access(x->m, o) == MEDSEC_ACCESS_REMOTE;
}

static enum mds2_answer rule_phi_external(struct mds2 *x, const char *arg)
{
    (void)arg;
    return phi_flows(x, external_net,
                     "Flows carrying phi to or from a system in a zone reached over the internet",
                     "No flow carrying phi leaves for a zone reached over the internet.", MDS2_NO);
}

/* Flows leaving the device that carry phi over a network, a radio or on media. */
static bool phi_out(struct mds2 *x, size_t f)
{
    enum medsec_channel ch = medsec_model_flow_channel(x->m, &x->m->flows[f], NULL);
    return x->flow_phi[f] && outside_end(x->m, &x->m->flows[f]) &&
           (ch == MEDSEC_CHANNEL_NETWORK || ch == MEDSEC_CHANNEL_WIRELESS ||
            ch == MEDSEC_CHANNEL_REMOVABLE_MEDIA || ch == MEDSEC_CHANNEL_FIELD_BUS);
}

static enum mds2_answer rule_phi_cable_only(struct mds2 *x, const char *arg)
{
    (void)arg;
    size_t n = 0, other = 0;
    for (size_t f = 0; f < x->m->nflows; f++) {
        if (!phi_out(x, f))
            continue;
        n++;
        if (!on_channel(x, f, MEDSEC_CHANNEL_FIELD_BUS)) {
            cite(x, other++ ? ", " : "Sent over a network, a radio or media: ", x->m->flows[f].id);
        }
    }
    if (!n) {
        note(x, "No flow carries phi out of the device.");
        return MDS2_NA;
    }
    return other ? MDS2_NO : MDS2_YES;
}

static int flow_encrypted(const struct medsec_model_flow *f)
{
    return f->encrypted;
}

static int flow_authenticated(const struct medsec_model_flow *f)
{
    return f->authenticated;
}

/* Do all flows @want accepts have property @attr (stated true, or a control claiming @code on
 * them)? Yes; No naming those stated false; a gap while some do not say; N/A without such flows.
 * @what names the flows and the property ("flows carrying phi out of the device", "encrypted"). */
static enum mds2_answer flows_hold(struct mds2 *x, bool (*want)(struct mds2 *, size_t),
                                   int (*attr)(const struct medsec_model_flow *),
                                   enum medsec_capability code, const char *what,
                                   const char *property)
{
    size_t n = 0, bad = 0, unknown = 0;
    for (size_t f = 0; f < x->m->nflows; f++) {
        const struct medsec_model_flow *fl = &x->m->flows[f];
        if (!want(x, f))
            continue;
        n++;
        if (attr(fl) == 1 || covered(x->m, fl->id, code))
            continue;
        if (attr(fl) == 0)
            cite(x, bad++ ? ", " : docs_strf(x->s, "Not %s: ", property), fl->id);
        else
            unknown++;
    }
    if (!n) {
        note(x, "No %s.", what);
        return MDS2_NA;
    }
    if (bad)
        return MDS2_NO;
    if (unknown) {
        note(x, "%zu %s neither state %s nor have a %s control.", unknown, what, property,
             medsec_capability_name(code));
        return MDS2_GAP;
    }
    note(x, "All %zu %s are %s (%s: true or a %s control).", n, what, property, property,
         medsec_capability_name(code));
    size_t k = 0;
    for (size_t f = 0; f < x->m->nflows; f++)
        if (want(x, f))
            cite(x, k++ ? ", " : " ", x->m->flows[f].id);
    return MDS2_YES;
}

static enum mds2_answer rule_phi_encrypted(struct mds2 *x, const char *arg)
{
    (void)arg;
    return flows_hold(x, phi_out, flow_encrypted, MEDSEC_CAP_TXCF,
                      "flows carrying phi out of the device", "encrypted");
}

static bool system_link(struct mds2 *x, size_t f)
{
    enum medsec_channel ch = medsec_model_flow_channel(x->m, &x->m->flows[f], NULL);
    return with_system(x, f) && (ch == MEDSEC_CHANNEL_NETWORK || ch == MEDSEC_CHANNEL_WIRELESS);
}

static enum mds2_answer rule_authenticated_links(struct mds2 *x, const char *arg)
{
    (void)arg;
    return flows_hold(x, system_link, flow_authenticated, MEDSEC_CAP_NAUT,
                      "network or wireless flows with other systems", "authenticated");
}

/* The answer already given to question @id (MDS2_GAP when not yet answered). */
static enum mds2_answer answer_of(const struct mds2 *x, const char *id)
{
    for (size_t i = 0; i < x->nq; i++)
        if (!strcmp(x->q[i].id, id))
            return x->q[i].answer;
    return MDS2_GAP;
}

static enum mds2_answer rule_txcf_configurable(struct mds2 *x, const char *arg)
{
    (void)arg;
    enum mds2_answer a = answer_of(x, "TXCF-2");
    if (a == MDS2_YES || a == MDS2_NA) {
        note(x, "TXCF-2 is %s.", answer_names[a]);
        return MDS2_NA;
    }
    note(x, "Whether the customer can switch encryption on is not in the security file.");
    return MDS2_GAP;
}

/* ---- audit ---- */

static bool audit_out(struct mds2 *x, size_t f)
{
    const struct medsec_model_flow *fl = &x->m->flows[f];
    return outside_end(x->m, fl) &&
           (medsec_strlist_has(&fl->data, "audit") || medsec_strlist_has(&fl->data, "logs"));
}

static enum mds2_answer audit_flows(struct mds2 *x, bool (*want)(struct mds2 *, size_t),
                                    const char *label, const char *none)
{
    return flows_where(x, audit_out, want, label, none, MDS2_NO);
}

static enum mds2_answer rule_audit_export(struct mds2 *x, const char *arg)
{
    (void)arg;
    return audit_flows(x, any_flow, "Flows carrying logs or audit data out of the device",
                       "No flow carries logs or audit data out of the device.");
}

static enum mds2_answer rule_audit_media(struct mds2 *x, const char *arg)
{
    (void)arg;
    return audit_flows(x, removable, "On removable media",
                       "No flow carries logs or audit data out on removable media.");
}

static bool net_or_radio(struct mds2 *x, size_t f)
{
    return on_channel(x, f, MEDSEC_CHANNEL_NETWORK) || on_channel(x, f, MEDSEC_CHANNEL_WIRELESS);
}

static enum mds2_answer rule_audit_network(struct mds2 *x, const char *arg)
{
    (void)arg;
    return audit_flows(x, net_or_radio, "Over a network or radio link",
                       "No flow carries logs or audit data out over a network or radio link.");
}

static enum mds2_answer rule_audit_encrypted(struct mds2 *x, const char *arg)
{
    (void)arg;
    size_t n = 0, bad = 0;
    for (size_t f = 0; f < x->m->nflows; f++) {
        const struct medsec_model_flow *fl = &x->m->flows[f];
        if (!audit_out(x, f))
            continue;
        n++;
        if (fl->encrypted != 1 && !covered(x->m, fl->id, MEDSEC_CAP_TXCF))
            cite(x, bad++ ? ", " : "Not stated encrypted: ", fl->id);
    }
    if (!n) {
        note(x, "No flow carries logs or audit data out of the device.");
        return MDS2_NA;
    }
    if (bad) {
        note(x, ". Whether the log is encrypted at rest is not in the security file.");
        return MDS2_GAP;
    }
    note(x, "Every flow carrying logs or audit data out of the device is encrypted in transit.");
    return MDS2_YES;
}

/* ---- connectivity ---- */

static bool any_iface(const struct medsec_model_interface *i)
{
    (void)i;
    return true;
}

static enum mds2_answer ifaces(struct mds2 *x, bool (*want)(const struct medsec_model_interface *),
                               const char *label, const char *none)
{
    if (count_ifaces(x, want, label))
        return MDS2_YES;
    note(x, "%s", none);
    return MDS2_NO;
}

static enum mds2_answer rule_conn_any(struct mds2 *x, const char *arg)
{
    (void)arg;
    return ifaces(x, any_iface, "Interfaces", "The security file names no interface in use.");
}

static enum mds2_answer rule_wireless(struct mds2 *x, const char *arg)
{
    (void)arg;
    return ifaces(x, iface_wireless, "Wireless interfaces",
                  "The device has no wireless interface.");
}

static bool is_wifi(const struct medsec_model_interface *i)
{
    return type_is(i, wifi_types);
}
static bool is_bt(const struct medsec_model_interface *i)
{
    return type_is(i, bt_types);
}
static bool is_cell(const struct medsec_model_interface *i)
{
    return type_is(i, cell_types);
}
static bool is_radio(const struct medsec_model_interface *i)
{
    return iface_wireless(i) && !is_wifi(i) && !is_bt(i) && !is_cell(i);
}
static bool is_eth(const struct medsec_model_interface *i)
{
    return type_is(i, eth_types);
}
static bool is_usb(const struct medsec_model_interface *i)
{
    return type_is(i, usb_types);
}
static bool is_other_physical(const struct medsec_model_interface *i)
{
    return iface_physical(i) && !is_eth(i) && !is_usb(i);
}
static bool is_removable(const struct medsec_model_interface *i)
{
    return i->removable == 1 ||
           medsec_model_interface_channel(i, NULL) == MEDSEC_CHANNEL_REMOVABLE_MEDIA;
}

static enum mds2_answer rule_if(struct mds2 *x, const char *arg)
{
    static const struct {
        const char *name;
        bool (*want)(const struct medsec_model_interface *);
        const char *label;
    } kinds[] = {
        {"wifi", is_wifi, "Wi-Fi"},
        {"bluetooth", is_bt, "Bluetooth"},
        {"cellular", is_cell, "cellular"},
        {"radio", is_radio, "other radio"},
        {"ethernet", is_eth, "Ethernet"},
        {"usb", is_usb, "USB"},
        {"other_physical", is_other_physical, "other cable or media"},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        if (!strcmp(arg, kinds[k].name)) {
            const char *label = docs_strf(x->s, "%s interfaces", kinds[k].label);
            if (count_ifaces(x, kinds[k].want, label))
                return MDS2_YES;
            note(x, "The device has no %s interface.", kinds[k].label);
            return MDS2_NO;
        }
    return rule_gap(x, NULL);
}

static enum mds2_answer rule_physical(struct mds2 *x, const char *arg)
{
    (void)arg;
    return ifaces(x, iface_physical, "External connectors",
                  "The device has no Ethernet, USB, serial or media interface in use.");
}

static enum mds2_answer rule_removable_media(struct mds2 *x, const char *arg)
{
    (void)arg;
    return ifaces(x, is_removable, "Removable-media interfaces",
                  "The device has no interface for removable media.");
}

static bool ip_iface(const struct medsec_model_interface *i)
{
    return medsec_model_interface_channel(i, NULL) == MEDSEC_CHANNEL_NETWORK || is_wifi(i) ||
           is_eth(i) || is_cell(i);
}

static enum mds2_answer rule_ports(struct mds2 *x, const char *arg)
{
    (void)arg;
    size_t n = 0, listed = 0;
    for (size_t i = 0; i < x->m->ninterfaces; i++) {
        const struct medsec_model_interface *it = &x->m->interfaces[i];
        if (!iface_active(it) || !ip_iface(it))
            continue;
        n++;
        if (it->nports)
            cite(x, listed++ ? ", " : "Ports listed for ", it->id);
    }
    if (!n) {
        note(x, "The device has no IP network interface.");
        return MDS2_NA;
    }
    if (listed < n) {
        if (listed)
            note(x, "; ");
        note(x, "%zu of %zu IP network interfaces list no ports in the security file.", n - listed,
             n);
        return MDS2_GAP;
    }
    note(x, " (interfaces[].ports).");
    return MDS2_YES;
}

static bool inside_customer(struct mds2 *x, size_t f)
{
    const struct medsec_model_item *o = outside_end(x->m, &x->m->flows[f]);
    return o && !is_person(o) && end_access(x->m, o) != MEDSEC_ACCESS_REMOTE;
}

static enum mds2_answer any_flows(struct mds2 *x, bool (*want)(struct mds2 *, size_t),
                                  const char *label, const char *none)
{
    return flows_where(x, any_flow, want, label, none, MDS2_NO);
}

static enum mds2_answer rule_conn_internal(struct mds2 *x, const char *arg)
{
    (void)arg;
    return any_flows(x, inside_customer, "Flows with systems in the customer's zones",
                     "No flow joins the device and a system outside the internet-facing zones.");
}

static bool outside_customer(struct mds2 *x, size_t f)
{
    const struct medsec_model_item *o = outside_end(x->m, &x->m->flows[f]);
    return o && !is_person(o) && end_access(x->m, o) == MEDSEC_ACCESS_REMOTE;
}

static enum mds2_answer rule_conn_external(struct mds2 *x, const char *arg)
{
    (void)arg;
    return any_flows(x, outside_customer, "Flows with systems reached over the internet",
                     "No flow joins the device and a system in a zone reached over the internet.");
}

static bool api_iface(const struct medsec_model_interface *i)
{
    return i->type && !strcmp(i->type, "api");
}

static enum mds2_answer rule_api(struct mds2 *x, const char *arg)
{
    (void)arg;
    static const char *const words[] = {"http", "rest", "fhir", "grpc", "api", NULL};
    if (count_ifaces(x, api_iface, "API interfaces"))
        return MDS2_YES;
    size_t n = 0;
    for (size_t f = 0; f < x->m->nflows; f++) {
        const struct medsec_model_flow *fl = &x->m->flows[f];
        if (outside_end(x->m, fl) && contains_word(fl->protocol, words))
            cite(x, n++ ? ", " : "Flows over a web API protocol: ", fl->id);
    }
    if (n)
        return MDS2_YES;
    note(x, "No interface of type api and no flow protocol naming a web API.");
    return MDS2_GAP;
}

static enum mds2_answer rule_tls(struct mds2 *x, const char *arg)
{
    (void)arg;
    static const char *const words[] = {"tls", "https", "mqtts", "ssl", NULL};
    size_t n = 0, net = 0, unnamed = 0;
    for (size_t f = 0; f < x->m->nflows; f++) {
        const struct medsec_model_flow *fl = &x->m->flows[f];
        if (!on_channel(x, f, MEDSEC_CHANNEL_NETWORK) || !outside_end(x->m, fl))
            continue;
        net++;
        if (!fl->protocol)
            unnamed++;
        else if (contains_word(fl->protocol, words))
            cite(x, n++ ? ", " : "Flows over TLS: ", fl->id);
    }
    if (n)
        return MDS2_YES;
    if (!net) {
        note(x, "The device has no network flow with another system.");
        return MDS2_NA;
    }
    if (unnamed) {
        note(x, "%zu network flows name no protocol.", unnamed);
        return MDS2_GAP;
    }
    note(x, "No network flow's protocol names TLS.");
    return MDS2_NO;
}

static bool commands_in(struct mds2 *x, size_t f)
{
    static const char *const purposes[] = {"command", "control", "therapy", NULL};
    const struct medsec_model_flow *fl = &x->m->flows[f];
    const struct medsec_model_item *from = medsec_model_find_item(x->m, fl->from);
    const struct medsec_model_item *to = medsec_model_find_item(x->m, fl->to);
    if (!from || is_device_item(from) || is_person(from) || !is_device_item(to) || !fl->purpose)
        return false;
    for (size_t k = 0; purposes[k]; k++)
        if (!strcmp(fl->purpose, purposes[k]))
            return true;
    return false;
}

static enum mds2_answer rule_remote_control(struct mds2 *x, const char *arg)
{
    (void)arg;
    return any_flows(x, commands_in, "Commands from another system",
                     "No flow brings commands, control or therapy from another system.");
}

static enum mds2_answer rule_remote_service(struct mds2 *x, const char *arg)
{
    (void)arg;
    size_t n = 0;
    for (size_t f = 0; f < x->m->nflows; f++) {
        const struct medsec_model_flow *fl = &x->m->flows[f];
        const struct medsec_model_item *o = outside_end(x->m, fl);
        enum medsec_access acc = o ? end_access(x->m, o) : MEDSEC_ACCESS_PHYSICAL;
        bool service =
            o && o->role && (!strcmp(o->role, "service") || !strcmp(o->role, "manufacturer"));
        if (service && (acc == MEDSEC_ACCESS_REMOTE || acc == MEDSEC_ACCESS_NETWORK) &&
            net_or_radio(x, f))
            cite(x, n++ ? ", " : "Service flows over a network: ", fl->id);
    }
    if (n)
        return MDS2_YES;
    if (rule_cap(x, "RMOT") == MDS2_YES)
        return MDS2_YES;
    note(x, " No flow of a service party reaches the device over a network.");
    return MDS2_NO;
}

static bool update_in(struct mds2 *x, size_t f)
{
    const struct medsec_model_flow *fl = &x->m->flows[f];
    const struct medsec_model_item *from = medsec_model_find_item(x->m, fl->from);
    return fl->purpose && !strcmp(fl->purpose, "update") && from && !is_device_item(from) &&
           !is_person(from) && net_or_radio(x, f) &&
           is_device_item(medsec_model_find_item(x->m, fl->to));
}

static enum mds2_answer rule_remote_update(struct mds2 *x, const char *arg)
{
    (void)arg;
    return any_flows(x, update_in, "Update flows over a network",
                     "No update flow reaches the device over a network or radio link.");
}

static bool update_remote(struct mds2 *x, size_t f)
{
    const struct medsec_model_item *from = medsec_model_find_item(x->m, x->m->flows[f].from);
    return update_in(x, f) && end_access(x->m, from) == MEDSEC_ACCESS_REMOTE;
}

static enum mds2_answer rule_remote_other(struct mds2 *x, const char *arg)
{
    (void)arg;
    return any_flows(x, update_remote, "Updates from a zone reached over the internet",
                     "No update or other function reaches the device from a zone reached over "
                     "the internet.");
}

static bool external_field_bus(struct mds2 *x, size_t f)
{
    const struct medsec_model_flow *fl = &x->m->flows[f];
    return on_channel(x, f, MEDSEC_CHANNEL_FIELD_BUS) &&
           is_device_item(medsec_model_find_item(x->m, fl->from)) &&
           is_device_item(medsec_model_find_item(x->m, fl->to));
}

static enum mds2_answer rule_external_cables(struct mds2 *x, const char *arg)
{
    (void)arg;
    return any_flows(x, external_field_bus, "Field-bus flows between parts of the device",
                     "No flow joins parts of the device over an external cable (field bus).");
}

/* ---- software integrity and updates ---- */

static enum mds2_answer
controls_where(struct mds2 *x, bool (*want)(struct mds2 *, const struct medsec_model_control *),
               const char *none)
{
    size_t n = 0;
    for (size_t c = 0; c < x->m->ncontrols; c++) {
        const struct medsec_model_control *ctl = &x->m->controls[c];
        if (!medsec_control_status_active(ctl->status) || !want(x, ctl))
            continue;
        cite(x, n++ ? "; " : "", ctl->id);
        note(x, " (%s, %s)", medsec_control_status_name(ctl->status),
             ctl->name ? ctl->name : "unnamed");
    }
    if (n)
        return MDS2_YES;
    note(x, "%s", none);
    return MDS2_NO;
}

static bool authorizes_software(struct mds2 *x, const struct medsec_model_control *c)
{
    return medsec_model_control_claims(x->m, c, MEDSEC_CAP_SAHD) &&
           medsec_model_control_claims(x->m, c, MEDSEC_CAP_CSUP);
}

static enum mds2_answer rule_integrity(struct mds2 *x, const char *arg)
{
    (void)arg;
    return controls_where(x, authorizes_software,
                          "No implemented control claims both SAHD (authorized software) and "
                          "CSUP (verified updates).");
}

static bool checks_updates(struct mds2 *x, const struct medsec_model_control *c)
{
    if (!medsec_model_control_claims(x->m, c, MEDSEC_CAP_CSUP))
        return false;
    for (size_t k = 0; k < c->applies_to.n; k++)
        if (medsec_model_fit_classes(x->m, c->applies_to.v[k]) & MEDSEC_FIT_UPDATE)
            return true;
    return false;
}

static enum mds2_answer rule_integrity_update(struct mds2 *x, const char *arg)
{
    (void)arg;
    return controls_where(x, checks_updates,
                          "No implemented CSUP control applies to an update flow, update agent "
                          "or updated firmware.");
}

/* IGAU on stored health data: a control claiming IGAU that applies to a data store or to an asset
 * kept in one (not only to data in transit). */
static bool checks_stored(struct mds2 *x, const struct medsec_model_control *c)
{
    if (!medsec_model_control_claims(x->m, c, MEDSEC_CAP_IGAU))
        return false;
    for (size_t k = 0; k < c->applies_to.n; k++) {
        const struct medsec_model_asset *a = medsec_model_find_asset(x->m, c->applies_to.v[k]);
        if ((a && a->stored_in.n) ||
            (medsec_model_fit_classes(x->m, c->applies_to.v[k]) & MEDSEC_FIT_STORAGE))
            return true;
    }
    return false;
}

static enum mds2_answer rule_igau_stored(struct mds2 *x, const char *arg)
{
    (void)arg;
    return controls_where(x, checks_stored,
                          "No implemented IGAU control applies to a data store or to health data "
                          "kept in one.");
}

static enum mds2_answer rule_authorized_software(struct mds2 *x, const char *arg)
{
    return rule_integrity(x, arg);
}

static enum mds2_answer rule_vuln_process(struct mds2 *x, const char *arg)
{
    (void)arg;
    if (!x->m->nvulnerabilities && !x->m->triage) {
        note(x, "The security file assesses no known vulnerability and names no triage file.");
        return MDS2_GAP;
    }
    note(x, "%zu known vulnerabilities assessed in the security file", x->m->nvulnerabilities);
    if (x->m->triage) {
        note(x, "; triage file ");
        cite(x, "", x->m->triage);
    }
    note(x, ".");
    return MDS2_YES;
}

static enum mds2_answer rule_mldp_compensating(struct mds2 *x, const char *arg)
{
    (void)arg;
    enum mds2_answer a = answer_of(x, "MLDP-2");
    if (a != MDS2_NO) {
        note(x, "MLDP-2 is %s.", a == MDS2_GAP ? "not answered" : answer_names[a]);
        return a == MDS2_GAP ? MDS2_GAP : MDS2_NA;
    }
    return rule_cap(x, "SAHD");
}

/* ---- authentication and credentials ---- */

static enum mds2_answer rule_paut_unique(struct mds2 *x, const char *arg)
{
    (void)arg;
    if (rule_cap(x, "PAUT") != MDS2_YES)
        return MDS2_NO;
    size_t n = 0, shared = 0, unknown = 0;
    for (size_t i = 0; i < x->m->nitems; i++) {
        const struct medsec_model_item *it = &x->m->items[i];
        if (!is_person(it))
            continue;
        n++;
        if (it->unique_credentials == 0)
            cite(x, shared++ ? ", " : ". Without unique credentials: ", it->id);
        else if (it->unique_credentials != 1)
            unknown++;
    }
    if (shared)
        return MDS2_NO;
    if (!n || unknown) {
        note(x, ". %zu of %zu users do not state unique_credentials.", unknown, n);
        return MDS2_GAP;
    }
    note(x, ". Every user (%zu) has unique credentials (unique_credentials: true).", n);
    return MDS2_YES;
}

static bool holds_credentials(const struct medsec_model_item *it)
{
    return is_device_item(it) && it->element == MEDSEC_ELEMENT_DATA_STORE &&
           medsec_strlist_has(&it->data, "credentials");
}

static bool item_credentials(struct mds2 *x, const struct medsec_model_item *it, const char *arg)
{
    (void)x;
    (void)arg;
    return holds_credentials(it);
}

static enum mds2_answer rule_credentials(struct mds2 *x, const char *arg)
{
    (void)arg;
    return items_where(x, item_credentials, NULL, "Data stores holding credentials", MDS2_YES,
                       "No data store of the device lists credentials in its data.", MDS2_GAP);
}

static enum mds2_answer rule_credentials_secure(struct mds2 *x, const char *arg)
{
    (void)arg;
    size_t n = 0, open = 0;
    for (size_t i = 0; i < x->m->nitems; i++) {
        const struct medsec_model_item *it = &x->m->items[i];
        if (!holds_credentials(it))
            continue;
        n++;
        if (it->secure_element != 1 && !covered(x->m, it->id, MEDSEC_CAP_STCF))
            cite(x, open++ ? ", " : "Neither a secure element nor a STCF control: ", it->id);
    }
    if (!n || open)
        return MDS2_GAP;
    note(x, "Every data store holding credentials is a secure element or encrypted by a STCF "
            "control.");
    return MDS2_YES;
}

static enum mds2_answer rule_plok(struct mds2 *x, const char *arg)
{
    (void)arg;
    note(x, "The security file does not record locks, fastenings or tool-secured parts.");
    return MDS2_GAP;
}

/* ---- lifecycle, SBOM, guidance ---- */

static enum mds2_answer rule_secure_development(struct mds2 *x, const char *arg)
{
    (void)arg;
    static const char *const standards[] = {"IEC 81001-5-1", "IEC 62304", "ISO/IEC 27034", NULL};
    size_t n = 0;
    for (size_t r = 0; r < x->m->nrequirements; r++) {
        const struct medsec_model_requirement *rq = &x->m->requirements[r];
        bool hit = false;
        for (size_t k = 0; k < rq->sources.n && !hit; k++)
            for (size_t s = 0; standards[s] && !hit; s++)
                hit = !strncmp(rq->sources.v[k], standards[s], strlen(standards[s]));
        if (hit)
            cite(x, n++ ? ", " : "Requirements tracing a secure development standard: ", rq->id);
    }
    if (n)
        return MDS2_YES;
    note(x, "No requirement of the security file cites IEC 81001-5-1, IEC 62304 or ISO/IEC "
            "27034.");
    return MDS2_GAP;
}

static enum mds2_answer rule_support_dates(struct mds2 *x, const char *arg)
{
    (void)arg;
    const struct medsec_model_version *v = x->g->release;
    if (!v->end_of_support) {
        note(x, "Release %s states no end of support.", v->version);
        return MDS2_GAP;
    }
    note(x, "Release %s: support %s until %s (", v->version, medsec_support_level_name(v->support),
         v->end_of_support);
    cite(x, "", docs_strf(x->s, "versions[%s]", v->version));
    size_t n = medsec_model_release_support(x->m, v, NULL, 0);
    note(x, "); %zu component support entries; the SBOM summary of the technical documentation.",
         n);
    return MDS2_YES;
}

static enum mds2_answer rule_eol_plan(struct mds2 *x, const char *arg)
{
    (void)arg;
    size_t n = medsec_model_release_support(x->m, x->g->release, NULL, 0);
    if (n)
        note(x,
             "%zu third-party components of the release state a level and an end of support "
             "(component_support). ",
             n);
    enum mds2_answer a = rule_cap(x, "RDMP");
    if (a == MDS2_YES || n)
        return MDS2_YES;
    return MDS2_GAP;
}

struct sbom_view {
    const struct medsec_model_sbom *v[64];
    size_t n;
};

static void release_sboms(struct mds2 *x, struct sbom_view *sv)
{
    const struct medsec_model_sbom **all = medsec_calloc(x->m->nsboms + 1, sizeof *all);
    sv->n = 0;
    if (!all) {
        x->s->failed = MEDSEC_ENOMEM;
        return;
    }
    size_t n = medsec_model_version_sboms(x->m, x->g->release, all);
    for (size_t i = 0; i < n && sv->n < sizeof sv->v / sizeof *sv->v; i++)
        sv->v[sv->n++] = all[i];
    medsec_free(all);
}

static enum mds2_answer rule_sbom(struct mds2 *x, const char *arg)
{
    (void)arg;
    struct sbom_view sv;
    release_sboms(x, &sv);
    for (size_t i = 0; i < sv.n; i++)
        cite(x, i ? ", " : "SBOMs of the release: ", sv.v[i]->path);
    if (sv.n) {
        note(x, " (also exported as CycloneDX 1.6 and SPDX 2.3 with the document set).");
        return MDS2_YES;
    }
    note(x, "The release names no SBOM.");
    return MDS2_NO;
}

static enum mds2_answer rule_sbom_format(struct mds2 *x, const char *arg)
{
    (void)arg;
    struct sbom_view sv;
    release_sboms(x, &sv);
    if (!sv.n) {
        note(x, "The release names no SBOM.");
        return MDS2_NA;
    }
    for (size_t i = 0; i < sv.n; i++) {
        const struct medsec_sbom *b = sv.v[i]->sbom;
        note(x, "%s%s %s (", i ? "; " : "", b->format == MEDSEC_SBOM_SPDX ? "SPDX" : "CycloneDX",
             b->spec_version ? b->spec_version : "");
        cite(x, "", sv.v[i]->path);
        note(x, ")");
    }
    return MDS2_YES;
}

static enum mds2_answer rule_sbom_field(struct mds2 *x, const char *arg)
{
    struct sbom_view sv;
    release_sboms(x, &sv);
    size_t n = 0, have = 0;
    for (size_t i = 0; i < sv.n; i++) {
        const struct medsec_sbom *b = sv.v[i]->sbom;
        for (size_t c = 0; c < b->ncomponents; c++) {
            const struct medsec_sbom_component *k = &b->components[c];
            if (k->is_subject)
                continue;
            const char *f = !strcmp(arg, "supplier")  ? k->supplier
                            : !strcmp(arg, "version") ? k->version
                            : !strcmp(arg, "purl")    ? k->purl
                                                      : k->name;
            n++;
            have += f && *f;
        }
    }
    if (!n) {
        note(x, "The release's SBOMs list no components.");
        return MDS2_NA;
    }
    note(x, "%zu of %zu components of the release's SBOMs give %s%s.", have, n,
         !strcmp(arg, "purl") ? "a package URL (purl)" : "their ", !strcmp(arg, "purl") ? "" : arg);
    for (size_t i = 0; i < sv.n; i++)
        cite(x, " ", sv.v[i]->path);
    return have == n ? MDS2_YES : MDS2_NO;
}

static enum mds2_answer rule_debug_ports(struct mds2 *x, const char *arg)
{
    (void)arg;
    size_t open = 0;
    for (size_t i = 0; i < x->m->ninterfaces; i++) {
        const struct medsec_model_interface *it = &x->m->interfaces[i];
        if (it->debug == 1 && it->disabled_in_production != 1)
            cite(x, open++ ? ", " : "Debug interfaces left enabled in production: ", it->id);
    }
    if (open)
        return MDS2_NO;
    note(x, "Every debug interface is disabled in production, but the security file does not say "
            "which other ports and protocols the intended use needs.");
    return MDS2_GAP;
}

static enum mds2_answer rule_guidance(struct mds2 *x, const char *arg)
{
    (void)arg;
    size_t n = 0;
    for (size_t d = 0; d < x->m->nduties; d++)
        if (x->m->duties[d].in_ifu == 1)
            cite(x, n++ ? ", " : "Duties stated in the IFU: ", x->m->duties[d].id);
    if (n)
        note(x, "; the IFU security section and the HDO administrator manual of this set. ");
    enum mds2_answer a = rule_cap(x, "SGUD");
    return n || a == MDS2_YES ? MDS2_YES : MDS2_NO;
}

static enum mds2_answer rule_duties(struct mds2 *x, const char *arg)
{
    (void)arg;
    size_t n = 0;
    for (size_t d = 0; d < x->m->nduties; d++) {
        const struct medsec_model_duty *du = &x->m->duties[d];
        if (du->in_ifu == 1 && du->party && strcmp(du->party, "patient"))
            cite(x, n++ ? ", " : "Operator, integrator and HDO IT duties in the IFU: ", du->id);
    }
    if (n)
        return MDS2_YES;
    note(x, "No duty of the operator, integrator or HDO IT is stated for the IFU (in_ifu).");
    return MDS2_GAP;
}

static enum mds2_answer rule_stcf_all(struct mds2 *x, const char *arg)
{
    (void)arg;
    size_t n = 0, open = 0;
    for (size_t i = 0; i < x->m->nitems; i++) {
        const struct medsec_model_item *it = &x->m->items[i];
        if (!x->item_phi[i] || !is_device_item(it))
            continue;
        n++;
        if (!covered(x->m, it->id, MEDSEC_CAP_STCF))
            cite(x, open++ ? ", " : "Stores holding phi without a STCF control: ", it->id);
    }
    if (!n) {
        note(x, "No data store of the device holds phi.");
        return MDS2_NA;
    }
    if (open)
        return MDS2_NO;
    note(x, "Every data store holding phi (%zu) is covered by an implemented STCF control.", n);
    return MDS2_YES;
}

static const struct {
    const char *name;
    mds2_rule_fn fn;
} rules[] = {
    {"gap", rule_gap},
    {"manufacturer", rule_manufacturer},
    {"security_contact", rule_security_contact},
    {"cvd", rule_cvd},
    {"description", rule_description},
    {"model", rule_model},
    {"document_id", rule_document_id},
    {"date", rule_date},
    {"network_use", rule_network_use},
    {"diagram", rule_diagram},
    {"samd", rule_samd},
    {"has_os", rule_has_os},
    {"has_firmware", rule_has_firmware},
    {"software", rule_software},
    {"cap", rule_cap},
    {"phi_any", rule_phi_any},
    {"phi_kept", rule_phi_kept},
    {"phi_processed", rule_phi_processed},
    {"phi_stored", rule_phi_stored},
    {"phi_database", rule_phi_database},
    {"phi_exchanged", rule_phi_exchanged},
    {"phi_transfer", rule_phi_transfer},
    {"phi_display", rule_phi_display},
    {"phi_removable", rule_phi_removable},
    {"phi_cable", rule_phi_cable},
    {"phi_wired", rule_phi_wired},
    {"phi_wireless", rule_phi_wireless},
    {"phi_external", rule_phi_external},
    {"phi_cable_only", rule_phi_cable_only},
    {"phi_encrypted", rule_phi_encrypted},
    {"txcf_configurable", rule_txcf_configurable},
    {"authenticated_links", rule_authenticated_links},
    {"audit_export", rule_audit_export},
    {"audit_media", rule_audit_media},
    {"audit_network", rule_audit_network},
    {"audit_encrypted", rule_audit_encrypted},
    {"conn_any", rule_conn_any},
    {"wireless", rule_wireless},
    {"if", rule_if},
    {"physical", rule_physical},
    {"removable_media", rule_removable_media},
    {"ports", rule_ports},
    {"conn_internal", rule_conn_internal},
    {"conn_external", rule_conn_external},
    {"api", rule_api},
    {"tls", rule_tls},
    {"remote_control", rule_remote_control},
    {"remote_service", rule_remote_service},
    {"remote_update", rule_remote_update},
    {"remote_other", rule_remote_other},
    {"external_cables", rule_external_cables},
    {"integrity", rule_integrity},
    {"integrity_update", rule_integrity_update},
    {"igau_stored", rule_igau_stored},
    {"authorized_software", rule_authorized_software},
    {"vuln_process", rule_vuln_process},
    {"mldp_compensating", rule_mldp_compensating},
    {"paut_unique", rule_paut_unique},
    {"credentials", rule_credentials},
    {"credentials_secure", rule_credentials_secure},
    {"plok", rule_plok},
    {"secure_development", rule_secure_development},
    {"support_dates", rule_support_dates},
    {"eol_plan", rule_eol_plan},
    {"sbom", rule_sbom},
    {"sbom_format", rule_sbom_format},
    {"sbom_field", rule_sbom_field},
    {"debug_ports", rule_debug_ports},
    {"guidance", rule_guidance},
    {"duties", rule_duties},
    {"stcf_all", rule_stcf_all},
};

static mds2_rule_fn find_rule(const char *rule, const char **arg)
{
    size_t len = strcspn(rule, ":");
    *arg = rule[len] ? rule + len + 1 : "";
    for (size_t r = 0; r < sizeof rules / sizeof *rules; r++)
        if (strlen(rules[r].name) == len && !strncmp(rules[r].name, rule, len))
            return rules[r].fn;
    return NULL;
}

/* ---- the questions ---- */

static medsec_err parse_questions(struct mds2 *x)
{
    x->text =
        medsec_strndup((const char *)medsec_docs_mds2_questions, medsec_docs_mds2_questions_len);
    x->q = medsec_calloc(MDS2_MAX_QUESTIONS, sizeof *x->q);
    if (!x->text || !x->q)
        return MEDSEC_ENOMEM;
    for (char *line = x->text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (*line == '#' || !*line)
            continue;
        char *rule = strchr(line, '\t');
        char *text = rule ? strchr(rule + 1, '\t') : NULL;
        if (!text || x->nq == MDS2_MAX_QUESTIONS)
            return MEDSEC_EINVAL;
        *rule++ = 0;
        *text++ = 0;
        struct mds2_q *q = &x->q[x->nq++];
        char code[8];
        size_t cl = strcspn(line, "-");
        if (cl >= sizeof code)
            return MEDSEC_EINVAL;
        memcpy(code, line, cl);
        code[cl] = 0;
        if (!medsec_capability_parse(code, &q->section))
            return MEDSEC_EINVAL;
        q->id = line;
        q->under_parent = *rule == '^';
        q->rule = rule + q->under_parent;
        q->text = text;
        const char *arg;
        if (!find_rule(q->rule, &arg))
            return MEDSEC_EINVAL; /* a rule this file does not have */
    }
    return MEDSEC_OK;
}

/* The question @q depends on: its id without the last ".N", else its section's first question. */
static const struct mds2_q *parent_of(const struct mds2 *x, const struct mds2_q *q)
{
    const char *dot = strrchr(q->id, '.');
    size_t len = dot ? (size_t)(dot - q->id) : 0;
    for (const struct mds2_q *p = x->q; p < q; p++) {
        if (dot ? strlen(p->id) == len && !strncmp(p->id, q->id, len) : p->section == q->section)
            return p;
    }
    return NULL;
}

static void mark_phi(struct mds2 *x)
{
    const struct medsec_model *m = x->m;
    for (size_t i = 0; i < m->nitems; i++)
        x->item_phi[i] = m->items[i].element == MEDSEC_ELEMENT_DATA_STORE &&
                         medsec_strlist_has(&m->items[i].data, "phi");
    for (size_t f = 0; f < m->nflows; f++)
        x->flow_phi[f] = medsec_strlist_has(&m->flows[f].data, "phi");
    for (size_t a = 0; a < m->nassets; a++) {
        const struct medsec_model_asset *as = &m->assets[a];
        if (!medsec_strlist_has(&as->functions, "phi"))
            continue;
        for (size_t i = 0; i < m->nitems; i++)
            if (m->items[i].element == MEDSEC_ELEMENT_DATA_STORE &&
                medsec_strlist_has(&as->stored_in, m->items[i].id))
                x->item_phi[i] = true;
        for (size_t f = 0; f < m->nflows; f++)
            if (medsec_strlist_has(&as->carried_by, m->flows[f].id))
                x->flow_phi[f] = true;
    }
}

static void answer_all(struct mds2 *x)
{
    for (size_t i = 0; i < x->nq && !x->s->failed; i++) {
        struct mds2_q *q = &x->q[i];
        medsec_buf_reset(&x->note);
        medsec_buf_reset(&x->src);
        const struct mds2_q *p = q->under_parent ? parent_of(x, q) : NULL;
        if (p && (p->answer == MDS2_NO || p->answer == MDS2_NA)) {
            q->answer = MDS2_NA;
            note(x, "%s is %s.", p->id, answer_names[p->answer]);
        } else {
            const char *arg;
            mds2_rule_fn fn = find_rule(q->rule, &arg);
            q->answer = fn(x, arg);
        }
        q->note = docs_strf(x->s, "%s%s", q->answer == MDS2_GAP ? not_answered : "",
                            x->note.data ? x->note.data : "");
        q->sources = docs_strf(x->s, "%s", x->src.data ? x->src.data : "");
    }
}

/* ---- outputs ---- */

static const char *form_title = "Manufacturer Disclosure Statement for Medical Device Security "
                                "(MDS2), ANSI/NEMA HN 1-2019";

static void write_document(struct mds2 *x)
{
    static const char *const head[] = {"ID", "Question", "Answer", "Note / source"};
    const struct medsec_model_device *dev = &x->m->device;
    struct doc *d = doc_new(x->s, "mds2", "Hospital",
                            "MDS2: Manufacturer Disclosure Statement for Medical Device Security",
                            "The ANSI/NEMA HN 1-2019 form hospitals ask for before they connect "
                            "a device (MDCG 2019-16 section 3.3 and 4.3), answered from the "
                            "security file; every answer names its source.");
    doc_kv_begin(d);
    doc_kv(d, "Form", "%s", "ANSI/NEMA HN 1-2019");
    doc_kv(d, "Manufacturer", "%s", dev->manufacturer ? dev->manufacturer : "");
    doc_kv(d, "Device", "%s", dev->name ? dev->name : x->s->device);
    doc_kv(d, "Model", "%s", dev->model ? dev->model : "");
    doc_kv(d, "Version", "%s", x->g->release->version);
    doc_kv(d, "Date", "%s", x->s->date ? x->s->date : "");
    const char *current = x->m->device.current_version;
    if (current && strcmp(current, x->g->release->version))
        doc_callout(d, DOC_WARNING,
                    "This statement is for release %s, but the security file's controls, "
                    "interfaces, flows and data describe the current version %s; only the SBOM "
                    "and support answers are those of release %s. Check the others against that "
                    "release before giving it to a hospital.",
                    x->g->release->version, current, x->g->release->version);
    size_t counts[5] = {0};
    for (size_t i = 0; i < x->nq; i++)
        counts[x->q[i].answer]++;
    doc_para(d,
             "%zu questions: %zu Yes, %zu No, %zu N/A, %zu answered in the note, %zu without a "
             "source in the security file (answer left blank, listed as gaps). A Yes or No "
             "counts only controls that are implemented or verified and that claim the "
             "section's code for what the code covers; a question under one answered No or N/A "
             "is N/A. The same answers are in mds2.xlsx, mds2.csv and mds2.json.",
             x->nq, counts[MDS2_YES], counts[MDS2_NO], counts[MDS2_NA], counts[MDS2_SEE],
             counts[MDS2_GAP]);
    for (size_t i = 0; i < x->nq;) {
        enum medsec_capability sec = x->q[i].section;
        const struct medsec_capability_info *info = medsec_capability_info(sec);
        doc_heading(d, 2, docs_strf(x->s, "mds2-%s", medsec_capability_name(sec)), "%s: %s",
                    medsec_capability_name(sec), info->title);
        doc_table(d, 4, head);
        size_t first = i;
        for (; i < x->nq && x->q[i].section == sec; i++) {
            const struct mds2_q *q = &x->q[i];
            const char *cells[] = {q->id, q->text, answer_names[q->answer], q->note};
            doc_row(d, cells);
        }
        for (size_t k = first; k < i; k++)
            if (x->q[k].answer == MDS2_GAP)
                doc_gap(d, "MDS2", x->q[k].id, "%s %s", x->q[k].text,
                        x->q[k].note + strlen(not_answered));
    }
}

static medsec_err write_json(struct mds2 *x, struct medsec_buf *b)
{
    const struct medsec_model_device *dev = &x->m->device;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, b, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "form", "ANSI/NEMA HN 1-2019");
    medsec_jsonw_kv_string(&w, "manufacturer", dev->manufacturer);
    medsec_jsonw_kv_string(&w, "device", dev->name ? dev->name : x->s->device);
    medsec_jsonw_kv_string(&w, "model", dev->model);
    medsec_jsonw_kv_string(&w, "version", x->g->release->version);
    medsec_jsonw_kv_string(&w, "date", x->s->date);
    medsec_jsonw_key(&w, "sections");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < x->nq;) {
        enum medsec_capability sec = x->q[i].section;
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "code", medsec_capability_name(sec));
        medsec_jsonw_kv_string(&w, "title", medsec_capability_info(sec)->title);
        medsec_jsonw_key(&w, "questions");
        medsec_jsonw_array_begin(&w);
        for (; i < x->nq && x->q[i].section == sec; i++) {
            const struct mds2_q *q = &x->q[i];
            medsec_jsonw_object_begin(&w);
            medsec_jsonw_kv_string(&w, "id", q->id);
            medsec_jsonw_kv_string(&w, "question", q->text);
            medsec_jsonw_kv_string(&w, "answer", answer_names[q->answer]);
            medsec_jsonw_kv_string(&w, "note", q->note);
            medsec_jsonw_key(&w, "sources");
            medsec_jsonw_array_begin(&w);
            for (const char *p = q->sources; p && *p;) {
                size_t n = strcspn(p, ",");
                medsec_jsonw_stringn(&w, p, n);
                p += n;
                while (*p == ',' || *p == ' ')
                    p++;
            }
            medsec_jsonw_array_end(&w);
            medsec_jsonw_object_end(&w);
        }
        medsec_jsonw_array_end(&w);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "unanswered");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < x->nq; i++)
        if (x->q[i].answer == MDS2_GAP)
            medsec_jsonw_string(&w, x->q[i].id);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

static medsec_err write_csv(struct mds2 *x, struct medsec_buf *b)
{
    medsec_err rc = MEDSEC_OK;
    static const char *const head[] = {"section", "id", "question", "answer", "note"};
    for (size_t k = 0; !rc && k < 5; k++)
        rc = medsec_csv_field(b, head[k], k == 4);
    for (size_t i = 0; !rc && i < x->nq; i++) {
        const struct mds2_q *q = &x->q[i];
        const char *cells[] = {medsec_capability_name(q->section), q->id, q->text,
                               answer_names[q->answer], q->note};
        for (size_t k = 0; !rc && k < 5; k++)
            rc = medsec_csv_field(b, cells[k], k == 4);
    }
    return rc;
}

/* The set's date as the workbook's creation time (UTC midnight). Without one, 1980-01-01 (the
 * ZIP epoch): libxlsxwriter would take the clock for 0, and the file must not depend on it. */
static time_t date_time(const char *date)
{
    long days;
    return date && medsec_date_parse(date, &days) ? (time_t)days * 86400 : (time_t)315532800;
}

/* The workbook, laid out like the form: a title block, then one row per question under a row per
 * section; written to a temporary file (libxlsxwriter writes files) whose bytes go to @out. */
static medsec_err write_xlsx(struct mds2 *x, struct medsec_buf *out)
{
    const struct medsec_model_device *dev = &x->m->device;
    const char *tmpdir = getenv("TMPDIR");
    char path[4096];
    if (snprintf(path, sizeof path, "%s/medsec-mds2-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp") >=
        (int)sizeof path)
        return MEDSEC_EINVAL;
    int fd = mkstemp(path);
    if (fd < 0)
        return MEDSEC_EIO;
    close(fd);
    medsec_err rc = MEDSEC_EIO;
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        goto out_unlink;
    lxw_doc_properties props = {.title = (char *)form_title,
                                .company = (char *)(dev->manufacturer ? dev->manufacturer : ""),
                                .created = date_time(x->s->date)};
    workbook_set_properties(wb, &props);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "MDS2");
    lxw_format *title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    lxw_format *label = workbook_add_format(wb);
    format_set_bold(label);
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0x1F3864);
    format_set_font_color(head, LXW_COLOR_WHITE);
    format_set_border(head, LXW_BORDER_THIN);
    lxw_format *section = workbook_add_format(wb);
    format_set_bold(section);
    format_set_bg_color(section, 0xD9E1F2);
    format_set_border(section, LXW_BORDER_THIN);
    lxw_format *cell = workbook_add_format(wb);
    format_set_text_wrap(cell);
    format_set_align(cell, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(cell, LXW_BORDER_THIN);
    lxw_format *gap = workbook_add_format(wb);
    format_set_text_wrap(gap);
    format_set_align(gap, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(gap, LXW_BORDER_THIN);
    format_set_bg_color(gap, 0xFFF2CC);

    worksheet_set_column(ws, 0, 0, 13, NULL);
    worksheet_set_column(ws, 1, 1, 62, NULL);
    worksheet_set_column(ws, 2, 2, 10, NULL);
    worksheet_set_column(ws, 3, 3, 80, NULL);
    worksheet_merge_range(ws, 0, 0, 0, 3, form_title, title);
    const char *fields[][2] = {
        {"Manufacturer", dev->manufacturer ? dev->manufacturer : ""},
        {"Device", dev->name ? dev->name : x->s->device},
        {"Model", dev->model ? dev->model : ""},
        {"Version", x->g->release->version},
        {"Date", x->s->date ? x->s->date : ""},
    };
    lxw_row_t row = 1;
    bool bad = false;
    for (size_t k = 0; k < sizeof fields / sizeof *fields; k++, row++) {
        worksheet_write_string(ws, row, 0, fields[k][0], label);
        worksheet_merge_range(ws, row, 1, row, 3, fields[k][1], NULL);
    }
    row++;
    static const char *const cols[] = {"Question ID", "Question", "Answer", "Note / source"};
    for (lxw_col_t c = 0; c < 4; c++)
        worksheet_write_string(ws, row, c, cols[c], head);
    worksheet_freeze_panes(ws, row + 1, 0);
    row++;
    for (size_t i = 0; i < x->nq;) {
        enum medsec_capability sec = x->q[i].section;
        const char *h = docs_strf(x->s, "%s: %s", medsec_capability_name(sec),
                                  medsec_capability_info(sec)->title);
        worksheet_merge_range(ws, row, 0, row, 3, h ? h : "", section);
        row++;
        for (; i < x->nq && x->q[i].section == sec; i++, row++) {
            const struct mds2_q *q = &x->q[i];
            lxw_format *f = q->answer == MDS2_GAP ? gap : cell;
            /* a cell over Excel's limit (32767 characters) would be left out: fail instead */
            if (worksheet_write_string(ws, row, 0, q->id, f) ||
                worksheet_write_string(ws, row, 1, q->text, f) ||
                worksheet_write_string(ws, row, 2, answer_names[q->answer], f) ||
                worksheet_write_string(ws, row, 3, q->note, f))
                bad = true;
        }
    }
    if (workbook_close(wb) != LXW_NO_ERROR)
        goto out_unlink;
    if (bad) {
        rc = MEDSEC_ETOOBIG;
        goto out_unlink;
    }
    char *data = NULL;
    size_t len = 0;
    rc = medsec_file_read(path, (size_t)64 << 20, &data, &len, NULL);
    if (!rc) {
        rc = medsec_buf_add(out, data, len);
        medsec_free(data);
    }
out_unlink:
    unlink(path);
    return rc;
}

medsec_err docs_gen_mds2(struct docs_gen *g)
{
    struct mds2 x = {.g = g, .m = g->model, .s = g->set};
    medsec_buf_init(&x.note, 1 << 20);
    medsec_buf_init(&x.src, 1 << 20);
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_err rc = parse_questions(&x);
    if (rc) {
        medsec_error_set(g->err, rc, "rules/mds2.tsv", 0, 0, "the built-in MDS2 questions: %s",
                         medsec_strerror(rc));
        goto out_free;
    }
    x.item_phi = medsec_calloc(x.m->nitems + 1, sizeof *x.item_phi);
    x.flow_phi = medsec_calloc(x.m->nflows + 1, sizeof *x.flow_phi);
    if (!x.item_phi || !x.flow_phi) {
        rc = medsec_error_set(g->err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_free;
    }
    mark_phi(&x);
    answer_all(&x);
    write_document(&x);
    if ((rc = write_json(&x, &b)) != MEDSEC_OK)
        goto out_fail;
    docs_data(x.s, "mds2", b.data, b.len);
    docs_file(x.s, "mds2.json", "application/json", b.data, b.len);
    medsec_buf_reset(&b);
    if ((rc = write_csv(&x, &b)) != MEDSEC_OK)
        goto out_fail;
    docs_file(x.s, "mds2.csv", "text/csv", b.data, b.len);
    medsec_buf_reset(&b);
    if ((rc = write_xlsx(&x, &b)) != MEDSEC_OK) {
        rc = medsec_error_set(g->err, rc, NULL, 0, 0, "cannot write the MDS2 workbook: %s",
                              medsec_strerror(rc));
        goto out_free;
    }
    docs_file(x.s, "mds2.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              b.data, b.len);
    rc = docs_status(g);
    goto out_free;
out_fail:
    rc = medsec_error_set(g->err, rc, NULL, 0, 0, "cannot write the MDS2 form: %s",
                          medsec_strerror(rc));
out_free:
    medsec_buf_release(&b);
    medsec_buf_release(&x.note);
    medsec_buf_release(&x.src);
    medsec_free(x.item_phi);
    medsec_free(x.flow_phi);
    medsec_free(x.q);
    medsec_free(x.text);
    return rc;
}
