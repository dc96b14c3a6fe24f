// Classification of terraform's own messages: texts as terraform 1.x prints
// them (state lock from the local backend and from S3/DynamoDB, registry and
// backend network errors, cloud API throttling, configuration errors).

#include "steps/terraform/classify.h"

#include <catch2/catch.hpp>

namespace {

using wf::core::FailureClass;
using wf::steps::terraform::classify_failure;
using wf::steps::terraform::first_error;
using wf::steps::terraform::parse_lock_info;
using Catch::Matchers::Contains;

// terraform 1.11.4, local backend, a second apply while the first holds the lock.
const char* kLocalLock = R"(Acquiring state lock. This may take a few moments...
Error: Error acquiring the state lock

Error message: resource temporarily unavailable
Lock Info:
  ID:        a0431bd9-7419-f954-e831-b154102a71a4
  Path:      terraform.tfstate
  Operation: OperationTypeApply
  Who:       root@vm
  Version:   1.11.4
  Created:   2026-11-22 21:59:29.734682323 +0000 UTC
  Info:      


Terraform acquires a state lock to protect the state from being written
by multiple users at the same time. Please resolve the issue above and try
again. For most commands, you can disable locking with the "-lock=false"
flag, but this is not recommended.
)";

// The same from the S3 backend with DynamoDB locking, framed as on a terminal.
const char* kS3Lock = R"(
╷
│ Error: Error acquiring the state lock
│ 
│ Error message: ConditionalCheckFailedException: The conditional request
│ failed
│ Lock Info:
│   ID:        6ac9d7a8-6d7c-3cbe-f1b6-4e2cde2e8e2f
│   Path:      my-state/testnet/terraform.tfstate
│   Operation: OperationTypePlan
│   Who:       runner@ip-10-0-1-12
│   Version:   1.5.7
│   Created:   2024-03-01 10:22:33.123456 +0000 UTC
│   Info:      
│ 
│ 
│ Terraform acquires a state lock to protect the state from being written
│ by multiple users at the same time. Please resolve the issue above and try
│ again. For most commands, you can disable locking with the "-lock=false"
│ flag, but this is not recommended.
╵
)";

struct Case {
  const char* name;
  const char* output;
  FailureClass expected;
  const char* in_message;
};

const Case kCases[] = {
    {"local backend lock", kLocalLock, FailureClass::kLock, "held by root@vm"},
    {"S3 lock, framed", kS3Lock, FailureClass::kLock, "held by runner@ip-10-0-1-12"},
    {"lock without Lock Info",
     "Error: Error acquiring the state lock\n\nError message: 2 errors occurred:\n\t* ResourceNotFoundException: "
     "Requested resource not found\n",
     FailureClass::kLock, "held by another process"},
    {"registry timeout, wrapped at 78 columns",
     R"(Initializing provider plugins...
- Finding hashicorp/aws versions matching "3.5.0"...

Error: Failed to query available provider packages

Could not retrieve the list of available versions for provider hashicorp/aws:
could not connect to registry.terraform.io: Failed to request discovery
document: Get "https://registry.terraform.io/.well-known/terraform.json":
net/http: request canceled while waiting for connection (Client.Timeout
exceeded while awaiting headers)
)",
     FailureClass::kTransient, "Failed to query available provider packages"},
    {"context deadline exceeded, framed",
     R"(╷
│ Error: error creating context: Post "https://circleci.com/api/v2/context": context deadline exceeded (Client.Timeout exceeded while awaiting headers)
│ 
│   with circleci_context.application,
│   on circleci.tf line 5, in resource "circleci_context" "application":
│    5: resource "circleci_context" "application" {
│ 
╵
)",
     FailureClass::kTransient, "context deadline exceeded"},
    {"S3 backend TLS handshake timeout",
     R"(Initializing the backend...

Error: error configuring S3 Backend: error validating provider credentials: error calling
sts:GetCallerIdentity: RequestError: send request failed
caused by: Post "https://sts.amazonaws.com/": net/http: TLS handshake timeout
)",
     FailureClass::kTransient, "TLS handshake timeout"},
    {"DNS i/o timeout",
     R"(Error: Error loading state: RequestError: send request failed
caused by: Get https://bucket-name.s3.amazonaws.com/?prefix=env%3A%2F: dial tcp: lookup bucket-name.s3.amazonaws.com on 192.168.10.104:53: read udp 192.168.10.242:59556->192.168.10.104:53: i/o timeout
)",
     FailureClass::kTransient, "i/o timeout"},
    {"connection reset by peer",
     R"(Error: reading EKS Cluster (testnet): RequestError: send request failed
caused by: Get "https://eks.us-east-1.amazonaws.com/clusters/testnet": read tcp 10.0.0.5:51234->52.1.2.3:443: read: connection reset by peer
)",
     FailureClass::kTransient, "connection reset by peer"},
    {"AWS throttling",
     R"(Error: Error refreshing state: 1 error(s) occurred:
* module.abc.aws_route53_record.primary[0]: aws_route53_record.primary.0:
Throttling: Rate exceeded
	status code: 400, request id: 322cd13f-85db-11e8-bcd1-65141cf76cbe
)",
     FailureClass::kTransient, "Throttling"},
    {"Google 503",
     R"(Error: Error reading SQL User "myname" in instance "database-9368152c": googleapi: Error 503: Service temporarily unavailable., serverException
)",
     FailureClass::kTransient, "Error 503"},
    {"Google 429",
     R"(Error: error creating NodePool: googleapi: Error 429: Too many operations: cluster "clustername" hits the concurrent operations quota 5, please try again later.
)",
     FailureClass::kTransient, "Error 429"},
    {"Google rate limit as 403",
     R"(Error: Error when reading or editing ComputeReservation "something1": googleapi: Error 403: Quota exceeded for quota group 'ReadGroup' and limit 'Read requests per user per 100 seconds' of service 'compute.googleapis.com' for consumer 'project_number:123456'., rateLimitExceeded
)",
     FailureClass::kTransient, "rateLimitExceeded"},
    {"429 Too Many Requests",
     R"(Error: failed to make http request: 429 Too Many Requests {"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}]}
)",
     FailureClass::kTransient, "Too Many Requests"},
    {"502 Bad Gateway",
     "Error: Failed to install provider\n\nError while installing hashicorp/aws v5.0.0: 502 Bad Gateway\n",
     FailureClass::kTransient, "502 Bad Gateway"},
    {"Azure status code",
     "Error: waiting for creation of Cluster: Code=\"\" Message=\"\" StatusCode=503 -- Original Error: autorest\n",
     FailureClass::kTransient, "StatusCode=503"},
    {"stale saved plan (another run changed the state)",
     "Error: Saved plan is stale\n\nThe given plan file can no longer be applied because the state was changed by\n"
     "another operation after the plan was created.\n",
     FailureClass::kTransient, "Saved plan is stale"},
    {"missing required variable",
     R"(
Error: No value for required variable

  on main.tf line 1:
   1: variable "name" { type = string }

The root module input variable "name" is not set, and has no default value.
Use a -var or -var-file command line argument to provide a value for this
variable.
)",
     FailureClass::kPermanent, "No value for required variable"},
    {"an argument named timeout is not a network error",
     R"(Terraform planned the following actions, but then encountered a problem:

  # terraform_data.a will be created
  + resource "terraform_data" "a" {
      + input  = "connection refused, timed out, 503 Service Unavailable"
    }

Error: Unsupported argument

  on main.tf line 2, in resource "terraform_data" "a":
   2:   timeout = "30s"

An argument named "timeout" is not expected here.
)",
     FailureClass::kPermanent, "Unsupported argument"},
    {"several configuration errors",
     R"(Error: Terraform encountered problems during initialisation, including problems
with the configuration, described below.

Error: Invalid single-argument block definition

  on main.tf line 2, in variable "count_n":
   2: variable "count_n" { type = number

Error: Invalid single-argument block definition

  on main.tf line 4, in variable "tags":
)",
     FailureClass::kPermanent, "(and 2 more errors)"},
    {"a crash without diagnostics", "panic: runtime error: invalid memory address\n\ngoroutine 1 [running]:\n",
     FailureClass::kPermanent, "panic: runtime error"},
    {"nothing at all", "", FailureClass::kPermanent, "failed without an error message"},
};

}  // namespace

TEST_CASE("classify: terraform's messages map to failure classes", "[terraform][classify]") {
  for (const auto& c : kCases) {
    INFO(c.name);
    auto d = classify_failure(c.output);
    CHECK(wf::core::failure_class_name(d.failure_class) == std::string(wf::core::failure_class_name(c.expected)));
    CHECK_THAT(d.message, Contains(c.in_message));
    CHECK(d.message.find('\n') == std::string::npos);
  }
}

TEST_CASE("classify: a lock failure names the lock ID, holder, operation and time", "[terraform][classify]") {
  auto d = classify_failure(kLocalLock);
  REQUIRE(d.lock);
  CHECK(d.lock->id == "a0431bd9-7419-f954-e831-b154102a71a4");
  CHECK(d.lock->who == "root@vm");
  CHECK(d.lock->operation == "OperationTypeApply");
  CHECK(d.lock->path == "terraform.tfstate");
  CHECK(d.lock->version == "1.11.4");
  CHECK(d.message ==
        "state lock held by root@vm (lock ID a0431bd9-7419-f954-e831-b154102a71a4, OperationTypeApply since "
        "2026-11-22 21:59:29 UTC, path terraform.tfstate)");
}

TEST_CASE("classify: the lock block is read through terraform's frame", "[terraform][classify]") {
  auto lock = parse_lock_info(kS3Lock);
  REQUIRE(lock);
  CHECK(lock->id == "6ac9d7a8-6d7c-3cbe-f1b6-4e2cde2e8e2f");
  CHECK(lock->path == "my-state/testnet/terraform.tfstate");
  CHECK(lock->who == "runner@ip-10-0-1-12");
  CHECK(lock->created == "2024-03-01 10:22:33.123456 +0000 UTC");
  CHECK(lock->info.empty());
  CHECK_FALSE(parse_lock_info("Error: Unsupported argument\n"));
}

TEST_CASE("classify: first_error is the first diagnostic's title", "[terraform][classify]") {
  CHECK(first_error("x\nError: One\n\nError: Two\n") == "One");
  CHECK(first_error("│ Error: Framed title\n") == "Framed title");
  CHECK(first_error("all good\n").empty());
}
