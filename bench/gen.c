/* bench/gen.c - kqlc's benchmark data: synthetic ECS network events.
 *
 * Writes NDJSON events in the shapes of four integrations: Zeek
 * connection and SMTP logs, Elastic's network_traffic flows, PAN-OS
 * traffic logs and pfSense filterlog, as Filebeat or Elastic Agent
 * would store them.  Everything is made up from a seed: the same seed
 * and options give the same bytes.  Internal hosts sit in the private
 * ranges of RFC 1918 and RFC 4193, outside hosts in the documentation
 * ranges of RFC 5737 (IPv4) and RFC 3849 (IPv6); names live under
 * example.com.
 *
 * A chosen fraction of events are hits of Elastic's rule "SMTP to the
 * Internet on Port 26/TCP", and another fraction near misses: events
 * one condition away from a hit.  No other event can match the rule
 * (no other event has destination port 26), so the count of hits it
 * prints is the count a correct detector finds.
 *
 * The rule excludes every documentation block of RFC 5737, so a hit
 * goes from a private IPv4 address to 2001:db8::/32, which it does not
 * exclude; IPv4 documentation destinations make near misses.
 *
 * Documents vary the way real exports do: nested objects, dotted keys
 * ("destination.port": 26) and mixes of the two, arrays, IPv6 written
 * compressed, in full or in capitals, IPv4-mapped sources, numbers
 * written as strings, and strings with escapes.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUT_CAP (1u << 20)     /* output buffer */
#define OUT_FLUSH (OUT_CAP - 32768u)
#define MAX_FIELDS 160
#define VALS_CAP 16384         /* the JSON text of one event's values */
#define MAX_DEPTH 8

/* ------------------------------------------------------------ random */

/* splitmix64: small state, fast, good enough for test data. */
struct rng {
    uint64_t s;
};

static uint64_t
rnd(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A number in [0, 'n'); the modulo bias is nothing at these sizes. */
static uint32_t
below(struct rng *r, uint32_t n)
{
    return (uint32_t)(rnd(r) % n);
}

static double
unit(struct rng *r)
{
    return (double)(rnd(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* True with probability 'p'. */
static int
chance(struct rng *r, double p)
{
    return unit(r) < p;
}

#define PICK(r, a) ((a)[below((r), sizeof(a) / sizeof((a)[0]))])

/* ----------------------------------------------------------- output */

struct out {
    char *p;
    size_t len;
    int fd;
};

/* Write the buffer out.  A reader that went away (EPIPE) ends the
 * program quietly with status 0: 'gen --stream | head' is normal use. */
static void
out_flush(struct out *o)
{
    size_t done = 0;

    while (done < o->len) {
        ssize_t n = write(o->fd, o->p + done, o->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EPIPE)
            exit(0);
        if (n < 0) {
            fprintf(stderr, "gen: write: %s\n", strerror(errno));
            exit(2);
        }
        done += (size_t)n;
    }
    o->len = 0;
}

static void
out_mem(struct out *o, const char *s, size_t n)
{
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

static void
out_chr(struct out *o, char c)
{
    o->p[o->len++] = c;
}

/* ------------------------------------------------------------ events */

/* One field of an event: its dotted ECS name and the JSON text of its
 * value, which lives in the event's 'vals'. */
struct field {
    const char *name;
    uint32_t off;
    uint32_t len;
};

/* Key styles of one document. */
enum style {
    NESTED,     /* {"destination":{"port":26}}, as Filebeat writes */
    DOTTED,     /* {"destination.port":26}, every field flat */
    MIXED       /* each top-level group nested, flat or half of each */
};

/* An event under construction: fields in the order written.  Fields
 * sharing a prefix are added next to each other, so whatever nesting
 * the serialiser chooses, no object repeats a key. */
struct event {
    struct field f[MAX_FIELDS];
    int nf;
    char vals[VALS_CAP];
    size_t vlen;
};

static void
val_begin(struct event *ev, const char *name)
{
    if (ev->nf == MAX_FIELDS || ev->vlen > VALS_CAP - 1024) {
        fprintf(stderr, "gen: internal error: event too large\n");
        abort();
    }
    ev->f[ev->nf].name = name;
    ev->f[ev->nf].off = (uint32_t)ev->vlen;
}

static void
val_end(struct event *ev)
{
    struct field *f = &ev->f[ev->nf++];

    f->len = (uint32_t)(ev->vlen - f->off);
}

static void
v_raw(struct event *ev, const char *s)
{
    size_t n = strlen(s);

    memcpy(ev->vals + ev->vlen, s, n);
    ev->vlen += n;
}

static void
v_chr(struct event *ev, char c)
{
    ev->vals[ev->vlen++] = c;
}

static void
v_uint(struct event *ev, uint64_t u)
{
    char tmp[24];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    while (n > 0)
        ev->vals[ev->vlen++] = tmp[--n];
}

/* 'u' with 'digits' decimals: v_fixed(ev, 76967, 6) is 0.076967. */
static void
v_fixed(struct event *ev, uint64_t u, int digits)
{
    uint64_t scale = 1;
    char tmp[24];
    int i;

    for (i = 0; i < digits; i++)
        scale *= 10;
    v_uint(ev, u / scale);
    v_chr(ev, '.');
    u %= scale;
    for (i = digits - 1; i >= 0; i--) {
        tmp[i] = (char)('0' + u % 10);
        u /= 10;
    }
    memcpy(ev->vals + ev->vlen, tmp, (size_t)digits);
    ev->vlen += (size_t)digits;
}

/* A JSON string: quotes, backslashes and control characters escaped,
 * other text (UTF-8 included) as it is. */
static void
v_str(struct event *ev, const char *s)
{
    static const char hex[] = "0123456789abcdef";

    v_chr(ev, '"');
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            v_chr(ev, '\\');
            v_chr(ev, (char)c);
        } else if (c == '\n') {
            v_raw(ev, "\\n");
        } else if (c == '\t') {
            v_raw(ev, "\\t");
        } else if (c < 0x20) {
            v_raw(ev, "\\u00");
            v_chr(ev, hex[c >> 4]);
            v_chr(ev, hex[c & 15]);
        } else {
            v_chr(ev, (char)c);
        }
    }
    v_chr(ev, '"');
}

static void
f_str(struct event *ev, const char *name, const char *s)
{
    val_begin(ev, name);
    v_str(ev, s);
    val_end(ev);
}

/* A value already written as JSON: true, a number, "pre\u0022escaped". */
static void
f_raw(struct event *ev, const char *name, const char *json)
{
    val_begin(ev, name);
    v_raw(ev, json);
    val_end(ev);
}

static void
f_uint(struct event *ev, const char *name, uint64_t u)
{
    val_begin(ev, name);
    v_uint(ev, u);
    val_end(ev);
}

/* A number written as a string, as pipelines that skip type conversion
 * store it: "12". */
static void
f_uint_str(struct event *ev, const char *name, uint64_t u)
{
    val_begin(ev, name);
    v_chr(ev, '"');
    v_uint(ev, u);
    v_chr(ev, '"');
    val_end(ev);
}

static void
f_bool(struct event *ev, const char *name, int b)
{
    f_raw(ev, name, b ? "true" : "false");
}

/* An array of 'n' strings. */
static void
f_strs(struct event *ev, const char *name, int n, const char *const *s)
{
    int i;

    val_begin(ev, name);
    v_chr(ev, '[');
    for (i = 0; i < n; i++) {
        if (i > 0)
            v_chr(ev, ',');
        v_str(ev, s[i]);
    }
    v_chr(ev, ']');
    val_end(ev);
}

/* ------------------------------------------------------- serialiser */

/* How many leading parts of a dotted name become objects. */
static int
split_depth(enum style st, int k, int parts)
{
    if (st == NESTED)
        return parts - 1;
    if (st == DOTTED)
        return 0;
    return k < parts - 1 ? k : parts - 1;
}

/* Length of the first 'd' parts of 'name', without the final dot. */
static size_t
prefix_len(const char *name, int d)
{
    const char *p = name;

    while (d > 0) {
        p = strchr(p, '.') + 1;
        d--;
    }
    return (size_t)(p - name) - 1;
}

/* Index of the first dot-separated part where 'a' and 'b' differ,
 * counting at most 'max' parts. */
static int
common_parts(const char *a, const char *b, int max)
{
    int n = 0;

    while (n < max) {
        while (*a == *b && *a != '.' && *a != '\0') {
            a++;
            b++;
        }
        if (*a != *b || *a == '\0')
            return n;
        a++;
        b++;
        n++;
    }
    return n;
}

static int
count_parts(const char *name)
{
    int n = 1;

    for (; *name != '\0'; name++)
        n += *name == '.';
    return n;
}

static void
out_key(struct out *o, const char *s, size_t n)
{
    out_chr(o, '"');
    out_mem(o, s, n);
    out_chr(o, '"');
    out_chr(o, ':');
}

/* Write the event as one line.  'open' holds the name whose first
 * 'depth' parts are the objects open now. */
static void
serialise(struct out *o, struct event *ev, enum style st, struct rng *r)
{
    const char *open = "";
    int depth = 0, k = 0, i;
    int nonempty[MAX_DEPTH + 1] = { 0 };

    out_chr(o, '{');
    for (i = 0; i < ev->nf; i++) {
        const char *name = ev->f[i].name;
        int parts = count_parts(name);
        int same_group = common_parts(open, name, 1) == 1;
        int d, keep;

        if (!same_group)
            k = (int)below(r, 3);
        d = split_depth(st, k, parts);
        assert(d < MAX_DEPTH);
        keep = common_parts(open, name, depth < d ? depth : d);
        for (; depth > keep; depth--)
            out_chr(o, '}');
        for (; depth < d; depth++) {
            const char *part = name + (depth == 0 ? 0
                                   : prefix_len(name, depth) + 1);
            if (nonempty[depth])
                out_chr(o, ',');
            nonempty[depth] = 1;
            out_key(o, part, strcspn(part, "."));
            out_chr(o, '{');
            nonempty[depth + 1] = 0;
        }
        open = name;
        if (nonempty[depth])
            out_chr(o, ',');
        nonempty[depth] = 1;
        {
            const char *leaf = name + (d == 0 ? 0 : prefix_len(name, d) + 1);
            out_key(o, leaf, strlen(leaf));
        }
        out_mem(o, ev->vals + ev->f[i].off, ev->f[i].len);
    }
    for (; depth > 0; depth--)
        out_chr(o, '}');
    out_mem(o, "}\n", 2);
}

/* --------------------------------------------------------- addresses */

/* An address as written in the event. */
struct addr {
    char t[48];
    int v6;
};

/* Decimal digits of 'u' at 'p'; returns the end. */
static char *
put_dec(char *p, unsigned u)
{
    char tmp[12];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    while (n > 0)
        *p++ = tmp[--n];
    return p;
}

/* 'u' in exactly 'w' digits, zeros in front. */
static char *
put_dec_w(char *p, unsigned u, int w)
{
    int i;

    for (i = w - 1; i >= 0; i--) {
        p[i] = (char)('0' + u % 10);
        u /= 10;
    }
    return p + w;
}

static void
ip4_text(struct addr *a, uint32_t ip)
{
    char *p = a->t;
    int shift;

    for (shift = 24; shift >= 0; shift -= 8) {
        p = put_dec(p, (ip >> shift) & 255);
        *p++ = shift > 0 ? '.' : '\0';
    }
    a->v6 = 0;
}

/* IPv6 text of eight groups: compressed and lower case (the usual), in
 * capitals, or in full with no compression ('form' 0, 1, 2). */
static void
ip6_text(struct addr *a, const uint16_t g[8], int form)
{
    int best = -1, best_len = 1, i, run;
    char *p = a->t;

    for (i = 0; i < 8 && form != 2; i += run > 0 ? run : 1) {
        for (run = 0; i + run < 8 && g[i + run] == 0; run++)
            ;
        if (run > best_len) {
            best = i;
            best_len = run;
        }
    }
    for (i = 0; i < 8; i++) {
        if (i == best) {
            p += sprintf(p, i == 0 ? "::" : ":");
            i += best_len - 1;
            continue;
        }
        p += form == 1 ? sprintf(p, "%X", g[i])
             : form == 2 ? sprintf(p, "%04x", g[i]) : sprintf(p, "%x", g[i]);
        if (i < 7)
            *p++ = ':';
    }
    *p = '\0';
    a->v6 = 1;
}

/* An inside host: a workstation or server address of RFC 1918. */
static uint32_t
inside4(struct rng *r)
{
    static const uint32_t nets[] = {
        0x0a140000, /* 10.20.0.0/16 offices */
        0x0a400000, /* 10.64.0.0/16 servers */
        0xac102800, /* 172.16.40.0/22 */
        0xac1e0000, /* 172.30.0.0/16 */
        0xc0a80100, /* 192.168.1.0/24 */
        0xc0a83200, /* 192.168.50.0/24 */
    };
    static const uint32_t masks[] = {
        0xffff, 0xffff, 0x3ff, 0xffff, 0xff, 0xff
    };
    uint32_t i = below(r, 6);

    return nets[i] | (1 + below(r, masks[i] - 1));
}

/* An outside host of RFC 5737. */
static uint32_t
outside4(struct rng *r)
{
    static const uint32_t nets[] = { 0xc0000200, 0xc6336400, 0xcb007100 };

    return PICK(r, nets) | (1 + below(r, 254));
}

/* An inside host of RFC 4193 (fd7a:3c2e:91b0::/48). */
static void
inside6(struct rng *r, struct addr *a)
{
    uint16_t g[8] = { 0xfd7a, 0x3c2e, 0x91b0, 0, 0, 0, 0, 0 };

    g[3] = (uint16_t)below(r, 16);
    if (chance(r, 0.5)) {
        g[7] = (uint16_t)(1 + below(r, 4000));
    } else {
        g[4] = (uint16_t)rnd(r);
        g[5] = (uint16_t)rnd(r);
        g[6] = (uint16_t)rnd(r);
        g[7] = (uint16_t)rnd(r);
    }
    ip6_text(a, g, 0);
}

/* An outside host of RFC 3849 (2001:db8::/32); 'form' as ip6_text. */
static void
outside6(struct rng *r, struct addr *a, int form)
{
    uint16_t g[8] = { 0x2001, 0x0db8, 0, 0, 0, 0, 0, 0 };

    g[2] = (uint16_t)below(r, 0x100);
    g[3] = (uint16_t)below(r, 4);
    g[7] = (uint16_t)(1 + below(r, 0x2000));
    if (chance(r, 0.3))
        g[6] = (uint16_t)rnd(r);
    ip6_text(a, g, form);
}

/* A destination the rule excludes though it is no RFC 1918 address:
 * shared, loopback, link-local, documentation, benchmarking, multicast,
 * reserved; IPv6 loopback, link-local and multicast. */
static void
excluded_dest(struct rng *r, struct addr *a)
{
    static const uint32_t v4[] = {
        0x64400000, 0x7f000000, 0xa9fe0000, 0xc0000200, 0xc6336400,
        0xcb007100, 0xc6120000, 0xe0000000, 0xf0000000, 0xc0000000,
    };
    static const uint16_t v6[][8] = {
        { 0, 0, 0, 0, 0, 0, 0, 1 },
        { 0xfe80, 0, 0, 0, 0x21c, 0x42ff, 0xfe13, 0x5a0c },
        { 0xfebf, 0, 0, 0, 0, 0, 0, 0x26 },
        { 0xff02, 0, 0, 0, 0, 0, 0, 0xfb },
        { 0xff05, 0, 0, 0, 0, 0, 1, 3 },
    };
    uint32_t i = below(r, 14);

    if (i < 10)
        ip4_text(a, v4[i] | (1 + below(r, 200)));
    else
        ip6_text(a, v6[i - 10], (int)below(r, 3));
}

/* ------------------------------------------------------------- flows */

enum verdict { BACKGROUND, HIT, NEAR };

/* How much a document says beyond the fields the rule reads: most are
 * lean, as exports trimmed to the fields people search are, so that a
 * million events make about 540 MB. */
enum detail { LEAN, USUAL, FULL };

/* Where the rule's first clause comes from in a document. */
enum category {
    CAT_ARRAY,      /* "event.category": ["network"] */
    CAT_STRING,     /* "event.category": "network" */
    CAT_LEGACY,     /* ["network_traffic"], older Packetbeat */
    CAT_NONE,       /* no event.category */
    CAT_OTHER       /* ["host"]: not a network event */
};

/* One connection, before a shape writes it as a document. */
struct flow {
    struct addr src, dst;
    unsigned sport, dport;
    const char *transport;    /* tcp, udp, icmp, or TCP (a near miss) */
    const char *service;      /* Zeek's service, PAN-OS's application */
    const char *direction;
    enum category cat;
    int dataset;              /* write data_stream.dataset */
    int port_str;             /* ports written as strings */
    int detail;               /* LEAN, USUAL or FULL */
    uint64_t ts_ms;           /* start, epoch milliseconds */
    uint64_t dur_us;
    uint64_t sbytes, dbytes, spkts, dpkts;
};

struct service {
    unsigned port;
    const char *transport;
    const char *name;
    unsigned weight;
};

/* Destination services of the background; none is on port 26. */
static const struct service services[] = {
    { 443, "tcp", "ssl", 30 },  { 53, "udp", "dns", 22 },
    { 80, "tcp", "http", 10 },  { 123, "udp", "ntp", 4 },
    { 22, "tcp", "ssh", 3 },    { 25, "tcp", "smtp", 2 },
    { 587, "tcp", "smtp", 2 },  { 993, "tcp", "imap", 2 },
    { 3389, "tcp", "rdp", 2 },  { 445, "tcp", "smb", 3 },
    { 8080, "tcp", "http", 2 }, { 5353, "udp", "dns", 3 },
    { 137, "udp", "netbios-ns", 2 }, { 8443, "tcp", "ssl", 2 },
    { 0, "icmp", "", 3 },       { 1514, "udp", "syslog", 1 },
    { 636, "tcp", "ldaps", 2 }, { 5222, "tcp", "xmpp", 1 },
};

static const struct service *
pick_service(struct rng *r)
{
    unsigned total = 0, i, x;

    for (i = 0; i < sizeof services / sizeof services[0]; i++)
        total += services[i].weight;
    x = below(r, total);
    for (i = 0; x >= services[i].weight; i++)
        x -= services[i].weight;
    return &services[i];
}

static void
flow_sizes(struct rng *r, struct flow *fl)
{
    fl->spkts = 1 + below(r, 40);
    fl->dpkts = below(r, 60);
    fl->sbytes = fl->spkts * (40 + below(r, 1400));
    fl->dbytes = fl->dpkts * (40 + below(r, 1400));
    fl->dur_us = chance(r, 0.05) ? below(r, 9) + 1 : below(r, 90000000);
    fl->sport = 1024 + below(r, 64511);
}

/* Ordinary traffic: inside to outside, inside to inside, outside in,
 * over IPv4 or IPv6. */
static void
background(struct rng *r, struct flow *fl)
{
    const struct service *s = pick_service(r);
    uint32_t way = below(r, 100);

    fl->dport = s->port;
    fl->transport = s->transport;
    fl->service = s->name;
    if (chance(r, 0.1)) {
        inside6(r, &fl->src);
        if (way < 60)
            outside6(r, &fl->dst, 0);
        else
            inside6(r, &fl->dst);
        fl->direction = way < 60 ? "outbound" : "internal";
        return;
    }
    ip4_text(&fl->src, way < 85 ? inside4(r) : outside4(r));
    ip4_text(&fl->dst, way < 55 ? outside4(r) : inside4(r));
    fl->direction = way < 55 ? "outbound" : way < 85 ? "internal"
                                                     : "inbound";
}

/* A hit: TCP to port 26, from a private IPv4 address (now and then
 * IPv4-mapped) to a public address. */
static void
hit(struct rng *r, struct flow *fl)
{
    fl->dport = 26;
    fl->transport = "tcp";
    fl->service = chance(r, 0.6) ? "smtp" : "";
    fl->direction = "outbound";
    if (chance(r, 0.05)) {
        ip4_text(&fl->src, inside4(r));
        memmove(fl->src.t + 7, fl->src.t, strlen(fl->src.t) + 1);
        memcpy(fl->src.t, "::ffff:", 7);
        fl->src.v6 = 1;
    } else {
        ip4_text(&fl->src, inside4(r));
    }
    outside6(r, &fl->dst, chance(r, 0.8) ? 0 : (int)below(r, 3));
}

/* A near miss: a hit with one condition broken. */
static void
near_miss(struct rng *r, struct flow *fl)
{
    static const unsigned ports[] = { 25, 2525, 260, 62, 27, 465, 587 };

    hit(r, fl);
    switch (below(r, 7)) {
    case 0:
        fl->transport = "udp";
        break;
    case 1:
        ip4_text(&fl->dst, inside4(r));
        fl->direction = "internal";
        break;
    case 2:
        fl->dport = PICK(r, ports);
        break;
    case 3:     /* an outside source: 172.32/16 lies just past 172.16/12 */
        ip4_text(&fl->src, chance(r, 0.5) ? outside4(r)
                                          : 0xac200000 | below(r, 65536));
        fl->direction = "inbound";
        break;
    case 4:
        excluded_dest(r, &fl->dst);
        break;
    case 5:     /* keyword fields are case-sensitive */
        fl->transport = "TCP";
        break;
    default:
        fl->cat = CAT_OTHER;
        fl->dataset = 0;
        break;
    }
}

/* ------------------------------------------------------------ pieces */

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void
civil(int64_t days, int *y, unsigned *m, unsigned *d)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;

    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400) + (*m <= 2);
}

/* ISO 8601 of epoch milliseconds 'ms' at UTC offset 'off' minutes
 * (0 writes Z). */
static void
iso_time(char *buf, uint64_t ms, int off)
{
    int64_t t = (int64_t)(ms / 1000) + off * 60;
    int y;
    unsigned mo, d, sec;
    char *p = buf;

    civil(t / 86400, &y, &mo, &d);
    sec = (unsigned)(t % 86400);
    p = put_dec_w(p, (unsigned)y, 4);
    *p++ = '-';
    p = put_dec_w(p, mo, 2);
    *p++ = '-';
    p = put_dec_w(p, d, 2);
    *p++ = 'T';
    p = put_dec_w(p, sec / 3600, 2);
    *p++ = ':';
    p = put_dec_w(p, sec / 60 % 60, 2);
    *p++ = ':';
    p = put_dec_w(p, sec % 60, 2);
    *p++ = '.';
    p = put_dec_w(p, (unsigned)(ms % 1000), 3);
    if (off == 0) {
        *p++ = 'Z';
    } else {
        *p++ = off < 0 ? '-' : '+';
        p = put_dec_w(p, (unsigned)abs(off) / 60, 2);
        *p++ = ':';
        p = put_dec_w(p, (unsigned)abs(off) % 60, 2);
    }
    *p = '\0';
}

static void
panos_time(char *buf, size_t n, uint64_t ms)
{
    int64_t t = (int64_t)(ms / 1000);
    int y;
    unsigned mo, d;

    civil(t / 86400, &y, &mo, &d);
    t %= 86400;
    snprintf(buf, n, "%04d/%02u/%02u %02u:%02u:%02u", y, mo, d,
             (unsigned)(t / 3600), (unsigned)(t / 60 % 60),
             (unsigned)(t % 60));
}

static void
f_time(struct event *ev, const char *name, uint64_t ms, int off)
{
    char buf[40];

    iso_time(buf, ms, off);
    f_str(ev, name, buf);
}

/* 'n' random characters of 'alphabet' into 'buf' (NUL-terminated). */
static void
rnd_chars(struct rng *r, char *buf, int n, const char *alphabet)
{
    size_t k = strlen(alphabet);
    int i;

    for (i = 0; i < n; i++)
        buf[i] = alphabet[rnd(r) % k];
    buf[n] = '\0';
}

static const char b62[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* A Zeek connection uid: C and 17 characters. */
static void
zeek_uid(struct rng *r, char *buf)
{
    buf[0] = 'C';
    rnd_chars(r, buf + 1, 17, b62);
}

static void
community_id(struct rng *r, char *buf)
{
    memcpy(buf, "1:", 2);
    rnd_chars(r, buf + 2, 27, b64);
    buf[29] = '=';
    buf[30] = '\0';
}

static void
uuid(struct rng *r, char *buf)
{
    uint64_t a = rnd(r), b = rnd(r);

    snprintf(buf, 37, "%08x-%04x-4%03x-%04x-%012" PRIx64,
             (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
             (unsigned)a & 0xfff, (unsigned)(b >> 48 & 0x3fff) | 0x8000,
             b & 0xffffffffffffu);
}

/* Made-up places for documentation addresses. */
struct place {
    const char *city, *continent, *iso, *country, *region_iso, *region;
    int lat, lon;    /* ten-thousandths of a degree */
};

static const struct place places[] = {
    { "Tampere", "Europe", "FI", "Finland", "FI-11", "Pirkanmaa",
      615000, 237600 },
    { "Québec", "North America", "CA", "Canada", "CA-QC", "Québec",
      468100, -712100 },
    { "Kraków", "Europe", "PL", "Poland", "PL-12", "Małopolskie",
      500600, 199400 },
    { "Curitiba", "South America", "BR", "Brazil", "BR-PR", "Paraná",
      -254300, -492700 },
    { "Osaka", "Asia", "JP", "Japan", "JP-27", "Ōsaka",
      346900, 1355000 },
    { "Zürich", "Europe", "CH", "Switzerland", "CH-ZH", "Zürich",
      473800, 85400 },
};

static const char *const geo_names[2][10] = {
    { "source.geo.city_name", "source.geo.continent_name",
      "source.geo.country_iso_code", "source.geo.country_name",
      "source.geo.location.lat", "source.geo.location.lon",
      "source.geo.region_iso_code", "source.geo.region_name",
      "source.as.number", "source.as.organization.name" },
    { "destination.geo.city_name", "destination.geo.continent_name",
      "destination.geo.country_iso_code", "destination.geo.country_name",
      "destination.geo.location.lat", "destination.geo.location.lon",
      "destination.geo.region_iso_code", "destination.geo.region_name",
      "destination.as.number", "destination.as.organization.name" },
};

static void
f_degrees(struct event *ev, const char *name, int v)
{
    val_begin(ev, name);
    if (v < 0)
        v_chr(ev, '-');
    v_fixed(ev, (uint64_t)(v < 0 ? -v : v), 4);
    val_end(ev);
}

/* AS numbers of RFC 5398 (documentation) and made-up organisations. */
static void
as_block(struct rng *r, struct event *ev, int w)
{
    static const char *const orgs[] = {
        "Example Transit Networks", "Documentation Hosting AB",
        "Exemplo Telecom S.A.", "Sample Cloud \"Edge\" Services",
    };

    f_uint(ev, geo_names[w][8], 64496 + below(r, 16));
    f_str(ev, geo_names[w][9], PICK(r, orgs));
}

static void
geo_block(struct rng *r, struct event *ev, int w)
{
    const struct place *p = &PICK(r, places);

    f_str(ev, geo_names[w][0], p->city);
    f_str(ev, geo_names[w][1], p->continent);
    f_str(ev, geo_names[w][2], p->iso);
    f_str(ev, geo_names[w][3], p->country);
    f_degrees(ev, geo_names[w][4], p->lat);
    f_degrees(ev, geo_names[w][5], p->lon);
    f_str(ev, geo_names[w][6], p->region_iso);
    f_str(ev, geo_names[w][7], p->region);
}

/* An address outside the private ranges (geo and AS data apply). */
static int
is_outside(const struct addr *a)
{
    return strncmp(a->t, "192.0.2.", 8) == 0
        || strncmp(a->t, "198.51.100.", 11) == 0
        || strncmp(a->t, "203.0.113.", 10) == 0
        || strncmp(a->t, "2001:", 5) == 0;
}

static void
f_port(struct event *ev, const char *name, unsigned port, int as_str)
{
    if (as_str)
        f_uint_str(ev, name, port);
    else
        f_uint(ev, name, port);
}

static void
f_category(struct event *ev, enum category c)
{
    static const char *const cat[] = {
        "[\"network\"]", "\"network\"", "[\"network_traffic\"]", NULL,
        "[\"host\"]"
    };

    if (cat[c] != NULL)
        f_raw(ev, "event.category", cat[c]);
}

/* The addresses of a flow, as related.ip. */
static void
f_related_ip(struct event *ev, const struct flow *fl)
{
    const char *ips[2] = { fl->src.t, fl->dst.t };

    f_strs(ev, "related.ip", 2, ips);
}

static void
f_ecs(struct event *ev, const struct flow *fl)
{
    if (fl->detail != LEAN)
        f_str(ev, "ecs.version", "8.11.0");
}

static void
f_data_stream(struct event *ev, const struct flow *fl, const char *ds)
{
    if (!fl->dataset)
        return;
    f_str(ev, "data_stream.dataset", ds);
    if (fl->detail == LEAN)
        return;
    f_str(ev, "data_stream.namespace", "default");
    f_str(ev, "data_stream.type", "logs");
}

/* ------------------------------------------------------------ shapes */

enum {
    EP_ADDRESS = 1,     /* source.address beside source.ip */
    EP_COUNTS = 2,      /* bytes and packets */
    EP_GEO = 4,         /* geo and AS of an outside address */
    EP_NAT = 8          /* PAN-OS's translated address and port */
};

static const char *const ep_names[2][7] = {
    { "source.address", "source.bytes", "source.ip", "source.nat.ip",
      "source.nat.port", "source.packets", "source.port" },
    { "destination.address", "destination.bytes", "destination.ip",
      "destination.nat.ip", "destination.nat.port", "destination.packets",
      "destination.port" },
};

/* source.* ('w' 0) or destination.* ('w' 1) of a flow. */
static void
endpoint(struct rng *r, struct event *ev, const struct flow *fl, int w,
         unsigned flags)
{
    const struct addr *a = w == 0 ? &fl->src : &fl->dst;
    unsigned port = w == 0 ? fl->sport : fl->dport;
    int outside;

    if (fl->detail == LEAN)
        flags &= EP_NAT;
    outside = is_outside(a) && (flags & EP_GEO) && chance(r, 0.7);

    if (flags & EP_ADDRESS)
        f_str(ev, ep_names[w][0], a->t);
    if (outside)
        as_block(r, ev, w);
    if (flags & EP_COUNTS)
        f_uint(ev, ep_names[w][1], w == 0 ? fl->sbytes : fl->dbytes);
    if (outside)
        geo_block(r, ev, w);
    f_str(ev, ep_names[w][2], a->t);
    if ((flags & EP_NAT) && !a->v6) {
        struct addr nat;
        ip4_text(&nat, w == 0 ? 0xc6336400 | (1 + below(r, 254))
                              : 0xc0a80100 | (1 + below(r, 254)));
        f_str(ev, ep_names[w][3], w == 0 ? nat.t : a->t);
        f_port(ev, ep_names[w][4], w == 0 ? 1024 + below(r, 60000) : port,
               fl->port_str);
    }
    if (flags & EP_COUNTS)
        f_uint(ev, ep_names[w][5], w == 0 ? fl->spkts : fl->dpkts);
    if (port != 0 || strcmp(fl->transport, "icmp") != 0)
        f_port(ev, ep_names[w][6], port, fl->port_str);
}

static const char *const conn_states[][2] = {
    { "SF", "Connection set up and closed normally." },
    { "S0", "Attempt seen, no reply." },
    { "S1", "Set up, not closed." },
    { "REJ", "Attempt rejected." },
    { "RSTO", "Set up, the originator aborted it (RST)." },
    { "SH", "Originator sent SYN then FIN, no SYN-ACK from the responder." },
    { "OTH", "No SYN seen, only midstream traffic." },
};

/* The raw Zeek conn.log line that Filebeat keeps as event.original:
 * JSON inside a JSON string, so every quote is escaped. */
static void
zeek_conn_original(struct event *ev, const struct flow *fl,
                   const char *uid, int st)
{
    char buf[1024];

    snprintf(buf, sizeof buf,
             "{\"ts\":%" PRIu64 ".%03u%03u,\"uid\":\"%s\",\"id.orig_h\":"
             "\"%s\",\"id.orig_p\":%u,\"id.resp_h\":\"%s\",\"id.resp_p\":"
             "%u,\"proto\":\"%s\",\"service\":\"%s\",\"duration\":%.6f,"
             "\"orig_bytes\":%" PRIu64 ",\"resp_bytes\":%" PRIu64 ","
             "\"conn_state\":\"%s\",\"missed_bytes\":0,\"history\":"
             "\"ShADadFf\",\"orig_pkts\":%" PRIu64 ",\"resp_pkts\":%" PRIu64
             ",\"tunnel_parents\":[]}",
             fl->ts_ms / 1000, (unsigned)(fl->ts_ms % 1000),
             (unsigned)(fl->dur_us % 1000), uid, fl->src.t, fl->sport,
             fl->dst.t, fl->dport, fl->transport, fl->service,
             (double)fl->dur_us / 1e6, fl->sbytes, fl->dbytes,
             conn_states[st][0], fl->spkts, fl->dpkts);
    f_str(ev, "event.original", buf);
}

/* Zeek conn.log through Filebeat's zeek module (zeek.connection). */
static void
zeek_conn(struct rng *r, struct event *ev, const struct flow *fl)
{
    char uid[20], cid[32];
    int st = (int)below(r, 7);
    const char *types[3] = { "connection", "start", "end" };

    zeek_uid(r, uid);
    community_id(r, cid);
    f_time(ev, "@timestamp", fl->ts_ms, 0);
    f_data_stream(ev, fl, "zeek.connection");
    endpoint(r, ev, fl, 1, EP_ADDRESS | EP_COUNTS | EP_GEO);
    f_ecs(ev, fl);
    f_category(ev, fl->cat);
    f_uint(ev, "event.duration", fl->dur_us * 1000);
    if (fl->detail != LEAN)
        f_str(ev, "event.id", uid);
    f_str(ev, "event.kind", "event");
    if (fl->detail == FULL)
        zeek_conn_original(ev, fl, uid, st);
    if (fl->detail != LEAN)
        f_strs(ev, "event.type", 3, types);
    f_uint(ev, "network.bytes", fl->sbytes + fl->dbytes);
    if (fl->detail != LEAN)
        f_str(ev, "network.community_id", cid);
    f_str(ev, "network.direction", fl->direction);
    f_uint(ev, "network.packets", fl->spkts + fl->dpkts);
    if (fl->service[0] != '\0')
        f_str(ev, "network.protocol", fl->service);
    f_str(ev, "network.transport", fl->transport);
    if (fl->detail != LEAN)
        f_related_ip(ev, fl);
    endpoint(r, ev, fl, 0, EP_ADDRESS | EP_COUNTS);
    if (fl->detail != LEAN) {
        f_str(ev, "zeek.connection.history", st == 0 ? "ShADadFf" : "S");
        f_bool(ev, "zeek.connection.local_orig", !is_outside(&fl->src));
        f_bool(ev, "zeek.connection.local_resp", !is_outside(&fl->dst));
    }
    f_str(ev, "zeek.connection.state", conn_states[st][0]);
    if (fl->detail == FULL)
        f_str(ev, "zeek.connection.state_message", conn_states[st][1]);
    f_str(ev, "zeek.session_id", uid);
}

static const char *const users[] = {
    "amoreau", "jsato", "kokafor", "lnguyen", "mrossi", "pkowalski",
    "svargas", "tlindqvist", "hmuller", "ebrennan", "dokonkwo", "yhaddad",
};

/* Zeek smtp.log through Filebeat's zeek module (zeek.smtp). */
static void
zeek_smtp(struct rng *r, struct event *ev, const struct flow *fl)
{
    static const char *const subjects[] = {
        "Quarterly report \"Q3\" - final",
        "Re: naïve question about C:\\Shares\\Finance",
        "Invoice 2026-0117\tdue",
        "Line one\nline two",
        "Réunion: café à 10h",
        "Fwd: build #4512 failed",
    };
    char uid[20], cid[32], from[64], to[64];
    const char *types[2] = { "connection", "protocol" };
    const char *rcpt[1] = { to };
    const char *path[2] = { fl->dst.t, fl->src.t };

    zeek_uid(r, uid);
    community_id(r, cid);
    snprintf(from, sizeof from, "<%s@example.com>", PICK(r, users));
    snprintf(to, sizeof to, "<%s@example.net>", PICK(r, users));
    f_time(ev, "@timestamp", fl->ts_ms, 0);
    f_data_stream(ev, fl, "zeek.smtp");
    endpoint(r, ev, fl, 1, EP_ADDRESS);
    f_ecs(ev, fl);
    f_category(ev, fl->cat);
    f_str(ev, "event.dataset", "zeek.smtp");
    f_str(ev, "event.id", uid);
    f_str(ev, "event.kind", "event");
    f_strs(ev, "event.type", 2, types);
    if (fl->detail != LEAN)
        f_str(ev, "network.community_id", cid);
    f_str(ev, "network.protocol", "smtp");
    f_str(ev, "network.transport", fl->transport);
    if (fl->detail != LEAN)
        f_related_ip(ev, fl);
    endpoint(r, ev, fl, 0, EP_ADDRESS);
    if (fl->detail != LEAN)
        f_bool(ev, "tls.established", chance(r, 0.4));
    f_str(ev, "zeek.session_id", uid);
    f_str(ev, "zeek.smtp.from", from);
    if (fl->detail != LEAN) {
        f_str(ev, "zeek.smtp.helo", "mail.example.com");
        f_str(ev, "zeek.smtp.last_reply",
              "250 2.0.0 Ok: queued as 4F2A61C03B");
        f_str(ev, "zeek.smtp.mail_from", from);
        f_strs(ev, "zeek.smtp.path", 2, path);
    }
    f_strs(ev, "zeek.smtp.rcpt_to", 1, rcpt);
    f_str(ev, "zeek.smtp.subject", PICK(r, subjects));
    if (fl->detail != LEAN) {
        f_strs(ev, "zeek.smtp.to", 1, rcpt);
        f_uint(ev, "zeek.smtp.transaction_depth", 1 + below(r, 3));
    }
}

/* Elastic Agent's network_traffic integration: a flow record
 * (network_traffic.flow). */
static void
nt_flow(struct rng *r, struct event *ev, const struct flow *fl)
{
    char id[40], cid[32], flow_id[48], mac[20];
    const char *types[2] = { "connection", "end" };
    const char *host_ip[1] = { "10.64.0.12" };
    const char *host_mac[1] = { mac };

    uuid(r, id);
    community_id(r, cid);
    rnd_chars(r, flow_id, 44, b64);
    snprintf(mac, sizeof mac, "02-42-AC-%02X-%02X-%02X", below(r, 256),
             below(r, 256), below(r, 256));
    f_time(ev, "@timestamp", fl->ts_ms + fl->dur_us / 1000 + 900, 0);
    if (fl->detail != LEAN) {
        f_str(ev, "agent.id", id);
        f_str(ev, "agent.name", "nta-collector-03");
        f_str(ev, "agent.type", "packetbeat");
        f_str(ev, "agent.version", "8.13.4");
    }
    f_data_stream(ev, fl, "network_traffic.flow");
    endpoint(r, ev, fl, 1, EP_COUNTS);
    f_ecs(ev, fl);
    f_str(ev, "event.action", "network_flow");
    f_category(ev, fl->cat);
    f_str(ev, "event.dataset", "network_traffic.flow");
    f_uint(ev, "event.duration", fl->dur_us * 1000);
    if (fl->detail != LEAN)
        f_time(ev, "event.end", fl->ts_ms + fl->dur_us / 1000, 0);
    f_str(ev, "event.kind", "event");
    if (fl->detail != LEAN) {
        f_time(ev, "event.start", fl->ts_ms, 0);
        f_strs(ev, "event.type", 2, types);
    }
    f_bool(ev, "flow.final", chance(r, 0.9));
    f_str(ev, "flow.id", flow_id);
    if (fl->detail == FULL) {
        f_str(ev, "host.hostname", "nta-collector-03");
        f_strs(ev, "host.ip", 1, host_ip);
        f_strs(ev, "host.mac", 1, host_mac);
        f_str(ev, "host.os.kernel", "6.1.0-18-amd64");
        f_str(ev, "host.os.name", "Debian GNU/Linux");
        f_str(ev, "host.os.type", "linux");
        f_str(ev, "host.os.version", "12 (bookworm)");
    }
    f_uint(ev, "network.bytes", fl->sbytes + fl->dbytes);
    if (fl->detail != LEAN)
        f_str(ev, "network.community_id", cid);
    f_uint(ev, "network.packets", fl->spkts + fl->dpkts);
    f_str(ev, "network.transport", fl->transport);
    f_str(ev, "network.type", fl->dst.v6 ? "ipv6" : "ipv4");
    endpoint(r, ev, fl, 0, EP_COUNTS);
    f_str(ev, "type", "flow");
}

/* PAN-OS's CSV traffic log, as the firewall sends it. */
static void
panos_csv(char *buf, size_t n, const struct flow *fl, const char *app,
          const char *serial, unsigned session)
{
    char t[32], start[32];

    panos_time(t, sizeof t, fl->ts_ms + fl->dur_us / 1000);
    panos_time(start, sizeof start, fl->ts_ms);
    snprintf(buf, n,
             "1,%s,%s,TRAFFIC,end,2561,%s,%s,%s,,,outbound-web,,,%s,vsys1,"
             "trust,untrust,ethernet1/3,ethernet1/1,fwd-siem,%s,%u,1,%u,%u,"
             "0,0,0x400019,%s,allow,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%"
             PRIu64 ",%s,%" PRIu64 ",any,0,%u,0x0,10.0.0.0-10.255.255.255,"
             "Example,0,%" PRIu64 ",%" PRIu64 ",tcp-fin,0,0,0,0,,fw-edge-01,"
             "from-policy,,,0,,0,,N/A,0,0,0,0",
             t, serial, t, fl->src.t, fl->dst.t, app, t, session,
             fl->sport, fl->dport, fl->transport, fl->sbytes + fl->dbytes,
             fl->sbytes, fl->dbytes, fl->spkts + fl->dpkts, start,
             fl->dur_us / 1000000, session * 7u, fl->spkts, fl->dpkts);
}

/* The panw.panos.* fields PAN-OS's integration adds: numbers written
 * as strings among them. */
static void
panw_fields(struct rng *r, struct event *ev, const struct flow *fl,
            unsigned session)
{
    f_str(ev, "panw.panos.action", "allow");
    f_str(ev, "panw.panos.action_source", "from-policy");
    f_str(ev, "panw.panos.destination.zone", "untrust");
    f_str(ev, "panw.panos.endreason", "tcp-fin");
    f_uint_str(ev, "panw.panos.flow_id", session);
    f_str(ev, "panw.panos.inbound_interface", "ethernet1/3");
    f_str(ev, "panw.panos.log_profile", "fwd-siem");
    f_str(ev, "panw.panos.outbound_interface", "ethernet1/1");
    f_uint(ev, "panw.panos.packets_received", fl->dpkts);
    f_uint(ev, "panw.panos.packets_sent", fl->spkts);
    f_uint(ev, "panw.panos.repeat_count", 1);
    f_str(ev, "panw.panos.ruleset", "outbound-web");
    f_uint_str(ev, "panw.panos.sequence_number", session * 7u + below(r, 7));
    f_str(ev, "panw.panos.source.zone", "trust");
    f_str(ev, "panw.panos.sub_type", "end");
    f_str(ev, "panw.panos.type", "TRAFFIC");
    f_str(ev, "panw.panos.virtual_sys", "vsys1");
}

/* A PAN-OS traffic log through the panw integration (panw.panos). */
static void
panos(struct rng *r, struct event *ev, const struct flow *fl)
{
    static const char serial[] = "016201004417";
    const char *app = fl->service[0] != '\0' ? fl->service
                                             : "incomplete";
    unsigned session = 10000 + below(r, 900000);
    char cid[2][32], user[48], csv[1024];
    const char *cids[2] = { cid[0], cid[1] };
    const char *types[3] = { "allowed", "end", "connection" };
    const char *hosts[1] = { "fw-edge-01" };
    int verbose = fl->detail == FULL;

    community_id(r, cid[0]);
    community_id(r, cid[1]);
    snprintf(user, sizeof user, "corp\\%s", PICK(r, users));
    f_time(ev, "@timestamp", fl->ts_ms + fl->dur_us / 1000, 0);
    f_data_stream(ev, fl, "panw.panos");
    endpoint(r, ev, fl, 1, EP_COUNTS | EP_GEO | EP_NAT);
    f_ecs(ev, fl);
    f_str(ev, "event.action", "flow_terminated");
    f_category(ev, fl->cat);
    f_uint(ev, "event.duration", fl->dur_us / 1000000 * 1000000000u);
    f_str(ev, "event.kind", "event");
    if (verbose) {
        panos_csv(csv, sizeof csv, fl, app, serial, session);
        f_str(ev, "event.original", csv);
    }
    f_str(ev, "event.outcome", "success");
    f_strs(ev, "event.type", 3, types);
    if (fl->detail != LEAN)
        f_bool(ev, "labels.nat_translated", !fl->src.v6);
    f_str(ev, "network.application", app);
    f_uint(ev, "network.bytes", fl->sbytes + fl->dbytes);
    if (fl->detail != LEAN)
        f_strs(ev, "network.community_id", 2, cids);
    f_uint(ev, "network.packets", fl->spkts + fl->dpkts);
    f_str(ev, "network.transport", fl->transport);
    f_str(ev, "network.type", fl->src.v6 ? "ipv6" : "ipv4");
    f_str(ev, "observer.hostname", "fw-edge-01");
    if (fl->detail != LEAN) {
        f_str(ev, "observer.product", "PAN-OS");
        f_str(ev, "observer.serial_number", serial);
        f_str(ev, "observer.type", "firewall");
        f_str(ev, "observer.vendor", "Palo Alto Networks");
    }
    if (verbose)
        panw_fields(r, ev, fl, session);
    if (fl->detail != LEAN) {
        f_strs(ev, "related.hosts", 1, hosts);
        f_related_ip(ev, fl);
    }
    f_str(ev, "rule.name", "outbound-web");
    endpoint(r, ev, fl, 0, EP_COUNTS | EP_NAT);
    f_str(ev, "source.user.name", user);
}

/* pfSense's filterlog line; the syslog priority comes escaped as
 * \u003c134\u003e, as Filebeat writes '<' and '>'. */
static void
pfsense_line(char *buf, size_t n, const struct flow *fl, int block,
             unsigned ttl, unsigned id)
{
    int tcp = strcmp(fl->transport, "udp") != 0;
    char payload[96];

    if (tcp)
        snprintf(payload, sizeof payload, "%u,%u,0,S,%u,,64240,,mss;"
                 "sackOK;TS;nop;wscale", fl->sport, fl->dport, id * 31u);
    else
        snprintf(payload, sizeof payload, "%u,%u,%u", fl->sport, fl->dport,
                 (unsigned)(fl->sbytes % 1400));
    snprintf(buf, n, "%u,,,1000000%03u,igb1.12,match,%s,out,%d,0x0,,%u,"
             "%u,0,DF,%d,%s,%u,%s,%s,%s", 80 + id % 60, id % 1000,
             block ? "block" : "pass", fl->src.v6 ? 6 : 4, ttl, id,
             tcp ? 6 : 17, tcp ? "tcp" : "udp", 60u, fl->src.t, fl->dst.t,
             payload);
}

/* The pfsense.* and process.* fields of a filterlog event. */
static void
pfsense_fields(struct event *ev, const struct flow *fl, unsigned ttl,
               unsigned id)
{
    static const char *const opts[] = { "mss", "sackOK", "TS", "nop",
                                        "wscale" };

    f_str(ev, "pfsense.ip.flags", "DF");
    f_uint(ev, "pfsense.ip.id", id);
    f_uint(ev, "pfsense.ip.ttl", ttl);
    if (strcmp(fl->transport, "udp") != 0) {
        f_str(ev, "pfsense.tcp.flags", "S");
        f_strs(ev, "pfsense.tcp.options", 5, opts);
        f_uint(ev, "pfsense.tcp.window", 64240);
    } else {
        f_uint(ev, "pfsense.udp.length", fl->sbytes % 1400);
    }
    f_str(ev, "process.name", "filterlog");
    f_uint(ev, "process.pid", 30000 + id % 40000);
}

/* A pfSense filterlog event through the pfsense integration
 * (pfsense.log), in the firewall's own time zone. */
static void
pfsense(struct rng *r, struct event *ev, const struct flow *fl)
{
    char line[512], original[640], cid[32];
    int block = chance(r, 0.3), tcp = strcmp(fl->transport, "udp") != 0;
    unsigned ttl = 63 + below(r, 2), id = below(r, 65536);
    const char *types[2] = { "connection", block ? "denied" : "allowed" };
    const char *ips[2] = { fl->dst.t, fl->src.t };

    community_id(r, cid);
    pfsense_line(line, sizeof line, fl, block, ttl, id);
    snprintf(original, sizeof original,
             "\\u003c134\\u003e%s filterlog[%u]: %s", "Mar  1 07:10:30",
             30000 + id % 40000, line);
    f_time(ev, "@timestamp", fl->ts_ms, -240);
    f_data_stream(ev, fl, "pfsense.log");
    endpoint(r, ev, fl, 1, EP_ADDRESS | EP_GEO);
    f_ecs(ev, fl);
    f_str(ev, "event.action", block ? "block" : "pass");
    f_category(ev, fl->cat);
    f_str(ev, "event.kind", "event");
    if (fl->detail == FULL) {
        val_begin(ev, "event.original");    /* escaped by hand */
        v_chr(ev, '"');
        v_raw(ev, original);
        v_chr(ev, '"');
        val_end(ev);
    }
    f_str(ev, "event.provider", "filterlog");
    if (fl->detail != LEAN) {
        f_str(ev, "event.reason", "match");
        f_str(ev, "event.timezone", "-04:00");
        f_strs(ev, "event.type", 2, types);
        f_uint(ev, "log.syslog.priority", 134);
    }
    f_str(ev, "message", line);
    f_uint(ev, "network.bytes", 60);
    if (fl->detail != LEAN)
        f_str(ev, "network.community_id", cid);
    f_str(ev, "network.direction", fl->direction);
    f_uint_str(ev, "network.iana_number", tcp ? 6 : 17);
    f_str(ev, "network.transport", fl->transport);
    f_str(ev, "network.type", fl->src.v6 ? "ipv6" : "ipv4");
    f_str(ev, "observer.ingress.interface.name", "igb1.12");
    f_uint_str(ev, "observer.ingress.vlan.id", 12);
    f_str(ev, "observer.type", "firewall");
    f_str(ev, "observer.vendor", "netgate");
    if (fl->detail != LEAN)
        pfsense_fields(ev, fl, ttl, id);
    f_strs(ev, "related.ip", 2, ips);
    if (fl->detail != LEAN)
        f_uint_str(ev, "rule.id", 1000000000u + id);
    endpoint(r, ev, fl, 0, EP_ADDRESS);
}

/* -------------------------------------------------------------- main */

enum shape { ZEEK_CONN, ZEEK_SMTP, NT_FLOW, PANOS, PFSENSE };

static enum shape
pick_shape(struct rng *r)
{
    uint32_t x = below(r, 100);

    return x < 45 ? ZEEK_CONN : x < 52 ? ZEEK_SMTP : x < 75 ? NT_FLOW
         : x < 87 ? PANOS : PFSENSE;
}

/* How the first clause of the rule holds: a flow or SMTP document with
 * data_stream.dataset needs no event.category; any other needs it. */
static void
pick_category(struct rng *r, struct flow *fl, enum shape sh)
{
    uint32_t x = below(r, 100);

    fl->dataset = chance(r, 0.7);
    fl->cat = x < 80 ? CAT_ARRAY : x < 90 ? CAT_STRING : CAT_LEGACY;
    if ((sh == NT_FLOW || sh == ZEEK_SMTP) && fl->dataset && chance(r, 0.3))
        fl->cat = CAT_NONE;
}

struct gen {
    struct rng r;
    uint64_t ts_ms;
    double hits, near;
    uint64_t n_hits, n_near, bytes;
};

/* One event of verdict 'v' into 'o'. */
static void
one_event(struct gen *g, struct out *o, struct event *ev, enum verdict v)
{
    struct rng *r = &g->r;
    enum shape sh = v == BACKGROUND ? pick_shape(r)
                    : chance(r, 0.3) ? ZEEK_SMTP : pick_shape(r);
    struct flow fl;
    enum style st;
    uint32_t x = below(r, 100);

    memset(&fl, 0, sizeof fl);
    g->ts_ms += below(r, 40);
    fl.ts_ms = g->ts_ms;
    flow_sizes(r, &fl);
    fl.port_str = chance(r, 0.05);
    fl.detail = x < 88 ? LEAN : x < 98 ? USUAL : FULL;
    x = below(r, 100);
    pick_category(r, &fl, sh);
    if (v == HIT)
        hit(r, &fl);
    else if (v == NEAR)
        near_miss(r, &fl);
    else
        background(r, &fl);
    if (sh == PFSENSE && strcmp(fl.transport, "icmp") == 0)
        sh = ZEEK_CONN;
    if (sh == ZEEK_SMTP && v == BACKGROUND) {
        fl.dport = chance(r, 0.7) ? 25 : 587;
        fl.transport = "tcp";
    }
    ev->nf = 0;
    ev->vlen = 0;
    switch (sh) {
    case ZEEK_CONN: zeek_conn(r, ev, &fl); break;
    case ZEEK_SMTP: zeek_smtp(r, ev, &fl); break;
    case NT_FLOW: nt_flow(r, ev, &fl); break;
    case PANOS: panos(r, ev, &fl); break;
    case PFSENSE: pfsense(r, ev, &fl); break;
    }
    st = x < 65 ? NESTED : x < 80 ? DOTTED : MIXED;
    serialise(o, ev, st, r);
}

static const char usage[] =
    "usage: gen [--events N] [--seed S] [--hits FRACTION] [--near FRACTION]\n"
    "           [--truth FILE] [--stream]\n"
    "\n"
    "Writes N synthetic ECS network events (default 1000000), one JSON\n"
    "document a line, to standard output; the same seed and options give\n"
    "the same bytes.\n"
    "\n"
    "  --events N        how many events (the benchmark uses 10 thousand to\n"
    "                    10 million)\n"
    "  --seed S          the seed (default 1)\n"
    "  --hits FRACTION   the share of port-26 rule hits (default 0.0011)\n"
    "  --near FRACTION   the share of near misses (default 0.01)\n"
    "  --truth FILE      write the line number of each hit to FILE\n"
    "  --stream          write events until the reader goes away\n"
    "\n"
    "At the end it prints on standard error: 'gen: N events, H hits,\n"
    "M near misses, B bytes'.  A closed pipe ends it quietly, status 0.\n";

struct options {
    uint64_t events;
    uint64_t seed;
    double hits, near;
    const char *truth;
    int stream;
};

static int
parse_number(const char *s, double lo, double hi, double *out)
{
    char *end;

    errno = 0;
    *out = strtod(s, &end);
    return errno == 0 && end != s && *end == '\0' && *out >= lo
           && *out <= hi;
}

/* Options into 'o'; 0 on success, else a message was printed. */
static int
parse_options(int argc, char **argv, struct options *o)
{
    int i;
    double v;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = strcmp(a, "--events") == 0 || strcmp(a, "--seed") == 0
                    || strcmp(a, "--hits") == 0 || strcmp(a, "--near") == 0
                    || strcmp(a, "--truth") == 0;

        if (strcmp(a, "--stream") == 0) {
            o->stream = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            exit(0);
        }
        if (!takes || val == NULL) {
            fprintf(stderr, "gen: unknown or incomplete option '%s'\n%s", a,
                    usage);
            return -1;
        }
        i++;
        if (strcmp(a, "--truth") == 0) {
            o->truth = val;
            continue;
        }
        if (!parse_number(val, 0, 1e15, &v)) {
            fprintf(stderr, "gen: '%s' needs a number, not '%s'\n", a, val);
            return -1;
        }
        if (strcmp(a, "--events") == 0)
            o->events = (uint64_t)v;
        else if (strcmp(a, "--seed") == 0)
            o->seed = (uint64_t)v;
        else if (strcmp(a, "--hits") == 0)
            o->hits = v;
        else
            o->near = v;
    }
    if (o->hits + o->near > 1) {
        fprintf(stderr, "gen: --hits and --near add up to more than 1\n");
        return -1;
    }
    return 0;
}

/* The events, hits and near misses drawn at random at the fractions
 * asked for; each hit's line number goes to 'truth'. */
static void
generate(const struct options *opt, struct gen *g, struct out *o,
         FILE *truth)
{
    static struct event ev;
    uint64_t i;

    for (i = 0; opt->stream || i < opt->events; i++) {
        double u = unit(&g->r);
        enum verdict v = u < g->hits ? HIT
                         : u < g->hits + g->near ? NEAR : BACKGROUND;

        if (v == HIT) {
            g->n_hits++;
            if (truth != NULL)
                fprintf(truth, "%" PRIu64 "\n", i + 1);
        }
        g->n_near += v == NEAR;
        one_event(g, o, &ev, v);
        if (o->len >= OUT_FLUSH) {
            g->bytes += o->len;
            out_flush(o);
        }
    }
    g->bytes += o->len;
    out_flush(o);
}

int
main(int argc, char **argv)
{
    struct options opt = { 1000000, 1, 0.0011, 0.01, NULL, 0 };
    struct gen g;
    struct out o;
    FILE *truth = NULL;

    if (parse_options(argc, argv, &opt) != 0)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    if (opt.truth != NULL && (truth = fopen(opt.truth, "w")) == NULL) {
        fprintf(stderr, "gen: %s: %s\n", opt.truth, strerror(errno));
        return 2;
    }
    memset(&g, 0, sizeof g);
    g.r.s = opt.seed * 0x2545f4914f6cdd1du + 0x1234567u;
    g.hits = opt.hits;
    g.near = opt.near;
    /* 2026-03-01T00:00:00Z, then a day later for each seed */
    g.ts_ms = (1772323200u + opt.seed % 365 * 86400u) * 1000u;
    o.p = malloc(OUT_CAP);
    o.len = 0;
    o.fd = 1;
    if (o.p == NULL) {
        fprintf(stderr, "gen: out of memory\n");
        return 2;
    }
    generate(&opt, &g, &o, truth);
    if (truth != NULL && fclose(truth) != 0) {
        fprintf(stderr, "gen: %s: %s\n", opt.truth, strerror(errno));
        return 2;
    }
    fprintf(stderr, "gen: %" PRIu64 " events, %" PRIu64 " hits, %" PRIu64
            " near misses, %" PRIu64 " bytes\n", opt.events, g.n_hits,
            g.n_near, g.bytes);
    free(o.p);
    return 0;
}
