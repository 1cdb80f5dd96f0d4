#!/usr/bin/env bash
# The README's first command as a newcomer runs it: a fresh clone of the
# committed tree (HEAD; uncommitted changes are not in it) in a temporary
# folder with no ../shared beside it, `npm install` with nothing but a plain
# user's environment (no CI, no npm_config_* or other install switches), then
# a short `npx fovea train` on the MNIST copy the install brings, which must
# exit 0 and print a test accuracy. Called by .ci/run; not part of `npm test`
# (it installs and builds from scratch: minutes, not seconds).
#
# Usage: scripts/newcomer-check.sh [REPO]   (default: this checkout)
set -euo pipefail

repo="$(cd "${1:-$(dirname "$0")/..}" && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/fovea-newcomer.XXXXXX")"

# What a user's shell has, and nothing a CI runner or an `npm run` adds.
clean_env=(env -i "HOME=$HOME" "PATH=$PATH" "USER=${USER:-$(id -un)}" "LANG=${LANG:-C.UTF-8}" "TMPDIR=${TMPDIR:-/tmp}")

# npm's npx runs a project's own bin by installing the project, as a link,
# into <npm cache>/_npx/<hash of its path>/; that entry would point at the
# deleted clone, so it goes with it.
cleanup() {
  local cache
  cache="$("${clean_env[@]}" npm config get cache 2>/dev/null)" || cache=""
  if [ -n "$cache" ] && [ -d "$cache/_npx" ]; then
    grep -l -F "$tmp/fovea" "$cache"/_npx/*/package.json 2>/dev/null | while read -r f; do rm -rf "$(dirname "$f")"; done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

step() { printf '\nnewcomer-check: %s\n' "$*"; }
fail() { printf '\nnewcomer-check FAILED: %s\n' "$*" >&2; exit 1; }

start=$SECONDS
step "git clone $repo (HEAD $(git -C "$repo" rev-parse --short HEAD)) into $tmp/fovea"
git clone --quiet "$repo" "$tmp/fovea"
cd "$tmp/fovea"

step 'npm install'
t=$SECONDS
"${clean_env[@]}" npm install || fail "npm install exited with $? in a fresh clone; run it yourself in a fresh clone to see why"
install_s=$((SECONDS - t))

# The first npx from this folder also installs the project into npx's cache,
# which runs its `prepare` (the whole build) again, silently: timed apart.
step 'npx fovea --version'
t=$SECONDS
want="$(node -p 'require("./package.json").version')"
got="$("${clean_env[@]}" npx fovea --version)" || fail 'npx fovea --version failed after npm install'
first_npx_s=$((SECONDS - t))
[ "$got" = "$want" ] || fail "npx fovea --version printed '$got', package.json says '$want' (did npx run some other fovea?)"

step 'npx fovea train --epochs 1 --limit 6000'
t=$SECONDS
log="$tmp/train.log"
"${clean_env[@]}" npx fovea train --epochs 1 --limit 6000 2>&1 | tee "$log" \
  || fail "npx fovea train exited with ${PIPESTATUS[0]}; its output is above"
train_s=$((SECONDS - t))

# train logs e.g. "test accuracy 91.23% (10000 images, loss 0.2871); training took 9.1s"
acc="$(sed -n 's/^test accuracy \([0-9.]*\)% (10000 images.*/\1/p' "$log" | tail -n 1)"
[ -n "$acc" ] || fail "npx fovea train printed no 'test accuracy N% (10000 images ...' line"
# One epoch on 6,000 digits; chance is 10 %. Far below 80 % means training is broken, not unlucky.
awk -v a="$acc" 'BEGIN { exit !(a > 80) }' || fail "test accuracy ${acc}% after one epoch on 6000 MNIST digits; expected over 80%"

step "passed: test accuracy ${acc}%; npm install ${install_s}s, first npx ${first_npx_s}s, train ${train_s}s, all $((SECONDS - start))s"
