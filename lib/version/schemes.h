/* schemes.h (internal): what each version scheme module provides to the dispatcher in version.c. */
#ifndef MEDSEC_VERSION_SCHEMES_H
#define MEDSEC_VERSION_SCHEMES_H

#include <stdbool.h>

struct vscheme_ops {
    /* True when @v is a valid version of the scheme. */
    bool (*valid)(const char *v);
    /* Order two versions that `valid` accepted: < 0, 0, > 0. */
    int (*cmp)(const char *a, const char *b);
};

extern const struct vscheme_ops vs_generic, vs_semver, vs_npm, vs_pypi, vs_debian, vs_rpm, vs_maven,
    vs_golang, vs_alpine, vs_gem, vs_nuget, vs_composer, vs_alpm, vs_conan;

#endif
