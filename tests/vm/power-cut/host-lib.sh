# Sourced by the host side of the power-cut tests (power-cut.sh,
# power-cut-backup.sh): their work directory, kept on failure or --keep, and
# their TAP checks. Before sourcing, set PC_NAME (the test's name in its
# messages), PC_KEPT (what a kept work directory holds) and KEEP (1 to keep it).
# shellcheck shell=bash

W=$(mktemp -d "/var/tmp/lvm-revert-${PC_NAME/power-cut/powercut}.XXXXXX")
FAILED=0
# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    if [[ $KEEP == 1 || $FAILED != 0 ]]; then
        echo "$PC_NAME: kept $W ($PC_KEPT)" >&2
    else
        rm -rf -- "$W"
    fi
}
trap cleanup EXIT

N=0
ok() { N=$((N + 1)); echo "ok $N - $PC_NAME: $1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $PC_NAME: $1"; [[ -z ${2:-} ]] || echo "#   $2"; }
# check NAME DETAIL TEST...: ok if the command TEST... succeeds; DETAIL is shown otherwise.
check() {
    local name=$1 detail=$2
    shift 2
    if "$@"; then ok "$name"; else not_ok "$name" "$detail"; fi
}
