#!/usr/bin/env bash
# Dependencies point one way: core <- safety <- lvmext, and inside lvmext
# system <- lvm <- cli <- revert <- boot <- the dispatcher (lvmext/*.cc).
# Fails, naming the line, when a file includes a header of a later layer.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
layers=(core safety lvmext/system lvmext/lvm lvmext/cli lvmext/revert lvmext/boot lvmext)
failures=0
rank() {  # the layer index of a path, by its longest matching prefix
  local path=$1 i best=-1 best_length=0
  for i in "${!layers[@]}"; do
    case $path in
      "${layers[$i]}"/*) if [ "${#layers[$i]}" -gt "$best_length" ]; then
                           best=$i best_length=${#layers[$i]}
                         fi ;;
    esac
  done
  printf '%s' "$best"
}
while IFS= read -r file; do
  own=$(rank "$file")
  while IFS=: read -r line header; do
    dep=$(rank "$header")
    if [ "$dep" -gt "$own" ]; then
      printf 'FAIL %s:%s includes %s, a later layer\n' "$file" "$line" "$header"
      failures=$((failures + 1))
    fi
  done < <(grep -n '^#include "' "$file" | sed 's/^\([0-9]*\):#include "\([^"]*\)".*/\1:\2/')
done < <(git ls-files 'core/*.h' 'core/*.cc' 'safety/*.h' 'safety/*.cc' 'lvmext/*.h' 'lvmext/*.cc')
if [ "$failures" -ne 0 ]; then
  printf '%d includes against the layering\n' "$failures"
  exit 1
fi
printf 'layering: every include points to the same or an earlier layer\n'
