#!/usr/bin/env bash
# run-in-vm.sh — run a command inside a throw-away qemu (TCG) guest that has
# real device-mapper + LVM, with the host's / shared read-only over 9p.
#
# Usage:
#   tests/vm/run-in-vm.sh [options] -- COMMAND [ARGS...]
#
# Options:
#   --disk SIZE        add a fresh raw sparse disk (repeatable; /dev/vda, /dev/vdb, ...)
#   --disk-file PATH   attach an existing raw image as-is (repeatable, ordered with --disk;
#                      lets a second boot see what a previous run left, e.g. after a power cut)
#   --mem MIB          guest memory (default 1024)
#   --timeout SECONDS  kill the guest after this long (default 900); exit 125
#   --workdir DIR      work folder (initramfs cache, disks, logs); default: fresh
#                      mktemp dir under /var/tmp, removed afterwards unless --keep
#   --keep             keep the default workdir
#   --kill-when NAME   power cut: SIGKILL qemu as soon as the guest creates
#                      WORKDIR/NAME (on the share, $VM_WORKDIR/NAME in the guest);
#                      exit 125, with run/killed holding the host time of the kill
#   --env NAME=VALUE   export NAME=VALUE into COMMAND's environment (repeatable)
#   -h, --help         this text
#
# Exit status: COMMAND's exit status, or 125 if the guest died, hung, was
# killed by --kill-when or the harness itself failed (so COMMAND should avoid
# exiting 125 itself).
#
# See tests/vm/README.md and /work/shared/docs/vm-testing.md.
set -euo pipefail

PROG=run-in-vm
die() { echo "$PROG: error: $*" >&2; exit 125; }
note() { echo "$PROG: $*" >&2; }

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

# ---------------------------------------------------------------- arguments
DISKS=()        # entries: "new:SIZE" or "file:PATH"
MEM=1024
TIMEOUT=900
WORKDIR=""
KEEP=0
ENVS=()
KILL_WHEN=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --disk)      [[ $# -ge 2 ]] || die "--disk needs a SIZE"; DISKS+=("new:$2"); shift 2 ;;
        --disk=*)    DISKS+=("new:${1#*=}"); shift ;;
        --disk-file) [[ $# -ge 2 ]] || die "--disk-file needs a PATH"; DISKS+=("file:$2"); shift 2 ;;
        --disk-file=*) DISKS+=("file:${1#*=}"); shift ;;
        --mem)       [[ $# -ge 2 ]] || die "--mem needs MIB"; MEM=$2; shift 2 ;;
        --mem=*)     MEM=${1#*=}; shift ;;
        --timeout)   [[ $# -ge 2 ]] || die "--timeout needs SECONDS"; TIMEOUT=$2; shift 2 ;;
        --timeout=*) TIMEOUT=${1#*=}; shift ;;
        --workdir)   [[ $# -ge 2 ]] || die "--workdir needs DIR"; WORKDIR=$2; shift 2 ;;
        --workdir=*) WORKDIR=${1#*=}; shift ;;
        --keep)      KEEP=1; shift ;;
        --kill-when) [[ $# -ge 2 ]] || die "--kill-when needs a NAME"; KILL_WHEN=$2; shift 2 ;;
        --kill-when=*) KILL_WHEN=${1#*=}; shift ;;
        --env)       [[ $# -ge 2 ]] || die "--env needs NAME=VALUE"; ENVS+=("$2"); shift 2 ;;
        --env=*)     ENVS+=("${1#*=}"); shift ;;
        -h|--help)   usage; exit 0 ;;
        --)          shift; break ;;
        *)           die "unknown option '$1' (did you forget '--' before the command?)" ;;
    esac
done
[[ $# -ge 1 ]] || { usage >&2; die "no COMMAND given after --"; }
[[ $MEM =~ ^[0-9]+$ ]] || die "--mem must be a number of MiB, got '$MEM'"
[[ $TIMEOUT =~ ^[0-9]+$ && $TIMEOUT -gt 0 ]] || die "--timeout must be a positive number of seconds, got '$TIMEOUT'"
[[ ${#DISKS[@]} -le 20 ]] || die "at most 20 disks"
if [[ -n $KILL_WHEN ]]; then
    [[ $KILL_WHEN =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ && $KILL_WHEN != run ]] \
        || die "--kill-when wants a plain file name in the workdir (letters, digits, . _ -), got '$KILL_WHEN'"
fi
for e in ${ENVS[@]+"${ENVS[@]}"}; do
    [[ $e =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "--env wants NAME=VALUE, got '$e'"
done

# ---------------------------------------------------------------- host checks
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install the Debian package '$2' (apt-get install $2)"; }
need qemu-system-x86_64 qemu-system-x86
need cpio cpio
need gzip gzip
need modprobe kmod
need timeout coreutils
need flock util-linux
need truncate coreutils

BUSYBOX=""
for b in /bin/busybox /usr/bin/busybox; do [[ -x $b ]] && { BUSYBOX=$b; break; }; done
[[ -n $BUSYBOX ]] || die "busybox not found; apt-get install busybox-static"
if LC_ALL=C grep -qa '/lib64/ld-linux' "$BUSYBOX"; then
    die "$BUSYBOX is dynamically linked; the initramfs needs the static one (apt-get install busybox-static)"
fi
if [[ ! -d /etc/lvm ]] || ! command -v lvm >/dev/null 2>&1; then
    die "lvm2 is not installed on the host (apt-get install lvm2); the guest runs the host's lvm"
fi

# Newest Debian kernel in /boot (never a hard-coded version).
KVER=""
KERNEL=""
while IFS= read -r k; do
    v=${k#/boot/vmlinuz-}
    if [[ -d /lib/modules/$v ]]; then KVER=$v; KERNEL=$k; fi
done < <(find /boot -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort -V)
[[ -n $KVER ]] || die "no /boot/vmlinuz-* with matching /lib/modules/<version> found; apt-get install linux-image-amd64"
[[ -r $KERNEL ]] || die "$KERNEL is not readable (run as root)"

# ---------------------------------------------------------------- workdir
OWN_WORKDIR=0
if [[ -z $WORKDIR ]]; then
    WORKDIR=$(mktemp -d /var/tmp/lvm-revert-vm.XXXXXX)
    OWN_WORKDIR=1
else
    mkdir -p -- "$WORKDIR"
    WORKDIR=$(cd -- "$WORKDIR" && pwd -P)
fi
[[ $WORKDIR == /* && $WORKDIR != / ]] || die "bad workdir '$WORKDIR'"
[[ $WORKDIR =~ ^[A-Za-z0-9._/+-]+$ ]] || die "workdir path must not contain spaces or special characters: '$WORKDIR'"
case "$WORKDIR" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*|/run|/run/*) die "workdir cannot live under /proc, /sys, /dev or /run" ;; esac

QEMU_PID=""
WATCH_PID=""
KILLER_PID=""
# shellcheck disable=SC2317  # invoked via trap
cleanup() {
    local rc=$?
    if [[ -n $WATCH_PID ]]; then kill "$WATCH_PID" 2>/dev/null || true; fi
    if [[ -n $KILLER_PID ]]; then kill "$KILLER_PID" 2>/dev/null || true; fi
    if [[ -n $QEMU_PID ]] && kill -0 "$QEMU_PID" 2>/dev/null; then kill -KILL "$QEMU_PID" 2>/dev/null || true; wait "$QEMU_PID" 2>/dev/null || true; fi
    if [[ $OWN_WORKDIR == 1 && $KEEP == 0 ]]; then
        rm -rf -- "$WORKDIR"
    elif [[ $OWN_WORKDIR == 1 ]]; then
        note "kept workdir $WORKDIR"
    fi
    return "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# One run at a time per workdir (different workdirs do not collide).
exec 9>"$WORKDIR/.lock"
flock -n 9 || die "another run-in-vm.sh is using workdir $WORKDIR"

RUN="$WORKDIR/run"
rm -rf -- "$RUN"
mkdir -p -- "$RUN"
# A file left by an earlier run must not kill this one at once.
[[ -z $KILL_WHEN ]] || rm -f -- "${WORKDIR:?}/$KILL_WHEN"

HOST_CWD=$(pwd -P)

# ---------------------------------------------------------------- initramfs
# Modules wanted (with dependencies, in the order modprobe prints them).
MODULES=(virtio_pci virtio_blk 9pnet_virtio 9p dm-mod dm-bufio dm-snapshot dm-thin-pool loop ext4)

write_init() {
cat <<'INIT'
#!/bin/sh
# Generated by tests/vm/run-in-vm.sh: guest init (busybox).
export PATH=/bin
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
say() { echo "[vm-init] $*"; }
echo
fail() { say "FATAL: $*"; sync; poweroff -f; sleep 5; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
while read -r m; do
    [ -n "$m" ] || continue
    insmod "/modules/$m" 2>/tmp/insmod.err || {
        grep -q 'File exists' /tmp/insmod.err || say "warning: insmod $m failed: $(cat /tmp/insmod.err)"
    }
done </modules/order
W="$vm_workdir"
[ -n "$W" ] || fail "vm_workdir not on kernel command line"
O9="trans=virtio,version=9p2000.L,msize=262144"
mount -t 9p -o "$O9,ro,cache=loose" hostroot /host || fail "cannot mount host / over 9p"
H=/host
mount -t proc proc $H/proc || fail "mount proc in chroot"
mount -t sysfs sysfs $H/sys || fail "mount sysfs in chroot"
mount -t devtmpfs devtmpfs $H/dev || fail "mount devtmpfs in chroot"
mkdir -p $H/dev/pts $H/dev/shm
mount -t devpts devpts $H/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $H/dev/shm
mount -t tmpfs -o mode=755 tmpfs $H/run || fail "tmpfs /run"
mkdir -p $H/run/lock $H/run/lvm $H/run/lock/lvm
chmod 1777 $H/run/lock
mount -t tmpfs -o mode=1777 tmpfs $H/tmp || fail "tmpfs /tmp"
[ -d $H/var/tmp ] && { mount -t tmpfs -o mode=1777 tmpfs $H/var/tmp || fail "tmpfs /var/tmp"; }
[ -d $H/root ] && mount -t tmpfs -o mode=700 tmpfs $H/root
# The host cwd (the checkout) may live under a directory the guest shadows
# with tmpfs (/tmp, /var/tmp, ...): share it again, read-only, at its path.
C="$vm_cwd"
if [ -n "$C" ] && [ "$C" != / ]; then
    mkdir -p "$H$C" 2>/dev/null
    mount -t 9p -o "$O9,ro,cache=loose" cwdshare "$H$C" || fail "cannot mount cwd $C over 9p"
fi
mkdir -p "$H$W" 2>/dev/null
mount -t 9p -o "$O9,rw" work "$H$W" || fail "cannot mount workdir $W over 9p"
[ -f "$H$W/run/guest-cmd.sh" ] || fail "$W/run/guest-cmd.sh missing"
echo started > "$H$W/run/started"
say "booted; running command"
# The command's output goes to the console and to the log; the wrapper
# writes the exit status to $W/run/status itself.
( chroot $H /bin/bash "$W/run/guest-cmd.sh" </dev/null 2>&1; echo "$?" > /tmp/wrapper.rc ) | tee "$H$W/run/output.log" &
pid=$!
# Wait for the wrapper; do not hang on daemons that keep the pipe open.
while [ ! -e /tmp/wrapper.rc ] && kill -0 $pid 2>/dev/null; do sleep 0.2; done
n=0
while kill -0 $pid 2>/dev/null && [ $n -lt 25 ]; do sleep 0.2; n=$((n+1)); done
kill -0 $pid 2>/dev/null && say "warning: something kept the output pipe open after the command ended"
[ -e "$H$W/run/status" ] || say "warning: wrapper ended without writing a status (rc $(cat /tmp/wrapper.rc 2>/dev/null))"
say "command finished (status $(cat "$H$W/run/status" 2>/dev/null || echo none)); powering off"
sync
umount "$H$W" 2>/dev/null
poweroff -f
sleep 10
INIT
}

INIT_HASH=$( { write_init; printf '%s\n' "${MODULES[@]}"; sha256sum "$BUSYBOX";
               stat -c '%n %s %Y' "$KERNEL" "/lib/modules/$KVER/modules.dep"; } | sha256sum | cut -c1-16)
INITRD="$WORKDIR/initramfs-$KVER-$INIT_HASH.cpio.gz"

build_initramfs() {
    local stage="$WORKDIR/initramfs.stage.$$"
    rm -rf -- "$stage"
    mkdir -p "$stage"/{bin,dev,proc,sys,tmp,host,modules}
    cp "$BUSYBOX" "$stage/bin/busybox"
    local a
    for a in $("$BUSYBOX" --list); do
        [[ $a == busybox ]] || ln -s busybox "$stage/bin/$a"
    done
    write_init > "$stage/init"
    chmod 755 "$stage/init"
    # Module paths in dependency order, de-duplicated.
    local m line path seen="" n=0 base dst
    : > "$stage/modules/order"
    for m in "${MODULES[@]}"; do
        local out
        out=$(modprobe -S "$KVER" --show-depends "$m" 2>&1) \
            || die "kernel $KVER has no module '$m': $out"
        while IFS= read -r line; do
            case "$line" in
                builtin\ *) continue ;;
                insmod\ *) path=$(awk '{print $2}' <<<"$line") ;;
                *) continue ;;
            esac
            case " $seen " in *" $path "*) continue ;; esac
            seen="$seen $path"
            [[ -f $path ]] || die "module file $path missing"
            base=$(basename "$path")
            n=$((n + 1))
            case "$base" in
                *.ko)     dst=$(printf '%02d-%s' $n "$base"); cp "$path" "$stage/modules/$dst" ;;
                *.ko.xz)  dst=$(printf '%02d-%s' $n "${base%.xz}"); need xz xz-utils; xz -dc "$path" > "$stage/modules/$dst" ;;
                *.ko.zst) dst=$(printf '%02d-%s' $n "${base%.zst}"); need zstd zstd; zstd -qdc "$path" > "$stage/modules/$dst" ;;
                *.ko.gz)  dst=$(printf '%02d-%s' $n "${base%.gz}"); gzip -dc "$path" > "$stage/modules/$dst" ;;
                *) die "unknown module format: $path" ;;
            esac
            echo "$dst" >> "$stage/modules/order"
        done <<<"$out"
    done
    [[ -s $stage/modules/order ]] || note "warning: all modules are built into $KVER?"
    (cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 > "$INITRD.tmp.$$"
    mv -f "$INITRD.tmp.$$" "$INITRD"
    rm -rf -- "$stage"
}

if [[ ! -s $INITRD ]]; then
    # Drop initramfs images for other kernels / other init versions.
    rm -f -- "$WORKDIR"/initramfs-*.cpio.gz
    build_initramfs
fi

# ---------------------------------------------------------------- disks
DRIVE_ARGS=()
DEVS=()
letters=(a b c d e f g h i j k l m n o p q r s t)
i=0
NEW_PATHS=" "
for d in ${DISKS[@]+"${DISKS[@]}"}; do
    [[ ${d%%:*} == new ]] && NEW_PATHS+="$WORKDIR/disk-$i.img "
    i=$((i + 1))
done
i=0
for d in ${DISKS[@]+"${DISKS[@]}"}; do
    kind=${d%%:*}; val=${d#*:}
    if [[ $kind == file ]]; then
        rp=$(realpath -- "$val" 2>/dev/null) || die "--disk-file $val not found"
        [[ $NEW_PATHS != *" $rp "* ]] || die "--disk-file $val is the fresh --disk image of this run; copy it elsewhere or reorder the disks"
    fi
    if [[ $kind == new ]]; then
        f="$WORKDIR/disk-$i.img"
        rm -f -- "$f"
        truncate -s "$val" -- "$f" 2>/dev/null || die "bad --disk size '$val' (examples: 256M, 1G)"
        [[ $(stat -c %s -- "$f") -gt 0 ]] || die "--disk size '$val' is zero"
    else
        f=$(realpath -- "$val" 2>/dev/null) || die "--disk-file $val not found"
        [[ -f $f ]] || die "--disk-file $val is not a regular file"
        [[ $f != *,* ]] || die "--disk-file path must not contain a comma: $f"
    fi
    DRIVE_ARGS+=(-drive "file=$f,format=raw,if=virtio,cache=none")
    DEVS+=("/dev/vd${letters[$i]}")
    i=$((i + 1))
done

# ---------------------------------------------------------------- guest command wrapper
{
    echo '#!/bin/bash'
    echo '# Generated by tests/vm/run-in-vm.sh; runs inside the guest chroot.'
    printf 'W=%q\n' "$WORKDIR"
    printf 'HOST_CWD=%q\n' "$HOST_CWD"
    cat <<'WRAP'
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
status() { echo "$1" > "$W/run/status"; }
# Writable LVM configuration: copy of /etc/lvm plus no-udev settings.
LVMDIR=/run/lvm-etc
mkdir -p /run/lvm /run/lock/lvm "$LVMDIR" || { echo "[vm] cannot create /run/lvm dirs"; status 125; exit 125; }
cp -a /etc/lvm/. "$LVMDIR/" 2>/dev/null
rm -rf "$LVMDIR/archive" "$LVMDIR/backup" "$LVMDIR/devices"
cat >> "$LVMDIR/lvm.conf" <<'EOF'

# --- added by tests/vm/run-in-vm.sh (guest has no udev, no lvmpolld, no dmeventd)
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
devices { obtain_device_list_from_udev = 0 use_devicesfile = 0 }
backup { backup = 0 archive = 0 }
global { use_lvmpolld = 0 }
EOF
if ! out=$(LVM_SYSTEM_DIR=$LVMDIR LVM_SUPPRESS_FD_WARNINGS=1 lvmconfig --validate 2>&1); then
    echo "[vm] generated lvm.conf is invalid: $out"; status 125; exit 125
fi
cd "$HOST_CWD" 2>/dev/null || { echo "[vm] cwd $HOST_CWD is not visible in the guest"; status 125; exit 125; }
WRAP
    echo '# Clean environment: only what the harness and --env set.'
    # shellcheck disable=SC2016  # written for the guest shell
    echo 'for _v in $(compgen -e); do unset "$_v"; done; unset _v'
    for kv in "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "HOME=/root" "TERM=dumb" "LC_ALL=C" \
              "LVM_SYSTEM_DIR=/run/lvm-etc" "DM_DISABLE_UDEV=1" "LVM_SUPPRESS_FD_WARNINGS=1" "VM_GUEST=1" \
              "VM_WORKDIR=$WORKDIR" "VM_DISKS=${DEVS[*]-}" "VM_KERNEL=$KVER" ${ENVS[@]+"${ENVS[@]}"}; do
        printf 'export %s=%q\n' "${kv%%=*}" "${kv#*=}"
    done
    printf '%q ' "$@"
    printf '\n'
    # shellcheck disable=SC2016
    printf '%s\n' 'rc=$?' 'status "$rc"' 'exit "$rc"'
} > "$RUN/guest-cmd.sh"

# ---------------------------------------------------------------- boot
# shellcheck disable=SC2054  # commas are qemu's
QEMU=(qemu-system-x86_64
    -accel tcg,thread=multi -cpu max -smp 2 -m "$MEM"
    -nodefaults -nographic -no-reboot -serial stdio -monitor none
    -kernel "$KERNEL" -initrd "$INITRD"
    -append "console=ttyS0 quiet panic=-1 vm_workdir=$WORKDIR vm_cwd=$HOST_CWD"
    -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
    -virtfs "local,path=$HOST_CWD,mount_tag=cwdshare,security_model=none,readonly=on,multidevs=remap"
    -virtfs "local,path=$WORKDIR,mount_tag=work,security_model=none"
    ${DRIVE_ARGS[@]+"${DRIVE_ARGS[@]}"}
)

# Strip terminal escape codes and CRs from the console stream.
strip_console() {
    LC_ALL=C sed -u \
        -e 's#\x1b\[[0-9;?]*[ -/]*[@-~]##g' \
        -e 's/\x1b[()][0-9A-Za-z]//g' \
        -e 's/\x1b[=>78cDEHM]//g' \
        -e 's/\r//g'
}

note "kernel $KVER, ${#DEVS[@]} disk(s), ${MEM} MiB, timeout ${TIMEOUT}s, workdir $WORKDIR"
T0=$(date +%s.%N)
set +e
# qemu runs in the background so that we own its pid: a timeout kills
# exactly it. Its console goes through the filter to our stdout and a log.
"${QEMU[@]}" </dev/null > >(strip_console | tee "$RUN/console.log") 2>&1 &
QEMU_PID=$!
(
    trap 'kill "$s" 2>/dev/null; exit 0' TERM
    sleep "$TIMEOUT" & s=$!
    wait "$s"
    if kill -0 "$QEMU_PID" 2>/dev/null; then
        echo timeout > "$RUN/timed-out"
        kill -KILL "$QEMU_PID" 2>/dev/null
    fi
) </dev/null >/dev/null 2>&1 &
WATCH_PID=$!
if [[ -n $KILL_WHEN ]]; then
    # The power cut: poll for the guest's file and SIGKILL qemu at once
    # (run/killed is written first, so the result below knows it was us).
    (
        trap 'exit 0' TERM
        while kill -0 "$QEMU_PID" 2>/dev/null; do
            if [[ -e $WORKDIR/$KILL_WHEN ]]; then
                date +%s.%N > "$RUN/killed"
                kill -KILL "$QEMU_PID" 2>/dev/null
                exit 0
            fi
            sleep 0.02
        done
    ) </dev/null >/dev/null 2>&1 &
    KILLER_PID=$!
fi
{ wait "$QEMU_PID"; } 2>/dev/null  # no "Killed" job notice when we kill it
QRC=$?
QEMU_PID=""
kill "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" 2>/dev/null
WATCH_PID=""
if [[ -n $KILLER_PID ]]; then kill "$KILLER_PID" 2>/dev/null; wait "$KILLER_PID" 2>/dev/null; KILLER_PID=""; fi
set -e
T1=$(date +%s.%N)
sleep 0.2  # let the console filter drain

KEEPMSG=""
[[ $OWN_WORKDIR == 1 && $KEEP == 0 ]] || KEEPMSG="; console log: $RUN/console.log"
mtime() { stat -c %.Y -- "$1" 2>/dev/null || echo ""; }
timing() {
    local ts tf
    ts=$(mtime "$RUN/started"); tf=$(mtime "$RUN/status")
    if [[ -n $ts && -n $tf ]]; then
        awk -v a="$T0" -v b="$ts" -v c="$tf" -v d="$T1" 'BEGIN{printf "boot %.1fs, command %.1fs, total %.1fs", b-a, c-b, d-a}'
    else
        awk -v a="$T0" -v d="$T1" 'BEGIN{printf "total %.1fs", d-a}'
    fi
}

if [[ -s $RUN/killed ]]; then
    # How long after the guest created the file (its mtime is the host's
    # clock: the share is the host's file system) the kill came.
    lat=$(awk -v k="$(cat "$RUN/killed")" -v m="$(mtime "$WORKDIR/$KILL_WHEN")" -v s="$(mtime "$RUN/started")" \
        'BEGIN{ if (m != "") printf "%.2fs after the guest created it", k-m; else printf "file time unknown";
                if (s != "") printf ", %.1fs into the command", k-s }')
    note "killed qemu on purpose (--kill-when): $WORKDIR/$KILL_WHEN appeared; SIGKILL $lat ($(timing))${KEEPMSG}"
    exit 125
fi
if [[ -e $RUN/timed-out ]]; then
    note "TIMEOUT: guest still running after ${TIMEOUT}s, killed qemu ($(timing))${KEEPMSG}"
    exit 125
fi
if [[ ! -s $RUN/status ]]; then
    if [[ ! -e $RUN/started ]]; then
        note "guest died before running the command (qemu exit $QRC, $(timing)); see console output above"
    else
        note "guest died while running the command: no exit status written (qemu exit $QRC, $(timing))"
    fi
    exit 125
fi
RC=$(tr -dc '0-9' < "$RUN/status")
[[ -n $RC ]] || die "unreadable status file $RUN/status"
if [[ $OWN_WORKDIR == 1 && $KEEP == 0 ]]; then
    note "command exit status $RC ($(timing))"
else
    note "command exit status $RC ($(timing)); log: $RUN/output.log"
fi
exit "$RC"
