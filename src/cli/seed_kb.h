/* seed_kb.h — loading the demo knowledge base (data/demo/kb_articles.json) and the
 * sensitive-word list (data/demo/sensitive_words.json) into a store. Used by seed_demo. */
#ifndef HOTLINE_CLI_SEED_KB_H
#define HOTLINE_CLI_SEED_KB_H
#include "util/err.h"
#include "store/engine.h"

/* Loads both files from data_dir/demo/; categories and units must be there already. 0 or
 * HL_E* (printed to stderr). */
HL_MUST_CHECK int seed_knowledge(store *st, const char *data_dir);

#endif
