/*
 * test_risk_props.c: property tests of threat generation and the risk register (docs/threats.md,
 * docs/risk.md) on random device models and on the bundled examples.
 *
 * Each random model is written as device.yaml text from its own seed (a small xorshift generator),
 * loaded with medsec_model_parse and run through the pipeline `medsec risk` runs: the element
 * graph, the default rule catalog with silenced threats kept, the file's own threats, the register.
 * The properties:
 *
 * - 1: a rule fires on a flow or an interface only on a channel it names (network attacks never on
 *   ipc, onboard_bus, local_ui, removable_media or human), and the graph's channel is the file's.
 * - 2: people get person- rules, everything else system- rules.
 * - 3: a denial-of-service risk links only hazards caused by a loss of availability, a disclosure
 *   risk only hazards caused by a loss of confidentiality (hazards without caused_by exempt).
 * - 4: severity is monotonic in reach: after process X sends a therapy flow to a new item that
 *   holds an asset of the top harm, no tampering or elevation risk of X has a lower initial
 *   severity. 4b, stricter: when the new flow also carries the asset, those risks take the top
 *   harm (docs/risk.md: commanding reaches what the control flows carry). 4c: the same when the
 *   asset is only stored in the new item (reach.h says commanding an item reaches its assets; the
 *   register does not): counted and shown, not enforced.
 * - 5: a credited control added never raises a risk (initial levels equal, residual not above); a
 *   control removed never lowers one.
 * - 6: every capability code a threat suggests or misses fits its element (MDS2 scope).
 * - 7: residual <= initial on both axes, levels on the scales, the register sorted worst first.
 *
 * A model the loader rejects, or a pipeline step that fails, counts as a violation too.
 *
 * On a violation the test prints the seed and model number and writes the model (and the changed
 * model for 4 and 5) to MEDSEC_PROP_FAILURES; a crash leaves the model it happened on, with its
 * seed and number, in MEDSEC_PROP_FAILURES/last-loaded.yaml. Environment: MEDSEC_PROP_SEED (hex or
 * decimal), MEDSEC_PROP_MODELS (how many, default 1000), MEDSEC_PROP_MODEL (only that one, to
 * reproduce), MEDSEC_PROP_VERBOSE=1 (print every violation, not only the first ones).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "medsec/domain.h"
#include "medsec/model.h"
#include "medsec/risk.h"
#include "medsec/threat.h"

#ifndef MEDSEC_PROP_FAILURES
#define MEDSEC_PROP_FAILURES "property-failures"
#endif

#define DEFAULT_SEED 0x6d65647365633130ull /* "medsec10" */
#define DEFAULT_MODELS 1000
#define PRINT_PER_PROPERTY 5

/* ---- text ------------------------------------------------------------------------------------ */

struct text {
    char *p;
    size_t n, cap;
};

static void text_grow(struct text *t, size_t more)
{
    if (t->n + more + 1 <= t->cap)
        return;
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->n + more + 1)
        cap *= 2;
    char *p = realloc(t->p, cap);
    if (!p)
        abort();
    t->p = p;
    t->cap = cap;
}

static void text_addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_addf(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    text_grow(t, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(t->p + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    t->n += (size_t)n;
}

static void text_addn(struct text *t, const char *s, size_t n)
{
    text_grow(t, n);
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = '\0';
}

static void text_free(struct text *t)
{
    free(t->p);
    memset(t, 0, sizeof *t);
}

/* ---- the generator's random numbers (xorshift64*, each model seeded with splitmix64) --------- */

struct rng {
    uint64_t s;
};

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint64_t rng_next(struct rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

/* 0 .. n-1 */
static int rnd(struct rng *r, int n)
{
    return n <= 1 ? 0 : (int)((rng_next(r) >> 33) % (uint64_t)n);
}

/* lo .. hi */
static int between(struct rng *r, int lo, int hi)
{
    return lo + rnd(r, hi - lo + 1);
}

static bool chance(struct rng *r, int percent)
{
    return rnd(r, 100) < percent;
}

/* MEDSEC_UNSTATED, 0 or 1 */
static int tri(struct rng *r)
{
    int v = rnd(r, 4);
    return v < 2 ? MEDSEC_UNSTATED : v - 2;
}

/* ---- the words of the security file ---------------------------------------------------------- */

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const access_words[] = {"remote", "network",  "adjacent",
                                           "local",  "physical", "internal"};
static const char *const channel_words[] = {"network", "wireless", "field_bus",       "onboard_bus",
                                            "ipc",     "local_ui", "removable_media", "human"};
static const char *const if_types[] = {
    "wifi", "ble",     "bluetooth",   "ethernet", "cellular",       "nfc",          "usb", "usb-c",
    "sd",   "jtag",    "swd",         "uart",     "serial-console", "rs232",        "can", "spi",
    "i2c",  "display", "touchscreen", "keypad",   "barcode",        "internal-bus", "api", "other"};
static const char *const purposes[] = {
    "command",       "control", "therapy",        "configuration", "update", "telemetry",
    "clinical_data", "logs",    "authentication", "time_sync",     "ui",     "other"};
#define NPURPOSE_MAIN 8 /* the first eight: what the flows mostly are */
static const char *const functions[] = {"phi", "diagnosis_monitoring", "therapy_delivery",
                                        "clinical_workflow", "secrets"};
static const char *const props[] = {"confidentiality", "integrity", "availability"};
static const char *const strides[] = {"spoofing",          "tampering",
                                      "repudiation",       "information_disclosure",
                                      "denial_of_service", "elevation_of_privilege"};
static const char *const data_words[] = {"phi",  "logs",           "firmware",     "config",
                                         "keys", "infusion_order", "drug_library", "audit"};
static const char *const protocols[] = {"https",  "mqtt",     "ble-gatt",         "hl7-mllp",
                                        "http",   "telnet",   "serial-framed",    "unix-socket",
                                        "sqlite", "local-ui", "usb-mass-storage", "phone"};
static const char *const process_kinds[] = {"application",      "service", "firmware",
                                            "operating_system", "web_app", "mobile_app",
                                            "cloud_service",    "library"};
static const char *const store_kinds[] = {"database", "hardware", "service", "firmware"};
static const char *const entity_kinds[] = {"person", "external_system", "cloud_service",
                                           "application", "web_app"};
static const char *const party_types[] = {"human",  "user",    "operator",
                                          "system", "service", "device"};
static const char *const roles[] = {"clinician", "admin", "service", "manufacturer", "biomed"};
static const char *const lowers_words[] = {"exploitability", "severity", "both"};
static const char *const status_words[] = {"planned", "implemented", "verified"};
static const char *const result_words[] = {"pass", "fail", "open", "not_applicable"};
static const char *const ev_kinds[] = {"test", "penetration_test", "fuzz_test", "code_review",
                                       "analysis"};

/* ---- a random device model ------------------------------------------------------------------- */

enum {
    MAX_ZONES = 8,
    MAX_ITEMS = 26, /* 25 and the one property 4 adds */
    MAX_IFACES = 14,
    MAX_FLOWS = 52,
    MAX_ASSETS = 10,
    MAX_HAZARDS = 6,
    MAX_CAUSES = 3,
    MAX_CONTROLS = 12,
    MAX_REFS = 4,
    MAX_REQS = 6,
    MAX_EVIDENCE = 16,
    MAX_THREATS = 2,
    MAX_LIST = 3
};

enum gref_kind { G_ZONE = 0, G_ITEM, G_IFACE, G_FLOW, G_ASSET, G_CONTROL, G_REQ };
static const char *const ref_prefix[] = {"z", "i", "if", "f", "a", "c", "rq"};

struct gref {
    enum gref_kind kind;
    int idx;
};

struct gitem {
    enum medsec_element_kind element;
    const char *kind, *type, *role;
    int zone, runs_on; /* runs_on: -1 none */
    int privileged, untrusted_input, secure_element, unique_credentials;
    unsigned data; /* bits of data_words */
};

struct giface {
    int item, zone, channel, type; /* zone, channel: -1 unstated */
    int debug, disabled, authenticated, encrypted, removable;
};

struct gflow {
    int from, to, via, channel, purpose; /* via, channel, purpose: -1 unstated */
    bool authenticated, encrypted;
    int integrity, replay;
    unsigned data;
    const char *protocol;
};

struct gasset {
    unsigned functions;
    int nstored, stored[MAX_LIST];
    int ncarried, carried[MAX_LIST];
    int harm[3]; /* C, I, A: harm level or -1 */
};

struct ghazard {
    int harm;
    int ncauses;
    int asset[MAX_CAUSES], prop[MAX_CAUSES];
};

struct gcontrol {
    bool removed;
    unsigned caps;     /* bit per enum medsec_capability */
    unsigned stride;   /* bit per strides[] index */
    unsigned channels; /* bit per channel_words index; 0 unstated */
    int nrefs;
    struct gref refs[MAX_REFS];
    int status, lowers, levels, end_to_end; /* lowers -1 / levels 0: unstated */
    bool rationale;
};

struct greq {
    int ncontrols, controls[MAX_LIST];
};

struct gevidence {
    int result, kind;
    int nverifies;
    struct gref verifies[MAX_LIST]; /* G_CONTROL or G_REQ */
};

struct gthreat {
    int nelements;
    struct gref elements[2];
    int stride, exploitability; /* exploitability -1: unstated */
    int nassets, assets[2];
    int nhazards, hazards[2];
    int ncontrols, controls[2];
};

struct gmodel {
    int nharm, nexp;
    int access[6];  /* exploitability level of each attacker position, or -1 for none stated */
    int cut1, cut2; /* matrix classes: score below cut1 acceptable, below cut2 tolerable */
    int nzones, nitems, nifaces, nflows, nassets, nhazards, ncontrols, nreqs, nevidence, nthreats;
    int zone_access[MAX_ZONES]; /* -1 unstated */
    int zone_trust[MAX_ZONES];
    struct gitem items[MAX_ITEMS];
    struct giface ifaces[MAX_IFACES];
    struct gflow flows[MAX_FLOWS];
    struct gasset assets[MAX_ASSETS];
    struct ghazard hazards[MAX_HAZARDS];
    struct gcontrol controls[MAX_CONTROLS];
    struct greq reqs[MAX_REQS];
    struct gevidence evidence[MAX_EVIDENCE];
    struct gthreat threats[MAX_THREATS];
};

static int pick_item(struct rng *r, const struct gmodel *g, int not )
{
    int i;
    do
        i = rnd(r, g->nitems);
    while (i == not &&g->nitems > 1);
    return i;
}

static struct gref random_ref(struct rng *r, const struct gmodel *g, bool assets)
{
    for (;;) {
        int k = rnd(r, assets ? 5 : 4);
        struct gref ref = {(enum gref_kind)k, 0};
        int n = k == G_ZONE    ? g->nzones
                : k == G_ITEM  ? g->nitems
                : k == G_IFACE ? g->nifaces
                : k == G_FLOW  ? g->nflows
                               : g->nassets;
        if (n == 0)
            continue;
        ref.idx = rnd(r, n);
        return ref;
    }
}

static unsigned random_bits(struct rng *r, int n, int min, int max)
{
    unsigned bits = 0;
    int want = between(r, min, max);
    for (int i = 0; i < want; i++)
        bits |= 1u << rnd(r, n);
    return bits;
}

/* A control and the evidence that goes with its status. */
static void gen_control(struct rng *r, struct gmodel *g, bool credited)
{
    struct gcontrol *c = &g->controls[g->ncontrols];
    int id = g->ncontrols++;
    memset(c, 0, sizeof *c);
    c->caps = random_bits(r, MEDSEC_CAP_COUNT, 1, 3);
    c->nrefs = between(r, 1, 3);
    for (int k = 0; k < c->nrefs; k++)
        c->refs[k] = random_ref(r, g, true);
    c->stride = chance(r, 50) ? 0 : random_bits(r, 6, 1, 3);
    c->channels = chance(r, 15) ? random_bits(r, 8, 1, 3) : 0;
    if (credited) {
        c->status = between(r, 1, 2);
        c->lowers = rnd(r, 3);
        c->rationale = true;
    } else {
        int s = rnd(r, 10);
        c->status = s < 2 ? 0 : s < 6 ? 1 : 2;
        s = rnd(r, 20);
        c->lowers = s < 3 ? -1 : s < 12 ? 0 : s < 16 ? 1 : 2;
        c->rationale = chance(r, 85);
    }
    c->levels = chance(r, 50) ? 0 : between(r, 1, 3);
    c->end_to_end = tri(r);
    /* passing evidence for a verified control (directly or through a requirement it serves); an
     * implemented one has passing, failing or no evidence */
    bool pass = c->status == 2 || (c->status == 1 && (credited || chance(r, 50)));
    bool fail = !pass && c->status == 1 && chance(r, 40);
    if ((!pass && !fail) || g->nevidence >= MAX_EVIDENCE)
        return;
    struct gevidence *ev = &g->evidence[g->nevidence++];
    memset(ev, 0, sizeof *ev);
    ev->result = pass ? 0 : between(r, 1, 3);
    ev->kind = rnd(r, COUNT(ev_kinds));
    if (!credited && g->nreqs < MAX_REQS && chance(r, 30)) {
        struct greq *q = &g->reqs[g->nreqs];
        q->ncontrols = 1;
        q->controls[0] = id;
        ev->verifies[ev->nverifies++] = (struct gref){G_REQ, g->nreqs++};
    } else {
        ev->verifies[ev->nverifies++] = (struct gref){G_CONTROL, id};
    }
}

static void gen_model(struct rng *r, struct gmodel *g)
{
    memset(g, 0, sizeof *g);
    g->nharm = between(r, 3, 5);
    g->nexp = between(r, 2, 5);
    int mode = rnd(r, 10);
    if (mode < 7) { /* the more exposed, the higher: a non-increasing assignment */
        int level = g->nexp - 1;
        for (int a = 0; a < 6; a++) {
            g->access[a] = level;
            if (level > 0 && chance(r, 45))
                level -= between(r, 1, level);
        }
    } else if (mode < 9) {
        for (int a = 0; a < 6; a++)
            g->access[a] = rnd(r, g->nexp);
    } else {
        for (int a = 0; a < 6; a++)
            g->access[a] = -1;
    }
    int top = (g->nexp - 1) + (g->nharm - 1);
    g->cut1 = between(r, 1, top);
    g->cut2 = between(r, g->cut1, top + 1);

    g->nzones = between(r, 2, 8);
    for (int z = 0; z < g->nzones; z++) {
        g->zone_access[z] = chance(r, 90) ? rnd(r, 6) : -1;
        g->zone_trust[z] = rnd(r, 101);
    }

    g->nitems = 3 + (rnd(r, 2) ? rnd(r, 23) : rnd(r, 12)); /* 3-25, more of them small */
    for (int i = 0; i < g->nitems; i++) {
        struct gitem *it = &g->items[i];
        int e = i == 0 ? 0 : rnd(r, 10);
        it->element = e < 5   ? MEDSEC_ELEMENT_PROCESS
                      : e < 7 ? MEDSEC_ELEMENT_DATA_STORE
                              : MEDSEC_ELEMENT_EXTERNAL_ENTITY;
        it->zone = rnd(r, g->nzones);
        it->runs_on = -1;
        switch (it->element) {
        case MEDSEC_ELEMENT_PROCESS: it->kind = process_kinds[rnd(r, COUNT(process_kinds))]; break;
        case MEDSEC_ELEMENT_DATA_STORE:
            it->kind = store_kinds[rnd(r, COUNT(store_kinds))];
            it->data = random_bits(r, COUNT(data_words), 0, 3);
            break;
        default:
            it->kind = entity_kinds[rnd(r, COUNT(entity_kinds))];
            it->type = chance(r, 85) ? party_types[rnd(r, COUNT(party_types))] : NULL;
            break;
        }
        if (it->element != MEDSEC_ELEMENT_EXTERNAL_ENTITY && chance(r, 4))
            it->type = party_types[rnd(r, COUNT(party_types))];
        it->role = chance(r, 25) ? roles[rnd(r, COUNT(roles))] : NULL;
        it->privileged = tri(r);
        it->untrusted_input = tri(r);
        it->secure_element = chance(r, 20) ? tri(r) : MEDSEC_UNSTATED;
        it->unique_credentials =
            it->element == MEDSEC_ELEMENT_EXTERNAL_ENTITY ? tri(r) : MEDSEC_UNSTATED;
    }
    /* some items run on another process (never in a cycle: the loader refuses one) */
    for (int i = 0; i < g->nitems; i++) {
        if (g->items[i].element == MEDSEC_ELEMENT_EXTERNAL_ENTITY || !chance(r, 25))
            continue;
        int host = pick_item(r, g, i);
        if (host == i || g->items[host].element != MEDSEC_ELEMENT_PROCESS)
            continue;
        int x = host, steps = 0;
        while (x >= 0 && x != i && steps++ < g->nitems)
            x = g->items[x].runs_on;
        if (x < 0)
            g->items[i].runs_on = host;
    }

    g->nifaces = rnd(r, g->nitems / 2 + 2);
    if (g->nifaces > MAX_IFACES)
        g->nifaces = MAX_IFACES;
    for (int k = 0; k < g->nifaces; k++) {
        struct giface *f = &g->ifaces[k];
        f->item = rnd(r, g->nitems);
        f->type = rnd(r, COUNT(if_types));
        f->zone = chance(r, 60) ? rnd(r, g->nzones) : -1;
        f->channel = chance(r, 50) ? rnd(r, 8) : -1;
        f->debug = chance(r, 25) ? 1 : tri(r);
        f->disabled = tri(r);
        f->authenticated = tri(r);
        f->encrypted = tri(r);
        f->removable = chance(r, 15) ? tri(r) : MEDSEC_UNSTATED;
    }

    g->nflows = between(r, g->nitems - 1, g->nitems + g->nitems / 2);
    if (g->nflows > MAX_FLOWS - 1)
        g->nflows = MAX_FLOWS - 1;
    for (int k = 0; k < g->nflows; k++) {
        struct gflow *f = &g->flows[k];
        f->from = rnd(r, g->nitems);
        f->to = pick_item(r, g, f->from);
        f->via = -1;
        if (chance(r, 40)) { /* through an interface of the destination */
            int cand[MAX_IFACES], n = 0;
            for (int i = 0; i < g->nifaces; i++)
                if (g->ifaces[i].item == f->to)
                    cand[n++] = i;
            if (n)
                f->via = cand[rnd(r, n)];
        }
        f->channel = chance(r, 60) ? rnd(r, 8) : -1;
        int p = rnd(r, 20);
        f->purpose = p < 16 ? rnd(r, NPURPOSE_MAIN) : p < 18 ? between(r, NPURPOSE_MAIN, 11) : -1;
        f->authenticated = chance(r, 50);
        f->encrypted = chance(r, 50);
        f->integrity = tri(r);
        f->replay = tri(r);
        f->data = random_bits(r, COUNT(data_words), 0, 2);
        f->protocol = protocols[rnd(r, COUNT(protocols))];
    }

    g->nassets = between(r, 1, 8);
    for (int k = 0; k < g->nassets; k++) {
        struct gasset *a = &g->assets[k];
        a->functions = random_bits(r, COUNT(functions), 1, 3);
        a->nstored = rnd(r, 3);
        for (int i = 0; i < a->nstored; i++)
            a->stored[i] = rnd(r, g->nitems);
        a->ncarried = g->nflows ? rnd(r, 4) : 0;
        for (int i = 0; i < a->ncarried; i++)
            a->carried[i] = rnd(r, g->nflows);
        for (int p = 0; p < 3; p++)
            a->harm[p] = chance(r, 70) ? rnd(r, g->nharm) : -1;
    }

    g->nhazards = rnd(r, MAX_HAZARDS);
    for (int k = 0; k < g->nhazards; k++) {
        struct ghazard *h = &g->hazards[k];
        h->harm = rnd(r, g->nharm);
        h->ncauses = chance(r, 80) ? between(r, 1, MAX_CAUSES) : 0;
        for (int i = 0; i < h->ncauses; i++) {
            h->asset[i] = rnd(r, g->nassets);
            h->prop[i] = rnd(r, 3);
        }
    }

    int ncontrols = rnd(r, MAX_CONTROLS - 1); /* room for the one property 5 adds */
    for (int k = 0; k < ncontrols; k++)
        gen_control(r, g, false);

    g->nthreats = chance(r, 30) ? between(r, 1, MAX_THREATS) : 0;
    for (int k = 0; k < g->nthreats; k++) {
        struct gthreat *t = &g->threats[k];
        memset(t, 0, sizeof *t);
        t->nelements = between(r, 1, 2);
        for (int i = 0; i < t->nelements; i++)
            t->elements[i] = random_ref(r, g, false);
        t->stride = rnd(r, 6);
        t->exploitability = chance(r, 40) ? rnd(r, g->nexp) : -1;
        t->nassets = rnd(r, 3);
        for (int i = 0; i < t->nassets; i++)
            t->assets[i] = rnd(r, g->nassets);
        t->nhazards = g->nhazards ? rnd(r, 3) : 0;
        for (int i = 0; i < t->nhazards; i++)
            t->hazards[i] = rnd(r, g->nhazards);
        t->ncontrols = g->ncontrols ? rnd(r, 3) : 0;
        for (int i = 0; i < t->ncontrols; i++)
            t->controls[i] = rnd(r, g->ncontrols);
    }
}

/* ---- the model as device.yaml ---------------------------------------------------------------- */

static void emit_bits(struct text *t, const char *key, unsigned bits, const char *const *words,
                      int n)
{
    bool first = true;
    for (int i = 0; i < n; i++)
        if (bits & (1u << i)) {
            text_addf(t, "%s%s", first ? key : ", ", words[i]);
            first = false;
        }
    if (!first)
        text_addf(t, "]");
}

static void emit_tri(struct text *t, const char *key, int v)
{
    if (v != MEDSEC_UNSTATED)
        text_addf(t, ", %s: %s", key, v ? "true" : "false");
}

static void emit_ref(struct text *t, struct gref ref)
{
    text_addf(t, "%s%d", ref_prefix[ref.kind], ref.idx);
}

static void emit_model(const struct gmodel *g, struct text *t)
{
    t->n = 0;
    text_addf(t, "medsec: 1\n"
                 "device: {manufacturer: M, name: Random device, model: R-1, mdr_class: IIb,\n"
                 "         intended_purpose: Testing., intended_users: [nurses],\n"
                 "         use_environments: [ward], current_version: 1.0.0}\n"
                 "versions:\n"
                 "  - {version: 1.0.0, release_date: 2025-01-15, support: full,\n"
                 "     end_of_support: 2030-12-31}\n"
                 "clinical:\n  harm_scale:\n");
    for (int h = 0; h < g->nharm; h++)
        text_addf(t, "    - {id: h%d, description: Harm %d.}\n", h, h);

    text_addf(t, "zones:\n");
    for (int z = 0; z < g->nzones; z++) {
        text_addf(t, "  - {id: z%d, name: Zone %d, trust: %d", z, z, g->zone_trust[z]);
        if (g->zone_access[z] >= 0)
            text_addf(t, ", access: %s", access_words[g->zone_access[z]]);
        text_addf(t, "}\n");
    }

    text_addf(t, "items:\n");
    for (int i = 0; i < g->nitems; i++) {
        const struct gitem *it = &g->items[i];
        text_addf(t, "  - {id: i%d, name: Item %d, kind: %s, element: %s, zone: z%d", i, i,
                  it->kind, medsec_element_kind_name(it->element), it->zone);
        if (it->runs_on >= 0)
            text_addf(t, ", runs_on: i%d", it->runs_on);
        if (it->type)
            text_addf(t, ", type: %s", it->type);
        if (it->role)
            text_addf(t, ", role: %s", it->role);
        emit_bits(t, ", data: [", it->data, data_words, COUNT(data_words));
        emit_tri(t, "privileged", it->privileged);
        emit_tri(t, "untrusted_input", it->untrusted_input);
        emit_tri(t, "secure_element", it->secure_element);
        emit_tri(t, "unique_credentials", it->unique_credentials);
        text_addf(t, "}\n");
    }

    if (g->nifaces)
        text_addf(t, "interfaces:\n");
    for (int k = 0; k < g->nifaces; k++) {
        const struct giface *f = &g->ifaces[k];
        text_addf(t, "  - {id: if%d, name: Interface %d, type: %s, item: i%d", k, k,
                  if_types[f->type], f->item);
        if (f->zone >= 0)
            text_addf(t, ", zone: z%d", f->zone);
        if (f->channel >= 0)
            text_addf(t, ", channel: %s", channel_words[f->channel]);
        emit_tri(t, "debug", f->debug);
        emit_tri(t, "disabled_in_production", f->disabled);
        emit_tri(t, "authenticated", f->authenticated);
        emit_tri(t, "encrypted", f->encrypted);
        emit_tri(t, "removable", f->removable);
        text_addf(t, "}\n");
    }

    if (g->nflows)
        text_addf(t, "flows:\n");
    for (int k = 0; k < g->nflows; k++) {
        const struct gflow *f = &g->flows[k];
        text_addf(t, "  - {id: f%d, from: i%d, to: i%d, protocol: %s", k, f->from, f->to,
                  f->protocol);
        if (f->via >= 0)
            text_addf(t, ", via: if%d", f->via);
        if (f->channel >= 0)
            text_addf(t, ", channel: %s", channel_words[f->channel]);
        if (f->purpose >= 0)
            text_addf(t, ", purpose: %s", purposes[f->purpose]);
        emit_bits(t, ", data: [", f->data, data_words, COUNT(data_words));
        text_addf(t, ", authenticated: %s, encrypted: %s", f->authenticated ? "true" : "false",
                  f->encrypted ? "true" : "false");
        emit_tri(t, "integrity", f->integrity);
        emit_tri(t, "replay_protected", f->replay);
        text_addf(t, "}\n");
    }

    text_addf(t, "assets:\n");
    for (int k = 0; k < g->nassets; k++) {
        const struct gasset *a = &g->assets[k];
        text_addf(t, "  - {id: a%d, name: Asset %d", k, k);
        emit_bits(t, ", functions: [", a->functions, functions, COUNT(functions));
        for (int i = 0; i < a->nstored; i++)
            text_addf(t, "%si%d", i ? ", " : ", stored_in: [", a->stored[i]);
        text_addf(t, "%s", a->nstored ? "]" : "");
        for (int i = 0; i < a->ncarried; i++)
            text_addf(t, "%sf%d", i ? ", " : ", carried_by: [", a->carried[i]);
        text_addf(t, "%s", a->ncarried ? "]" : "");
        for (int p = 0; p < 3; p++)
            if (a->harm[p] >= 0)
                text_addf(t, ", %s: h%d", props[p], a->harm[p]);
        text_addf(t, "}\n");
    }

    bool any = false;
    for (int k = 0; k < g->ncontrols; k++) {
        const struct gcontrol *c = &g->controls[k];
        if (c->removed)
            continue;
        if (!any)
            text_addf(t, "controls:\n");
        any = true;
        text_addf(t, "  - {id: c%d, name: Control %d, status: %s", k, k, status_words[c->status]);
        emit_bits(t, ", capabilities: [", c->caps, medsec_capability_names, MEDSEC_CAP_COUNT);
        for (int i = 0; i < c->nrefs; i++) {
            text_addf(t, "%s", i ? ", " : ", applies_to: [");
            emit_ref(t, c->refs[i]);
        }
        text_addf(t, "]");
        emit_bits(t, ", stride: [", c->stride, strides, COUNT(strides));
        emit_bits(t, ", channels: [", c->channels, channel_words, COUNT(channel_words));
        if (c->lowers >= 0)
            text_addf(t, ", lowers: %s", lowers_words[c->lowers]);
        if (c->levels)
            text_addf(t, ", levels: %d", c->levels);
        emit_tri(t, "end_to_end", c->end_to_end);
        if (c->rationale)
            text_addf(t, ", rationale: Why control %d works.", k);
        text_addf(t, "}\n");
    }

    if (g->nreqs)
        text_addf(t, "requirements:\n");
    for (int k = 0; k < g->nreqs; k++) {
        const struct greq *q = &g->reqs[k];
        text_addf(t, "  - {id: rq%d, text: Requirement %d", k, k);
        int n = 0;
        for (int i = 0; i < q->ncontrols; i++)
            if (!g->controls[q->controls[i]].removed)
                text_addf(t, "%sc%d", n++ ? ", " : ", controls: [", q->controls[i]);
        text_addf(t, "%s}\n", n ? "]" : "");
    }

    any = false;
    for (int k = 0; k < g->nevidence; k++) {
        const struct gevidence *ev = &g->evidence[k];
        int n = 0;
        for (int i = 0; i < ev->nverifies; i++)
            n += ev->verifies[i].kind != G_CONTROL || !g->controls[ev->verifies[i].idx].removed;
        if (!n)
            continue;
        if (!any)
            text_addf(t, "evidence:\n");
        any = true;
        text_addf(t, "  - {id: ev%d, title: Test %d, kind: %s, result: %s, verifies: [", k, k,
                  ev_kinds[ev->kind], result_words[ev->result]);
        n = 0;
        for (int i = 0; i < ev->nverifies; i++) {
            if (ev->verifies[i].kind == G_CONTROL && g->controls[ev->verifies[i].idx].removed)
                continue;
            text_addf(t, "%s", n++ ? ", " : "");
            emit_ref(t, ev->verifies[i]);
        }
        text_addf(t, "]}\n");
    }

    text_addf(t, "risk_matrix:\n  exploitability:\n");
    for (int e = 0; e < g->nexp; e++) {
        text_addf(t, "    - {id: x%d, description: Level %d.", e, e);
        int n = 0;
        for (int a = 0; a < 6; a++)
            if (g->access[a] == e)
                text_addf(t, "%s%s", n++ ? ", " : ", access: [", access_words[a]);
        text_addf(t, "%s}\n", n ? "]" : "");
    }
    text_addf(t, "  rows:\n");
    for (int e = 0; e < g->nexp; e++) {
        text_addf(t, "    - {exploitability: x%d, cells: [", e);
        for (int s = 0; s < g->nharm; s++)
            text_addf(t, "%s%s", s ? ", " : "",
                      e + s < g->cut1   ? "acceptable"
                      : e + s < g->cut2 ? "tolerable"
                                        : "unacceptable");
        text_addf(t, "]}\n");
    }

    if (g->nhazards)
        text_addf(t, "hazards:\n");
    for (int k = 0; k < g->nhazards; k++) {
        const struct ghazard *h = &g->hazards[k];
        text_addf(t, "  - {id: hz%d, title: Hazard %d, harm: h%d", k, k, h->harm);
        for (int i = 0; i < h->ncauses; i++)
            text_addf(t, "%s{asset: a%d, property: %s}", i ? ", " : ", caused_by: [", h->asset[i],
                      props[h->prop[i]]);
        text_addf(t, "%s}\n", h->ncauses ? "]" : "");
    }

    if (g->nthreats)
        text_addf(t, "threats:\n");
    for (int k = 0; k < g->nthreats; k++) {
        const struct gthreat *th = &g->threats[k];
        text_addf(t, "  - {id: mt%d, title: Manual threat %d, stride: [%s], elements: [", k, k,
                  strides[th->stride]);
        for (int i = 0; i < th->nelements; i++) {
            text_addf(t, "%s", i ? ", " : "");
            emit_ref(t, th->elements[i]);
        }
        text_addf(t, "]");
        if (th->exploitability >= 0)
            text_addf(t, ", exploitability: x%d", th->exploitability);
        for (int i = 0; i < th->nassets; i++)
            text_addf(t, "%sa%d", i ? ", " : ", assets: [", th->assets[i]);
        text_addf(t, "%s", th->nassets ? "]" : "");
        for (int i = 0; i < th->nhazards; i++)
            text_addf(t, "%shz%d", i ? ", " : ", hazards: [", th->hazards[i]);
        text_addf(t, "%s", th->nhazards ? "]" : "");
        int n = 0;
        for (int i = 0; i < th->ncontrols; i++)
            if (!g->controls[th->controls[i]].removed)
                text_addf(t, "%sc%d", n++ ? ", " : ", controls: [", th->controls[i]);
        text_addf(t, "%s}\n", n ? "]" : "");
    }
}

/* ---- the pipeline `medsec risk` runs --------------------------------------------------------- */

static struct medsec_tm_catalog catalog;

struct run {
    struct medsec_model *m;
    struct medsec_tm_graph g;
    struct medsec_threat_list threats;
    struct medsec_risk_register reg;
};

static void run_release(struct run *r)
{
    medsec_risk_register_release(&r->reg);
    medsec_threat_list_release(&r->threats);
    medsec_tm_graph_release(&r->g);
    medsec_model_free(r->m);
    memset(r, 0, sizeof *r);
}

static const char *failures_dir(void);

/* Each model is written to <failures>/last-loaded.yaml before it is loaded (and the file removed
 * when the tests end), so that a crash leaves the model it happened on. */
static void note_loading(const char *label, const char *variant, const char *text, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/last-loaded.yaml", failures_dir());
    FILE *f = fopen(path, "w");
    if (!f && mkdir(failures_dir(), 0777) == 0)
        f = fopen(path, "w");
    if (!f)
        return;
    fprintf(f, "# %s%s%s\n", label, *variant ? ", changed model " : "", variant);
    fwrite(text, 1, len, f);
    fclose(f);
}

static void forget_loading(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/last-loaded.yaml", failures_dir());
    remove(path);
}

/* Load @text (device.yaml; files resolved in @dir, NULL: none) and build its threats and register;
 * @label and @variant say what it is. False with @why filled when a step fails. */
static bool run_load(struct run *r, const char *label, const char *variant, const char *text,
                     size_t len, const char *name, const char *dir, char *why, size_t cap)
{
    note_loading(label, variant, text, len);
    memset(r, 0, sizeof *r);
    medsec_tm_graph_init(&r->g);
    medsec_threat_list_init(&r->threats);
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    medsec_error_clear(&err);
    const char *step = "load";
    medsec_err rc = medsec_model_parse(text, len, name, dir, NULL, &r->m, &d, &err);
    if (rc) {
        const struct medsec_diag *first = NULL;
        for (size_t i = 0; i < d.n && !first; i++)
            if (d.v[i].severity == MEDSEC_SEV_ERROR)
                first = &d.v[i];
        if (first)
            snprintf(why, cap, "the loader rejects the model (%zu errors), first at %u:%u: %s",
                     d.errors, first->line, first->column, first->msg);
        else
            snprintf(why, cap, "the loader rejects the model: %s", err.msg);
        medsec_diags_release(&d);
        return false;
    }
    medsec_diags_release(&d);
    if ((step = "medsec_tm_from_model", rc = medsec_tm_from_model(r->m, &r->g, &err)) ||
        (step = "medsec_threats_generate",
         rc = medsec_threats_generate(&r->g, &catalog, MEDSEC_TM_WITH_MITIGATED, &r->threats,
                                      &err)) ||
        (step = "medsec_threats_merge_model",
         rc = medsec_threats_merge_model(&r->threats, &r->g, r->m, &err)) ||
        (step = "medsec_risk_register_from_model",
         rc = medsec_risk_register_from_model(&r->reg, r->m, &err)) ||
        (step = "medsec_risk_from_model",
         rc = medsec_risk_from_model(&r->reg, r->m, &r->g, &r->threats, NULL, &err))) {
        snprintf(why, cap, "%s fails: %s: %s", step, medsec_strerror(rc), err.msg);
        return false;
    }
    return true;
}

/* ---- what was found -------------------------------------------------------------------------- */

enum prop {
    P_PIPELINE = 0,
    P_CHANNEL,
    P_PARTY,
    P_HAZARD,
    P_REACH,
    P_REACH_TOP,
    P_REACH_STORED,
    P_ADD,
    P_REMOVE,
    P_FIT,
    P_SANITY,
    P_COUNT
};

static const char *const prop_names[] = {
    "0 valid model, pipeline runs",          "1 rules only on their channels",
    "2 person / system rules by type",       "3 D / I risks link hazards of A / C",
    "4 severity monotonic in reach",         "4b a carried top-harm asset is reached",
    "4c a stored top-harm asset is reached", "5 an added control never raises",
    "5 a removed control never lowers",      "6 MDS2 codes fit their element",
    "7 residual <= initial, sorted",
};

/* 4c is what reach.h promises and the register does not do: shown, not enforced */
static const bool prop_enforced[] = {true,  true, true, true, true, true,
                                     false, true, true, true, true};

struct tally {
    unsigned long checks[P_COUNT], violations[P_COUNT];
    unsigned long models, threats, risks;
};

/* The model under test: what a violation prints and saves. */
struct subject {
    char label[128]; /* "model 17 (seed 0x...)" or "example infusion-pump" */
    char file[64];   /* base name for saved files: "model-17", "infusion-pump" */
    const struct text *yaml;
    const char *dir; /* the folder files resolve in, or NULL */
    struct tally *tally;
    bool saved; /* the model is written already */
};

static uint64_t base_seed = DEFAULT_SEED;
static bool verbose;
static unsigned long printed[P_COUNT];

static const char *failures_dir(void)
{
    const char *d = getenv("MEDSEC_PROP_FAILURES");
    return d && *d ? d : MEDSEC_PROP_FAILURES;
}

/* Write @yaml as <failures>/<file><suffix>.yaml; its path into @path. */
static bool save(const struct subject *s, const char *suffix, const struct text *yaml, char *path,
                 size_t cap)
{
    const char *dir = failures_dir();
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return false;
    snprintf(path, cap, "%s/%s%s.yaml", dir, s->file, suffix);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fprintf(f, "# %s%s%s\n", s->label, s->dir ? "; files resolve in " : "", s->dir ? s->dir : "");
    fwrite(yaml->p, 1, yaml->n, f);
    return fclose(f) == 0;
}

/* Record a violation of @p on @s; @changed (may be NULL) is the changed model it shows on. */
static void violation(struct subject *s, enum prop p, const struct text *changed,
                      const char *suffix, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void violation(struct subject *s, enum prop p, const struct text *changed,
                      const char *suffix, const char *fmt, ...)
{
    s->tally->violations[p]++;
    if (!prop_enforced[p] && printed[p]) /* shown, not enforced: the first one is enough */
        return;
    char msg[1024], a[600] = "", b[600] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (s->saved)
        snprintf(a, sizeof a, "%s/%s.yaml", failures_dir(), s->file);
    else if (s->yaml && !(s->saved = save(s, "", s->yaml, a, sizeof a)))
        a[0] = '\0';
    if (changed && suffix && !save(s, suffix, changed, b, sizeof b))
        b[0] = '\0';
    if (!verbose && printed[p] >= PRINT_PER_PROPERTY)
        return;
    printed[p]++;
    printf("property %s violated on %s:\n  %s\n", prop_names[p], s->label, msg);
    if (a[0])
        printf("  model: %s\n", a);
    if (b[0])
        printf("  changed model: %s\n", b);
}

/* ---- properties of one model's threats (1, 2, 6) and register (3, 7) ------------------------- */

static const struct medsec_tm_rule *rule_of(const char *id)
{
    for (size_t i = 0; id && i < catalog.n; i++)
        if (strcmp(catalog.rules[i].id, id) == 0)
            return &catalog.rules[i];
    return NULL;
}

/* The network-attack rules (docs/threats.md): never on a channel a remote or adjacent attacker
 * cannot reach. */
static bool network_rule(const char *id)
{
    static const char *const exact[] = {
        "flow-spoofed-endpoint", "flow-tampering", "flow-replay",
        "flow-therapy-dos",      "flow-dos",       "flow-command-injection"};
    static const char *const prefix[] = {"flow-cleartext-", "interface-wireless-",
                                         "interface-network-"};
    for (int i = 0; i < COUNT(exact); i++)
        if (strcmp(id, exact[i]) == 0)
            return true;
    for (int i = 0; i < COUNT(prefix); i++)
        if (strncmp(id, prefix[i], strlen(prefix[i])) == 0)
            return true;
    return false;
}

static bool person_type(const char *type)
{
    return type && (!strcmp(type, "human") || !strcmp(type, "user") || !strcmp(type, "operator"));
}

static void check_channel(struct subject *s, const struct run *r, const struct medsec_threat *t,
                          const struct medsec_tm_element *e)
{
    struct tally *ty = s->tally;
    const struct medsec_tm_rule *rule = rule_of(t->rule_id);
    const struct medsec_tm_attr *a = medsec_tm_attr_get(e, "channel");
    enum medsec_channel ch;
    ty->checks[P_CHANNEL]++;
    if (!rule) {
        violation(s, P_CHANNEL, NULL, NULL,
                  "threat %s names rule '%s', which is not in the catalog", t->id, t->rule_id);
        return;
    }
    if (!a || a->type != MEDSEC_TM_STR || !medsec_channel_parse(a->s, &ch)) {
        violation(s, P_CHANNEL, NULL, NULL, "%s '%s' has no channel attribute in the graph",
                  medsec_element_kind_name(e->kind), e->id);
        return;
    }
    if (!(rule->channels & (1u << ch)))
        violation(s, P_CHANNEL, NULL, NULL,
                  "rule %s fires on %s '%s' (threat %s), whose channel %s is not among its "
                  "channels",
                  rule->id, medsec_element_kind_name(e->kind), e->id, t->id, a->s);
    if (network_rule(rule->id) && !medsec_channel_attackable(ch))
        violation(s, P_CHANNEL, NULL, NULL,
                  "network-attack rule %s fires on %s '%s' (threat %s) over channel %s", rule->id,
                  medsec_element_kind_name(e->kind), e->id, t->id, a->s);
    /* the graph's channel is the one the file states or implies */
    enum medsec_channel want = MEDSEC_CHANNEL_COUNT;
    if (e->kind == MEDSEC_ELEMENT_DATA_FLOW) {
        const struct medsec_model_flow *f = medsec_model_find_flow(r->m, e->id);
        if (f)
            want = medsec_model_flow_channel(r->m, f, NULL);
    } else {
        const struct medsec_model_interface *f = medsec_model_find_interface(r->m, e->id);
        if (f)
            want = medsec_model_interface_channel(f, NULL);
    }
    if (want != ch)
        violation(s, P_CHANNEL, NULL, NULL, "'%s' is on channel %s in the graph but %s in the file",
                  e->id, a->s, want < MEDSEC_CHANNEL_COUNT ? medsec_channel_name(want) : "?");
}

static void check_party(struct subject *s, const struct run *r, const struct medsec_threat *t)
{
    const struct medsec_model_item *it = medsec_model_find_item(r->m, t->element_id);
    if (!it || it->element != MEDSEC_ELEMENT_EXTERNAL_ENTITY)
        return;
    s->tally->checks[P_PARTY]++;
    bool person = person_type(it->type);
    if (person && strncmp(t->rule_id, "system-", 7) == 0)
        violation(s, P_PARTY, NULL, NULL, "rule %s fires on '%s', a person (type %s)", t->rule_id,
                  it->id, it->type);
    if (!person && strncmp(t->rule_id, "person-", 7) == 0)
        violation(s, P_PARTY, NULL, NULL, "rule %s fires on '%s', not a person (type %s)",
                  t->rule_id, it->id, it->type ? it->type : "unstated");
}

static void check_fit(struct subject *s, const struct medsec_threat *t,
                      const struct medsec_tm_element *e)
{
    unsigned fits = medsec_tm_element_fits(e);
    for (int list = 0; list < 2; list++) {
        const char *const *v = list ? t->missing : t->controls;
        size_t n = list ? t->nmissing : t->ncontrols;
        for (size_t i = 0; i < n; i++) {
            enum medsec_capability code;
            s->tally->checks[P_FIT]++;
            if (!medsec_capability_parse(v[i], &code))
                violation(s, P_FIT, NULL, NULL, "threat %s (%s on '%s') lists '%s', not a code",
                          t->id, t->rule_id, e->id, v[i]);
            else if (!(medsec_capability_info(code)->fits & fits))
                violation(s, P_FIT, NULL, NULL,
                          "threat %s (%s on %s '%s') %s %s (%s), whose scope fits none of the "
                          "element's classes 0x%x",
                          t->id, t->rule_id, medsec_element_kind_name(e->kind), e->id,
                          list ? "misses" : "suggests", v[i], medsec_capability_info(code)->scope,
                          fits);
        }
    }
}

static void check_threats(struct subject *s, const struct run *r)
{
    s->tally->threats += r->threats.n;
    for (size_t i = 0; i < r->threats.n; i++) {
        const struct medsec_threat *t = &r->threats.v[i];
        if (t->manual || !t->rule_id)
            continue; /* the file's own threats name controls, not rules and codes */
        const struct medsec_tm_element *e = medsec_tm_find(&r->g, t->element_id);
        if (!e) {
            violation(s, P_PIPELINE, NULL, NULL, "threat %s is on '%s', not in the graph", t->id,
                      t->element_id);
            continue;
        }
        if (e->kind == MEDSEC_ELEMENT_DATA_FLOW || e->kind == MEDSEC_ELEMENT_INTERFACE)
            check_channel(s, r, t, e);
        if (e->kind == MEDSEC_ELEMENT_EXTERNAL_ENTITY)
            check_party(s, r, t);
        check_fit(s, t, e);
    }
}

/* The register's order (risk.h): residual class worst first (not acceptable before acceptable),
 * then more residual levels first, more severity first, then id. */
static int worse(const struct medsec_risk_item *x, const struct medsec_risk_item *y)
{
    if (x->result.residual_acceptable != y->result.residual_acceptable)
        return x->result.residual_acceptable ? 1 : -1;
    if (x->result.residual_class != y->result.residual_class)
        return x->result.residual_class > y->result.residual_class ? -1 : 1;
    int sx = x->result.residual_exploitability + x->result.residual_severity;
    int sy = y->result.residual_exploitability + y->result.residual_severity;
    if (sx != sy)
        return sx > sy ? -1 : 1;
    if (x->result.residual_severity != y->result.residual_severity)
        return x->result.residual_severity > y->result.residual_severity ? -1 : 1;
    return strcmp(x->spec.id, y->spec.id);
}

static void check_register(struct subject *s, const struct run *r)
{
    const struct medsec_risk_register *reg = &r->reg;
    int ne = (int)reg->config.nexploitability, ns = (int)reg->config.nseverity;
    s->tally->risks += reg->n;
    for (size_t i = 0; i < reg->n; i++) {
        const struct medsec_risk_item *it = &reg->items[i];
        const struct medsec_risk_result *res = &it->result;
        s->tally->checks[P_SANITY]++;
        if (res->initial_exploitability < 0 || res->initial_exploitability >= ne ||
            res->residual_exploitability < 0 || res->residual_exploitability >= ne ||
            res->initial_severity < 0 || res->initial_severity >= ns ||
            res->residual_severity < 0 || res->residual_severity >= ns)
            violation(s, P_SANITY, NULL, NULL, "%s has a level off the scales: %d x %d -> %d x %d",
                      it->spec.id, res->initial_exploitability, res->initial_severity,
                      res->residual_exploitability, res->residual_severity);
        if (res->residual_exploitability > res->initial_exploitability ||
            res->residual_severity > res->initial_severity)
            violation(s, P_SANITY, NULL, NULL,
                      "%s: residual %d x %d is above initial %d x %d on an axis", it->spec.id,
                      res->residual_exploitability, res->residual_severity,
                      res->initial_exploitability, res->initial_severity);
        if (i && worse(&reg->items[i - 1], it) >= 0)
            violation(s, P_SANITY, NULL, NULL,
                      "the register is not sorted worst first: %s before %s",
                      reg->items[i - 1].spec.id, it->spec.id);

        /* 3: hazards by the property lost */
        enum medsec_stride st = it->spec.stride;
        if (!it->spec.threat_id ||
            (st != MEDSEC_STRIDE_DENIAL_OF_SERVICE && st != MEDSEC_STRIDE_INFORMATION_DISCLOSURE))
            continue;
        const struct medsec_threat *t = medsec_threats_find(&r->threats, it->spec.threat_id);
        const struct medsec_model_threat *mt =
            t && t->manual ? medsec_model_find_threat(r->m, t->id) : NULL;
        if (mt && mt->stride.n > 1)
            continue; /* several categories: the risk carries the first only */
        enum medsec_property want = st == MEDSEC_STRIDE_DENIAL_OF_SERVICE
                                        ? MEDSEC_PROP_AVAILABILITY
                                        : MEDSEC_PROP_CONFIDENTIALITY;
        for (size_t h = 0; h < it->spec.nsafety_hazards; h++) {
            const struct medsec_model_hazard *hz =
                medsec_model_find_hazard(r->m, it->spec.safety_hazards[h]);
            if (!hz) {
                violation(s, P_HAZARD, NULL, NULL, "%s links '%s', not a hazard of the file",
                          it->spec.id, it->spec.safety_hazards[h]);
                continue;
            }
            if (!hz->ncaused_by)
                continue;
            s->tally->checks[P_HAZARD]++;
            bool ok = false;
            for (size_t c = 0; c < hz->ncaused_by && !ok; c++)
                ok = hz->caused_by[c].property == want;
            if (!ok)
                violation(s, P_HAZARD, NULL, NULL,
                          "%s (%c on '%s') links hazard %s, which no loss of %s causes",
                          it->spec.id, medsec_stride_letter(st),
                          it->spec.element ? it->spec.element : "-", hz->id,
                          medsec_property_name(want));
        }
    }
}

/* ---- properties between two versions of a model (4, 5) --------------------------------------- */

static const struct medsec_risk_item *find_risk(const struct run *r, const char *id)
{
    return medsec_risk_register_find(&r->reg, id);
}

/* 4: every tampering / elevation risk of process @x keeps at least its initial severity; 4b: takes
 * the top harm. */
static void compare_reach(struct subject *s, const struct run *before, const struct run *after,
                          const char *x, bool carried, const struct text *changed,
                          const char *suffix)
{
    enum prop strict = carried ? P_REACH_TOP : P_REACH_STORED;
    int top = (int)after->reg.config.nseverity - 1;
    for (size_t i = 0; i < before->reg.n; i++) {
        const struct medsec_risk_item *old = &before->reg.items[i];
        if (!old->spec.threat_id || !old->spec.element || strcmp(old->spec.element, x) != 0 ||
            (old->spec.stride != MEDSEC_STRIDE_TAMPERING &&
             old->spec.stride != MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE))
            continue;
        const struct medsec_risk_item *now = find_risk(after, old->spec.id);
        s->tally->checks[P_REACH]++;
        if (!now) {
            violation(s, P_REACH, changed, suffix, "%s (%c on '%s') is gone after the new flow",
                      old->spec.id, medsec_stride_letter(old->spec.stride), x);
            continue;
        }
        if (now->result.initial_severity < old->result.initial_severity)
            violation(s, P_REACH, changed, suffix,
                      "%s (%c on '%s'): initial severity %s -> %s after '%s' commands an item "
                      "holding a %s asset",
                      old->spec.id, medsec_stride_letter(old->spec.stride), x,
                      medsec_risk_severity_name(&before->reg.config, old->result.initial_severity),
                      medsec_risk_severity_name(&after->reg.config, now->result.initial_severity),
                      x, medsec_risk_severity_name(&after->reg.config, top));
        s->tally->checks[strict]++;
        if (now->result.initial_severity != top)
            violation(s, strict, changed, suffix,
                      "%s (%c on '%s'): initial severity %s, not %s, though '%s' now commands an "
                      "item holding a %s asset%s (basis: %s)",
                      old->spec.id, medsec_stride_letter(old->spec.stride), x,
                      medsec_risk_severity_name(&after->reg.config, now->result.initial_severity),
                      medsec_risk_severity_name(&after->reg.config, top), x,
                      medsec_risk_severity_name(&after->reg.config, top),
                      carried ? " over a flow that carries it" : "",
                      now->spec.severity_basis ? now->spec.severity_basis : "-");
    }
}

/* 5: @after has one credited control more than @before (@added) or one less (!@added): initial
 * levels equal; residual levels not above (added) or not below (removed). */
static void compare_control(struct subject *s, const struct run *before, const struct run *after,
                            bool added, const char *control, const struct text *changed,
                            const char *suffix)
{
    enum prop p = added ? P_ADD : P_REMOVE;
    for (size_t i = 0; i < before->reg.n; i++) {
        const struct medsec_risk_item *old = &before->reg.items[i];
        const struct medsec_risk_item *now = find_risk(after, old->spec.id);
        s->tally->checks[p]++;
        if (!now) {
            violation(s, p, changed, suffix, "%s is gone after %s control %s", old->spec.id,
                      added ? "adding" : "removing", control);
            continue;
        }
        const struct medsec_risk_result *o = &old->result, *n = &now->result;
        if (o->initial_exploitability != n->initial_exploitability ||
            o->initial_severity != n->initial_severity)
            violation(s, p, changed, suffix,
                      "%s: initial %d x %d becomes %d x %d after %s control %s", old->spec.id,
                      o->initial_exploitability, o->initial_severity, n->initial_exploitability,
                      n->initial_severity, added ? "adding" : "removing", control);
        bool bad = added ? n->residual_exploitability > o->residual_exploitability ||
                               n->residual_severity > o->residual_severity
                         : n->residual_exploitability < o->residual_exploitability ||
                               n->residual_severity < o->residual_severity;
        if (bad)
            violation(s, p, changed, suffix,
                      "%s: residual %d x %d becomes %d x %d after %s control %s (exploitability "
                      "basis now: %s)",
                      old->spec.id, o->residual_exploitability, o->residual_severity,
                      n->residual_exploitability, n->residual_severity,
                      added ? "adding" : "removing", control,
                      now->spec.exploitability_basis ? now->spec.exploitability_basis : "-");
    }
}

/* Load @yaml as the changed model of @s; a failure is a violation of @p. */
static bool load_changed(struct subject *s, struct run *r, const struct text *yaml, enum prop p,
                         const char *suffix)
{
    char why[1024];
    if (run_load(r, s->label, suffix, yaml->p, yaml->n, "changed.yaml", s->dir, why, sizeof why))
        return true;
    violation(s, p, yaml, suffix, "the changed model fails: %s", why);
    run_release(r);
    return false;
}

/* ---- random models --------------------------------------------------------------------------- */

/* 4 on a random model: process X sends a therapy flow to a new item holding a top-harm asset. */
static void reach_random(struct subject *s, struct rng *rg, const struct gmodel *g,
                         const struct run *before)
{
    int cand[MAX_ITEMS], n = 0;
    for (int i = 0; i < g->nitems; i++)
        if (g->items[i].element == MEDSEC_ELEMENT_PROCESS)
            cand[n++] = i;
    if (!n || g->nitems >= MAX_ITEMS || g->nflows >= MAX_FLOWS || g->nassets >= MAX_ASSETS)
        return;
    int x = cand[rnd(rg, n)];
    struct gmodel *h = malloc(sizeof *h);
    if (!h)
        abort();
    *h = *g;
    int y = h->nitems++;
    h->items[y] = (struct gitem){.element = MEDSEC_ELEMENT_PROCESS,
                                 .kind = "firmware",
                                 .zone = rnd(rg, h->nzones),
                                 .runs_on = -1,
                                 .privileged = MEDSEC_UNSTATED,
                                 .untrusted_input = MEDSEC_UNSTATED,
                                 .secure_element = MEDSEC_UNSTATED,
                                 .unique_credentials = MEDSEC_UNSTATED};
    struct gflow *f = &h->flows[h->nflows++];
    *f = (struct gflow){.from = x,
                        .to = y,
                        .via = -1,
                        .channel = rnd(rg, 8),
                        .purpose = 2, /* therapy */
                        .authenticated = chance(rg, 50),
                        .encrypted = chance(rg, 50),
                        .integrity = tri(rg),
                        .replay = tri(rg),
                        .protocol = "serial-framed"};
    struct gasset *a = &h->assets[h->nassets++];
    *a = (struct gasset){.functions = 1u << 2, .nstored = 1, .harm = {-1, h->nharm - 1, -1}};
    a->stored[0] = y;
    bool carried = chance(rg, 50);
    if (carried) {
        a->ncarried = 1;
        a->carried[0] = h->nflows - 1;
    }
    struct text t = {0};
    emit_model(h, &t);
    struct run after;
    if (load_changed(s, &after, &t, P_REACH, "-p4")) {
        char xid[16];
        snprintf(xid, sizeof xid, "i%d", x);
        compare_reach(s, before, &after, xid, carried, &t, "-p4");
        run_release(&after);
    }
    text_free(&t);
    free(h);
}

/* 5 on a random model: one credited control more; one of the file's controls less. */
static void controls_random(struct subject *s, struct rng *rg, const struct gmodel *g,
                            const struct run *before)
{
    struct gmodel *h = malloc(sizeof *h);
    if (!h)
        abort();
    struct text t = {0};
    struct run after;
    char cid[16];
    if (g->ncontrols < MAX_CONTROLS && g->nevidence < MAX_EVIDENCE) {
        *h = *g;
        gen_control(rg, h, true);
        snprintf(cid, sizeof cid, "c%d", h->ncontrols - 1);
        emit_model(h, &t);
        if (load_changed(s, &after, &t, P_ADD, "-p5-add")) {
            compare_control(s, before, &after, true, cid, &t, "-p5-add");
            run_release(&after);
        }
    }
    if (g->ncontrols) {
        *h = *g;
        int k = rnd(rg, h->ncontrols);
        h->controls[k].removed = true;
        snprintf(cid, sizeof cid, "c%d", k);
        emit_model(h, &t);
        if (load_changed(s, &after, &t, P_REMOVE, "-p5-remove")) {
            compare_control(s, before, &after, false, cid, &t, "-p5-remove");
            run_release(&after);
        }
    }
    text_free(&t);
    free(h);
}

static void random_model(struct tally *ty, unsigned long n)
{
    struct rng rg = {splitmix64(base_seed ^ splitmix64(n))};
    if (!rg.s)
        rg.s = 1;
    struct gmodel *g = malloc(sizeof *g);
    if (!g)
        abort();
    gen_model(&rg, g);
    struct text yaml = {0};
    emit_model(g, &yaml);
    struct subject s = {.yaml = &yaml, .tally = ty};
    snprintf(s.label, sizeof s.label, "model %lu (MEDSEC_PROP_SEED=0x%llx MEDSEC_PROP_MODEL=%lu)",
             n, (unsigned long long)base_seed, n);
    snprintf(s.file, sizeof s.file, "model-%lu", n);
    struct run r;
    char why[1024];
    ty->models++;
    ty->checks[P_PIPELINE]++;
    if (!run_load(&r, s.label, "", yaml.p, yaml.n, "device.yaml", NULL, why, sizeof why)) {
        violation(&s, P_PIPELINE, NULL, NULL, "%s", why);
    } else {
        check_threats(&s, &r);
        check_register(&s, &r);
        reach_random(&s, &rg, g, &r);
        controls_random(&s, &rg, g, &r);
    }
    run_release(&r);
    text_free(&yaml);
    free(g);
}

/* ---- the bundled examples -------------------------------------------------------------------- */

static bool read_file(const char *path, struct text *t)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char buf[8192];
    size_t n;
    t->n = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        text_addn(t, buf, n);
    fclose(f);
    return t->n > 0;
}

/* @src with @entry (one list entry, "  - {...}\n") first in top-level list @key (appended as a new
 * list when the file has none). */
static void insert_entry(const struct text *src, const char *key, const char *entry,
                         struct text *out)
{
    char want[64];
    snprintf(want, sizeof want, "\n%s:\n", key);
    const char *at = strstr(src->p, want);
    out->n = 0;
    if (!at) {
        text_addn(out, src->p, src->n);
        text_addf(out, "%s%s:\n%s", src->n && src->p[src->n - 1] != '\n' ? "\n" : "", key, entry);
        return;
    }
    size_t cut = (size_t)(at - src->p) + strlen(want);
    text_addn(out, src->p, cut);
    text_addf(out, "%s", entry);
    text_addn(out, src->p + cut, src->n - cut);
}

/* @src with control @id set to status planned (a block or a flow mapping in a block list); false
 * when the text does not have it in one of those shapes. */
static bool plan_control(const struct text *src, const char *id, struct text *out)
{
    char block[160], flow[160];
    snprintf(block, sizeof block, "\n  - id: %s\n", id);
    snprintf(flow, sizeof flow, "\n  - {id: %s,", id);
    const char *at = strstr(src->p, block);
    if (!at && !(at = strstr(src->p, flow)))
        return false;
    /* the entry ends at the next entry or the next top-level key */
    const char *end = strchr(at + 1, '\n');
    end = end ? end + 1 : at + strlen(at);
    while (*end && !(end[-1] == '\n' && (strncmp(end, "  - ", 4) == 0 ||
                                         (*end != ' ' && *end != '#' && *end != '\n'))))
        end++;
    const char *st = at;
    while ((st = strstr(st + 1, "status: ")) && st < end && st[-1] != ' ')
        ;
    if (!st || st >= end)
        return false;
    st += strlen("status: ");
    const char *w = st;
    while ((*w >= 'a' && *w <= 'z') || *w == '_')
        w++;
    out->n = 0;
    text_addn(out, src->p, (size_t)(st - src->p));
    text_addf(out, "planned");
    text_addn(out, w, src->n - (size_t)(w - src->p));
    return true;
}

static const char *element_id_of(const struct medsec_model *m, struct rng *rg)
{
    size_t n = m->nzones + m->nitems + m->ninterfaces + m->nflows + m->nassets;
    size_t k = (size_t)rnd(rg, (int)n);
    if (k < m->nzones)
        return m->zones[k].id;
    k -= m->nzones;
    if (k < m->nitems)
        return m->items[k].id;
    k -= m->nitems;
    if (k < m->ninterfaces)
        return m->interfaces[k].id;
    k -= m->ninterfaces;
    if (k < m->nflows)
        return m->flows[k].id;
    return m->assets[k - m->nflows].id;
}

static void example(struct tally *ty, const char *name)
{
    char dir[1024], path[1100], why[1024];
    snprintf(dir, sizeof dir, "%s/examples/%s", MEDSEC_SOURCE_DIR, name);
    snprintf(path, sizeof path, "%s/device.yaml", dir);
    struct text src = {0}, t = {0}, t2 = {0};
    if (!read_file(path, &src)) {
        print_error("cannot read %s\n", path);
        fail();
    }
    struct subject s = {.yaml = &src, .dir = dir, .tally = ty};
    snprintf(s.label, sizeof s.label, "example %s", name);
    snprintf(s.file, sizeof s.file, "%s", name);
    struct run r, after;
    ty->models++;
    ty->checks[P_PIPELINE]++;
    if (!run_load(&r, s.label, "", src.p, src.n, path, dir, why, sizeof why)) {
        violation(&s, P_PIPELINE, NULL, NULL, "%s", why);
        run_release(&r);
        text_free(&src);
        return;
    }
    check_threats(&s, &r);
    check_register(&s, &r);
    const struct medsec_model *m = r.m;
    const char *top = m->clinical.harm_scale[m->clinical.nharm_scale - 1].id;
    struct rng rg = {splitmix64(base_seed ^ 0x6578616d706c65ull)};
    char entry[1024], suffix[200];

    /* 4: each process in turn commands a new item that holds an asset of the top harm */
    for (size_t i = 0; i < m->nitems; i++) {
        const struct medsec_model_item *x = &m->items[i];
        if (x->element != MEDSEC_ELEMENT_PROCESS)
            continue;
        snprintf(entry, sizeof entry,
                 "  - {id: prop-y, name: New item, kind: firmware, element: process, zone: %s}\n",
                 x->zone);
        insert_entry(&src, "items", entry, &t);
        snprintf(entry, sizeof entry,
                 "  - {id: prop-f, from: %s, to: prop-y, protocol: serial-framed, purpose: "
                 "therapy, channel: %s, authenticated: %s, encrypted: false}\n",
                 x->id, channel_words[rnd(&rg, 8)], chance(&rg, 50) ? "true" : "false");
        insert_entry(&t, "flows", entry, &t2);
        for (int carried = 0; carried < 2; carried++) {
            snprintf(entry, sizeof entry,
                     "  - {id: prop-a, name: New asset, functions: [therapy_delivery], stored_in: "
                     "[prop-y]%s, integrity: %s}\n",
                     carried ? ", carried_by: [prop-f]" : "", top);
            insert_entry(&t2, "assets", entry, &t);
            snprintf(suffix, sizeof suffix, "-p4-%s%s", x->id, carried ? "-carried" : "");
            if (load_changed(&s, &after, &t, P_REACH, suffix)) {
                compare_reach(&s, &r, &after, x->id, carried, &t, suffix);
                run_release(&after);
            }
        }
    }

    /* 5: random credited controls added, one at a time */
    for (int k = 0; k < 12; k++) {
        char refs[400] = "";
        int nrefs = between(&rg, 1, 3);
        for (int i = 0; i < nrefs; i++)
            snprintf(refs + strlen(refs), sizeof refs - strlen(refs), "%s%s", i ? ", " : "",
                     element_id_of(m, &rg));
        unsigned st = chance(&rg, 40) ? 0 : random_bits(&rg, 6, 1, 3);
        struct text strides_text = {0};
        emit_bits(&strides_text, ", stride: [", st, strides, COUNT(strides));
        int status = between(&rg, 1, 2), levels = between(&rg, 1, 3), e2e = tri(&rg);
        snprintf(entry, sizeof entry,
                 "  - {id: prop-c, name: New control, capabilities: [%s], applies_to: [%s]%s, "
                 "status: %s, lowers: %s, levels: %d%s, rationale: Why it works.}\n",
                 medsec_capability_name((enum medsec_capability)rnd(&rg, MEDSEC_CAP_COUNT)), refs,
                 strides_text.p ? strides_text.p : "", status_words[status],
                 lowers_words[rnd(&rg, 3)], levels,
                 e2e == MEDSEC_UNSTATED ? ""
                 : e2e                  ? ", end_to_end: true"
                                        : ", end_to_end: false");
        text_free(&strides_text);
        insert_entry(&src, "controls", entry, &t);
        insert_entry(&t, "evidence",
                     "  - {id: prop-ev, title: New test, kind: test, result: pass, verifies: "
                     "[prop-c]}\n",
                     &t2);
        snprintf(suffix, sizeof suffix, "-p5-add-%d", k);
        if (load_changed(&s, &after, &t2, P_ADD, suffix)) {
            compare_control(&s, &r, &after, true, "prop-c", &t2, suffix);
            run_release(&after);
        }
    }

    /* 5: each control in effect taken out of effect (status planned), one at a time */
    for (size_t k = 0; k < m->ncontrols; k++) {
        const struct medsec_model_control *c = &m->controls[k];
        if (!medsec_control_status_active(c->status))
            continue;
        if (!plan_control(&src, c->id, &t)) {
            violation(&s, P_REMOVE, NULL, NULL, "cannot find the status of control %s in the text",
                      c->id);
            continue;
        }
        snprintf(suffix, sizeof suffix, "-p5-remove-%s", c->id);
        if (load_changed(&s, &after, &t, P_REMOVE, suffix)) {
            compare_control(&s, &r, &after, false, c->id, &t, suffix);
            run_release(&after);
        }
    }
    run_release(&r);
    text_free(&src);
    text_free(&t);
    text_free(&t2);
}

/* ---- the tests ------------------------------------------------------------------------------- */

static void report(const char *what, const struct tally *ty, double seconds)
{
    printf("%s: %lu models, %lu threats, %lu risks, %.1f s\n", what, ty->models, ty->threats,
           ty->risks, seconds);
    for (int p = 0; p < P_COUNT; p++)
        printf("  %-40s %9lu checks %6lu violations%s\n", prop_names[p], ty->checks[p],
               ty->violations[p], prop_enforced[p] ? "" : " (shown, not enforced)");
}

static bool clean(const struct tally *ty)
{
    for (int p = 0; p < P_COUNT; p++)
        if (ty->violations[p] && prop_enforced[p])
            return false;
    return true;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_examples(void **state)
{
    (void)state;
    struct tally ty = {0};
    double t0 = now();
    example(&ty, "infusion-pump");
    example(&ty, "glucose-cloud");
    forget_loading();
    report("examples", &ty, now() - t0);
    for (int p = 0; p < P_COUNT; p++) /* every property had something to check */
        assert_true(ty.checks[p] > 0);
    if (!clean(&ty)) {
        print_error("properties violated on the examples (models under %s)\n", failures_dir());
        fail();
    }
}

static unsigned long env_ulong(const char *name, unsigned long dflt)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return dflt;
    char *end;
    unsigned long long x = strtoull(v, &end, 0);
    return *end ? dflt : (unsigned long)x;
}

static void test_random_models(void **state)
{
    (void)state;
    struct tally ty = {0};
    double t0 = now();
    const char *one = getenv("MEDSEC_PROP_MODEL");
    if (one && *one) {
        random_model(&ty, env_ulong("MEDSEC_PROP_MODEL", 0));
    } else {
        unsigned long n = env_ulong("MEDSEC_PROP_MODELS", DEFAULT_MODELS);
        for (unsigned long i = 0; i < n; i++)
            random_model(&ty, i);
    }
    forget_loading();
    report("random models", &ty, now() - t0);
    if (!one || !*one)
        for (int p = 0; p < P_COUNT; p++)
            assert_true(ty.checks[p] > 0);
    if (!clean(&ty)) {
        print_error("properties violated (seed 0x%llx; models under %s)\n",
                    (unsigned long long)base_seed, failures_dir());
        fail();
    }
}

static int setup(void **state)
{
    (void)state;
    struct medsec_error err;
    medsec_tm_catalog_init(&catalog);
    if (medsec_tm_catalog_load_default(&catalog, &err) != MEDSEC_OK) {
        print_error("default catalog: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    medsec_tm_catalog_release(&catalog);
    return 0;
}

int main(void)
{
    const char *seed = getenv("MEDSEC_PROP_SEED");
    base_seed = seed && *seed ? (uint64_t)strtoull(seed, NULL, 0) : DEFAULT_SEED;
    verbose = env_ulong("MEDSEC_PROP_VERBOSE", 0) != 0;
    printf("seed 0x%llx (a crash leaves the model it happened on in %s/last-loaded.yaml)\n",
           (unsigned long long)base_seed, failures_dir());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples),
        cmocka_unit_test(test_random_models),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
