#pragma once
// The GitHub Actions dialect (DESIGN §4): log groups, error annotations,
// masks, the job summary and step outputs, used when GITHUB_ACTIONS=true.

#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runner/exec/observer.h"
#include "runner/status/format.h"

namespace wf::status {

/// Prints a run for a GitHub Actions job log.
///
/// Groups. Each step attempt's log is one `::group::<step-id> (attempt N/M)`
/// ... `::endgroup::` (just `<step-id>` when the step has one attempt), whose
/// last line says how the attempt ended. GitHub groups cannot nest, and steps
/// run in parallel, so at most one group is open at a time: the attempt that
/// starts while no group is open streams live into its own group; the lines
/// of attempts running beside it are buffered and each is printed as a whole
/// group once the open one closes (finished attempts first, then the earliest
/// running attempt becomes the live one). So a lone long step is shown live,
/// and the lines of a parallel step appear only later, with GitHub's
/// timestamps of that moment. Lines outside groups (step results,
/// annotations) wait for the open group to close too. A buffered attempt
/// keeps at most kMaxBufferedBytes; the rest is counted and pointed to in
/// its log file.
///
/// A step's own commands. A step's `::error`, `::warning` and `::notice`
/// lines (linters, terraform validate) are passed on as annotations: the
/// file made relative to `workspace`, titled `<step-id>: <title>`. Any
/// other line GitHub would read as a command (`::group::`, `::endgroup::`,
/// `::stop-commands::`, `::set-output::`, `##[...]` anywhere) is printed
/// between `::stop-commands::` markers of a random token, so a step cannot
/// close wf's group, nest groups or switch command processing off. A step's
/// `::add-mask::` never reaches here: the executor masks the value and calls
/// secret_added(), which re-registers it with the runner (add_mask()).
///
/// Annotations. A failed step gives `::error title=<step-id> failed::<why>`
/// (a `::warning` for continue-on-error). GitHub shows kMaxAnnotations
/// errors, warnings and notices per job step (wf runs as one): wf emits at
/// most that many of each kind, steps' and its own together, in the order
/// they come; the others are listed in the summary. Values are escaped as
/// GitHub reads them (`%`, CR, LF; and `:` `,` in properties).
///
/// Summary. At run end a Markdown report is appended to
/// `step_summary_path`: a table of steps (outcome, name, attempts, duration,
/// failure class and message, links), then under a heading per step what it
/// wrote to its own $GITHUB_STEP_SUMMARY, then the annotations GitHub would
/// not show. The file is kept under kMaxSummaryBytes (parts that do not fit
/// are dropped, with a note). Everything in it comes masked.
///
/// Thread-safety: all members may be called from any thread; each takes one
/// mutex. `out` is borrowed and must outlive the printer.
class GitHubPrinter final : public exec::RunObserver {
 public:
  struct Options {
    std::string step_summary_path = {};  // $GITHUB_STEP_SUMMARY; "" writes no summary
    std::string output_path = {};        // $GITHUB_OUTPUT; "" makes append_outputs() a no-op
    std::string workspace = {};          // $GITHUB_WORKSPACE; annotation files are made relative to it
    /// When set, append_outputs() also writes every output as one JSON
    /// object under this name (the action's `outputs` output).
    std::string outputs_json_name = {};
  };
  static constexpr size_t kMaxAnnotations = 10;
  static constexpr size_t kMaxSummaryBytes = 1024 * 1024;
  static constexpr size_t kMaxBufferedBytes = 4 * 1024 * 1024;

  GitHubPrinter(std::FILE* out, Options options);
  /// Closes an open group and prints what is still buffered (a run that
  /// ended without run_finished).
  ~GitHubPrinter() override;
  GitHubPrinter(const GitHubPrinter&) = delete;
  GitHubPrinter& operator=(const GitHubPrinter&) = delete;

  /// Prints `::add-mask::<secret>` (escaped) at once, so GitHub hides the
  /// value in the whole job log; for a multi-line value, also each line. The
  /// value is never printed otherwise. Call it for every secret before
  /// anything that could hold it is printed. Empty values are ignored.
  void add_mask(std::string_view secret);

  /// Appends `name=value` entries (heredocs with random delimiters for
  /// multi-line values, see core::format_output) to `output_path`. An entry
  /// with an unusable name is skipped. Returns false, after printing a
  /// `::warning::`, if an entry was skipped or the file cannot be written.
  bool append_outputs(const std::vector<std::pair<std::string, std::string>>& outputs);

  void run_started(const exec::RunStart& start) override;
  void attempt_started(const exec::AttemptStart& start) override;
  void step_line(std::string_view step_id, step_api::StepLog::Stream stream,
                 std::string_view text) override;
  void attempt_finished(const exec::AttemptEnd& end) override;
  void step_finished(const exec::StepEnd& end) override;
  void run_finished(const exec::RunEnd& end) override;
  /// add_mask(value).
  void secret_added(std::string_view value) override;

 private:
  struct Attempt {
    std::string step_id;
    std::string title;
    std::string log_file;
    std::string working_directory;
    int max_attempts = 1;
    std::vector<std::string> lines;  // rendered, buffered while another group is open
    size_t bytes = 0;
    size_t dropped = 0;  // lines beyond kMaxBufferedBytes
  };

  void write_line(std::string_view line);
  /// `line` of a step's output as printed: as is, as a passed-on annotation,
  /// or between stop-commands markers if GitHub would read it as a command.
  void render_step_line(const Attempt& attempt, std::string_view line, std::vector<std::string>& into);
  /// Takes one of GitHub's kMaxAnnotations slots of `kind`; false when none is left.
  bool take_annotation_slot(const std::string& kind);
  static std::string dropped_note(const Attempt& attempt);
  void outside(std::vector<std::string> lines);
  void open_live(Attempt& attempt);
  void close_live(std::string_view last_line);
  void print_group(const Attempt& attempt);
  void drain();
  void flush_all();
  void write_summary(const exec::RunEnd& end);
  std::string summary_tail(const exec::RunEnd& end, size_t budget) const;

  std::FILE* out_;
  Options options_;
  std::string stop_token_;  // random, for ::stop-commands::
  std::mutex mu_;
  // All below guarded by mu_.
  std::optional<std::string> live_;               // step whose group is open
  std::vector<Attempt> running_;                  // attempts not printed yet, in start order
  std::deque<std::vector<std::string>> pending_;  // finished groups and outside lines, in order
  std::map<std::string, LastFailure> failures_;   // last failed attempt per step
  std::map<std::string, size_t> annotations_;    // emitted, by kind
  std::vector<std::string> unshown_;              // annotations beyond the cap, as summary list items
  size_t unannotated_ = 0;  // wf's own failure annotations beyond kMaxAnnotations
  exec::RunStart run_;
};

}  // namespace wf::status
