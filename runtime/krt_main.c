/*
 * krt_main.c - the detector's command line:
 *
 *   DETECTOR [--format event|alert|lines|count] [--dataset NAME]
 *            [--now DATE] [--threads N] [--quiet] [--help] [--version]
 *            [FILE...]
 */
#include "krt_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krt_date.h"
#include "krt_log.h"

static const char *const format_names[] = {
    [KRT_FORMAT_EVENT] = "event",
    [KRT_FORMAT_ALERT] = "alert",
    [KRT_FORMAT_LINES] = "lines",
    [KRT_FORMAT_COUNT] = "count",
};

void
krt_options_init(struct krt_options *opt, const char *argv0)
{
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

    memset(opt, 0, sizeof *opt);
    opt->name = slash ? slash + 1 : argv0 ? argv0 : "detector";
    opt->format = KRT_FORMAT_EVENT;
    opt->max_line = KRT_MAX_LINE;
    opt->out_fd = 1;
    opt->threads = 1;
}

static void
help(const struct krt_options *opt, const struct krt_program *prog)
{
    printf("usage: %s [--format event|alert|lines|count] [--dataset NAME]"
           " [--now DATE] [--threads N] [--quiet] [FILE...]\n\n",
           opt->name);
    printf("Runs %u rule%s over NDJSON events read from the FILEs in order"
           " (standard\ninput when there is none, or for '-'); files ending"
           " in .gz or .zst are\ndecompressed.\n\n", prog->nrules,
           prog->nrules == 1 ? "" : "s");
    puts("  --format event   each matching event as read (the default)\n"
         "  --format alert   one JSON alert per match of each rule\n"
         "  --format lines   the line number of each matching event\n"
         "  --format count   the number of alerts\n"
         "  --dataset NAME   data_stream.dataset of events that have none\n"
         "  --now DATE       the clock that 'now' in the rules reads (ISO"
         " 8601 or epoch\n"
         "                   milliseconds; by default, when the run starts)\n"
         "  --threads N      scan and evaluate on N threads (0: one per core;"
         " 1, the\n"
         "                   default: on this thread); the output is the"
         " same\n"
         "  --quiet          no summary on standard error\n"
         "  --help           this text\n"
         "  --version        the generator and runtime versions\n\n"
         "rules:");
    for (krt_u32 i = 0; i < prog->nrules; i++)
        printf("  %s (%s)\n", prog->rules[i].name ? prog->rules[i].name : "",
               prog->rules[i].rule_id ? prog->rules[i].rule_id : "");
}

/*
 * Whether argv[*i] is option 'name', given as "--name=V" or "--name V";
 * '*val' is V, or NULL when it is missing.
 */
static bool
is_option(const char *name, int argc, char **argv, int *i, const char **val)
{
    size_t n = strlen(name);
    const char *a = argv[*i];

    if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
        return false;
    if (a[n] == '=')
        *val = a + n + 1;
    else
        *val = *i + 1 < argc ? argv[++*i] : NULL;
    return true;
}

static int
usage_error(const struct krt_options *opt, const char *what, const char *arg)
{
    KRT_LOG(KRT_LOG_ERROR, "%s: error: %s '%s'", opt->name, what, arg);
    KRT_LOG(KRT_LOG_ERROR, "%s: note: '%s --help' lists the options",
            opt->name, opt->name);
    return 2;
}

/* Option 'name', which takes one value, given 'first' then 'second'. */
static int
given_twice(const struct krt_options *opt, const char *name,
            const char *first, const char *second, const char *why)
{
    KRT_LOG(KRT_LOG_ERROR, "%s: error: %s given twice, '%s' then '%s'%s",
            opt->name, name, first, second, why);
    KRT_LOG(KRT_LOG_ERROR, "%s: note: '%s --help' lists the options",
            opt->name, opt->name);
    return 2;
}

/*
 * What krt_options_parse has seen so far of the options that take one
 * value: the value, borrowed from argv, or NULL when not given yet.
 */
struct given {
    const char *format;
    const char *dataset;
};

static int
set_format(struct krt_options *opt, const char *val)
{
    for (int f = 0; f < 4; f++) {
        if (val && strcmp(val, format_names[f]) == 0) {
            opt->format = (enum krt_format)f;
            return KRT_RUN_GO;
        }
    }
    return usage_error(opt, "--format expects event, alert, lines or count,"
                       " not", val ? val : "");
}

/* --now: a date as a date field reads it. */
static int
set_now(struct krt_options *opt, const char *val)
{
    if (val && krt_parse_date(val, strlen(val), false, &opt->now)
                   == KRT_DATE_OK) {
        opt->has_now = true;
        return KRT_RUN_GO;
    }
    return usage_error(opt, "--now expects an ISO 8601 date or epoch "
                       "milliseconds, not", val ? val : "");
}

#define TEXT_OF(x) #x
#define TEXT_OF_VALUE(x) TEXT_OF(x)
#define MAX_THREADS_TEXT TEXT_OF_VALUE(KRT_MAX_THREADS)

/* --threads: a count of worker threads, 0 for one per core. */
static int
set_threads(struct krt_options *opt, const char *val)
{
    char *end;
    long n;

    errno = 0;
    n = val && *val >= '0' && *val <= '9' ? strtol(val, &end, 10) : -1;
    if (n < 0 || errno || *end || n > KRT_MAX_THREADS)
        return usage_error(opt, "--threads expects a number of threads from"
                           " 0 (one per core) to " MAX_THREADS_TEXT ", not",
                           val ? val : "");
    opt->threads = (int)n;
    return KRT_RUN_GO;
}

/* --format: again only with the same value. */
static int
format_option(struct krt_options *opt, struct given *given,
              const char *val)
{
    if (val && given->format && strcmp(val, given->format) != 0)
        return given_twice(opt, "--format", given->format, val, "");
    given->format = val;
    return set_format(opt, val);
}

/* --dataset: once, as a data stream has one dataset. */
static int
dataset_option(struct krt_options *opt, struct given *given,
               const char *val)
{
    if (!val)
        return usage_error(opt, "missing value after", "--dataset");
    if (given->dataset)
        return given_twice(opt, "--dataset", given->dataset, val,
                           ": a data stream has one dataset");
    given->dataset = opt->dataset = val;
    return KRT_RUN_GO;
}

/* One option at argv[*i]: KRT_RUN_GO, or the exit status. */
static int
option(struct krt_options *opt, struct given *given,
       const struct krt_program *prog, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *val;

    if (is_option("--format", argc, argv, i, &val))
        return format_option(opt, given, val);
    if (is_option("--now", argc, argv, i, &val))
        return set_now(opt, val);
    if (is_option("--dataset", argc, argv, i, &val))
        return dataset_option(opt, given, val);
    if (is_option("--threads", argc, argv, i, &val))
        return set_threads(opt, val);
    if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
        opt->quiet = true;
        return KRT_RUN_GO;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        help(opt, prog);
        return 0;
    }
    if (strcmp(a, "--version") == 0) {
        printf("%s: kqlc detector generated by %s, runtime ABI %d\n",
               opt->name, prog->generator ? prog->generator : "?",
               KRT_ABI_VERSION);
        return 0;
    }
    return usage_error(opt, "unknown option", a);
}

/*
 * Options may come before and after the files: the files are gathered,
 * in order, at the front of argv (argv[1] ..), which opt->files points
 * at.  "--" ends the options.
 */
int
krt_options_parse(struct krt_options *opt, const struct krt_program *prog,
                  int argc, char **argv)
{
    int nfiles = 0;
    bool options = true;
    struct given given = { NULL, NULL };

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int status;

        if (options && strcmp(a, "--") == 0) {
            options = false;
            continue;
        }
        if (!options || a[0] != '-' || a[1] == '\0') {
            argv[1 + nfiles++] = argv[i];
            continue;
        }
        status = option(opt, &given, prog, argc, argv, &i);
        if (status != KRT_RUN_GO)
            return status;
    }
    opt->files = argv + 1;
    opt->nfiles = nfiles;
    return KRT_RUN_GO;
}

int
krt_main(const struct krt_program *prog, int argc, char **argv)
{
    struct krt_options opt;
    int status;

    krt_options_init(&opt, argc > 0 ? argv[0] : NULL);
    if (prog->abi != KRT_ABI_VERSION) {
        KRT_LOG(KRT_LOG_ERROR, "%s: internal error: built for runtime ABI %u,"
                " this runtime is ABI %d", opt.name, prog->abi,
                KRT_ABI_VERSION);
        return 3;
    }
    status = krt_options_parse(&opt, prog, argc, argv);
    if (status != KRT_RUN_GO)
        return status;
    return krt_run(prog, &opt, NULL, NULL, NULL);
}
