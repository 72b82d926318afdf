/* cli.h — the subcommands of the hotline binary. Each takes argc/argv after the subcommand
 * name and returns the process exit status. */
#ifndef HOTLINE_CLI_CLI_H
#define HOTLINE_CLI_CLI_H

int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_restore(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_generate(int argc, char **argv);
int cli_train(int argc, char **argv);
int cli_classify_eval(int argc, char **argv);
int cli_import(int argc, char **argv);

/* The value of an option: argv[i+1] for "--name VALUE" or the part after '=' for
 * "--name=VALUE"; advances *i past what it consumed. NULL if argv[*i] is not that option. */
const char *cli_opt(int argc, char **argv, int *i, const char *name);
/* Environment default for an option, or fallback. */
const char *cli_env(const char *var, const char *fallback);

#endif
