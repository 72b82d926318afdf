/* main.c — the hotline binary: a 12345 citizen-service hotline and governance platform.
 * Dispatches to the subcommands in src/cli/. */
#include "cli/cli.h"
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "hotline — a city's 12345 citizen-service hotline and governance platform\n"
    "\n"
    "usage: hotline <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve    run the HTTP server (API, Open311, web pages)\n"
    "  init     create a database; --demo loads the demo city from data/\n"
    "  backup   copy a live database to a file (SQLite online backup)\n"
    "  restore  put a backup back in place of a stopped server's database\n"
    "  copy     move a city's whole store to another backend: --from DB --to DB\n"
    "  check    verify a database: integrity, and every request row against its event log\n"
    "  generate fill a demo database with a realistic history of requests\n"
    "  train    learn routing suggestions (category, unit) from the closed requests\n"
    "  classify-eval  train the suggestion classifier on one CSV, measure it on another\n"
    "  import   load history: --open311 FILE, --csv FILE --map MAP, --boston311 FILE...\n"
    "  help     this text; 'hotline <command> --help' for a command's options\n";

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        fputs(usage, stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "serve") == 0) return cli_serve(argc - 2, argv + 2);
    if (strcmp(argv[1], "init") == 0) return cli_init(argc - 2, argv + 2);
    if (strcmp(argv[1], "backup") == 0) return cli_backup(argc - 2, argv + 2);
    if (strcmp(argv[1], "restore") == 0) return cli_restore(argc - 2, argv + 2);
    if (strcmp(argv[1], "copy") == 0) return cli_copy(argc - 2, argv + 2);
    if (strcmp(argv[1], "check") == 0) return cli_check(argc - 2, argv + 2);
    if (strcmp(argv[1], "generate") == 0) return cli_generate(argc - 2, argv + 2);
    if (strcmp(argv[1], "train") == 0) return cli_train(argc - 2, argv + 2);
    if (strcmp(argv[1], "classify-eval") == 0) return cli_classify_eval(argc - 2, argv + 2);
    if (strcmp(argv[1], "import") == 0) return cli_import(argc - 2, argv + 2);
    fprintf(stderr, "hotline: unknown command '%s'\n\n%s", argv[1], usage);
    return 2;
}
