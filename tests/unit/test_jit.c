/*
 * test_jit.c - the libtcc glue: code runs, its pages are never writable
 * and executable, it reaches only the runtime symbols handed over, and
 * libtcc's errors come back as internal errors naming the generated line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jit.h"
#include "krt_run.h"

/* As emit_c writes it: the JIT supplies krt.h, which guards itself. */
static const char good[] =
    "#ifndef KRT_H\n#include \"krt.h\"\n#endif\n"
    "static const struct krt_i64_range ports[] = { { 26, 26 } };\n"
    "static const struct krt_field fields[] = {\n"
    "    { \"destination.port\", KRT_LONG, 0 },\n"
    "};\n"
    "static bool match(struct krt_event *ev)\n"
    "{\n"
    "    return krt_any_long_in(ev, 0, ports, 1);\n"
    "}\n"
    "static const struct krt_rule rules[] = {\n"
    "    { \"r\", \"r\", \"low\", 1, 0, 0, match },\n"
    "};\n"
    "const struct krt_program krt_program = {\n"
    "    KRT_ABI_VERSION, \"test\", fields, 1, rules, 1,\n"
    "};\n";

/* Compile 'src', keeping what libtcc said in '*msgs'. */
static struct jit_module *
compile(const char *src, const struct krt_program **prog, char **msgs)
{
    size_t len;
    FILE *out = open_memstream(msgs, &len);
    struct diag d;
    diag_init(&d, out);
    struct jit_module *m = jit_compile(&d, src, "generated.c", prog);
    fclose(out);
    return m;
}

/* The permissions /proc/self/maps gives the mapping holding 'p'. */
static void
perms_of(const void *p, char perms[5])
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    uintptr_t a = (uintptr_t)p;
    strcpy(perms, "????");
    while (f && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char pr[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, pr) == 3 && a >= lo
            && a < hi) {
            memcpy(perms, pr, 5);
            break;
        }
    }
    if (f)
        fclose(f);
}

static void
test_compiled_code_runs(void **state)
{
    (void)state;
    const struct krt_program *prog = NULL;
    char *msgs = NULL;
    struct jit_module *m = compile(good, &prog, &msgs);
    if (!m)
        fail_msg("%s", msgs);
    assert_non_null(prog);
    assert_int_equal(prog->nrules, 1);

    struct krt_scanner *sc = krt_scanner_new(prog->fields, prog->nfields);
    struct krt_event *ev;
    struct krt_scan_error err;
    const char *hit = "{\"destination\":{\"port\":\"026\"}}";
    const char *miss = "{\"destination.port\":25}";
    assert_int_equal(krt_scan_line(sc, hit, strlen(hit), &ev, &err),
                     KRT_SCAN_EVENT);
    assert_true(prog->rules[0].match(ev));
    assert_int_equal(krt_scan_line(sc, miss, strlen(miss), &ev, &err),
                     KRT_SCAN_EVENT);
    assert_false(prog->rules[0].match(ev));
    krt_scanner_free(sc);

    /* Code and constants sit in pages that are read+execute only. */
    char perms[5];
    perms_of((const void *)prog, perms);
    assert_string_equal(perms, "r-xp");
    jit_free(m);
    free(msgs);
}

/* -nostdlib: only the runtime's symbols resolve, not libc's. */
static void
test_only_handed_symbols_resolve(void **state)
{
    (void)state;
    static const char src[] =
        "int printf(const char *, ...);\n"
        "static bool match(struct krt_event *ev)\n"
        "{\n"
        "    (void)ev;\n"
        "    return printf(\"x\") > 0;\n"
        "}\n"
        "static const struct krt_rule rules[] = {\n"
        "    { \"r\", \"r\", \"low\", 1, 0, 0, match },\n"
        "};\n"
        "const struct krt_program krt_program = {\n"
        "    KRT_ABI_VERSION, \"test\", 0, 0, rules, 1,\n"
        "};\n";
    const struct krt_program *prog = NULL;
    char *msgs = NULL;
    assert_null(compile(src, &prog, &msgs));
    if (!strstr(msgs, "internal error: libtcc:") || !strstr(msgs, "printf"))
        fail_msg("%s", msgs);
    free(msgs);
}

/* A compile error names the generated file and line, and the process
 * goes on. */
static void
test_errors_name_the_generated_line(void **state)
{
    (void)state;
    static const char src[] =
        "/* line 1 */\n"
        "\n"
        "static int broken(void) { return ; + }\n";
    const struct krt_program *prog = NULL;
    char *msgs = NULL;
    assert_null(compile(src, &prog, &msgs));
    assert_non_null(strstr(msgs, "kqlc: error: internal error: libtcc: "
                            "generated.c:3:"));
    free(msgs);
    /* A good compile still works after a failed one. */
    msgs = NULL;
    struct jit_module *m = compile(good, &prog, &msgs);
    assert_non_null(m);
    jit_free(m);
    free(msgs);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compiled_code_runs),
        cmocka_unit_test(test_only_handed_symbols_resolve),
        cmocka_unit_test(test_errors_name_the_generated_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
