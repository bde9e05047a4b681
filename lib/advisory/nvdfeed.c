/* nvdfeed.c: NVD feeds read item by item: a scanner finds the elements of the top-level "CVE_Items"
 * (JSON 1.1) or "vulnerabilities" (API 2.0) array without building a tree of the whole feed, and
 * each item is cut out and parsed alone, so memory stays flat on 85 MB feeds. */
#include <string.h>

#include "reader.h"

/* One NVD item (1.1 CVE_Items[] or 2.0 vulnerabilities[] element) at source line @line. */
static medsec_err nvd_item(struct adv_reader *r, const char *origin, const char *text, size_t len,
                           unsigned line)
{
    uint64_t h = medsec_adv_hash(text, len);
    if (r->sink->known && r->sink->known(r->sink->ud, h)) {
        r->stats->records[MEDSEC_ADV_NVD]++;
        r->stats->known++;
        return MEDSEC_OK;
    }
    struct medsec_json_doc *doc = NULL;
    struct medsec_error e;
    medsec_error_clear(&e);
    struct medsec_json_limits lim = {.max_bytes = ADV_MAX_RECORD};
    medsec_err rc = medsec_json_parse(text, len, &lim, origin, &doc, &e);
    if (rc == MEDSEC_OK) {
        struct medsec_advisory adv;
        rc = medsec_nvd_from_json(doc, doc->root, &r->arena, &adv, &e);
        if (rc == MEDSEC_OK)
            rc = adv_deliver(r, &adv, origin, h);
        else
            rc = adv_record_failed(r, origin, line - 1, rc, &e);
    } else {
        rc = adv_record_failed(r, origin, line - 1, rc, &e);
    }
    medsec_json_doc_free(doc);
    medsec_arena_release(&r->arena);
    return rc;
}

static bool target_key(const struct adv_nvd_feed *s)
{
    return (s->keylen == 9 && memcmp(s->key, "CVE_Items", 9) == 0) ||
           (s->keylen == 15 && memcmp(s->key, "vulnerabilities", 15) == 0);
}

/* Scan data[s->pos..len) and hand over complete items; s->pos ends at @len. A damaged feed sets
 * s->broken and stops: that is bad input, reported as a warning at the end, not an error. */
static medsec_err scan(struct adv_reader *r, struct adv_nvd_feed *s, const char *origin,
                       const char *data, size_t len)
{
    size_t i = s->pos;
    while (i < len) {
        char c = data[i];
        if (s->in_str) {
            if (!s->key_capture && !s->esc) {
                /* fast path through string bodies */
                while (i < len && data[i] != '"' && data[i] != '\\')
                    i++;
                if (i == len)
                    break;
                c = data[i];
            }
            if (s->esc)
                s->esc = false;
            else if (c == '\\')
                s->esc = true;
            else if (c == '"')
                s->in_str = s->key_capture = false;
            else if (s->key_capture && s->keylen < sizeof s->key)
                s->key[s->keylen++] = c;
            i++;
            continue;
        }
        switch (c) {
        case '"':
            s->in_str = true;
            if (s->depth == 1) {
                s->key_capture = true;
                s->keylen = 0;
            }
            break;
        case '{':
        case '[':
            if (c == '[' && s->depth == 1 && target_key(s))
                s->in_target = true;
            if (s->in_target && s->depth == 2 && c == '{' && !s->in_item) {
                s->in_item = true;
                s->item_start = i;
                s->item_line = s->line + 1;
            }
            if (++s->depth > 512) {
                s->broken = "JSON nested too deeply";
                s->pos = len;
                return MEDSEC_OK;
            }
            break;
        case '}':
        case ']':
            if (--s->depth < 0) {
                s->broken = c == '}' ? "unbalanced '}'" : "unbalanced ']'";
                s->pos = len;
                return MEDSEC_OK;
            }
            if (s->in_item && s->depth == 2) {
                s->in_item = false;
                medsec_err rc =
                    nvd_item(r, origin, data + s->item_start, i + 1 - s->item_start, s->item_line);
                if (rc)
                    return rc;
            } else if (s->in_target && s->depth == 1) {
                s->in_target = false;
            }
            break;
        case '\n': s->line++; break;
        default: break;
        }
        i++;
    }
    s->pos = i;
    return MEDSEC_OK;
}

void adv_nvd_feed_end(struct adv_reader *r, const struct adv_nvd_feed *f, const char *origin)
{
    if (f->broken)
        adv_warn(r, origin, f->line + 1, 0, "%s; rest of the NVD feed skipped", f->broken);
    else if (f->in_item || f->depth != 0)
        adv_warn(r, origin, f->line + 1, 0, "NVD feed ends inside a record; last record skipped");
    else
        return;
    r->stats->malformed++;
}

medsec_err adv_nvd_read(struct adv_reader *r, const char *origin, const char *text, size_t len)
{
    struct adv_nvd_feed f = {0};
    adv_file_seen(r, origin, MEDSEC_ADV_NVD);
    medsec_err rc = scan(r, &f, origin, text, len);
    if (!rc)
        adv_nvd_feed_end(r, &f, origin);
    return rc;
}

medsec_err adv_nvd_feed_push(struct adv_reader *r, struct adv_nvd_feed *f, const char *origin,
                             struct adv_text *t)
{
    medsec_err rc = scan(r, f, origin, t->data, t->len);
    if (rc || f->broken)
        return rc;
    /* keep the unfinished item */
    size_t keep = f->in_item ? f->item_start : f->pos;
    memmove(t->data, t->data + keep, t->len - keep);
    t->len -= keep;
    f->pos -= keep;
    if (f->in_item)
        f->item_start = 0;
    return MEDSEC_OK;
}
