#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2001  # stub bodies are single-quoted on purpose; sed in the TAP helpers
# The shell code in packaging/, driven with stubs for the faults a boot
# cannot make on demand: lvm-revert --boot exiting 0, 4, 5, 137, 139, 1 in
# turn; no setsid (klibc has none) or one that fails (busybox's knows
# neither --ctty nor --wait); a shell that cannot open; plymouth running.
# The boot scripts run in a chroot laid out as the initramfs is
# (/scripts/functions, initramfs-tools' own when installed; /proc/consoles,
# /proc/uptime, /sys/class/tty/console/active; plain files for the console
# devices) under the shell they meet at boot: busybox sh for initramfs-tools
# (klibc's sh where setsid is missing), bash for the dracut hook, sourced.
# Time is the fake /proc/uptime, which the stub shells and sleep move on, so
# no test waits and none depends on timing. dracut's module-setup.sh
# install() runs with dracut's functions stubbed, the Debian maintainer
# scripts with stubs on PATH. Needs busybox-static and klibc-utils; not root
# (without it the chroot runs in a user namespace). TAP on stdout.
#
#   tests/scripts/boot-scripts-test.sh
#
# Other versions of the scripts (an older commit's, say) are tested with
#   INITRAMFS_SCRIPT=F DRACUT_HOOK=F MODULE_SETUP=F PRERM=F POSTRM=F
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
initramfs_script=${INITRAMFS_SCRIPT:-$top/packaging/initramfs-tools/scripts/local-premount/lvm-revert}
dracut_hook=${DRACUT_HOOK:-$top/packaging/dracut/91lvm-revert/lvm-revert-pre-mount.sh}
module_setup=${MODULE_SETUP:-$top/packaging/dracut/91lvm-revert/module-setup.sh}
prerm=${PRERM:-$top/packaging/debian/lvm-revert.prerm}
postrm=${POSTRM:-$top/packaging/debian/lvm-revert.postrm}

N=0 FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $1"; [[ -z ${2:-} ]] || sed 's/^/#   /' <<<"$2"; }
check() { if [[ $2 == "$3" ]]; then ok "$1"; else not_ok "$1" "got '$2', expected '$3'${4:+
$4}"; fi; }
finish() {
  echo "1..$N"
  echo "# script tests: $((N - FAILED)) passed, $FAILED failed"
  ((FAILED == 0))
}

busybox=$(command -v busybox) || { echo "Bail out! no busybox (apt-get install busybox-static)"; exit 1; }
[[ -x /usr/lib/klibc/bin/sh ]] || { echo "Bail out! no klibc sh (apt-get install klibc-utils)"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/lvm-revert-scripts.XXXXXX")
trap 'rm -rf "$work"' EXIT
# "${in_root[@]}" DIR CMD...: CMD chrooted into DIR, as root or in a user
# namespace.
in_root=(chroot)
[[ $(id -u) == 0 ]] || in_root=(unshare -r chroot)
mkdir -p "$work/probe/bin" && cp "$busybox" "$work/probe/bin/busybox"
"${in_root[@]}" "$work/probe" /bin/busybox true || {
  echo "Bail out! cannot run $busybox in a chroot (it must be static: busybox-static; chroot needs root or unshare -r)"
  exit 1
}

# ------------------------------------------------------------ the chroot
# make_root CODES [OPTION...]: a fresh initramfs-like tree in $R whose
# lvm-revert --boot exits with CODES in turn and logs every call, as do the
# other stubs and the shells, to /calls. Options: no-setsid, setsid-fails
# (exits 1 at once), quick-shells (every shell returns at once, as one that
# cannot open), plymouth (running), no-lvm-revert, no-consoles (no
# /proc/consoles), set-e (the dracut hook's sourcing shell runs set -e);
# /bin/sh is busybox's unless klibc (klibc's, initramfs-tools without
# busybox) or bash (dracut's usual shell). busybox's sh finds its own
# setsid applet, so only those two can lack setsid.
# A shell otherwise lasts a minute of the fake clock: someone used it.
R=$work/root
stub() { printf '#!/bin/sh\n%s\n' "$2" >"$R/bin/$1"; chmod 755 "$R/bin/$1"; }
# with_libs FILE...: FILE and the libraries ldd names, into $R.
with_libs() {
  local f
  for f in "$@" $(ldd "$@" | grep -o '/[^ ]*'); do mkdir -p "$R/${f%/*}" && cp -L "$f" "$R/$f"; done
}
make_root() {
  local codes=$1 opts=" ${*:2} " a
  rm -rf "$R"
  mkdir -p "$R"/{bin,scripts/local-premount,proc,dev,sys/class/tty/console}
  cp "$busybox" "$R/bin/busybox"
  for a in cat echo sed grep printf test "[" true false tr env; do ln -s busybox "$R/bin/$a"; done
  if [[ $opts == *" klibc "* ]]; then
    mkdir -p "$R/lib" && cp /usr/lib/klibc/bin/sh "$R/bin/sh" && cp /usr/lib/klibc-*.so "$R/lib/"
  elif [[ $opts == *" bash "* ]]; then
    with_libs /bin/bash && mv "$R/bin/bash" "$R/bin/sh"
  else
    ln -s busybox "$R/bin/sh"
  fi
  # shellcheck disable=SC2086  # one code a line
  printf '%s\n' $codes >"$R/codes"
  : >"$R/calls"
  stub advance 'read -r up rest </proc/uptime; echo "$((${up%%.*} + $1)).50 0.00" >/proc/uptime'
  [[ $opts == *" no-lvm-revert "* ]] || stub lvm-revert '
echo "lvm-revert $*" >>/calls
n=$(($(cat /n 2>/dev/null || echo 0) + 1)); echo "$n" >/n
code=$(sed -n "${n}p" /codes)
[ -n "$code" ] || { echo "lvm-revert: called more often than the codes say" >>/calls; exit 0; }
exit "$code"'
  if [[ $opts != *" no-setsid "* ]]; then
    if [[ $opts == *" setsid-fails "* ]]; then
      stub setsid 'echo "setsid $*" >>/calls; echo "setsid: unrecognized option" >&2; exit 1'
    else  # util-linux's options (--ctty, --wait) dropped, the command run
      stub setsid 'echo "setsid $*" >>/calls; while [ "${1#-}" != "$1" ]; do shift; done; SETSID=1 exec "$@"'
    fi
  fi
  stub sleep 'echo "sleep $*" >>/calls; advance "$1"'
  stub udevadm 'echo "udevadm $*" >>/calls'
  if [[ $opts == *" plymouth "* ]]; then
    : >"$R/plymouth-running"
    stub plymouth 'echo "plymouth $*" >>/calls
case "$1" in
--ping) [ -e /plymouth-running ] ;;
quit) rm -f /plymouth-running; echo PLYMOUTH-QUIT ;;
esac'
  fi
  # Read by every interactive shell (ENV): logs how it was opened, marks
  # the device it is on, lasts a minute unless shells cannot open, and
  # exits before reading the device (which holds what earlier shells wrote).
  printf '%s\n' 'how=plain; [ -z "${SETSID:-}" ] || how=via-setsid' \
    'echo "shell $how REASON=${REASON:-}" >>/calls' 'echo "shell here, PS1=$PS1" >&2' \
    "$([[ $opts == *" quick-shells "* ]] || echo 'advance 60')" 'exit 0' >"$R/shellrc"
  if [[ -f /usr/share/initramfs-tools/scripts/functions ]]; then
    cp /usr/share/initramfs-tools/scripts/functions "$R/scripts/functions"
  else  # as initramfs-tools 0.142 has it
    printf '%s\n' 'wait_for_udev() { command -v udevadm >/dev/null 2>&1 || return 0; udevadm settle ${1:+--timeout=$1}; }' \
      >"$R/scripts/functions"
  fi
  printf '%s\n' 'echo "sourced /scripts/local" >>/calls' \
    'local_device_setup() { echo "local_device_setup $*" >>/calls; }' >"$R/scripts/local"
  [[ $opts == *" no-consoles "* ]] || echo "ttyS0                -W- (EC  p a)    4:64" >"$R/proc/consoles"
  echo "100.50 80.00" >"$R/proc/uptime"
  echo "tty0 ttyS0" >"$R/sys/class/tty/console/active"
  : >"$R/dev/null"
  : >"$R/dev/console"
  : >"$R/dev/ttyS0"
  [[ $opts != *" set-e "* ]] || : >"$R/set-e"
  cp "$initramfs_script" "$R/scripts/local-premount/lvm-revert"
  cp "$dracut_hook" "$R/hook.sh"
  # As dracut sources a hook: warn as dracut-lib.sh has it under systemd.
  printf '%s\n' 'warn() { echo "Warning: $*" >&2; }' '[ ! -e /set-e ] || set -e' '. /hook.sh' \
    'echo "after the hook" >>/calls' 'set | grep "^lvm_revert_" | sed "s/^/left behind: /" >>/calls || :' \
    >"$R/dracut-pre-mount.sh"
}
# run FORM: the initramfs-tools script as init runs it, or the dracut hook
# sourced; stdout and stderr in $R/out, the exit status in $R/rc.
run() {
  local script=/scripts/local-premount/lvm-revert rc=0
  [[ $1 == initramfs-tools ]] || script=/dracut-pre-mount.sh
  timeout 30 "${in_root[@]}" "$R" /bin/env -i PATH=/bin ENV=/shellrc HOME=/ /bin/sh "$script" \
    >"$R/out" 2>&1 || rc=$?
  echo "$rc" >"$R/rc"
  [[ $rc != 124 ]] || echo "timed out (a loop?)" >>"$R/calls"
}
# The calls in one letter each: U udevadm settle, R lvm-revert --boot,
# Q plymouth quit, S setsid, s a shell setsid opened, p a plain shell,
# Z a pause, A the line after the dracut hook, L /scripts/local sourced,
# D local_device_setup; anything else in full.
calls() {
  sed -e '/^plymouth --ping/d' -e 's/^udevadm settle.*/U/;t' -e 's/^lvm-revert --boot$/R/;t' \
    -e 's/^plymouth quit$/Q/;t' -e 's/^setsid .*/S/;t' -e 's/^shell via-setsid .*/s/;t' \
    -e 's/^shell plain .*/p/;t' -e 's/^sleep .*/Z/;t' -e 's/^after the hook$/A/;t' \
    -e 's/^sourced \/scripts\/local$/L/;t' -e 's/^local_device_setup.*/D/;t' -e 's/^.*$/[&]/' \
    "$R/calls" | tr -d '\n'
}
details() { printf 'calls:\n%s\noutput:\n%s\n' "$(cat "$R/calls")" "$(tail -n 8 "$R/out")"; }
# expect NAME FORM CODES EXPECTED [OPTION...]: run FORM in a fresh tree and
# check its calls: the letters of calls() but U, L, D (tested on their own)
# and Z (pauses, likewise), and for the dracut hook line A after them.
expect() {
  local name=$1 form=$2 codes=$3 want=$4
  make_root "$codes" "${@:5}" "$(shell_of "$form" "${@:5}")"
  run "$form"
  [[ $form == initramfs-tools ]] || want+=A
  check "$form: $name" "$(calls | tr -d ULDZ)" "$want" "$(details)"
}
# shell_of FORM [OPTION...]: the shell FORM runs under: dracut's bash;
# busybox's for initramfs-tools, or klibc's without setsid.
shell_of() {
  if [[ $1 == dracut ]]; then echo bash; elif [[ " ${*:2} " == *" no-setsid "* ]]; then echo klibc; fi
}
# paused NAME: between two runs of lvm-revert --boot, always a pause.
paused() {
  local got
  got=$(calls | tr -cd RZ)
  if [[ $got =~ ^R(Z+R)*$ ]]; then ok "$1"; else not_ok "$1" "runs (R) and pauses (Z): $got"; fi
}
first_line() { grep -n -m1 -e "$2" "$R/$1" | cut -d: -f1; }

# ----------------------------------------------- both boot scripts, alike
for form in initramfs-tools dracut; do
  expect "exit 0 lets the boot go on, no shell" $form "0" "R"
  expect "exit 4 (refused, nothing written) lets the boot go on, no shell" $form "4" "R"
  for code in 5 137 139 1; do
    expect "exit $code stops in a shell on the console, then runs the revert again" $form "$code 0" "RSsR"
    n=$(grep "the boot stops here" "$R/out" | grep -cw "$code" || true)
    check "$form: exit $code: the console says the boot stops, with the status" "$n" 1 "$(details)"
  done
  expect "exits 5, 137, 139, 1: a shell after each, until exit 4" $form "5 137 139 1 4" "RSsRSsRSsRSsR"
  if [[ $form == initramfs-tools ]]; then
    # The boot tests wait for these words.
    n=$(grep -c "type exit to go on booting" "$R/out" || true)
    check "$form: the message says to type exit" "$n" 4 "$(details)"
  fi
  expect "plymouth is told to quit before the shell" $form "5 0" "RQSsR" plymouth
  q=$(first_line out PLYMOUTH-QUIT) m=$(first_line out "the boot stops here")
  if [[ -n $q && -n $m ]] && ((q < m)); then ok "$form: plymouth quits before the stop message"; else
    not_ok "$form: plymouth quits before the stop message" "$(details)"; fi
  make_root "5 0" "$(shell_of $form)"
  run $form
  # bash started as sh sets its own PS1 whatever the environment says.
  prompt="shell here, PS1=(initramfs) "
  [[ $form == initramfs-tools ]] || prompt="shell here, PS1="
  if grep -qF "$prompt" "$R/dev/ttyS0" && ! grep -qF "$prompt" "$R/dev/console"; then
    ok "$form: with setsid the shell is on the active console, ttyS0"; else
    not_ok "$form: with setsid the shell is on the active console, ttyS0" \
      "ttyS0: $(tr '\n' ' ' <"$R/dev/ttyS0")"; fi
  # klibc has no setsid; busybox's refuses util-linux's options.
  expect "no setsid: a plain shell, then the revert again" $form "5 0" "RpR" no-setsid
  if grep -qF "$prompt" "$R/dev/console"; then ok "$form: no setsid: the shell is on /dev/console"; else
    not_ok "$form: no setsid: the shell is on /dev/console" "$(details)"; fi
  expect "setsid fails: a plain shell instead" $form "5 0" "RSpR" setsid-fails
  # A shell that cannot open returns at once: never a busy loop, and still
  # no boot.
  expect "no setsid, no shell opens: the boot stays stopped" $form "5 5 5 0" "RpRpRpR" no-setsid quick-shells
  paused "$form: no setsid, no shell opens: a pause before each new attempt"
  # Time is no sign of a shell that did not open: an admin (or the boot
  # test's driver) may need one second. No second shell after a quick one.
  expect "setsid's shell returns at once: no second shell, the revert again" $form "5 5 0" "RSsRSsR" quick-shells
  paused "$form: setsid's shell returns at once: a pause before each new attempt"
  expect "lvm-revert not in the image: nothing to do" $form "5" "" no-lvm-revert
done

# ------------------------------------------------ initramfs-tools only
make_root "5 0"
run initramfs-tools
check "initramfs-tools: the script exits 0 (init ignores it, but a boot going on is its decision)" \
  "$(cat "$R/rc")" 0
check "initramfs-tools: udev settles before the first revert, and /scripts/local is not sourced" \
  "$(calls | cut -c1-2)" "UR" "$(details)"
if grep -q "REASON=lvm-revert: " "$R/calls"; then ok "initramfs-tools: the shell's REASON names lvm-revert"; else
  not_ok "initramfs-tools: the shell's REASON names lvm-revert" "$(details)"; fi
# set -u and an unreadable /proc/consoles would end the script: the boot
# would go on with the volume half-reverted.
expect "no /proc/consoles: still a shell (on /dev/console), never an early exit" initramfs-tools "5 0" \
  "RSsR" no-consoles
check "initramfs-tools: prereqs prints resume" \
  "$("${in_root[@]}" "$R" /bin/sh /scripts/local-premount/lvm-revert prereqs)" "resume"

# ------------------------------------------------------- dracut only
expect "under set -e in the sourcing shell, a failure still stops in a shell" dracut "5 0" "RSsR" set-e
expect "under set -e, exit 4 lets the boot go on" dracut "4" "R" set-e
make_root "5 0" bash
run dracut
check "dracut: the hook leaves no lvm_revert_ variables behind" "$(grep '^left behind' "$R/calls" || true)" ""

# ----------------------------------------- dracut's module-setup.sh
# setup OPTIONS...: install() with dracut's functions stubbed (inst_simple
# copies into $initdir as dracut does; the other calls are logged), in
# $work/initrd; prints the calls.
setup() {
  rm -rf "$work/initrd" "$work/sysroot" && mkdir -p "$work/initrd/etc" "$work/sysroot/etc/lvm"
  echo "global {}" >"$work/sysroot/etc/lvm/lvm.conf"
  echo "0123456789abcdef0123456789abcdef" >"$work/sysroot/etc/machine-id"
  echo "hosta" >"$work/sysroot/etc/lvm/system-id"
  echo "local {}" >"$work/sysroot/etc/lvm/lvmlocal.conf"
  [[ " $* " != *" EMPTY_MACHINE_ID=1 "* ]] || : >"$work/initrd/etc/machine-id"
  [[ " $* " != *" OWN_MACHINE_ID=1 "* ]] || echo "fedcba98765432100123456789abcdef" >"$work/initrd/etc/machine-id"
  env "$@" bash -c '
    inst_binary() { echo "inst_binary $*"; }
    inst_multiple() { echo "inst_multiple $*"; }
    inst_simple() { echo "inst_simple $*"; [[ $# == 1 ]] || { mkdir -p "$initdir/${2%/*}"; cp "$1" "$initdir/$2"; }; }
    inst_hook() { echo "inst_hook $*"; }
    find_binary() { echo "/usr/sbin/$1"; }
    lvm() {  # lvmconfig --typeconfig full KEY, from SID_SOURCE and SID_FILE
      case $4 in
        global/system_id_source) [[ -z ${SID_SOURCE:-} ]] || echo "system_id_source=\"$SID_SOURCE\"" ;;
        global/system_id_file) [[ -z ${SID_FILE:-} ]] || echo "system_id_file=\"$SID_FILE\"" ;;
      esac
    }
    dracut_module_included() { [[ " $MODULES " == *" $1 "* ]]; }
    moddir=$(dirname "$1") initdir=$2 dracutsysrootdir=$3 systemdsystemunitdir=/usr/lib/systemd/system
    . "$1"
    install' setup "$module_setup" "$work/initrd" "$work/sysroot"
}
dropins() { cat "$work"/initrd/usr/lib/systemd/system/dracut-pre-mount.service.d/*.conf 2>/dev/null || true; }
out=$(setup MODULES="base lvm" lvmconf=)
if grep -qx "inst_simple /etc/lvm/lvm.conf" <<<"$out"; then ok "module-setup: lvm.conf by default"; else
  not_ok "module-setup: lvm.conf by default" "$out"; fi
check "module-setup: without systemd, no drop-in for dracut-pre-mount.service" "$(dropins)" ""
if grep -qx "inst_hook pre-mount 50 .*/lvm-revert-pre-mount.sh" <<<"$out"; then ok "module-setup: the pre-mount hook"; else
  not_ok "module-setup: the pre-mount hook" "$out"; fi
out=$(setup MODULES="base lvm" lvmconf=yes)
if grep -qx "inst_simple /etc/lvm/lvm.conf" <<<"$out"; then ok "module-setup: lvmconf=yes: lvm.conf"; else
  not_ok "module-setup: lvmconf=yes: lvm.conf" "$out"; fi
out=$(setup MODULES="base systemd systemd-initrd dracut-systemd lvm" lvmconf=no)
if grep -q "lvm.conf" <<<"$out"; then not_ok "module-setup: lvmconf=no: no lvm.conf" "$out"; else
  ok "module-setup: lvmconf=no: no lvm.conf"; fi
check "module-setup: with systemd, dracut-pre-mount.service is ordered after local-fs-pre.target (after resume)" \
  "$(dropins | grep -v '^#' | tr '\n' ' ')" "[Unit] After=local-fs-pre.target " "$out"
# What LVM needs for this host's system ID goes with lvm.conf, and only then.
# has_line NAME OUT LINE / lacks_line: OUT holds (or not) the line LINE.
has_line() { if grep -qxF -- "$3" <<<"$2"; then ok "$1"; else not_ok "$1" "$2"; fi; }
lacks_line() { if grep -qxF -- "$3" <<<"$2"; then not_ok "$1" "$2"; else ok "$1"; fi; }
out=$(setup MODULES="base lvm" lvmconf= SID_SOURCE=lvmlocal)
has_line "module-setup: system_id_source lvmlocal: lvmlocal.conf" "$out" "inst_simple /etc/lvm/lvmlocal.conf"
out=$(setup MODULES="base lvm" lvmconf=no SID_SOURCE=lvmlocal)
lacks_line "module-setup: lvmconf=no: no lvmlocal.conf" "$out" "inst_simple /etc/lvm/lvmlocal.conf"
out=$(setup MODULES="base lvm" lvmconf= SID_SOURCE=machineid)
has_line "module-setup: system_id_source machineid: /etc/machine-id" "$out" "inst_simple /etc/machine-id"
out=$(setup MODULES="base systemd lvm" lvmconf= SID_SOURCE=appmachineid EMPTY_MACHINE_ID=1)
has_line "module-setup: appmachineid: replaces the empty machine-id of a generic systemd image" \
  "$out" "inst_simple /etc/machine-id"
out=$(setup MODULES="base systemd lvm" lvmconf= SID_SOURCE=machineid OWN_MACHINE_ID=1)
lacks_line "module-setup: machineid: a machine-id already in the image stays" "$out" "inst_simple /etc/machine-id"
out=$(setup MODULES="base lvm" lvmconf= SID_SOURCE=none)
lacks_line "module-setup: system_id_source none: no machine-id" "$out" "inst_simple /etc/machine-id"
out=$(setup MODULES="base lvm" lvmconf= SID_SOURCE=file SID_FILE=/etc/lvm/system-id)
has_line "module-setup: system_id_source file: the file" "$out" "inst_simple /etc/lvm/system-id"
out=$(setup MODULES="base lvm" lvmconf= SID_SOURCE=file SID_FILE=/etc/lvm/absent)
lacks_line "module-setup: system_id_source file: a missing file is left out" "$out" "inst_simple /etc/lvm/absent"

# ----------------------------------------- Debian maintainer scripts
stubs=$work/stubs
mkdir -p "$stubs"
printf '#!/bin/sh\necho "update-initramfs $*" >>"%s/calls"\nexit "${UPDATE_INITRAMFS_EXIT:-0}"\n' "$work" \
  >"$stubs/update-initramfs"
cat >"$stubs/lvm-revert" <<EOF
#!/bin/sh
echo "lvm-revert \$*" >>"$work/calls"
[ -z "\${SCHEDULE:-}" ] || { printf '%s\n' "\$SCHEDULE"; exit 0; }
[ "\${LIST_EXIT:-0}" = 0 ] || exit "\$LIST_EXIT"
echo "No revert is scheduled for boot."
EOF
chmod 755 "$stubs"/*
# maint SCRIPT ARG [VAR=VALUE...]: the script with the stubs first on PATH
# (for dracut, PATH without update-initramfs: NO_UPDATE_INITRAMFS=1);
# sets $calls, $err, $rc.
maint() {
  local script=$1 arg=$2 path=$stubs:/usr/bin:/bin
  shift 2
  : >"$work/calls"
  rc=0
  err=$(env "$@" PATH="$path" sh "$script" "$arg" 2>&1 >/dev/null) || rc=$?
  calls=$(cat "$work/calls")
}
if [[ -f $postrm ]]; then
  maint "$postrm" remove
  check "postrm remove: every kernel's initramfs rebuilt" "$calls/$rc" "update-initramfs -u -k all/0" "$err"
  maint "$postrm" remove UPDATE_INITRAMFS_EXIT=1
  check "postrm remove: a failed rebuild is reported, not fatal" \
    "$rc/$(grep -c 'update-initramfs -u -k all failed' <<<"$err")" "0/1" "$err"
  mv "$stubs/update-initramfs" "$work/update-initramfs"
  maint "$postrm" remove
  check "postrm remove: without update-initramfs (dracut's trigger rebuilds) nothing to do" "$calls/$rc/$err" "/0/"
  mv "$work/update-initramfs" "$stubs/update-initramfs"
  for arg in purge upgrade; do
    maint "$postrm" "$arg"
    check "postrm $arg: no rebuild" "$calls/$rc" "/0"
  done
else
  not_ok "postrm exists ($postrm)"
fi
if [[ -f $prerm ]]; then
  maint "$prerm" remove SCHEDULE="vg0/root <- vg0/root-snap  next-boot"
  check "prerm remove with a schedule left: exit 0" "$rc" 0 "$err"
  if grep -q "vg0/root <- vg0/root-snap" <<<"$err" && grep -q "lvm-revert --cancel VG/LV VG/SNAP" <<<"$err" &&
    grep -q "lvchange --deltag" <<<"$err"; then
    ok "prerm remove: warns on stderr, naming the schedule, lvm-revert --cancel and lvchange --deltag"; else
    not_ok "prerm remove: warns on stderr, naming the schedule, lvm-revert --cancel and lvchange --deltag" "$err"; fi
  maint "$prerm" remove
  check "prerm remove, nothing scheduled: silent" "$calls/$rc/$err" "lvm-revert --list-scheduled/0/"
  maint "$prerm" remove LIST_EXIT=4
  if [[ $rc == 0 ]] && grep -q "could not list" <<<"$err"; then
    ok "prerm remove: listing fails: says so, exit 0"; else not_ok "prerm remove: listing fails: says so, exit 0" "rc $rc: $err"; fi
  maint "$prerm" upgrade SCHEDULE="vg0/root <- vg0/root-snap  next-boot"
  check "prerm upgrade: nothing listed, nothing said" "$calls/$rc/$err" "/0/"
else
  not_ok "prerm exists ($prerm)"
fi

finish
