//===- npy_test.cc - .npy round trips and every rejection path ------------===//

#include "seqc/npy.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

std::string TempPath(const std::string &name) {
  return ::testing::TempDir() + "/seqc_npy_" + name;
}

void WriteBytes(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A .npy image with the given version, dict text and data bytes. The header
// is padded to 64 bytes and newline-terminated as NumPy does.
std::string NpyImage(const std::string &dict, const std::string &data,
                     int major = 1) {
  const size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64)
    header += ' ';
  header += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += char(major);
  bytes += char(0);
  const uint32_t len = static_cast<uint32_t>(header.size());
  for (size_t i = 0; i < prefix - 8; ++i)
    bytes += char((len >> (8 * i)) & 0xff);
  return bytes + header + data;
}

struct Read {
  seqc_npy_array array{};
  seqc_error err{};
  seqc_status status = SEQC_OK;
  ~Read() { seqc_rt_npy_free(&array); }
};

void ReadImage(const std::string &name, const std::string &bytes, Read &out) {
  const std::string path = TempPath(name);
  WriteBytes(path, bytes);
  out.status = seqc_rt_npy_read(path.c_str(), &out.array, &out.err);
}

void ExpectRejected(const std::string &name, const std::string &bytes,
                    seqc_status status, const std::string &needle) {
  Read r;
  ReadImage(name, bytes, r);
  EXPECT_EQ(r.status, status) << r.err.message;
  EXPECT_EQ(r.array.data, nullptr);
  const std::string message = r.err.message;
  EXPECT_NE(message.find(needle), std::string::npos)
      << "message: " << message << "\nexpected to contain: " << needle;
  EXPECT_NE(message.find(TempPath(name)), std::string::npos)
      << "message does not name the file: " << message;
}

TEST(Npy, RoundTripsEveryDtype) {
  const int32_t dtypes[] = {SEQC_DTYPE_F32, SEQC_DTYPE_F64, SEQC_DTYPE_F16,
                            SEQC_DTYPE_I32, SEQC_DTYPE_I64, SEQC_DTYPE_I8,
                            SEQC_DTYPE_U8,  SEQC_DTYPE_BOOL};
  const int64_t shape[3] = {2, 3, 5};
  for (int32_t dtype : dtypes) {
    const size_t nbytes = 30 * seqc_rt_dtype_size(dtype);
    std::vector<uint8_t> data(nbytes);
    for (size_t i = 0; i < nbytes; ++i)
      data[i] = dtype == SEQC_DTYPE_BOOL ? uint8_t(i & 1) : uint8_t(i * 7 + 1);
    const std::string path =
        TempPath(std::string("rt_") + seqc_rt_dtype_name(dtype) + ".npy");
    seqc_error err;
    ASSERT_EQ(
        seqc_rt_npy_write(path.c_str(), dtype, 3, shape, data.data(), &err),
        SEQC_OK)
        << err.message;
    seqc_npy_array a;
    ASSERT_EQ(seqc_rt_npy_read(path.c_str(), &a, &err), SEQC_OK) << err.message;
    EXPECT_EQ(a.dtype, dtype);
    EXPECT_EQ(a.rank, 3);
    EXPECT_EQ(a.shape[0], 2);
    EXPECT_EQ(a.shape[2], 5);
    EXPECT_EQ(a.numel, 30);
    ASSERT_EQ(a.nbytes, nbytes);
    EXPECT_EQ(std::memcmp(a.data, data.data(), nbytes), 0);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data) % 64, 0u);
    seqc_rt_npy_free(&a);
    EXPECT_EQ(a.data, nullptr);
  }
}

TEST(Npy, WriterMatchesNumPyHeaderLayout) {
  const float v[3] = {1, 2, 3};
  const int64_t shape[1] = {3};
  const std::string path = TempPath("layout.npy");
  ASSERT_EQ(
      seqc_rt_npy_write(path.c_str(), SEQC_DTYPE_F32, 1, shape, v, nullptr),
      SEQC_OK);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  const std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
  EXPECT_EQ(bytes, NpyImage(dict, std::string((const char *)v, 12)));
}

TEST(Npy, ScalarsAndEmptyArrays) {
  const double pi = 3.14159;
  const std::string path = TempPath("scalar.npy");
  ASSERT_EQ(
      seqc_rt_npy_write(path.c_str(), SEQC_DTYPE_F64, 0, nullptr, &pi, nullptr),
      SEQC_OK);
  seqc_npy_array a;
  ASSERT_EQ(seqc_rt_npy_read(path.c_str(), &a, nullptr), SEQC_OK);
  EXPECT_EQ(a.rank, 0);
  EXPECT_EQ(a.numel, 1);
  EXPECT_EQ(*static_cast<double *>(a.data), pi);
  seqc_rt_npy_free(&a);

  Read empty;
  ReadImage("empty.npy",
            NpyImage("{'descr': '<f4', 'fortran_order': False, 'shape': (0, "
                     "4), }",
                     ""),
            empty);
  ASSERT_EQ(empty.status, SEQC_OK) << empty.err.message;
  EXPECT_EQ(empty.array.numel, 0);
}

TEST(Npy, ReadsVersions2And3AndAnyKeyOrder) {
  const std::string data("\x01\x00\x00\x00\x02\x00\x00\x00", 8);
  for (int major : {2, 3}) {
    Read r;
    ReadImage("v" + std::to_string(major) + ".npy",
              NpyImage("{\"shape\": (2,), 'fortran_order': False, 'descr': "
                       "'<i4'}",
                       data, major),
              r);
    ASSERT_EQ(r.status, SEQC_OK) << r.err.message;
    EXPECT_EQ(r.array.dtype, SEQC_DTYPE_I32);
    EXPECT_EQ(static_cast<int32_t *>(r.array.data)[1], 2);
  }
}

// numpy reads any nonzero bool byte as true; models read one byte of 0 or
// 1, so the reader maps a stray 2 (or 0xff) to 1.
TEST(Npy, BoolBytesAreZeroOrOne) {
  Read r;
  ReadImage("bool.npy",
            NpyImage("{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }",
                     std::string("\x00\x01\x02\xff", 4)),
            r);
  ASSERT_EQ(r.status, SEQC_OK) << r.err.message;
  ASSERT_EQ(r.array.dtype, SEQC_DTYPE_BOOL);
  const auto *b = static_cast<const uint8_t *>(r.array.data);
  EXPECT_EQ(b[0], 0);
  EXPECT_EQ(b[1], 1);
  EXPECT_EQ(b[2], 1);
  EXPECT_EQ(b[3], 1);
}

TEST(Npy, TruncatedData) {
  ExpectRejected("trunc.npy",
                 NpyImage("{'descr': '<f4', 'fortran_order': False, 'shape': "
                          "(2, 3), }",
                          std::string(20, '\0')),
                 SEQC_ERR_FORMAT,
                 "truncated data: expected 24 bytes for the shape, found 20");
  ExpectRejected("trailing.npy",
                 NpyImage("{'descr': '|u1', 'fortran_order': False, 'shape': "
                          "(2,), }",
                          std::string(3, '\0')),
                 SEQC_ERR_FORMAT, "trailing data: expected 2 bytes");
  ExpectRejected("short_header.npy",
                 NpyImage("{'descr': '<f4', 'fortran_order': False, 'shape': "
                          "(2,), }",
                          "")
                     .substr(0, 30),
                 SEQC_ERR_FORMAT, "header length 118 exceeds the 20 bytes");
}

TEST(Npy, FortranOrderIsUnsupported) {
  ExpectRejected("fortran.npy",
                 NpyImage("{'descr': '<f4', 'fortran_order': True, 'shape': "
                          "(2, 2), }",
                          std::string(16, '\0')),
                 SEQC_ERR_UNSUPPORTED, "fortran_order True is not supported");
}

// A stream that never ends (a device, a pipe) is not read into memory:
// the reader stops at a first block that is not a .npy file's start.
TEST(Npy, EndlessNonNpyInputStopsAtTheMagic) {
  seqc_npy_array array{};
  seqc_error err{};
  EXPECT_EQ(seqc_rt_npy_read("/dev/zero", &array, &err), SEQC_ERR_FORMAT);
  EXPECT_NE(std::strstr(err.message, "not a .npy file (bad magic)"), nullptr)
      << err.message;
}

// A success clears an earlier failure left in `err`.
TEST(Npy, SuccessClearsAnEarlierError) {
  seqc_error err{};
  seqc_npy_array array{};
  ASSERT_EQ(seqc_rt_npy_read("/nonexistent/x.npy", &array, &err), SEQC_ERR_IO);
  const std::string path = TempPath("clears.npy");
  const float values[2] = {1, 2};
  const int64_t shape[1] = {2};
  ASSERT_EQ(
      seqc_rt_npy_write(path.c_str(), SEQC_DTYPE_F32, 1, shape, values, &err),
      SEQC_OK);
  EXPECT_EQ(err.code, SEQC_OK);
  EXPECT_STREQ(err.message, "");
  ASSERT_EQ(seqc_rt_npy_read("/nonexistent/x.npy", &array, &err), SEQC_ERR_IO);
  ASSERT_EQ(seqc_rt_npy_read(path.c_str(), &array, &err), SEQC_OK);
  EXPECT_EQ(err.code, SEQC_OK);
  EXPECT_STREQ(err.message, "");
  seqc_rt_npy_free(&array);
}

TEST(Npy, BadMagicAndVersion) {
  ExpectRejected("magic.npy", "\x93NUMPZ\x01\x00\x10\x00{}", SEQC_ERR_FORMAT,
                 "not a .npy file (bad magic)");
  ExpectRejected("tiny.npy", "\x93NU", SEQC_ERR_FORMAT, "bad magic");
  ExpectRejected("version.npy",
                 NpyImage("{'descr': '<f4', 'fortran_order': False, 'shape': "
                          "(), }",
                          std::string(4, '\0'), 4),
                 SEQC_ERR_UNSUPPORTED, "format version 4.0 is not supported");
}

TEST(Npy, BadHeaders) {
  const std::string d4(4, '\0');
  ExpectRejected("h_nodict.npy", NpyImage("[1, 2]", d4), SEQC_ERR_FORMAT,
                 "expected '{' opening the header dict");
  ExpectRejected("h_missing.npy",
                 NpyImage("{'descr': '<f4', 'fortran_order': False}", d4),
                 SEQC_ERR_FORMAT, "header is missing 'shape'");
  ExpectRejected("h_extra.npy",
                 NpyImage("{'descr': '<f4', 'fortran_order': False, 'shape': "
                          "(1,), 'x': 1}",
                          d4),
                 SEQC_ERR_FORMAT, "unexpected or repeated key 'x'");
  ExpectRejected("h_repeat.npy",
                 NpyImage("{'descr': '<f4', 'descr': '<f4', 'fortran_order': "
                          "False, 'shape': (1,)}",
                          d4),
                 SEQC_ERR_FORMAT, "unexpected or repeated key 'descr'");
  ExpectRejected("h_order.npy",
                 NpyImage("{'descr': '<f4', 'fortran_order': 0, 'shape': "
                          "(1,)}",
                          d4),
                 SEQC_ERR_FORMAT, "True or False for fortran_order");
  ExpectRejected("h_descr.npy",
                 NpyImage("{'descr': '<c8', 'fortran_order': False, 'shape': "
                          "(1,)}",
                          d4),
                 SEQC_ERR_UNSUPPORTED, "unsupported descr '<c8'");
  ExpectRejected("h_descr_u2.npy",
                 NpyImage("{'descr': '<u2', 'fortran_order': False, 'shape': "
                          "(2,)}",
                          d4),
                 SEQC_ERR_UNSUPPORTED, "unsupported descr '<u2'");
  ExpectRejected("h_descr_junk.npy",
                 NpyImage("{'descr': 'f4', 'fortran_order': False, 'shape': "
                          "(1,)}",
                          d4),
                 SEQC_ERR_FORMAT, "unsupported descr 'f4'");
  // A NUL inside the string used to end it: '<f4\0x' was read as '<f4'.
  static const char kNulDescr[] =
      "{'descr': '<f4\0x', 'fortran_order': False, 'shape': (1,)}";
  ExpectRejected("h_descr_nul.npy",
                 NpyImage(std::string(kNulDescr, sizeof(kNulDescr) - 1), d4),
                 SEQC_ERR_FORMAT, "a short string of printable characters");
  ExpectRejected("h_descr_latin1.npy",
                 NpyImage("{'descr': '<f\xe9"
                          "4', 'fortran_order': False, "
                          "'shape': (1,)}",
                          d4),
                 SEQC_ERR_FORMAT, "a short string of printable characters");
  ExpectRejected("h_structured.npy",
                 NpyImage("{'descr': [('a', '<f4')], 'fortran_order': False, "
                          "'shape': (1,)}",
                          d4),
                 SEQC_ERR_UNSUPPORTED,
                 "a structured dtype (a list descr) is not supported");
  ExpectRejected("h_bigendian.npy",
                 NpyImage("{'descr': '>f4', 'fortran_order': False, 'shape': "
                          "(1,)}",
                          d4),
                 SEQC_ERR_UNSUPPORTED, "unsupported descr '>f4'");
  ExpectRejected("h_negative.npy",
                 NpyImage("{'descr': '<f4', 'fortran_order': False, 'shape': "
                          "(-1,)}",
                          d4),
                 SEQC_ERR_FORMAT, "negative extent in shape");
  ExpectRejected("h_tuple.npy",
                 NpyImage("{'descr': '<f4', 'fortran_order': False, 'shape': "
                          "(1)}",
                          d4),
                 SEQC_ERR_FORMAT, "1-element shape must be written '(1,)'");
  ExpectRejected("h_garbage.npy",
                 NpyImage("{'descr': '<f4', 'fortran_order': False, 'shape': "
                          "(1,)} junk",
                          d4),
                 SEQC_ERR_FORMAT, "only padding after the header dict");
  ExpectRejected("h_comma.npy",
                 NpyImage("{'descr': '<f4' 'fortran_order': False, 'shape': "
                          "(1,)}",
                          d4),
                 SEQC_ERR_FORMAT, "',' or '}' in the header dict");
  ExpectRejected("h_rank.npy",
                 NpyImage("{'descr': '<f4', 'fortran_order': False, 'shape': "
                          "(1,1,1,1,1,1,1,1,1)}",
                          d4),
                 SEQC_ERR_UNSUPPORTED, "rank exceeds the maximum of 8");
  // No trailing newline.
  std::string bytes = NpyImage("{'descr': '<f4', 'fortran_order': False, "
                               "'shape': (1,)}",
                               "");
  bytes[bytes.size() - 1] = ' ';
  ExpectRejected("h_newline.npy", bytes + d4, SEQC_ERR_FORMAT,
                 "must end with a newline");
}

TEST(Npy, IoErrors) {
  seqc_npy_array a;
  seqc_error err;
  EXPECT_EQ(seqc_rt_npy_read("/nonexistent/x.npy", &a, &err), SEQC_ERR_IO);
  EXPECT_NE(std::string(err.message).find("/nonexistent/x.npy"),
            std::string::npos);
  const int64_t shape[1] = {1};
  const float v = 0;
  EXPECT_EQ(seqc_rt_npy_write("/nonexistent/x.npy", SEQC_DTYPE_F32, 1, shape,
                              &v, &err),
            SEQC_ERR_IO);
  EXPECT_EQ(seqc_rt_npy_write(TempPath("bf16.npy").c_str(), SEQC_DTYPE_BF16, 1,
                              shape, &v, &err),
            SEQC_ERR_UNSUPPORTED);
  EXPECT_NE(std::string(err.message).find("bf16"), std::string::npos);
  // A directory opens but does not read: the reason is given.
  EXPECT_EQ(seqc_rt_npy_read("/tmp", &a, &err), SEQC_ERR_IO);
  EXPECT_EQ(std::string(err.message),
            "npy: error reading /tmp: " + std::string(strerror(EISDIR)));
}

} // namespace
