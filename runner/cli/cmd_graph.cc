#include <ostream>

#include "runner/cli/commands.h"
#include "runner/cli/workflow_file.h"
#include "runner/graph/dag.h"

namespace wf::cli {

int cmd_graph(const Env& env, const GraphArgs& args) {
  auto wf = load_checked(args.file, env.registry, env.err);
  if (!wf) return 2;
  env.out << (args.format == "mermaid" ? graph::to_mermaid(*wf) : graph::to_dot(*wf));
  return 0;
}

}  // namespace wf::cli
