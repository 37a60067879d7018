#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2001  # bash -c bodies are single-quoted on purpose; sed in the TAP helpers
# The Debian package as an admin gets it: lintian-clean, installs (and
# triggers update-initramfs), puts its files where the system looks for them,
# completes on the command line, warns on removal about reverts still
# scheduled, rebuilds every kernel's initramfs when removed, and leaves
# nothing behind when removed and purged. While it is installed, COMMAND
# runs (the boot tests use the installed hook, scripts and dracut module).
#
#   tests/package/package-test.sh DEB [-- COMMAND ARGS...]
#
# Needs root. The host's own initramfs is not rebuilt: update_initramfs=no
# in /etc/initramfs-tools/update-initramfs.conf for the duration (restored).
set -euo pipefail
deb=$(realpath "$1")
shift
[[ ${1:-} != -- ]] || shift
[[ $(id -u) == 0 ]] || { echo "package-test: needs root" >&2; exit 2; }

N=0 FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $1"; [[ -z ${2:-} ]] || sed 's/^/#   /' <<<"$2"; }
t_cmd() { local name=$1 out; shift; if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$out"; fi; }

work=$(mktemp -d /var/tmp/lvm-revert-pkgtest.XXXXXX)
conf=/etc/initramfs-tools/update-initramfs.conf
restore() {
  if dpkg -s lvm-revert >/dev/null 2>&1; then dpkg --purge lvm-revert >/dev/null 2>&1 || true; fi
  [[ -f $work/update-initramfs.conf ]] && cp -p "$work/update-initramfs.conf" "$conf"
  rm -rf "$work"
}
trap restore EXIT

# --- lintian
changes=${deb%.deb}.changes
[[ -f $changes ]] || changes=$deb
if out=$(lintian --fail-on error,warning "$changes" 2>&1); then
  ok "lintian: no errors, no warnings ($(basename "$changes"))"
else
  not_ok "lintian: no errors, no warnings" "$out"
fi

# --- maintainer scripts, run from the package with stubs on PATH (nothing
# installed, no initramfs rebuilt)
mkdir "$work/control" "$work/stubs"
dpkg-deb -e "$deb" "$work/control"
for s in prerm postrm; do
  if [[ -x $work/control/$s ]]; then ok "the package has a $s"; else not_ok "the package has a $s"; fi
done
printf '#!/bin/sh\necho "update-initramfs $*" >>"%s/stub.log"\n' "$work" >"$work/stubs/update-initramfs"
printf '#!/bin/sh\necho "lvm-revert $*" >>"%s/stub.log"\necho "vg0/root <- vg0/root-snap  next-boot"\n' \
  "$work" >"$work/stubs/lvm-revert"
chmod 755 "$work/stubs"/*
: >"$work/stub.log"
if out=$(PATH=$work/stubs:$PATH "$work/control/postrm" remove 2>&1) &&
  [[ $(cat "$work/stub.log") == "update-initramfs -u -k all" ]]; then
  ok "postrm remove runs update-initramfs -u -k all (every kernel's image)"
else
  not_ok "postrm remove runs update-initramfs -u -k all (every kernel's image)" "$out
$(cat "$work/stub.log")"
fi
: >"$work/stub.log"
if out=$(PATH=$work/stubs:$PATH "$work/control/prerm" remove 2>&1 >/dev/null) &&
  grep -q "vg0/root <- vg0/root-snap" <<<"$out" && grep -q "lvm-revert --cancel" <<<"$out"; then
  ok "prerm remove warns about a revert still scheduled, and how to cancel it"
else
  not_ok "prerm remove warns about a revert still scheduled, and how to cancel it" "$out"
fi

# --- install
if dpkg -s lvm-revert >/dev/null 2>&1; then dpkg --purge lvm-revert >/dev/null; fi
find /usr /etc /var /run /boot -xdev -path /var/tmp -prune -o -print 2>/dev/null | sort >"$work/before.list"
stat -c '%n %s %Y' /boot/initrd.img-* >"$work/images.before" 2>/dev/null || true
cp -p "$conf" "$work/update-initramfs.conf"
sed -i 's/^update_initramfs=.*/update_initramfs=no/' "$conf"
if out=$(dpkg -i "$deb" 2>&1); then ok "dpkg -i installs it"; else not_ok "dpkg -i installs it" "$out"; fi
if grep -q "Processing triggers for initramfs-tools" <<<"$out"; then
  ok "installing triggers update-initramfs"
else
  not_ok "installing triggers update-initramfs" "$out"
fi
for f in /usr/sbin/lvm-revert /usr/share/man/man8/lvm-revert.8.gz \
  /usr/share/bash-completion/completions/lvm-revert /usr/share/initramfs-tools/hooks/lvm-revert \
  /usr/share/initramfs-tools/scripts/local-premount/lvm-revert \
  /usr/lib/dracut/modules.d/91lvm-revert/module-setup.sh \
  /usr/lib/dracut/modules.d/91lvm-revert/lvm-revert-pre-mount.sh /usr/share/doc/lvm-revert/copyright; do
  if [[ -f $f ]]; then ok "installs $f"; else not_ok "installs $f"; fi
done
for f in /usr/share/initramfs-tools/hooks/lvm-revert /usr/share/initramfs-tools/scripts/local-premount/lvm-revert \
  /usr/lib/dracut/modules.d/91lvm-revert/module-setup.sh /usr/lib/dracut/modules.d/91lvm-revert/lvm-revert-pre-mount.sh; do
  if [[ -x $f ]] && sh -n "$f"; then ok "$f is executable and parses"; else not_ok "$f is executable and parses"; fi
done
t_cmd "/usr/sbin/lvm-revert --version runs" /usr/sbin/lvm-revert --version
t_cmd "man -l shows the page" bash -c 'man -l /usr/share/man/man8/lvm-revert.8.gz | grep -q "at-next-boot"'
t_cmd "the hook prints its prerequisite" bash -c '[[ $(/usr/share/initramfs-tools/hooks/lvm-revert prereqs) == lvm2 ]]'
t_cmd "the boot script runs after resume" \
  bash -c '[[ $(/usr/share/initramfs-tools/scripts/local-premount/lvm-revert prereqs) == resume ]]'

# --- bash completion (LV names need LVM: see the VM scenario lvm-revert-boot-commands)
complete_words() {  # complete_words WORD...: what completing the last word offers
  bash -c '. /usr/share/bash-completion/bash_completion
    . /usr/share/bash-completion/completions/lvm-revert
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _lvm_revert lvm-revert "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' completion "$@"
}
got=$(complete_words lvm-revert --at-n | tr '\n' ' ')
if [[ $got == "--at-next-boot " ]]; then ok "completes --at-n to --at-next-boot"; else not_ok "completes --at-n" "got '$got'"; fi
got=$(complete_words lvm-revert --io-engine "" | tr '\n' ' ')
if [[ $got == "auto uring psync " ]]; then ok "completes --io-engine's values"; else not_ok "completes --io-engine's values" "got '$got'"; fi
got=$(complete_words lvm-revert --format j | tr '\n' ' ')
if [[ $got == "json " ]]; then ok "completes --format's values"; else not_ok "completes --format's values" "got '$got'"; fi
# The options it lacked before every option was defined once (from the
# installed program's --completion-list).
for pair in "--backup:--backup --backup-snapshot" "--backup-s:--backup-snapshot" "--res:--restore" \
  "--veri:--verify" "--comp:--compare" "--rep:--reportformat"; do
  prefix=${pair%%:*} want=${pair#*:}
  got=$(complete_words lvm-revert "$prefix" | tr '\n' ' ')
  if [[ $got == "$want " ]]; then ok "completes $prefix to $want"; else not_ok "completes $prefix to $want" "got '$got'"; fi
done
got=$(complete_words lvm-revert --reportformat "" | tr '\n' ' ')
if [[ $got == "json " ]]; then ok "completes --reportformat's value"; else not_ok "completes --reportformat's value" "got '$got'"; fi
got=$(cd /usr/share/doc/lvm-revert && complete_words lvm-revert -y --restore copy | tr '\n' ' ')
if [[ $got == "copyright " ]]; then ok "completes --restore's FILE"; else not_ok "completes --restore's FILE" "got '$got'"; fi
got=$(complete_words lvm-revert --backup-snapshot "" | tr '\n' ' ')
if [[ $got == " " ]]; then ok "offers nothing for --backup-snapshot's new NAME"; else not_ok "offers nothing for --backup-snapshot's new NAME" "got '$got'"; fi
got=$(complete_words lvm-revert - | tr '\n' ' ')
want=$(/usr/sbin/lvm-revert --completion-list | cut -f1 | tr '\n' ' ')
if [[ $got == "$want" ]]; then ok "offers every option"; else not_ok "offers every option" "got '$got', expected '$want'"; fi

# --- while installed
if (($# > 0)); then
  echo "# running while installed: $*"
  if "$@"; then ok "while installed: $*"; else not_ok "while installed: $* (exit $?)"; fi
fi

# --- remove, purge: nothing left
t_cmd "dpkg --remove" dpkg --remove lvm-revert
t_cmd "dpkg --purge" dpkg --purge lvm-revert
find /usr /etc /var /run /boot -xdev -path /var/tmp -prune -o -print 2>/dev/null | sort >"$work/after.list"
# What appeared and is ours (dpkg's and man-db's bookkeeping is not).
left=$(comm -13 "$work/before.list" "$work/after.list" | grep -i 'lvm-revert\|lvm_revert' || true)
if [[ -z $left ]]; then ok "remove and purge leave nothing behind"; else not_ok "remove and purge leave nothing behind" "$left"; fi
# postrm ran update-initramfs -u -k all for real: update_initramfs=no must
# have kept it from rebuilding this machine's images.
stat -c '%n %s %Y' /boot/initrd.img-* >"$work/images.after" 2>/dev/null || true
if cmp -s "$work/images.before" "$work/images.after"; then ok "this machine's initramfs images were not rebuilt"; else
  not_ok "this machine's initramfs images were not rebuilt" "$(diff "$work/images.before" "$work/images.after")"; fi
cp -p "$work/update-initramfs.conf" "$conf"
if cmp -s "$work/update-initramfs.conf" "$conf"; then ok "update-initramfs.conf restored"; else not_ok "update-initramfs.conf restored"; fi

echo "1..$N"
echo "# package tests: $((N - FAILED)) passed, $FAILED failed"
((FAILED == 0))
