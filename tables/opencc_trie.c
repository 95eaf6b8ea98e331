/* opencc_trie.c — build-time tool: compiles an OpenCC text dictionary (tables/opencc/X.txt) into
 * the trie fixtext maps at run time (X.fxt; see src/stages/opencc_dict.c).
 * Usage: fixtext-opencc-trie DICTIONARY.txt OUTPUT.fxt */
#include <stdio.h>

#include "opencc_engine.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s DICTIONARY.txt OUTPUT.fxt\n", argv[0]);
        return 2;
    }
    char err[1024];
    if (ft_opencc_dict_compile(argv[1], argv[2], err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", argv[0], err);
        return 2;
    }
    return 0;
}
