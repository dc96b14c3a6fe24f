#include <ostream>

#include "runner/cli/commands.h"
#include "runner/cli/workflow_file.h"

namespace wf::cli {

int cmd_validate(const Env& env, const ValidateArgs& args) {
  int failed = 0;
  for (const auto& file : args.files) {
    auto wf = load_checked(file, env.registry, env.err);
    if (!wf) {
      ++failed;
      continue;
    }
    env.out << file << ": valid (" << wf->steps.size() << (wf->steps.size() == 1 ? " step" : " steps") << ")\n";
  }
  if (failed && args.files.size() > 1)
    env.err << failed << " of " << args.files.size() << " files have errors\n";
  return failed ? 2 : 0;
}

}  // namespace wf::cli
