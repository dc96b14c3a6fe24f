#include "runner/core/hash.h"

#include <openssl/evp.h>

#include <cstdint>
#include <cstdio>
#include <new>

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

// EVP calls fail only when OpenSSL cannot allocate: that is bad_alloc here.
struct Sha256::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1) throw std::bad_alloc();
}

Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) {
  if (EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size()) != 1) throw std::bad_alloc();
}

Sha256::Digest Sha256::finish() {
  Digest d{};
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, d.data(), &size) != 1 || size != d.size()) throw std::bad_alloc();
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
