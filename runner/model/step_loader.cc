// The `steps:` mapping: one Step per key, checked against its step type's
// schema, with the workflow's `defaults:` applied.

#include <algorithm>
#include <filesystem>

#include "runner/core/strings.h"
#include "runner/model/command_line.h"
#include "runner/model/load_context.h"
#include "runner/model/matrix.h"

namespace wf::model::detail {

namespace {

// A step id names folders and files under .wf/runs/ID/steps/: well below NAME_MAX.
constexpr size_t kMaxStepIdLength = 100;

const std::vector<std::string> kStepKeys = {"uses",
                                            "run",
                                            "with",
                                            "needs",
                                            "if",
                                            "env",
                                            "timeout",
                                            "timeout-total",
                                            "retry",
                                            "continue-on-error",
                                            "working-directory",
                                            "shell",
                                            "name",
                                            "matrix",
                                            "max-parallel",
                                            "fail-fast",
                                            "secrets"};

// What a workflow step (`uses: ./other.yaml`) may set: the rest belongs to
// the steps of the file it calls.
const std::vector<std::string> kCallKeys = {"uses", "with", "secrets", "needs", "if", "name"};

std::vector<std::string> param_names(const core::StepSchema& schema) {
  std::vector<std::string> names;
  for (const auto& p : schema.params) names.push_back(p.name);
  return names;
}

// Loads one step; each part reports its own errors and the rest goes on.
class StepLoader {
 public:
  StepLoader(LoadContext& cx, const YamlNode& key, const YamlNode& body, const Defaults& defaults)
      : cx_(cx), key_(key), body_(body), defaults_(defaults), owner_("step '" + key.text + "'") {
    scope_.named_values = &step_named_values();
    scope_.step_refs = &step_.step_refs;
    scope_.reads_all_steps = &step_.reads_all_steps;
  }

  Step load() {
    step_.id = key_.text;
    step_.name = key_.text;
    step_.loc = cx_.loc(key_);
    if (!is_identifier(step_.id))
      cx_.error(key_,
                "invalid step id '" + step_.id + "' (use letters, digits, '_' and '-', starting with a letter or '_')");
    else if (step_.id.size() > kMaxStepIdLength)
      cx_.error(key_, "step id '" + step_.id.substr(0, 20) + "...' is " + std::to_string(step_.id.size()) +
                          " characters long; at most " + std::to_string(kMaxStepIdLength) +
                          " (it names the step's files under .wf/)");
    if (!cx_.check_mapping(body_, owner_, kStepKeys, "in " + owner_)) return std::move(step_);
    if (const YamlNode* n = body_.find("name")) {
      if (auto s = cx_.string_of(*n, "'name' of " + owner_)) step_.name = *s;
    }
    if (const auto* u = body_.member("uses"); u && u->second.is_scalar() && is_workflow_path(u->second.text))
      return load_call();
    if (const auto* m = body_.member("secrets"))
      cx_.error(m->first, "'secrets' only applies to a workflow step (uses: ./other.yaml); " + owner_ +
                              " passes values to its step type with 'with:' or 'env:'");
    load_matrix();
    const core::StepSchema* schema = load_kind();
    load_with(schema);
    if (const YamlNode* n = body_.find("needs")) load_needs(*n);
    if (const YamlNode* n = body_.find("if")) {
      ExprScope if_scope = scope_;  // decided once for every instance of a matrix
      if_scope.matrix_keys = nullptr;
      if_scope.no_matrix = step_.matrix ? "'if' is decided once for the whole matrix step, before its instances exist"
                                        : "the step has no 'matrix:'";
      step_.if_ = cx_.condition_of(*n, "'if' of " + owner_, if_scope);
      step_.if_loc = cx_.source().loc_at(*n, 0);  // where the condition's text starts
    }
    if (const YamlNode* n = body_.find("env")) step_.env = cx_.env_of(*n, "'env' of " + owner_, scope_);
    load_settings();
    link_shell(schema);
    check_script_shell();
    if (schema) check_paths(*schema);
    if (schema) check_secrets_on_command_line(*schema);
    if (schema && schema->validate && !both_uses_and_run_) run_validator(*schema);
    return std::move(step_);
  }

 private:
  // The step type's own checks, on what is known before the run.
  // Where line `line` (1-based), column `column` of a string parameter's
  // text is in the file: exact for literal (`|`) blocks, whose every line
  // starts at the block's indentation, and for one-line values.
  static SourceLoc inside(const Param& p, int line, int column) {
    auto start = p.locs.find("");
    if (line <= 0 || start == p.locs.end()) return p.loc;
    SourceLoc at = start->second;
    at.line += line - 1;
    if (column > 0) at.column += column - 1;
    return at;
  }

  // The value at a template path of a parameter: "", "/0", "/key/1", ...
  static const Value* value_at(const Value& root, const std::string& path) {
    const Value* v = &root;
    size_t pos = 0;
    while (v && pos < path.size()) {
      size_t next = path.find('/', pos + 1);
      std::string key = path.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
      if (v->is_array()) {
        size_t i = key.empty() ? v->as_array().size() : std::strtoul(key.c_str(), nullptr, 10);
        v = i < v->as_array().size() ? &v->as_array()[i] : nullptr;
      } else {
        v = v->is_object() ? v->find(key) : nullptr;
      }
      pos = next == std::string::npos ? path.size() : next;
    }
    return v;
  }

  // Where byte `offset` of the string at `path` of a parameter is in the file.
  static SourceLoc place_in(const Param& p, const std::string& path, const std::string& text, size_t offset) {
    auto start = p.locs.find(path);
    if (start == p.locs.end()) return p.loc;
    auto before = text.begin() + static_cast<std::ptrdiff_t>(offset);
    int line = 1 + static_cast<int>(std::count(text.begin(), before, '\n'));
    size_t line_start = offset == 0 ? 0 : text.rfind('\n', offset - 1);
    line_start = line_start == std::string::npos || offset == 0 ? 0 : line_start + 1;
    SourceLoc at = start->second;
    if (line > 1) at.line += line - 1;  // later lines of a `|` block start at its indentation
    at.column += static_cast<int>(offset - line_start);
    return at;
  }

  void run_validator(const core::StepSchema& schema) {
    Value::Object known;
    std::vector<std::string> dynamic;
    for (const auto& spec : schema.params)
      if (!spec.default_value.is_null()) known.emplace_back(spec.name, spec.default_value);
    for (const auto& [name, param] : step_.with) {
      bool has_expr = std::any_of(param.templates.begin(), param.templates.end(),
                                  [](const auto& t) { return t.second.has_expressions(); });
      if (has_expr) {
        dynamic.push_back(name);
        continue;
      }
      // [&name = name]: clang 14 (the fuzz build) cannot capture a structured binding.
      std::erase_if(known, [&name = name](const auto& kv) { return kv.first == name; });
      known.emplace_back(name, param.value);
    }
    core::ParamCheck check(Value(std::move(known)), std::move(dynamic));
    schema.validate(check);
    for (const auto& problem : check.problems()) {
      const Param* p = problem.param.empty() ? nullptr : step_.param(problem.param);
      SourceLoc at = p ? inside(*p, problem.line, problem.column) : step_.uses_loc;
      std::string message = (problem.param.empty() ? "" : "parameter '" + problem.param + "' of ") + owner_ + ": " +
                            problem.message;
      if (problem.warning)
        cx_.warning(at, message);
      else
        cx_.error(at, message);
    }
  }

  // A secret where `ps` shows it: in a parameter that reaches the tool's
  // command line, or as an argument of a program a script runs.
  void check_secrets_on_command_line(const core::StepSchema& schema) {
    for (const auto& [name, param] : step_.with) {
      const core::ParamSpec* spec = schema.find(name);
      if (!spec || (!spec->script && !spec->on_command_line)) continue;
      for (const auto& [path, tmpl] : param.templates) {
        for (const auto& ref : tmpl.references()) {
          if (ref.path.size() < 2 || !core::iequals(ref.path[0], "secrets")) continue;
          std::string what = "secret '" + ref.path[1] + "'";
          const Value* text = value_at(param.value, path);
          if (!text || !text->is_string() || ref.column <= 0) continue;
          const std::string& s = text->as_string();
          size_t offset = std::min(s.size(), static_cast<size_t>(ref.column - 1));
          auto at = place_in(param, path, s, offset);
          if (spec->on_command_line) {
            cx_.warning(at, "parameter '" + name + "' of " + owner_ + " puts " + what +
                                " on the tool's command line, which `ps` shows to every user of the machine");
            continue;
          }
          auto command = command_taking_argument(s, offset);
          if (!command) continue;
          cx_.warning(at, owner_ + " puts " + what + " on the command line of `" + *command +
                              "`, which `ps` shows to every user of the machine; give it to the program on stdin, "
                              "in a file or in an environment variable it reads");
        }
      }
    }
  }

  // Paths that must exist (ParamSpec::must_exist) and are known now: a
  // missing directory is reported before anything runs.
  void check_paths(const core::StepSchema& schema) {
    namespace fs = std::filesystem;
    if (step_.working_directory && step_.working_directory->find("${{") != std::string::npos) return;
    fs::path base = fs::path(cx_.source().file()).parent_path();
    if (step_.working_directory) base /= *step_.working_directory;
    for (const auto& [name, param] : step_.with) {
      const core::ParamSpec* spec = schema.find(name);
      if (!spec || spec->must_exist == core::PathKind::kNone) continue;
      std::vector<std::pair<std::string, Value>> paths;  // template path -> value
      if (param.value.is_string()) paths.emplace_back("", param.value);
      if (param.value.is_array())
        for (size_t i = 0; i < param.value.as_array().size(); ++i)
          paths.emplace_back("/" + std::to_string(i), param.value.as_array()[i]);
      for (const auto& [path, v] : paths) {
        auto t = param.templates.find(path);
        if (!v.is_string() || (t != param.templates.end() && t->second.has_expressions())) continue;  // known at run time
        fs::path p = fs::path(v.as_string()).is_absolute() ? fs::path(v.as_string()) : base / v.as_string();
        std::error_code ec;
        bool ok = spec->must_exist == core::PathKind::kFile        ? fs::is_regular_file(p, ec)
                  : spec->must_exist == core::PathKind::kDirectory ? fs::is_directory(p, ec)
                                                                   : fs::exists(p, ec);
        if (ok) continue;
        const char* kind = spec->must_exist == core::PathKind::kFile        ? "file"
                           : spec->must_exist == core::PathKind::kDirectory ? "directory"
                                                                            : "file or directory";
        auto loc_it = param.locs.find(path);
        core::SourceLoc at = loc_it != param.locs.end() ? loc_it->second : param.loc;
        std::string message = "parameter '" + name + "' of " + owner_ + ": " + kind + " '" + v.as_string() +
                              "' does not exist (relative to " + (base.empty() ? std::string(".") : base.string()) + ")";
        // A step that needs others may use what they create (a render, a
        // checkout): checked again when it starts.
        if (step_.needs.empty())
          cx_.error(at, message);
        else
          cx_.warning(at, message + "; an earlier step may create it, checked again when the step starts");
      }
    }
  }

  // `matrix:` with `max-parallel:` and `fail-fast:` beside it. Loaded
  // first: the step's other expressions may read `matrix.X` of its keys.
  void load_matrix() {
    const auto* m = body_.member("matrix");
    for (const char* key : {"max-parallel", "fail-fast"})
      if (const auto* k = body_.member(key); k && !m)
        cx_.error(k->first, std::string("'") + key + "' only applies to a step with a 'matrix:'");
    if (!m) return;
    Matrix matrix;
    matrix.loc = cx_.loc(m->first);
    ExprScope scope = scope_;
    scope.no_matrix = "a matrix cannot read its own values";
    const YamlNode& n = m->second;
    const std::string what = "'matrix' of " + owner_;
    if (n.is_scalar() && has_expression(n.text)) {
      matrix.value = cx_.param_of(n, nullptr, what, scope);
      auto t = matrix.value.templates.find("");
      if (t != matrix.value.templates.end() && !t->second.is_single_expression())
        cx_.error(n, what + " has text outside its ${{ }}; write one expression giving a list of objects");
      matrix.expression = matrix.dynamic = matrix.any_key = true;
    } else if (n.is_mapping()) {
      matrix.value = cx_.param_of(n, nullptr, what, scope);
      matrix.dynamic = std::any_of(matrix.value.templates.begin(), matrix.value.templates.end(),
                                   [](const auto& t) { return t.second.has_expressions(); });
      matrix_keys(n, matrix);
      if (!matrix.dynamic) expand_static(n, matrix);
    } else {
      cx_.type_error(n, what, "a mapping of lists, or one ${{ }} giving a list of objects");
    }
    if (const YamlNode* v = body_.find("max-parallel")) {
      auto c = v->as_count();
      if (!c || *c < 1)
        cx_.type_error(*v, "'max-parallel' of " + owner_, "a whole number of at least 1");
      else
        matrix.max_parallel = *c;
    }
    if (const YamlNode* v = body_.find("fail-fast"))
      matrix.fail_fast = cx_.bool_of(*v, "'fail-fast' of " + owner_).value_or(true);
    step_.matrix = std::move(matrix);
    scope_.matrix_keys = &step_.matrix->keys;
    scope_.matrix_any_key = step_.matrix->any_key;
  }

  // The keys of a map-form matrix (its lists, and what `include` adds), and
  // the shape of what is known before the run.
  void matrix_keys(const YamlNode& n, Matrix& matrix) {
    auto add = [&](const std::string& k) {
      if (std::find(matrix.keys.begin(), matrix.keys.end(), k) == matrix.keys.end()) matrix.keys.push_back(k);
    };
    for (const auto& [k, v] : n.members) {
      const bool expr = v.is_scalar() && has_expression(v.text);
      if (k.text != "include" && k.text != "exclude") {
        add(k.text);
        if (!expr && v.is_sequence() && v.items.empty())
          cx_.error(v, "matrix key '" + k.text + "' of " + owner_ + " must be a non-empty list, got an empty list");
        else if (!expr && !v.is_sequence())
          cx_.type_error(v, "matrix key '" + k.text + "' of " + owner_, "a non-empty list");
        continue;
      }
      if (expr) {
        if (k.text == "include") matrix.any_key = true;
        continue;
      }
      if (!v.is_sequence()) {
        cx_.type_error(v, "'" + k.text + "' in the matrix of " + owner_, "a list of mappings");
        continue;
      }
      for (const auto& item : v.items) {
        if (!item.is_mapping() || item.members.empty()) {
          cx_.type_error(item, "each item of '" + k.text + "' in the matrix of " + owner_, "a non-empty mapping");
          continue;
        }
        if (k.text == "include")
          for (const auto& [ik, iv] : item.members) add(ik.text);
      }
    }
  }

  // A matrix without expressions, expanded now: its errors are the file's.
  void expand_static(const YamlNode& n, Matrix& matrix) {
    auto r = expand_matrix(matrix.value.value);
    if (!r) {
      const YamlNode* at = &n;
      for (const auto& part : r.error().path) {
        const YamlNode* next = at->is_mapping() ? at->find(part)
                               : at->is_sequence() && std::stoul(part) < at->items.size() ? &at->items[std::stoul(part)]
                                                                                          : nullptr;
        if (!next) break;
        at = next;
      }
      // Shape errors were reported by matrix_keys() already.
      bool shape = r.error().message.find("must be") != std::string::npos;
      if (!shape) cx_.error(*at, "matrix of " + owner_ + ": " + r.error().message);
      return;
    }
    auto names = instance_names(step_.id, *r);
    if (!names) return cx_.error(n, "matrix of " + owner_ + ": " + names.error());
    matrix.instances = std::move(*r);
    matrix.names = std::move(*names);
  }

  // A workflow step: what it passes to the file it calls (add_call
  // checks them against that file and brings in its steps).
  Step load_call() {
    const auto& uses = *body_.member("uses");
    step_.uses = uses.second.text;
    step_.uses_loc = cx_.loc(uses.second);
    for (const auto& [k, v] : body_.members)
      if (std::find(kCallKeys.begin(), kCallKeys.end(), k.text) == kCallKeys.end() &&
          std::find(kStepKeys.begin(), kStepKeys.end(), k.text) != kStepKeys.end())
        cx_.error(k, "'" + k.text + "' does not apply to a workflow step: " + owner_ + " calls '" + step_.uses +
                         "'; set it on the steps of that file");
    if (const YamlNode* with = body_.find("with"); with && !with->is_null()) {
      if (!with->is_mapping()) cx_.type_error(*with, "'with' of " + owner_, "a mapping of the file's inputs");
      for (const auto& [k, v] : with->members)
        step_.with.emplace_back(k.text, cx_.param_of(v, nullptr, "input '" + k.text + "' of " + owner_, scope_));
    }
    if (const YamlNode* secrets = body_.find("secrets"); secrets && !secrets->is_null()) {
      if (!secrets->is_mapping()) cx_.type_error(*secrets, "'secrets' of " + owner_, "a mapping of the file's secrets");
      for (const auto& [k, v] : secrets->members)
        if (auto p = cx_.string_param_of(v, "secret '" + k.text + "' of " + owner_, scope_))
          step_.secrets.emplace_back(k.text, std::move(*p));
    }
    if (const YamlNode* n = body_.find("needs")) load_needs(*n);
    if (const YamlNode* n = body_.find("if")) {
      step_.if_ = cx_.condition_of(*n, "'if' of " + owner_, scope_);
      step_.if_loc = cx_.source().loc_at(*n, 0);
    }
    return std::move(step_);
  }

  bool is_run_script() const { return body_.find("run") && !body_.find("uses"); }

  // `uses` or `run`: the step type, and its schema when there is one.
  const core::StepSchema* load_kind() {
    const auto* uses = body_.member("uses");
    const auto* run = body_.member("run");
    if (uses && run) {
      both_uses_and_run_ = true;
      cx_.error(key_, owner_ + " has both 'uses' and 'run'; a step runs either a step type or a script");
    } else if (!uses && !run) {
      cx_.error(key_, owner_ + " has neither 'uses' (a step type) nor 'run' (a script)");
      return nullptr;
    }
    if (uses) {
      auto type = cx_.string_of(uses->second, "'uses' of " + owner_);
      if (!type) return nullptr;
      step_.uses = *type;
      step_.uses_loc = cx_.loc(uses->second);
    } else {
      step_.uses = "run";
      step_.uses_loc = cx_.loc(run->first);
    }
    const auto& find = cx_.options().find_step_type;
    if (!find) return nullptr;  // no registry given: types are not checked
    const core::StepSchema* schema = find(step_.uses);
    if (!schema) {
      const auto& names = cx_.options().step_type_names;
      cx_.error(step_.uses_loc, core::with_suggestion("unknown step type '" + step_.uses + "'", step_.uses, names));
    }
    return schema;
  }

  void load_with(const core::StepSchema* schema) {
    if (is_run_script()) {
      const core::ParamSpec* spec = schema ? schema->find("script") : nullptr;
      step_.with.emplace_back("script", cx_.param_of(*body_.find("run"), spec, "'run' of " + owner_, scope_));
    }
    if (const YamlNode* with = body_.find("with"); with && !with->is_null()) {
      if (!with->is_mapping()) cx_.type_error(*with, "'with' of " + owner_, "a mapping");
      for (const auto& [k, v] : with->members) {
        const core::ParamSpec* spec = schema ? schema->find(k.text) : nullptr;
        if (schema && !spec) {
          cx_.error(k, core::with_suggestion("unknown parameter '" + k.text + "' for step type '" + step_.uses + "'",
                                             k.text, param_names(*schema)));
        } else if (is_run_script() && k.text == "script") {
          cx_.error(k, "parameter 'script' of " + owner_ + " is already given by 'run'");
          continue;
        }
        step_.with.emplace_back(k.text, cx_.param_of(v, spec, "parameter '" + k.text + "' of " + owner_, scope_));
      }
    }
    // With both `uses` and `run`, `run` may well hold what is "missing".
    if (!schema || both_uses_and_run_) return;
    for (const auto& spec : schema->params)
      if (spec.required && !step_.param(spec.name))
        cx_.error(step_.uses_loc,
                  owner_ + " is missing required parameter '" + spec.name + "' of step type '" + step_.uses + "'");
  }

  void load_needs(const YamlNode& n) {
    std::vector<const YamlNode*> items;
    if (n.is_scalar()) {
      items.push_back(&n);
    } else if (n.is_sequence()) {
      for (const auto& item : n.items) items.push_back(&item);
    } else {
      return cx_.type_error(n, "'needs' of " + owner_, "a step id or a list of step ids");
    }
    std::vector<std::string> others;
    for (const auto& id : cx_.step_ids)
      if (id != step_.id) others.push_back(id);
    for (const YamlNode* item : items) {
      const std::string& id = item->text;
      auto listed = [&](const Need& need) { return need.id == id; };
      if (!item->is_scalar()) {
        cx_.type_error(*item, "each item of 'needs' of " + owner_, "a step id");
      } else if (id == step_.id) {
        cx_.error(*item, owner_ + " needs itself");
      } else if (std::find(others.begin(), others.end(), id) == others.end()) {
        cx_.error(*item, core::with_suggestion(owner_ + " needs unknown step '" + id + "'", id, others));
      } else if (std::any_of(step_.needs.begin(), step_.needs.end(), listed)) {
        cx_.error(*item, owner_ + " needs '" + id + "' twice");
      } else {
        step_.needs.push_back(Need{id, cx_.loc(*item)});
      }
    }
  }

  // The keys `defaults:` may set too: the step's own value wins.
  void load_settings() {
    step_.timeout = defaults_.timeout;
    if (const YamlNode* n = body_.find("timeout")) step_.timeout = cx_.limit_of(*n, "'timeout' of " + owner_);
    step_.timeout_total = defaults_.timeout_total;
    if (const YamlNode* n = body_.find("timeout-total"))
      step_.timeout_total = cx_.limit_of(*n, "'timeout-total' of " + owner_);
    if (defaults_.retry) step_.retry = *defaults_.retry;
    if (const YamlNode* n = body_.find("retry")) {
      if (auto r = cx_.retry_of(*n, owner_)) step_.retry = *r;
    }
    if (const YamlNode* n = body_.find("continue-on-error")) {
      if (auto b = cx_.bool_of(*n, "'continue-on-error' of " + owner_)) step_.continue_on_error = *b;
    }
    step_.working_directory = defaults_.working_directory;
    if (const YamlNode* n = body_.find("working-directory"))
      step_.working_directory = cx_.string_of(*n, "'working-directory' of " + owner_);
    step_.shell = defaults_.shell;
    if (const auto* m = body_.member("shell")) {
      step_.shell = cx_.string_of(m->second, "'shell' of " + owner_);
      if (step_.uses != "run" && !step_.uses.empty())
        cx_.error(m->first, "'shell' only applies to 'run' steps; " + owner_ + " uses '" + step_.uses + "'");
    }
  }

  // Values reach a script as "${WF_EXPR_N}", which only a POSIX shell reads:
  // ${{ }} in a python (or pwsh…) script would fail when the step starts.
  void check_script_shell() {
    if (step_.uses != "run" || !step_.shell || has_expression(*step_.shell) || core::is_posix_shell(*step_.shell))
      return;
    const Param* script = step_.param("script");
    if (!script || !script->value.is_string() || !has_expression(script->value.as_string())) return;
    cx_.error(script->loc, "${{ }} in a '" + *step_.shell + "' script cannot be passed safely (only POSIX shells "
                           "read them as data); pass values through env: and read them from the environment");
  }

  // A `run` step's shell is both Step::shell and its `shell` parameter, so
  // the step type sees the one `defaults:` gives as well.
  void link_shell(const core::StepSchema* schema) {
    if (step_.uses != "run") return;
    if (const Param* p = step_.param("shell")) {
      if (p->value.is_string() && !has_expression(p->value.as_string())) step_.shell = p->value.as_string();
      return;
    }
    if (!step_.shell || !schema || !schema->find("shell")) return;
    auto t = expr::Template::parse(*step_.shell, expr::ParseOptions{*scope_.named_values});
    if (!t) return;
    Param p;
    p.value = Value(*step_.shell);
    p.loc = step_.loc;
    p.templates.emplace("", std::move(*t));
    p.locs.emplace("", step_.loc);
    step_.with.emplace_back("shell", std::move(p));
  }

  LoadContext& cx_;
  const YamlNode& key_;
  const YamlNode& body_;
  const Defaults& defaults_;
  const std::string owner_;
  Step step_;
  ExprScope scope_;
  bool both_uses_and_run_ = false;
};

}  // namespace

void load_steps(LoadContext& cx, const YamlNode& steps, const Defaults& defaults, Workflow& wf) {
  if (!steps.is_mapping()) return cx.type_error(steps, "'steps'", "a mapping of step ids to steps");
  if (steps.members.empty()) return cx.error(steps, "'steps' has no steps");
  wf.steps.reserve(steps.members.size());
  for (const auto& [key, body] : steps.members) {
    Step step = StepLoader(cx, key, body, defaults).load();
    if (is_workflow_path(step.uses))
      add_call(cx, std::move(step), wf);
    else
      wf.steps.push_back(std::move(step));
  }
}

}  // namespace wf::model::detail
