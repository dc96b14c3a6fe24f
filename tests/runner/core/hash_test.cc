#include "runner/core/hash.h"

#include <catch2/catch.hpp>

#include <string>

using wf::core::Sha256;
using wf::core::stable_hash;

TEST_CASE("sha256: the FIPS 180-2 test vectors, fed whole and in pieces", "[core][hash]") {
  Sha256 empty;
  CHECK(Sha256::hex(empty.finish()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 abc;
  abc.update("abc");
  CHECK(Sha256::hex(abc.finish()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 pieces;
  pieces.update("abcdbcdecdefdefgefghfghighijhijkijkl");
  pieces.update("jklmklmnlmnomnopnopq");
  CHECK(Sha256::hex(pieces.finish()) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 million;  // a million 'a', in pieces that straddle the 64-byte blocks
  for (int i = 0; i < 1000; ++i) million.update(std::string(1000, 'a'));
  CHECK(Sha256::hex(million.finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("stable_hash: 16 hex digits that journals of earlier versions hold", "[core][hash]") {
  // Changing these breaks --resume of runs recorded by earlier versions.
  CHECK(stable_hash("") == "14650fb0739d0383");
  CHECK(stable_hash("a") == "44bd8ad473cd9906");
  CHECK(stable_hash("a") != stable_hash("b"));
}
