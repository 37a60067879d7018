#include "lvmext/lvm/lv_name.h"

#include <libdevmapper.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <new>

namespace lvmrevert::lvmext {
namespace {

// libdm's name helpers allocate from a pool; one per call, freed on return.
class Pool {
 public:
  Pool() : pool_(dm_pool_create("lvm-revert names", 256)) {
    if (pool_ == nullptr) throw std::bad_alloc();
  }
  ~Pool() { dm_pool_destroy(pool_); }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  dm_pool* get() const { return pool_; }

 private:
  dm_pool* pool_;
};

// A string libdm built in a pool; NULL only when the pool could not grow.
std::string Copied(const char* built) {
  if (built == nullptr) throw std::bad_alloc();
  return built;
}

std::string WithoutHyphens(std::string_view s) {
  std::string out;
  std::copy_if(s.begin(), s.end(), std::back_inserter(out), [](char c) { return c != '-'; });
  return out;
}

}  // namespace

bool IsValidLvmName(std::string_view name) {
  if (name.empty() || name.size() > 127 || name == "." || name == ".." || name[0] == '-') {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '_' || c == '.' ||
           c == '-';
  });
}

bool IsValidLvmTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 1024) return false;
  return std::all_of(tag.begin(), tag.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("_+.-/=!:&#").find(c) != std::string_view::npos;
  });
}

StatusOr<LvRef> ParseLvRef(std::string_view text) {
  std::string_view rest = text;
  if (rest.substr(0, 5) == "/dev/") rest.remove_prefix(5);
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos || rest.find('/', slash + 1) != std::string_view::npos) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not of the form VG/LV");
  }
  LvRef ref{std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))};
  if (!IsValidLvmName(ref.vg) || !IsValidLvmName(ref.lv)) {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a valid VG/LV name (LVM names use A-Z a-z 0-9 + _ . -)");
  }
  return ref;
}

std::string DmName(const LvRef& lv, std::string_view layer) {
  Pool pool;
  const std::string layer_text(layer);
  return Copied(dm_build_dm_name(pool.get(), lv.vg.c_str(), lv.lv.c_str(),
                                 layer_text.empty() ? nullptr : layer_text.c_str()));
}

std::optional<SplitName> SplitDmName(std::string_view dm_name) {
  // A lone '-' separates the parts; "--" is a '-' inside one.
  // dm_split_lvm_name always finds three parts and ignores anything after a
  // third separator, so only a name that DmName builds back from its parts
  // is of the shape.
  Pool pool;
  const std::string name(dm_name);
  char* vg = nullptr;
  char* lv = nullptr;
  char* layer = nullptr;
  if (!dm_split_lvm_name(pool.get(), name.c_str(), &vg, &lv, &layer)) throw std::bad_alloc();
  SplitName split{LvRef{vg, lv}, layer};
  if (!IsValidLvmName(split.lv.vg) || !IsValidLvmName(split.lv.lv) ||
      DmName(split.lv, split.layer) != dm_name) {
    return std::nullopt;
  }
  return split;
}

std::string DmUuid(std::string_view vg_uuid, std::string_view lv_uuid, std::string_view layer) {
  // LVM passes its lvid: both UUIDs as stored, without the hyphens lvs prints.
  Pool pool;
  const std::string lvid = WithoutHyphens(vg_uuid) + WithoutHyphens(lv_uuid);
  const std::string layer_text(layer);
  return Copied(dm_build_dm_uuid(pool.get(), "LVM-", lvid.c_str(),
                                 layer_text.empty() ? nullptr : layer_text.c_str()));
}

}  // namespace lvmrevert::lvmext
