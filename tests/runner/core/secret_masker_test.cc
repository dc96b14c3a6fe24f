#include "runner/core/secret_masker.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

using namespace wf::core;

namespace {

// An independent base64 (padded) to build the blobs the masker must see through.
std::string b64(const std::string& in) {
  static const char* chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (unsigned char c : in) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += chars[(bits >> count) & 0x3f];
    }
  }
  if (count > 0) out += chars[(bits << (6 - count)) & 0x3f];
  while (out.size() % 4 != 0) out += '=';
  return out;
}

struct Collected {
  std::vector<std::string> lines;
  MaskedLineBuffer buffer;
  explicit Collected(const SecretMasker& masker)
      : buffer(masker, [this](std::string_view line) { lines.emplace_back(line); }) {}
};

size_t count_masks(const std::string& s) {
  size_t n = 0;
  for (size_t pos = 0; (pos = s.find("***", pos)) != std::string::npos; pos += 3) ++n;
  return n;
}

}  // namespace

TEST_CASE("secret masker: masks every occurrence of a secret", "[core][secrets]") {
  SecretMasker masker;
  CHECK(masker.empty());
  masker.add("hunter22");
  CHECK_FALSE(masker.empty());
  CHECK(masker.size() == 1);
  CHECK(masker.mask("password=hunter22; again hunter22!") == "password=***; again ***!");
  CHECK(masker.mask("nothing here") == "nothing here");
  CHECK(masker.mask("") == "");
}

TEST_CASE("secret masker: empty values are ignored and adding twice is harmless",
          "[core][secrets]") {
  SecretMasker masker;
  masker.add("");
  CHECK(masker.empty());
  CHECK(masker.max_length() == 0);
  masker.add("s3cr3t");
  masker.add("s3cr3t");
  CHECK(masker.size() == 1);
  CHECK(masker.mask("s3cr3t") == "***");
}

TEST_CASE("secret masker: values shorter than 3 bytes are counted but not masked",
          "[core][secrets]") {
  SecretMasker masker;
  masker.add("ab");
  masker.add("x");
  CHECK(masker.size() == 2);
  CHECK_FALSE(masker.empty());
  CHECK(masker.max_length() == 0);
  CHECK(masker.mask("ab x cab YWI=") == "ab x cab YWI=");
  masker.add("abc");
  CHECK(masker.mask("ab abc") == "ab ***");
}

TEST_CASE("secret masker: each line of a multi-line secret is masked on its own",
          "[core][secrets]") {
  SecretMasker masker;
  masker.add("-----BEGIN KEY-----\r\nMIIEvQIBADANBg\n\n   \nxy\nEND KEY");
  CHECK(masker.mask("the key starts with -----BEGIN KEY-----") == "the key starts with ***");
  CHECK(masker.mask("MIIEvQIBADANBg") == "***");
  CHECK(masker.mask("   END KEY") == "   ***");
  CHECK(masker.mask("-----BEGIN KEY-----\r") == "***\r");
  // Blank and short lines are not masks of their own.
  CHECK(masker.mask("xy   z") == "xy   z");
  CHECK(masker.mask("-----BEGIN KEY-----\r\nMIIEvQIBADANBg\n\n   \nxy\nEND KEY") == "***");
  CHECK(masker.size() == 1);
}

// A secret read from a CRLF file keeps its '\r'; the step prints it on a
// CRLF line, and the line buffer drops the '\r': "s3cr3t" alone must go.
TEST_CASE("secret masker: a one-line secret ending in CR is masked without it in a streamed line",
          "[core][secrets]") {
  SecretMasker masker;
  masker.add("s3cr3t\r");
  CHECK(masker.size() == 1);
  std::vector<std::string> lines;
  MaskedLineBuffer buffer(masker, [&](std::string_view l) { lines.emplace_back(l); });
  buffer.write("token s3cr3t\r\nnext s3cr");
  buffer.write("3t\r");
  buffer.flush();
  CHECK(lines == std::vector<std::string>{"token ***", "next ***"});
  CHECK(masker.mask("a\rb") == "a\rb");
}

TEST_CASE("secret masker: base64 of a secret is masked at all three alignments",
          "[core][secrets]") {
  const std::string secret = "correct horse battery staple";
  SecretMasker masker;
  masker.add(secret);
  for (std::string prefix : {"", "x", "xy", "xyz", "wxyz"}) {
    for (std::string suffix : {"", "!", "!?", "!?#"}) {
      CAPTURE(prefix, suffix);
      std::string blob = b64(prefix + secret + suffix);
      std::string masked = masker.mask(blob);
      // Only the characters that also encode prefix or suffix bits stay.
      size_t p = prefix.size();
      size_t head = (8 * p + 5) / 6;
      size_t tail = 8 * (p + secret.size()) / 6;
      if (suffix.empty() && p % 3 == 0) {
        // Aligned and at the end: the padded encoding is masked whole.
        CHECK(masked == blob.substr(0, head) + "***");
      } else {
        CHECK(masked == blob.substr(0, head) + "***" + blob.substr(tail));
      }
    }
  }
}

TEST_CASE("secret masker: base64 inside a larger document is masked", "[core][secrets]") {
  SecretMasker masker;
  masker.add("ghp_abcdefghijklmnop");
  std::string config =
      R"({"auths":{"ghcr.io":{"auth":")" + b64("user:ghp_abcdefghijklmnop") + R"("}}})";
  std::string masked = masker.mask(config);
  CHECK(count_masks(masked) == 1);
  CHECK(masked.find(b64("ghp_abcdefghijklmnop").substr(0, 8)) == std::string::npos);
}

TEST_CASE("secret masker: the JSON-escaped form is masked", "[core][secrets]") {
  SecretMasker masker;
  masker.add("pa\"ss\\wo\nrd\t<1>");
  CHECK(masker.mask(R"({"password":"pa\"ss\\wo\nrd\t<1>"})") == R"({"password":"***"})");
  // Go's encoding/json escapes < and > as well.
  CHECK(masker.mask(R"({"password":"pa\"ss\\wo\nrd\t\u003c1\u003e"})") == R"({"password":"***"})");
  SecretMasker control;
  control.add(std::string("bell\x07tok"));
  CHECK(control.mask(R"(["bell\u0007tok"])") == R"(["***"])");
}

TEST_CASE("secret masker: the URL-encoded form is masked, with %20 or + for a space",
          "[core][secrets]") {
  SecretMasker masker;
  masker.add("p@ss w/rd&x");
  CHECK(masker.mask("https://user:p%40ss%20w%2Frd%26x@example.com") ==
        "https://user:***@example.com");
  CHECK(masker.mask("password=p%40ss+w%2Frd%26x&next=1") == "password=***&next=1");
  CHECK(masker.max_length() >= std::string("p%40ss%20w%2Frd%26x").size());
}

TEST_CASE("secret masker: overlapping secrets mask the union of their spans", "[core][secrets]") {
  SecretMasker masker;
  masker.add("abcdef");
  masker.add("defghi");
  CHECK(masker.mask("xxabcdefghiyy") == "xx***yy");
  CHECK(masker.mask("abcdefdefghi") == "***");
  CHECK(masker.mask("abcdef defghi") == "*** ***");
}

TEST_CASE("secret masker: the longest secret at a position wins", "[core][secrets]") {
  SecretMasker masker;
  masker.add("token");
  masker.add("token-with-suffix");
  CHECK(masker.mask("a token-with-suffix b") == "a *** b");
  CHECK(masker.mask("a token-with b") == "a ***-with b");
}

TEST_CASE("secret masker: adding from one thread while masking in another is safe",
          "[core][secrets]") {
  SecretMasker masker;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 500; ++i) masker.add("secret-" + std::to_string(i) + "-value");
    done = true;
  });
  size_t rounds = 0;
  while (!done || rounds == 0) {
    std::string masked = masker.mask("log: secret-499-value and secret-0-value");
    // secret-0 is added first and secret-499 last.
    bool consistent = masked == "log: secret-499-value and secret-0-value" ||
                      masked == "log: secret-499-value and ***" || masked == "log: *** and ***";
    if (!consistent) FAIL("inconsistent mask: " << masked);
    ++rounds;
  }
  writer.join();
  CHECK(masker.size() == 500);
  CHECK(masker.mask("log: secret-499-value and secret-0-value") == "log: *** and ***");
}

TEST_CASE("masked line buffer: splits chunks into masked lines", "[core][secrets]") {
  SecretMasker masker;
  masker.add("hunter22");
  Collected out(masker);
  out.buffer.write("first hunter22\nsec");
  out.buffer.write("ond\r\n\nthird");
  CHECK(out.lines == std::vector<std::string>{"first ***", "second", ""});
  out.buffer.flush();
  CHECK(out.lines == std::vector<std::string>{"first ***", "second", "", "third"});
  out.buffer.flush();
  CHECK(out.lines.size() == 4);
}

TEST_CASE("masked line buffer: a secret split across two writes is masked", "[core][secrets]") {
  SecretMasker masker;
  masker.add("supersecret");
  Collected out(masker);
  out.buffer.write("token: sup");
  out.buffer.write("ersecret\nnext supers");
  out.buffer.write("ecret");
  out.buffer.flush();
  CHECK(out.lines == std::vector<std::string>{"token: ***", "next ***"});
}

TEST_CASE("masked line buffer: a secret added while its line is buffered is masked",
          "[core][secrets]") {
  SecretMasker masker;
  Collected out(masker);
  out.buffer.write("pass: hunter22");
  masker.add("hunter22");
  out.buffer.write("\r\n");
  CHECK(out.lines == std::vector<std::string>{"pass: ***"});
}

TEST_CASE("masked line buffer: a very long line is emitted in pieces, masked across the cuts",
          "[core][secrets]") {
  const std::string secret = "HIDDEN-TOKEN-42";
  const size_t max_line = MaskedLineBuffer::kMaxLine;
  SecretMasker masker;
  masker.add(secret);
  std::string line(3 * max_line + 1000, 'a');
  line.replace(max_line - 5, secret.size(), secret);      // straddles the first cut
  line.replace(2 * max_line - 1, secret.size(), secret);  // and the second
  line.replace(100, secret.size(), secret);               // and none

  auto check = [&](const std::vector<std::string>& pieces) {
    REQUIRE(pieces.size() == 4);
    std::string rest;
    for (const std::string& piece : pieces) {
      CHECK(piece.size() <= max_line);
      for (char c : piece) {
        if (c != 'a' && c != '*') rest += c;
      }
    }
    CHECK(rest.empty());  // no byte of the secret shows in any piece
    CHECK(count_masks(pieces[0]) == 2);
    CHECK(pieces[0].substr(pieces[0].size() - 3) == "***");
    CHECK(pieces[1].substr(0, 3) == "***");
    CHECK(pieces[1].substr(pieces[1].size() - 3) == "***");
    CHECK(pieces[2].substr(0, 3) == "***");
    CHECK(pieces[3] == std::string(1000, 'a'));
  };

  SECTION("written in small chunks") {
    Collected out(masker);
    for (size_t i = 0; i < line.size(); i += 1000)
      out.buffer.write(std::string_view(line).substr(i, 1000));
    CHECK(out.lines.size() == 3);  // the last piece waits for the end of the line
    out.buffer.write("\nafter");
    out.buffer.flush();
    REQUIRE(out.lines.size() == 5);
    CHECK(out.lines.back() == "after");
    out.lines.pop_back();
    check(out.lines);
  }
  SECTION("written one byte at a time") {
    Collected out(masker);
    for (char c : line) out.buffer.write(std::string_view(&c, 1));
    out.buffer.flush();
    check(out.lines);
  }
  SECTION("written at once with its newline") {
    Collected out(masker);
    out.buffer.write(line + "\n");
    check(out.lines);
  }
}

TEST_CASE("masked line buffer: a line that ends exactly at a cut adds no empty piece",
          "[core][secrets]") {
  SecretMasker masker;
  Collected out(masker);
  out.buffer.write(std::string(2 * MaskedLineBuffer::kMaxLine, 'b'));
  out.buffer.write("\n");
  REQUIRE(out.lines.size() == 2);
  CHECK(out.lines[0].size() == MaskedLineBuffer::kMaxLine);
  CHECK(out.lines[1].size() == MaskedLineBuffer::kMaxLine);
}
