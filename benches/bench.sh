#!/usr/bin/env bash
# Whole-run benchmarks with hyperfine: launchcheck on generated corpora, side by side with
# `taplo check --schema` and `check-jsonschema` on the same files and schema. Results go to
# target/bench/*.md (tables) and are summarised in BENCHMARKS.md by hand.
#
#   benches/bench.sh            # all benchmarks
#   benches/bench.sh quick      # schema-only comparison and the 10k run only
#   benches/bench.sh org        # 10k run with and without five organisation rules (Rego)
#
# Needs: hyperfine (apt-get install hyperfine), taplo and check-jsonschema (pip install
# taplo check-jsonschema), GNU time for peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
out=target/bench
mkdir -p "$out"
now=2026-12-01T00:00:00Z

cargo build --release --quiet
bin=$PWD/target/release/launchcheck
schema=$PWD/schemas/launch-request.schema.json

corpus() { # name launches plans
    local dir=$out/$1
    if [[ ! -f $dir/.complete-$2-$3 ]]; then
        python3 benches/gen_corpus.py "$dir" --launches "$2" --plans "$3" --seed 1 --force >/dev/null
        touch "$dir/.complete-$2-$3"
    fi
    echo "$dir"
}

c2k=$(corpus corpus-2k 2000 20)
c10k=$(corpus corpus-10k 10000 100)

if [[ $mode == org ]]; then
    echo "== 10,000 launch requests + 100 plans: without and with five organisation rules"
    org=$out/corpus-10k-org
    if [[ ! -f $org/.complete ]]; then
        rm -rf "$org"; cp -r "$c10k" "$org"
        mkdir -p "$org/policies"
        cp benches/org_rules/*.rego "$org/policies/"
        touch "$org/.complete"
    fi
    # -N: no shell around either run; the JSON export has each run's user and system time,
    # the steadier comparison on a shared machine.
    hyperfine -N --warmup 3 --runs "${ORG_RUNS:-30}" \
        --export-markdown "$out/org-10k.md" --export-json "$out/org-10k.json" \
        -n "all rules 10k, no organisation rules" "$bin check --root $c10k --now $now -f json -q --exit-zero" \
        -n "all rules 10k, five organisation rules" "$bin check --root $org --now $now -f json -q --exit-zero"
    python3 - "$out/org-10k.json" <<'PY'
import json, statistics, sys
runs = json.load(open(sys.argv[1]))["results"]
for r in runs:
    print(f"{r['command']}: wall {r['mean']*1000:.1f} ± {r['stddev']*1000:.1f} ms, "
          f"user {r['user']*1000:.1f} ms, system {r['system']*1000:.1f} ms")
base, org = runs
print(f"ratio: wall {org['mean']/base['mean']:.2f}x (median {org['median']/base['median']:.2f}x), "
      f"user {org['user']/base['user']:.2f}x, user+system "
      f"{(org['user']+org['system'])/(base['user']+base['system']):.2f}x")
PY
    /usr/bin/time -f "peak RSS 10k with organisation rules: %M KiB" "$bin" check --root "$org" --now $now -f json -q --exit-zero >/dev/null
    exit 0
fi

echo "== schema only, 2,000 launch requests: launchcheck vs taplo vs check-jsonschema"
# -N: no intermediate shell, so no shell start-up in anyone's time; the file list for
# check-jsonschema is expanded here once (taplo expands its own glob).
files=$(find "$c2k/launches" -name '*.toml' | sort | tr '\n' ' ')
hyperfine -N --warmup 3 --runs 15 --ignore-failure --export-markdown "$out/schema-2k.md" \
    -n launchcheck "$bin check --root $c2k --now $now --select schema -f json -q --exit-zero" \
    -n taplo "taplo check --schema file://$schema $c2k/launches/**/*.toml" \
    -n check-jsonschema "check-jsonschema --schemafile $schema $files"

echo "== all rules, 10,000 launch requests + 100 plans"
hyperfine --warmup 2 --runs 10 --export-markdown "$out/all-10k.md" \
    -n "all rules 10k" "$bin check --root $c10k --now $now -f json -q --exit-zero" \
    -n "all rules 10k, 1 thread" "$bin check --root $c10k --now $now -f json -q --exit-zero --jobs 1"
/usr/bin/time -f "peak RSS 10k all rules: %M KiB" "$bin" check --root "$c10k" --now $now -f json -q --exit-zero >/dev/null

[[ $mode == quick ]] && exit 0

c40k=$(corpus corpus-40k 40000 400)
one=$out/one-file
mkdir -p "$one/launches"
cp "$(find "$c2k/launches" -name '*.toml' | sort | sed -n 1p)" "$one/launches/"

echo "== scaling and small repos"
hyperfine --warmup 2 --runs 5 --export-markdown "$out/scaling.md" \
    -n "10k" "$bin check --root $c10k --now $now -f json -q --exit-zero" \
    -n "40k" "$bin check --root $c40k --now $now -f json -q --exit-zero"
hyperfine --warmup 5 --runs 30 -N --export-markdown "$out/one-file.md" \
    -n "one file" "$bin check --root $one --now $now -f json -q --exit-zero"

echo "== pull request with one changed file in a 10,000-file repo"
pr=$out/pr-10k
if [[ ! -d $pr/.git ]]; then
    rm -rf "$pr"; cp -r "$c10k" "$pr"
    git -C "$pr" init -q -b main
    git -C "$pr" add -A
    git -C "$pr" -c user.name=b -c user.email=b@example.com commit -qm base
    git -C "$pr" checkout -qb change
    f=$(find "$pr/launches" -name '*.toml' | sort | sed -n 1p)
    sed -i 's/^title = "\(.*\)"/title = "\1 (edited)"/' "$f"
    git -C "$pr" -c user.name=b -c user.email=b@example.com commit -qam change
fi
hyperfine --warmup 2 --runs 10 --ignore-failure --export-markdown "$out/pr-10k.md" \
    -n "full check" "$bin check --root $pr --now $now -f json -q --exit-zero" \
    -n "pull request, base main" "$bin check --root $pr --now $now --base main -f json -q --exit-zero"
