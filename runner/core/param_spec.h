#pragma once
// How a step type declares its `with:` parameters. Plain data, so the loader
// (model) can validate `with:` and the step API can document it without
// either depending on the other.

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/value.h"

namespace wf::core {

/// The type a parameter's value must have once expressions are resolved.
/// kAny accepts anything. kDuration is a string parse_duration() accepts.
/// kStringList also accepts a single string (a one-element list).
/// What a path parameter must name, checked by the loader (relative to the
/// step's working directory) when its value is known before the run.
enum class PathKind { kNone, kFile, kDirectory, kFileOrDirectory };

enum class ParamType { kString, kBool, kNumber, kDuration, kStringList, kStringMap, kMap, kList, kAny };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  bool required = false;
  Value default_value;            // null: no default
  std::string doc;                // one or two sentences for `wf steps TYPE`
  std::string example;            // a YAML snippet of the value, e.g. "[a.yaml, b.yaml]"
  std::vector<std::string> choices;  // for kString: allowed values (empty = any)
  bool secret = false;            // its value is masked wherever it is shown
  /// A shell script: the executor does not format expressions into it;
  /// each `${{ }}` becomes a reference to an environment variable holding
  /// its value, so a value is only ever data to the shell.
  bool script = false;
  /// Its value reaches the tool's command line, which `ps` shows to every
  /// user of the machine: a secret in it draws a warning from the loader.
  bool on_command_line = false;
  /// For a path (kString or each item of kStringList): it must exist.
  PathKind must_exist = PathKind::kNone;
};

/// What a step type's own validator sees of one step's `with:`: the
/// parameters whose values are known before the run (defaults applied), and
/// the names of those given by an expression, known only at run time. The
/// validator reports problems against a parameter; the loader turns each into
/// `FILE:LINE:COL: message` at that parameter's value.
class ParamCheck {
 public:
  struct Problem {
    std::string param;      // "" for the step's `with:` as a whole
    std::string message;
    bool warning = false;   // warnings are shown; they do not fail validation
    int line = 0;           // 1-based line inside a string value (inline YAML, a script); 0: the value as a whole
    int column = 0;         // 1-based column on that line; 0: unknown
  };

  ParamCheck(Value known, std::vector<std::string> dynamic) : known_(std::move(known)), dynamic_(std::move(dynamic)) {}

  /// The value when known before the run; nullptr when absent or dynamic.
  const Value* known(std::string_view name) const;
  /// Known and a string: its text; else nullopt.
  std::optional<std::string> known_string(std::string_view name) const;
  /// Given by an expression: known only when the step runs.
  bool dynamic(std::string_view name) const;
  /// Given at all (known, dynamic, or by a default).
  bool given(std::string_view name) const { return known(name) || dynamic(name); }

  void error(std::string param, std::string message) { problems_.push_back({std::move(param), std::move(message), false}); }
  void warning(std::string param, std::string message) { problems_.push_back({std::move(param), std::move(message), true}); }
  /// An error at a place inside a string parameter's text: the loader
  /// reports it at that line of the workflow file (exact for `|` blocks).
  void error_at(std::string param, int line, int column, std::string message) {
    problems_.push_back({std::move(param), std::move(message), false, line, column});
  }
  const std::vector<Problem>& problems() const { return problems_; }

 private:
  Value known_;
  std::vector<std::string> dynamic_;
  std::vector<Problem> problems_;
};

/// A step type's checks beyond each parameter's declared type: shapes a
/// type needs (`repo` is owner/name), parameters that go together. Pure: no
/// I/O. Run by the loader, so `wf validate` reports them before anything runs.
using ParamValidator = std::function<void(ParamCheck&)>;

struct StepSchema {
  std::string type;               // e.g. "terraform"
  std::string summary;            // one line
  std::string description;        // a paragraph for `wf steps TYPE`
  std::vector<ParamSpec> params;
  std::vector<std::pair<std::string, std::string>> outputs;  // name, doc
  std::string example;            // a whole step in YAML
  ParamValidator validate;        // optional: the type's own checks

  const ParamSpec* find(std::string_view name) const {
    for (const auto& p : params)
      if (p.name == name) return &p;
    return nullptr;
  }
};

/// A documented parameter; set further fields (choices, must_exist, secret,
/// ...) on the result.
/// Marks the named parameters of `schema` ParamSpec::on_command_line.
void mark_on_command_line(StepSchema& schema, std::initializer_list<std::string_view> names);

ParamSpec make_param(std::string name, ParamType type, std::string doc, std::string example = {},
                     Value default_value = {}, bool required = false);

/// Lower-case name used in messages: "string", "list of strings", ...
const char* param_type_name(ParamType t);

/// Whether a (resolved) value fits the parameter: its type, choices, a
/// parseable duration. Returns the problem ("expected a list of strings, got
/// a number") or an empty string.
std::string check_param_value(const ParamSpec& spec, const Value& value);

}  // namespace wf::core
