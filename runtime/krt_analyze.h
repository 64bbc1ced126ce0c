/*
 * krt_analyze.h - Elasticsearch's standard analyzer, for the programs
 * that analyse text outside an event: the compiler (query values) and
 * the tests.
 *
 * A text or match_only_text field is indexed as the tokens of each of
 * its values; the same analyzer reads the query's values, so the
 * compiler and the runtime share this one.
 */
#ifndef KRT_ANALYZE_H
#define KRT_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>

/* The standard tokenizer's max_token_length, in UTF-16 code units. */
#define KRT_MAX_TOKEN 255

/*
 * Called with each token, in order (a token's position is its rank);
 * 'token' is lower-case UTF-8, valid during the call only.  Return
 * false to stop the analysis.
 */
typedef bool (*krt_token_fn)(void *ctx, const char *token, size_t len);

/*
 * Analyse the 'len' bytes of UTF-8 text 's' as the standard analyzer
 * does (see krt_analyze.c) and hand each token to 'fn'.  False when out
 * of memory: the tokens handed over until then are all there is.
 */
bool krt_analyze(const char *s, size_t len, krt_token_fn fn, void *ctx);

/*
 * As krt_analyze, with tokens of at most 'max' UTF-16 units (1 to
 * KRT_MAX_TOKEN), as the tokenizer's max_token_length sets them.
 */
bool krt_analyze_max(const char *s, size_t len, unsigned max,
                     krt_token_fn fn, void *ctx);

/*
 * Analyse the 'len' bytes of text 's' as the Windows integration's
 * powershell_script_analyzer does (KRT_FIELD_PS_SCRIPT in krt.h) and hand
 * each token to 'fn'.  False when out of memory.
 */
bool krt_analyze_ps_script(const char *s, size_t len, krt_token_fn fn,
                           void *ctx);

/*
 * Lower-case the 'len' bytes of UTF-8 text 's' into 'out' as the
 * analyzer's lowercase filter does (each code point alone, Java's
 * Character.toLowerCase); 'out' has room for 3 * len bytes.  Returns
 * the length written.
 */
size_t krt_lowercase(const char *s, size_t len, char *out);

#endif
