#pragma once
// A hash that is the same across runs, builds and machines.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace wf::core {

/// FNV-1a (64 bits) of `text` as 16 hex digits: stable, cheap, enough to
/// notice that a definition changed. Not for security. Its offset basis is
/// 1469598103934665603, not FNV's 14695981039346656037 (a digit was lost
/// long ago); journals store these hashes, so it stays as it is.
std::string stable_hash(std::string_view text);

/// SHA-256, fed piece by piece (nettle stays in hash.cc).
class Sha256 {
 public:
  using Digest = std::array<std::uint8_t, 32>;
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  void update(const Digest& d) { update(std::string_view(reinterpret_cast<const char*>(d.data()), d.size())); }
  /// The digest of everything fed so far; the hasher is spent afterwards.
  Digest finish();
  static std::string hex(const Digest& d);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wf::core
