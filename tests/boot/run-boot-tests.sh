#!/usr/bin/env bash
# Boot tests: real initramfs images, built with mkinitramfs (and dracut) from
# the INSTALLED lvm-revert package's hook, scripts and module, boot a root LV
# in qemu (TCG, Debian's kernel). Each case has its own disk, prepared in one
# run-in-vm.sh guest (prep.sh), booted one to three times, then checked in one
# more guest (check.sh). The qemu harness: tests/vm/README.md.
#
#   tests/boot/run-boot-tests.sh [--keep] [CASE...]
#
# Cases: next-boot every-boot home off cmdline refused write-failure rescue
# dracut cut-next-boot cut-cmdline two-schedules dracut-systemd system-id
# thin. Sets (issue 18) ride on two of them, at no extra boot: system-id
# reverts the root and var as one set, home refuses such a set (one
# snapshot invalid). thin (issue 19, three boots): thin roots in a thin
# pool reset to their thin snapshots at the next boot and at every boot,
# with initramfs-tools and dracut. Needs root, the package installed
# (scripts/package.sh, dpkg -i), initramfs-tools, thin-provisioning-tools
# (case thin), qemu-system-x86 and a kernel in /boot. TAP on stdout; exit
# 0 when every check passed. Name cases to run only those (e.g. thin).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ALL_CASES=(next-boot every-boot home off cmdline refused write-failure rescue dracut
  cut-next-boot cut-cmdline two-schedules dracut-systemd system-id thin)
KEEP=0
CASES=()
for a in "$@"; do
  case $a in
    --keep) KEEP=1 ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) [[ " ${ALL_CASES[*]} " == *" $a "* ]] || { echo "unknown case $a" >&2; exit 2; }
       CASES+=("$a") ;;
  esac
done
((${#CASES[@]} > 0)) || CASES=("${ALL_CASES[@]}")

N=0 FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $1"; [[ -z ${2:-} ]] || sed 's/^/#   /' <<<"$2"; }
check() { if [[ $2 == "$3" ]]; then ok "$1"; else not_ok "$1" "got '$2', expected '$3'"; fi; }
# has NAME LOG TEXT: the boot log holds the fixed string TEXT.
has() { if grep -qF -- "$3" "$2"; then ok "$1"; else not_ok "$1" "'$3' not in $2"; fi; }
lacks() { if ! grep -qF -- "$3" "$2"; then ok "$1"; else not_ok "$1" "'$3' is in $2"; fi; }
# has_line NAME LOG START TEXT: a line of the log holds the fixed string
# START and, on the same line, the fixed string TEXT.
has_line() {
  local lines
  lines=$(grep -F -- "$3" "$2" || true)
  if [[ -n $lines ]] && grep -qF -- "$4" <<<"$lines"; then ok "$1"; else
    not_ok "$1" "no line with '$3' and '$4' in $2${lines:+:$'\n'$lines}"; fi
}
die() { echo "Bail out! $*"; exit 1; }

[[ $(id -u) == 0 ]] || die "needs root (the kernel in /boot, loop devices)"
for f in /usr/sbin/lvm-revert /usr/share/initramfs-tools/hooks/lvm-revert \
  /usr/share/initramfs-tools/scripts/local-premount/lvm-revert \
  /usr/lib/dracut/modules.d/91lvm-revert/module-setup.sh; do
  [[ -e $f ]] || die "$f is missing: install the package first (scripts/package.sh; dpkg -i)"
done
command -v mkinitramfs >/dev/null || die "no mkinitramfs (apt-get install initramfs-tools)"
KVER=""
for k in $(find /boot -maxdepth 1 -name 'vmlinuz-*' | sort -V); do
  [[ -d /lib/modules/${k#/boot/vmlinuz-} ]] && KVER=${k#/boot/vmlinuz-}
done
[[ -n $KVER ]] || die "no kernel in /boot with modules"
THIN=0
[[ " ${CASES[*]} " == *" thin "* ]] && THIN=1
[[ $THIN == 0 || -e /usr/share/initramfs-tools/hooks/thin-provisioning-tools ]] ||
  die "no thin-provisioning-tools (apt-get install thin-provisioning-tools): case thin needs its initramfs hook"

W=$(mktemp -d /var/tmp/lvm-revert-boot.XXXXXX)
PREP_PID=""
cleanup() {
  # The disks' guest, if it still runs (its own trap stops qemu).
  if [[ -n $PREP_PID ]]; then kill -TERM "$PREP_PID" 2>/dev/null || true; wait "$PREP_PID" 2>/dev/null || true; fi
  if [[ $KEEP == 1 || $FAILED -gt 0 ]]; then echo "# kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
SECONDS=0
step() { echo "# [$SECONDS s] $*"; }

# ---------------------------------------------------------------- images
. "$here/system-ids.sh"
# with_lvm_system_id SOURCE ID CMD...: CMD in a mount namespace whose /etc
# is a copy where LVM's system_id_source is SOURCE (machineid or lvmlocal)
# and gives ID: the image is built as such a host would build it.
with_lvm_system_id() {
  local etc=$W/etc-$1
  rm -rf "$etc"
  cp -a /etc "$etc"
  sed -i "s/^\s*# system_id_source = .*/\tsystem_id_source = \"$1\"/" "$etc/lvm/lvm.conf"
  case $1 in
    machineid) rm -f "$etc/machine-id"; echo "$2" >"$etc/machine-id" ;;
    lvmlocal) printf 'local {\n  system_id = "%s"\n}\n' "$2" >"$etc/lvm/lvmlocal.conf" ;;
  esac
  unshare -m sh -c 'mount --bind "$1" /etc && shift && exec "$@"' sh "$etc" "${@:3}"
}
check "the initramfs-tools image's host has LVM system ID $BT_MACHINE_ID" \
  "$(with_lvm_system_id machineid "$BT_MACHINE_ID" lvm systemid 2>/dev/null | sed 's/.*: *//')" \
  "$BT_MACHINE_ID"
# initramfs-tools: the host's configuration, only the modules a virtio disk,
# ext4 and snapshots need, and fsck for the root (FSTYPE).
step "mkinitramfs $KVER"
cp -a /etc/initramfs-tools "$W/conf"
sed -i 's/^MODULES=.*/MODULES=list/' "$W/conf/initramfs.conf"
echo "FSTYPE=ext4" >>"$W/conf/initramfs.conf"
printf '%s\n' virtio_pci virtio_blk ext4 dm_mod dm_snapshot >"$W/conf/modules"
# A test-only script that holds the root open when asked to (every-boot).
mkdir -p "$W/conf/scripts/local-premount"
install -m 755 "$here/hold-root.sh" "$W/conf/scripts/local-premount/boot-test-hold-root"
with_lvm_system_id machineid "$BT_MACHINE_ID" \
  mkinitramfs -d "$W/conf" -o "$W/initrd.img" "$KVER" 2>"$W/mkinitramfs.log" ||
  die "mkinitramfs failed: $(tail -5 "$W/mkinitramfs.log")"
lsinitramfs "$W/initrd.img" >"$W/initrd.list"
for f in usr/sbin/lvm-revert scripts/local-premount/lvm-revert usr/sbin/lvm usr/sbin/dmsetup \
  etc/machine-id; do
  if grep -qx -- "$f" "$W/initrd.list"; then ok "initramfs-tools image holds $f"; else
    not_ok "initramfs-tools image holds $f"; fi
done
grep -q 'lvm-revert' "$W/initrd.list" || die "no lvm-revert in the image"
if [[ $THIN == 1 ]]; then
  # Not in the modules list above: thin-provisioning-tools' own hook.
  for f in thin_check dm-thin-pool.ko; do
    if grep -qE -- "(^|/)$f(\.[a-z]+)?$" "$W/initrd.list"; then ok "initramfs-tools image holds $f (thin-provisioning-tools' hook)"; else
      not_ok "initramfs-tools image holds $f (thin-provisioning-tools' hook)"; fi
  done
fi

# ---------------------------------------------------------------- disks
# The guest sees the run-in-vm work directory (not the rest of /var/tmp):
# the disks and what prep.sh records live there. It prepares them while
# the dracut images are built (waited for before the first boot).
VMW=$W/vm
PREP=$VMW/prep
step "preparing ${#CASES[@]} disks (in the background)"
disk_args=()
for _ in "${CASES[@]}"; do disk_args+=(--disk 160M); done
"$top/tests/vm/run-in-vm.sh" --workdir "$VMW" --timeout 900 "${disk_args[@]}" \
  --env LVM_REVERT=/usr/sbin/lvm-revert -- bash "$here/prep.sh" "$PREP" "${CASES[@]}" \
  >"$W/prep.log" 2>&1 &
PREP_PID=$!

DRACUT=0
[[ " ${CASES[*]} " == *" dracut"* || $THIN == 1 ]] && DRACUT=1
# dracut_image NAME MODULES OMIT [WRAPPER...]: an image from the unpacked
# dracut, with the installed package's module, built through WRAPPER.
# Neither compressed nor stripped: 18 s instead of 72 s an image here, and
# what the tests look at is the same.
dracut_image() {
  "${@:4}" env DRACUT_PATH="/usr/local/sbin /sbin /bin /usr/sbin /usr/bin" dracutbasedir="$W/dracut-tree" \
    bash "$W/dracut-root/usr/bin/dracut" --force --no-hostonly --no-compress --nostrip \
    --conf /dev/null --confdir "$W/dracut-conf.d" \
    -m "$2" --add-drivers "virtio_pci virtio_blk ext4" ${3:+-o "$3"} \
    "$W/$1.img" "$KVER" >"$W/$1-build.log" 2>&1 || die "dracut ($1) failed: $(tail -5 "$W/$1-build.log")"
  dracutbasedir="$W/dracut-tree" bash "$W/dracut-root/usr/bin/lsinitrd" "$W/$1.img" \
    >"$W/$1.list" 2>/dev/null || true
  has "$1 image holds lvm-revert" "$W/$1.list" "usr/sbin/lvm-revert"
  has "$1 image holds the pre-mount hook" "$W/$1.list" "lvm-revert-pre-mount.sh"
}
if [[ $DRACUT == 1 ]]; then
  # dracut conflicts with initramfs-tools on Debian: run it from its
  # unpacked packages, with the installed package's module added.
  step "dracut image"
  mkdir -p "$W/dracut-debs" "$W/dracut-root"
  (cd "$W/dracut-debs" && apt-get download -qq dracut-core dracut >/dev/null 2>&1) ||
    die "apt-get download dracut-core dracut failed"
  for d in "$W"/dracut-debs/*.deb; do dpkg -x "$d" "$W/dracut-root"; done
  cp -a "$W/dracut-root/usr/lib/dracut" "$W/dracut-tree"
  cp -a /usr/lib/dracut/modules.d/91lvm-revert "$W/dracut-tree/modules.d/"
  mkdir -p "$W/dracut-conf.d"
  if [[ " ${CASES[*]} " == *" dracut "* || $THIN == 1 ]]; then
    dracut_image dracut "bash base udev-rules kernel-modules rootfs-block dm lvm lvm-revert" \
      "systemd plymouth" with_lvm_system_id lvmlocal "$BT_LVMLOCAL_ID"
    has "dracut image holds lvmlocal.conf (not host-only)" "$W/dracut.list" "etc/lvm/lvmlocal.conf"
  fi
  if [[ $THIN == 1 ]]; then
    # Not host-only: 90lvm adds the thin tools if installed, 90dm drivers/md.
    has "dracut image holds thin_check (90lvm)" "$W/dracut.list" "sbin/thin_check"
    has "dracut image holds dm-thin-pool (90dm)" "$W/dracut.list" "/dm-thin-pool.ko"
  fi
  if [[ " ${CASES[*]} " == *" dracut-systemd "* ]]; then
    # The systemd initrd Debian builds when systemd is installed, with
    # plymouth and hibernation's resume: the revert must wait for resume.
    step "dracut image with systemd, plymouth and resume"
    dracut_image dracut-systemd "bash systemd systemd-initrd dracut-systemd base udev-rules \
kernel-modules rootfs-block dm lvm resume plymouth lvm-revert" ""
    has "dracut-systemd image orders the revert after resume" "$W/dracut-systemd.list" \
      "dracut-pre-mount.service.d"
    has "dracut-systemd image holds plymouth" "$W/dracut-systemd.list" "plymouthd"
    has "dracut-systemd image holds systemd-hibernate-resume" "$W/dracut-systemd.list" \
      "systemd-hibernate-resume"
  fi
fi

step "waiting for the disks"
prep_status=0
wait "$PREP_PID" || prep_status=$?
PREP_PID=""
((prep_status == 0)) || die "preparing the disks failed: $(tail -20 "$W/prep.log")"
grep '^# bt' "$W/prep.log" || true

# ---------------------------------------------------------------- boots
# boot NAME DISK IMAGE APPEND [DRIVE_FILE_SPEC]: one boot, console to
# $W/NAME.log (escape codes stripped), stdin from $W/NAME.in (a FIFO that
# drive() can write to). Waits until qemu has powered off (or 240 s).
strip() {
  LC_ALL=C sed -u -e 's#\x1b\[[0-9;?-]*[ -/]*[@-~]##g' -e 's/\x1b[()][0-9A-Za-z]//g' -e 's/\x1bc//g' -e 's/\r//g'
}
start_boot() {
  local name=$1 disk=$2 image=$3 append=$4 drive=${5:-file=$2,format=raw}
  rm -f "$W/$name.in"
  mkfifo "$W/$name.in"
  exec {BOOT_IN}<>"$W/$name.in"
  timeout 240 qemu-system-x86_64 -name "lvm-revert-boot-$name" \
    -accel tcg,thread=multi -cpu max -smp 2 -m 1024 -nodefaults \
    -nographic -no-reboot -serial stdio -monitor none \
    -kernel "/boot/vmlinuz-$KVER" -initrd "$image" \
    -append "console=ttyS0 quiet $append" \
    -drive "$drive,if=virtio,cache=none" <&"$BOOT_IN" 2>&1 | strip >"$W/$name.log" &
  BOOT_PID=$!
  BOOT_T0=$SECONDS
}
finish_boot() {
  local name=$1
  wait "$BOOT_PID" || true
  exec {BOOT_IN}>&-
  echo "# $name: $((SECONDS - BOOT_T0)) s; $(grep -c . "$W/$name.log") console lines"
  grep -E '^(lvm-revert|E2E-INIT)' "$W/$name.log" | sed "s/^/# $name: /" | head -20 || true
}
boot() { start_boot "$@"; finish_boot "$1"; }
# wait_for NAME REGEX SECONDS: until a console line of boot NAME matches
# REGEX (grep -E). A shell's prompt has no newline, so wait for lines.
wait_for() {
  local t=$(($3 * 5))
  while ((t-- > 0)); do
    grep -qE -- "$2" "$W/$1.log" && return 0
    kill -0 "$BOOT_PID" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
# power_cut NAME: qemu killed, as a power cut would stop the machine; the
# disk keeps what reached it (cache=none).
power_cut() {
  pkill -KILL -f -- "-name lvm-revert-boot-$1 " || true
  finish_boot "$1"
}
# type_line TEXT: a line typed at the booting guest's console.
type_line() { printf '%s\n' "$1" >&"$BOOT_IN"; }
env_of() { cat "$PREP/$1.$2"; }
# check_set_scheduled CASE VG: prep.sh scheduled the set of VG/root and
# VG/var with one --at-next-boot naming both snapshots: what it said, and
# both snapshots carry the next-boot tag and the set's tag, named after
# the first origin in VG/LV order.
check_set_scheduled() {
  local c=$1 vg=$2
  has "$c: set: --at-next-boot scheduled the root" "$PREP/$vg.schedule.out" \
    "Scheduled: at the next boot, before the root filesystem is mounted, $vg/root will be reverted to $vg/snap"
  has "$c: set: --at-next-boot scheduled var" "$PREP/$vg.schedule.out" \
    "Scheduled: at the next boot, before the root filesystem is mounted, $vg/var will be reverted to $vg/varsnap"
  has "$c: set: --at-next-boot said how to cancel the set" "$PREP/$vg.schedule.out" \
    "To cancel: lvm-revert --cancel $vg/snap $vg/varsnap"
  check "$c: set: snap's tags" "$(env_of "$vg" snap-tags)" "lvm_revert_next_boot lvm_revert_set_$vg/root"
  check "$c: set: varsnap's tags" "$(env_of "$vg" varsnap-tags)" "lvm_revert_next_boot lvm_revert_set_$vg/root"
}

disk=0
for c in "${CASES[@]}"; do
  vg=bt$disk
  img=$VMW/disk-$disk.img
  disk=$((disk + 1))
  # panic=-1: a panic() would reboot (qemu exits) instead of giving a shell.
  root="root=/dev/mapper/$vg-root panic=-1"
  before="marker=BEFORE data=$(env_of "$vg" data-before)"
  after="marker=AFTER data=$(env_of "$vg" data-after)"
  step "case $c ($vg)"
  case $c in
    next-boot)
      has "$c: --at-next-boot printed what will happen" "$PREP/$vg.schedule.out" \
        "Scheduled: at the next boot, before the root filesystem is mounted, $vg/root will be reverted to $vg/snap"
      has "$c: --at-next-boot said how to cancel" "$PREP/$vg.schedule.out" \
        "To cancel: lvm-revert --cancel $vg/root $vg/snap"
      has "$c: --at-next-boot warned that the host's initramfs lacks lvm-revert" \
        "$PREP/$vg.schedule.err" "has no lvm-revert in it"
      has "$c: the warning names the command that rebuilds the running kernel's image" \
        "$PREP/$vg.schedule.err" "run update-initramfs -u -k $KVER (or dracut -f /boot/initrd.img-$KVER $KVER)"
      boot "$c-1" "$img" "$W/initrd.img" "$root"
      has "$c: the console says it reverted (under quiet)" "$W/$c-1.log" \
        "lvm-revert: reverted $vg/root to $vg/snap: wrote"
      has "$c: fsck checked the reverted root" "$W/$c-1.log" "${vg}root: clean"
      has "$c: the root that boots holds the snapshot's content" "$W/$c-1.log" "E2E-INIT: $before"
      has "$c: /run/lvm-revert/boot.log is readable in the booted system" "$W/$c-1.log" \
        "E2E-INIT: boot.log has 1 revert(s): == exit 0"
      boot "$c-2" "$img" "$W/initrd.img" "$root"
      lacks "$c: the following boot reverts nothing" "$W/$c-2.log" "lvm-revert: reverted"
      has "$c: the following boot keeps what the first one changed" "$W/$c-2.log" "E2E-INIT: marker=USED"
      ;;
    every-boot)
      # Boot 1: something holds the root open (a test-only script in the
      # image): refused as a passing trouble, the reset stays scheduled.
      boot "$c-1" "$img" "$W/initrd.img" "$root lvmrevert_test_hold"
      has "$c: boot 1 found the root held" "$W/$c-1.log" "boot-test: holding /dev/mapper/$vg-root open"
      has "$c: boot 1 refused, keeping the schedule" "$W/$c-1.log" \
        "lvm-revert: $vg/root is unchanged and the boot goes on; this may pass, so $vg/snap stays scheduled (every-boot) and the next boot tries again"
      has "$c: boot 1 booted unchanged" "$W/$c-1.log" "E2E-INIT: $after"
      for n in 2 3; do
        boot "$c-$n" "$img" "$W/initrd.img" "$root"
        has "$c: boot $n resets" "$W/$c-$n.log" "lvm-revert: reverted $vg/root to $vg/snap"
        has "$c: boot $n boots the snapshot's content" "$W/$c-$n.log" "E2E-INIT: $before"
      done
      ;;
    home)
      # Also a set of the root and var (--at-next-boot $vg/snap $vg/varsnap),
      # varsnap overflowed after scheduling: no member is written, every
      # member is tagged lvm_revert_refused (check.sh), and /home's own
      # revert is not held back by it.
      check_set_scheduled "$c" "$vg"
      boot "$c" "$img" "$W/initrd.img" "$root"
      has "$c: the inactive /home LV was reverted" "$W/$c.log" \
        "lvm-revert: reverted $vg/home to $vg/homesnap: wrote"
      has "$c: the root booted" "$W/$c.log" "E2E-INIT: marker=AFTER"
      if grep -q "E2E-INIT: mapper=.*$vg-home" "$W/$c.log"; then
        not_ok "$c: /home was left inactive" "$(grep E2E-INIT: "$W/$c.log")"
      else
        ok "$c: /home was left inactive"
      fi
      for where in console boot.log; do
        if [[ $where == console ]]; then pre="lvm-revert: "; else pre="E2E-BOOTLOG: "; fi
        has_line "$c: set: the $where names the invalid member and why" "$W/$c.log" \
          "${pre}refused to revert $vg/var to $vg/varsnap: " "$vg/varsnap is invalid"
        has_line "$c: set: the $where refuses the root, another member being refused" "$W/$c.log" \
          "${pre}refused to revert $vg/root to $vg/snap: " "another member of the set was refused"
        has "$c: set: the $where says the root is unchanged and the boot goes on" "$W/$c.log" \
          "${pre}$vg/root is unchanged and the boot goes on"
        has "$c: set: the $where says var is unchanged and the boot goes on" "$W/$c.log" \
          "${pre}$vg/var is unchanged and the boot goes on"
        lacks "$c: set: the $where reverts neither member (root)" "$W/$c.log" "${pre}reverted $vg/root to"
        lacks "$c: set: the $where reverts neither member (var)" "$W/$c.log" "${pre}reverted $vg/var to"
      done
      has "$c: set: the root booted unchanged (marker and data)" "$W/$c.log" "E2E-INIT: $after"
      has "$c: set: the boot went on to the end" "$W/$c.log" "E2E-INIT: done"
      ;;
    off)
      # Upper case: a switch word in any case turns it off (never fails open).
      boot "$c" "$img" "$W/initrd.img" "$root lvmrevert=OFF"
      has "$c: the console says lvmrevert=OFF" "$W/$c.log" \
        "lvm-revert: lvmrevert=OFF on the kernel command line: no scheduled revert runs at this boot"
      has "$c: nothing was reverted" "$W/$c.log" "E2E-INIT: $after"
      ;;
    cmdline)
      boot "$c" "$img" "$W/initrd.img" "$root lvmrevert=$vg/root:$vg/snap"
      has "$c: lvmrevert=VG/LV:VG/SNAP reverted it" "$W/$c.log" "lvm-revert: reverted $vg/root to $vg/snap"
      has "$c: the root holds the snapshot's content" "$W/$c.log" "E2E-INIT: $before"
      ;;
    refused)
      boot "$c" "$img" "$W/initrd.img" "$root"
      has "$c: the console says why (under quiet)" "$W/$c.log" \
        "lvm-revert: refused to revert $vg/root to $vg/snap: snapshot $vg/snap is invalid"
      has "$c: the console says the boot goes on" "$W/$c.log" \
        "lvm-revert: $vg/root is unchanged and the boot goes on; $vg/snap is now tagged lvm_revert_refused"
      has "$c: the system booted unchanged" "$W/$c.log" "E2E-INIT: marker=AFTER"
      ;;
    write-failure)
      # One write to the origin's last saved chunk fails once (EIO), as a
      # failing disk would; panic=-1 is on the command line, so a panic()
      # would reboot (and qemu would exit) instead of giving a shell.
      sector=$(env_of "$vg" fail-sector)
      printf '[inject-error]\nevent = "write_aio"\nerrno = "5"\nsector = "%s"\nonce = "on"\n' \
        "$sector" >"$W/blkdebug.cfg"
      start_boot "$c" "$img" "$W/initrd.img" "$root" \
        "driver=raw,file.driver=blkdebug,file.config=$W/blkdebug.cfg,file.image.filename=$img"
      if wait_for "$c" "type exit to go on booting" 200; then ok "$c: the boot stopped in a shell"; else
        not_ok "$c: the boot stopped in a shell" "$(tail -20 "$W/$c.log")"; fi
      has "$c: the console says what failed" "$W/$c.log" "lvm-revert: FAILED while reverting $vg/root to $vg/snap:"
      has "$c: the console gives the command that completes it" "$W/$c.log" \
        "Once the cause is fixed, run: lvm-revert -y $vg/root $vg/snap"
      type_line "echo MOUNTED=\$(grep -c ' /root ' /proc/mounts)"
      wait_for "$c" "^MOUNTED=[0-9]" 30 || true
      has "$c: nothing is mounted" "$W/$c.log" "MOUNTED=0"
      type_line "lvm-revert -y $vg/root $vg/snap; echo RC=\$?"
      wait_for "$c" "^RC=[0-9]" 120 || true
      has "$c: the given command completes the revert" "$W/$c.log" "RC=0"
      type_line "exit"
      finish_boot "$c"
      has "$c: then the boot goes on with the snapshot's content" "$W/$c.log" "E2E-INIT: $before"
      ;;
    rescue)
      # No panic=: with it, break= reboots instead (initramfs-tools(7)).
      start_boot "$c" "$img" "$W/initrd.img" "root=/dev/mapper/$vg-root break=premount"
      if wait_for "$c" "Spawning shell within the initramfs" 200; then ok "$c: break=premount gives the rescue shell"; else
        not_ok "$c: break=premount gives the rescue shell" "$(tail -20 "$W/$c.log")"; fi
      sleep 2
      type_line "lvm-revert -y $vg/root $vg/snap; echo RC=\$?"
      wait_for "$c" "^RC=[0-9]" 120 || true
      has "$c: lvm-revert -y works in the rescue shell" "$W/$c.log" "RC=0"
      type_line "exit"
      finish_boot "$c"
      has "$c: the root holds the snapshot's content" "$W/$c.log" "E2E-INIT: $before"
      ;;
    dracut)
      # The VG belongs to host $BT_LVMLOCAL_ID, as the image does.
      boot "$c" "$img" "$W/dracut.img" "$root rd.lvm.lv=$vg/root rd.shell=0 rd.emergency=poweroff"
      has "$c: the console says it reverted" "$W/$c.log" "lvm-revert: reverted $vg/root to $vg/snap: wrote"
      has "$c: the root holds the snapshot's content" "$W/$c.log" "E2E-INIT: $before"
      ;;
    cut-next-boot)
      # The power fails in the middle of the boot-time revert; the next boot
      # says lvmrevert=off, and still completes it before the mount.
      start_boot "$c-1" "$img" "$W/initrd.img" "$root LVM_REVERT_DEBUG_PAUSE=copying:120"
      if wait_for "$c-1" "lvm-revert: debug: pausing" 200; then ok "$c: boot 1 is copying"; else
        not_ok "$c: boot 1 is copying" "$(tail -20 "$W/$c-1.log")"; fi
      power_cut "$c-1"
      lacks "$c: boot 1 never reached the root" "$W/$c-1.log" "E2E-INIT"
      boot "$c-2" "$img" "$W/initrd.img" "$root lvmrevert=off"
      has "$c: boot 2 completes the revert that started" "$W/$c-2.log" \
        "lvm-revert: completing the revert of $vg/root to $vg/snap, which started and did not finish (tag lvm_revert_incomplete)"
      has "$c: boot 2 reverted it" "$W/$c-2.log" "lvm-revert: reverted $vg/root to $vg/snap: wrote"
      has "$c: boot 2 says lvmrevert=off held for the rest" "$W/$c-2.log" \
        "lvm-revert: lvmrevert=off on the kernel command line: no scheduled revert runs at this boot"
      has "$c: boot 2 mounts the snapshot's content" "$W/$c-2.log" "E2E-INIT: $before"
      ;;
    cut-cmdline)
      # The same with a one-off pair from the boot loader: no schedule tag
      # survives it, the mark does; the next plain boot completes it.
      start_boot "$c-1" "$img" "$W/initrd.img" "$root lvmrevert=$vg/root:$vg/snap LVM_REVERT_DEBUG_PAUSE=copying:120"
      if wait_for "$c-1" "lvm-revert: debug: pausing" 200; then ok "$c: boot 1 is copying"; else
        not_ok "$c: boot 1 is copying" "$(tail -20 "$W/$c-1.log")"; fi
      power_cut "$c-1"
      boot "$c-2" "$img" "$W/initrd.img" "$root"
      has "$c: boot 2 completes the revert that started" "$W/$c-2.log" \
        "lvm-revert: completing the revert of $vg/root to $vg/snap, which started and did not finish"
      has "$c: boot 2 mounts the snapshot's content" "$W/$c-2.log" "E2E-INIT: $before"
      ;;
    system-id)
      # The VG belongs to host $BT_MACHINE_ID, the image's /etc/machine-id.
      # The root is reverted as a member of a set with var (--at-next-boot
      # $vg/snap $vg/varsnap); check.sh compares var with varsnap.
      check_set_scheduled "$c" "$vg"
      boot "$c" "$img" "$W/initrd.img" "$root"
      has "$c: a VG with the image's system ID is reverted at boot" "$W/$c.log" \
        "lvm-revert: reverted $vg/root to $vg/snap: wrote"
      has "$c: the root holds the snapshot's content" "$W/$c.log" "E2E-INIT: $before"
      has "$c: set: the console says var was reverted too" "$W/$c.log" \
        "lvm-revert: reverted $vg/var to $vg/varsnap: wrote"
      has "$c: set: boot.log says the root was reverted" "$W/$c.log" \
        "E2E-BOOTLOG: reverted $vg/root to $vg/snap: wrote"
      has "$c: set: boot.log says var was reverted" "$W/$c.log" \
        "E2E-BOOTLOG: reverted $vg/var to $vg/varsnap: wrote"
      lacks "$c: set: nothing was refused" "$W/$c.log" "lvm-revert: refused"
      ;;
    two-schedules)
      boot "$c" "$img" "$W/initrd.img" "$root"
      has "$c: both schedules are refused, with the reason" "$W/$c.log" \
        "lvm-revert: refused to revert $vg/root to $vg/snap: more than one revert of $vg/root is asked for at this boot ($vg/snap, $vg/zbase)"
      has "$c: the other one too" "$W/$c.log" "lvm-revert: refused to revert $vg/root to $vg/zbase: more than one"
      has "$c: the root booted unchanged" "$W/$c.log" "E2E-INIT: $after"
      ;;
    thin)
      # A thin pool; the root thin, its thin snapshot snap scheduled
      # --at-next-boot; a second root, eroot, thin, its thin snapshot esnap
      # scheduled --at-every-boot (prep.sh make_thin). Boot 1
      # (initramfs-tools) boots the root: both are reset. Boot 2
      # (initramfs-tools) boots eroot: it alone is reset again, and its
      # init marks it USED. Boot 3 (dracut) boots eroot: reset again, USED
      # gone. check.sh: the snapshots kept, tags, UUIDs, no copy left.
      eroot="root=/dev/mapper/$vg-eroot panic=-1"
      ebefore="marker=BEFORE data=$(env_of "$vg" eroot-data-before)"
      has_line "$c: --at-next-boot scheduled the thin root" "$PREP/$vg.schedule.out" "Scheduled: " "$vg/snap"
      has_line "$c: --at-every-boot scheduled eroot" "$PREP/$vg.eroot-schedule.out" "Scheduled: " "$vg/esnap"
      # prep.sh showed it an image with lvm-revert and no thin_check.
      has_line "$c: --at-next-boot warned that the image lacks thin_check, and how to fix it" \
        "$PREP/$vg.schedule.err" "has no thin_check in it" \
        "install thin-provisioning-tools and run update-initramfs -u -k $KVER"
      boot "$c-1" "$img" "$W/initrd.img" "$root"
      has "$c: boot 1 reset the thin root (console, under quiet)" "$W/$c-1.log" \
        "lvm-revert: reset $vg/root to thin snapshot $vg/snap"
      has "$c: boot 1 reset eroot too (every-boot)" "$W/$c-1.log" \
        "lvm-revert: reset $vg/eroot to thin snapshot $vg/esnap"
      has "$c: fsck checked the reset root" "$W/$c-1.log" "${vg}root: clean"
      has "$c: boot 1's root holds the snapshot's content" "$W/$c-1.log" "E2E-INIT: $before"
      has "$c: boot.log says the root was reset" "$W/$c-1.log" \
        "E2E-BOOTLOG: reset $vg/root to thin snapshot $vg/snap"
      has "$c: boot.log: two resets, exit 0" "$W/$c-1.log" "E2E-INIT: boot.log has 2 revert(s): == exit 0 == exit 0"
      boot "$c-2" "$img" "$W/initrd.img" "$eroot"
      lacks "$c: boot 2 does not reset the root (its schedule was for one boot)" "$W/$c-2.log" \
        "lvm-revert: reset $vg/root"
      has "$c: boot 2 resets eroot (every-boot)" "$W/$c-2.log" \
        "lvm-revert: reset $vg/eroot to thin snapshot $vg/esnap"
      has "$c: boot 2's root eroot holds the snapshot's content" "$W/$c-2.log" "E2E-INIT: $ebefore"
      has "$c: boot 2 wrote USED into eroot" "$W/$c-2.log" "E2E-INIT: done"
      boot "$c-3" "$img" "$W/dracut.img" "$eroot rd.lvm.lv=$vg/eroot rd.shell=0 rd.emergency=poweroff"
      has "$c: boot 3 (dracut) resets eroot again" "$W/$c-3.log" \
        "lvm-revert: reset $vg/eroot to thin snapshot $vg/esnap"
      has "$c: boot 3's root eroot holds the snapshot's content, not boot 2's USED" "$W/$c-3.log" \
        "E2E-INIT: $ebefore"
      ;;
    dracut-systemd)
      boot "$c" "$img" "$W/dracut-systemd.img" "$root rd.lvm.lv=$vg/root rd.lvm.lv=$vg/swap \
resume=/dev/mapper/$vg-swap splash systemd.show_status=1 rd.shell=0 rd.emergency=poweroff"
      has "$c: the root holds the snapshot's content" "$W/$c.log" "E2E-INIT: $before"
      # systemd's status lines, cut to the console's width: "Finished
      # systemd-hibernate…sing device ...", "Starting dracut-pre-mount.…".
      resumed=$(grep -n "Finished systemd-hibernate" "$W/$c.log" | head -1 | cut -d: -f1 || true)
      premount=$(grep -n "Starting dracut-pre-mount" "$W/$c.log" | head -1 | cut -d: -f1 || true)
      if [[ -n $resumed && -n $premount ]] && ((resumed < premount)); then
        ok "$c: resume finished before the pre-mount hook started"
      else
        not_ok "$c: resume finished before the pre-mount hook started" \
          "$(grep -n "esume\|pre-mount" "$W/$c.log" | head -10)"
      fi
      ;;
  esac
done

# ---------------------------------------------------------------- after
step "checking the disks"
disk_files=()
for ((i = 0; i < ${#CASES[@]}; i++)); do disk_files+=(--disk-file "$VMW/disk-$i.img"); done
if "$top/tests/vm/run-in-vm.sh" --workdir "$VMW" --timeout 600 "${disk_files[@]}" \
  -- bash "$here/check.sh" "$PREP" "${CASES[@]}" >"$W/check.log" 2>&1; then
  ok "the disks hold what each case left (check.sh)"
else
  not_ok "the disks hold what each case left (check.sh)" "$(grep -E '^(not ok|#   |Bail)' "$W/check.log" | head -30)"
fi
grep -E '^(ok|not ok)' "$W/check.log" | sed 's/^/# check: /'

echo "1..$N"
echo "# boot tests: $((N - FAILED)) passed, $FAILED failed, $SECONDS s"
((FAILED == 0))
