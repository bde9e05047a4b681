/* cpeurl.c: the (host, path) key a URL is compared on when a CPE is derived from a component's
 * download, website or VCS URL and the CPE dictionary's product references (medsec/cpe.h). */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "medsec/cpe.h"

/* Hosting sites shared by many projects: the segments of a path that name one project. A host
 * with -1 names its projects in the query (or not at all) and is never used. */
static const struct {
    const char *host;
    int segments;
} shared_hosts[] = {
    {"bitbucket.org", 2},
    {"code.google.com", 2}, /* p/NAME */
    {"codeberg.org", 2},
    {"docs.google.com", -1},
    {"download.savannah.gnu.org", 2}, /* releases/NAME */
    {"drupal.org", 2},                /* project/NAME */
    {"ftp.gnu.org", 2},               /* gnu/NAME */
    {"git.savannah.gnu.org", 2},
    {"gitee.com", 2},
    {"github.com", 2},
    {"gitlab.com", 2},
    {"gnu.org", 2}, /* software/NAME */
    {"launchpad.net", 1},
    {"npmjs.com", 2},
    {"play.google.com", -1},
    {"pypi.org", 2},
    {"pypi.python.org", 2},
    {"raw.githubusercontent.com", 2},
    {"rubygems.org", 2},
    {"savannah.gnu.org", 2},
    {"savannah.nongnu.org", 2},
    {"sites.google.com", 2},
    {"sourceforge.net", 2}, /* projects/NAME */
    {"wordpress.org", 2},   /* plugins/NAME */
};

int medsec_cpe_url_shared_host(const char *host)
{
    for (size_t i = 0; i < sizeof shared_hosts / sizeof shared_hosts[0]; i++)
        if (strcmp(host, shared_hosts[i].host) == 0)
            return shared_hosts[i].segments;
    return 0;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool medsec_cpe_url_key(const char *url, char *host, size_t hcap, char *path, size_t pcap)
{
    if (!url || hcap < 2 || pcap < 2)
        return false;
    char u[MEDSEC_CPE_URL_HOST_MAX + MEDSEC_CPE_URL_PATH_MAX + 64];
    size_t n = strlen(url);
    if (n >= sizeof u)
        return false;
    for (size_t i = 0; i <= n; i++)
        u[i] = (char)tolower((unsigned char)url[i]);
    const char *p = u;
    while (*p == ' ' || *p == '\t')
        p++;
    if (starts(p, "git+") || starts(p, "svn+") || starts(p, "hg+"))
        p = strchr(p, '+') + 1;
    const char *h;
    bool scp = false;
    if (starts(p, "https://") || starts(p, "http://") || starts(p, "ftp://") ||
        starts(p, "git://") || starts(p, "ssh://")) {
        h = strstr(p, "://") + 3;
    } else if (starts(p, "git@")) {
        h = p + 4; /* git@host:owner/repo */
        scp = true;
    } else {
        return false;
    }
    /* the authority: up to the path, query or fragment (the scp form ends it at ':') */
    size_t alen = strcspn(h, scp ? ":/?#" : "/?#");
    const char *rest = h + alen;
    if (scp && *rest == ':')
        rest++;
    char auth[MEDSEC_CPE_URL_HOST_MAX];
    if (alen == 0 || alen >= sizeof auth)
        return false;
    memcpy(auth, h, alen);
    auth[alen] = '\0';
    char *a = strrchr(auth, '@');
    a = a ? a + 1 : auth;
    char *colon = strchr(a, ':');
    if (colon)
        *colon = '\0';
    size_t hl = strlen(a);
    while (hl && a[hl - 1] == '.')
        a[--hl] = '\0';
    if (strncmp(a, "www.", 4) == 0)
        a += 4, hl -= 4;
    if (hl == 0 || hl >= hcap)
        return false;
    for (const char *q = a; *q; q++)
        if (!isalnum((unsigned char)*q) && *q != '-' && *q != '.' && *q != '_')
            return false;
    memcpy(host, a, hl + 1);
    int shared = medsec_cpe_url_shared_host(host);
    if (shared < 0)
        return false;
    /* the path's segments */
    size_t plen = strcspn(rest, "?#");
    char segs[MEDSEC_CPE_URL_PATH_MAX];
    if (plen >= sizeof segs)
        return false;
    size_t o = 0, nseg = 0;
    size_t last_start = 0;
    for (size_t i = 0; i < plen;) {
        while (i < plen && rest[i] == '/')
            i++;
        size_t j = i;
        while (j < plen && rest[j] != '/')
            j++;
        if (j > i && !(j - i == 1 && rest[i] == '.')) {
            if (shared > 0 && nseg == (size_t)shared)
                break;
            if (o)
                segs[o++] = '/';
            last_start = o;
            memcpy(segs + o, rest + i, j - i);
            o += j - i;
            nseg++;
        }
        i = j;
    }
    segs[o] = '\0';
    if (o >= 4 && strcmp(segs + o - 4, ".git") == 0)
        segs[o -= 4] = '\0';
    if (shared > 0) {
        if (nseg < (size_t)shared || o == last_start)
            return false;
    } else if (nseg && strchr(segs + last_start, '.') && rest[plen - 1] != '/') {
        /* a file (a last segment with a dot, no trailing slash): its folder stands for the
         * product */
        o = last_start ? last_start - 1 : 0;
        segs[o] = '\0';
    }
    if (o >= pcap)
        return false;
    memcpy(path, segs, o + 1);
    return true;
}
