// `wf plan`: what a run would do, without running anything.

#include <map>
#include <ostream>
#include <set>
#include <sstream>

#include "runner/cli/commands.h"
#include "runner/cli/plan_preview.h"
#include "runner/cli/signals.h"
#include "runner/cli/workflow_file.h"
#include "runner/core/log.h"
#include "runner/exec/contexts.h"
#include "runner/exec/secrets.h"
#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "runner/graph/dag.h"
#include "runner/model/resolve.h"

namespace wf::cli {

namespace {

// A value as one line, or as an indented block for multi-line strings.
std::string display(const core::Value& v, const std::string& pad) {
  if (v.is_string()) {
    const std::string& s = v.as_string();
    if (s.find('\n') == std::string::npos) return s.empty() ? "\"\"" : s;
    std::string out = "|\n";
    std::istringstream in(s);
    std::string line;
    while (std::getline(in, line)) out += pad + "  " + line + "\n";
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  return core::to_json(v);
}


// The first `steps.X` a template reads, if any: its value is not known yet.
std::optional<std::string> reads_step(const expr::Template& t) {
  for (const auto& r : t.references())
    if (r.path.size() >= 2 && core::iequals(r.path[0], "steps")) return r.path[1];
  return std::nullopt;
}

model::TemplateOverride known_after() {
  return [](const expr::Template& t) -> std::optional<core::Value> {
    if (auto s = reads_step(t)) return core::Value("(known after " + *s + ")");
    return std::nullopt;
  };
}

struct Planner {
  const Env& env;
  const model::Workflow& wf;
  expr::EvalContext ctx;
  PlanPreviewer* previewer = nullptr;   // null: secrets are missing, no previews
  int errors = 0;
  int changes = 0;
  std::set<std::string> skipped{};  // steps sure to be skipped

  void resolve_error(const model::ResolveError& e) {
    env.err << e.loc.str() << ": " << e.message << "\n";
    ++errors;
  }

  void print_params(const std::vector<std::pair<std::string, model::Param>>& params, const core::StepSchema* schema,
                    const char* title) {
    if (params.empty()) return;
    env.out << "      " << title << ":\n";
    for (const auto& [name, p] : params) {
      const core::ParamSpec* spec = schema ? schema->find(name) : nullptr;
      if (spec && spec->secret) {
        env.out << "        " << name << ": ***\n";
        continue;
      }
      if (spec && spec->script) {
        env.out << "        " << name << ": " << display(p.value, "        ") << "\n";
        std::set<std::string> shown;  // each expression's value once, however often the script uses it
        for (const auto& [path, t] : p.templates)
          for (const auto& part : t.parts())
            if (part.is_expression && shown.insert(std::string(core::trim(part.expression->text()))).second)
              print_expression_value(*part.expression);
        continue;
      }
      auto v = model::resolve_param(p, ctx, known_after());
      if (!v) resolve_error(v.error());
      else env.out << "        " << name << ": " << display(*v, "        ") << "\n";
    }
  }

  void print_expression_value(const expr::Expression& e) {
    std::string shown;
    bool later = false;
    for (const auto& r : e.references())
      if (r.path.size() >= 2 && core::iequals(r.path[0], "steps")) {
        shown = "(known after " + r.path[1] + ")";
        later = true;
      }
    if (!later) {
      auto v = e.evaluate(ctx);
      shown = v ? display(*v, "          ") : "(error: " + v.error().message + ")";
    }
    env.out << "          ${{ " << core::trim(e.text()) << " }} = " << shown << "\n";
  }

  void print_step(const model::Step& s) {
    core::Value named = ctx.named_values;
    if (s.scope > 0) ctx.named_values = scope_named(s.scope);
    if (s.matrix)
      print_matrix_step(s);
    else
      print_instance(s, s.id, core::Value());
    ctx.named_values = named;
  }

  // What a called file's steps read, as far as it is known now: its inputs
  // from the calling step's with: ("(known after X)" where they read steps),
  // its secrets as ***, its env: resolved against those.
  core::Value scope_named(size_t sc) {
    const model::Scope& scope = wf.scopes[sc];
    const model::Step& call = wf.steps[scope.call];
    core::Value saved = ctx.named_values;
    if (scope.parent > 0) ctx.named_values = scope_named(scope.parent);
    core::Value::Object inputs, secrets, env;
    for (const auto& in : scope.inputs) {
      const model::Param* p = call.param(in.name);
      auto v = p ? model::resolve_param(*p, ctx, known_after()) : core::Value(in.default_value);
      inputs.emplace_back(in.name, v ? *v : core::Value());
    }
    for (const auto& s : scope.secrets) secrets.emplace_back(s.name, "***");
    core::Value named = ctx.named_values.with("inputs", core::Value(std::move(inputs)))
                            .with("secrets", core::Value(std::move(secrets)))
                            .with("steps", core::Value(core::Value::Object{}));
    ctx.named_values = named.with("env", core::Value(core::Value::Object{}));
    for (const auto& [name, p] : scope.env) {
      auto v = model::resolve_param(p, ctx, known_after());
      env.emplace_back(name, v ? core::Value(expr::to_string(*v)) : core::Value(""));
    }
    ctx.named_values = saved;
    return named.with("env", core::Value(std::move(env)));
  }

  // A static matrix is planned instance by instance, each with its own
  // `matrix`; a dynamic one is known only when its needs have run.
  void print_matrix_step(const model::Step& s) {
    const auto& m = *s.matrix;
    std::string settings;
    if (m.max_parallel) settings += ", max-parallel " + std::to_string(*m.max_parallel);
    if (!m.fail_fast) settings += ", fail-fast off";
    if (m.dynamic) {
      env.out << "  " << (s.if_ ? "? " : "+ ") << graph::fan_out_label(s) << " (" << s.uses << "; instances known at run time"
              << settings << ")\n";
      if (s.matrix->expression) env.out << "      matrix: " << display(s.matrix->value.value, "      ") << "\n";
      ++changes;
      return;
    }
    env.out << "  " << (s.if_ ? "? " : "+ ") << graph::fan_out_label(s) << " (" << s.uses << "; "
            << m.instances.size() << " instances" << settings << ")\n";
    core::Value named = ctx.named_values;
    for (size_t k = 0; k < m.instances.size(); ++k) {
      ctx.named_values = named.with("matrix", m.instances[k]);
      print_instance(s, m.names[k], m.instances[k]);
    }
    ctx.named_values = named;
  }

  void print_instance(const model::Step& s, const std::string& title, const core::Value& matrix) {
    env.out << "  " << (s.if_ ? "? " : "+ ") << title << " (" << s.uses << ")";
    if (!s.needs.empty()) {
      std::vector<std::string> ids;
      for (const auto& n : s.needs) ids.push_back(n.id);
      env.out << "  needs: " << core::join(ids, ", ");
    }
    env.out << "\n";
    if (s.if_) env.out << "      if: " << core::trim(s.if_->text()) << condition_note(*s.if_) << "\n";
    print_params(s.with, env.registry.schema(s.uses), "with");
    print_params(s.env, nullptr, "env");
    if (s.timeout) env.out << "      timeout: " << core::format_duration(*s.timeout) << "\n";
    if (s.retry.limit > 0) {
      env.out << "      retry: " << s.retry.limit << " (backoff " << core::format_duration(s.retry.backoff.delay)
              << " x" << s.retry.backoff.factor << ")\n";
    }
    if (s.continue_on_error) env.out << "      continue-on-error: true\n";
    if (known_skipped(s)) {
      skipped.insert(s.id);
      env.out << "      skipped: nothing to preview\n";
      return;
    }
    print_preview(s, matrix);
  }

  // Whether the step is sure to be skipped: its condition is false on what is
  // known now, or (without a status function) a step it needs is skipped.
  bool known_skipped(const model::Step& s) const {
    bool status_function = s.if_ && s.if_->uses_status_function();
    if (!status_function)
      for (const auto& n : s.needs)
        if (skipped.count(n.id)) return true;
    if (!s.if_ || status_function) return false;
    for (const auto& r : s.if_->references())
      if (!r.path.empty() && core::iequals(r.path[0], "steps")) return false;
    auto b = expr::evaluate_condition(*s.if_, ctx);
    return b && !*b;
  }

  void print_preview(const model::Step& s, const core::Value& matrix) {
    if (!previewer) {
      ++changes;
      return;
    }
    PreviewOutcome p = previewer->preview(s, matrix);
    if (p.changes) ++changes;
    if (p.error) ++errors;
    if (!p.note.empty()) env.out << "      (" << p.note << ")\n";
    if (!p.text.empty()) {
      env.out << "      preview" << (p.changes ? "" : " (no changes)") << ":\n";
      std::istringstream in(p.text);
      for (std::string line; std::getline(in, line);) env.out << "        " << line << "\n";
    } else if (!p.changes) {
      env.out << "      no changes\n";
    }
  }

  std::string condition_note(const expr::Expression& e) {
    for (const auto& r : e.references())
      if (!r.path.empty() && core::iequals(r.path[0], "steps")) return "  (decided at run time)";
    if (e.uses_status_function()) return "  (decided at run time)";
    auto b = expr::evaluate_condition(e, ctx);
    if (!b) return "  (error: " + b.error().message + ")";
    return *b ? "  -> true: runs" : "  -> false: skipped";
  }
};

// The previewer, with the real secrets. A missing secret leaves out the
// previews of the steps that read it; one that the workflow's env reads
// reaches every step: then nullptr (and a note), no step is previewed.
std::unique_ptr<PlanPreviewer> make_previewer(const Env& env, const model::Workflow& wf, const core::Value& inputs,
                                              const core::Value& git, core::SecretMasker& masker,
                                              const core::CancelToken& cancel) {
  core::Value::Object secrets;
  std::map<std::string, std::string> missing;
  for (const auto& s : wf.secrets) {
    auto value = exec::load_secret(s);
    if (!value) missing.emplace(s.name, value.error());
    if (value && *value) masker.add(**value);
    secrets.emplace_back(s.name, core::Value(value && *value ? **value : std::string()));
  }
  for (const auto& [name, param] : wf.env) {
    if (auto m = reads_missing_secret(param, missing)) {
      env.err << "note: no previews: " << *m << " (the workflow's env reads it)\n";
      return nullptr;
    }
  }
  for (const auto& [name, message] : missing) env.err << "note: " << message << " (the steps that read it are not previewed)\n";
  auto values = exec::make_run_values(wf, inputs, core::Value(std::move(secrets)), git, "plan");
  if (!values) {
    env.err << "note: no previews: " << masker.mask(values.error()) << "\n";
    return nullptr;
  }
  return std::make_unique<PlanPreviewer>(env.registry, wf, std::move(*values), masker, cancel, std::move(missing));
}

}  // namespace

// Exit codes follow terraform plan -detailed-exitcode: 0 no changes, 2
// changes, 1 a preview failed; usage errors (an invalid workflow, a bad -i)
// are 2 as in every wf command; 130 when interrupted. With
// args.dry_run_codes, `wf run --dry-run`'s: 0 done, 1 a preview failed,
// 2 usage errors.
int cmd_plan(const Env& env, const PlanArgs& args) {
  auto wf = load_checked(args.file, env.registry, env.err);
  if (!wf) return 2;
  auto inputs = input_values(*wf, args.inputs, env.err);
  if (!inputs) return 2;
  // Values are shown with secrets as ***; previews run the real tools with
  // the real secrets (when they are all set) and are masked.
  core::Value::Object secrets;
  for (const auto& s : wf->secrets) secrets.emplace_back(s.name, "***");
  core::SecretMasker masker;
  core::log::MaskerScope log_masker(&masker);  // previews' processes in wf's debug log
  core::CancelToken cancel;
  SignalWatcher signals(cancel, nullptr);  // before the previews start threads
  core::Value git = git_context(*wf);
  std::unique_ptr<PlanPreviewer> previewer = make_previewer(env, *wf, *inputs, git, masker, cancel);

  Planner p{env, *wf, {}, previewer.get()};
  p.ctx.named_values = core::Value(core::Value::Object{
      {"inputs", *inputs}, {"secrets", core::Value(std::move(secrets))}, {"env", core::Value(core::Value::Object{})},
      {"steps", core::Value(core::Value::Object{})}, {"git", git},
      {"wf", core::Value(core::Value::Object{{"workflow", wf->name}, {"run_id", "(new)"}, {"attempt", 1}})}});

  auto waves = graph::waves(*wf);
  env.out << "Plan for " << (wf->name.empty() ? args.file : wf->name) << ": " << wf->steps.size() << (wf->steps.size() == 1 ? " step in " : " steps in ")
          << waves.size() << (waves.size() == 1 ? " wave" : " waves") << "\n";
  if (!wf->inputs.empty()) {
    env.out << "inputs:";
    for (const auto& [k, v] : inputs->as_object()) env.out << " " << k << "=" << core::to_json(v);
    env.out << "\n";
  }
  for (size_t w = 0; w < waves.size() && !cancel.cancelled(); ++w) {
    env.out << "\nwave " << (w + 1) << "\n";
    for (const auto& id : waves[w]) p.print_step(*wf->step(id));
  }
  if (cancel.cancelled()) return 130;
  env.out << "\n+ runs, ? runs if its condition holds. Values marked (known after X) come from step X's outputs.\n";
  if (p.errors) return 1;
  if (args.dry_run_codes) return 0;
  return p.changes > 0 ? 2 : 0;
}

}  // namespace wf::cli
