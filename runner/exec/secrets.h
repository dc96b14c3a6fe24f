#pragma once
// Reading the values of the workflow's declared secrets.

#include <optional>
#include <string>
#include <vector>

#include "runner/core/expected.h"
#include "runner/core/value.h"
#include "runner/model/workflow.h"

namespace wf::exec {

/// An object secret name -> value, from each secret's environment variable
/// or file (`~` expanded, one trailing newline dropped). Errors, all at once:
/// a required secret whose variable is unset or whose file is unreadable
/// (the message says which variable or file to provide, never a value).
/// An optional missing secret is ''.
core::Expected<core::Value, std::vector<std::string>> load_secrets(const model::Workflow& wf);

/// One secret's value; nullopt when it is optional and not set; an error
/// when it is required and missing, or cannot be read.
core::Expected<std::optional<std::string>, std::string> load_secret(const model::SecretDecl& secret);

}  // namespace wf::exec
