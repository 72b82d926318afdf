/* cli.h — the subcommands of the hotline binary. Each takes argc/argv after the subcommand
 * name and returns the process exit status. */
#ifndef HOTLINE_CLI_CLI_H
#define HOTLINE_CLI_CLI_H
#include <stdbool.h>
#include <stddef.h>

int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_restore(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_generate(int argc, char **argv);
int cli_train(int argc, char **argv);
int cli_classify_eval(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_copy(int argc, char **argv);

/* The value of an option: argv[i+1] for "--name VALUE" or the part after '=' for
 * "--name=VALUE"; advances *i past what it consumed. NULL if argv[*i] is not that option. */
const char *cli_opt(int argc, char **argv, int *i, const char *name);
/* Whether the store a subcommand's --db names is there; when not, says so on stderr as
 * "hotline CMD: ..." — a location no backend can use (a malformed URL: the reason is logged
 * first), or no store at it, with hint (may be "") after — and returns false. */
bool cli_store_there(const char *cmd, const char *db, const char *hint);
/* db (a --db path or URL) as it may be shown in messages and logs: a password, in a URL's
 * user:password@ or a password= parameter, replaced by ***. Truncated to cap - 1 bytes. */
void cli_db_shown(const char *db, char *out, size_t cap);
/* Environment default for an option, or fallback. */
const char *cli_env(const char *var, const char *fallback);

#endif
