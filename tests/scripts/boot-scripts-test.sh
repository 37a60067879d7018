#!/usr/bin/env bash
# shellcheck disable=SC2001
# The boot scripts in packaging/, driven with stubs where a boot cannot make
# the fault: lvm-revert --boot exiting 0, 4, 5, 137, 139, 1 in turn; no
# setsid (klibc); plymouth running. The initramfs-tools script runs under
# busybox sh in a chroot laid out as the initramfs is (/scripts/functions,
# /proc/consoles, /dev/console); the dracut hook is sourced, as dracut does.
# Needs root (chroot) and busybox-static. TAP on stdout.
#
#   tests/scripts/boot-scripts-test.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
[[ $(id -u) == 0 ]] || { echo "1..0 # SKIP needs root (chroot)"; exit 0; }
busybox=$(command -v busybox) || { echo "Bail out! no busybox (apt-get install busybox-static)"; exit 1; }

N=0 FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $1"; [[ -z ${2:-} ]] || sed 's/^/#   /' <<<"$2"; }
check() { if [[ $2 == "$3" ]]; then ok "$1"; else not_ok "$1" "got '$2', expected '$3'"; fi; }

work=$(mktemp -d /var/tmp/lvm-revert-scripts.XXXXXX)
trap 'rm -rf "$work"' EXIT

# root DIR CODES [no-setsid] [plymouth]: an initramfs-like tree whose
# lvm-revert --boot exits with CODES in turn (the last one from then on) and
# logs every call, as do setsid, plymouth and the shells, to /calls.
root() {
  local r=$1 codes=$2
  shift 2
  rm -rf "$r"
  mkdir -p "$r"/{bin,scripts/local-premount,proc,dev,sys/class/tty/console,lib}
  cp "$busybox" "$r/bin/busybox"
  for a in sh cat echo sleep grep sed printf test "[" read true; do ln -sf busybox "$r/bin/$a"; done
  # shellcheck disable=SC2086  # one code a line
  printf "%s\n" $codes >"$r/codes"
  : >"$r/calls"
  cat >"$r/bin/lvm-revert" <<'STUB'
#!/bin/sh
echo "lvm-revert $*" >>/calls
n=$(($(cat /n 2>/dev/null || echo 0) + 1)); echo "$n" >/n
code=$(sed -n "${n}p" /codes); [ -n "$code" ] || code=$(sed -n '$p' /codes)
exit "$code"
STUB
  [[ " $* " == *" no-setsid "* ]] || printf '#!/bin/sh\necho "setsid $*" >>/calls\n' >"$r/bin/setsid"
  if [[ " $* " == *" plymouth "* ]]; then
    printf '#!/bin/sh\necho "plymouth $*" >>/calls\nexit 0\n' >"$r/bin/plymouth"
  fi
  chmod 755 "$r"/bin/*
  printf 'wait_for_udev() { :; }\n' >"$r/scripts/functions"
  echo "ttyS0 -W- (EC p  )    4:64" >"$r/proc/consoles"
  echo "ttyS0" >"$r/sys/class/tty/console/active"
  # The console is at its end at once; an interactive shell says it opened.
  mknod "$r/dev/console" c 1 3
  printf 'echo shell on /dev/console >>/calls\n' >"$r/shellrc"
}

# run_initramfs_tools DIR: the local-premount script, as initramfs-tools runs it.
run_initramfs_tools() {
  cp "$top/packaging/initramfs-tools/scripts/local-premount/lvm-revert" "$1/scripts/local-premount/"
  ENV=/shellrc timeout 60 chroot "$1" /bin/sh /scripts/local-premount/lvm-revert >"$1/out" 2>&1
}
# run_dracut DIR: the pre-mount hook, sourced as dracut does, then one more line.
run_dracut() {
  cp "$top/packaging/dracut/91lvm-revert/lvm-revert-pre-mount.sh" "$1/hook.sh"
  printf 'warn() { echo "warn: $*"; }\nudevadm() { :; }\n. /hook.sh\necho "after the hook" >>/calls\n' >"$1/run.sh"
  ENV=/shellrc timeout 60 chroot "$1" /bin/sh /run.sh >"$1/out" 2>&1
}
calls() { tr '\n' ';' <"$1/calls"; }

R=$work/r
for form in initramfs_tools dracut; do
  for code in 0 4; do
    root "$R" "$code"
    "run_$form" "$R"
    check "$form: exit $code lets the boot go on, no shell" "$(calls "$R")" \
      "lvm-revert --boot;$([[ $form == dracut ]] && echo 'after the hook;')"
  done
  for codes in "5 0" "137 4" "139 1 0"; do
    root "$R" "$codes" plymouth
    "run_$form" "$R"
    n=$(wc -w <<<"$codes")
    shells=$(grep -c '^setsid' "$R/calls" || true)
    check "$form: exits $codes: a shell after each but the last" "$shells" "$((n - 1))"
    check "$form: exits $codes: run again until 0 or 4" "$(grep -c '^lvm-revert' "$R/calls")" "$n"
    check "$form: plymouth quits before each shell" \
      "$(grep -E '^(plymouth quit|setsid)' "$R/calls" | head -2 | cut -c1-13 | cut -d' ' -f1-2 | tr '\n' ';')" \
      "plymouth quit;setsid $([[ $form == dracut ]] && echo --ctty || echo sh);"
  done
  # klibc has no setsid: the shell opens on /dev/console, once per failure,
  # and a shell that returns at once does not make a busy loop.
  root "$R" "5 5 5 0" no-setsid
  start=$SECONDS
  "run_$form" "$R" || true
  check "$form: no setsid: the boot stops after each failure" \
    "$(grep -c 'the boot stops here' "$R/out")" 3
  check "$form: no setsid: then the boot goes on" "$(grep -c '^lvm-revert' "$R/calls")" 4
  if ((SECONDS - start >= 6)); then ok "$form: no setsid: at least 2 s between attempts"; else
    not_ok "$form: no setsid: at least 2 s between attempts" "$((SECONDS - start)) s"; fi
done

# dracut's module-setup.sh: install() with dracut's functions stubbed.
setup_calls() {
  bash -c '
    inst_binary() { echo "inst_binary $*"; }
    inst_multiple() { echo "inst_multiple $*"; }
    inst_simple() { echo "inst_simple $*"; }
    inst_hook() { echo "inst_hook $*"; }
    find_binary() { echo "/usr/sbin/$1"; }
    dracut_module_included() { [[ " $MODULES " == *" $1 "* ]]; }
    moddir=/mod systemdsystemunitdir=/usr/lib/systemd/system lvmconf=$LVMCONF
    . "$1"; install' setup "$top/packaging/dracut/91lvm-revert/module-setup.sh"
}
out=$(MODULES="base lvm" LVMCONF="" setup_calls)
if grep -q "inst_simple /etc/lvm/lvm.conf" <<<"$out" || [[ ! -f /etc/lvm/lvm.conf ]]; then
  ok "module-setup: lvm.conf by default"; else not_ok "module-setup: lvm.conf by default" "$out"; fi
if grep -q "dracut-pre-mount.service.d" <<<"$out"; then
  not_ok "module-setup: no systemd drop-in without systemd" "$out"; else ok "module-setup: no systemd drop-in without systemd"; fi
out=$(MODULES="base systemd lvm" LVMCONF="no" setup_calls)
if grep -q "lvm.conf" <<<"$out"; then not_ok "module-setup: lvmconf=no installs no lvm.conf" "$out"; else
  ok "module-setup: lvmconf=no installs no lvm.conf"; fi
check "module-setup: with systemd, the revert is ordered after resume" \
  "$(grep dracut-pre-mount <<<"$out")" \
  "inst_simple /mod/after-resume.conf /usr/lib/systemd/system/dracut-pre-mount.service.d/lvm-revert-after-resume.conf"
check "the drop-in orders dracut-pre-mount after local-fs-pre.target" \
  "$(grep '^After=' "$top/packaging/dracut/91lvm-revert/after-resume.conf")" "After=local-fs-pre.target"

# The maintainer scripts, with stubs on PATH.
stubs=$work/stubs
mkdir -p "$stubs"
printf '#!/bin/sh\necho "update-initramfs $*" >>%s/calls\n' "$work" >"$stubs/update-initramfs"
chmod 755 "$stubs/update-initramfs"
: >"$work/calls"
PATH=$stubs:$PATH sh "$top/packaging/debian/lvm-revert.postrm" remove >/dev/null 2>&1
check "postrm remove rebuilds every kernel's initramfs" "$(cat "$work/calls")" "update-initramfs -u -k all"
: >"$work/calls"
PATH=$stubs:$PATH sh "$top/packaging/debian/lvm-revert.postrm" purge >/dev/null 2>&1
check "postrm purge does not rebuild again" "$(cat "$work/calls")" ""

echo "1..$N"
echo "# script tests: $((N - FAILED)) passed, $FAILED failed"
((FAILED == 0))
