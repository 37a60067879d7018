#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2001  # bash -c bodies are single-quoted on purpose; sed in the TAP helpers
# The bash completion from the source tree, against the built program,
# without installing anything: every option (those the completion lacked
# before the option table included), the words of word options, file names
# for file options, nothing for a new name or a number, VG/LV names where a
# volume goes (from a stub lvm on PATH), and quietly nothing when the program
# is missing. Needs bash-completion. TAP on stdout.
#
#   tests/scripts/completion-test.sh [BUILD]     (default: build)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
program=$build/lvmext/lvm-revert
completion=${COMPLETION:-$top/packaging/bash-completion/lvm-revert}
bash_completion=/usr/share/bash-completion/bash_completion
[[ -x $program ]] || { echo "completion-test: no $program (build it first)" >&2; exit 2; }
[[ -r $bash_completion ]] || { echo "completion-test: bash-completion is not installed" >&2; exit 2; }

N=0 FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $1"; [[ -z ${2:-} ]] || sed 's/^/#   /' <<<"$2"; }
check() { if [[ $2 == "$3" ]]; then ok "$1"; else not_ok "$1" "got '$2', expected '$3'"; fi; }

work=$(mktemp -d "${TMPDIR:-/tmp}/completion-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A stub lvm: every LV of vg0, or the snapshots of vg0/data when asked with
# --select (as _lvm_revert_lvs asks).
mkdir "$work/bin" "$work/files"
cat >"$work/bin/lvm" <<'EOF'
#!/bin/sh
case "$*" in
  *"vg_name=vg0 && origin=data"*) printf '  vg0/snap\n  vg0/snap2\n' ;;
  *--select*) ;;
  *) printf '  vg0/data\n  vg0/home\n  vg0/snap\n  vg0/snap2\n' ;;
esac
EOF
chmod 755 "$work/bin/lvm"
touch "$work/files/backup.store" "$work/files/origin.img"

# complete PROGRAM WORD...: what completing the last word offers, sorted, on
# one line; the completion's stderr in $work/stderr.
complete() {
  (cd "$work/files" && PATH=$work/bin:$PATH bash -c '. "$1"; . "$2"; shift 2
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _lvm_revert "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' completion "$bash_completion" "$completion" "$@" 2>"$work/stderr") |
    grep -v '^$' | sort | tr '\n' ' ' | sed 's/ $//'
}
c() { complete "$program" "$@"; }

# --- options
check "--at-n completes to --at-next-boot" "$(c --at-n)" "--at-next-boot"
check "--backup completes to --backup and --backup-snapshot" "$(c --backup)" "--backup --backup-snapshot"
check "--res completes to --restore" "$(c --res)" "--restore"
check "--veri completes to --verify" "$(c --veri)" "--verify"
check "--comp completes to --compare" "$(c --comp)" "--compare"
check "--rep completes to --reportformat" "$(c --rep)" "--reportformat"
all=$("$program" --completion-list | cut -f1 | sort | tr '\n' ' ' | sed 's/ $//')
check "- offers every option of --completion-list" "$(c -)" "$all"
check "short forms are offered" "$(c -y -)" "$all"
help_names=$("$program" --help | grep -E '^  -' | sed 's/   .*//' | grep -oE '(^|[ ,])--?[a-z][-a-z]*' |
  sed 's/^[ ,]//' | sort | tr '\n' ' ' | sed 's/ $//')
check "every option in --help is offered" "$(c -)" "$help_names"
check "the hidden --completion-list is not offered" "$(c --comp)" "--compare"

# --- values
check "--format's words" "$(c --format "")" "dd json text"
check "--format j" "$(c --format j)" "json"
check "--format=j" "$(c --format=j)" "json"
check "--io-engine's words" "$(c --io-engine "")" "auto psync uring"
check "--reportformat's word" "$(c --reportformat "")" "json"
for option in --cow --origin --backup --restore; do
  check "$option FILE: file names" "$(c "$option" "")" "backup.store origin.img"
done
check "--backup-snapshot NAME: a new name, nothing offered" "$(c --backup-snapshot "")" ""
check "--queue-depth N: nothing offered" "$(c --queue-depth "")" ""

# --- volumes
check "the first volume: every LV" "$(c "")" "vg0/data vg0/home vg0/snap vg0/snap2"
check "the first volume by prefix" "$(c vg0/h)" "vg0/home"
check "the second volume: the origin's snapshots" "$(c -y vg0/data "")" "vg0/snap vg0/snap2"
check "after --backup FILE, the first volume: every LV" "$(c --backup /srv/b.store "")" \
  "vg0/data vg0/home vg0/snap vg0/snap2"
check "after --backup FILE VG/LV: the origin's snapshots" "$(c --backup /srv/b.store vg0/data "")" \
  "vg0/snap vg0/snap2"
check "after --backup-snapshot NAME VG/LV: the origin's snapshots" \
  "$(c --backup-snapshot undo vg0/data "")" "vg0/snap vg0/snap2"
check "after --restore FILE: every LV" "$(c --restore /srv/b.store "")" \
  "vg0/data vg0/home vg0/snap vg0/snap2"
check "after --restore=FILE: every LV" "$(c --restore=/srv/b.store vg0/d)" "vg0/data"
check "after --restore FILE VG/LV: nothing more" "$(c --restore /srv/b.store vg0/data "")" ""
check "after --at-next-boot VG/LV: the origin's snapshots" "$(c --at-next-boot vg0/data "")" \
  "vg0/snap vg0/snap2"
check "nothing on stderr" "$(cat "$work/stderr")" ""

# --- without the program (a rescue system without it, a typo)
check "a missing program: no option" "$(complete "$work/no/lvm-revert" --res)" ""
check "a missing program: nothing on stderr" "$(cat "$work/stderr")" ""
check "a missing program in PATH: no option" "$(complete lvm-revert-missing --res)" ""
check "a missing program in PATH: nothing on stderr" "$(cat "$work/stderr")" ""
check "a missing program: volumes still complete" "$(complete lvm-revert-missing -y vg0/data "")" \
  "vg0/snap vg0/snap2"
# A program that knows no --completion-list (an older lvm-revert).
printf '#!/bin/sh\necho "lvm-revert: unknown option $1 (see --help)" >&2\nexit 3\n' >"$work/bin/lvm-revert-old"
chmod 755 "$work/bin/lvm-revert-old"
check "an older program: no option" "$(complete "$work/bin/lvm-revert-old" --res)" ""
check "an older program: nothing on stderr" "$(cat "$work/stderr")" ""

echo "1..$N"
echo "# completion tests: $((N - FAILED)) passed, $FAILED failed"
((FAILED == 0))
