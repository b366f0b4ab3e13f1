#!/usr/bin/env bash
# Writes the seed corpus of the `pipeline` fuzz target into fuzz/corpus/pipeline/: one input
# per launch request of every repository under fixtures/ (with that repository's first plan,
# its roster, first policy and configuration), joined by 0xFF bytes as fuzz/harness.rs
# splits them, plus the hand-written inputs in fuzz/seeds/. Run from anywhere.
set -euo pipefail

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$fuzz_dir")"
out="$fuzz_dir/corpus/pipeline"
mkdir -p "$out"

first() { find "$1" -path "$2" -name '*.toml' 2>/dev/null | LC_ALL=C sort | head -n 1; }
emit() { if [ -n "$1" ] && [ -f "$1" ]; then cat "$1"; fi; }

count=0
while IFS= read -r dir; do
    plan="$(first "$dir" '*/plans/*')"
    roster="$dir/people.toml"
    policy="$(first "$dir" '*/policies/*')"
    config="$dir/launchcheck.toml"
    launches="$(find "$dir" -path '*/launches/*' -name '*.toml' | LC_ALL=C sort)"
    # A repository with plans only still makes one input, with no launch request.
    [ -n "$launches" ] || launches="none"
    while IFS= read -r launch; do
        [ "$launch" = none ] && launch=""
        count=$((count + 1))
        name="$(echo "${dir#"$repo_dir"/}-${launch##*/}" | tr '/' '_')"
        {
            emit "$launch"; printf '\xff'
            emit "$plan"; printf '\xff'
            emit "$roster"; printf '\xff'
            emit "$policy"; printf '\xff'
            emit "$config"
        } > "$out/seed-$name"
    done <<< "$launches"
# Every directory that directly holds launches/ or plans/ is a repository.
done < <(find "$repo_dir/fixtures" -type d \( -name launches -o -name plans \) -printf '%h\n' | LC_ALL=C sort -u)

cp "$fuzz_dir"/seeds/* "$out"/ 2>/dev/null || true
echo "wrote $count seeds from fixtures/ and $(ls "$fuzz_dir/seeds" 2>/dev/null | wc -l) from fuzz/seeds/ to $out"
