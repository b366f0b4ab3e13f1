#!/usr/bin/env bash
# Records what the binary prints for the demo and for every rule fixture, so that a change
# that should not alter behaviour (a refactoring) can be proven not to:
#
#   scripts/behaviour-snapshot.sh target/release/launchcheck /tmp/before
#   (change, rebuild)
#   scripts/behaviour-snapshot.sh target/release/launchcheck /tmp/after
#   diff -r /tmp/before /tmp/after && echo identical
#
# Captured: the demo in every output format, `rule` and `policy --default`, the calendar
# and `due`, and the JSON output (all rules) and exit code of every rule fixture case.
set -euo pipefail
bin="$(realpath "$1")"
out="$2"
cd "$(dirname "$0")/.."
rm -rf "$out"
mkdir -p "$out/demo" "$out/fixtures" "$out/rules"
now=2026-11-25T00:00:00Z
export NO_COLOR=1 TZ=UTC
# Fixed commit dates give the same commit ids, which some messages quote.
export GIT_AUTHOR_DATE=2026-11-20T00:00:00Z GIT_COMMITTER_DATE=2026-11-20T00:00:00Z
unset CI GITHUB_ACTIONS || true

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# The demo, copied so that absolute paths in the output are the same from every checkout.
cp -r fixtures/demo "$scratch/demo"
(
  cd "$scratch/demo"
  for format in concise full json sarif github junit markdown html; do
    "$bin" check --now "$now" -f "$format" >"$out/demo/check.$format" 2>"$out/demo/check.$format.stderr" \
      && echo 0 >"$out/demo/check.$format.rc" || echo $? >"$out/demo/check.$format.rc"
  done
  "$bin" calendar --now "$now" >"$out/demo/calendar.ics" 2>&1 || echo "rc $?" >>"$out/demo/calendar.ics"
  "$bin" due --now "$now" >"$out/demo/due.txt" 2>&1 || echo "rc $?" >>"$out/demo/due.txt"
  "$bin" policy >"$out/demo/policy.txt" 2>&1 || echo "rc $?" >>"$out/demo/policy.txt"
)
"$bin" rule >"$out/rules/list.txt"
"$bin" policy --default >"$out/rules/policy-default.toml"
"$bin" rule --help >"$out/rules/help.txt"
for code in $("$bin" rule | grep -o '^LC[0-9]*'); do
  "$bin" rule "$code" >"$out/rules/$code.md"
done

# Every rule fixture case, in a temporary repository (a pull request when it has base/head).
for case in fixtures/rules/*/*/ fixtures/scenarios/*/ fixtures/scenarios/*/*/; do
  case="${case%/}"
  name="$(echo "$case" | tr / _)"
  dir="$scratch/case"
  rm -rf "$dir"
  mkdir -p "$dir"
  args=()
  if [ -d "$case/base" ]; then
    git -C "$dir" init -q -b main
    cp -r "$case/base/." "$dir/"
    git -C "$dir" add -A && git -C "$dir" -c user.name=t -c user.email=t@e -c commit.gpgsign=false commit -qm base
    git -C "$dir" checkout -qb change
    find "$dir" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
    cp -r "$case/head/." "$dir/"
    git -C "$dir" add -A && git -C "$dir" -c user.name=t -c user.email=t@e -c commit.gpgsign=false commit -qm change --allow-empty
    args+=(--base=main)
  else
    cp -r "$case/." "$dir/"
    rm -f "$dir/expected.txt" "$dir/args"
  fi
  if [ -f "$case/args" ]; then
    while IFS= read -r line; do
      line="$(echo "$line" | xargs)"
      [ -n "$line" ] && args+=("$line")
    done <"$case/args"
  fi
  case " ${args[*]-} " in *" --now"*) ;; *) args+=("--now=$now") ;; esac
  rc=0
  (cd "$dir" && "$bin" check -f json ${args[@]+"${args[@]}"}) >"$out/fixtures/$name.json" 2>"$out/fixtures/$name.stderr" || rc=$?
  echo "$rc" >"$out/fixtures/$name.rc"
  # Paths of the temporary directory are not behaviour.
  sed -i "s#$scratch#SCRATCH#g" "$out/fixtures/$name.json" "$out/fixtures/$name.stderr"
done
echo "recorded $(find "$out" -type f | wc -l) files in $out"
