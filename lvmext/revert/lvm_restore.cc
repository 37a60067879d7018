#include "lvmext/revert/lvm_restore.h"

#include "core/quoting.h"
#include "lvmext/revert/lvm_session.h"

namespace lvmrevert::lvmext {
namespace {

class LvmRestore final : public LvmSession {
 public:
  using LvmSession::LvmSession;

 private:
  // No snapshot is read: nothing to suspend; the file is ours alone.
  Status Act() override {
    Status s = CopyToOrigin(QuotedName(options_.restore_path));
    if (s.ok()) s = ClearIncomplete("the revert is complete");
    return s;
  }
};

}  // namespace

Report RunLvmRestore(const Options& options, Console& console, Environment& env) {
  return LvmRestore(options, console, env).Run();
}

}  // namespace lvmrevert::lvmext
