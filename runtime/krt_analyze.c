/*
 * krt_analyze.c - text and match_only_text fields: Elasticsearch's
 * standard analyzer, and the tests that match analysed values.
 *
 * Elasticsearch indexes each value of a text field as the tokens of its
 * standard analyzer: Lucene's StandardTokenizer, then LowerCaseFilter
 * (the analyzer's stop word list is empty unless a mapping sets one).
 * The tokenizer is a JFlex grammar for the word boundaries of Unicode
 * Standard Annex #29.  Here libunistring finds the boundaries
 * (u8_wordbreaks) and every character property, and this file adds what
 * the grammar decides beyond the boundaries:
 *
 * - Which segments are tokens.  A segment holding a letter, a digit or a
 *   katakana (Word_Break ALetter, Hebrew_Letter, Numeric, Katakana) is
 *   one token, with the connectors UAX #29 keeps inside it ("dog's",
 *   "3.14", "foo_bar", "a:b").  Each Han and each Hiragana character is a
 *   token.  An emoji sequence (TR #51: ZWJ sequences, modifiers, flags,
 *   keycaps) is a token.  Punctuation, symbols and spaces are none.
 * - Complex_Context letters (Thai, Lao, Myanmar, Khmer, ...), which
 *   UAX #29 leaves one segment per character, make one token per run,
 *   as in the grammar.
 * - ZWJ joins characters only inside an emoji sequence: a letter, ZWJ,
 *   then an emoji, one segment since Unicode 11 (WB3c), is two tokens.
 * - A token longer than max_token_length (255 UTF-16 units) is cut at
 *   its longest prefix within that length that is a token by itself,
 *   and the tokenizer starts again after the cut, as Lucene's scanner
 *   does with its 255-character buffer ("jumped" with a length of 5 is
 *   "jumpe", "d").
 * - Lower case is Java's Character.toLowerCase, one code point at a time
 *   (uc_tolower): no special casing, no final sigma ("ΟΔΟΣ" is "οδοσ").
 *
 * Where this may part from Lucene, on text security events rarely hold:
 * the grammar is built from Unicode 12.1 data and libunistring 1.0 from
 * Unicode 14.0, so characters assigned or reclassified in between are
 * read differently; libunistring does not expose the Line_Break
 * property, so Complex_Context is taken as the letters and marks (Lo,
 * Lm, Mn, Mc) of the scripts LineBreak.txt gives that class; and the
 * grammar joins a Hebrew letter, an apostrophe and a digit ("ש'1") where
 * UAX #29 breaks after the apostrophe.
 */
#include "krt_analyze.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <unistr.h>
#include <uniwbrk.h>

#include "krt_event.h"

/* Bytes of word boundaries analysed on the stack before malloc. */
#define STACK_TEXT 512

/* The scripts whose letters and marks LineBreak.txt calls SA. */
#define NCOMPLEX 9

static const char *const complex_context[NCOMPLEX] = {
    "Thai", "Lao", "Myanmar", "Khmer", "Tai_Le", "New_Tai_Lue",
    "Tai_Tham", "Tai_Viet", "Ahom",
};

/*
 * What the analysis asks of libunistring most often, asked once per
 * context: the word class and lower case of the ASCII characters, and
 * the scripts it tells apart.
 */
struct props {
    unsigned char wclass[128];
    unsigned char lower[128];
    const uc_script_t *han;
    const uc_script_t *hiragana;
    const uc_script_t *complex[NCOMPLEX];
};

/* Lucene's tokenizer applied to one text, tokens going to 'fn'. */
struct an {
    const uint8_t *s;
    size_t n;
    const char *brk;  /* brk[i]: a word boundary before s[i] */
    unsigned max;     /* longest token, in UTF-16 units */
    const struct props *p;
    krt_token_fn fn;
    void *ctx;
    bool stop;
};

/* ------------------------------------------------------ characters */

/* The code point at 'i' (< a->n); its length in bytes in '*len'. */
static ucs4_t
cp_at(const struct an *a, size_t i, size_t *len)
{
    ucs4_t c;
    int l = u8_mbtouc(&c, a->s + i, a->n - i);

    *len = l > 0 ? (size_t)l : 1;
    return c;
}

/* UTF-16 units of code point 'c'. */
static unsigned
units(ucs4_t c)
{
    return c >= 0x10000 ? 2 : 1;
}

/* What a character is to the word rules of the grammar. */
enum wclass {
    W_NONE,
    W_LETTER,  /* ALetter, Numeric, Katakana */
    W_HEBREW,  /* Hebrew_Letter */
    W_ENL,     /* ExtendNumLet: '_' and its kin */
    W_EXT,     /* Extend, Format, ZWJ: part of what precedes */
    W_SQ       /* Single_Quote */
};

static enum wclass
wclass(ucs4_t c)
{
    switch (uc_wordbreak_property(c)) {
    case WBP_ALETTER:
    case WBP_NUMERIC:
    case WBP_KATAKANA:
        return W_LETTER;
    case WBP_HL:
        return W_HEBREW;
    case WBP_EXTENDNUMLET:
        return W_ENL;
    case WBP_EXTEND:
    case WBP_FORMAT:
    case WBP_ZWJ:
        return W_EXT;
    case WBP_SQ:
        return W_SQ;
    default:
        return W_NONE;
    }
}

static bool
is_word(enum wclass w)
{
    return w == W_LETTER || w == W_HEBREW;
}

/* The class of 'c' for 'a': from the table when it is ASCII. */
static enum wclass
wclass_of(const struct an *a, ucs4_t c)
{
    return c < 128 ? (enum wclass)a->p->wclass[c] : wclass(c);
}

enum script_kind { S_NONE, S_HAN, S_HIRAGANA, S_SA };

static enum script_kind
script_kind(const struct an *a, ucs4_t c)
{
    const uc_script_t *s = c < 128 ? NULL : uc_script(c);

    if (!s)
        return S_NONE;
    if (s == a->p->han)
        return S_HAN;
    if (s == a->p->hiragana)
        return S_HIRAGANA;
    for (size_t i = 0; i < NCOMPLEX; i++) {
        if (s == a->p->complex[i])
            return uc_is_general_category_withtable(
                       c, UC_CATEGORY_MASK_Lo | UC_CATEGORY_MASK_Lm
                              | UC_CATEGORY_MASK_Mn | UC_CATEGORY_MASK_Mc)
                       ? S_SA
                       : S_NONE;
    }
    return S_NONE;
}

static void
props_init(struct props *p)
{
    for (ucs4_t c = 0; c < 128; c++) {
        p->wclass[c] = (unsigned char)wclass(c);
        p->lower[c] = (unsigned char)uc_tolower(c);
    }
    p->han = uc_script_byname("Han");
    p->hiragana = uc_script_byname("Hiragana");
    for (size_t i = 0; i < NCOMPLEX; i++)
        p->complex[i] = uc_script_byname(complex_context[i]);
}

/* ---------------------------------------------------------- tokens */

/* Hand the text of [from, to) to the sink, lower-cased. */
static void
emit(struct an *a, size_t from, size_t to)
{
    char buf[4 * KRT_MAX_TOKEN + 8];
    size_t n = 0, len;

    if (a->stop)
        return;
    while (from < to && n + 4 <= sizeof buf) {
        ucs4_t c = cp_at(a, from, &len);
        int w = c < 128 ? (buf[n] = (char)a->p->lower[c], 1)
                        : u8_uctomb((uint8_t *)buf + n, uc_tolower(c), 4);

        n += w > 0 ? (size_t)w : 0;
        from += len;
    }
    a->stop = !a->fn(a->ctx, buf, n);
}

/* The end of the Extend/Format/ZWJ characters from 'i' on, before 'end'. */
static size_t
skip_ext(const struct an *a, size_t i, size_t end)
{
    size_t len;

    while (i < end && wclass_of(a, cp_at(a, i, &len)) == W_EXT)
        i += len;
    return i;
}

/* The end of the longest prefix of [from, to) within a->max units. */
static size_t
clip(const struct an *a, size_t from, size_t to)
{
    unsigned u = 0;
    size_t len;

    while (from < to) {
        u += units(cp_at(a, from, &len));
        if (u > a->max)
            break;
        from += len;
    }
    return from;
}

/* Emit [from, to) in pieces of at most a->max units; for tokens whose
 * every prefix is a token too (ideographs, Complex_Context runs). */
static void
emit_clipped(struct an *a, size_t from, size_t to)
{
    while (from < to) {
        size_t cut = clip(a, from, to), len;

        if (cut == from) {
            /* A max of 1 holds no surrogate pair: skip it. */
            cp_at(a, from, &len);
            cut = from + len;
        } else {
            emit(a, from, cut);
        }
        from = cut;
    }
}

/* ----------------------------------------------------------- emoji */

/* States of the emoji sequence automaton. */
enum {
    E_START = 1 << 0,   /* nothing read */
    E_ZWJ = 1 << 1,     /* ZWJs before an emoji */
    E_NEXT = 1 << 2,    /* the ZWJ between two elements */
    E_CHAR = 1 << 3,    /* an emoji and its extenders */
    E_PRES = 1 << 4,    /* then U+FE0F */
    E_BASE = 1 << 5,    /* a modifier base and its extenders */
    E_MOD = 1 << 6,     /* a skin tone modifier and its extenders */
    E_TAG = 1 << 7,     /* tag characters */
    E_TAGEND = 1 << 8,  /* the cancel tag */
    E_KEY = 1 << 9,     /* a keycap base: 0-9, # or * */
    E_KEYSEL = 1 << 10, /* then U+FE0F */
    E_KEYCAP = 1 << 11, /* then U+20E3 */
    E_RI = 1 << 12,     /* one regional indicator */
    E_FLAG = 1 << 13    /* two */
};

#define E_ACCEPT (E_CHAR | E_PRES | E_MOD | E_TAGEND | E_KEYCAP | E_FLAG)

/* What the grammar calls an emoji character: Extended_Pictographic, or
 * Emoji but for regional indicators, keycap bases and modifiers. */
static bool
emoji_char(ucs4_t c)
{
    if (uc_is_property_extended_pictographic(c))
        return true;
    return uc_is_property_emoji(c) && !uc_is_property_emoji_modifier(c)
           && uc_wordbreak_property(c) != WBP_RI
           && !((c >= '0' && c <= '9') || c == '#' || c == '*');
}

/* One step of the automaton from 'st' over 'c'. */
static unsigned
emoji_step(const struct an *a, unsigned st, ucs4_t c)
{
    bool zwj = c == 0x200D, sel = c == 0xFE0F;
    bool ext = wclass_of(a, c) == W_EXT;
    bool xs = ext && c != 0xFE0E && !sel;
    bool ch = emoji_char(c), base = uc_is_property_emoji_modifier_base(c);
    bool mod = uc_is_property_emoji_modifier(c);
    bool tag = c >= 0xE0020 && c <= 0xE007E;
    unsigned to = 0;

    if (st & (E_START | E_ZWJ | E_NEXT)) {
        to |= zwj ? E_ZWJ : 0;
        to |= ch ? E_CHAR : 0;
        to |= base ? E_BASE : 0;
        to |= mod && (st & (E_START | E_NEXT)) ? E_MOD : 0;
    }
    if (st & E_START) {
        to |= (c >= '0' && c <= '9') || c == '#' || c == '*' ? E_KEY : 0;
        to |= uc_wordbreak_property(c) == WBP_RI ? E_RI : 0;
    }
    if (st & E_CHAR)
        to |= (xs ? E_CHAR : 0) | (sel ? E_PRES : 0);
    if (st & (E_CHAR | E_PRES | E_MOD))
        to |= (zwj ? E_NEXT : 0) | (tag ? E_TAG : 0);
    if (st & E_BASE)
        to |= (xs ? E_BASE : 0) | (mod ? E_MOD : 0);
    if (st & E_MOD)
        to |= xs ? E_MOD : 0;
    if (st & E_TAG)
        to |= (tag ? E_TAG : 0) | (c == 0xE007F ? E_TAGEND : 0);
    if (st & E_KEY)
        to |= (xs ? E_KEY : 0) | (sel ? E_KEYSEL : 0);
    if (st & (E_KEY | E_KEYSEL))
        to |= c == 0x20E3 ? E_KEYCAP : 0;
    if (st & E_KEYCAP)
        to |= xs ? E_KEYCAP : 0;
    if (st & E_RI)
        to |= (ext ? E_RI : 0) | (uc_wordbreak_property(c) == WBP_RI
                                  ? E_FLAG : 0);
    if (st & E_FLAG)
        to |= ext ? E_FLAG : 0;
    return to;
}

/* The end of the longest emoji sequence at 'i' within 'end' and
 * a->max units; 'i' when there is none. */
static size_t
emoji_end(const struct an *a, size_t i, size_t end)
{
    unsigned st = E_START, u = 0;
    size_t best = i, len;

    while (i < end && st) {
        ucs4_t c = cp_at(a, i, &len);

        u += units(c);
        if (u > a->max)
            break;
        st = emoji_step(a, st, c);
        i += len;
        if (st & E_ACCEPT)
            best = i;
    }
    return best;
}

/* ------------------------------------------------------- segments */

/*
 * The tokens of [i, end), a stretch without letters or digits: each Han
 * or Hiragana character, each Complex_Context run (which may go on past
 * 'end', across the boundaries UAX #29 puts between its characters) and
 * each emoji sequence; everything else is skipped a character at a time,
 * as the grammar skips what no rule matches.  Returns where it stopped.
 */
static size_t
others(struct an *a, size_t i, size_t end)
{
    size_t len, j;

    while (i < end && !a->stop) {
        ucs4_t c = cp_at(a, i, &len);
        enum script_kind k = script_kind(a, c);

        if (c < 128 && c != '#' && c != '*' && (c < '0' || c > '9')) {
            /* No rule starts with ASCII punctuation or space. */
            j = i + 1;
        } else if (k == S_HAN || k == S_HIRAGANA) {
            j = skip_ext(a, i + len, end);
            emit_clipped(a, i, j);
        } else if (k == S_SA) {
            j = i + len;
            while (j < a->n) {
                ucs4_t d = cp_at(a, j, &len);

                if (wclass_of(a, d) != W_EXT && script_kind(a, d) != S_SA)
                    break;
                j += len;
            }
            emit_clipped(a, i, j);
            if (j > end)
                return j;
        } else {
            j = emoji_end(a, i, end);
            if (j > i)
                emit(a, i, j);
            else
                j = i + len;
        }
        i = j;
    }
    return end;
}

/*
 * Where a token may end inside a word segment: after a letter, digit or
 * '_' (with the extenders after them), or after an apostrophe that
 * follows a Hebrew letter; and only once a letter or digit was seen.
 */
struct word_scan {
    enum wclass last;  /* the last character other than an extender */
    enum wclass prev;  /* the one before it */
    bool letter;       /* a letter or digit seen */
};

static bool
may_end(const struct word_scan *w)
{
    return w->letter
           && (is_word(w->last) || w->last == W_ENL
               || (w->last == W_SQ && w->prev == W_HEBREW));
}

/* The end of the longest token at 'i' within a->max units (before
 * 'end'); 'i' when none fits. */
static size_t
longest_word(const struct an *a, size_t i, size_t end)
{
    struct word_scan w = { W_NONE, W_NONE, false };
    size_t best = i, len;
    unsigned u = 0;

    while (i < end) {
        ucs4_t c = cp_at(a, i, &len);
        enum wclass k = wclass_of(a, c);

        u += units(c);
        if (u > a->max)
            break;
        if (k != W_EXT) {
            w.prev = w.last;
            w.last = k;
            w.letter |= is_word(k);
        }
        i += len;
        if (may_end(&w))
            best = i;
    }
    return best;
}

/*
 * A word segment [i, end) longer than a->max: emit its longest prefix
 * that is a token, skip what cannot start one, and go on with the rest,
 * which UAX #29 would leave in one segment as well.  With no token
 * within reach, one character is skipped, as the grammar does.
 */
static void
long_word(struct an *a, size_t i, size_t end)
{
    size_t len, j;

    while (i < end && !a->stop) {
        j = longest_word(a, i, end);
        if (j > i) {
            emit(a, i, j);
        } else {
            cp_at(a, i, &len);
            j = i + len;
        }
        for (i = j; i < end; i = j) {
            enum wclass k = wclass_of(a, cp_at(a, i, &len));

            if (k == W_ENL || is_word(k))
                break;
            j = emoji_end(a, i, end);
            if (j > i)
                emit(a, i, j);
            else
                j = i + len;
        }
    }
}

/*
 * Segment [i, end) of UAX #29: a word when it holds a letter or digit.
 * ZWJ then an emoji starts a new token (see the file's comment).
 * Returns where the next segment starts.
 */
static size_t
segment(struct an *a, size_t i, size_t end)
{
    bool letter = false;
    size_t j = i, len, cut = end;

    while (j < end) {
        ucs4_t c = cp_at(a, j, &len);

        letter |= is_word(wclass_of(a, c));
        if (c == 0x200D && j + len < end) {
            size_t l2;

            if (uc_is_property_extended_pictographic(cp_at(a, j + len, &l2))) {
                cut = j + len;
                break;
            }
        }
        j += len;
    }
    if (!letter)
        return others(a, i, end);
    if (clip(a, i, cut) == cut)
        emit(a, i, cut);
    else
        long_word(a, i, cut);
    return cut;
}

static bool
run(const char *s, size_t len, unsigned max, char *brk,
    const struct props *p, krt_token_fn fn, void *ctx)
{
    struct an a = { (const uint8_t *)s, len, brk, max, p, fn, ctx, false };
    size_t i = 0;

    u8_wordbreaks(a.s, len, brk);
    while (i < len && !a.stop) {
        size_t end = i + 1;

        while (end < len && !brk[end])
            end++;
        i = segment(&a, i, end);
    }
    return true;
}

/* Analyse with 'scratch' (of '*cap' bytes, grown as needed and kept by
 * the caller) for the word boundaries; false when out of memory. */
static bool
analyze(const char *s, size_t len, unsigned max, char **scratch,
        size_t *cap, const struct props *p, krt_token_fn fn, void *ctx)
{
    if (len > *cap) {
        size_t want = len < 4096 ? 4096 : len;
        char *grown = realloc(*scratch, want);

        if (!grown)
            return false;
        *scratch = grown;
        *cap = want;
    }
    return run(s, len, max, *scratch, p, fn, ctx);
}

bool
krt_analyze_max(const char *s, size_t len, unsigned max, krt_token_fn fn,
                void *ctx)
{
    char stack[STACK_TEXT];
    char *heap = NULL;
    size_t cap = 0;
    struct props p;
    bool ok;

    if (max < 1 || max > KRT_MAX_TOKEN)
        max = KRT_MAX_TOKEN;
    props_init(&p);
    if (len <= sizeof stack)
        return run(s, len, max, stack, &p, fn, ctx);
    ok = analyze(s, len, max, &heap, &cap, &p, fn, ctx);
    free(heap);
    return ok;
}

bool
krt_analyze(const char *s, size_t len, krt_token_fn fn, void *ctx)
{
    return krt_analyze_max(s, len, KRT_MAX_TOKEN, fn, ctx);
}

/* Whether the powershell_script_analyzer keeps byte 'c' in a token:
 * Java's \w without UNICODE_CHARACTER_CLASS (ASCII letters, digits,
 * '_'), or '-'.  Every other character, any byte of one past ASCII
 * included, separates tokens. */
static bool
ps_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/*
 * LIMIT(text): a token longer than 32766 bytes makes Lucene refuse the
 * document ("immense term"), which Elasticsearch then does not index;
 * here the token is kept, as the pattern tokenizer has no length limit.
 */
bool
krt_analyze_ps_script(const char *s, size_t len, krt_token_fn fn, void *ctx)
{
    char stack[STACK_TEXT];
    char *buf = stack, *heap = NULL;
    size_t i = 0;
    bool ok = true;

    while (ok && i < len) {
        size_t from = i;

        while (i < len && ps_word_byte((unsigned char)s[i]))
            i++;
        buf = stack;
        if (i - from > sizeof stack) {
            char *p = realloc(heap, i - from);
            if (!p) {
                free(heap);
                return false;
            }
            buf = heap = p;
        }
        for (size_t k = from; k < i; k++) {
            unsigned char c = (unsigned char)s[k];
            buf[k - from] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
        }
        if (i > from)
            ok = fn(ctx, buf, i - from);
        while (i < len && !ps_word_byte((unsigned char)s[i]))
            i++;
    }
    free(heap);
    return true;
}

size_t
krt_lowercase(const char *s, size_t len, char *out)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0, n = 0;

    /* A byte that is no UTF-8 becomes U+FFFD, three bytes: the most
     * any byte of input can grow to. */
    while (i < len) {
        ucs4_t c;
        int l = u8_mbtouc(&c, p + i, len - i);
        int w = u8_uctomb((uint8_t *)out + n, uc_tolower(c),
                          (ptrdiff_t)(3 * len - n));

        i += l > 0 ? (size_t)l : 1;
        n += w > 0 ? (size_t)w : 0;
    }
    return n;
}

/* ----------------------------------------------------------- cache */

/* One token of an analysed value: 'len' bytes at 'off' in the pool. */
struct tok {
    krt_u32 off;
    krt_u32 len;
};

/* The analysis of one value: current when 'stamp' is the epoch. */
struct entry {
    krt_u32 stamp;
    krt_u32 first;
    krt_u32 count;
    krt_u32 analyzer; /* KRT_FIELD_PS_SCRIPT or 0, the standard one */
};

/*
 * The analysed values of an event.  Entry i is value i of the event;
 * its tokens are toks[first .. first+count), their bytes in 'pool'.  The
 * epoch moves on with every event, which makes every entry stale at
 * once.  'brk' is the analyzer's scratch.  Everything is kept from event
 * to event and only grows.
 */
struct krt_text_cache {
    struct props props;
    krt_u32 epoch;
    struct entry *entries;
    size_t nentries;
    struct tok *toks;
    krt_u32 ntoks;
    size_t captoks;
    char *pool;
    size_t used;
    size_t poolcap;
    char *brk;
    size_t brkcap;
    bool failed; /* keep_token ran out of memory */
    char *scratch; /* krt_text_scratch's */
    size_t scratchcap;
};

/*
 * 'p' (of '*cap' items of 'size' bytes) grown to hold 'want' items; the
 * new block (or 'p' when it is large enough) with '*cap' updated, or
 * NULL, with 'p' and '*cap' untouched, when out of memory.
 */
static void *
grow(void *p, size_t *cap, size_t want, size_t size)
{
    size_t n = *cap ? *cap : 16;
    void *q;

    if (want <= *cap)
        return p;
    while (n < want)
        n *= 2;
    q = n <= SIZE_MAX / size ? realloc(p, n * size) : NULL;
    if (q)
        *cap = n;
    return q;
}

static bool
keep_token(void *ctx, const char *token, size_t len)
{
    struct krt_text_cache *c = ctx;
    struct tok *toks = grow(c->toks, &c->captoks, (size_t)c->ntoks + 1,
                            sizeof *toks);
    char *pool = toks ? grow(c->pool, &c->poolcap, c->used + len, 1)
                      : NULL;

    if (toks)
        c->toks = toks;
    if (!pool || c->used + len > UINT32_MAX) {
        c->failed = true;
        return false;
    }
    c->pool = pool;
    memcpy(c->pool + c->used, token, len);
    c->toks[c->ntoks].off = (krt_u32)c->used;
    c->toks[c->ntoks].len = (krt_u32)len;
    c->ntoks++;
    c->used += len;
    return true;
}

static struct krt_text_cache *
cache_of(struct krt_event *ev)
{
    struct krt_text_cache *c = ev->text;
    size_t had;
    struct entry *e;

    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c)
            return NULL;
        props_init(&c->props);
        c->epoch = 1;
        ev->text = c;
    }
    had = c->nentries;
    e = grow(c->entries, &c->nentries, ev->capvals, sizeof *e);
    if (!e)
        return NULL;
    memset(e + had, 0, (c->nentries - had) * sizeof *e);
    c->entries = e;
    return c;
}

/*
 * The tokens of value 'v' of 'ev': (*c)->toks[*first .. *first + *n).
 * A null or an object has none.  False when out of memory, with
 * ev->nomem set.
 */
static bool
tokens_of(struct krt_event *ev, krt_u32 field, const struct krt_value *v,
          struct krt_text_cache **out, krt_u32 *first, krt_u32 *n)
{
    struct krt_text_cache *c = cache_of(ev);
    size_t i = (size_t)(v - ev->vals);
    krt_u32 analyzer = ev->fields[field].flags & KRT_FIELD_PS_SCRIPT;
    struct entry *e;
    const char *s;
    size_t len;

    if (!c) {
        ev->nomem = true;
        return false;
    }
    e = &c->entries[i];
    /* a value two fields read with two analyzers is analysed again */
    if (e->stamp != c->epoch || e->analyzer != analyzer) {
        e->first = c->ntoks;
        if (krt_value_text(ev, v, &s, &len)
            && (!(analyzer ? krt_analyze_ps_script(s, len, keep_token, c)
                           : analyze(s, len, KRT_MAX_TOKEN, &c->brk,
                                     &c->brkcap, &c->props, keep_token, c))
                || c->failed)) {
            ev->nomem = true;
            return false;
        }
        e->count = c->ntoks - e->first;
        e->stamp = c->epoch;
        e->analyzer = analyzer;
    }
    *out = c;
    *first = e->first;
    *n = e->count;
    return true;
}

void
krt_text_cache_reset(struct krt_event *ev)
{
    struct krt_text_cache *c = ev->text;

    ev->nomem = false;
    if (!c)
        return;
    c->ntoks = 0;
    c->used = 0;
    c->failed = false;
    if (++c->epoch == 0) {
        memset(c->entries, 0, c->nentries * sizeof *c->entries);
        c->epoch = 1;
    }
}

void
krt_text_cache_free(struct krt_event *ev)
{
    struct krt_text_cache *c = ev->text;

    if (!c)
        return;
    free(c->entries);
    free(c->toks);
    free(c->pool);
    free(c->brk);
    free(c->scratch);
    free(c);
    ev->text = NULL;
}

char *
krt_text_scratch(struct krt_event *ev, size_t size)
{
    struct krt_text_cache *c = cache_of(ev);
    char *p = c ? grow(c->scratch, &c->scratchcap, size ? size : 1, 1)
                : NULL;

    if (!p) {
        ev->nomem = true;
        return NULL;
    }
    c->scratch = p;
    return p;
}

/* ----------------------------------------------------------- tests */

/* Whether token 'k' of 'c' is 'w'. */
static bool
token_is(const struct krt_text_cache *c, krt_u32 k, const struct krt_str *w)
{
    return c->toks[k].len == w->len
           && memcmp(c->pool + c->toks[k].off, w->bytes, w->len) == 0;
}

bool
krt_any_text_token(struct krt_event *ev, krt_u32 field,
                   const struct krt_str *set, krt_u32 n)
{
    const struct krt_value *v;
    struct krt_text_cache *c;
    krt_u32 first, count;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (!tokens_of(ev, field, v, &c, &first, &count))
            return false;
        for (krt_u32 k = first; k < first + count; k++) {
            if (krt_set_has(set, n, c->pool + c->toks[k].off,
                            c->toks[k].len))
                return true;
        }
    }
    return false;
}

/* Whether the 'n' tokens of 'phrase' stand at tokens k, k+1, ... */
static bool
phrase_at(const struct krt_text_cache *c, krt_u32 k,
          const struct krt_str *phrase, krt_u32 n)
{
    for (krt_u32 i = 0; i < n; i++) {
        if (!token_is(c, k + i, &phrase[i]))
            return false;
    }
    return true;
}

/* Values are apart (Elasticsearch puts 100 positions between array
 * elements), so a phrase is looked for in each value alone. */
bool
krt_any_text_phrase(struct krt_event *ev, krt_u32 field,
                    const struct krt_str *phrase, krt_u32 n)
{
    const struct krt_value *v;
    struct krt_text_cache *c;
    krt_u32 first, count;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (!tokens_of(ev, field, v, &c, &first, &count))
            return false;
        for (krt_u32 k = first; count >= n && k <= first + count - n; k++) {
            if (phrase_at(c, k, phrase, n))
                return true;
        }
    }
    return false;
}

bool
krt_any_text_wild(struct krt_event *ev, krt_u32 field,
                  const struct krt_str *parts, krt_u32 n)
{
    const struct krt_value *v;
    struct krt_text_cache *c;
    krt_u32 first, count;

    for (v = krt_value_first(ev, field); v; v = krt_value_next(ev, v)) {
        if (!tokens_of(ev, field, v, &c, &first, &count))
            return false;
        for (krt_u32 k = first; k < first + count; k++) {
            if (krt_wild_match(parts, n, c->pool + c->toks[k].off,
                               c->toks[k].len))
                return true;
        }
    }
    return false;
}
