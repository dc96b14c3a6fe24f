#include "runner/adapters/git_repo.h"

#include "runner/adapters/module_loader.h"

namespace wf::adapters {

namespace {

using services::GitAuth;
using services::GitResult;

class LazyGitRepo : public services::GitRepo {
 public:
  std::optional<services::GitInfo> describe(const std::string& dir) override { return repo().describe(dir); }

  GitResult<std::vector<services::GitStatusEntry>> status(const std::string& dir,
                                                          const std::vector<std::string>& paths) override {
    return repo().status(dir, paths);
  }

  GitResult<std::string> remote_url(const std::string& dir, const std::string& remote) override {
    return repo().remote_url(dir, remote);
  }

  std::optional<std::pair<std::string, std::string>> upstream(const std::string& dir) override {
    return repo().upstream(dir);
  }

  GitResult<std::vector<services::GitRemoteHead>> ls_remote(const std::string& dir, const std::string& remote,
                                                            const GitAuth& auth,
                                                            const core::CancelToken* cancel) override {
    return repo().ls_remote(dir, remote, auth, cancel);
  }

  GitResult<bool> contains(const std::string& dir, const std::string& remote, const std::string& remote_ref,
                           const std::string& remote_sha, const std::string& commit, const GitAuth& auth,
                           const core::CancelToken* cancel) override {
    return repo().contains(dir, remote, remote_ref, remote_sha, commit, auth, cancel);
  }

  GitResult<std::vector<services::GitCommit>> log(const std::string& dir, const std::string& from,
                                                  const std::vector<std::string>& hide, size_t limit,
                                                  const std::vector<std::string>& paths) override {
    return repo().log(dir, from, hide, limit, paths);
  }

  GitResult<services::GitCheckoutResult> checkout(const services::GitCheckoutRequest& request,
                                                  const core::CancelToken* cancel) override {
    return repo().checkout(request, cancel);
  }

 private:
  services::GitRepo& repo() { return repo_.get(); }
  LazyModuleObject<services::GitRepo> repo_{"wf-git.so", "wf_git_repo_v1", "git repositories (libgit2)"};
};

}  // namespace

std::unique_ptr<services::GitRepo> make_git_repo() { return std::make_unique<LazyGitRepo>(); }

}  // namespace wf::adapters
