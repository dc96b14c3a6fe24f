#include "runner/model/resolve.h"

namespace wf::model {

namespace {

struct Resolver {
  const Param& param;
  const expr::EvalContext& ctx;
  const TemplateOverride& override_fn;

  core::Expected<Value, ResolveError> walk(const Value& v, const std::string& path) const {
    switch (v.kind()) {
      case Value::Kind::kString: return render(v, path);
      case Value::Kind::kArray: {
        Value::Array out;
        for (size_t i = 0; i < v.as_array().size(); ++i) {
          auto r = walk(v.as_array()[i], path + "/" + std::to_string(i));
          if (!r) return r;
          out.push_back(std::move(*r));
        }
        return Value(std::move(out));
      }
      case Value::Kind::kObject: {
        Value::Object out;
        for (const auto& [k, e] : v.as_object()) {
          auto r = walk(e, path + "/" + k);
          if (!r) return r;
          out.emplace_back(k, std::move(*r));
        }
        return Value(std::move(out));
      }
      default: return v;
    }
  }

  core::Expected<Value, ResolveError> render(const Value& v, const std::string& path) const {
    auto it = param.templates.find(path);
    if (it == param.templates.end() || !it->second.has_expressions()) return v;
    if (override_fn) {
      if (auto o = override_fn(it->second)) return *o;
    }
    auto r = it->second.render(ctx);
    if (r) return std::move(*r);
    auto loc_it = param.locs.find(path);
    SourceLoc loc = loc_it != param.locs.end() ? loc_it->second : param.loc;
    return core::unexpected(ResolveError{loc, r.error().message});
  }
};

}  // namespace

core::Expected<Value, ResolveError> resolve_param(const Param& param, const expr::EvalContext& ctx,
                                                  const TemplateOverride& override_fn) {
  return Resolver{param, ctx, override_fn}.walk(param.value, "");
}

std::vector<const expr::Template*> param_templates(const Param& param) {
  std::vector<const expr::Template*> out;
  for (const auto& [path, t] : param.templates) out.push_back(&t);
  return out;
}

}  // namespace wf::model
