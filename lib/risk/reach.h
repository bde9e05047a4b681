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
    REACH_PLANNED,      /* not in effect yet */
    REACH_NO_LOWERS,    /* the file does not say what it lowers */
    REACH_NO_RATIONALE, /* no rationale */
    REACH_NO_EVIDENCE   /* no passing evidence verifies it */
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
/* @inbound: only the flows that enter the interface's item (what an attacker can send through it).
 */
void reach_add_interface(struct reach *r, struct reach_result *res, size_t iface, unsigned props,
                         bool inbound);
/* Add the availability of what runs on @item, transitively (a host that stops stops them). */
void reach_add_availability_hosted(struct reach *r, struct reach_result *res, size_t item);
/* Add the assets of what runs on @item, transitively, for @props, each in the attacker's hands
 * (a host taken over gives what runs on it). */
void reach_add_hosted(struct reach *r, struct reach_result *res, size_t item, unsigned props);
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

/* A way in to act on an element (docs/risk.md, "Exploitability"). */
enum reach_entry_kind {
    REACH_ENTRY_ZONE = 0,  /* from inside the item's own zone (@index: the item) */
    REACH_ENTRY_INTERFACE, /* over an interface (@index) */
    REACH_ENTRY_FLOW,      /* on a flow (@index), from where its medium is reachable */
    REACH_ENTRY_PIVOT,     /* after compromising item @index first (over flow @via, or the computer
                            * they share when @via is REACH_NONE): its level minus one */
    REACH_ENTRY_SENDER     /* the target itself compromised, sending on flow @via */
};
struct reach_entry {
    int level;     /* on the file's exploitability scale, before controls */
    int level_res; /* a pivot: the level of compromising @index after its controls, minus one;
                    * otherwise @level */
    enum reach_entry_kind kind;
    size_t index, via;
};
struct reach_entries {
    struct reach_entry *v;
    size_t n, cap;
};
/* What an attack on an item does (how its ways in are found). */
enum reach_mode {
    REACH_RECEIVING = 0,     /* acts on the item through what it receives */
    REACH_SENDING,           /* impersonates the item: on the flows it sends */
    REACH_COMPROMISED_SENDER /* the item (a peer system) is compromised and sends on its flows */
};
/* The ways in to act on item, flow or interface @index (@mode for items). False when memory ran
 * out. */
bool reach_entries(const struct reach *r, enum medsec_model_kind kind, size_t index,
                   enum reach_mode mode, struct reach_entries *out);
/* The controls on a way in beyond the target's own: a flow's (@a) and its interface's (@b, the
 * return value) for a flow, a pivot over a flow or a sender; an interface's (@a); none for a zone
 * or a pivot over a shared computer. On a pivot or a sender only controls with end_to_end hold. */
size_t reach_entry_controls(const struct reach *r, const struct reach_entry *e, const size_t **a,
                            size_t *na, const size_t **b);
/* Why a way in has its level ("over interface touchscreen: physical access -> low"). */
void reach_entry_why(const struct reach *r, const struct reach_entry *e, char *why, size_t cap);
/* The level of an item: its most exposed way in, compromises on the way included. */
int reach_item_level(const struct reach *r, size_t item);
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
/* Does the file say what is at stake at an element: an item that holds or carries an asset or has
 * items running on it, a flow that carries one, an interface whose flows or item do? When not, its
 * risks fail closed (highest severity). */
bool reach_known(const struct reach *r, enum medsec_model_kind kind, size_t index);
/* Does @item store or handle @asset (stored in it, or carried by a flow it sends or receives)? */
bool reach_item_has_asset(const struct reach *r, size_t item, size_t asset);

/* The path of @hit as text for the register's basis, with the harm:
 * "pump-app commands controller-fw over f-motor-commands: integrity of a-infusion-control". */
void reach_path(const struct reach *r, const struct reach_hit *hit, char *buf, size_t cap);

/* Words in a hazards bitset. */
size_t reach_hazard_words(const struct reach *r);

/* Where content that reaches an item comes from (docs/triage.md, "Suggestions"): the attacker
 * positions from which what @item processes can be sent to it. */
struct reach_exposure {
    enum medsec_access position; /* the most exposed one (MEDSEC_ACCESS_COUNT: none is known) */
    size_t flow, iface;          /* the flow / the interface at it (REACH_NONE: the zone) */
    size_t relay;                /* the first item that passed the content on, or REACH_NONE */
    size_t hosted;               /* the item running on @item whose way in it is, or REACH_NONE */
    /* Of the ways in at @within or more exposed: do all authenticate the sender (an interface or
     * a flow with authenticated: true)? @open_why names one that does not. */
    bool authenticated;
    bool any_within; /* some way in is at @within or more exposed */
    char open_why[300];
};
/* The exposure of @item: its zone, the interfaces that expose it, the flows it receives, and with
 * @relayed the flows their senders receive carrying an asset the flow passes on (content relayed,
 * not a compromise), transitively; with the items that run on it (a host handles what they receive
 * first). Authentication is judged over the ways in at @within or more exposed. @why gets the most
 * exposed way in words. False when memory ran out. */
bool reach_item_exposure(const struct reach *r, size_t item, enum medsec_access within,
                         bool relayed, struct reach_exposure *out, char *why, size_t cap);
/* An element's id, for texts. */
const char *reach_item_id(const struct reach *r, size_t item);

#endif
