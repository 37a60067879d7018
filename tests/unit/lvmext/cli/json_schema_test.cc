// The JSON contract of lvm-revert(8), JSON OUTPUT, as one schema: every key
// in its order with the JSON types it may take, and the keys of the nested
// objects. Each outcome runs the real command in-process and checks that
// standard output is exactly one object of that schema (no key missing, none
// extra, none out of order, no value of another type), plus what that
// outcome promises. The schema is also checked against the man page itself.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/engines.h"
#include "core/psync_engine.h"
#include "lvmext/cli/exit_status.h"
#include "lvmext/command.h"
#include "tests/support/command_fixture.h"
#include "tests/support/fake_engine.h"
#include "tests/support/json_output.h"
#include "tests/support/lvm_fixture.h"

namespace lvmrevert::lvmext {
namespace {

using namespace testing_command;  // NOLINT: the fixture and its helpers
using ::testing::StartsWith;
using ordered_json = nlohmann::ordered_json;
using Type = nlohmann::json::value_t;

// --- the schema ------------------------------------------------------------------

struct Field;
using Schema = std::vector<Field>;

struct Field {
  std::string key;
  // Not a std::set: nlohmann's operator< on value_t ranks all three number
  // types as equal, so a set would take a float for an unsigned.
  std::vector<Type> types;
  // For an object value: its schema; for an array value: each entry's.
  const Schema* entries = nullptr;
  // For an array of scalars: the type of every entry.
  std::optional<Type> entry_type = std::nullopt;
};

// Integers are parsed as number_unsigned when they are not negative, which
// every count here is; used_percent and elapsed_seconds are printed with a
// fraction (0.0), so they parse as number_float.
constexpr Type kUnsigned = Type::number_unsigned;
constexpr Type kFloat = Type::number_float;
constexpr Type kString = Type::string;
constexpr Type kBool = Type::boolean;
constexpr Type kNull = Type::null;
constexpr Type kObject = Type::object;
constexpr Type kArray = Type::array;

const Schema kErrorSchema = {
    {"kind", {kString}},
    {"message", {kString}},
};

const Schema kSiblingSchema = {
    {"name", {kString}},
    {"chunk_size", {kUnsigned}},
    {"new_chunks", {kUnsigned}},
    {"free_chunks", {kUnsigned}},
    {"would_overflow", {kBool}},
};

const Schema kCompareSchema = {
    {"chunks", {kUnsigned}},
    {"bytes", {kUnsigned}},
    {"differing_chunks", {kUnsigned}},
    {"differing_bytes", {kUnsigned}},
    {"first_difference", {kUnsigned, kNull}},
};

const Schema kScheduledRevertSchema = {
    {"origin", {kString}},
    {"snapshot", {kString, kNull}},
    {"when", {kString}},
    {"set", {kString, kNull}},
};

const Schema kPlanRunSchema = {
    {"origin_chunk", {kUnsigned}},
    {"cow_chunk", {kUnsigned}},
    {"chunks", {kUnsigned}},
    {"bytes", {kUnsigned}},
};

// (A member's error is the top-level one's shape; the man page's entries
// nest one level only, so its keys are not listed twice.)
const Schema kMemberSchema = {
    {"origin", {kString}},
    {"snapshot", {kString, kNull}},
    {"kind", {kString}},
    {"result", {kString}},
    {"error", {kObject, kNull}},
    {"runs", {kUnsigned, kNull}},
    {"bytes", {kUnsigned, kNull}},
    {"bytes_written", {kUnsigned}},
};

const Schema kReportSchema = {
    {"result", {kString}},
    {"exit_status", {kUnsigned}},
    {"error", {kObject, kNull}, &kErrorSchema},
    {"mode", {kString}},
    {"origin", {kString, kNull}},
    {"snapshot", {kString, kNull}},
    {"store", {kString, kNull}},
    {"chunk_size", {kUnsigned, kNull}},
    {"exceptions", {kUnsigned, kNull}},
    {"runs", {kUnsigned, kNull}},
    {"bytes", {kUnsigned, kNull}},
    {"metadata_areas", {kUnsigned, kNull}},
    {"used_chunks", {kUnsigned, kNull}},
    {"total_chunks", {kUnsigned, kNull}},
    {"used_percent", {kFloat, kNull}},
    {"bytes_written", {kUnsigned}},
    {"io_engine", {kString, kNull}},
    {"direct_io", {kBool, kNull}},
    {"siblings", {kArray}, &kSiblingSchema},
    {"snapshot_removed", {kBool}},
    {"scheduled", {kString, kNull}},
    {"backup", {kString, kNull}},
    {"backup_snapshot", {kString, kNull}},
    {"verified_bytes", {kUnsigned, kNull}},
    {"compare", {kObject, kNull}, &kCompareSchema},
    {"scheduled_reverts", {kArray, kNull}, &kScheduledRevertSchema},
    {"warnings", {kArray}, nullptr, kString},
    {"elapsed_seconds", {kFloat}},
    {"plan", {kArray, kNull}, &kPlanRunSchema},
    {"members", {kArray}, &kMemberSchema},
};

std::string TypeName(Type t) {
  switch (t) {
    case Type::null: return "null";
    case Type::object: return "object";
    case Type::array: return "array";
    case Type::string: return "string";
    case Type::boolean: return "boolean";
    case Type::number_integer: return "negative integer";
    case Type::number_unsigned: return "unsigned integer";
    case Type::number_float: return "float";
    default: return "other";
  }
}

// Every problem of `value` against `schema`, each prefixed with its path;
// empty when it conforms.
void Check(const ordered_json& value, const Schema& schema, const std::string& path,
           std::vector<std::string>* problems) {
  if (!value.is_object()) {
    problems->push_back(path + ": a " + TypeName(value.type()) + ", not an object");
    return;
  }
  std::vector<std::string> expected, actual;
  for (const Field& f : schema) expected.push_back(f.key);
  for (const auto& [key, v] : value.items()) actual.push_back(key);
  if (actual != expected) {
    std::string want, got;
    for (const auto& k : expected) want += " " + k;
    for (const auto& k : actual) got += " " + k;
    problems->push_back(path + ": keys" + got + "; the schema says" + want);
  }
  for (const Field& f : schema) {
    const std::string here = path + "." + f.key;
    if (!value.contains(f.key)) {
      problems->push_back(here + ": missing");
      continue;
    }
    const ordered_json& v = value.at(f.key);
    if (std::find(f.types.begin(), f.types.end(), v.type()) == f.types.end()) {
      problems->push_back(here + ": a " + TypeName(v.type()) + " (" + v.dump() + ")");
      continue;
    }
    if (v.is_object() && f.entries != nullptr) Check(v, *f.entries, here, problems);
    if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string entry = here + "[" + std::to_string(i) + "]";
        if (f.entries != nullptr) Check(v[i], *f.entries, entry, problems);
        if (f.entry_type && v[i].type() != *f.entry_type) {
          problems->push_back(entry + ": a " + TypeName(v[i].type()) + ", not a " +
                              TypeName(*f.entry_type));
        }
      }
    }
  }
}

::testing::AssertionResult MatchesSchema(const ordered_json& value, const Schema& schema) {
  std::vector<std::string> problems;
  Check(value, schema, "$", &problems);
  if (problems.empty()) return ::testing::AssertionSuccess();
  ::testing::AssertionResult r = ::testing::AssertionFailure();
  for (const std::string& p : problems) r << "\n  " << p;
  return r;
}

// Standard output as the one object it must be, in the order it was
// printed (nlohmann::json would sort the keys), after checking its schema.
ordered_json ReportOf(const std::string& out) {
  const nlohmann::json one = OneJsonObject(out);  // one line, one object
  if (one.is_null()) return ordered_json();
  ordered_json j = ordered_json::parse(out);
  EXPECT_TRUE(MatchesSchema(j, kReportSchema)) << out;
  return j;
}

// --- the validator itself fails where it must ---------------------------------------

// A report that conforms: every key, each of an allowed type.
ordered_json ValidReport() {
  return ordered_json::parse(R"({"result":"dry-run","exit_status":0,"error":null,
      "mode":"lvm","origin":"vg/lv","snapshot":"vg/snap","store":"/dev/mapper/vg-snap-cow",
      "chunk_size":4096,"exceptions":1,"runs":1,"bytes":4096,"metadata_areas":1,
      "used_chunks":3,"total_chunks":64,"used_percent":4.68,"bytes_written":0,
      "io_engine":null,"direct_io":true,
      "siblings":[{"name":"vg/sib","chunk_size":4096,"new_chunks":1,"free_chunks":9,
                   "would_overflow":false}],
      "snapshot_removed":false,"scheduled":null,"backup":null,"backup_snapshot":null,
      "verified_bytes":null,
      "compare":{"chunks":1,"bytes":4096,"differing_chunks":0,"differing_bytes":0,
                 "first_difference":null},
      "scheduled_reverts":[{"origin":"vg/lv","snapshot":"vg/snap","when":"next-boot",
                             "set":null}],
      "warnings":["w"],"elapsed_seconds":0.0,
      "plan":[{"origin_chunk":3,"cow_chunk":2,"chunks":1,"bytes":4096}],
      "members":[{"origin":"vg/lv","snapshot":"vg/snap","kind":"old-style","result":"dry-run","error":null,
                  "runs":1,"bytes":4096,"bytes_written":0}]})");
}

TEST(JsonSchemaValidatorTest, AcceptsAConformingReport) {
  EXPECT_TRUE(MatchesSchema(ValidReport(), kReportSchema));
}

TEST(JsonSchemaValidatorTest, RejectsAMissingKey) {
  ordered_json j = ValidReport();
  j.erase("direct_io");
  EXPECT_FALSE(MatchesSchema(j, kReportSchema));
}

TEST(JsonSchemaValidatorTest, RejectsAnExtraKey) {
  ordered_json j = ValidReport();
  j["device_written"] = true;
  EXPECT_FALSE(MatchesSchema(j, kReportSchema));
}

TEST(JsonSchemaValidatorTest, RejectsKeysOutOfOrder) {
  ordered_json j = ValidReport();
  const ordered_json mode = j["mode"];
  j.erase("mode");
  j["mode"] = mode;  // now last
  EXPECT_FALSE(MatchesSchema(j, kReportSchema));
}

TEST(JsonSchemaValidatorTest, RejectsAWrongType) {
  for (const auto& [key, bad] : std::vector<std::pair<std::string, ordered_json>>{
           {"chunk_size", "4096"},   // a string, not a number
           {"chunk_size", -1},       // negative
           {"chunk_size", 4096.0},   // a float
           {"exit_status", nullptr},  // never null
           {"siblings", nullptr},     // an empty array, never null
           {"warnings", "w"},
           {"direct_io", 1},
           {"elapsed_seconds", 1},  // printed as 1.0
           {"error", "refused"}}) {
    ordered_json j = ValidReport();
    j[key] = bad;
    EXPECT_FALSE(MatchesSchema(j, kReportSchema)) << key << " = " << bad.dump();
  }
}

TEST(JsonSchemaValidatorTest, RejectsBadNestedEntries) {
  ordered_json j = ValidReport();
  j["siblings"][0].erase("would_overflow");
  EXPECT_FALSE(MatchesSchema(j, kReportSchema));
  j = ValidReport();
  j["plan"][0]["bytes"] = "4096";
  EXPECT_FALSE(MatchesSchema(j, kReportSchema));
  j = ValidReport();
  j["compare"]["extra"] = 1;
  EXPECT_FALSE(MatchesSchema(j, kReportSchema));
  j = ValidReport();
  j["scheduled_reverts"][0] = "vg/lv";
  EXPECT_FALSE(MatchesSchema(j, kReportSchema));
  j = ValidReport();
  j["error"] = {{"message", "m"}, {"kind", "refused"}};  // out of order
  EXPECT_FALSE(MatchesSchema(j, kReportSchema));
  j = ValidReport();
  j["warnings"] = {"w", 1};
  EXPECT_FALSE(MatchesSchema(j, kReportSchema));
}

// --- the schema is the man page's -----------------------------------------------------

// The source tree: next to this file when __FILE__ is absolute, else (a
// build with -ffile-prefix-map, as Debian's) above the working directory.
std::optional<std::string> SourceFile(const std::string& relative) {
  std::vector<std::string> roots;
  std::string here = __FILE__;
  for (int up = 0; up < 3 && here.rfind('/') != std::string::npos; ++up) {
    here = here.substr(0, here.rfind('/'));
  }
  roots.push_back(here);
  char cwd[4096];
  if (::getcwd(cwd, sizeof cwd) != nullptr) {
    std::string dir = cwd;
    while (!dir.empty()) {
      roots.push_back(dir);
      dir = dir.substr(0, dir.rfind('/'));
    }
  }
  for (const std::string& root : roots) {
    const std::string path = root + "/" + relative;
    if (std::ifstream(path) && std::ifstream(root + "/tests/unit/lvmext/cli/json_schema_test.cc")) return path;
  }
  return std::nullopt;
}

// "(number or null)" -> {"number", "null"}; "(array of objects or null)" ->
// {"array of objects", "null"}.
std::set<std::string> ManTypes(const std::string& text) {
  std::set<std::string> out;
  std::stringstream terms(std::regex_replace(text, std::regex(" or "), "|"));
  std::string term;
  while (std::getline(terms, term, '|')) out.insert(term);
  return out;
}

// The same words for a field of the schema.
std::set<std::string> SchemaTypes(const Field& f) {
  std::set<std::string> out;
  for (Type t : f.types) {
    if (t == kUnsigned || t == kFloat) {
      out.insert("number");
    } else if (t == kArray && f.entries != nullptr) {
      out.insert("array of objects");
    } else if (t == kArray && f.entry_type) {
      out.insert("array of " + TypeName(*f.entry_type) + "s");
    } else {
      out.insert(TypeName(t));
    }
  }
  return out;
}

struct ManEntry {
  std::string key;
  std::set<std::string> types;
  std::vector<ManEntry> nested;
};

// The `.TP` / `.BR key " (types)"` entries of JSON OUTPUT; those inside an
// .RS block belong to the entry before it.
std::vector<ManEntry> ManPageKeys(const std::string& page) {
  std::vector<ManEntry> top;
  std::istringstream in(page);
  std::string line, previous;
  bool inside = false;
  int depth = 0;
  const std::regex entry(R"re(^\.BR ([a-z_]+) " \((.*)\)"$)re");
  while (std::getline(in, line)) {
    if (line.rfind(".SH ", 0) == 0) {
      if (inside) break;
      inside = line == ".SH JSON OUTPUT";
    } else if (inside) {
      if (line.rfind(".RS", 0) == 0) ++depth;
      if (line.rfind(".RE", 0) == 0) --depth;
      std::smatch m;
      if (previous == ".TP" && std::regex_match(line, m, entry)) {
        ManEntry e{m[1], ManTypes(m[2]), {}};
        if (depth == 0) {
          top.push_back(e);
        } else if (!top.empty()) {
          top.back().nested.push_back(e);
        }
      }
    }
    previous = line;
  }
  return top;
}

// Where the man page's entries differ from `schema`: keys, order, types and
// the nested keys.
void CompareWithMan(const std::vector<ManEntry>& man, const Schema& schema, const std::string& path,
                    std::vector<std::string>* problems) {
  std::vector<std::string> man_keys, schema_keys;
  for (const ManEntry& e : man) man_keys.push_back(e.key);
  for (const Field& f : schema) schema_keys.push_back(f.key);
  if (man_keys != schema_keys) {
    std::string a, b;
    for (const auto& k : man_keys) a += " " + k;
    for (const auto& k : schema_keys) b += " " + k;
    problems->push_back(path + ": the man page has" + a + "; the schema" + b);
    return;
  }
  for (size_t i = 0; i < man.size(); ++i) {
    const std::string here = path + "." + man[i].key;
    std::string a, b;
    for (const auto& t : man[i].types) a += " " + t;
    for (const auto& t : SchemaTypes(schema[i])) b += " " + t;
    if (a != b) problems->push_back(here + ": the man page says" + a + "; the schema" + b);
    if (schema[i].entries != nullptr) {
      CompareWithMan(man[i].nested, *schema[i].entries, here, problems);
    } else if (!man[i].nested.empty()) {
      problems->push_back(here + ": nested keys in the man page, none in the schema");
    }
  }
}

std::vector<std::string> ManPageProblems(const std::string& page) {
  std::vector<std::string> problems;
  const std::vector<ManEntry> man = ManPageKeys(page);
  if (man.empty()) problems.push_back("no .TP/.BR key entries in JSON OUTPUT");
  CompareWithMan(man, kReportSchema, "$", &problems);
  return problems;
}

std::string ManPage() {
  const std::optional<std::string> path = SourceFile("man/lvm-revert.8");
  if (!path) {
    ADD_FAILURE() << "man/lvm-revert.8 not found from " << __FILE__;
    return "";
  }
  std::ifstream in(*path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

TEST(JsonSchemaManPageTest, TheManPageDocumentsExactlyTheSchema) {
  const std::string page = ManPage();
  ASSERT_FALSE(page.empty());
  for (const std::string& p : ManPageProblems(page)) ADD_FAILURE() << p;
}

// The comparison above finds a key that is left out, renamed, moved or
// given another type, at the top and in a nested object.
TEST(JsonSchemaManPageTest, TheComparisonFindsEachKindOfDifference) {
  const std::string page = ManPage();
  ASSERT_FALSE(page.empty());
  const auto replaced = [&page](const std::string& from, const std::string& to) {
    const size_t at = page.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    std::string p = page;
    if (at != std::string::npos) p.replace(at, from.size(), to);
    return p;
  };
  const std::string direct_io = ".TP\n.BR direct_io \" (boolean or null)\"\n";
  for (const std::string& changed : {
           replaced(direct_io, ""),                          // left out
           replaced(".BR direct_io \"", ".BR direct_o \""),  // renamed
           replaced(".BR chunk_size \" (number or null)\"", ".BR chunk_size \" (string or null)\""),
           replaced(".BR warnings \" (array of strings)\"", ".BR warnings \" (array or null)\""),
           replaced(".BR kind \" (string)\"", ".BR kinds \" (string)\""),  // nested
           replaced(".BR would_overflow \" (boolean)\"", ".BR would_overflow \" (number)\""),
           replaced(".BR siblings \" (array of objects)\"", ".BR siblings \" (array of strings)\""),
           replaced(".BR exit_status \" (number)\"", ".BR exit_status \" (number or null)\""),
       }) {
    EXPECT_FALSE(ManPageProblems(changed).empty());
  }
  // Moved: direct_io put after siblings' entries.
  std::string moved = replaced(direct_io, "");
  const size_t snapshot_removed = moved.find(".TP\n.BR snapshot_removed ");
  ASSERT_NE(snapshot_removed, std::string::npos);
  moved.insert(snapshot_removed, direct_io);
  EXPECT_FALSE(ManPageProblems(moved).empty());
}

// --- the offline form on image files ---------------------------------------------------

class JsonSchemaOfflineTest : public testing_command::OfflineFormTest {
 protected:
  StatusOr<EngineChoice> ChooseEngine(EngineKind kind, unsigned depth) override {
    if (fail_first_write_) {
      return EngineChoice{std::make_unique<lvmrevert::testing::FailingWriteEngine>(0), ""};
    }
    return MakeEngine(kind, depth);
  }

  // What the store in SetUp gives once it was read.
  void ExpectStoreRead(ordered_json j) {
    EXPECT_EQ(j["chunk_size"], kChunk);
    EXPECT_EQ(j["exceptions"], 6);
    EXPECT_EQ(j["runs"], 4);
    EXPECT_EQ(j["bytes"], 6 * kChunk);
    EXPECT_EQ(j["metadata_areas"], 1);
    // Header, area 0 and six data chunks: the next one would be chunk 8.
    EXPECT_EQ(j["used_chunks"], 8);
    EXPECT_EQ(j["total_chunks"], builder_.StoreChunks());
    EXPECT_DOUBLE_EQ(j["used_percent"].get<double>(),
                     static_cast<double>(8 * 10000 / builder_.StoreChunks()) / 100);
  }

  // What no run of the offline form has.
  static void ExpectNoLvmParts(ordered_json j) {
    EXPECT_EQ(j["mode"], "offline");
    EXPECT_EQ(j["snapshot"], nullptr);
    EXPECT_EQ(j["siblings"], ordered_json::array());
    EXPECT_EQ(j["snapshot_removed"], false);
    EXPECT_EQ(j["scheduled"], nullptr);
    EXPECT_EQ(j["backup_snapshot"], nullptr);
    EXPECT_EQ(j["scheduled_reverts"], nullptr);
  }

  bool fail_first_write_ = false;
};

TEST_F(JsonSchemaOfflineTest, Reverted) {
  ASSERT_EQ(Run(Paths({"-y", "--json"})), kExitDone) << err_.str();
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "reverted");
  EXPECT_EQ(j["exit_status"], 0);
  EXPECT_EQ(j["error"], nullptr);
  ExpectNoLvmParts(j);
  EXPECT_EQ(j["origin"], origin_path_);
  EXPECT_EQ(j["store"], cow_path_);
  ExpectStoreRead(j);
  EXPECT_EQ(j["bytes_written"], j["bytes"]);
  ASSERT_TRUE(j["io_engine"].is_string());
  EXPECT_THAT(j["io_engine"].get<std::string>(), ::testing::AnyOf("io_uring", "psync"));
  EXPECT_TRUE(j["direct_io"].is_boolean());
  EXPECT_EQ(j["backup"], nullptr);
  EXPECT_EQ(j["verified_bytes"], nullptr);
  EXPECT_EQ(j["compare"], nullptr);
  EXPECT_EQ(j["warnings"], ordered_json::array());
  EXPECT_GE(j["elapsed_seconds"].get<double>(), 0.0);
  EXPECT_EQ(j["plan"], nullptr);
}

TEST_F(JsonSchemaOfflineTest, RevertedWithBackupAndVerify) {
  const std::string backup = dir_.File("before.store");
  ASSERT_EQ(Run(Paths({"-y", "--json", "--verify", "--backup", backup})), kExitDone) << err_.str();
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "reverted");
  EXPECT_EQ(j["backup"], backup);
  EXPECT_EQ(j["verified_bytes"], j["bytes"]);
  EXPECT_EQ(j["bytes_written"], j["bytes"]);
  EXPECT_TRUE(j["io_engine"].is_string());
}

TEST_F(JsonSchemaOfflineTest, DryRun) {
  ASSERT_EQ(Run(Paths({"--dry-run", "--json"})), kExitDone) << err_.str();
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "dry-run");
  EXPECT_EQ(j["exit_status"], 0);
  EXPECT_EQ(j["error"], nullptr);
  ExpectNoLvmParts(j);
  ExpectStoreRead(j);
  EXPECT_EQ(j["bytes_written"], 0);
  EXPECT_EQ(j["io_engine"], nullptr);
  EXPECT_TRUE(j["direct_io"].is_boolean());  // both files were opened
  ASSERT_TRUE(j["plan"].is_array());
  EXPECT_EQ(j["plan"].size(), j["runs"].get<uint64_t>());
  uint64_t bytes = 0, chunks = 0, last_origin_chunk = 0;
  for (const ordered_json& run : j["plan"]) {
    bytes += run["bytes"].get<uint64_t>();
    chunks += run["chunks"].get<uint64_t>();
    EXPECT_GE(run["origin_chunk"].get<uint64_t>(), last_origin_chunk);  // ascending
    last_origin_chunk = run["origin_chunk"].get<uint64_t>();
  }
  EXPECT_EQ(bytes, j["bytes"].get<uint64_t>());
  EXPECT_EQ(chunks, j["exceptions"].get<uint64_t>());
  EXPECT_EQ(j["plan"][0],
            ordered_json::parse(R"({"origin_chunk":2,"cow_chunk":6,"chunks":1,"bytes":4096})"));
}

TEST_F(JsonSchemaOfflineTest, FormatJsonAndReportformatJsonAreTheSameAsJson) {
  auto without_time = [](std::string s) { return s.substr(0, s.find("\"elapsed_seconds\"")); };
  ASSERT_EQ(Run(Paths({"--dry-run", "--json"})), kExitDone);
  const std::string json = out_.str();
  for (const std::vector<std::string>& form :
       {std::vector<std::string>{"--format", "json"}, {"--format=json"}, {"--reportformat", "json"},
        {"--reportformat=json"}}) {
    std::vector<std::string> args = Paths({"--dry-run"});
    args.insert(args.end(), form.begin(), form.end());
    ASSERT_EQ(Run(args), kExitDone) << form[0];
    ReportOf(out_.str());
    EXPECT_EQ(without_time(out_.str()), without_time(json)) << form[0];
  }
}

TEST_F(JsonSchemaOfflineTest, RefusedForAnInvalidStore) {
  builder_.header().valid = 0;  // as the kernel marks an overflowed snapshot
  WriteFile(cow_path_, builder_.Build());
  ASSERT_EQ(Run(Paths({"-y", "--json"})), kExitRefused) << err_.str();
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "refused");
  EXPECT_EQ(j["exit_status"], 4);
  EXPECT_EQ(j["error"]["kind"], "refused");
  EXPECT_THAT(j["error"]["message"].get<std::string>(), StartsWith("snapshot store "));
  EXPECT_EQ(err_.str(), "lvm-revert: " + j["error"]["message"].get<std::string>() + "\n");
  ExpectNoLvmParts(j);
  EXPECT_EQ(j["origin"], origin_path_);
  EXPECT_EQ(j["store"], cow_path_);
  for (const char* unknown : {"chunk_size", "exceptions", "runs", "bytes", "metadata_areas",
                              "used_chunks", "total_chunks", "used_percent", "plan"}) {
    EXPECT_EQ(j[unknown], nullptr) << unknown;
  }
  EXPECT_EQ(j["bytes_written"], 0);
  EXPECT_EQ(j["io_engine"], nullptr);        // no data was moved
  EXPECT_TRUE(j["direct_io"].is_boolean());  // but both files were opened
}

TEST_F(JsonSchemaOfflineTest, RefusedBeforeAnyFileWasOpened) {
  const std::string missing = dir_.File("no-such-origin.img");
  ASSERT_EQ(Run({"-y", "--json", "--cow", cow_path_, "--origin", missing}), kExitRefused);
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "refused");
  EXPECT_EQ(j["exit_status"], 4);
  EXPECT_EQ(j["error"]["kind"], "refused");
  EXPECT_THAT(j["error"]["message"].get<std::string>(), HasSubstr(missing));
  ExpectNoLvmParts(j);
  EXPECT_EQ(j["origin"], missing);
  EXPECT_EQ(j["store"], cow_path_);  // offline: as given, from the start
  EXPECT_EQ(j["chunk_size"], nullptr);
  EXPECT_EQ(j["direct_io"], nullptr);  // nothing was opened
  EXPECT_EQ(j["io_engine"], nullptr);
  EXPECT_EQ(j["bytes_written"], 0);
}

TEST_F(JsonSchemaOfflineTest, RefusedAtThePromptKeepsWhatWasRead) {
  // No -y and no terminal: refused after the store was read and planned.
  ASSERT_EQ(Run(Paths({"--json"})), kExitRefused) << err_.str();
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "refused");
  EXPECT_EQ(j["error"]["kind"], "refused");
  ExpectStoreRead(j);
  EXPECT_TRUE(j["direct_io"].is_boolean());
  EXPECT_EQ(j["io_engine"], nullptr);
  EXPECT_EQ(j["bytes_written"], 0);
  EXPECT_EQ(j["plan"], nullptr);  // not a dry run
}

TEST_F(JsonSchemaOfflineTest, FailedWhileWriting) {
  fail_first_write_ = true;
  ASSERT_EQ(Run(Paths({"-y", "--json"})), kExitFailedWriting) << err_.str();
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "failed");
  EXPECT_EQ(j["exit_status"], 5);
  EXPECT_EQ(j["error"]["kind"], "failed");
  EXPECT_THAT(j["error"]["message"].get<std::string>(), HasSubstr("Input/output error"));
  // The advice goes to stderr only.
  EXPECT_THAT(err_.str(), HasSubstr("running the same command again completes the revert"));
  EXPECT_THAT(j["error"]["message"].get<std::string>(),
              ::testing::Not(HasSubstr("running the same command again")));
  ExpectStoreRead(j);
  EXPECT_EQ(j["io_engine"], "failing");  // the copy began
  EXPECT_LT(j["bytes_written"].get<uint64_t>(), j["bytes"].get<uint64_t>());
  EXPECT_EQ(j["plan"], nullptr);
}

TEST_F(JsonSchemaOfflineTest, ComparedWithDifferencesThenWithout) {
  ASSERT_EQ(Run(Paths({"--compare", "--json"})), kExitDiffers) << err_.str();
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "compared");
  EXPECT_EQ(j["exit_status"], 1);
  EXPECT_EQ(j["error"], nullptr);
  EXPECT_EQ(j["compare"]["chunks"], 6);
  EXPECT_EQ(j["compare"]["bytes"], 6 * kChunk);
  EXPECT_EQ(j["compare"]["differing_chunks"], 6);
  EXPECT_TRUE(j["compare"]["first_difference"].is_number_unsigned());
  EXPECT_TRUE(j["io_engine"].is_string());  // comparing moves data
  EXPECT_EQ(j["bytes_written"], 0);

  ASSERT_EQ(Run(Paths({"-y"})), kExitDone) << err_.str();
  ASSERT_EQ(Run(Paths({"--compare", "--json"})), kExitDone) << err_.str();
  j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "compared");
  EXPECT_EQ(j["exit_status"], 0);
  EXPECT_EQ(j["compare"]["differing_chunks"], 0);
  EXPECT_EQ(j["compare"]["differing_bytes"], 0);
  EXPECT_EQ(j["compare"]["first_difference"], nullptr);
}

TEST_F(JsonSchemaOfflineTest, InvalidUtf8InANameBecomesReplacementCharacters) {
  const std::string odd = dir_.File("origin-\xff.img");
  ASSERT_EQ(::rename(origin_path_.c_str(), odd.c_str()), 0);
  ASSERT_EQ(Run({"--dry-run", "--json", "--cow", cow_path_, "--origin", odd}), kExitDone);
  ordered_json j = ReportOf(out_.str());  // parsing fails on invalid UTF-8
  EXPECT_EQ(j["origin"], dir_.File("origin-\xef\xbf\xbd.img"));
}

// --- bad command lines: exit 3, and still the whole object ---------------------------

class JsonSchemaBadCommandLineTest : public JsonSchemaOfflineTest {};

TEST_F(JsonSchemaBadCommandLineTest, EachMistakeIsNamed) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--json", "--cwo", "x"}, "--cwo"},
      {{"--reportformat", "json", "@t", "c/d"}, "@TAG names a set by itself"},
      {{"--reportformat=json", "--cow", "x"}, "--cow needs --origin"},
      {{"--format", "json", "--json"}, "--json"},
      {{"--json", "--at-next-boot", "--cow", "a", "--origin", "b"}, "--at-next-boot"},
  };
  for (const auto& [args, named] : cases) {
    SCOPED_TRACE(args[0] + " ... " + named);
    ASSERT_EQ(Run(args), kExitBadCommandLine);
    ordered_json j = ReportOf(out_.str());
    EXPECT_EQ(j["result"], "bad-command-line");
    EXPECT_EQ(j["exit_status"], 3);
    EXPECT_EQ(j["error"]["kind"], "bad-command-line");
    EXPECT_THAT(j["error"]["message"].get<std::string>(), HasSubstr(named));
    EXPECT_EQ(err_.str(), "lvm-revert: " + j["error"]["message"].get<std::string>() + "\n");
    // Nothing was looked at.
    EXPECT_EQ(j["mode"], "offline");
    for (const char* key : {"origin", "snapshot", "store", "chunk_size", "exceptions", "runs",
                            "bytes", "metadata_areas", "used_chunks", "total_chunks",
                            "used_percent", "io_engine", "direct_io", "scheduled", "backup",
                            "backup_snapshot", "verified_bytes", "compare",
                            "scheduled_reverts", "plan"}) {
      EXPECT_EQ(j[key], nullptr) << key;
    }
    EXPECT_EQ(j["bytes_written"], 0);
    EXPECT_EQ(j["siblings"], ordered_json::array());
    EXPECT_EQ(j["warnings"], ordered_json::array());
    EXPECT_EQ(j["snapshot_removed"], false);
    EXPECT_EQ(j["elapsed_seconds"], 0.0);
  }
}

TEST_F(JsonSchemaBadCommandLineTest, WithoutJsonStandardOutputStaysEmpty) {
  EXPECT_EQ(Run({"--cwo", "x"}), kExitBadCommandLine);
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(Run({"--reportformat", "yaml", "a/b", "c/d"}), kExitBadCommandLine);
  EXPECT_EQ(out_.str(), "");
}

// --- the LVM form, on the fake device-mapper and LVM of tests/support/lvm_fixture.h -----------

class JsonSchemaLvmTest : public testing_lvm::LvmFormTest {};

TEST_F(JsonSchemaLvmTest, DryRunWithASibling) {
  AddSibling(200, {3});
  ASSERT_EQ(Run({"--dry-run", "--json", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "dry-run");
  EXPECT_EQ(j["exit_status"], 0);
  EXPECT_EQ(j["error"], nullptr);
  EXPECT_EQ(j["mode"], "lvm");
  EXPECT_EQ(j["origin"], "vg/lv");
  EXPECT_EQ(j["snapshot"], "vg/snap");
  EXPECT_EQ(j["store"], Path("vg-snap-cow"));
  EXPECT_EQ(j["chunk_size"], testing_lvm::kChunk);
  EXPECT_EQ(j["exceptions"], 5);
  EXPECT_EQ(j["total_chunks"], 64);
  EXPECT_EQ(j["used_chunks"], 7);  // header, area 0, five data chunks
  EXPECT_DOUBLE_EQ(j["used_percent"].get<double>(), 10.93);
  EXPECT_EQ(j["io_engine"], nullptr);
  EXPECT_EQ(j["bytes_written"], 0);
  ASSERT_EQ(j["siblings"].size(), 1u);
  EXPECT_EQ(j["siblings"][0], ordered_json::parse(R"({"name":"vg/sib","chunk_size":4096,
      "new_chunks":4,"free_chunks":197,"would_overflow":false})"));
  ASSERT_TRUE(j["plan"].is_array());
  EXPECT_EQ(j["plan"].size(), j["runs"].get<uint64_t>());
}

TEST_F(JsonSchemaLvmTest, RevertedThroughTheOrigin) {
  ASSERT_EQ(Run({"-y", "--json", "--remove-snapshot", "vg/lv", "vg/snap"}), kExitDone)
      << err_.str();
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "reverted");
  EXPECT_EQ(j["mode"], "lvm");
  EXPECT_EQ(j["snapshot"], "vg/snap");
  EXPECT_EQ(j["store"], Path("vg-snap-cow"));
  EXPECT_EQ(j["bytes_written"], j["bytes"]);
  EXPECT_EQ(j["io_engine"], "psync");
  EXPECT_EQ(j["snapshot_removed"], true);
  EXPECT_EQ(j["siblings"], ordered_json::array());
  EXPECT_EQ(j["plan"], nullptr);
}

TEST_F(JsonSchemaLvmTest, RefusedWhenTheSiblingWouldOverflow) {
  AddSibling(6, {});  // room for 4, needs 5
  ASSERT_EQ(Run({"-y", "--json", "vg/lv", "vg/snap"}), kExitRefused) << err_.str();
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "refused");
  EXPECT_EQ(j["error"]["kind"], "refused");
  EXPECT_THAT(j["error"]["message"].get<std::string>(), HasSubstr("would overflow"));
  ASSERT_EQ(j["siblings"].size(), 1u);
  EXPECT_EQ(j["siblings"][0]["would_overflow"], true);
  EXPECT_EQ(j["io_engine"], nullptr);
  EXPECT_EQ(j["bytes_written"], 0);
}

TEST_F(JsonSchemaLvmTest, RefusedBeforeTheDevicesWereOpened) {
  ASSERT_EQ(Run({"-y", "--json", "vg/lv", "vg/nosuch"}), kExitRefused) << err_.str();
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "refused");
  EXPECT_EQ(j["mode"], "lvm");
  EXPECT_EQ(j["origin"], "vg/lv");
  EXPECT_EQ(j["snapshot"], "vg/nosuch");
  EXPECT_EQ(j["store"], nullptr);  // the LVM form: once the -cow device is opened
  EXPECT_EQ(j["direct_io"], nullptr);
  EXPECT_EQ(j["chunk_size"], nullptr);
  EXPECT_EQ(j["io_engine"], nullptr);
}

TEST_F(JsonSchemaLvmTest, Scheduled) {
  ASSERT_EQ(Run({"--at-next-boot", "--json", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "scheduled");
  EXPECT_EQ(j["scheduled"], "next-boot");
  EXPECT_EQ(j["io_engine"], nullptr);
  EXPECT_EQ(j["bytes_written"], 0);
  EXPECT_EQ(j["plan"], nullptr);
}

TEST_F(JsonSchemaLvmTest, ListScheduled) {
  lvs_[1].tags = "lvm_revert_every_boot";
  ASSERT_EQ(Run({"--list-scheduled", "--json"}), kExitDone) << err_.str();
  ordered_json j = ReportOf(out_.str());
  EXPECT_EQ(j["result"], "listed");
  EXPECT_EQ(j["mode"], "lvm");
  EXPECT_EQ(j["origin"], nullptr);
  EXPECT_EQ(j["snapshot"], nullptr);
  EXPECT_EQ(j["store"], nullptr);
  EXPECT_EQ(j["scheduled_reverts"], ordered_json::parse(R"([{"origin":"vg/lv",
      "snapshot":"vg/snap","when":"every-boot","set":null}])"));
  lvs_[1].tags = "";
  ASSERT_EQ(Run({"--list-scheduled", "--json"}), kExitDone) << err_.str();
  j = ReportOf(out_.str());
  EXPECT_EQ(j["scheduled_reverts"], ordered_json::array());  // empty, not null
}

}  // namespace
}  // namespace lvmrevert::lvmext
