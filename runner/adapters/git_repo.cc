#include "runner/adapters/git_repo.h"

#include <git2.h>

namespace wf::adapters {

namespace {

// Frees a libgit2 object when it goes out of scope.
template <class T, void (*Free)(T*)>
struct Owned {
  T* p = nullptr;
  ~Owned() {
    if (p) Free(p);
  }
};

std::string oid_hex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

bool is_dirty(git_repository* repo) {
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;  // untracked files do not make a tree dirty
  Owned<git_status_list, git_status_list_free> list;
  if (git_status_list_new(&list.p, repo, &opts) != 0) return false;
  return git_status_list_entrycount(list.p) > 0;
}

std::string remote_url(git_repository* repo, git_reference* head) {
  std::string name = "origin";
  if (head && git_reference_is_branch(head)) {
    git_buf remote = GIT_BUF_INIT;
    if (git_branch_upstream_remote(&remote, repo, git_reference_name(head)) == 0) name = remote.ptr;
    git_buf_dispose(&remote);
  }
  Owned<git_remote, git_remote_free> r;
  if (git_remote_lookup(&r.p, repo, name.c_str()) != 0) return "";
  const char* url = git_remote_url(r.p);
  return url ? url : "";
}

class LibGit2Repo : public services::GitRepo {
 public:
  LibGit2Repo() { git_libgit2_init(); }
  ~LibGit2Repo() override { git_libgit2_shutdown(); }

  std::optional<services::GitInfo> describe(const std::string& dir) override {
    Owned<git_repository, git_repository_free> repo;
    if (git_repository_open_ext(&repo.p, dir.c_str(), 0, nullptr) != 0) return std::nullopt;
    services::GitInfo info;
    Owned<git_reference, git_reference_free> head;
    int rc = git_repository_head(&head.p, repo.p);
    if (rc == 0) {
      if (const git_oid* oid = git_reference_target(head.p)) info.sha = oid_hex(oid);
      bool detached = git_repository_head_detached(repo.p) == 1;
      info.ref = detached ? "HEAD" : git_reference_name(head.p);
      const char* branch = nullptr;
      if (!detached && git_branch_name(&branch, head.p) == 0 && branch) info.branch = branch;
    } else if (rc == GIT_EUNBORNBRANCH) {
      // A repository without commits: HEAD names a branch that does not exist yet.
      Owned<git_reference, git_reference_free> sym;
      if (git_reference_lookup(&sym.p, repo.p, "HEAD") == 0 && git_reference_symbolic_target(sym.p)) {
        info.ref = git_reference_symbolic_target(sym.p);
        if (info.ref.rfind("refs/heads/", 0) == 0) info.branch = info.ref.substr(11);
      }
    }
    info.dirty = is_dirty(repo.p);
    info.remote = remote_url(repo.p, head.p);
    return info;
  }
};

}  // namespace

std::unique_ptr<services::GitRepo> make_git_repo() { return std::make_unique<LibGit2Repo>(); }

}  // namespace wf::adapters
