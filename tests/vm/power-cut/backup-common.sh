# shellcheck shell=bash
# Shared by backup-boot1.sh and backup-boot2.sh of tests/vm/power-cut-backup.sh
# (sourced, in the guest), on top of the power cut's common.sh.
# shellcheck disable=SC2034  # the variables are for the scripts that source this
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The PV is the first disk itself here (no dm device under it).
ORIGIN=/dev/$VG/data
STATE=$VM_WORKDIR/power-cut-backup.state
# The backup: ext4 on the second disk.
BK_DISK=$(vm_disk 1)
BK_MNT=/tmp/pcbackup
BK=$BK_MNT/data-before-revert.cow
# The command boot 1 cuts; one write in flight, so the backup is half-written
# when the backing-up pause holds it (after the first completed write).
REVERT_ARGS=(-y --queue-depth 1 --backup "$BK" "$VG/data" "$VG/snap")
# The sibling saves these chunks when the revert writes them (64 KiB chunks,
# origin 0..12 MiB: changed after the snapshot, not yet after the sibling).
SIB_NEW_CHUNKS=192
# The first 16 bytes of a backup's header as od -tu4 shows them: magic
# "SnAp", valid, version 1, chunk size in sectors (64 KiB).
HDR_UNFINISHED="1883336275 0 1 128"
HDR_COMPLETE="1883336275 1 1 128"

# bk_header: those 16 bytes of $BK, read with O_DIRECT (what the disk holds).
bk_header() {
    dd if="$BK" bs=4096 count=1 iflag=direct status=none | od -An -tu4 -N16 | tr -s ' ' | sed 's/^ //'
}
