/* reach.h (private to lib/risk): what an attack on a device can reach and from where, computed once
 * per security file in near-linear time (docs/risk.md, "Severity from reach", "Exploitability"):
 * the assets each element holds or carries, what a compromised or commanded item reaches through
 * the control flows it sends and the items that run on it, where an attacker must be to act on each
 * element, which controls the file may credit, and which hazards each reach leads to. */
#ifndef MEDSEC_RISK_REACH_H
#define MEDSEC_RISK_REACH_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/model.h"
#include "medsec/risk.h"

#define REACH_NONE ((size_t)-1)

/* Property masks. */
#define REACH_C (1u << MEDSEC_PROP_CONFIDENTIALITY)
#define REACH_I (1u << MEDSEC_PROP_INTEGRITY)
#define REACH_A (1u << MEDSEC_PROP_AVAILABILITY)
#define REACH_ALL (REACH_C | REACH_I | REACH_A)

/* How a reached asset was reached. */
enum reach_how {
    REACH_AT_ELEMENT = 0, /* held or carried by the element itself */
    REACH_COMMANDED,      /* at an item that @from commands, directly or through others */
    REACH_COMPROMISED     /* at @from once it is compromised, or at what that gives */
};

/* One (asset, property) with its harm, and the way to it. */
struct reach_hit {
    int harm; /* index on the severity scale; -1 when nothing with a harm was reached */
    size_t asset;
    enum medsec_property prop;
    enum reach_how how;
    size_t from;   /* the item the chain starts at (commanded, compromised) */
    bool residual; /* a residual hit: the path follows the residual choices */
    size_t ctl;    /* residual hit: the by-design control that lowered the harm, or REACH_NONE */
    int before;    /* residual hit: the harm before that control */
};

/* What a set of reaches adds up to. */
struct reach_result {
    struct reach_hit initial, residual; /* the worst harm before and after by-design controls */
    bool any;                           /* some asset was reached (else the reach is unknown) */
    unsigned long long *hazards;        /* bit per model hazard whose caused_by was reached; points
                                         * into the reach and is valid until the next reach_begin */
};

/* Why a control is or is not credited. */
enum reach_credit {
    REACH_CREDITED = 0,
    REACH_PLANNED,       /* not in effect yet */
    REACH_NO_LOWERS,     /* the file does not say what it lowers */
    REACH_NO_RATIONALE,  /* no rationale */
    REACH_NO_EVIDENCE    /* no passing evidence verifies it */
};

struct reach;

/* Index @m (whose scales are @reg's). NULL when memory ran out. */
struct reach *reach_new(const struct medsec_model *m, const struct medsec_risk_register *reg);
void reach_free(struct reach *r);

/* Lookups by id. */
bool reach_find(const struct reach *r, enum medsec_model_kind kind, const char *id, size_t *index);

/* Start a result (clears its hazards). */
void reach_begin(struct reach *r, struct reach_result *res);
/* Add the assets of an element for the properties in @props: an item's stored assets and those of
 * the flows it sends or receives; a flow's; an interface's flows' (none: its item's). @allow may
 * drop an (asset, property) (NULL keeps all). @compromised: the item is in the attacker's hands,
 * so the by-design controls that name it do not hold. */
typedef bool (*reach_allow_fn)(const void *ud, const struct medsec_model_asset *a,
                               enum medsec_property p);
void reach_add_item(struct reach *r, struct reach_result *res, size_t item, unsigned props,
                    bool compromised, reach_allow_fn allow, const void *ud);
void reach_add_asset(struct reach *r, struct reach_result *res, size_t asset, unsigned props);
void reach_add_flow(struct reach *r, struct reach_result *res, size_t flow, unsigned props);
void reach_add_interface(struct reach *r, struct reach_result *res, size_t iface, unsigned props);
/* Add what commanding @item reaches: the integrity and availability of its assets and of those of
 * every item it commands, transitively. */
void reach_add_commanded(struct reach *r, struct reach_result *res, size_t item);
/* Add what an attacker who controls @item's code reaches beyond its own assets: what it commands
 * and the items that run on it. */
void reach_add_controlled(struct reach *r, struct reach_result *res, size_t item);
/* Add what impersonating @item reaches: the integrity of what its flows carry, and what commanding
 * the destinations of its control flows reaches. */
void reach_add_sent(struct reach *r, struct reach_result *res, size_t item);
/* Add what compromising @item reaches: all three properties of its assets and of the items that
 * run on it, and what it commands. */
void reach_add_compromised(struct reach *r, struct reach_result *res, size_t item);

/* Is flow @f a control flow (purpose command, control, therapy, configuration or update)? */
bool reach_control_flow(const struct reach *r, size_t f);
/* Does an interface accept commands (a control flow passes it, or it is a debug port)? */
bool reach_interface_commands(const struct reach *r, size_t iface);

/* The exploitability level of acting on an element and why ("interface touchscreen: bedside is
 * physical"); @from for a flow (pivot from its source). */
int reach_exploit_item(const struct reach *r, size_t item, char *why, size_t cap);
int reach_exploit_flow(const struct reach *r, size_t flow, char *why, size_t cap);
int reach_exploit_interface(const struct reach *r, size_t iface, char *why, size_t cap);
/* The level an attacker position has on the file's scale. */
int reach_level_of(const struct reach *r, enum medsec_access a);

/* The controls acting on item, flow or interface @index (@kind MEDSEC_MK_ITEM, _FLOW, _INTERFACE):
 * those naming it, its zone or an asset it holds or carries (reach.c, index_controls). */
size_t reach_controls(const struct reach *r, enum medsec_model_kind kind, size_t index,
                      const size_t **v);

/* The crediting of control @k; its passing evidence ids ("EV-1, EV-2"; "" when none). */
enum reach_credit reach_control_credit(const struct reach *r, size_t k);
const char *reach_control_evidence(const struct reach *r, size_t k);
/* The channel of a flow / an interface (stated, by type, or network). */
enum medsec_channel reach_flow_channel(const struct reach *r, size_t f);
enum medsec_channel reach_interface_channel(const struct reach *r, size_t i);
/* The item an interface exposes (REACH_NONE when unknown), a flow's endpoints. */
size_t reach_interface_item(const struct reach *r, size_t i);
size_t reach_flow_from(const struct reach *r, size_t f);
size_t reach_flow_to(const struct reach *r, size_t f);
/* Does @item store or handle @asset (stored in it, or carried by a flow it sends or receives)? */
bool reach_item_has_asset(const struct reach *r, size_t item, size_t asset);

/* The path of @hit as text for the register's basis, with the harm:
 * "pump-app commands controller-fw over f-motor-commands: integrity of a-infusion-control". */
void reach_path(const struct reach *r, const struct reach_hit *hit, char *buf, size_t cap);

/* Words in a hazards bitset. */
size_t reach_hazard_words(const struct reach *r);

#endif
