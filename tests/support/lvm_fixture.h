// The LVM form in-process: fake device-mapper and LVM tools, image files as
// the devices, a VG "vg" with an origin "lv" and its snapshot "snap".
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <csignal>
#include <deque>
#include <sstream>

#include "core/psync_engine.h"
#include "lvmext/cli/exit_status.h"
#include "safety/device_number.h"
#include "tests/support/command_fixture.h"
#include "tests/support/fake_device_mapper.h"
#include "tests/support/fake_engine.h"

namespace lvmrevert::lvmext::testing_lvm {

using namespace testing_command;  // NOLINT: the command's plumbing, kChunk, kOriginChunks
using lvmrevert::safety::MajorMinor;
using lvmrevert::testing::FakeDeviceMapper;
using lvmrevert::testing::FakeDmDevice;
using lvmrevert::testing::FakeLvmTools;

constexpr const char* kVgUuid = "AAAAAA-bbbb-CCCC-dddd-EEEE-ffff-GGGGGG";

struct LvSpec {
  std::string name, uuid, attr, origin, segtype;
  std::string tags = "";  // lv_tags, comma-separated
  std::string pool = "";  // pool_lv of a thin LV
  std::string thin_id = "";
  std::string vg = "vg";
};

// What lvs --foreign --shared reports of the VG itself.
struct VgSpec {
  std::string systemid;             // the VG's owner
  std::string attr = "wz--n-";
  std::string lock_type;            // sanlock or dlm: shared
  uint64_t seqno = 1;
};

inline std::string LvsJson(const std::vector<LvSpec>& lvs, const VgSpec& vg = {}) {
  std::string out = "  {\n      \"report\": [\n          {\n              \"lv\": [\n";
  for (size_t i = 0; i < lvs.size(); ++i) {
    const LvSpec& lv = lvs[i];
    out += "                  {\"vg_name\":\"" + lv.vg + "\", \"vg_uuid\":\"" + kVgUuid +
           "\", \"vg_lock_type\":\"" + vg.lock_type + "\", \"vg_systemid\":\"" + vg.systemid +
           "\", \"vg_attr\":\"" + vg.attr + "\", \"vg_seqno\":\"" + std::to_string(vg.seqno) +
           "\", \"lv_name\":\"" + lv.name + "\", \"lv_uuid\":\"" +
           lv.uuid + "\", \"lv_attr\":\"" + lv.attr + "\", \"origin\":\"" + lv.origin +
           "\", \"segtype\":\"" + lv.segtype +
           "\", \"lv_merging\":\"\", \"chunk_size\":\"4096\", \"lv_size\":\"262144\", "
           "\"lv_tags\":\"" + lv.tags + "\", \"pool_lv\":\"" + lv.pool +
           "\", \"lv_metadata_size\":\"4194304\", \"thin_id\":\"" + lv.thin_id + "\"}" +
           (i + 1 < lvs.size() ? ",\n" : "\n");
  }
  return out + "              ]\n          }\n      ]\n  }\n";
}

class LvmFormTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_dir_ = dir_.File("lock");
    lvm_.config.locking_dir = config_dir_;
    lvs_ = {{"lv", "LVLVLV-1111", "owi-XXs---", "", "linear"},
            {"snap", "SNSNSN-2222", "swi-XXs---", "lv", "linear"}};
    // Tag changes land in LVM's view, as lvchange's commit would.
    lvm_.on_change_tags = [this](const LvRef& ref, const std::vector<std::string>& add,
                                 const std::vector<std::string>& remove) {
      for (LvSpec& lv : lvs_) {
        if (lv.name == ref.lv) lv.tags = ChangedTags(lv.tags, add, remove);
      }
      ++vg_.seqno;
      lvm_.lvs_json = LvsJson(lvs_, vg_);
    };

    StoreBuilder snap(8);
    for (uint64_t c : {3, 4, 5, 40, 63}) snap.Add(c);
    snap.SetStoreChunks(64);
    snap_store_ = snap;
    WriteFile(Path("vg-snap-cow"), snap.Build());
    origin_ = PatternImage(9, kOriginChunks * kChunk, kChunk);
    WriteFile(Path("vg-lv"), origin_);
    WriteFile(Path("vg-snap"), origin_);
    expected_ = RevertedImage(origin_, snap);

    AddDevice("vg-lv", 0, "LVM-" + Uuid("LVLVLV-1111"), 0, "snapshot-origin", MajorMinor(Dev(1)));
    AddDevice("vg-lv-real", 1, "LVM-" + Uuid("LVLVLV-1111") + "-real", 2, "linear", "254:0 2048");
    AddDevice("vg-snap", 2, "LVM-" + Uuid("SNSNSN-2222"), 0, "snapshot",
              MajorMinor(Dev(1)) + " " + MajorMinor(Dev(3)) + " P 8");
    dm_.devices["vg-snap"].status = {{0, kOriginChunks * 8, "snapshot", "56/512 16"}};
    AddDevice("vg-snap-cow", 3, "LVM-" + Uuid("SNSNSN-2222") + "-cow", 1, "linear", "254:0 9999");
  }

  static dev_t Dev(unsigned minor_number) { return makedev(253, minor_number); }
  // `tags` (comma-separated) with `add` appended and `remove` taken out.
  static std::string ChangedTags(const std::string& tags, const std::vector<std::string>& add,
                                 const std::vector<std::string>& remove) {
    std::vector<std::string> list;
    std::istringstream in(tags);
    for (std::string t; std::getline(in, t, ',');) {
      if (!t.empty() && std::find(remove.begin(), remove.end(), t) == remove.end()) list.push_back(t);
    }
    for (const std::string& t : add) {
      if (std::find(list.begin(), list.end(), t) == list.end()) list.push_back(t);
    }
    std::string out;
    for (const std::string& t : list) out += (out.empty() ? "" : ",") + t;
    return out;
  }
  static std::string Uuid(const std::string& lv_uuid) {
    std::string s = std::string(kVgUuid) + lv_uuid;
    s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
    return s;
  }
  std::string Path(const std::string& dm_name) { return dir_.File(dm_name + ".img"); }

  void AddDevice(const std::string& name, unsigned minor_number, const std::string& uuid,
                 int open_count, const std::string& type, const std::string& params) {
    FakeDmDevice d;
    d.info.exists = true;
    d.info.dev = Dev(minor_number);
    d.info.name = name;
    d.info.uuid = uuid;
    d.info.open_count = open_count;
    d.table = {{0, kOriginChunks * 8, type, params}};
    dm_.devices[name] = d;
  }

  // A second snapshot "sib" of the same origin, with room for `store_chunks`.
  void AddSibling(uint64_t store_chunks, std::initializer_list<uint64_t> saved) {
    lvs_.push_back({"sib", "SIBSIB-3333", "swi-XXs---", "lv", "linear"});
    StoreBuilder sib(8);
    for (uint64_t c : saved) sib.Add(c);
    sib.SetStoreChunks(store_chunks);
    WriteFile(Path("vg-sib-cow"), sib.Build());
    WriteFile(Path("vg-sib"), origin_);
    AddDevice("vg-sib", 4, "LVM-" + Uuid("SIBSIB-3333"), 0, "snapshot",
              MajorMinor(Dev(1)) + " " + MajorMinor(Dev(5)) + " P 8");
    AddDevice("vg-sib-cow", 5, "LVM-" + Uuid("SIBSIB-3333") + "-cow", 1, "linear", "254:0 1");
    dm_.devices["vg-lv-real"].info.open_count += 1;
  }

  int Run(std::vector<std::string> args) {
    lvm_.lvs_json = LvsJson(lvs_, vg_);
    out_.str("");
    err_.str("");
    Console console{out_, err_, stdin_is_terminal_, false, [this] { return NextAnswer(answers_); },
                    nullptr, nullptr};
    Environment env{view_,
                    [this](EngineKind, unsigned) -> StatusOr<EngineChoice> {
                      return EngineChoice{make_engine_(), ""};
                    },
                    &dm_, &lvm_,
                    [this](const std::string& name, dev_t) { return Path(name); },
                    boot_image_, dir_.File("cmdline"), dir_.File("run")};
    env.is_root = [this] { return is_root_; };
    env.lvm_run_dir = dir_.File("lvm-run");
    return RunCommand(std::move(args), console, env);
  }

  void ExpectRefusedUnchanged(const std::vector<std::string>& args, const std::string& message) {
    EXPECT_EQ(Run(args), kExitRefused) << err_.str();
    EXPECT_THAT(err_.str(), HasSubstr(message));
    EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
    EXPECT_FALSE(dm_.AnySuspended());
  }

  TempDir dir_;
  std::string config_dir_;
  std::vector<LvSpec> lvs_;
  VgSpec vg_;  // lvm_.config.host is this host
  StoreBuilder snap_store_{8};
  std::vector<std::byte> origin_;
  std::vector<std::byte> expected_;
  FakeDeviceMapper dm_;
  FakeLvmTools lvm_;
  FakeSystemView view_;
  std::function<std::unique_ptr<IoEngine>()> make_engine_ = [] {
    return std::make_unique<PsyncEngine>();
  };
  std::ostringstream out_;
  std::ostringstream err_;
  bool stdin_is_terminal_ = false;
  bool is_root_ = true;
  std::deque<std::string> answers_;
  BootImage* boot_image_ = nullptr;
};

}  // namespace lvmrevert::lvmext::testing_lvm
