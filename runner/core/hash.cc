#include "runner/core/hash.h"

#include <nettle/sha2.h>
#include <nettle/version.h>

#include <cstdint>
#include <cstdio>

namespace wf::core {

std::string stable_hash(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// nettle rather than OpenSSL: libnettle is one small library (libcrypto's
// load cost ~3 ms at every wf start), and its sha256 cannot fail.
struct Sha256::Impl {
  sha256_ctx ctx;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) { sha256_init(&impl_->ctx); }

Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) {
  sha256_update(&impl_->ctx, bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data()));
}

Sha256::Digest Sha256::finish() {
  static_assert(std::tuple_size_v<Digest> == SHA256_DIGEST_SIZE);
  Digest d{};
#if NETTLE_VERSION_MAJOR > 3 || NETTLE_VERSION_MINOR >= 10
  sha256_digest(&impl_->ctx, d.data());  // 3.10 dropped the length argument
#else
  sha256_digest(&impl_->ctx, d.size(), d.data());
#endif
  return d;
}

std::string Sha256::hex(const Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

}  // namespace wf::core
