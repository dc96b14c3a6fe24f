// `wf schema`: the workflow JSON Schema, from a hand-written base (the file
// format) and the registry (each step type's `with:`, from its declared
// parameters). workflows/wf.schema.json is this output, committed; a test
// fails when they differ.

#include <ostream>

#include "runner/cli/commands.h"
#include "runner/core/json.h"

namespace wf::cli {

extern const char* const kWorkflowSchemaBase;

namespace {

using core::ParamSpec;
using core::ParamType;
using core::Value;

Value object(Value::Object o) { return Value(std::move(o)); }

// A value given as one `${{ }}` expression: any type is then possible.
Value expression_schema() {
  return object({{"type", "string"}, {"pattern", "^\\s*\\$\\{\\{[\\s\\S]*\\}\\}\\s*$"}});
}

Value type_schema(const ParamSpec& p) {
  Value::Array scalar_types{Value("string"), Value("number"), Value("boolean")};
  switch (p.type) {
    case ParamType::kString: {
      if (p.choices.empty()) return object({{"type", "string"}});
      Value::Array choices;
      for (const auto& c : p.choices) choices.push_back(Value(c));
      return object({{"anyOf", Value(Value::Array{object({{"enum", Value(std::move(choices))}}), expression_schema()})}});
    }
    case ParamType::kBool:
      return object({{"anyOf", Value(Value::Array{object({{"type", "boolean"}}), expression_schema()})}});
    case ParamType::kNumber:
      return object({{"anyOf", Value(Value::Array{object({{"type", "number"}}), expression_schema()})}});
    case ParamType::kDuration: return object({{"$ref", "#/definitions/duration"}});
    case ParamType::kStringList:
      return object({{"anyOf", Value(Value::Array{object({{"type", Value(scalar_types)}}),
                                                  object({{"type", "array"}, {"items", object({{"type", Value(scalar_types)}})}})})}});
    case ParamType::kStringMap:
      return object({{"anyOf", Value(Value::Array{object({{"type", "object"}, {"additionalProperties", object({{"type", Value(scalar_types)}})}}),
                                                  expression_schema()})}});
    case ParamType::kMap:
      return object({{"anyOf", Value(Value::Array{object({{"type", "object"}}), expression_schema()})}});
    case ParamType::kList:
      return object({{"anyOf", Value(Value::Array{object({{"type", "array"}}), expression_schema()})}});
    case ParamType::kAny: return object({});
  }
  return object({});
}

Value param_schema(const ParamSpec& p) {
  Value::Object out{{"title", p.name}, {"description", p.doc.empty() ? p.name : p.doc}};
  Value type = type_schema(p);
  for (const auto& kv : type.as_object()) out.push_back(kv);
  if (!p.default_value.is_null()) out.emplace_back("default", p.default_value);
  return Value(std::move(out));
}

// definitions/with-TYPE: the type's parameters, nothing else.
Value with_schema(const core::StepSchema& s) {
  Value::Object props;
  for (const auto& p : s.params) props.emplace_back(p.name, param_schema(p));
  return object({{"title", s.type + " parameters"},
                 {"description", s.summary},
                 {"type", "object"},
                 {"additionalProperties", false},
                 {"properties", Value(std::move(props))}});
}

Value required_of(const core::StepSchema& s) {
  Value::Array req;
  for (const auto& p : s.params)
    if (p.required) req.push_back(Value(p.name));
  return Value(std::move(req));
}

// { if: uses is TYPE, then: with is with-TYPE (and has its required ones) }
Value uses_rule(const core::StepSchema& s) {
  std::string ref = "#/definitions/with-" + s.type;
  Value required = required_of(s);
  Value with = required.as_array().empty()
                   ? object({{"$ref", ref}})
                   : object({{"allOf", Value(Value::Array{object({{"$ref", ref}}), object({{"required", required}})})}});
  Value::Object then{{"properties", object({{"with", with}})}};
  if (!required.as_array().empty()) then.insert(then.begin(), {"required", Value(Value::Array{Value("with")})});
  Value uses_is = object({{"uses", object({{"const", s.type}})}});
  Value condition = object({{"properties", uses_is}, {"required", Value(Value::Array{Value("uses")})}});
  return object({{"if", condition}, {"then", Value(std::move(then))}});
}

}  // namespace

std::string workflow_schema(const step_api::Registry& registry) {
  auto base = core::parse_json(kWorkflowSchemaBase);
  if (!base) return {};  // the build embeds a valid file; tests/schema checks it
  Value schema = *base;
  Value defs = *schema.find("definitions");
  Value step = *defs.find("step");
  Value::Array rules;
  Value::Array names;
  for (const auto& t : registry.types()) {
    const core::StepSchema& s = t->schema();
    defs = defs.with("with-" + s.type, with_schema(s));
    rules.push_back(uses_rule(s));
    names.push_back(Value(s.type));
  }
  // `run: SCRIPT` is the run type with `script` given: its `with` may hold the rest.
  if (registry.find("run"))
    rules.push_back(object({{"if", object({{"required", Value(Value::Array{Value("run")})}})},
                            {"then", object({{"properties", object({{"with", object({{"$ref", "#/definitions/with-run"}})}})}})}}));
  Value props = *step.find("properties");
  props = props.with("uses", props.find("uses")->with("examples", Value(std::move(names))));
  step = step.with("properties", props).with("allOf", Value(std::move(rules)));
  defs = defs.with("step", step);
  schema = schema.with("definitions", defs);
  return core::to_json(schema, 2) + "\n";
}

int cmd_schema(const Env& env) {
  std::string text = workflow_schema(env.registry);
  if (text.empty()) {
    env.err << "wf: internal error: the embedded schema base is not valid JSON\n";
    return 70;
  }
  env.out << text;
  return 0;
}

}  // namespace wf::cli
