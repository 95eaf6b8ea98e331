/* encodings.c — the encodings fixtext knows: ids, names, iconv names. (Placeholder.) */
#include "internal.h"

const char *ft_encoding_name(int encoding)
{
    return encoding == FT_ENC_ASCII ? "ASCII" : "UTF-8";
}

const char *const *fixtext_encodings(void)
{
    static const char *const names[] = {"UTF-8", NULL};
    return names;
}
