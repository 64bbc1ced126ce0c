// bench/duckdb.mjs - Elastic's rule "SMTP to the Internet on Port 26/TCP"
// as DuckDB SQL over read_ndjson, one thread: kqlc's DuckDB peer in
// make bench.
//
//   node bench/duckdb.mjs count FILE   the number of matching events
//   node bench/duckdb.mjs lines FILE   their line numbers, one a line
//   node bench/duckdb.mjs sql          the query, to read
//   node bench/duckdb.mjs version      DuckDB's version
//
// The WHERE clause gives the rule the meaning Elasticsearch gives it on
// ECS, as far as SQL macros can: each field is read nested
// ({"destination":{"port":26}}) or dotted ({"destination.port":26}),
// and any element of an array satisfies a test; destination.port takes
// numbers and numeric strings, fractions truncated; addresses are
// parsed (IPv4, IPv6 with "::", hex in any case, an IPv4 tail,
// IPv4-mapped addresses as IPv4) and compared by CIDR block.
//
// Narrower than Elasticsearch: the objects holding the rule's fields
// (source, destination, network, event, data_stream) are read as
// STRUCTs, so an array of such objects, which Elasticsearch flattens,
// stops the query with an error (reading them as JSON would take them,
// at half the speed); arrays nested in arrays are flattened one level
// only; a line that is no JSON stops the query.  None of these occurs
// in bench/gen's events.
//
// Line numbers come from row_number() over the scan, in file order with
// one thread; a blank line would shift them.
import { DuckDBInstance } from '@duckdb/node-api';

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const EXCLUDED = [
    '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16',
    '172.16.0.0/12', '192.0.0.0/24', '192.0.0.0/29', '192.0.0.10/32',
    '192.0.0.170/32', '192.0.0.171/32', '192.0.0.8/32', '192.0.0.9/32',
    '192.0.2.0/24', '192.168.0.0/16', '192.175.48.0/24', '192.31.196.0/24',
    '192.52.193.0/24', '192.88.99.0/24', '198.18.0.0/15', '198.51.100.0/24',
    '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4', '::1', 'FE80::/10',
    'FF00::/8',
];

// Eight 16-bit groups of an address written as in the rule.
function groups(text) {
    if (!text.includes(':')) {
        const b = text.split('.').map(Number);
        return [0, 0, 0, 0, 0, 0xffff, b[0] * 256 + b[1], b[2] * 256 + b[3]];
    }
    const [head, tail] = text.toLowerCase().split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const zeros = Array(8 - h.length - t.length).fill('0');
    return [...h, ...zeros, ...t].map((g) => parseInt(g, 16));
}

// SQL that is true when the groups 'g' (an INTEGER[8]) lie in 'block'.
function inBlock(g, block) {
    const [addr, len] = block.split('/');
    const v4 = !addr.includes(':');
    const bits = len === undefined ? 128 : Number(len) + (v4 ? 96 : 0);
    const want = groups(addr);
    const terms = [];
    for (let i = 0; i < 8 && bits - 16 * i > 0; i++) {
        const shift = Math.max(0, 16 - (bits - 16 * i));
        const part = shift ? `(${g}[${i + 1}] >> ${shift})` : `${g}[${i + 1}]`;
        terms.push(`${part} = ${want[i] >> shift}`);
    }
    return `(${terms.join(' AND ')})`;
}

function inAny(g, blocks) {
    return `(${blocks.map((b) => inBlock(g, b)).join('\n        OR ')})`;
}

// Macros: jv flattens a JSON value into a list of scalars; fv gives the
// values of a field from its nested and its dotted column; ip parses
// text into eight groups, or NULL.
const MACROS = `
CREATE MACRO jv(j) AS
    CASE WHEN j IS NULL THEN []::JSON[]
         WHEN json_type(j) = 'ARRAY' THEN json_extract(j, '$[*]')
         ELSE [j] END;
CREATE MACRO fv(nested, dotted) AS list_concat(jv(nested), jv(dotted));
CREATE MACRO txt(j) AS
    CASE WHEN json_type(j) IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE',
                               'BOOLEAN')
         THEN json_extract_string(j, '$') END;
CREATE MACRO hexg(p) AS
    CASE WHEN regexp_full_match(p, '[0-9a-f]{1,4}')
         THEN TRY_CAST('0x' || p AS INTEGER) END;
CREATE MACRO fill6(h, t, need) AS
    CASE WHEN len(h) + len(t) < need
         THEN list_concat(list_concat(h,
                  list_transform(range(need - len(h) - len(t)), z -> '0')), t)
         END;
CREATE MACRO parts6(s, need) AS
    CASE WHEN s LIKE '%::%::%' THEN NULL
         WHEN contains(s, '::') THEN fill6(
             CASE WHEN split_part(s, '::', 1) = '' THEN []::VARCHAR[]
                  ELSE string_split(split_part(s, '::', 1), ':') END,
             CASE WHEN split_part(s, '::', 2) = '' THEN []::VARCHAR[]
                  ELSE string_split(split_part(s, '::', 2), ':') END,
             need)
         WHEN len(string_split(s, ':')) = need THEN string_split(s, ':')
         END;
CREATE MACRO hex6(s, need) AS
    list_transform(parts6(s, need), p -> hexg(p));
CREATE MACRO quad(q) AS
    CASE WHEN q.a <> '' AND greatest(q.a::INTEGER, q.b::INTEGER,
                                     q.c::INTEGER, q.d::INTEGER) <= 255
         THEN [q.a::INTEGER * 256 + q.b::INTEGER,
               q.c::INTEGER * 256 + q.d::INTEGER] END;
CREATE MACRO ip4(s) AS
    list_transform([regexp_extract(s,
        '^([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})$',
        ['a', 'b', 'c', 'd'])], q -> quad(q))[1];
CREATE MACRO ip6tail(s, v4) AS
    list_concat(
        hex6(CASE WHEN left(s, len(s) - len(v4)) LIKE '%::'
                  THEN left(s, len(s) - len(v4))
                  ELSE left(s, len(s) - len(v4) - 1) END, 6),
        ip4(v4));
CREATE MACRO ipg(s) AS
    CASE WHEN s IS NULL THEN NULL
         WHEN NOT contains(s, ':') THEN list_concat([0, 0, 0, 0, 0, 65535],
                                                    ip4(s))
         WHEN contains(s, '.') THEN ip6tail(lower(s),
                                            string_split(s, ':')[-1])
         ELSE hex6(lower(s), 8) END;
CREATE MACRO ip(s) AS
    list_filter([ipg(s)], g -> len(g) = 8 AND list_count(g) = 8)[1];
`;

const COLUMNS = {
    data_stream: 'STRUCT(dataset JSON)', 'data_stream.dataset': 'JSON',
    event: 'STRUCT(category JSON)', 'event.category': 'JSON',
    network: 'STRUCT(transport JSON)', 'network.transport': 'JSON',
    destination: 'STRUCT(port JSON, ip JSON)', 'destination.port': 'JSON',
    'destination.ip': 'JSON', source: 'STRUCT(ip JSON)', 'source.ip': 'JSON',
};

// The rule in two steps.  DuckDB evaluates the address tests, far
// dearer than the others, on every row of a vector whatever comes
// before them in an AND or a CASE, so the cheap tests first pick the
// candidates into a materialised table, and the address tests run on
// those alone.
const CHEAP = `
    len(list_filter(fv(destination.port, "destination.port"),
        x -> trunc(TRY_CAST(txt(x) AS DOUBLE)) = 26)) > 0
    AND list_contains(list_transform(
        fv(network.transport, "network.transport"), x -> txt(x)), 'tcp')
    AND (list_has_any(list_transform(
             fv(data_stream.dataset, "data_stream.dataset"), x -> txt(x)),
             ['network_traffic.flow', 'zeek.smtp'])
         OR list_has_any(list_transform(
             fv(event.category, "event.category"), x -> txt(x)),
             ['network', 'network_traffic']))`;

const ADDRESSES = `
    len(list_filter(
        list_transform(fv(source.ip, "source.ip"), x -> ip(txt(x))),
        g -> g IS NOT NULL AND ${inAny('g', PRIVATE)})) > 0
    AND len(list_filter(
        list_transform(fv(destination.ip, "destination.ip"),
                       x -> ip(txt(x))),
        g -> g IS NOT NULL AND ${inAny('g', EXCLUDED)})) = 0`;

function source(file) {
    const cols = Object.entries(COLUMNS)
        .map(([k, v]) => `'${k}': '${v}'`).join(', ');
    const path = file.replaceAll("'", "''");
    return `read_ndjson('${path}', columns = {${cols}})`;
}

function query(mode, file) {
    const rows = mode === 'count' ? source(file)
        : `(SELECT row_number() OVER () AS rn, * FROM ${source(file)})`;
    const result = mode === 'count' ? 'count(*)' : 'rn';
    return `WITH candidates AS MATERIALIZED (
    SELECT * FROM ${rows}
    WHERE ${CHEAP})
SELECT ${result} FROM candidates
WHERE ${ADDRESSES}${mode === 'count' ? '' : '\nORDER BY rn'}`;
}

async function main() {
    const [mode, file] = process.argv.slice(2);
    if (mode === 'version') {
        const db = await DuckDBInstance.create(':memory:');
        const con = await db.connect();
        const r = await con.runAndReadAll('SELECT version()');
        console.log(r.getRows()[0][0]);
        return;
    }
    if (mode === 'sql') {
        console.log(MACROS + '\n' + query('count', 'FILE') + ';');
        return;
    }
    if (!['count', 'lines'].includes(mode) || !file) {
        console.error('usage: node bench/duckdb.mjs count|lines FILE');
        process.exit(2);
    }
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run('SET threads = 1');
    await con.run(MACROS);
    const reader = await con.runAndReadAll(query(mode, file));
    const rows = reader.getRows();
    const out = mode === 'count' ? [String(rows[0][0])]
                                 : rows.map((r) => String(r[0]));
    process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
}

main().catch((e) => {
    console.error(`duckdb.mjs: ${e.message}`);
    process.exit(1);
});
