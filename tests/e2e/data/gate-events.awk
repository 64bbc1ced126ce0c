# gate-events.awk - events made to match rules, and near them, for the
# gates test (tests/e2e/gates.sh): reads 'kqlc emit --dump-ir' output,
# writes NDJSON.  POSIX awk (mawk too: no regular expression intervals).
#
# For each rule that is a test, or an 'and' of tests (keyword sets,
# integer ranges, address ranges, booleans; a 'not' term is left out, an
# 'or' term gives its first branch when that is such a test), it writes
# an event holding a value each test accepts, then the same event with
# its keys and strings escaped (\u00XX), every value in an array beside a
# decoy, strings upper-cased, the first field dropped, numbers written as
# strings (and numeric keywords as numbers), integers with a fraction,
# the first string past ignore_above, values in arrays of arrays, and
# fields under objects named for their first part (mixed keys).  Values
# with other characters than letters, digits and ' ._:/@-' are not used.

function flush(    i, n, line) {
    if (bad || nf == 0) {
        reset()
        return
    }
    for (v = 0; v < 9; v++) {
        line = "{"
        n = 0
        for (i = 1; i <= nf; i++) {
            if (v == 4 && i == 1)
                continue
            line = line (n++ ? "," : "") key(i, v) ":" val(i, v)
        }
        print line "}"
    }
    mixed()
    reset()
}

# The fields grouped under objects named for their first part; nothing
# when a field is named as another's first part (a key would repeat).
function mixed(    i, j, head, rest, line, n, m, done) {
    for (i = 1; i <= nf; i++) {
        for (j = 1; j <= nf; j++) {
            if (index(fname[j], fname[i] ".") == 1)
                return
        }
    }
    line = "{"
    n = 0
    for (i = 1; i <= nf; i++) {
        if (i in done)
            continue
        if (index(fname[i], ".") == 0) {
            line = line (n++ ? "," : "") key(i, 0) ":" val(i, 0)
            continue
        }
        head = substr(fname[i], 1, index(fname[i], ".") - 1)
        line = line (n++ ? "," : "") "\"" head "\":{"
        m = 0
        for (j = i; j <= nf; j++) {
            if (index(fname[j], head ".") != 1)
                continue
            rest = substr(fname[j], length(head) + 2)
            line = line (m++ ? "," : "") "\"" rest "\":" val(j, 0)
            done[j] = 1
        }
        line = line "}"
    }
    print line "}"
}

function reset() {
    nf = 0
    bad = 0
    delete seen
}

# The key of field i in variant v.
function key(i, v) {
    if (v == 1)
        return "\"" esc1(fname[i]) "\""
    return "\"" fname[i] "\""
}

# '\u00XX' for the first character of 's', then the rest.
function esc1(s) {
    return sprintf("\\u%04x", ord[substr(s, 1, 1)]) substr(s, 2)
}

# The value of field i in variant v.
function val(i, v,    x) {
    x = fval[i]
    if (fkind[i] == "num") {
        if (v == 5)
            return "\"" x "\""
        if (v == 6)
            return x ".7"
        if (v == 2)
            return "[\"decoy\"," x "]"
        return x
    }
    if (fkind[i] == "bool")
        return v == 5 ? "\"" x "\"" : v == 2 ? "[null," x "]" : x
    if (v == 1)
        return "\"" esc1(x) "\""
    if (v == 2)
        return "[\"decoy\",\"" x "\"]"
    if (v == 3)
        return "\"" toupper(x) "\""
    if (v == 5 && x ~ /^[1-9][0-9]*$/ && length(x) < 10)
        return x
    if (v == 7 && i == 1)
        return "\"" x long "\""
    if (v == 8)
        return "[[\"" x "\"]]"
    return "\"" x "\""
}

function add(kind, field, value) {
    if (field in seen)
        return
    seen[field] = 1
    nf++
    fname[nf] = field
    fkind[nf] = kind
    fval[nf] = value
}

# A test line (without its indent): add what it accepts, or mark the
# rule as one this script cannot make events for.
function leaf(t,    a, v) {
    split(t, a, " ")
    if (a[1] == "kw_in" && match(t, /"[A-Za-z0-9 ._:\/@-]+"/)) {
        v = substr(t, RSTART + 1, RLENGTH - 2)
        add("str", a[2], v)
    } else if (a[1] == "long_in" && match(t, /\[-?[0-9]+,/) \
               && RLENGTH < 12) {
        add("num", a[2], substr(t, RSTART + 1, RLENGTH - 2))
    } else if (a[1] == "ip_in" \
               && match(t, /\[[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+,/)) {
        add("str", a[2], substr(t, RSTART + 1, RLENGTH - 2))
    } else if (a[1] == "bool_is") {
        add("bool", a[2], a[3])
    } else {
        bad = 1
    }
}

BEGIN {
    for (c = 32; c < 127; c++)
        ord[sprintf("%c", c)] = c
    long = sprintf("%1100s", "")
    gsub(/ /, "x", long)
    reset()
}

/^field / { next }
/^rule / { flush(); inrule = 1; skipdepth = -1; next }

{
    match($0, /^ */)
    depth = RLENGTH / 2
    t = substr($0, RLENGTH + 1)
    if (skipdepth >= 0 && depth > skipdepth)
        next
    skipdepth = -1
    if (depth == 1) {
        if (t != "and")
            leaf(t)
        next
    }
    if (depth == 2 && t == "not") {
        skipdepth = 2
    } else if (depth == 2 && t == "or") {
        orfirst = 1
        skipdepth = -1
    } else if (depth == 2) {
        leaf(t)
    } else if (depth == 3 && orfirst) {
        leaf(t)
        orfirst = 0
        skipdepth = 2
    } else {
        bad = 1
    }
}

END { flush() }
