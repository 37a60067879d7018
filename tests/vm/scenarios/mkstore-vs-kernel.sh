#!/usr/bin/env bash
# The store generator (tests/tools/mkstore.cc) against the kernel: load the
# generator's "expected" image into an origin LV, snapshot it, then overwrite
# the origin chunks in the order the generated table lists them, one write
# at a time. The kernel's store must then be byte-identical to the generated
# one: header, exception areas (including the zeroed area after a full one)
# and data chunks.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

VG=mkvg
OUT=/tmp/mkstore
vm_make_vg "$VG" "$(vm_disk 0)"
[[ -x $MKSTORE ]] || t_bail "MKSTORE ($MKSTORE) is not built"

# table_order COW CHUNK_BYTES: the old_chunk of every table entry, in table
# order, walking the areas like the kernel (stop at new_chunk == 0).
table_order() {
    local cow=$1 cb=$2 epa=$(($2 / 16)) area=0 off
    while :; do
        off=$(((1 + area * (epa + 1)) * cb))
        od -A n -v -t u8 -j "$off" -N "$cb" "$cow" | awk -v epa="$epa" '
            { for (i = 1; i <= NF; i++) v[n++] = $i }
            END { for (k = 0; k + 1 < n; k += 2) { if (v[k + 1] == 0) exit 1; print v[k] } exit (n / 2 == epa ? 0 : 1) }' \
            || break
        area=$((area + 1))
    done
}

# copy_chunks SRC DST CHUNK_BYTES CHUNK...: copy each chunk from SRC to DST in
# the order given, each written through (O_SYNC) before the next.
copy_chunks() {
    perl -e '
        use strict; use warnings; use Fcntl;
        my ($src, $dst, $cb, @chunks) = @ARGV;
        sysopen(my $in, $src, O_RDONLY) or die "open $src: $!\n";
        sysopen(my $out, $dst, O_WRONLY | O_SYNC) or die "open $dst: $!\n";
        for my $c (@chunks) {
            my $buf;
            sysseek($in, $c * $cb, 0) or die "seek: $!\n";
            sysread($in, $buf, $cb) == $cb or die "short read of chunk $c\n";
            sysseek($out, $c * $cb, 0) or die "seek: $!\n";
            syswrite($out, $buf) == $cb or die "short write of chunk $c\n";
        }
    ' "$@"
}

# case CHUNK_SECTORS EXCEPTIONS PATTERN SEED
check_case() {
    local cs=$1 n=$2 pattern=$3 seed=$4 cb=$(($1 * 512)) label="$2 exceptions, $(($1 / 2)) KiB chunks, $3"
    local lv=o$cs snap=s$cs
    rm -rf "$OUT" && mkdir -p "$OUT"
    "$MKSTORE" --out "$OUT" --chunk-sectors "$cs" --origin-mib 8 --exceptions "$n" \
        --pattern "$pattern" --run-chunks 3 --seed "$seed" | sed 's/^/# mkstore: /'
    lvcreate -q -y -L 8M -n "$lv" "$VG" >/dev/null
    dd if="$OUT/expected.img" of="/dev/$VG/$lv" bs=1M oflag=direct status=none
    lvcreate -q -y -s -c "$((cs / 2))k" -L 8M -n "$snap" "$VG/$lv" >/dev/null
    table_order "$OUT/cow.img" "$cb" >"$OUT/order"
    mapfile -t order <"$OUT/order"
    t_eq "$label: table has $n entries" "${#order[@]}" "$n"
    copy_chunks "$OUT/origin.img" "/dev/$VG/$lv" "$cb" "${order[@]}"
    t_eq "$label: origin equals the generated origin image" \
        "$(vm_sha "/dev/$VG/$lv")" "$(sha256sum <"$OUT/origin.img" | cut -d' ' -f1)"
    t_eq "$label: snapshot equals the generated expected image" \
        "$(vm_sha "/dev/$VG/$snap")" "$(sha256sum <"$OUT/expected.img" | cut -d' ' -f1)"
    local size cow
    cow=/dev/mapper/$(vm_dm_name "$VG" "$snap")-cow
    size=$(stat -c %s "$OUT/cow.img")
    dd if="$cow" of="$OUT/kernel-cow.img" bs="$cb" count=$((size / cb)) iflag=direct status=none
    t_eq "$label: kernel header" "$(od -A n -t x1 -N 16 "$OUT/kernel-cow.img" | tr -s ' ')" \
        " 53 6e 41 70 01 00 00 00 01 00 00 00 $(printf '%02x %02x' $((cs & 255)) $((cs >> 8))) 00 00"
    if cmp -s "$OUT/cow.img" "$OUT/kernel-cow.img"; then
        t_ok "$label: kernel store equals the generated one ($size bytes)"
    else
        t_fail "$label: kernel store equals the generated one ($size bytes)" \
            "first differing bytes (offset, generated, kernel; octal):"$'\n'"$(cmp -l "$OUT/cow.img" "$OUT/kernel-cow.img" | head -8)"
    fi
    lvremove -q -y "$VG/$snap" "$VG/$lv" >/dev/null
}

check_case 8 300 scatter 3      # two areas: a full one, then a partial one
check_case 8 256 runs 4         # exactly one full area: the next one is zeroed
check_case 128 40 runs 5
check_case 1024 5 scatter 6

vm_cleanup_vg "$VG"
t_done
