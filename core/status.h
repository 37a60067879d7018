// Errors as values, in the style of LevelDB's Status. A library function
// says what went wrong and of which kind; only the command line turns the kind
// into an exit code (see lvmext/exit_status.h).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace lvmrevert {

enum class StatusCode {
  kOk,
  kInvalidArgument,  // the caller asked for something meaningless
  kNotFound,
  kCorruption,       // on-disk data violates the format
  kRefused,          // a safety check said no
  kIOError,          // the OS failed us before anything was written
  kIncomplete,       // failed after writing began: the target is partly done
};

// Why a safety check said no, for the callers that decide by it: the boot
// run retries a device that is briefly open and keeps a schedule over a
// refusal that may pass, but gives up on one that will hold at every boot.
enum class RefusalReason {
  kUnspecified,
  kInUse,                   // mounted, a swap, held, or opened exclusively by someone else
  kDeviceOpen,              // opened by someone else (device-mapper's open count), perhaps
                            // only for a moment, as udev's probe after a change event does
  kSnapshotInvalid,         // the kernel dropped the snapshot (it overflowed)
  kMergePending,            // LVM merges the snapshot itself
  kUnsupportedSnapshot,     // not an old-style snapshot (thin, ...)
  kPairMismatch,            // the snapshot is not one of that origin, or is gone
  kSiblingWouldOverflow,    // writing would make another snapshot overflow
  kConflictingSchedules,    // two snapshots asked for one origin at one boot
  kOtherRevertIncomplete,   // the origin is half-reverted to another source
  kNotThisHostsVg,          // foreign (another host's system ID), exported, or clustered
  kSharedVgNotHeld,         // a shared (lvmlockd) VG whose origin is not held ex here
  kBadCommandLine,          // a command line that only the volumes' state shows to be wrong
  kNamesASet,               // two names read as a pair are two snapshots: a set
  kThinSnapshot,            // a thin snapshot: reset by LVM's merge, not by a copy
};

// A refusal that will be the same at every boot until an admin acts.
bool IsLastingRefusal(RefusalReason reason);

class [[nodiscard]] Status {
 public:
  Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status Refused(std::string m) { return {StatusCode::kRefused, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status Incomplete(std::string m) { return {StatusCode::kIncomplete, std::move(m)}; }
  // "<context>: <strerror(errno_value)>", as kIOError.
  static Status FromErrno(int errno_value, const std::string& context);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // The same status with "<prefix>: " in front of its message.
  Status WithPrefix(const std::string& prefix) const;
  // The same message as another kind of error (an ok status stays ok).
  Status WithCode(StatusCode code) const;
  // The same status, saying why it refused.
  Status WithReason(RefusalReason reason) const;
  RefusalReason reason() const { return reason_; }

 private:
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  RefusalReason reason_ = RefusalReason::kUnspecified;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "StatusOr needs a value or an error");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace lvmrevert
