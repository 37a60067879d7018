#!/usr/bin/env bash
# Runs in the run-in-vm.sh guest: prepares one disk per boot case (VG btN on
# the N-th disk), each with a root LV that boots with root-init.sh, a
# snapshot of it, changes after the snapshot, and the case's schedule
# (system-id and home: a set of the root and a second LV, var; thin: thin
# roots and thin snapshots, make_thin). What the checks need goes to
# $OUT/btN.*.
#
#   prep.sh OUT CASE...        (CASE: a name from run-boot-tests.sh, in disk order)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../vm/guest-lib.sh"
. "$here/system-ids.sh"
OUT=$1
shift
mkdir -p "$OUT"

# make_root VG [LV LVCREATE_ARGS...]: the root LV (default root, -L 48M)
# with a busybox root, "BEFORE" and 6 MiB of data, whose sha256 goes to
# $OUT/VG.data-before (LV root) or $OUT/VG.LV-data-before.
make_root() {
    local vg=$1 lv=${2:-root} mnt=/tmp/${2:-root}-$1 key=data-before
    [[ $lv == root ]] || key=$lv-data-before
    if (($# > 2)); then lvcreate -q -y "${@:3}" -n "$lv" "$vg" >/dev/null; else
        lvcreate -q -y -L 48M -n root "$vg" >/dev/null; fi
    mkfs.ext4 -q -L "$vg$lv" "/dev/$vg/$lv"
    mkdir -p "$mnt"
    mount "/dev/$vg/$lv" "$mnt"
    mkdir -p "$mnt"/{bin,sbin,dev,proc,sys,run,tmp,etc}
    cp /bin/busybox "$mnt/bin/busybox"
    for a in sh cat ls grep tr cut sha256sum mount sync poweroff echo; do ln -s busybox "$mnt/bin/$a"; done
    install -m 755 "$here/root-init.sh" "$mnt/sbin/init"
    # systemd's initrd switches only into a root that has os-release.
    printf 'NAME="lvm-revert boot test"\nID=lvmrevert-boot-test\n' >"$mnt/etc/os-release"
    echo BEFORE >"$mnt/marker"
    head -c 6M /dev/urandom >"$mnt/data"
    sha256sum "$mnt/data" | cut -c1-16 >"$OUT/$vg.$key"
    umount "$mnt"
}

# change_root VG [LV]: "AFTER" and new data, through the mounted
# filesystem (left mounted); the data's sha256 to $OUT/VG.data-after
# (LV root) or $OUT/VG.LV-data-after.
change_root() {
    local vg=$1 lv=${2:-root} mnt=/tmp/${2:-root}-$1 key=data-after
    [[ $lv == root ]] || key=$lv-data-after
    mount "/dev/$vg/$lv" "$mnt"
    echo AFTER >"$mnt/marker"
    head -c 6M /dev/urandom >"$mnt/data"
    sha256sum "$mnt/data" | cut -c1-16 >"$OUT/$vg.$key"
    sync
}

# make_var VG SNAP_MIB: the second member of a set with the root (sets,
# issue 18): var, 8 MiB of data (no filesystem: compared byte for byte),
# its snapshot varsnap (SNAP_MIB MiB, 4 KiB chunks), then two 1 MiB runs of
# var changed. varsnap's sha256 goes to $OUT/VG.var-goal.
make_var() {
    local vg=$1
    lvcreate -q -y -L 8M -n var "$vg" >/dev/null
    vm_fill "/dev/$vg/var" 21 8
    lvcreate -q -y -s -c 4k -L "${2}M" -n varsnap "$vg/var" >/dev/null
    vm_fill "/dev/$vg/var" 22 1 1
    vm_fill "/dev/$vg/var" 23 1 5
    vm_sha "/dev/$vg/varsnap" >"$OUT/$vg.var-goal"
    [[ $(vm_sha "/dev/$vg/var") != "$(cat "$OUT/$vg.var-goal")" ]] || t_bail "$vg: var did not change"
}

# schedule ARGS...: lvm-revert ARGS (an --at-*-boot) for the loop's disk
# ($vg, $case_name), its output kept for run-boot-tests.sh in
# $OUT/VG.schedule.{out,err}; stops here if it failed.
schedule() {
    vm_revert "$@"
    vm_show_revert
    cp "$REV_OUT" "$OUT/$vg.schedule.out"
    cp "$REV_ERR" "$OUT/$vg.schedule.err"
    [[ $REV_RC == 0 ]] || t_bail "$case_name: $1 exit $REV_RC"
}

# sorted_tags VG/LV: its LV tags, sorted, space-separated.
sorted_tags() { lvs --noheadings -o lv_tags "$1" | tr -d ' ' | tr ',' '\n' | sed '/^$/d' | sort | paste -sd' '; }

# make_thin VG (case thin, issue 19): a thin pool; the root LV thin, with a
# thin snapshot snap, scheduled --at-next-boot; a second bootable root,
# eroot, thin, with a thin snapshot esnap, scheduled --at-every-boot. For
# check.sh: each LV's UUID, each snapshot's sha256 and its permission and
# activation-skip flags (lv_attr[1], lv_attr[9]) as prep left them.
make_thin() {
    local vg=$1 lv snap x attr fake=/tmp/initrd-without-thin image
    lvcreate -q -y --type thin-pool -L 100M -n pool "$vg" >/dev/null
    for lv in root eroot; do
        snap=${lv%root}snap
        make_root "$vg" "$lv" -V 48M --thinpool pool
        lvcreate -q -y -s -n "$snap" "$vg/$lv" >/dev/null
        # A thin snapshot skips activation (-k): -K to read it.
        lvchange -q -ay -K "$vg/$snap"
        vm_sha "/dev/$vg/$snap" >"$OUT/$vg.$snap-sha"
        lvchange -q -an "$vg/$snap"
        for x in "$lv" "$snap"; do lvs --noheadings -o lv_uuid "$vg/$x" | tr -d ' ' >"$OUT/$vg.$x-uuid"; done
        attr=$(lvs --noheadings -o lv_attr "$vg/$snap" | tr -d ' ')
        echo "${attr:1:1}${attr:9:1}" >"$OUT/$vg.$snap-flags"
        change_root "$vg" "$lv"
    done
    # Scheduling reads the running kernel's image: here one that holds
    # lvm-revert and no thin_check, so it must warn and name the fix (and
    # no time goes into listing this host's image).
    image=/boot/initrd.img-$(uname -r)
    mkdir -p "$fake/usr/sbin"
    : >"$fake/usr/sbin/lvm-revert"
    (cd "$fake" && find usr | cpio -o -H newc --quiet) | gzip >"$fake.img"
    mount --bind "$fake.img" "$image"
    # Scheduled while both are mounted, as an admin would.
    schedule --at-every-boot "$vg/eroot" "$vg/esnap"
    for x in out err; do mv "$OUT/$vg.schedule.$x" "$OUT/$vg.eroot-schedule.$x"; done
    schedule --at-next-boot "$vg/root" "$vg/snap"
    umount "$image"
    umount "/tmp/root-$vg" "/tmp/eroot-$vg"
}

disk=0
for case_name in "$@"; do
    vg=bt$disk
    dev=$(vm_disk "$disk")
    disk=$((disk + 1))
    vm_make_vg "$vg" "$dev"
    if [[ $case_name == thin ]]; then
        make_thin "$vg"
        lvs -a -o lv_name,lv_attr,lv_tags "$vg" | sed "s/^/# $vg: /"
        vgchange -q -an "$vg" >/dev/null
        continue
    fi
    make_root "$vg"
    snap_size=24M
    [[ $case_name == refused ]] && snap_size=8M
    lvcreate -q -y -s -c 4k -L "$snap_size" -n snap "$vg/root" >/dev/null
    change_root "$vg"
    mnt=/tmp/root-$vg
    # A set of the root and var (system-id: reverted at boot; home: varsnap
    # is overflowed below, so the whole set is refused).
    case $case_name in
        system-id) make_var "$vg" 8 ;;
        home) make_var "$vg" 4 ;;
    esac
    # Scheduled while the root is mounted, as an admin would.
    case $case_name in
        next-boot | off | refused | write-failure | dracut | cut-next-boot | dracut-systemd)
            schedule --at-next-boot "$vg/root" "$vg/snap" ;;
        every-boot)
            schedule --at-every-boot "$vg/root" "$vg/snap" ;;
        system-id | home)
            # One command naming both snapshots: a set.
            schedule --at-next-boot "$vg/snap" "$vg/varsnap"
            sorted_tags "$vg/snap" >"$OUT/$vg.snap-tags"
            sorted_tags "$vg/varsnap" >"$OUT/$vg.varsnap-tags"
            ;;
    esac
    case $case_name in
        refused)
            # Invalidate the snapshot after scheduling: 12 MiB of changes, 8 MiB of room.
            head -c 12M /dev/urandom >"$mnt/fill"
            sync
            ;;
        two-schedules)
            # A second snapshot of the root, and both scheduled by hand (the
            # tags are the interface): the boot must refuse both.
            lvcreate -q -y -s -c 4k -L 24M -n zbase "$vg/root" >/dev/null
            lvchange -q --addtag lvm_revert_next_boot "$vg/snap"
            lvchange -q --addtag lvm_revert_every_boot "$vg/zbase"
            ;;
        dracut-systemd)
            # A swap LV to resume from (it holds no image: the boot goes on).
            lvcreate -q -y -L 16M -n swap "$vg" >/dev/null
            mkswap -q "/dev/$vg/swap" >/dev/null
            ;;
        home)
            # A second LV that the initramfs does not activate, and its snapshot,
            # scheduled by the documented tag itself.
            lvcreate -q -y --setautoactivation n -L 32M -n home "$vg" >/dev/null
            vm_fill "/dev/$vg/home" 11 32
            lvcreate -q -y -s -c 4k -L 16M -n homesnap "$vg/home" >/dev/null
            vm_fill "/dev/$vg/home" 12 8 4
            vm_sha "/dev/$vg/homesnap" >"$OUT/$vg.home-goal"
            lvchange -q --addtag lvm_revert_next_boot "$vg/homesnap"
            # The set's second member invalid after scheduling: 6 MiB more
            # of var changed, 4 MiB of room. The root's member is fine.
            vm_fill "/dev/$vg/var" 24 6 2
            [[ $(dmsetup status "$vg-varsnap") == *Invalid* ]] ||
                t_bail "$case_name: varsnap not invalidated: $(dmsetup status "$vg-varsnap")"
            vm_sha "/dev/$vg/var" >"$OUT/$vg.var-left"
            ;;
    esac
    umount "$mnt"
    if [[ $case_name == write-failure ]]; then
        # The disk sector of the origin chunk the revert writes last: one
        # write there fails once (qemu blkdebug), so the copy fails part-way.
        last_chunk=$("$LVM_REVERT" --dry-run --json "$vg/root" "$vg/snap" |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["plan"][-1]["origin_chunk"])')
        echo "$(( $(vm_lv_pv_sector "$vg" root) + last_chunk * 8 ))" >"$OUT/$vg.fail-sector"
    fi
    # (an invalidated snapshot cannot be read)
    [[ $case_name == refused ]] || vm_sha "/dev/$vg/snap" >"$OUT/$vg.snap-sha"
    lvs -a -o lv_name,lv_attr,lv_tags "$vg" | sed "s/^/# $vg: /"
    vgchange -q -an "$vg" >/dev/null
    # Last: the VG is then another host's to this guest.
    id=$(bt_system_id "$case_name")
    [[ -z $id ]] || vgchange -q -y --systemid "$id" "$vg" >/dev/null
done
t_ok "prep: $# disks ready"
t_done
