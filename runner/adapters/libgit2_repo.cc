#include "runner/adapters/libgit2_repo.h"

#include <git2.h>
#include <git2/sys/errors.h>  // git_error_set_str (moved there in libgit2 1.8)

#if LIBGIT2_VER_MAJOR == 1 && LIBGIT2_VER_MINOR < 7
#error "wf needs libgit2 1.7 or later (shallow fetches): run scripts/install-deps.sh"
#endif

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

namespace wf::adapters {

namespace {

namespace fs = std::filesystem;
using services::GitAuth;
using services::GitError;
using services::GitResult;
using Kind = services::GitError::Kind;

// Frees a libgit2 object when it goes out of scope.
template <class T, void (*Free)(T*)>
struct Owned {
  T* p = nullptr;
  Owned() = default;
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() {
    if (p) Free(p);
  }
};
using Repo = Owned<git_repository, git_repository_free>;
using Ref = Owned<git_reference, git_reference_free>;
using Remote = Owned<git_remote, git_remote_free>;
using Object = Owned<git_object, git_object_free>;
using Commit = Owned<git_commit, git_commit_free>;

struct Buf {
  git_buf b = GIT_BUF_INIT;
  ~Buf() { git_buf_dispose(&b); }
  std::string str() const { return b.ptr ? std::string(b.ptr, b.size) : std::string(); }
};

std::string oid_hex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

// "https://user:token@host/x" -> "https://host/x", wherever a URL appears in `text`.
std::string strip_userinfo(std::string text) {
  size_t pos = 0;
  while ((pos = text.find("://", pos)) != std::string::npos) {
    size_t start = pos + 3;
    size_t end = text.find_first_of("/ \t\n'\"", start);
    if (end == std::string::npos) end = text.size();
    size_t at = text.rfind('@', end);
    if (at != std::string::npos && at >= start && at < end) text.erase(start, at + 1 - start);
    pos = start;
  }
  return text;
}

// What the remote callbacks saw, to tell "cancelled" and "refused" apart
// from whatever libgit2 reports after a callback aborted.
struct Session {
  const GitAuth* auth = nullptr;
  const core::CancelToken* cancel = nullptr;
  int credential_calls = 0;
  bool refused = false;        // asked again after the credentials were given
  bool no_credentials = false; // asked, and there were none
  bool cancelled() const { return cancel && cancel->cancelled(); }
};

int on_credentials(git_credential** out, const char*, const char*, unsigned int allowed, void* payload) {
  auto* s = static_cast<Session*>(payload);
  if (s->cancelled()) return GIT_EUSER;
  if (!s->auth || s->auth->password.empty() || !(allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT)) {
    s->no_credentials = true;
    git_error_set_str(GIT_ERROR_HTTP, "the remote asks for credentials and none were given");
    return GIT_EAUTH;
  }
  // A second call means the server refused what we gave: asking again would loop.
  if (++s->credential_calls > 1) {
    s->refused = true;
    git_error_set_str(GIT_ERROR_HTTP, "the remote refused the credentials");
    return GIT_EAUTH;
  }
  return git_credential_userpass_plaintext_new(out, s->auth->username.c_str(), s->auth->password.c_str());
}

int on_transfer(const git_indexer_progress*, void* payload) {
  return static_cast<Session*>(payload)->cancelled() ? -1 : 0;
}

int on_sideband(const char*, int, void* payload) { return static_cast<Session*>(payload)->cancelled() ? -1 : 0; }

git_remote_callbacks callbacks(Session& s) {
  git_remote_callbacks cb = GIT_REMOTE_CALLBACKS_INIT;
  cb.credentials = on_credentials;
  cb.transfer_progress = on_transfer;
  cb.sideband_progress = on_sideband;
  cb.payload = &s;
  return cb;
}

GitError error(Kind kind, std::string message) { return GitError{kind, strip_userinfo(std::move(message))}; }

// The last libgit2 error as a GitError, classified.
GitError last_error(int rc, std::string_view what, const Session* s = nullptr) {
  const git_error* e = git_error_last();
  std::string msg = e && e->message ? e->message : "unknown error";
  int klass = e ? e->klass : 0;
  std::string text = std::string(what) + ": " + msg;
  if (s && s->cancelled()) return error(Kind::kCancelled, std::string(what) + ": cancelled");
  if (s && s->refused) return error(Kind::kAuth, std::string(what) + ": the remote refused the credentials (token)");
  if (s && s->no_credentials)
    return error(Kind::kAuth, std::string(what) + ": the remote asks for credentials; give a `token`");
  if (rc == GIT_EAUTH) return error(Kind::kAuth, text);
  if (rc == GIT_ECONFLICT || rc == GIT_EMERGECONFLICT) return error(Kind::kConflict, text);
  if (klass == GIT_ERROR_NET || klass == GIT_ERROR_SSL || klass == GIT_ERROR_SSH || rc == GIT_ECERTIFICATE ||
      rc == GIT_EEOF)
    return error(Kind::kNetwork, text);
  // Socket errors come as GIT_ERROR_OS with the system's words.
  for (const char* words : {"failed to connect", "Connection refused", "Connection reset", "timed out",
                            "failed to resolve address", "Network is unreachable", "No route to host",
                            "early EOF", "unexpected EOF"})
    if (msg.find(words) != std::string::npos) return error(Kind::kNetwork, text);
  if (klass == GIT_ERROR_HTTP) {
    if (msg.find("status code: 5") != std::string::npos) return error(Kind::kNetwork, text);
    if (msg.find("status code: 401") != std::string::npos || msg.find("status code: 403") != std::string::npos)
      return error(Kind::kAuth, text);
    if (msg.find("status code: 404") != std::string::npos) return error(Kind::kNotFound, text);
  }
  if (rc == GIT_ENOTFOUND) return error(Kind::kNotFound, text);
  return error(Kind::kOther, text);
}

GitResult<bool> open(Repo& repo, const std::string& dir, bool search = true) {
  int rc = git_repository_open_ext(&repo.p, dir.c_str(), search ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc != 0) return core::unexpected(error(Kind::kNotFound, "no git repository at " + dir));
  return true;
}

bool is_dirty(git_repository* repo) {
  git_status_options opts = GIT_STATUS_OPTIONS_INIT;
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;  // untracked files do not make a tree dirty
  Owned<git_status_list, git_status_list_free> list;
  if (git_status_list_new(&list.p, repo, &opts) != 0) return false;
  return git_status_list_entrycount(list.p) > 0;
}

std::string remote_url_of(git_repository* repo, git_reference* head) {
  std::string name = "origin";
  if (head && git_reference_is_branch(head)) {
    Buf remote;
    if (git_branch_upstream_remote(&remote.b, repo, git_reference_name(head)) == 0) name = remote.str();
  }
  Remote r;
  if (git_remote_lookup(&r.p, repo, name.c_str()) != 0) return "";
  const char* url = git_remote_url(r.p);
  return url ? strip_userinfo(url) : "";
}

// A remote by name, or an anonymous one for a URL or path. Anonymous remotes
// have no refspecs of their own, so fetching through one moves no ref.
GitResult<bool> make_remote(Remote& out, git_repository* repo, const std::string& remote, bool anonymous) {
  std::string url = remote;
  Remote named;
  if (git_remote_lookup(&named.p, repo, remote.c_str()) == 0) {
    if (!anonymous) {
      std::swap(out.p, named.p);
      return true;
    }
    url = git_remote_url(named.p) ? git_remote_url(named.p) : "";
  } else if (remote.find("://") == std::string::npos && remote.find('/') == std::string::npos &&
             remote.find(':') == std::string::npos) {
    return core::unexpected(error(Kind::kNotFound, "no remote named '" + remote + "'"));
  }
  int rc = git_remote_create_anonymous(&out.p, repo, url.c_str());
  if (rc != 0) return core::unexpected(last_error(rc, "remote " + remote));
  return true;
}

std::string state_of(unsigned flags) {
  if (flags & GIT_STATUS_CONFLICTED) return "conflicted";
  if (flags & GIT_STATUS_WT_NEW) return "untracked";
  if (flags & GIT_STATUS_WT_DELETED) return "deleted";
  if (flags & GIT_STATUS_WT_RENAMED) return "renamed";
  if (flags & GIT_STATUS_WT_TYPECHANGE) return "typechange";
  if (flags & GIT_STATUS_WT_MODIFIED) return "modified";
  return "staged";
}

bool under_wf_dir(const std::string& path) { return path.rfind(".wf/", 0) == 0 || path.find("/.wf/") != std::string::npos; }

// Paths that a checkout refused to overwrite, for the conflict message.
int on_checkout_notify(git_checkout_notify_t, const char* path, const git_diff_file*, const git_diff_file*,
                       const git_diff_file*, void* payload) {
  auto* paths = static_cast<std::vector<std::string>*>(payload);
  if (paths->size() < 20) paths->push_back(path);
  return 0;
}

// ref -> the commit it names, and how it was found.
struct Target {
  git_oid oid;
  std::string ref;     // refs/heads/X for a branch, refs/tags/X, or the sha
  std::string branch;  // set for a branch
};

std::optional<git_oid> ref_commit(git_repository* repo, const std::string& name) {
  Object obj;
  if (git_revparse_single(&obj.p, repo, name.c_str()) != 0) return std::nullopt;
  Object peeled;
  if (git_object_peel(&peeled.p, obj.p, GIT_OBJECT_COMMIT) != 0) return std::nullopt;
  return *git_object_id(peeled.p);
}

// A path or file:// URL, which libgit2 serves with its local transport
// (anything else has a scheme, or is scp-like: "host:path").
bool is_local(const std::string& url) {
  if (url.rfind("file://", 0) == 0) return true;
  if (url.find("://") != std::string::npos) return false;
  size_t colon = url.find(':');
  return colon == std::string::npos || colon <= 1 || url.find('/') < colon;
}

bool is_hex(const std::string& s) {
  return s.size() >= 4 && s.size() <= GIT_OID_HEXSZ &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

GitResult<Target> resolve(git_repository* repo, std::string ref) {
  if (ref.empty()) {
    // The remote's default branch: origin/HEAD as the clone recorded it, else HEAD's branch.
    Ref head;
    if (git_reference_lookup(&head.p, repo, "refs/remotes/origin/HEAD") == 0 && git_reference_symbolic_target(head.p)) {
      ref = git_reference_symbolic_target(head.p);
      ref = ref.substr(std::string("refs/remotes/origin/").size());
    } else if (git_repository_head(&head.p, repo) == 0 && git_reference_is_branch(head.p)) {
      const char* name = nullptr;
      git_branch_name(&name, head.p);
      ref = name ? name : "";
    }
    if (ref.empty()) return core::unexpected(error(Kind::kNotFound, "the remote has no default branch; give a `ref`"));
  }
  std::string branch = ref.rfind("refs/heads/", 0) == 0 ? ref.substr(11) : ref;
  if (auto oid = ref_commit(repo, "refs/remotes/origin/" + branch)) return Target{*oid, "refs/heads/" + branch, branch};
  std::string tag = ref.rfind("refs/tags/", 0) == 0 ? ref : "refs/tags/" + ref;
  if (auto oid = ref_commit(repo, tag)) return Target{*oid, tag, ""};
  if (is_hex(ref)) {
    if (auto oid = ref_commit(repo, ref)) return Target{*oid, oid_hex(&*oid), ""};
  }
  if (ref.rfind("refs/", 0) == 0) {
    if (auto oid = ref_commit(repo, ref)) return Target{*oid, ref, ""};
  }
  return core::unexpected(error(Kind::kNotFound, "'" + ref + "' is no branch, tag or commit of the remote"));
}

// Whether `commit` changes a path matching `paths`, against its first parent.
bool touches(git_repository* repo, git_commit* commit, const std::vector<std::string>& paths) {
  Owned<git_tree, git_tree_free> tree, parent_tree;
  if (git_commit_tree(&tree.p, commit) != 0) return true;
  if (git_commit_parentcount(commit) > 0) {
    Commit parent;
    if (git_commit_parent(&parent.p, commit, 0) == 0) git_commit_tree(&parent_tree.p, parent.p);
  }
  std::vector<char*> specs;
  for (const auto& p : paths) specs.push_back(const_cast<char*>(p.c_str()));
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  opts.pathspec = {specs.data(), specs.size()};
  Owned<git_diff, git_diff_free> diff;
  if (git_diff_tree_to_tree(&diff.p, repo, parent_tree.p, tree.p, &opts) != 0) return true;
  return git_diff_num_deltas(diff.p) > 0;
}

// Where origin's remote-tracking refs point ("main" -> its commit).
std::map<std::string, git_oid> origin_tips(git_repository* repo) {
  std::map<std::string, git_oid> tips;
  Owned<git_reference_iterator, git_reference_iterator_free> it;
  if (git_reference_iterator_glob_new(&it.p, repo, "refs/remotes/origin/*") != 0) return tips;
  git_reference* ref = nullptr;
  while (git_reference_next(&ref, it.p) == 0) {
    Ref owned;
    owned.p = ref;
    if (const git_oid* oid = git_reference_target(ref))
      tips[std::string(git_reference_name(ref)).substr(std::string("refs/remotes/origin/").size())] = *oid;
  }
  return tips;
}

// Whether moving a local branch from `local` to `target` drops none of its
// own commits: `target` descends from it or, in a shallow clone (whose
// history stops at the shallow boundary, so ancestry cannot always be
// walked), origin's branch was at or past it before this fetch.
bool only_origins(git_repository* repo, const git_oid* local, const git_oid& target, const git_oid* before) {
  if (git_oid_equal(local, &target) || git_graph_descendant_of(repo, &target, local) == 1) return true;
  if (!before || git_repository_is_shallow(repo) != 1) return false;
  return git_oid_equal(before, local) || git_graph_descendant_of(repo, before, local) == 1;
}

// The shallow roots of a clone (.git/shallow: one sha a line), in file order.
std::vector<std::string> read_shallow(const fs::path& file) {
  std::vector<std::string> roots;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && std::find(roots.begin(), roots.end(), line) == roots.end()) roots.push_back(line);
  return roots;
}

// libgit2 before 1.9 neither tells the server a clone's shallow roots nor
// keeps them: a fetch rewrites .git/shallow with only the roots the server
// named this time (fixed upstream by "smart: fix shallow roots setup"). A
// root it dropped leaves a commit whose parents are missing and not marked
// so, and the next fetch or walk fails on them ("object not found"). So the
// roots that were there before the fetch are put back.
void keep_shallow_roots(const fs::path& file, const std::vector<std::string>& before) {
#if LIBGIT2_VER_MAJOR == 1 && LIBGIT2_VER_MINOR < 9
  if (before.empty()) return;
  std::vector<std::string> roots = read_shallow(file);
  size_t n = roots.size();
  for (const auto& r : before)
    if (std::find(roots.begin(), roots.end(), r) == roots.end()) roots.push_back(r);
  if (roots.size() == n) return;
  std::ofstream out(file, std::ios::trunc);
  for (const auto& r : roots) out << r << '\n';
#else
  (void)file;
  (void)before;
#endif
}

class LibGit2Repo : public services::GitRepo {
 public:
  LibGit2Repo() = default;
  // libgit2 starts on first use: its start-up loads the CA bundle (~25 ms),
  // which a run that never touches a repository should not pay.
  ~LibGit2Repo() override {
    if (started_) git_libgit2_shutdown();
  }

  std::optional<services::GitInfo> describe(const std::string& dir) override {
    start();
    Repo repo;
    if (git_repository_open_ext(&repo.p, dir.c_str(), 0, nullptr) != 0) return std::nullopt;
    services::GitInfo info;
    if (const char* wd = git_repository_workdir(repo.p)) info.workdir = wd;
    Ref head;
    int rc = git_repository_head(&head.p, repo.p);
    if (rc == 0) {
      if (const git_oid* oid = git_reference_target(head.p)) info.sha = oid_hex(oid);
      bool detached = git_repository_head_detached(repo.p) == 1;
      info.ref = detached ? "HEAD" : git_reference_name(head.p);
      const char* branch = nullptr;
      if (!detached && git_branch_name(&branch, head.p) == 0 && branch) info.branch = branch;
    } else if (rc == GIT_EUNBORNBRANCH) {
      // A repository without commits: HEAD names a branch that does not exist yet.
      Ref sym;
      if (git_reference_lookup(&sym.p, repo.p, "HEAD") == 0 && git_reference_symbolic_target(sym.p)) {
        info.ref = git_reference_symbolic_target(sym.p);
        if (info.ref.rfind("refs/heads/", 0) == 0) info.branch = info.ref.substr(11);
      }
    }
    info.dirty = is_dirty(repo.p);
    info.remote = remote_url_of(repo.p, head.p);
    return info;
  }

  GitResult<std::vector<services::GitStatusEntry>> status(const std::string& dir,
                                                          const std::vector<std::string>& paths) override {
    start();
    Repo repo;
    if (auto r = open(repo, dir); !r) return core::unexpected(r.error());
    // wf's own state folder never makes a tree dirty (in memory only: nothing is written).
    git_ignore_add_rule(repo.p, ".wf/\n");
    std::vector<char*> specs;
    for (const auto& p : paths) specs.push_back(const_cast<char*>(p.c_str()));
    git_status_options opts = GIT_STATUS_OPTIONS_INIT;
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                 GIT_STATUS_OPT_EXCLUDE_SUBMODULES | GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX;
    opts.pathspec = {specs.data(), specs.size()};
    Owned<git_status_list, git_status_list_free> list;
    int rc = git_status_list_new(&list.p, repo.p, &opts);
    if (rc != 0) return core::unexpected(last_error(rc, "status"));
    std::vector<services::GitStatusEntry> out;
    for (size_t i = 0, n = git_status_list_entrycount(list.p); i < n; ++i) {
      const git_status_entry* e = git_status_byindex(list.p, i);
      if (e->status == GIT_STATUS_CURRENT || (e->status & GIT_STATUS_IGNORED)) continue;
      const git_diff_delta* d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
      if (!d) continue;
      std::string path = d->new_file.path ? d->new_file.path : d->old_file.path;
      if (under_wf_dir(path)) continue;
      out.push_back({path, state_of(e->status)});
    }
    return out;
  }

  GitResult<std::string> remote_url(const std::string& dir, const std::string& remote) override {
    start();
    Repo repo;
    if (auto r = open(repo, dir); !r) return core::unexpected(r.error());
    Remote r;
    if (git_remote_lookup(&r.p, repo.p, remote.c_str()) != 0)
      return core::unexpected(error(Kind::kNotFound, "no remote named '" + remote + "'"));
    return std::string(git_remote_url(r.p) ? git_remote_url(r.p) : "");
  }

  std::optional<std::pair<std::string, std::string>> upstream(const std::string& dir) override {
    start();
    Repo repo;
    if (!open(repo, dir)) return std::nullopt;
    Ref head;
    if (git_repository_head(&head.p, repo.p) != 0 || !git_reference_is_branch(head.p)) return std::nullopt;
    Buf remote, merge;
    if (git_branch_upstream_remote(&remote.b, repo.p, git_reference_name(head.p)) != 0) return std::nullopt;
    if (git_branch_upstream_merge(&merge.b, repo.p, git_reference_name(head.p)) != 0) return std::nullopt;
    std::string branch = merge.str();
    if (branch.rfind("refs/heads/", 0) == 0) branch = branch.substr(11);
    return std::make_pair(remote.str(), branch);
  }

  GitResult<std::vector<services::GitRemoteHead>> ls_remote(const std::string& dir, const std::string& remote,
                                                            const GitAuth& auth,
                                                            const core::CancelToken* cancel) override {
    start();
    Repo repo;
    if (auto r = open(repo, dir); !r) return core::unexpected(r.error());
    Remote rem;
    if (auto r = make_remote(rem, repo.p, remote, false); !r) return core::unexpected(r.error());
    Session s{&auth, cancel};
    git_remote_callbacks cb = callbacks(s);
    int rc = git_remote_connect(rem.p, GIT_DIRECTION_FETCH, &cb, nullptr, nullptr);
    if (rc != 0) return core::unexpected(last_error(rc, "ls-remote " + remote, &s));
    const git_remote_head** heads = nullptr;
    size_t n = 0;
    rc = git_remote_ls(&heads, &n, rem.p);
    if (rc != 0) return core::unexpected(last_error(rc, "ls-remote " + remote, &s));
    std::vector<services::GitRemoteHead> out;
    for (size_t i = 0; i < n; ++i) out.push_back({heads[i]->name, oid_hex(&heads[i]->oid)});
    git_remote_disconnect(rem.p);
    return out;
  }

  GitResult<bool> contains(const std::string& dir, const std::string& remote, const std::string& remote_ref,
                           const std::string& remote_sha, const std::string& commit, const GitAuth& auth,
                           const core::CancelToken* cancel) override {
    start();
    Repo repo;
    if (auto r = open(repo, dir); !r) return core::unexpected(r.error());
    git_oid remote_oid, commit_oid;
    if (git_oid_fromstr(&remote_oid, remote_sha.c_str()) != 0 || git_oid_fromstr(&commit_oid, commit.c_str()) != 0)
      return core::unexpected(error(Kind::kOther, "not a full sha: " + remote_sha + " / " + commit));
    if (git_oid_equal(&remote_oid, &commit_oid)) return true;
    Owned<git_odb, git_odb_free> odb;
    if (git_repository_odb(&odb.p, repo.p) != 0) return core::unexpected(last_error(-1, "object database"));
    if (!git_odb_exists(odb.p, &remote_oid)) {
      // Fetch the remote's commits without touching a ref: an anonymous
      // remote, an explicit refspec without destination, no FETCH_HEAD.
      Remote rem;
      if (auto r = make_remote(rem, repo.p, remote, true); !r) return core::unexpected(r.error());
      Session s{&auth, cancel};
      git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
      opts.callbacks = callbacks(s);
      opts.update_fetchhead = 0;
      opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
      std::string spec = remote_ref;
      char* specs[] = {spec.data()};
      git_strarray refspecs{specs, 1};
      // libgit2 1.5 creates an empty FETCH_HEAD even when told not to update it.
      fs::path fetch_head = fs::path(git_repository_path(repo.p)) / "FETCH_HEAD";
      std::error_code ec;
      bool had_fetch_head = fs::exists(fetch_head, ec);
      int rc = git_remote_fetch(rem.p, &refspecs, &opts, nullptr);
      if (!had_fetch_head && fs::exists(fetch_head, ec) && fs::file_size(fetch_head, ec) == 0) fs::remove(fetch_head, ec);
      if (rc != 0) return core::unexpected(last_error(rc, "fetch " + remote_ref + " from " + remote, &s));
      if (!git_odb_exists(odb.p, &remote_oid))
        return core::unexpected(error(Kind::kNotFound, remote_ref + " moved while it was fetched; try again"));
    }
    int rc = git_graph_descendant_of(repo.p, &remote_oid, &commit_oid);
    if (rc < 0) return core::unexpected(last_error(rc, "merge-base"));
    return rc == 1;
  }

  GitResult<std::vector<services::GitCommit>> log(const std::string& dir, const std::string& from,
                                                  const std::vector<std::string>& hide, size_t limit,
                                                  const std::vector<std::string>& paths) override {
    start();
    Repo repo;
    if (auto r = open(repo, dir); !r) return core::unexpected(r.error());
    Owned<git_revwalk, git_revwalk_free> walk;
    if (git_revwalk_new(&walk.p, repo.p) != 0) return core::unexpected(last_error(-1, "log"));
    git_revwalk_sorting(walk.p, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
    git_oid oid;
    if (git_oid_fromstr(&oid, from.c_str()) != 0 || git_revwalk_push(walk.p, &oid) != 0)
      return core::unexpected(error(Kind::kNotFound, "no commit " + from));
    for (const auto& h : hide)
      if (git_oid_fromstr(&oid, h.c_str()) == 0) git_revwalk_hide(walk.p, &oid);  // unknown objects: skipped
    std::vector<services::GitCommit> out;
    while (out.size() < limit && git_revwalk_next(&oid, walk.p) == 0) {
      Commit c;
      if (git_commit_lookup(&c.p, repo.p, &oid) != 0) continue;
      if (!paths.empty() && !touches(repo.p, c.p, paths)) continue;
      std::string sha = oid_hex(&oid);
      const char* summary = git_commit_summary(c.p);
      out.push_back({sha, sha.substr(0, 7), summary ? summary : ""});
    }
    return out;
  }

  GitResult<services::GitCheckoutResult> checkout(const services::GitCheckoutRequest& req,
                                                  const core::CancelToken* cancel) override {
    start();
    if (req.depth > 0 && is_local(req.url))
      // libgit2's local transport refuses shallow fetches ("shallow fetch is
      // not supported by the local transport"), for paths and file:// alike.
      return core::unexpected(error(Kind::kUnsupported, "`depth` needs a remote URL (https://...): libgit2 "
                                                        LIBGIT2_VERSION " cannot fetch shallow from a local path "
                                                        "or file:// URL (" + req.url +
                                                        "); leave `depth` out for a local repository"));
#if LIBGIT2_VER_MAJOR == 1 && LIBGIT2_VER_MINOR < 9
    // Before 1.9 libgit2 sends its wants twice on the stateful transports
    // (ssh, git://) when shallow: git upload-pack dies with "expected SHA1
    // list" (fixed upstream by "Clear data after negotiation").
    if (req.depth > 0 && req.url.rfind("http://", 0) != 0 && req.url.rfind("https://", 0) != 0)
      return core::unexpected(error(Kind::kUnsupported, "`depth` needs an http(s) remote with libgit2 " LIBGIT2_VERSION
                                                        ": its shallow fetch over ssh and git:// is broken (fixed "
                                                        "in libgit2 1.9); use the https URL or leave `depth` out"));
#endif
    Session s{&req.auth, cancel};
    services::GitCheckoutResult result;
    Repo repo;
    std::error_code ec;
    bool fresh = !fs::exists(req.dir, ec) || fs::is_empty(req.dir, ec);
    std::map<std::string, git_oid> before;  // origin's branches before the fetch
    git_fetch_options fetch = GIT_FETCH_OPTIONS_INIT;
    fetch.callbacks = callbacks(s);
    fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    fetch.depth = req.depth;
    if (fresh) {
      git_clone_options opts = GIT_CLONE_OPTIONS_INIT;
      opts.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE;  // the ref's tree is checked out below
      opts.fetch_opts = fetch;
      int rc = git_clone(&repo.p, req.url.c_str(), req.dir.c_str(), &opts);
      if (rc != 0) return core::unexpected(last_error(rc, "clone " + req.url, &s));
      result.cloned = true;
    } else if (auto r = fetch_into(repo, req, fetch, s, before); !r) {
      return core::unexpected(r.error());
    }
    auto target = resolve(repo.p, req.ref);
    if (!target) return core::unexpected(target.error());
    auto was = before.find(target->branch);
    const git_oid* upstream_before = target->branch.empty() || was == before.end() ? nullptr : &was->second;
    if (auto r = switch_to(repo.p, *target, req.clean, result.cloned, upstream_before); !r)
      return core::unexpected(r.error());
    result.sha = oid_hex(&target->oid);
    result.ref = target->ref;
    return result;
  }

 private:
  // Opens the clone in req.dir (its origin must be req.url) and fetches
  // origin into it; `before` gets origin's branches as they were.
  static GitResult<bool> fetch_into(Repo& repo, const services::GitCheckoutRequest& req, git_fetch_options& fetch,
                                    Session& s, std::map<std::string, git_oid>& before) {
    if (git_repository_open_ext(&repo.p, req.dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
      return core::unexpected(error(Kind::kConflict, req.dir + " exists, is not empty and is no git clone"));
    {
      Remote origin;
      if (git_remote_lookup(&origin.p, repo.p, "origin") != 0)
        return core::unexpected(error(Kind::kConflict, req.dir + " is a git repository without an `origin` remote"));
      std::string url = git_remote_url(origin.p) ? git_remote_url(origin.p) : "";
      if (!same_url(url, req.url))
        return core::unexpected(error(Kind::kConflict, req.dir + " is a clone of " + url + ", not of " + req.url));
      before = origin_tips(repo.p);
      fs::path shallow = fs::path(git_repository_path(repo.p)) / "shallow";
      std::vector<std::string> roots = read_shallow(shallow);
      int rc = git_remote_fetch(origin.p, nullptr, &fetch, "wf: fetch");
      keep_shallow_roots(shallow, roots);
      if (rc != 0) return core::unexpected(last_error(rc, "fetch " + req.url, &s));
    }
    // Reopened: the repository object may have read .git/shallow before it was mended.
    git_repository_free(repo.p);
    repo.p = nullptr;
    if (git_repository_open_ext(&repo.p, req.dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0)
      return core::unexpected(last_error(-1, "open " + req.dir));
    return true;
  }

  static bool same_url(std::string a, std::string b) {
    auto norm = [](std::string u) {
      u = strip_userinfo(u);
      while (!u.empty() && u.back() == '/') u.pop_back();
      if (u.size() > 4 && u.compare(u.size() - 4, 4, ".git") == 0) u.resize(u.size() - 4);
      if (u.find("://") == std::string::npos) u = fs::weakly_canonical(u).string();
      return u;
    };
    return norm(std::move(a)) == norm(std::move(b));
  }

  // Checks out the target's tree, then points HEAD at it: a local branch
  // (created or moved to the remote's commit, tracking it) or detached.
  // `upstream_before`: origin's branch before the fetch, if it was known.
  static GitResult<bool> switch_to(git_repository* repo, const Target& t, bool clean, bool fresh,
                                   const git_oid* upstream_before) {
    Commit commit;
    if (git_commit_lookup(&commit.p, repo, &t.oid) != 0) return core::unexpected(last_error(-1, "commit"));
    if (!t.branch.empty() && !clean) {
      // Moving a local branch must not drop commits that only it has.
      Ref local;
      if (git_reference_lookup(&local.p, repo, ("refs/heads/" + t.branch).c_str()) == 0 &&
          git_reference_target(local.p) &&
          !only_origins(repo, git_reference_target(local.p), t.oid, upstream_before))
        return core::unexpected(error(Kind::kConflict, "local branch " + t.branch +
                                                           " has commits that origin does not have; "
                                                           "push them or set `clean: true`"));
    }
    std::vector<std::string> conflicts;
    git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
    // A fresh clone has no work tree yet: SAFE would take its missing files
    // for deletions to keep.
    opts.checkout_strategy = clean ? GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED
                             : fresh ? GIT_CHECKOUT_FORCE
                                     : GIT_CHECKOUT_SAFE;
    opts.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
    opts.notify_cb = on_checkout_notify;
    opts.notify_payload = &conflicts;
    int rc = git_checkout_tree(repo, reinterpret_cast<git_object*>(commit.p), &opts);
    if (rc != 0) {
      if (rc == GIT_ECONFLICT || !conflicts.empty()) {
        std::string list;
        for (const auto& c : conflicts) list += (list.empty() ? "" : ", ") + c;
        return core::unexpected(error(Kind::kConflict, "local changes would be overwritten (" + list +
                                                           "); commit them or set `clean: true`"));
      }
      return core::unexpected(last_error(rc, "checkout"));
    }
    if (t.branch.empty()) {
      rc = git_repository_set_head_detached(repo, &t.oid);
    } else {
      std::string name = "refs/heads/" + t.branch;
      Ref branch;
      rc = git_reference_create(&branch.p, repo, name.c_str(), &t.oid, 1, "wf: checkout");
      if (rc == 0) rc = git_branch_set_upstream(branch.p, ("origin/" + t.branch).c_str());
      if (rc == 0) rc = git_repository_set_head(repo, name.c_str());
    }
    if (rc != 0) return core::unexpected(last_error(rc, "checkout"));
    return true;
  }

  void start() {
    std::call_once(once_, [this] {
      git_libgit2_init();
      started_ = true;
    });
  }
  std::once_flag once_;
  bool started_ = false;
};

}  // namespace

std::unique_ptr<services::GitRepo> make_libgit2_repo() { return std::make_unique<LibGit2Repo>(); }

std::pair<int, int> libgit2_version() { return {LIBGIT2_VER_MAJOR, LIBGIT2_VER_MINOR}; }

}  // namespace wf::adapters

// The entry point of wf-git.so (module_loader.h).
extern "C" wf::services::GitRepo* wf_git_repo_v1() { return wf::adapters::make_libgit2_repo().release(); }
