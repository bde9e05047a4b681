/* write.c: SBOM components as JSON, in the one shape every report uses. */
#include <ctype.h>
#include <stdbool.h>

#include "medsec/json.h"
#include "medsec/sbom.h"

/* Same word, ignoring case and taking '_' for '-' (SPDX writes OPERATING-SYSTEM in tag-value
 * and OPERATING_SYSTEM in JSON). */
static bool same_word(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '_' ? '-' : (char)tolower((unsigned char)*a);
        char y = *b == '_' ? '-' : (char)tolower((unsigned char)*b);
        if (x != y)
            return false;
    }
    return *a == *b;
}

static const char *const cdx_types[] = {"application",
                                        "framework",
                                        "library",
                                        "container",
                                        "platform",
                                        "operating-system",
                                        "device",
                                        "device-driver",
                                        "firmware",
                                        "file",
                                        "machine-learning-model",
                                        "data",
                                        "cryptographic-asset"};

const char *medsec_sbom_cdx_type(const char *type)
{
    for (size_t i = 0; type && i < sizeof cdx_types / sizeof *cdx_types; i++)
        if (same_word(type, cdx_types[i]))
            return cdx_types[i];
    return "library";
}

const char *medsec_sbom_spdx_purpose(const char *type)
{
    static const char *const purposes[] = {"APPLICATION",      "FRAMEWORK", "LIBRARY",  "CONTAINER",
                                           "OPERATING_SYSTEM", "DEVICE",    "FIRMWARE", "SOURCE",
                                           "ARCHIVE",          "FILE",      "INSTALL",  "OTHER"};
    for (size_t i = 0; type && i < sizeof purposes / sizeof *purposes; i++)
        if (same_word(type, purposes[i]))
            return purposes[i];
    return NULL;
}

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
