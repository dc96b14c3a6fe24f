// The log facade: levels, masking, and the one backend.

#include "runner/core/log.h"

#include <algorithm>
#include <mutex>

#include "runner/core/secret_masker.h"

namespace wf::core::log {

namespace detail {
std::atomic<int> threshold{static_cast<int>(Level::kOff)};
}

namespace {

constexpr int kOff = static_cast<int>(Level::kOff);

Backend* g_backend = nullptr;  // set by install(), before any thread logs
std::atomic<const SecretMasker*> g_masker{nullptr};
std::mutex g_mu;               // serialises changes of the levels and the file
std::atomic<int> g_stderr_level{kOff};
std::atomic<int> g_file_level{kOff};

void update_threshold() {  // under g_mu
  int t = g_backend ? std::min(g_stderr_level.load(), g_file_level.load()) : kOff;
  detail::threshold.store(t, std::memory_order_relaxed);
}

}  // namespace

void install(Backend* backend, Level stderr_level) {
  std::lock_guard<std::mutex> l(g_mu);
  g_backend = backend;
  g_stderr_level = static_cast<int>(stderr_level);
  g_file_level = kOff;
  update_threshold();
}

void raise_verbosity(Level level) {
  std::lock_guard<std::mutex> l(g_mu);
  g_stderr_level = std::min(g_stderr_level.load(), static_cast<int>(level));
  update_threshold();
}

void set_masker(const SecretMasker* masker) { g_masker.store(masker, std::memory_order_release); }

const SecretMasker* masker() { return g_masker.load(std::memory_order_acquire); }

void write(Level level, std::string_view message) {
  if (!enabled(level) || !g_backend) return;
  int l = static_cast<int>(level);
  bool to_stderr = l >= g_stderr_level.load(std::memory_order_relaxed);
  bool to_file = l >= g_file_level.load(std::memory_order_relaxed);
  if (!to_stderr && !to_file) return;
  const SecretMasker* masker = g_masker.load(std::memory_order_acquire);
  if (masker && !masker->empty()) {
    g_backend->write(level, masker->mask(message), to_stderr, to_file);
  } else {
    g_backend->write(level, message, to_stderr, to_file);
  }
}

FileScope::FileScope(const std::string& path) {
  std::lock_guard<std::mutex> l(g_mu);
  if (!g_backend) return;
  open_ = g_backend->open_file(path);
  if (open_) g_file_level = std::min(g_stderr_level.load(), static_cast<int>(Level::kDebug));
  update_threshold();
}

FileScope::~FileScope() {
  if (!open_) return;
  std::lock_guard<std::mutex> l(g_mu);
  g_file_level = kOff;
  update_threshold();
  g_backend->close_file();
}

bool parse_level(std::string_view text, Level& level) {
  static const std::pair<std::string_view, Level> kNames[] = {
      {"trace", Level::kTrace}, {"debug", Level::kDebug}, {"info", Level::kInfo},
      {"warn", Level::kWarn},   {"off", Level::kOff}};
  for (const auto& [name, l] : kNames)
    if (text == name) {
      level = l;
      return true;
    }
  return false;
}

std::string quote_argv(const std::string* begin, const std::string* end) {
  std::string out;
  for (const std::string* a = begin; a != end; ++a) {
    if (!out.empty()) out += ' ';
    bool plain = !a->empty() && a->find_first_of(" \t\n'\"\\$`") == std::string::npos;
    if (plain) {
      out += *a;
      continue;
    }
    out += '\'';
    for (char c : *a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

}  // namespace wf::core::log
