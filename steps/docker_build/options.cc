#include "steps/docker_build/options.h"

#include <filesystem>

#include "runner/core/hash.h"
#include "runner/core/json.h"
#include "runner/core/strings.h"

namespace wf::steps::docker_build {

namespace fs = std::filesystem;

namespace {

std::string absolute(const std::string& path, const std::string& base) {
  fs::path p(path);
  fs::path full = (p.is_absolute() ? p : fs::path(base) / p).lexically_normal();
  // "/w/." normalises to "/w/": without the trailing slash.
  if (!full.has_filename() && full.has_parent_path() && full != full.root_path()) full = full.parent_path();
  return full.string();
}

// A string map parameter: every value as text (numbers and booleans as
// their text). Fails on a value that is a list or an object.
core::Expected<std::vector<std::pair<std::string, std::string>>, std::string> string_pairs(const core::Value& v,
                                                                                          const std::string& name) {
  std::vector<std::pair<std::string, std::string>> out;
  if (v.is_null()) return out;
  if (!v.is_object()) return core::unexpected(name + ": expected a map of names to values");
  for (const auto& [key, value] : v.as_object()) {
    if (key.empty()) return core::unexpected(name + ": an empty name");
    if (value.is_string())
      out.emplace_back(key, value.as_string());
    else if (value.is_bool() || value.is_number() || value.is_null())
      out.emplace_back(key, value.is_null() ? "" : core::to_json(value));
    else
      return core::unexpected(name + ": the value of '" + key + "' is not a string");
  }
  return out;
}

bool valid_build_arg_name(const std::string& name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

std::vector<std::string> strings_of(const core::Value& v) {
  std::vector<std::string> out;
  if (v.is_string()) out.push_back(v.as_string());
  if (v.is_array())
    for (const auto& e : v.as_array())
      if (e.is_string()) out.push_back(e.as_string());
  return out;
}

std::string string_of(const core::Value& with, const char* name) {
  const core::Value* v = with.find(name);
  return v && v->is_string() ? v->as_string() : std::string();
}

bool bool_of(const core::Value& with, const char* name) {
  const core::Value* v = with.find(name);
  return v && v->is_bool() && v->as_bool();
}

}  // namespace

std::string Options::dockerfile() const { return file.empty() ? (fs::path(context) / "Dockerfile").string() : file; }

core::Expected<Options, std::string> read_options(const core::Value& with, const std::string& working_directory) {
  Options o;
  std::string context = string_of(with, "context");
  o.context = absolute(context.empty() ? "." : context, working_directory);
  if (std::string file = string_of(with, "file"); !file.empty()) o.file = absolute(file, working_directory);
  if (const core::Value* tags = with.find("tags")) o.tags = strings_of(*tags);
  for (const auto& t : o.tags)
    if (core::trim(t).empty() || t.find_first_of(" \t\n") != std::string::npos)
      return core::unexpected("tags: '" + t + "' is not an image reference");
  auto args = string_pairs(with.find("build-args") ? *with.find("build-args") : core::Value(), "build-args");
  if (!args) return core::unexpected(args.error());
  for (const auto& [name, value] : *args)
    if (!valid_build_arg_name(name)) return core::unexpected("build-args: '" + name + "' is not a valid argument name");
  o.build_args = std::move(*args);
  auto labels = string_pairs(with.find("labels") ? *with.find("labels") : core::Value(), "labels");
  if (!labels) return core::unexpected(labels.error());
  o.labels = std::move(*labels);
  o.target = string_of(with, "target");
  o.platform = string_of(with, "platform");
  o.network = string_of(with, "network");
  o.no_cache = bool_of(with, "no-cache");
  o.pull = bool_of(with, "pull");
  o.push = bool_of(with, "push");
  o.registry = string_of(with, "registry");
  o.username = string_of(with, "username");
  if (const core::Value* p = with.find("password"); p && p->is_string()) o.password = p->as_string();
  if (o.push && o.tags.empty()) return core::unexpected(std::string("tags: push needs at least one tag"));
  if (o.password && o.username.empty()) return core::unexpected(std::string("password: needs a username"));
  if (!o.username.empty() && !o.password) return core::unexpected(std::string("username: needs a password"));
  return o;
}

std::string registry_of(const std::string& image) {
  size_t slash = image.find('/');
  if (slash == std::string::npos) return {};
  std::string first = image.substr(0, slash);
  bool host = first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "localhost";
  return host ? first : std::string();
}

std::string login_registry(const Options& o) {
  if (!o.registry.empty()) return o.registry;
  return o.tags.empty() ? std::string() : registry_of(o.tags.front());
}

bool build_arg_by_env(const std::string& name) {
  std::string upper = name;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "PATH" || upper == "HOME" || upper == "TMPDIR" || upper == "USER") return false;
  if (upper.rfind("DOCKER_", 0) == 0 || upper.rfind("BUILDKIT_", 0) == 0 || upper.rfind("BUILDX_", 0) == 0) return false;
  if (upper.size() >= 6 && upper.compare(upper.size() - 6, 6, "_PROXY") == 0) return false;
  if (upper == "NO_PROXY" || upper.rfind("LD_", 0) == 0 || upper.rfind("SSL_", 0) == 0) return false;
  return true;
}

BuildCommand build_command(const Options& o, const std::string& iidfile) {
  BuildCommand c;
  c.args = {"build", "--iidfile", iidfile};
  if (!o.file.empty()) c.args.insert(c.args.end(), {"--file", o.file});
  if (!o.target.empty()) c.args.insert(c.args.end(), {"--target", o.target});
  if (!o.platform.empty()) c.args.insert(c.args.end(), {"--platform", o.platform});
  if (!o.network.empty()) c.args.insert(c.args.end(), {"--network", o.network});
  if (o.no_cache) c.args.push_back("--no-cache");
  if (o.pull) c.args.push_back("--pull");
  for (const auto& [name, value] : o.build_args) {
    if (build_arg_by_env(name)) {
      c.args.insert(c.args.end(), {"--build-arg", name});
      c.env[name] = value;
    } else {
      c.args.insert(c.args.end(), {"--build-arg", name + "=" + value});
    }
  }
  for (const auto& [name, value] : o.labels) c.args.insert(c.args.end(), {"--label", name + "=" + value});
  for (const auto& t : o.tags) c.args.insert(c.args.end(), {"--tag", t});
  c.args.push_back(o.context);
  // BuildKit's plain progress: one line per event instead of a redrawn screen.
  c.env["BUILDKIT_PROGRESS"] = "plain";
  return c;
}

std::vector<std::string> login_args(const Options& o) {
  std::vector<std::string> args = {"login", "--username", o.username, "--password-stdin"};
  if (std::string r = login_registry(o); !r.empty()) args.push_back(r);
  return args;
}

std::string build_key(const Options& o) {
  BuildCommand c = build_command(o, "");
  std::string text = core::join(c.args, "\n");
  for (const auto& [name, value] : o.build_args) text += "\n" + name + "=" + value;
  return core::stable_hash(text);
}

}  // namespace wf::steps::docker_build
