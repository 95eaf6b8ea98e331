/* script.c — tells Simplified from Traditional Chinese text. (Placeholder: no Han detection yet.) */
#include "internal.h"

int ft_script_classify(const char *utf8, size_t len)
{
    (void)utf8, (void)len;
    return FT_SCRIPT_NONE;
}

const char *ft_script_name(int script)
{
    static const char *const names[] = {"none", "simplified", "traditional", "mixed"};
    return (script >= 0 && script <= 3) ? names[script] : "none";
}
