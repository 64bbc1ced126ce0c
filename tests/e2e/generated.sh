#!/bin/sh
# generated/ holds the C emitted for every rule of rules/: a rebuild must
# give the same bytes, and the committed C must compile with the
# project's warning flags (make regen-generated rewrites it for review).
. "$(dirname "$0")/lib.sh"

for rule in "$ROOT"/rules/*.toml; do
    name=$(basename "$rule" .toml)
    committed="$ROOT/generated/$name.c"
    if [ ! -f "$committed" ]; then
        not_ok "generated/$name.c exists" "run 'make regen-generated'"
        continue
    fi
    (cd "$ROOT" && "$KQLC" emit "rules/$name.toml" -o "$WORK/$name.c") \
        2>"$WORK/err"
    if cmp -s "$committed" "$WORK/$name.c"; then
        ok "generated/$name.c is up to date"
    else
        not_ok "generated/$name.c is up to date" \
            "$(diff "$committed" "$WORK/$name.c" | head -n 10)" \
            "$(head -n 5 "$WORK/err")"
    fi
    # Emitting twice gives the same bytes.
    (cd "$ROOT" && "$KQLC" emit "rules/$name.toml" -o "$WORK/$name.2.c") \
        2>/dev/null
    check_files "emit of $name is deterministic" "$WORK/$name.c" \
        "$WORK/$name.2.c"
    if cc -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Werror \
            -O2 -I"$ROOT/runtime" -c -o "$WORK/$name.o" "$committed" \
            2>"$WORK/cc.err"; then
        ok "generated/$name.c compiles with the project's flags"
    else
        not_ok "generated/$name.c compiles with the project's flags" \
            "$(head -n 10 "$WORK/cc.err")"
    fi
    wide=$(awk 'length($0) > 100' "$committed" | head -n 3)
    check "generated/$name.c stays within 100 columns" "" "$wide"
done

# The field tables are generated too: the integrations' table from the
# project's own TSV, the ECS table from ../shared's ECS field list and
# mapping; each generator must give the committed bytes.
if python3 "$ROOT/scripts/gen-integration-table.py" \
        --tsv "$ROOT/compiler/fields/integrations.tsv" \
        -o "$WORK/integration_table.c" >/dev/null 2>"$WORK/gen.err"; then
    check_files "compiler/integration_table.c is what its TSV gives" \
        "$ROOT/compiler/integration_table.c" "$WORK/integration_table.c"
else
    not_ok "scripts/gen-integration-table.py runs" "$(head -n 5 "$WORK/gen.err")"
fi
if have_shared "compiler/ecs_table.c regenerates"; then
    if python3 "$ROOT/scripts/gen-ecs-table.py" \
            --fields "$SHARED/ecs/fields.csv" \
            --mapping "$SHARED/ecs/ecs-mapping.json" \
            -o "$WORK/ecs_table.c" >/dev/null 2>"$WORK/gen.err"; then
        check_files "compiler/ecs_table.c is what ECS's field list gives" \
            "$ROOT/compiler/ecs_table.c" "$WORK/ecs_table.c"
    else
        not_ok "scripts/gen-ecs-table.py runs" "$(head -n 5 "$WORK/gen.err")"
    fi
fi
