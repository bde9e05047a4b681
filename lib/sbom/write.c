/* write.c: SBOM components as JSON, in the one shape every report uses. */
#include "medsec/json.h"
#include "medsec/sbom.h"

void medsec_sbom_component_json(struct medsec_jsonw *w, const struct medsec_sbom *s, size_t i)
{
    const struct medsec_sbom_component *c = &s->components[i];
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "ref", c->ref);
    medsec_jsonw_kv_string(w, "type", c->type);
    medsec_jsonw_kv_string(w, "group", c->group);
    medsec_jsonw_kv_string(w, "name", c->name);
    medsec_jsonw_kv_string(w, "version", c->version);
    medsec_jsonw_kv_string(w, "purl", c->purl);
    medsec_jsonw_kv_strings(w, "cpes", c->cpes, c->ncpes);
    medsec_jsonw_kv_string(w, "supplier", c->supplier);
    medsec_jsonw_kv_string(w, "license", c->license);
    medsec_jsonw_kv_string(w, "sha256", c->sha256);
    medsec_jsonw_kv_string(
        w, "parent", c->parent == MEDSEC_SBOM_NO_PARENT ? NULL : s->components[c->parent].ref);
    medsec_jsonw_kv_bool(w, "subject", c->is_subject != 0);
    medsec_jsonw_kv_int(w, "line", c->line);
    medsec_jsonw_kv_int(w, "column", c->column);
    medsec_jsonw_object_end(w);
}
