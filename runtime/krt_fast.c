/*
 * krt_fast.c - the event scanner's fast path (krt_fast.h says what it
 * promises): a structural scan of the whole line by blocks of 64 bytes,
 * then a walk over the tokens it found.
 *
 * Stage one classifies the bytes of a block (quotes, backslashes, white
 * space, structural characters, control bytes, bytes past ASCII, dots)
 * into one 64-bit mask each: with SSE2, AVX2 or AVX-512 where the CPU
 * has them, with a byte table anywhere (the portable path).  From the
 * masks, with carries from block to block, it works out which bytes are
 * escaped, which lie inside strings (a running XOR of the unescaped
 * quotes), and so the tokens, one bit each in a mask a block: structural
 * characters outside strings, opening quotes, and the first byte of each
 * run of other bytes (numbers, literals, garbage).  Only white space
 * lies between a closing quote and the next token, so a string ends
 * where the white space before the next token begins.  Stage one gives
 * the line up at once on a control byte inside a string or loose outside
 * one, an invalid escape, a line that ends inside a string, or invalid
 * UTF-8.
 *
 * Stage two walks the tokens with the reference scan's state
 * (krt_scan.c): frames, the field trie, object values and their leaf
 * flags; it checks the grammar, duplicate keys and field names as it
 * goes, and gives up on anything it does not take as it is.  String
 * bodies are not read again, but for keys and the values the rules want.
 */
#include "krt_fast.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "krt_event.h"

#if defined(__GNUC__) && defined(__BYTE_ORDER__) \
    && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FAST_OK 1
#else
#define FAST_OK 0
#endif

#if FAST_OK && defined(__x86_64__)
#define FAST_X86 1
#include <immintrin.h>
#else
#define FAST_X86 0
#endif

/* Longest line the fast path takes; the reference scan takes the rest. */
#define FAST_MAX_LINE ((size_t)1 << 20)

#define ROOT 0u
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

typedef krt_u64 u64;
typedef krt_u32 u32;

/* --------------------------------------------------------------- trie */

/*
 * A node of the field trie: a part of a field path.  'slot' is where
 * values go when a field ends here; 'special' marks a nested or
 * flattened field, which the fast path leaves to the reference scan.
 * 'lens' and 'firsts' filter the keys that name no child: bit n of
 * 'lens' is set when a child's name is n bytes long (63: 63 or more),
 * bit c of 'firsts' when one starts with byte c.
 */
struct fnode {
    u32 slot;
    bool special;
    u64 lens;
    u64 firsts[4];
};

/*
 * The trie's edges in one open-addressed table keyed by the parent node
 * and the part's name: 'w0' holds its first 8 bytes (zero-padded), so
 * that most probes compare two words and a length.  'child' KRT_NONE:
 * an empty entry.
 */
struct edge {
    u64 w0;
    const char *name;
    u32 len;
    u32 parent;
    u32 child;
};

/* A key of an open object: its hash and where it lies in the line. */
struct key {
    u32 hash;
    u32 off;
    u32 len;
};

/*
 * Objects of BIG_OBJECT keys or more find repeats through a table of the
 * line's keys (struct seen), the others by their row of keys, which a
 * filter of two bits per key mostly spares reading.
 */
#define BIG_OBJECT 32

/* A key of a big object of the line being scanned. */
struct seen {
    u32 stamp;
    u32 hash;
    u32 obj;
    u32 off;
    u32 len;
};

/*
 * An open object or array, as the reference scan's frame.  An object's
 * keys are keys[kfirst ..]; 'bloom' has two bits set per key.
 */
struct fframe {
    u32 node;
    u32 obj_first;
    u32 obj_count;
    u32 leaves;
    u32 obj;
    u32 kfirst;
    u64 bloom;
    bool array;
};

/*
 * The fast path's state.  The trie is built once.  Stage one leaves a
 * word a block in 'tm' (tokens), 'bs' (backslashes), 'odd' (bytes that
 * make a key unusual) and 'dots', 'capbs' words each, which grow with
 * the longest line taken; 'keys' (the keys of the open objects) and
 * 'seen' (the keys of big objects) grow as a line needs.  A 'seen' entry
 * is in use only when it has the line's stamp.
 */
struct krt_fast {
    enum krt_scan_path path;
    struct fnode *nodes;
    u32 nnodes;
    struct edge *edges;
    u32 emask;
    u64 *tm;
    u64 *bs;
    u64 *odd;
    u64 *dots;
    size_t capbs;
    struct key *keys;
    size_t capkeys;
    struct seen *seen;
    u32 smask;
    u32 stamp;
    u32 nseen; /* entries with the line's stamp */
    struct fframe *frames;
};

static u64
load8(const void *p)
{
    u64 w;

    memcpy(&w, p, 8);
    return w;
}

/* The 'n' (at most 8) bytes at 'p', zero-padded, reading before 'end'. */
static inline u64
load_part(const unsigned char *p, size_t n, const unsigned char *end)
{
    u64 w = 0;

    if (end - p >= 8) {
        w = load8(p);
        return n >= 8 ? w : w & ((1ull << (8 * n)) - 1);
    }
    memcpy(&w, p, n);
    return w;
}

static inline u32
edge_hash(u32 parent, size_t len, u64 w0)
{
    u64 h = (w0 ^ ((u64)parent << 40 ^ (u64)len)) * 0x9e3779b97f4a7c15ull;

    return (u32)(h >> 32);
}

/* The child of 'parent' named by the 'len' bytes at 'name' (first word
 * 'w0'), or KRT_NONE. */
static inline u32
find_edge_hashed(const struct krt_fast *fs, u32 parent,
                 const unsigned char *name, size_t len, u64 w0)
{
    u32 i = edge_hash(parent, len, w0) & fs->emask;

    for (;; i = (i + 1) & fs->emask) {
        const struct edge *e = &fs->edges[i];

        if (e->child == KRT_NONE)
            return KRT_NONE;
        if (e->w0 == w0 && e->len == len && e->parent == parent
            && (len <= 8 || memcmp(e->name + 8, name + 8, len - 8) == 0))
            return e->child;
    }
}

/* find_edge_hashed, with most names that no child has turned away
 * by their length and first byte. */
static inline u32
find_edge(const struct krt_fast *fs, u32 parent, const unsigned char *name,
          size_t len, u64 w0)
{
    const struct fnode *n = &fs->nodes[parent];

    if (!(n->lens >> (len < 63 ? len : 63) & 1)
        || !(n->firsts[name[0] >> 6] >> (name[0] & 63) & 1))
        return KRT_NONE;
    return find_edge_hashed(fs, parent, name, len, w0);
}

/* The child of 'parent' named 'name', added when missing. */
static u32
add_edge(struct krt_fast *fs, u32 parent, const char *name, size_t len)
{
    const unsigned char *n = (const unsigned char *)name;
    u64 w0 = load_part(n, len < 8 ? len : 8, n + len);
    u32 i = edge_hash(parent, len, w0) & fs->emask;
    u32 c = find_edge_hashed(fs, parent, n, len, w0);

    if (c != KRT_NONE)
        return c;
    while (fs->edges[i].child != KRT_NONE)
        i = (i + 1) & fs->emask;
    c = fs->nnodes++;
    fs->nodes[c] = (struct fnode){ KRT_NONE, false, 0, { 0, 0, 0, 0 } };
    fs->nodes[parent].lens |= 1ull << (len < 63 ? len : 63);
    fs->nodes[parent].firsts[n[0] >> 6] |= 1ull << (n[0] & 63);
    fs->edges[i] = (struct edge){ w0, name, (u32)len, parent, c };
    return c;
}

static bool
build_trie(struct krt_fast *fs, const struct krt_field *fields, u32 nfields,
           const u32 *field_slot)
{
    size_t parts = 1, cap = 16;

    for (u32 f = 0; f < nfields; f++) {
        for (const char *s = fields[f].path; *s; s++)
            parts += *s == '.';
        parts++;
    }
    while (cap < 2 * parts)
        cap *= 2;
    fs->nodes = malloc(parts * sizeof *fs->nodes);
    fs->edges = malloc(cap * sizeof *fs->edges);
    if (!fs->nodes || !fs->edges)
        return false;
    for (size_t i = 0; i < cap; i++)
        fs->edges[i].child = KRT_NONE;
    fs->emask = (u32)(cap - 1);
    fs->nodes[ROOT] = (struct fnode){ KRT_NONE, false, 0, { 0, 0, 0, 0 } };
    fs->nnodes = 1;
    for (u32 f = 0; f < nfields; f++) {
        const char *s = fields[f].path;
        u32 node = ROOT;

        if (field_slot[f] == KRT_NONE)
            continue; /* a path with an empty part */
        for (;;) {
            const char *dot = strchr(s, '.');
            size_t len = dot ? (size_t)(dot - s) : strlen(s);

            node = add_edge(fs, node, s, len);
            if (!dot)
                break;
            s = dot + 1;
        }
        fs->nodes[node].slot = field_slot[f];
        fs->nodes[node].special |= fields[f].type == KRT_FLATTENED
                                   || fields[f].type == KRT_NESTED;
    }
    return true;
}

/* ------------------------------------------------------------ stage 1 */

/* Byte classes for the portable classifier and for stage two. */
#define C_QUOTE 1u
#define C_BACKSLASH 2u
#define C_SPACE 4u
#define C_STRUCT 8u
#define C_CONTROL 16u
#define C_HIGH 32u
#define C_DOT 64u

/* Each byte's classes, C_*: the portable classifier's table. */
static const unsigned char byte_class[256] = {
    16, 16, 16, 16, 16, 16, 16, 16, 16, 20, 20, 16, 16, 20, 16, 16,
    16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
     4,  0,  1,  0,  0,  0,  0,  0,  0,  0,  0,  0,  8,  0, 64,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  8,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  8,  2,  8,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
     0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  8,  0,  8,  0,  0,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
    32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32,
};

/* Escapes: 1 after a backslash for " \\ / b f n r t, 2 for u (then four
 * hex digits); 0, none (bytes past ASCII included). */
static const unsigned char escape_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0,
    0, 0, 1, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* One 64-byte block, classified: bit i of each mask is byte i. */
struct masks {
    u64 quote;
    u64 backslash;
    u64 space;
    u64 structural;
    u64 control;
    u64 high;
    u64 dot;
};

static inline struct masks
classify_portable(const unsigned char *b)
{
    struct masks m = { 0, 0, 0, 0, 0, 0, 0 };

    for (unsigned i = 0; i < 64; i++) {
        u64 c = byte_class[b[i]];

        m.quote |= (c & 1) << i;
        m.backslash |= (c >> 1 & 1) << i;
        m.space |= (c >> 2 & 1) << i;
        m.structural |= (c >> 3 & 1) << i;
        m.control |= (c >> 4 & 1) << i;
        m.high |= (c >> 5 & 1) << i;
        m.dot |= (c >> 6 & 1) << i;
    }
    return m;
}

#if FAST_X86
/*
 * The SIMD classifiers may mark two control bytes (0x0c, 0x1a) as
 * structural too: a line holding either is given up anyway.
 */
__attribute__((target("sse2"))) static inline u64
mask16(__m128i a, __m128i b, __m128i c, __m128i d)
{
    return (u64)(unsigned)_mm_movemask_epi8(a)
           | (u64)(unsigned)_mm_movemask_epi8(b) << 16
           | (u64)(unsigned)_mm_movemask_epi8(c) << 32
           | (u64)(unsigned)_mm_movemask_epi8(d) << 48;
}

__attribute__((target("sse2"))) static inline __m128i
space16(__m128i v)
{
    return _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('\t'))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
}

/* '[' and ']' are '{' and '}' once 0x20 is set. */
__attribute__((target("sse2"))) static inline __m128i
struct16(__m128i v)
{
    __m128i u = _mm_or_si128(v, _mm_set1_epi8(0x20));

    return _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(u, _mm_set1_epi8('{')),
                     _mm_cmpeq_epi8(u, _mm_set1_epi8('}'))),
        _mm_or_si128(_mm_cmpeq_epi8(u, _mm_set1_epi8(':')),
                     _mm_cmpeq_epi8(u, _mm_set1_epi8(','))));
}

__attribute__((target("sse2"))) static inline __m128i
control16(__m128i v)
{
    return _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
}

__attribute__((target("sse2"))) static inline struct masks
classify_sse2(const unsigned char *b)
{
    __m128i v[4];
    struct masks m;

    for (int i = 0; i < 4; i++)
        v[i] = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * i));
    m.quote = mask16(_mm_cmpeq_epi8(v[0], _mm_set1_epi8('"')),
                     _mm_cmpeq_epi8(v[1], _mm_set1_epi8('"')),
                     _mm_cmpeq_epi8(v[2], _mm_set1_epi8('"')),
                     _mm_cmpeq_epi8(v[3], _mm_set1_epi8('"')));
    m.backslash = mask16(_mm_cmpeq_epi8(v[0], _mm_set1_epi8('\\')),
                         _mm_cmpeq_epi8(v[1], _mm_set1_epi8('\\')),
                         _mm_cmpeq_epi8(v[2], _mm_set1_epi8('\\')),
                         _mm_cmpeq_epi8(v[3], _mm_set1_epi8('\\')));
    m.space = mask16(space16(v[0]), space16(v[1]), space16(v[2]),
                     space16(v[3]));
    m.structural = mask16(struct16(v[0]), struct16(v[1]), struct16(v[2]),
                          struct16(v[3]));
    m.control = mask16(control16(v[0]), control16(v[1]), control16(v[2]),
                       control16(v[3]));
    m.high = mask16(v[0], v[1], v[2], v[3]);
    m.dot = mask16(_mm_cmpeq_epi8(v[0], _mm_set1_epi8('.')),
                   _mm_cmpeq_epi8(v[1], _mm_set1_epi8('.')),
                   _mm_cmpeq_epi8(v[2], _mm_set1_epi8('.')),
                   _mm_cmpeq_epi8(v[3], _mm_set1_epi8('.')));
    return m;
}

__attribute__((target("avx2"))) static inline u64
mask32(__m256i a, __m256i b)
{
    return (u64)(unsigned)_mm256_movemask_epi8(a)
           | (u64)(unsigned)_mm256_movemask_epi8(b) << 32;
}

/*
 * White space and structural bytes by table: a byte is one when it
 * equals the entry its low nibble picks (bytes past ASCII pick 0).
 */
__attribute__((target("avx2"))) static inline __m256i
space32(__m256i v)
{
    const __m256i t = _mm256_setr_epi8(
        ' ', -128, -128, -128, -128, -128, -128, -128,
        -128, '\t', '\n', -128, -128, '\r', -128, -128,
        ' ', -128, -128, -128, -128, -128, -128, -128,
        -128, '\t', '\n', -128, -128, '\r', -128, -128);

    return _mm256_cmpeq_epi8(_mm256_shuffle_epi8(t, v), v);
}

__attribute__((target("avx2"))) static inline __m256i
struct32(__m256i v)
{
    const __m256i t = _mm256_setr_epi8(
        -128, -128, -128, -128, -128, -128, -128, -128,
        -128, -128, ':', '{', ',', '}', -128, -128,
        -128, -128, -128, -128, -128, -128, -128, -128,
        -128, -128, ':', '{', ',', '}', -128, -128);
    __m256i u = _mm256_or_si256(v, _mm256_set1_epi8(0x20));

    return _mm256_cmpeq_epi8(_mm256_shuffle_epi8(t, u), u);
}

__attribute__((target("avx2"))) static inline struct masks
classify_avx2(const unsigned char *b)
{
    __m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)b);
    __m256i hi = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32));
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i bsl = _mm256_set1_epi8('\\');
    const __m256i ctl = _mm256_set1_epi8(0x1f);
    struct masks m;

    m.quote = mask32(_mm256_cmpeq_epi8(lo, quote),
                     _mm256_cmpeq_epi8(hi, quote));
    m.backslash = mask32(_mm256_cmpeq_epi8(lo, bsl),
                         _mm256_cmpeq_epi8(hi, bsl));
    m.space = mask32(space32(lo), space32(hi));
    m.structural = mask32(struct32(lo), struct32(hi));
    m.control = mask32(
        _mm256_cmpeq_epi8(_mm256_min_epu8(lo, ctl), lo),
        _mm256_cmpeq_epi8(_mm256_min_epu8(hi, ctl), hi));
    m.high = mask32(lo, hi);
    m.dot = mask32(_mm256_cmpeq_epi8(lo, _mm256_set1_epi8('.')),
                   _mm256_cmpeq_epi8(hi, _mm256_set1_epi8('.')));
    return m;
}

#define AVX512 "avx512f,avx512bw,popcnt,bmi,bmi2"

/* As classify_avx2, the 64 bytes at once, into mask registers. */
__attribute__((target(AVX512))) static inline struct masks
classify_avx512(const unsigned char *b)
{
    const __m512i space = _mm512_broadcast_i32x4(_mm_setr_epi8(
        ' ', -128, -128, -128, -128, -128, -128, -128,
        -128, '\t', '\n', -128, -128, '\r', -128, -128));
    const __m512i structural = _mm512_broadcast_i32x4(_mm_setr_epi8(
        -128, -128, -128, -128, -128, -128, -128, -128,
        -128, -128, ':', '{', ',', '}', -128, -128));
    __m512i v = _mm512_loadu_si512((const void *)b);
    __m512i u = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
    struct masks m;

    m.quote = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
    m.backslash = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\\'));
    m.space = _mm512_cmpeq_epi8_mask(_mm512_shuffle_epi8(space, v), v);
    m.structural = _mm512_cmpeq_epi8_mask(
        _mm512_shuffle_epi8(structural, u), u);
    m.control = _mm512_cmple_epu8_mask(v, _mm512_set1_epi8(0x1f));
    m.high = _mm512_movepi8_mask(v);
    m.dot = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('.'));
    return m;
}
#endif

/*
 * What stage one carries from block to block.  'in_string' is all ones
 * when the block before ended inside a string; 'escaped' is 1 when the
 * first byte of the block is escaped; 'scalar' is 1 when the block
 * before ended on a byte of a scalar, 'dot' when on a dot.  'bad' and
 * 'high' collect.
 */
struct carry {
    u64 in_string;
    u64 escaped;
    u64 scalar;
    u64 dot;
    u64 bad;
    u64 high;
};

static inline u64
prefix_xor(u64 x)
{
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

static inline bool
hex4(const unsigned char *p, const unsigned char *end)
{
    static const char hex[] = "0123456789abcdefABCDEF";

    if (end - p < 4)
        return false;
    for (int i = 0; i < 4; i++) {
        if (!p[i] || !memchr(hex, p[i], sizeof hex - 1))
            return false;
    }
    return true;
}

/*
 * The escaped bytes of the block at 'base' whose backslashes are 'bs':
 * in each run of backslashes, the first, third, ... escape the byte
 * after them.  Runs are told apart by where they start, even or odd:
 * adding a run's first bit to the mask clears the run, so each parity's
 * runs come out of one addition, without a loop.  Each escaped byte but
 * a backslash must make a valid escape; when one does not, the line is
 * given up (all of this only matters inside strings, and a backslash
 * outside one is an error anyway).
 */
static inline u64
escapes(struct carry *cr, u64 bs, const unsigned char *line, size_t len,
        size_t base)
{
    const u64 even = 0x5555555555555555ull;
    u64 b = bs & ~cr->escaped;
    u64 starts = b & ~(b << 1);
    u64 in_even = b & ~(b + (starts & even));
    u64 in_odd = b & ~(b + (starts & ~even));
    u64 escaping = (in_even & even) | (in_odd & ~even);
    u64 esc = escaping << 1 | cr->escaped;

    cr->escaped = escaping >> 63;
    for (u64 e = esc & ~bs; e; e &= e - 1) {
        size_t at = base + (size_t)__builtin_ctzll(e);
        unsigned k = at < len ? escape_class[line[at]] : 0;

        if (k == 0 || (k == 2 && !hex4(line + at + 1, line + len)))
            cr->bad = ~0ull;
    }
    return esc;
}

/*
 * The tokens of one classified block at 'base': one bit per token.
 */
static inline __attribute__((always_inline)) u64
block_tokens(struct carry *cr, struct masks m, const unsigned char *line,
             size_t len, size_t base)
{
    u64 esc = (m.backslash | cr->escaped)
                  ? escapes(cr, m.backslash, line, len, base) : 0;
    u64 quotes = m.quote & ~esc;
    u64 in_str = prefix_xor(quotes) ^ cr->in_string;
    u64 other, starts;

    cr->in_string = (u64)((long long)in_str >> 63);
    cr->bad |= m.control & (in_str | ~m.space);
    cr->high |= m.high;
    other = ~(m.space | m.structural | quotes | in_str);
    starts = other & ~(other << 1 | cr->scalar);
    cr->scalar = other >> 63;
    return (m.structural & ~in_str) | (quotes & in_str) | starts;
}

static bool
utf8_valid(const unsigned char *p, const unsigned char *end)
{
    while (p < end) {
        size_t n;

        while (end - p >= 8 && !(load8(p) & HIGHS))
            p += 8;
        if (p == end)
            break;
        if (*p < 0x80) {
            p++;
            continue;
        }
        n = krt_utf8_len(p, end);
        if (n == 0)
            return false;
        p += n;
    }
    return true;
}

/*
 * What stage two reads of a block's masks: its tokens, backslashes,
 * dots, and the bytes that make a key unusual: a backslash, white space,
 * a byte past ASCII, a dot after a dot.
 */
static inline __attribute__((always_inline)) void
keep_bits(struct krt_fast *fs, struct carry *cr, size_t block,
          const struct masks *m, u64 tokens)
{
    fs->tm[block] = tokens;
    fs->bs[block] = m->backslash;
    fs->odd[block] = m->backslash | m->space | m->high
                     | (m->dot & (m->dot << 1 | cr->dot));
    fs->dots[block] = m->dot;
    cr->dot = m->dot >> 63;
}

/*
 * Stage one with classifier 'classify': the line's masks into fs->tm,
 * fs->bs and the others, then a last token mask past the end of the
 * line, which stage two takes for its end.  False to give up.
 */
#define STAGE_ONE(name, classify)                                         \
    static bool name(struct krt_fast *fs, const unsigned char *line,      \
                     size_t len)                                          \
    {                                                                     \
        struct carry cr = { 0, 0, 0, 0, 0, 0 };                           \
        unsigned char pad[64];                                            \
        size_t base = 0;                                                  \
        struct masks m;                                                   \
                                                                          \
        for (; len - base >= 64; base += 64) {                            \
            m = classify(line + base);                                    \
            keep_bits(fs, &cr, base / 64, &m,                             \
                      block_tokens(&cr, m, line, len, base));             \
        }                                                                 \
        if (base < len) {                                                 \
            memset(pad, ' ', sizeof pad);                                 \
            memcpy(pad, line + base, len - base);                         \
            m = classify(pad);                                            \
            keep_bits(fs, &cr, base / 64, &m,                             \
                      block_tokens(&cr, m, line, len, base));             \
            base += 64;                                                   \
        }                                                                 \
        fs->tm[base / 64] = 1;                                            \
        return !cr.bad && !cr.in_string                                   \
               && (!cr.high || utf8_valid(line, line + len));             \
    }

STAGE_ONE(stage1_portable, classify_portable)

#if FAST_X86
__attribute__((target("sse2")))
STAGE_ONE(stage1_sse2, classify_sse2)
__attribute__((target("avx2,popcnt,bmi,bmi2")))
STAGE_ONE(stage1_avx2, classify_avx2)
__attribute__((target(AVX512)))
STAGE_ONE(stage1_avx512, classify_avx512)
#endif

/* ------------------------------------------------------------ stage 2 */




static inline void
settle(struct krt_event *ev, u32 first, u32 count)
{
    for (u32 i = first; i < first + count; i++)
        ev->vals[i].flags |= KRT_VF_LEAF;
}

/* Whether a backslash lies in line[a .. b). */
static inline bool
has_backslash(const u64 *bs, size_t a, size_t b)
{
    size_t wa = a >> 6, wb;
    u64 ma, mb;

    if (a >= b)
        return false;
    wb = (b - 1) >> 6;
    ma = ~0ull << (a & 63);
    mb = ~0ull >> (63 - ((b - 1) & 63));
    if (wa == wb)
        return (bs[wa] & ma & mb) != 0;
    if (bs[wa] & ma)
        return true;
    for (size_t w = wa + 1; w < wb; w++) {
        if (bs[w])
            return true;
    }
    return (bs[wb] & mb) != 0;
}

/* The high bit of each byte of 'w' equal to 'c', exactly. */
static inline u64
bytes_eq(u64 w, unsigned char c)
{
    u64 x = w ^ (ONES * c);

    return ~(((x & ~HIGHS) + ~HIGHS) | x) & HIGHS;
}

/*
 * The high bit of each byte of 'w' that a key taken as it is cannot
 * hold: a space or control byte, a backslash, or a byte past ASCII.
 */
static inline u64
key_specials(u64 w)
{
    u64 below = ~((w & ~HIGHS) + ONES * 0x5f) & ~w & HIGHS; /* < 0x21 */

    return (w & HIGHS) | below | bytes_eq(w, '\\');
}

static inline u32
mix_word(u64 h, u64 w)
{
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    return (u32)(h >> 32) ^ (u32)h;
}

/*
 * Look at the key 'k' of 'len' bytes as the reference scan's key_end
 * does: true when it is a field name as it is (not empty; no space,
 * control byte, backslash or byte past ASCII; no dot first, last or
 * after a dot), with its hash and its first word.  This is for keys
 * longer than 64 bytes; plain_key does the others.
 */
static bool
long_plain_key(const unsigned char *k, size_t len, const unsigned char *end,
               u32 *hash, u64 *w0)
{
    u64 h = 0x9e3779b97f4a7c15ull ^ len, bad = 0, after = 0;
    size_t i = 0;
    u64 w;

    if (len == 0 || k[0] == '.' || k[len - 1] == '.')
        return false;
    for (; len - i > 8; i += 8) {
        u64 d;

        w = load8(k + i);
        d = bytes_eq(w, '.');
        bad |= key_specials(w) | (d & (d << 8 | after));
        after = d >> 56;
        h = (h ^ w) * 0xff51afd7ed558ccdull;
    }
    w = load_part(k + i, len - i, end);
    {
        u64 keep = len - i >= 8 ? ~0ull : (1ull << (8 * (len - i))) - 1;
        u64 d = bytes_eq(w, '.') & keep;

        bad |= (key_specials(w) & keep) | (d & (d << 8 | after));
    }
    *hash = mix_word(h, w);
    *w0 = i == 0 ? w : load8(k);
    return bad == 0;
}

/* Bits [a, a + n) of the line's mask 'm' (a mask a block), n <= 64. */
static inline u64
line_bits(const u64 *m, size_t a, size_t n)
{
    size_t sh = a & 63;
    u64 x = m[a >> 6] >> sh;

    if (sh + n > 64)
        x |= m[(a >> 6) + 1] << (64 - sh);
    return n == 64 ? x : x & ((1ull << n) - 1);
}

/*
 * plain_key for the key at 'off' of 'len' bytes, from the masks stage
 * one kept: one look at its unusual bytes and dots however long it is.
 */
static inline bool
plain_key(const struct krt_fast *fs, const unsigned char *line, size_t off,
          size_t len, const unsigned char *end, u32 *hash, u64 *w0)
{
    const unsigned char *k = line + off;
    u64 h;

    if (len > 64 || len == 0)
        return len && long_plain_key(k, len, end, hash, w0);
    if (line_bits(fs->odd, off, len) || k[0] == '.' || k[len - 1] == '.')
        return false;
    *w0 = load_part(k, len < 8 ? len : 8, end);
    h = (*w0 ^ (u64)len << 56) * 0x9e3779b97f4a7c15ull;
    if (len > 8)
        h = (h ^ load8(k + len - 8)) * 0xff51afd7ed558ccdull;
    *hash = (u32)(h >> 32) ^ (u32)h;
    return true;
}

/* The slot of 'seen' where key hash 'hash' of object 'obj' is looked up
 * first. */
static u32
seen_slot(const struct krt_fast *fs, u32 hash, u32 obj)
{
    return (hash ^ obj * 0x9e3779b9u) & fs->smask;
}

/*
 * Double the table of big objects' keys, keeping the line's entries;
 * false when out of memory.
 */
static bool
grow_seen(struct krt_fast *fs)
{
    size_t cap = fs->seen ? ((size_t)fs->smask + 1) * 2 : 256;
    struct seen *old = fs->seen, *s = calloc(cap, sizeof *s);
    u32 oldcap = old ? fs->smask + 1 : 0;

    if (!s || cap > UINT32_MAX) {
        free(s);
        return false;
    }
    fs->seen = s;
    fs->smask = (u32)(cap - 1);
    for (u32 j = 0; j < oldcap; j++) {
        u32 i;

        if (old[j].stamp != fs->stamp)
            continue;
        for (i = seen_slot(fs, old[j].hash, old[j].obj);
             s[i].stamp == fs->stamp; i = (i + 1) & fs->smask)
            continue;
        s[i] = old[j];
    }
    free(old);
    return true;
}

/* Enter key 'k' of object 'obj' of 'line' in the table; false when it
 * has it, or out of memory. */
static bool
table_key(struct krt_fast *fs, const unsigned char *line, u32 obj,
          const struct key *k)
{
    u32 i;

    if (((size_t)fs->nseen + 1) * 2 > (fs->seen ? (size_t)fs->smask + 1 : 0)
        && !grow_seen(fs))
        return false;
    for (i = seen_slot(fs, k->hash, obj);; i = (i + 1) & fs->smask) {
        struct seen *s = &fs->seen[i];

        if (s->stamp != fs->stamp) {
            *s = (struct seen){ fs->stamp, k->hash, obj, k->off, k->len };
            fs->nseen++;
            return true;
        }
        if (s->hash == k->hash && s->obj == obj && s->len == k->len
            && memcmp(line + s->off, line + k->off, k->len) == 0)
            return false;
    }
}

/* Whether key 'k' of 'line' is among the 'n' keys of 'row'. */
static bool
in_row(const unsigned char *line, const struct key *row, u32 n,
       const struct key *k)
{
    for (u32 i = 0; i < n; i++) {
        if (row[i].hash == k->hash && row[i].len == k->len
            && memcmp(line + row[i].off, line + k->off, k->len) == 0)
            return true;
    }
    return false;
}

/*
 * Enter key 'k' of 'line' in the innermost object 'f', whose keys end at
 * '*nkeys'; false when the object has it, or out of memory.
 */
static inline bool
new_key(struct krt_fast *fs, const unsigned char *line, struct fframe *f,
        struct key k, u32 *nkeys)
{
    /* no keys held yet: no row (an offset from NULL is undefined) */
    struct key *row = fs->keys ? &fs->keys[f->kfirst] : NULL;
    u32 n = *nkeys - f->kfirst;

    if (n < BIG_OBJECT) {
        u64 bits = 1ull << (k.hash & 63) | 1ull << (k.hash >> 26);

        if ((f->bloom & bits) == bits && in_row(line, row, n, &k))
            return false;
        f->bloom |= bits;
    } else {
        for (u32 i = 0; n == BIG_OBJECT && i < n; i++)
            table_key(fs, line, f->obj, &row[i]);
        if (!table_key(fs, line, f->obj, &k))
            return false;
    }
    if (*nkeys == fs->capkeys) {
        size_t cap = fs->capkeys ? fs->capkeys * 2 : 64;
        struct key *keys = realloc(fs->keys, cap * sizeof *keys);

        if (!keys)
            return false;
        fs->keys = keys;
        fs->capkeys = cap;
    }
    fs->keys[(*nkeys)++] = k;
    return true;
}

/*
 * Walk the trie from 'node' along the parts of the dotted key 'k' ('len'
 * bytes, in a line ending at 'end'), as the reference scan's walk_key:
 * each field passed on the way gets an object value at 'quote' (the
 * key's opening quote), counted in '*count'.  'dots' has bit i set when
 * k[i] is a dot (keys of 64 bytes at most; 0 for longer ones).  The node
 * reached, KRT_NONE, or KRT_NONE - 1 to give up.
 */
static u32
walk_dotted(struct krt_fast *fs, struct krt_event *ev, u32 node,
            const unsigned char *k, size_t len, u64 dots,
            const unsigned char *end, const unsigned char *quote,
            u32 *count)
{
    const unsigned char *start = k, *kend = k + len;

    for (;;) {
        const unsigned char *dot = len > 64 ? memchr(k, '.', (size_t)(kend - k))
                                   : dots ? start + __builtin_ctzll(dots)
                                          : NULL;
        size_t n = (size_t)((dot ? dot : kend) - k);
        u32 slot;

        node = find_edge(fs, node, k, n, load_part(k, n < 8 ? n : 8, end));
        if (node == KRT_NONE)
            return node;
        if (fs->nodes[node].special)
            return KRT_NONE - 1;
        if (!dot)
            return node;
        slot = fs->nodes[node].slot;
        if (slot != KRT_NONE) {
            if (!krt_event_add(ev, slot, KRT_V_OBJECT, quote, 1, 0,
                               KRT_NONE))
                return KRT_NONE - 1;
            (*count)++;
        }
        k = dot + 1;
        dots &= dots - 1;
    }
}

/* Bytes that continue a number or literal: what stage one joins into
 * one token with the byte before. */
static inline bool
scalar_byte(unsigned char c)
{
    return !(byte_class[c] & (C_SPACE | C_STRUCT | C_QUOTE));
}

/* Past the number at 'p' (RFC 8259), or NULL: krt_scan.c's number_end. */
static const unsigned char *
number_end(const unsigned char *p, const unsigned char *end)
{
    p += p < end && *p == '-';
    if (p == end || *p < '0' || *p > '9')
        return NULL;
    if (*p == '0') {
        p++;
    } else {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && *p == '.') {
        const unsigned char *q = ++p;

        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == q)
            return NULL;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        const unsigned char *q;

        p++;
        p += p < end && (*p == '+' || *p == '-');
        q = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == q)
            return NULL;
    }
    return p;
}

/*
 * A number or literal token at 'p': its kind and its end, which must be
 * the end of the token; 0 when it is neither.
 */
static inline unsigned
scalar_token(const unsigned char *p, const unsigned char *end,
             const unsigned char **q)
{
    unsigned kind;
    size_t n;

    switch (*p) {
    case 't':
        kind = KRT_V_TRUE, n = 4;
        break;
    case 'f':
        kind = KRT_V_FALSE, n = 5;
        break;
    case 'n':
        kind = KRT_V_NULL, n = 4;
        break;
    default:
        *q = number_end(p, end);
        if (!*q || (*q < end && scalar_byte(**q)))
            return 0;
        return KRT_V_NUMBER;
    }
    if ((size_t)(end - p) < n
        || memcmp(p, kind == KRT_V_TRUE ? "true" : kind == KRT_V_FALSE
                                                       ? "false" : "null",
                  n) != 0
        || (end - p > (long)n && scalar_byte(p[n])))
        return 0;
    *q = p + n;
    return kind;
}

/*
 * The closing quote of a string whose next token is at 'next': only
 * white space lies between them (stage one makes every other byte
 * outside strings a token), and only opening quotes are tokens.
 */
static inline u32
closing_quote(const unsigned char *line, u32 next)
{
    while (byte_class[line[next - 1]] & C_SPACE)
        next--;
    return next - 1;
}

/*
 * Stage two over the token masks of the line (the last, past its end,
 * stops it).  True when the line is taken.  PEEK gives the next token's
 * offset and NEXT takes it: the lowest bit of the block mask in hand,
 * moving on to the next block when none is left.
 */
#define PEEK(t)                                                           \
    do {                                                                  \
        while (!cur)                                                      \
            cur = tm[++blk];                                              \
        (t) = (u32)(blk << 6) + (u32)__builtin_ctzll(cur);                \
    } while (0)
#define NEXT(t)                                                           \
    do {                                                                  \
        PEEK(t);                                                          \
        cur &= cur - 1;                                                   \
    } while (0)

static bool
stage2(struct krt_fast *fs, struct krt_event *ev, const unsigned char *line,
       size_t len)
{
    const unsigned char *end = line + len;
    const u64 *tm = fs->tm;
    u64 cur = tm[0];
    size_t blk = 0;
    struct fframe *f = NULL;
    u32 depth = 0, node = ROOT, t, slot;
    u32 obj_first = 0, obj_count = 0, leaves = 0, nobj = 0, nkeys = 0;
    unsigned char c;

    NEXT(t);

open_object:
    if (depth == KRT_MAX_DEPTH)
        return false;
    if (node != KRT_NONE) {
        if (fs->nodes[node].special)
            return false;
        slot = fs->nodes[node].slot;
        if (slot != KRT_NONE) {
            if (!krt_event_add(ev, slot, KRT_V_OBJECT, line + t, 1, 0,
                               KRT_NONE))
                return false;
            obj_count++;
        }
    }
    f = &fs->frames[depth++];
    f->node = node;
    f->obj_first = obj_first;
    f->obj_count = obj_count;
    f->leaves = leaves;
    f->obj = nobj++;
    f->kfirst = nkeys;
    f->bloom = 0;
    f->array = false;
    NEXT(t);
    if (t >= len)
        return false;
    if (line[t] == '}')
        goto close;

key:
    {
        const unsigned char *k = line + t + 1;
        u32 q, hash, klen;
        u64 w0;

        if (line[t] != '"')
            return false;
        NEXT(q);
        if (q >= len || line[q] != ':')
            return false;
        q = closing_quote(line, q);
        klen = q - t - 1;
        if (!plain_key(fs, line, t + 1, klen, end, &hash, &w0)
            || !new_key(fs, line, f, (struct key){ hash, t + 1, klen },
                        &nkeys))
            return false;
        obj_first = ev->nvals;
        obj_count = 0;
        node = f->node;
        if (node != KRT_NONE) {
            u64 dots = klen <= 64 ? line_bits(fs->dots, t + 1, klen) : 0;

            if (dots || (klen > 64 && memchr(k, '.', klen)))
                node = walk_dotted(fs, ev, node, k, klen, dots, end,
                                   line + t, &obj_count);
            else
                node = find_edge(fs, node, k, klen, w0);
            if (node == KRT_NONE - 1
                || (node != KRT_NONE && fs->nodes[node].special))
                return false;
        }
    }

value:
    NEXT(t);
    if (t >= len)
        return false;
    c = line[t];
    slot = node == KRT_NONE ? KRT_NONE : fs->nodes[node].slot;
    if (c == '"') {
        leaves++;
        if (obj_count)
            settle(ev, obj_first, obj_count);
        if (slot != KRT_NONE) {
            u32 q;

            PEEK(q);
            q = closing_quote(line, q < len ? q : (u32)len);
            if (!krt_event_add(ev, slot, KRT_V_STRING, line + t + 1,
                               q - t - 1, has_backslash(fs->bs, t + 1, q)
                                          ? KRT_VF_ESCAPED : 0, KRT_NONE))
                return false;
        }
    } else if (c == '{') {
        goto open_object;
    } else if (c == '[') {
        if (depth == KRT_MAX_DEPTH
            || (node != KRT_NONE && fs->nodes[node].special))
            return false;
        f = &fs->frames[depth++];
        f->node = node;
        f->obj_first = obj_first;
        f->obj_count = obj_count;
        f->leaves = leaves;
        f->kfirst = nkeys;
        f->array = true;
        PEEK(t);
        if (t < len && line[t] == ']') {
            cur &= cur - 1;
            goto close;
        }
        obj_first = ev->nvals;
        obj_count = 0;
        goto value;
    } else {
        const unsigned char *q;
        unsigned kind = scalar_token(line + t, end, &q);

        if (kind == 0)
            return false;
        /* as the reference scan's scalar() */
        if (kind != KRT_V_NULL) {
            leaves++;
            if (obj_count)
                settle(ev, obj_first, obj_count);
        }
        if (slot != KRT_NONE
            && !krt_event_add(ev, slot, kind, line + t,
                              (size_t)(q - line - t), 0, KRT_NONE))
            return false;
    }

after:
    NEXT(t);
    if (t >= len)
        return false;
    c = line[t];
    if (c == ',') {
        if (!f->array) {
            NEXT(t);
            if (t >= len)
                return false;
            goto key;
        }
        node = f->node;
        obj_first = ev->nvals;
        obj_count = 0;
        goto value;
    }
    if (c != (f->array ? ']' : '}'))
        return false;

close:
    if (leaves > f->leaves && f->obj_count)
        settle(ev, f->obj_first, f->obj_count);
    nkeys = f->kfirst;
    if (--depth == 0) {
        PEEK(t);
        return t >= len; /* nothing after the object */
    }
    f = &fs->frames[depth - 1];
    goto after;
}

/* ----------------------------------------------------------- the path */

bool
krt_fast_path_supported(enum krt_scan_path path)
{
    switch (path) {
    case KRT_PATH_PORTABLE:
        return FAST_OK;
#if FAST_X86
    case KRT_PATH_SSE2:
        return __builtin_cpu_supports("sse2");
    case KRT_PATH_AVX2:
        return __builtin_cpu_supports("avx2")
               && __builtin_cpu_supports("popcnt")
               && __builtin_cpu_supports("bmi")
               && __builtin_cpu_supports("bmi2");
    case KRT_PATH_AVX512:
        return __builtin_cpu_supports("avx512f")
               && __builtin_cpu_supports("avx512bw")
               && __builtin_cpu_supports("popcnt")
               && __builtin_cpu_supports("bmi")
               && __builtin_cpu_supports("bmi2");
#endif
    default:
        return false;
    }
}

struct krt_fast *
krt_fast_new(const struct krt_field *fields, krt_u32 nfields,
             const krt_u32 *field_slot, enum krt_scan_path path)
{
    struct krt_fast *fs;

    if (!krt_fast_path_supported(path))
        return NULL;
    fs = calloc(1, sizeof *fs);
    if (!fs)
        return NULL;
    fs->path = path;
    fs->frames = malloc(KRT_MAX_DEPTH * sizeof *fs->frames);
    if (!fs->frames || !build_trie(fs, fields, nfields, field_slot)) {
        krt_fast_free(fs);
        return NULL;
    }
    return fs;
}

void
krt_fast_free(struct krt_fast *fs)
{
    if (!fs)
        return;
    free(fs->nodes);
    free(fs->edges);
    free(fs->tm);
    free(fs->keys);
    free(fs->seen);
    free(fs->frames);
    free(fs);
}

/* Room for a line of 'len' bytes; false when out of memory. */
static bool
reserve_line(struct krt_fast *fs, size_t len)
{
    size_t nbs = len / 64 + 2;

    if (nbs > fs->capbs) {
        free(fs->tm);
        nbs *= 2;
        fs->tm = malloc(nbs * 4 * sizeof *fs->tm);
        fs->capbs = fs->tm ? nbs : 0;
        if (!fs->tm)
            return false;
        fs->bs = fs->tm + nbs;
        fs->odd = fs->tm + nbs * 2;
        fs->dots = fs->tm + nbs * 3;
    }
    return true;
}

/* A new stamp for the keys of a line; on wrap-around, clear them. */
static void
next_stamp(struct krt_fast *fs)
{
    fs->nseen = 0;
    if (++fs->stamp == 0) {
        if (fs->seen)
            memset(fs->seen, 0, ((size_t)fs->smask + 1) * sizeof *fs->seen);
        fs->stamp = 1;
    }
}

bool
krt_fast_scan(struct krt_fast *fs, struct krt_event *ev, const char *line,
              size_t len)
{
    const unsigned char *p = (const unsigned char *)line;
    bool ok;

    if (len > FAST_MAX_LINE || !reserve_line(fs, len))
        return false;
    switch (fs->path) {
#if FAST_X86
    case KRT_PATH_AVX512:
        ok = stage1_avx512(fs, p, len);
        break;
    case KRT_PATH_AVX2:
        ok = stage1_avx2(fs, p, len);
        break;
    case KRT_PATH_SSE2:
        ok = stage1_sse2(fs, p, len);
        break;
#endif
    default:
        ok = stage1_portable(fs, p, len);
        break;
    }
    if (!ok)
        return false;
    next_stamp(fs);
    return stage2(fs, ev, p, len);
}
