// The loader's entry points and the workflow's top level: inputs, secrets,
// env, defaults, outputs. Steps are in step_loader.cc, values that may hold
// expressions in params.cc, YAML itself in yaml_source.cc.

#include "runner/model/loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "runner/core/strings.h"
#include "runner/model/load_context.h"
#include "runner/model/yaml_source.h"

namespace wf::model {

namespace {

using detail::ExprScope;
using detail::LoadContext;

const std::vector<std::string> kTopKeys = {"name", "description", "inputs", "secrets",
                                           "env",  "defaults",    "steps",  "outputs"};
const std::vector<std::string> kInputKeys = {"type", "default", "description", "required", "options"};
const std::vector<std::string> kInputTypes = {"string", "boolean", "number", "choice"};
const std::vector<std::string> kSecretKeys = {"env", "file", "required"};
const std::vector<std::string> kDefaultsKeys = {"timeout", "timeout-total", "retry", "shell", "working-directory"};

const std::vector<std::string>& output_named_values() {
  static const std::vector<std::string> kNames = {"inputs", "secrets", "steps", "git", "wf", "env"};
  return kNames;
}

// The keys of a mapping (nothing for anything else).
std::vector<std::string> keys_of(const YamlNode* n) {
  std::vector<std::string> out;
  if (n && n->is_mapping())
    for (const auto& [k, v] : n->members) out.push_back(k.text);
  return out;
}

void load_input_default(LoadContext& cx, const YamlNode& n, InputDecl& in) {
  const std::string what = "'default' of input '" + in.name + "'";
  if (in.type == "boolean") {
    if (auto b = cx.bool_of(n, what)) in.default_value = *b;
  } else if (in.type == "number") {
    if (auto d = n.as_number())
      in.default_value = *d;
    else
      cx.type_error(n, what, "a number");
  } else if (auto s = cx.string_of(n, what)) {
    const bool listed = std::find(in.options.begin(), in.options.end(), *s) != in.options.end();
    if (in.type == "choice" && !in.options.empty() && !listed)
      cx.error(n, core::with_suggestion(what + " is not one of its options (" + core::join(in.options, ", ") + ")", *s,
                                        in.options));
    in.default_value = *s;
  }
}

void load_input_options(LoadContext& cx, const YamlNode& n, InputDecl& in) {
  const std::string what = "'options' of input '" + in.name + "'";
  if (!n.is_sequence()) return cx.type_error(n, what, "a list of strings");
  for (const auto& item : n.items)
    if (auto s = cx.string_of(item, "each item of " + what)) in.options.push_back(*s);
}

InputDecl load_input(LoadContext& cx, const YamlNode& key, const YamlNode& body) {
  InputDecl in;
  in.name = key.text;
  in.loc = cx.loc(key);
  const std::string owner = "input '" + in.name + "'";
  if (!detail::is_identifier(in.name)) cx.error(key, "invalid input name '" + in.name + "'");
  if (body.is_null()) return in;
  if (!cx.check_mapping(body, owner, kInputKeys, "in " + owner)) return in;
  bool known_type = true;  // an unknown type is reported once, not again by what depends on it
  if (const YamlNode* n = body.find("type")) {
    auto type = cx.string_of(*n, "'type' of " + owner);
    known_type = type && std::find(kInputTypes.begin(), kInputTypes.end(), *type) != kInputTypes.end();
    if (known_type)
      in.type = *type;
    else if (type)
      cx.error(*n, core::with_suggestion(
                       "unknown type '" + *type + "' of " + owner + " (one of: " + core::join(kInputTypes, ", ") + ")",
                       *type, kInputTypes));
  }
  if (const YamlNode* n = body.find("description"))
    in.description = cx.string_of(*n, "'description' of " + owner).value_or("");
  if (const YamlNode* n = body.find("required")) in.required = cx.bool_of(*n, "'required' of " + owner).value_or(false);
  if (const auto* m = body.member("options"); m && known_type) {
    if (in.type != "choice")
      cx.error(m->first, "'options' only applies to inputs of type choice");
    else
      load_input_options(cx, m->second, in);
  }
  if (in.type == "choice" && in.options.empty() && !body.find("options"))
    cx.error(key, owner + " of type choice needs 'options'");
  if (const YamlNode* n = body.find("default"); n && known_type) load_input_default(cx, *n, in);
  return in;
}

SecretDecl load_secret(LoadContext& cx, const YamlNode& key, const YamlNode& body) {
  SecretDecl s;
  s.name = key.text;
  s.loc = cx.loc(key);
  const std::string owner = "secret '" + s.name + "'";
  if (!detail::is_identifier(s.name)) cx.error(key, "invalid secret name '" + s.name + "'");
  if (!cx.check_mapping(body, owner, kSecretKeys, "in " + owner)) return s;
  if (const YamlNode* n = body.find("env")) s.env = cx.string_of(*n, "'env' of " + owner);
  if (const YamlNode* n = body.find("file")) s.file = cx.string_of(*n, "'file' of " + owner);
  if (const YamlNode* n = body.find("required")) s.required = cx.bool_of(*n, "'required' of " + owner).value_or(true);
  if (body.find("env") && body.find("file"))
    cx.error(key, owner + " has both 'env' and 'file'; use one");
  else if (!body.find("env") && !body.find("file"))
    cx.error(key, owner + " needs 'env' (a variable name) or 'file' (a path)");
  return s;
}

template <class T, class F>
void load_each(LoadContext& cx, const YamlNode& n, const std::string& what, std::vector<T>& out, F load_one) {
  if (n.is_null()) return;
  if (!n.is_mapping()) return cx.type_error(n, what, "a mapping");
  for (const auto& [k, v] : n.members) load_one(k, v, out);
}

Defaults load_defaults(LoadContext& cx, const YamlNode& n) {
  Defaults d;
  if (!cx.check_mapping(n, "'defaults'", kDefaultsKeys, "in 'defaults'")) return d;
  if (const YamlNode* v = n.find("timeout")) d.timeout = cx.limit_of(*v, "'timeout' in 'defaults'");
  if (const YamlNode* v = n.find("timeout-total"))
    d.timeout_total = cx.limit_of(*v, "'timeout-total' in 'defaults'");
  if (const YamlNode* v = n.find("retry")) d.retry = cx.retry_of(*v, "'defaults'");
  if (const YamlNode* v = n.find("shell")) d.shell = cx.string_of(*v, "'shell' in 'defaults'");
  if (const YamlNode* v = n.find("working-directory"))
    d.working_directory = cx.string_of(*v, "'working-directory' in 'defaults'");
  return d;
}

std::vector<std::pair<std::string, Param>> load_outputs(LoadContext& cx, const YamlNode& n) {
  std::vector<std::pair<std::string, Param>> out;
  if (!n.is_mapping()) {
    cx.type_error(n, "'outputs'", "a mapping of names to expressions");
    return out;
  }
  ExprScope scope;
  scope.named_values = &output_named_values();
  for (const auto& [k, v] : n.members) {
    if (!detail::is_identifier(k.text)) cx.error(k, "invalid output name '" + k.text + "'");
    if (auto p = cx.string_param_of(v, "output '" + k.text + "'", scope)) out.emplace_back(k.text, std::move(*p));
  }
  return out;
}

std::string directory_of(const std::string& file) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::path(file).parent_path();
  std::filesystem::path abs = dir.empty() ? std::filesystem::current_path(ec) : std::filesystem::absolute(dir, ec);
  std::filesystem::path out = (ec ? dir : abs).lexically_normal();
  if (!out.has_filename() && out.has_relative_path()) out = out.parent_path();  // "/a/b/" -> "/a/b"
  return out.string();
}

std::string stem_of(const std::string& file) { return std::filesystem::path(file).stem().string(); }

Workflow load_top_level(LoadContext& cx, const YamlNode& root) {
  Workflow wf;
  Scope self;
  self.file = cx.source().file();
  self.dir = directory_of(self.file);
  wf.scopes.push_back(std::move(self));
  cx.check_mapping(root, "the workflow", kTopKeys, "at the top level");
  // Declared names first: expressions anywhere may refer to any of them.
  cx.input_names = keys_of(root.find("inputs"));
  cx.secret_names = keys_of(root.find("secrets"));
  cx.step_ids = keys_of(root.find("steps"));
  if (const YamlNode* n = root.find("name")) wf.name = cx.string_of(*n, "'name'").value_or("");
  if (const YamlNode* n = root.find("description")) wf.description = cx.string_of(*n, "'description'").value_or("");
  if (const YamlNode* n = root.find("inputs"))
    load_each(cx, *n, "'inputs'", wf.inputs, [&](auto& k, auto& v, auto& out) { out.push_back(load_input(cx, k, v)); });
  if (const YamlNode* n = root.find("secrets"))
    load_each(cx, *n, "'secrets'", wf.secrets,
              [&](auto& k, auto& v, auto& out) { out.push_back(load_secret(cx, k, v)); });
  if (const YamlNode* n = root.find("env")) {
    ExprScope scope;
    scope.named_values = &workflow_named_values();
    wf.env = cx.env_of(*n, "'env'", scope);
  }
  if (const YamlNode* n = root.find("defaults")) wf.defaults = load_defaults(cx, *n);
  if (const YamlNode* n = root.find("steps"))
    detail::load_steps(cx, *n, wf.defaults, wf);
  else
    cx.error(root, "the workflow has no 'steps'");
  if (const YamlNode* n = root.find("outputs")) wf.outputs = load_outputs(cx, *n);
  return wf;
}

}  // namespace

LoadResult load_workflow_text(std::string_view text, const std::string& file, const LoadOptions& options) {
  LoadResult result;
  YamlSource source{std::string(text), file};
  if (source.parse(result.diagnostics)) {
    const YamlNode& root = source.root();
    if (root.is_null()) {
      result.diagnostics.push_back({source.loc_of_pos(0), "empty workflow file"});
    } else if (!root.is_mapping()) {
      result.diagnostics.push_back(
          {source.loc(root), "the top level of a workflow must be a mapping, got " + detail::describe(root)});
    } else {
      LoadContext cx(source, options, result.diagnostics);
      Workflow wf = load_top_level(cx, root);
      wf.file = file;
      wf.dir = directory_of(file);
      if (wf.name.empty()) wf.name = stem_of(file);
      wf.reads_git = wf.reads_git || cx.reads_git;
      wf.scopes[0].name = wf.name;
      if (result.diagnostics.empty())
        result.workflow = std::move(wf);
      else
        result.partial = std::move(wf);
      result.warnings = std::move(cx.warnings);
      core::sort_diagnostics(result.warnings);
    }
  }
  core::sort_diagnostics(result.diagnostics);
  return result;
}

namespace {

LoadResult file_error(const std::string& path, const std::string& message) {
  LoadResult result;
  result.diagnostics.push_back({SourceLoc{path, 0, 0}, message});
  return result;
}

}  // namespace

LoadResult load_workflow_file(const std::string& path, const LoadOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec) return file_error(path, "cannot read the file: " + ec.message());
  if (fs::is_directory(status)) return file_error(path, std::string("cannot read the file: ") + std::strerror(EISDIR));
  // A device or a pipe could be endless (/dev/zero): only regular files.
  if (!fs::is_regular_file(status)) return file_error(path, "not a regular file: a workflow is a YAML file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return file_error(path, std::string("cannot read the file: ") + std::strerror(errno));
  // Read in chunks up to one byte past the limit: a buffer of the limit's
  // size, zeroed, cost more than parsing a small file.
  std::string text;
  char chunk[64 * 1024];
  while (text.size() <= kMaxWorkflowBytes && in.read(chunk, sizeof chunk).gcount() > 0)
    text.append(chunk, static_cast<size_t>(in.gcount()));
  if (in.bad()) return file_error(path, std::string("cannot read the file: ") + std::strerror(errno));
  if (text.size() > kMaxWorkflowBytes)
    return file_error(path, "the file is larger than " + std::to_string(kMaxWorkflowBytes >> 20) +
                                " MiB; a workflow file must be smaller");
  return load_workflow_text(text, path, options);
}

}  // namespace wf::model
