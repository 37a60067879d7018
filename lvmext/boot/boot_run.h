// --boot: what the initramfs scripts run before the root is mounted.
//
// First, every revert that started and did not finish (the snapshot tagged
// lvm_revert_incomplete, by a boot-time revert or the LVM form cut short by
// a power cut, a kill or an I/O error) is completed, whatever the kernel
// command line says. One that cannot be completed stops the boot (exit 5);
// so does an interrupted --restore (the origin tagged), which needs its file.
//
// Then, unless lvmrevert= says off (or fails to parse: then nothing runs),
// every snapshot tagged for boot, in every VG LVM can read, and every pair on
// the kernel command line (lvmrevert=VG/LV:VG/SNAP,...) is reverted onto its
// origin, activating origins the initramfs left inactive and deactivating
// them again unless LVM's autoactivation took the VG meanwhile. An origin
// asked for with two snapshots is refused for both, before either is written.
//
//   done      the next-boot tag went in the commit that marked the revert
//             started (it can never run twice); the every-boot tag stays;
//   refused   the volume is unchanged and the boot goes on. A refusal that
//             will hold at every boot (RefusalReason, IsLastingRefusal)
//             turns the tag into lvm_revert_refused; one that may pass (the
//             volume busy, an LVM or device-mapper error) keeps it;
//   failed    while writing: the volume is half-reverted. Exit 5, so the
//             script stops the boot in a shell instead of mounting it; the
//             command that completes the revert is printed.
//
// Exit 0 or 4 lets the boot go on; the scripts stop on anything else. One
// summary line per revert goes to stderr (the console, even under `quiet`),
// the full output to RUN_DIR/boot.log. Pairs done or refused are remembered
// in RUN_DIR/done, so running --boot again in the same boot (after the
// shell) does only the rest.
#pragma once

#include "lvmext/system/console.h"
#include "lvmext/cli/environment.h"
#include "lvmext/cli/options.h"
#include "lvmext/cli/report.h"

namespace lvmrevert::lvmext {

Report RunBoot(const Options& options, Console& console, Environment& env);

}  // namespace lvmrevert::lvmext
