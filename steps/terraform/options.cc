#include "steps/terraform/options.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "runner/core/strings.h"
#include "runner/core/json.h"

namespace wf::steps::terraform {

namespace fs = std::filesystem;
using core::Value;

namespace {

core::Unexpected<std::string> fail(std::string message) { return core::unexpected(std::move(message)); }

using core::is_identifier;

std::string scalar_text(const Value& v) { return v.is_string() ? v.as_string() : core::to_json(v); }

// A kStringList value: one scalar or a list of scalars.
std::vector<std::string> string_list(const Value& v) {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (!v.is_array()) return {scalar_text(v)};
  for (const auto& e : v.as_array()) out.push_back(scalar_text(e));
  return out;
}

std::string absolute(const std::string& path, const std::string& base) {
  fs::path p(path);
  if (p.is_relative()) p = fs::path(base) / p;
  return p.lexically_normal().string();
}

std::string hcl_string(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else if ((c == '$' || c == '%') && i + 1 < s.size() && s[i + 1] == '{') {
          out += c;  // "$${" and "%%{" are a literal "${" and "%{"
          out += c;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string hcl_value(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kString: return hcl_string(v.as_string());
    case Value::Kind::kArray: {
      std::string out = "[";
      for (size_t i = 0; i < v.as_array().size(); ++i) out += (i ? ", " : "") + hcl_value(v.as_array()[i]);
      return out + "]";
    }
    case Value::Kind::kObject: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, e] : v.as_object()) {
        out += (first ? " " : ", ") + hcl_string(k) + " = " + hcl_value(e);
        first = false;
      }
      return out + (first ? "}" : " }");
    }
    default: return core::to_json(v);  // null, boolean, number
  }
}

core::Expected<Action, std::string> parse_action(const std::string& s) {
  if (s == "apply") return Action::kApply;
  if (s == "plan") return Action::kPlan;
  if (s == "destroy") return Action::kDestroy;
  if (s == "init") return Action::kInit;
  if (s == "output") return Action::kOutput;
  return fail("action: '" + s + "' is not one of apply, plan, destroy, init, output");
}

// `backend-config`: a map (kept for the HCL file) or a list of files.
std::string read_backend_config(const Value& backend, const std::string& working_directory, Options& o) {
  if (std::string e = check_backend_config(backend); !e.empty()) return "backend-config: " + e;
  if (backend.is_null()) return {};
  if (backend.is_object()) {
    o.backend_config_map = backend;
    return {};
  }
  for (const auto& f : string_list(backend)) {
    std::string path = absolute(f, working_directory);
    // terraform reads a -backend-config value with '=' as KEY=VALUE (the
    // working directory's part of the path is known only now).
    if (path.find('=') != std::string::npos)
      return "backend-config: file path '" + path + "' contains '=', which terraform reads as KEY=VALUE";
    o.backend_config_files.push_back(path);
  }
  return {};
}

}  // namespace

std::string check_dir(const Value& dir) {
  if (dir.is_null() || scalar_text(dir).empty()) return "the configuration directory is required";
  return {};
}

std::string check_vars(const Value& vars) {
  if (vars.is_null()) return {};
  if (!vars.is_object()) return "expected a map of variable names to values";
  for (const auto& [name, v] : vars.as_object())
    if (!is_identifier(name)) return "'" + name + "' is not a valid variable name";
  return {};
}

std::string check_backend_config(const Value& backend) {
  if (backend.is_null()) return {};
  if (backend.is_object()) {
    for (const auto& [key, v] : backend.as_object())
      if (!is_identifier(key)) return "'" + key + "' is not a valid backend setting name";
    return {};
  }
  bool files = backend.is_string();
  if (backend.is_array()) {
    files = true;
    for (const auto& e : backend.as_array()) files = files && (e.is_string() || e.is_number());
  }
  if (!files) return "expected a map, or a list of files";
  for (const auto& f : string_list(backend))
    if (f.find('=') != std::string::npos)
      return "file path '" + f + "' contains '=', which terraform reads as KEY=VALUE";
  return {};
}

std::string check_workspace(const Value& workspace) {
  if (workspace.is_null()) return {};
  std::string name = scalar_text(workspace);
  // terraform accepts a name that needs no escaping in a URL path segment.
  for (unsigned char c : name)
    if (!(std::isalnum(c) || std::string_view("-._~!$&'()*+,;=:@").find(static_cast<char>(c)) != std::string_view::npos))
      return "'" + name + "' is not a valid workspace name (letters, digits, '-', '_', '.'; no '/' or spaces)";
  return {};
}

std::string check_parallelism(const Value& p) {
  if (p.is_null()) return {};
  double n = p.is_number() ? p.as_number() : std::strtod(scalar_text(p).c_str(), nullptr);
  if (!(n >= 1) || n != std::floor(n) || n > 1e6) return "expected a positive whole number, got " + scalar_text(p);
  return {};
}

std::string check_targets(const std::string& action, const Value& targets) {
  if (string_list(targets).empty() || action == "apply" || action == "plan" || action == "destroy") return {};
  return "targets limit plan, apply and destroy; action '" + action + "' has none";
}

const char* action_name(Action a) {
  switch (a) {
    case Action::kApply: return "apply";
    case Action::kPlan: return "plan";
    case Action::kDestroy: return "destroy";
    case Action::kInit: return "init";
    case Action::kOutput: return "output";
  }
  return "?";
}

std::string encode_var(const Value& value) {
  if (value.is_string()) return value.as_string();
  return core::to_json(value);
}

core::Expected<std::string, std::string> backend_config_hcl(const Value& map) {
  std::string out;
  if (!map.is_object()) return out;
  for (const auto& [key, v] : map.as_object()) {
    if (!is_identifier(key)) return fail("backend-config: '" + key + "' is not a valid backend setting name");
    if (v.is_null()) continue;
    out += key + " = " + hcl_value(v) + "\n";
  }
  return out;
}

std::string go_duration(core::Millis d) {
  auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

core::Expected<Options, std::string> read_options(const Value& with, const std::string& working_directory) {
  Options o;
  auto get = [&](const char* name) -> const Value& {
    static const Value kNull;
    const Value* v = with.find(name);
    return v ? *v : kNull;
  };

  const Value& action = get("action");
  auto a = parse_action(action.is_null() ? std::string("apply") : scalar_text(action));
  if (!a) return fail(a.error());
  o.action = *a;

  const Value& dir = get("dir");
  if (std::string e = check_dir(dir); !e.empty()) return fail("dir: " + e);
  o.dir = absolute(scalar_text(dir), working_directory);

  if (const Value& vars = get("vars"); !vars.is_null()) {
    if (std::string e = check_vars(vars); !e.empty()) return fail("vars: " + e);
    for (const auto& [name, v] : vars.as_object()) {
      if (v.is_null()) continue;  // unset: the variable's default applies
      o.vars.emplace_back(name, encode_var(v));
    }
  }
  for (const auto& f : string_list(get("var-files"))) o.var_files.push_back(absolute(f, working_directory));

  if (std::string error = read_backend_config(get("backend-config"), working_directory, o); !error.empty())
    return fail(error);

  if (std::string e = check_workspace(get("workspace")); !e.empty()) return fail("workspace: " + e);
  o.workspace = get("workspace").is_null() ? "" : scalar_text(get("workspace"));

  if (const Value& t = get("lock-timeout"); !t.is_null()) {
    if (t.is_number() && t.as_number() == 0) {
      o.lock_timeout = core::Millis(0);
    } else {
      auto d = t.is_string() ? core::parse_duration(t.as_string()) : std::nullopt;
      if (!d) return fail("lock-timeout: '" + scalar_text(t) + "' is not a duration (use forms like 90s, 5m)");
      o.lock_timeout = *d;
    }
  }

  if (const Value& p = get("parallelism"); !p.is_null()) {
    if (std::string e = check_parallelism(p); !e.empty()) return fail("parallelism: " + e);
    o.parallelism = static_cast<int>(p.is_number() ? p.as_number() : std::strtod(scalar_text(p).c_str(), nullptr));
  }
  if (std::string e = check_targets(action_name(o.action), get("targets")); !e.empty()) return fail("targets: " + e);
  o.targets = string_list(get("targets"));
  o.args = string_list(get("args"));
  return o;
}

namespace {

void add_lock_timeout(std::vector<std::string>& argv, const Options& o) {
  if (o.lock_timeout) argv.push_back("-lock-timeout=" + go_duration(*o.lock_timeout));
}

void add_parallelism(std::vector<std::string>& argv, const Options& o) {
  if (o.parallelism) argv.push_back("-parallelism=" + std::to_string(*o.parallelism));
}

void add_inputs(std::vector<std::string>& argv, const Options& o) {
  for (const auto& f : o.var_files) argv.push_back("-var-file=" + f);
  for (const auto& t : o.targets) argv.push_back("-target=" + t);
}

void add_args(std::vector<std::string>& argv, const Options& o) { argv.insert(argv.end(), o.args.begin(), o.args.end()); }

}  // namespace

std::vector<std::string> init_args(const Options& o, const std::string& backend_file) {
  std::vector<std::string> argv = {"init", "-input=false", "-no-color"};
  if (!backend_file.empty()) argv.push_back("-backend-config=" + backend_file);
  for (const auto& f : o.backend_config_files) argv.push_back("-backend-config=" + f);
  add_lock_timeout(argv, o);
  if (o.action == Action::kInit) add_args(argv, o);
  return argv;
}

std::vector<std::string> workspace_args(const Options& o) {
  return {"workspace", "select", "-or-create", "-no-color", o.workspace};
}

std::vector<std::string> plan_args(const Options& o, const std::string& plan_file, bool destroy) {
  std::vector<std::string> argv = {"plan", "-input=false", "-no-color", "-detailed-exitcode"};
  if (destroy) argv.push_back("-destroy");
  argv.push_back("-out=" + plan_file);
  add_inputs(argv, o);
  add_lock_timeout(argv, o);
  add_parallelism(argv, o);
  add_args(argv, o);
  return argv;
}

std::vector<std::string> apply_args(const Options& o, const std::string& plan_file) {
  std::vector<std::string> argv = {"apply", "-input=false", "-no-color"};
  add_lock_timeout(argv, o);
  add_parallelism(argv, o);
  argv.push_back(plan_file);
  return argv;
}

std::vector<std::string> destroy_args(const Options& o) {
  std::vector<std::string> argv = {"destroy", "-input=false", "-no-color", "-auto-approve"};
  add_inputs(argv, o);
  add_lock_timeout(argv, o);
  add_parallelism(argv, o);
  add_args(argv, o);
  return argv;
}

std::vector<std::string> output_args(const Options& o) {
  std::vector<std::string> argv = {"output", "-json", "-no-color"};
  if (o.action == Action::kOutput) add_args(argv, o);
  return argv;
}

}  // namespace wf::steps::terraform
