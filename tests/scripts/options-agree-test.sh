#!/usr/bin/env bash
# The three places a user reads the options agree: --help, the bash
# completion (packaging/bash-completion/lvm-revert, run against the built
# program) and the OPTIONS section of man/lvm-revert.8. Compares the names,
# short forms included, and the words of the word options (--format
# text|json|dd); fails naming each difference.
#
#   tests/scripts/options-agree-test.sh [BUILD]     (default: build)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd) || exit 2
program=$build/lvmext/lvm-revert
completion=$top/packaging/bash-completion/lvm-revert
man=$top/man/lvm-revert.8
bash_completion=/usr/share/bash-completion/bash_completion
[[ -x $program ]] || { echo "options-agree: no $program (build it first)" >&2; exit 2; }
[[ -r $bash_completion ]] || { echo "options-agree: bash-completion is not installed" >&2; exit 2; }

# Every option name on a line, from the given text.
option_names() { grep -oE '(^|[ ,"|])--?[a-zA-Z][-a-zA-Z]*' | sed 's/^[ ,"|]//' | sort -u; }

# --help: the option lines of its groups ("  -t, --test   Print ..."), up to
# the help column.
help_lines() { "$program" --help | grep -E '^  -' | sed 's/   .*//'; }
from_help() { help_lines | option_names; }

# What the completion offers for WORDS (the last one is completed), one a line.
complete_words() {
  bash -c '. "$1"; . "$2"; shift 2
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _lvm_revert "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' completion "$bash_completion" "$completion" "$program" "$@" |
    grep -v '^$' | sort -u
}
from_completion() { complete_words -; }

# The man page: the tag lines (after .TP) of the OPTIONS section, with
# roff's \- as -.
man_tags() {
  awk '/^\.SH / { inside = ($0 == ".SH OPTIONS"); next }
       inside && previous == ".TP" { print }
       { previous = $0 }' "$man" | sed 's/\\-/-/g'
}
from_man() { man_tags | option_names; }

failures=0
fail() { printf 'FAIL %s\n' "$1"; failures=$((failures + 1)); }

# compare NAME_A FILE_A NAME_B FILE_B: what one has and the other lacks.
compare() {
  local name
  while IFS= read -r name; do fail "$name: in $1, not in $3"; done < <(comm -23 "$2" "$4")
  while IFS= read -r name; do fail "$name: in $3, not in $1"; done < <(comm -13 "$2" "$4")
}

work=$(mktemp -d "${TMPDIR:-/tmp}/options-agree.XXXXXX")
trap 'rm -rf "$work"' EXIT
from_help >"$work/help"
from_completion >"$work/completion"
from_man >"$work/man"
for source in help completion man; do
  [[ -s $work/$source ]] || fail "no option found in the $source"
done
compare "--help" "$work/help" "the completion" "$work/completion"
compare "--help" "$work/help" "the man page's OPTIONS" "$work/man"

# The words of each word option: "--format text|json|dd" in --help and on the
# man page's tag line, and what the completion offers after --format.
while read -r option words; do
  want=$(tr '|' '\n' <<<"$words" | sort -u)
  got=$(complete_words "$option" "")
  [[ $got == "$want" ]] || fail "$option: --help gives $words, the completion offers ${got//$'\n'/ }"
  man_words=$(man_tags | grep -E "^\.B[IR]? $option \"? ?[a-z|]+\"?$" | grep -oE '[a-z]+(\|[a-z]+)+|[a-z]+"?$' |
    tr -d '"' | tr '|' '\n' | sort -u)
  [[ $man_words == "$want" ]] || fail "$option: --help gives $words, the man page ${man_words//$'\n'/ }"
done < <(help_lines | grep -E '^  --[-a-z]+ [a-z]+(\|[a-z]+)*$' | sed 's/^  //')

if ((failures > 0)); then
  printf '%d differences between --help, the completion and the man page\n' "$failures"
  exit 1
fi
printf 'options agree: %d names in --help, the completion and the man page\n' "$(wc -l <"$work/help")"
