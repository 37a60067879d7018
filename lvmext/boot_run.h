// --boot: what the initramfs scripts run before the root is mounted. Every
// snapshot tagged for boot, in any VG, and every pair given on the kernel
// command line (lvmrevert=VG/LV:VG/SNAP,...) is reverted onto its origin,
// activating origins the initramfs left inactive and deactivating them again.
//
//   done      the next-boot tag is removed (the every-boot tag stays);
//   refused   the volume is unchanged and the boot goes on; the tag becomes
//             lvm_revert_refused, so the refusal does not repeat;
//   failed    while writing: the volume is half-reverted. Exit 5, so the
//             script stops the boot in a shell instead of mounting it; the
//             command that completes the revert is printed.
//
// lvmrevert=off skips it all. One summary line per revert goes to stderr
// (the console, even under `quiet`), the full output to RUN_DIR/boot.log.
// Pairs done or refused are remembered in RUN_DIR/done, so running --boot
// again in the same boot (after a failure was fixed) does only the rest.
#pragma once

#include "lvmext/console.h"
#include "lvmext/environment.h"
#include "lvmext/options.h"
#include "lvmext/report.h"

namespace lvmrevert::cli {

Report RunBoot(const Options& options, Console& console, Environment& env);

}  // namespace lvmrevert::cli
