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
/// its log file. A step's line that GitHub would read as a workflow command
/// (`::name::`, `##[name]`) is printed between `::stop-commands::` markers,
/// so a step cannot close wf's group or add annotations of its own.
///
/// Annotations. A failed step gives `::error title=<step-id> failed::<why>`
/// (a `::warning` for continue-on-error), at most kMaxAnnotations of each
/// per run; the others are only in the summary. Values are escaped as GitHub
/// reads them (`%`, CR, LF; and `:` `,` in properties).
///
/// Summary. At run end a Markdown report (outcome, attempts, duration,
/// details and links per step) is appended to `step_summary_path`, keeping
/// that file under kMaxSummaryBytes (rows are dropped, with a note).
///
/// Thread-safety: all members may be called from any thread; each takes one
/// mutex. `out` is borrowed and must outlive the printer.
class GitHubPrinter final : public exec::RunObserver {
 public:
  struct Options {
    std::string step_summary_path = {};  // $GITHUB_STEP_SUMMARY; "" writes no summary
    std::string output_path = {};        // $GITHUB_OUTPUT; "" makes append_outputs() a no-op
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

 private:
  struct Attempt {
    std::string step_id;
    std::string title;
    std::string log_file;
    int max_attempts = 1;
    std::vector<std::string> lines;  // buffered while another group is open
    size_t bytes = 0;
    size_t dropped = 0;  // lines beyond kMaxBufferedBytes
  };

  void write_line(std::string_view line);
  void write_step_line(std::string_view line);
  /// `line` of a step's output, between stop-commands markers if GitHub would
  /// read it as a command.
  void add_step_line(std::vector<std::string>& into, std::string_view line) const;
  static std::string dropped_note(const Attempt& attempt);
  void outside(std::vector<std::string> lines);
  void open_live(Attempt& attempt);
  void close_live(std::string_view last_line);
  void print_group(const Attempt& attempt);
  void drain();
  void flush_all();
  void write_summary(const exec::RunEnd& end);

  std::FILE* out_;
  Options options_;
  std::string stop_token_;  // random, for ::stop-commands::
  std::mutex mu_;
  // All below guarded by mu_.
  std::optional<std::string> live_;               // step whose group is open
  std::vector<Attempt> running_;                  // attempts not printed yet, in start order
  std::deque<std::vector<std::string>> pending_;  // finished groups and outside lines, in order
  std::map<std::string, LastFailure> failures_;   // last failed attempt per step
  size_t errors_ = 0;
  size_t warnings_ = 0;
  size_t unannotated_ = 0;  // failures beyond kMaxAnnotations
  exec::RunStart run_;
};

}  // namespace wf::status
