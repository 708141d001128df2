//===- safetensors_test.cc - Reader, validation errors, writer ------------===//

#include "seqc/safetensors.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

// Appends raw bytes (resize + memcpy sidesteps a GCC 12 -Warray-bounds false
// positive in vector::insert).
void Append(std::vector<uint8_t> &bytes, const void *data, size_t n) {
  const size_t at = bytes.size();
  bytes.resize(at + n);
  if (n)
    std::memcpy(bytes.data() + at, data, n);
}

// A safetensors byte image from a header string and `data_size` data bytes
// (filled with i & 0xff). `length_field` overrides the header length.
std::vector<uint8_t> Image(const std::string &header, size_t data_size,
                           int64_t length_field = -1) {
  uint64_t len = length_field >= 0 ? uint64_t(length_field) : header.size();
  std::vector<uint8_t> bytes(8);
  for (int i = 0; i < 8; ++i)
    bytes[i] = uint8_t(len >> (8 * i));
  Append(bytes, header.data(), header.size());
  for (size_t i = 0; i < data_size; ++i)
    bytes.push_back(uint8_t(i));
  return bytes;
}

struct Opened {
  seqc_safetensors *file = nullptr;
  seqc_error err{};
  seqc_status status = SEQC_OK;
  ~Opened() { seqc_rt_safetensors_close(file); }
};

void OpenImage(const std::vector<uint8_t> &bytes, Opened &out) {
  out.status = seqc_rt_safetensors_open_memory(bytes.data(), bytes.size(),
                                               &out.file, &out.err);
}

// Opens the image, expects `status`, and a message containing `needle`.
void ExpectRejected(const std::vector<uint8_t> &bytes, seqc_status status,
                    const std::string &needle) {
  Opened o;
  OpenImage(bytes, o);
  EXPECT_EQ(o.status, status) << o.err.message;
  EXPECT_EQ(o.file, nullptr);
  EXPECT_NE(std::string(o.err.message).find(needle), std::string::npos)
      << "message: " << o.err.message << "\nexpected to contain: " << needle;
}

const char *kTwoTensors =
    R"({"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},)"
    R"( "a" : { "shape" : [2, 1], "data_offsets" : [0, 8], "dtype" : "I32" },)"
    R"("__metadata__":{"format":"pt","note":"x\"y"}}   )";

TEST(SafetensorsRead, ValidHandBuiltImage) {
  std::vector<uint8_t> bytes = Image(kTwoTensors, 16);
  Opened o;
  OpenImage(bytes, o);
  ASSERT_EQ(o.status, SEQC_OK) << o.err.message;
  ASSERT_EQ(seqc_rt_safetensors_count(o.file), 2u);
  // File order (by offset), regardless of header order.
  EXPECT_STREQ(seqc_rt_safetensors_at(o.file, 0)->name, "a");
  EXPECT_STREQ(seqc_rt_safetensors_at(o.file, 1)->name, "b");
  EXPECT_EQ(seqc_rt_safetensors_at(o.file, 2), nullptr);
  const seqc_safetensors_tensor *a = seqc_rt_safetensors_find(o.file, "a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->dtype, SEQC_DTYPE_I32);
  EXPECT_EQ(a->rank, 2);
  EXPECT_EQ(a->shape[0], 2);
  EXPECT_EQ(a->shape[1], 1);
  EXPECT_EQ(a->numel, 2);
  EXPECT_EQ(a->nbytes, 8u);
  EXPECT_EQ(static_cast<const uint8_t *>(a->data),
            bytes.data() + 8 + std::strlen(kTwoTensors));
  EXPECT_EQ(seqc_rt_safetensors_find(o.file, "c"), nullptr);
  EXPECT_EQ(seqc_rt_safetensors_metadata_count(o.file), 2u);
  EXPECT_STREQ(seqc_rt_safetensors_metadata_get(o.file, "format"), "pt");
  EXPECT_STREQ(seqc_rt_safetensors_metadata_get(o.file, "note"), "x\"y");
  EXPECT_EQ(seqc_rt_safetensors_metadata_get(o.file, "missing"), nullptr);
}

TEST(SafetensorsRead, EmptyHeaderAndZeroSizedTensors) {
  Opened empty;
  OpenImage(Image("{}", 0), empty);
  ASSERT_EQ(empty.status, SEQC_OK) << empty.err.message;
  EXPECT_EQ(seqc_rt_safetensors_count(empty.file), 0u);

  // Zero-element tensors may share an offset with anything.
  Opened zero;
  OpenImage(Image(R"({"e":{"dtype":"F32","shape":[0,3],"data_offsets":[4,4]},)"
                  R"("s":{"dtype":"U8","shape":[],"data_offsets":[3,4]},)"
                  R"("t":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}})",
                  4),
            zero);
  ASSERT_EQ(zero.status, SEQC_OK) << zero.err.message;
  EXPECT_EQ(seqc_rt_safetensors_find(zero.file, "e")->numel, 0);
  EXPECT_EQ(seqc_rt_safetensors_find(zero.file, "s")->rank, 0);
  EXPECT_EQ(seqc_rt_safetensors_find(zero.file, "s")->numel, 1);
}

TEST(SafetensorsRead, UnicodeEscapesInNames) {
  Opened o;
  OpenImage(Image(R"({"w\u00e9\ud83d\ude00\/\n":{"dtype":"U8","shape":[1],)"
                  R"("data_offsets":[0,1]}})",
                  1),
            o);
  ASSERT_EQ(o.status, SEQC_OK) << o.err.message;
  EXPECT_STREQ(seqc_rt_safetensors_at(o.file, 0)->name,
               "w\xc3\xa9\xf0\x9f\x98\x80/\n");
}

// The header is UTF-8 JSON: raw UTF-8 in a name is read as it is; bytes
// that are not UTF-8 (a Latin-1 name, a truncated or overlong sequence, an
// encoded surrogate) are refused (Python's json refuses such files).
TEST(SafetensorsRead, NamesMustBeUtf8) {
  Opened o;
  OpenImage(Image("{\"gr\xc3\xb6\xc3\x9f"
                  "e\":{\"dtype\":\"U8\",\"shape\":[1],"
                  "\"data_offsets\":[0,1]}}",
                  1),
            o);
  ASSERT_EQ(o.status, SEQC_OK) << o.err.message;
  EXPECT_STREQ(seqc_rt_safetensors_at(o.file, 0)->name, "gr\xc3\xb6\xc3\x9f"
                                                        "e");
  // The message names the first byte that is not UTF-8 (the name starts
  // at header byte 2): Latin-1, cut short, overlong, a surrogate, past
  // U+10FFFF.
  const std::pair<const char *, const char *> bad[] = {
      {"gr\xf6\xdf"
       "e",
       "header byte 4, found '?' (0xf6)"},
      {"x\xc3", "header byte 3, found '?' (0xc3)"},
      {"\xc0\xaf", "header byte 2, found '?' (0xc0)"},
      {"\xed\xa0\x80", "header byte 2, found '?' (0xed)"},
      {"\xf4\x90\x80\x80", "header byte 2, found '?' (0xf4)"}};
  for (auto [name, where] : bad)
    ExpectRejected(Image(std::string("{\"") + name +
                             "\":{\"dtype\":\"U8\",\"shape\":[1],"
                             "\"data_offsets\":[0,1]}}",
                         1),
                   SEQC_ERR_FORMAT,
                   std::string("expected UTF-8 text in a string at ") + where);
}

TEST(SafetensorsRead, ConvertsHalfTypesToF32IncludingSpecials) {
  // f16: 1, -2, min subnormal, inf, NaN, 65504; bf16: 1, -inf; f64: 0.1.
  const uint16_t f16[6] = {0x3C00, 0xC000, 0x0001, 0x7C00, 0x7E00, 0x7BFF};
  const uint16_t bf16[2] = {0x3F80, 0xFF80};
  const double f64 = 0.1;
  // The data starts 1 byte past an 8-byte boundary (after a one-byte
  // tensor) so every other tensor is misaligned; the reader must not care.
  std::string header =
      R"({"pad":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
      R"("h":{"dtype":"F16","shape":[6],"data_offsets":[1,13]},)"
      R"("b":{"dtype":"BF16","shape":[2],"data_offsets":[13,17]},)"
      R"("d":{"dtype":"F64","shape":[1],"data_offsets":[17,25]},)"
      R"("i":{"dtype":"I64","shape":[1],"data_offsets":[25,33]}})";
  std::vector<uint8_t> bytes = Image(header, 0);
  bytes.push_back(0); // "pad"
  Append(bytes, f16, sizeof(f16));
  Append(bytes, bf16, sizeof(bf16));
  Append(bytes, &f64, sizeof(f64));
  bytes.resize(bytes.size() + 8, 0);
  Opened o;
  OpenImage(bytes, o);
  ASSERT_EQ(o.status, SEQC_OK) << o.err.message;

  float out[6];
  seqc_error err;
  ASSERT_EQ(seqc_rt_safetensors_read_f32(seqc_rt_safetensors_find(o.file, "h"),
                                         out, 6, &err),
            SEQC_OK);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], -2.0f);
  EXPECT_EQ(out[2], std::ldexp(1.0f, -24));
  EXPECT_EQ(out[3], INFINITY);
  EXPECT_TRUE(std::isnan(out[4]));
  EXPECT_EQ(out[5], 65504.0f);
  ASSERT_EQ(seqc_rt_safetensors_read_f32(seqc_rt_safetensors_find(o.file, "b"),
                                         out, 2, &err),
            SEQC_OK);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], -INFINITY);
  ASSERT_EQ(seqc_rt_safetensors_read_f32(seqc_rt_safetensors_find(o.file, "d"),
                                         out, 1, &err),
            SEQC_OK);
  EXPECT_EQ(out[0], 0.1f);

  EXPECT_EQ(seqc_rt_safetensors_read_f32(seqc_rt_safetensors_find(o.file, "d"),
                                         out, 2, &err),
            SEQC_ERR_SHAPE);
  EXPECT_NE(std::string(err.message).find("'d' has 1 elements"),
            std::string::npos)
      << err.message;
  EXPECT_EQ(seqc_rt_safetensors_read_f32(seqc_rt_safetensors_find(o.file, "i"),
                                         out, 1, &err),
            SEQC_ERR_DTYPE);
  EXPECT_NE(std::string(err.message).find("'i' is i64"), std::string::npos)
      << err.message;
}

//===----------------------------------------------------------------------===//
// Every validation error path
//===----------------------------------------------------------------------===//

TEST(SafetensorsErrors, TruncatedHeaderLength) {
  std::vector<uint8_t> bytes = {1, 0, 0, 0, 0};
  ExpectRejected(bytes, SEQC_ERR_FORMAT, "5 bytes, too short");
  ExpectRejected({}, SEQC_ERR_FORMAT, "0 bytes, too short");
}

TEST(SafetensorsErrors, HeaderLengthBeyondFile) {
  ExpectRejected(Image("{}", 0, 1000), SEQC_ERR_FORMAT,
                 "header length 1000 exceeds the 2 bytes");
  ExpectRejected(Image("{}", 0, INT64_MAX), SEQC_ERR_FORMAT, "exceeds");
  // A text file read as weights: the message says what was expected.
  ExpectRejected(Image("{}", 0, 1000), SEQC_ERR_FORMAT,
                 "(not a safetensors file?");
}

TEST(SafetensorsErrors, BadJson) {
  ExpectRejected(Image("", 0), SEQC_ERR_FORMAT, "expected '{' opening");
  ExpectRejected(Image("[]", 0), SEQC_ERR_FORMAT, "bad JSON header");
  ExpectRejected(Image(R"({"a" 1})", 0), SEQC_ERR_FORMAT, "expected ':'");
  ExpectRejected(Image(R"({"a":{"dtype":"F32",}})", 0), SEQC_ERR_FORMAT,
                 "bad JSON header: expected a string at header byte 20");
  ExpectRejected(Image(R"({"a)", 0), SEQC_ERR_FORMAT, "closing '\"'");
  ExpectRejected(Image(R"({} x)", 0), SEQC_ERR_FORMAT, "end of header");
  ExpectRejected(Image(R"({"a\q":1})", 0), SEQC_ERR_FORMAT, "valid escape");
  ExpectRejected(Image("{\"a\x01\":1}", 0), SEQC_ERR_FORMAT, "control");
  ExpectRejected(Image(R"({"\u0000":1})", 0), SEQC_ERR_FORMAT, "non-NUL");
  ExpectRejected(Image(R"({"\ud800":1})", 0), SEQC_ERR_FORMAT, "surrogate");
  ExpectRejected(
      Image(R"({"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}})", 4),
      SEQC_ERR_FORMAT, "leading zeros");
  ExpectRejected(
      Image(R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", 4),
      SEQC_ERR_FORMAT, "must be an integer");
  ExpectRejected(
      Image(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}})", 8),
      SEQC_ERR_FORMAT, "2-element data_offsets");
  ExpectRejected(Image(R"({"__metadata__":{"k":1}})", 0), SEQC_ERR_FORMAT,
                 "value for 'k' must be a string");
}

TEST(SafetensorsErrors, BadTensorEntries) {
  ExpectRejected(Image(R"({"a":{"dtype":"F32","shape":[1]}})", 0),
                 SEQC_ERR_FORMAT, "tensor 'a': missing 'data_offsets'");
  ExpectRejected(Image(R"({"a":{"dtype":"F32","dtype":"F32"}})", 0),
                 SEQC_ERR_FORMAT, "duplicate key 'dtype'");
  ExpectRejected(Image(R"({"a":{"dtype":"F32","extra":1}})", 0),
                 SEQC_ERR_FORMAT, "unexpected key 'extra'");
  ExpectRejected(Image(R"({"a":{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1],)"
                       R"("data_offsets":[0,4]}})",
                       4),
                 SEQC_ERR_UNSUPPORTED, "rank exceeds the maximum of 8");
  ExpectRejected(Image(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,)"
                       R"(99999999999999999999]}})",
                       4),
                 SEQC_ERR_FORMAT, "does not fit in 63 bits");
}

TEST(SafetensorsErrors, UnknownDtype) {
  ExpectRejected(
      Image(R"({"w":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}})", 1),
      SEQC_ERR_FORMAT, "tensor 'w': unknown dtype 'F8'");
}

TEST(SafetensorsErrors, OffsetsOutOfBounds) {
  ExpectRejected(
      Image(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})", 16),
      SEQC_ERR_FORMAT,
      "tensor 'w': data_offsets [8, 24] out of bounds of the 16-byte data");
  ExpectRejected(
      Image(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})", 16),
      SEQC_ERR_FORMAT, "tensor 'w': data_offsets [8, 4] end before");
}

TEST(SafetensorsErrors, SizeMismatch) {
  ExpectRejected(
      Image(R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})", 16),
      SEQC_ERR_FORMAT,
      "tensor 'w': shape [2,2] of F32 needs 16 bytes, but data_offsets [0, "
      "12] span 12 bytes");
  // The product overflows 64 bits; must not wrap around to a small size.
  ExpectRejected(Image(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],)"
                       R"("data_offsets":[0,0]}})",
                       0),
                 SEQC_ERR_FORMAT, "overflows");
  ExpectRejected(Image(R"({"w":{"dtype":"F64","shape":[2305843009213693952],)"
                       R"("data_offsets":[0,0]}})",
                       0),
                 SEQC_ERR_FORMAT, "overflows");
}

TEST(SafetensorsErrors, OverlappingTensors) {
  ExpectRejected(
      Image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
            R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
            12),
      SEQC_ERR_FORMAT, "tensors 'a' [0, 8] and 'b' [4, 12] overlap");
}

// The format forbids bytes no tensor covers (the reference reader refuses
// them): between tensors, before the first and after the last.
TEST(SafetensorsErrors, HolesInTheDataSection) {
  ExpectRejected(
      Image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
            R"("b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}})",
            20),
      SEQC_ERR_FORMAT,
      "bytes [8, 12) of the data section, before tensor 'b', belong to no "
      "tensor");
  ExpectRejected(
      Image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12),
      SEQC_ERR_FORMAT, "bytes [0, 4) of the data section, before tensor 'a'");
  ExpectRejected(
      Image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 12),
      SEQC_ERR_FORMAT,
      "bytes [8, 12) at the end of the data section belong to no tensor");
  ExpectRejected(Image("{}", 4), SEQC_ERR_FORMAT,
                 "bytes [0, 4) of the data section belong to no tensor (the "
                 "header names none)");
}

TEST(SafetensorsErrors, DuplicateNames) {
  ExpectRejected(
      Image(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
            R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
            8),
      SEQC_ERR_FORMAT, "duplicate tensor name 'a'");
  ExpectRejected(Image(R"({"__metadata__":{},"__metadata__":{}})", 0),
                 SEQC_ERR_FORMAT, "duplicate '__metadata__'");
  ExpectRejected(Image(R"({"__metadata__":{"k":"1","k":"2"}})", 0),
                 SEQC_ERR_FORMAT, "duplicate __metadata__ key 'k'");
}

TEST(SafetensorsErrors, NegativeShape) {
  ExpectRejected(
      Image(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4),
      SEQC_ERR_FORMAT, "tensor 'w': shape must be a non-negative integer");
}

TEST(SafetensorsErrors, MissingFileIsIoError) {
  seqc_safetensors *file = reinterpret_cast<seqc_safetensors *>(1);
  seqc_error err;
  EXPECT_EQ(seqc_rt_safetensors_open("/nonexistent/w.safetensors", &file, &err),
            SEQC_ERR_IO);
  EXPECT_EQ(file, nullptr);
  EXPECT_NE(std::string(err.message).find("/nonexistent/w.safetensors"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

std::string TempPath(const char *name) {
  return ::testing::TempDir() + "/seqc_st_" + name;
}

// A FIFO nobody writes to: the open must not block (it hung seqc for ever
// on `weights "fifo"`), and the file is refused as not regular.
TEST(SafetensorsErrors, FifoWithoutWriterIsRefusedAtOnce) {
  const std::string path = TempPath("fifo");
  unlink(path.c_str());
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0) << strerror(errno);
  seqc_safetensors *file = nullptr;
  seqc_error err;
  EXPECT_EQ(seqc_rt_safetensors_open(path.c_str(), &file, &err), SEQC_ERR_IO);
  EXPECT_EQ(file, nullptr);
  EXPECT_NE(std::string(err.message).find("is not a regular file (a FIFO)"),
            std::string::npos)
      << err.message;
  unlink(path.c_str());
}

// A directory: named as one, whatever errno held before the call (the
// message ended with a stale "No such file or directory").
TEST(SafetensorsErrors, DirectoryIsNamedAsOne) {
  errno = ENOENT;
  seqc_safetensors *file = nullptr;
  seqc_error err;
  EXPECT_EQ(seqc_rt_safetensors_open("/tmp", &file, &err), SEQC_ERR_IO);
  EXPECT_EQ(file, nullptr);
  EXPECT_EQ(std::string(err.message),
            "safetensors: /tmp is not a regular file (a directory)");
}

TEST(SafetensorsWrite, RoundTripsThroughMmap) {
  std::vector<float> w = {1, 2, 3, 4, 5, 6};
  std::vector<int64_t> ids = {-1, 0, 1LL << 40};
  std::vector<uint16_t> half = {0x3C00, 0x0001};
  uint8_t flag = 1;
  seqc_tensor t[4];
  const int64_t s23[2] = {2, 3}, s3[1] = {3}, s2[1] = {2};
  ASSERT_EQ(seqc_rt_tensor_init(&t[0], w.data(), SEQC_DTYPE_F32, 2, s23),
            SEQC_OK);
  ASSERT_EQ(seqc_rt_tensor_init(&t[1], ids.data(), SEQC_DTYPE_I64, 1, s3),
            SEQC_OK);
  ASSERT_EQ(seqc_rt_tensor_init(&t[2], &flag, SEQC_DTYPE_BOOL, 0, nullptr),
            SEQC_OK);
  ASSERT_EQ(seqc_rt_tensor_init(&t[3], half.data(), SEQC_DTYPE_F16, 1, s2),
            SEQC_OK);
  const char *names[4] = {"layer.weight", "ids", "flag", "odd \"name\"\t"};
  const std::string path = TempPath("roundtrip.safetensors");
  seqc_error err;
  ASSERT_EQ(seqc_rt_safetensors_write(path.c_str(), 4, names, t, &err), SEQC_OK)
      << err.message;

  seqc_safetensors *file = nullptr;
  ASSERT_EQ(seqc_rt_safetensors_open(path.c_str(), &file, &err), SEQC_OK)
      << err.message;
  ASSERT_EQ(seqc_rt_safetensors_count(file), 4u);
  const seqc_safetensors_tensor *wt =
      seqc_rt_safetensors_find(file, "layer.weight");
  ASSERT_NE(wt, nullptr);
  EXPECT_EQ(wt->rank, 2);
  EXPECT_EQ(wt->shape[1], 3);
  std::vector<float> back(6);
  ASSERT_EQ(seqc_rt_safetensors_read_f32(wt, back.data(), 6, &err), SEQC_OK);
  EXPECT_EQ(back, w);
  const seqc_safetensors_tensor *it = seqc_rt_safetensors_find(file, "ids");
  ASSERT_NE(it, nullptr);
  EXPECT_EQ(it->dtype, SEQC_DTYPE_I64);
  EXPECT_EQ(std::memcmp(it->data, ids.data(), 24), 0);
  const seqc_safetensors_tensor *ft = seqc_rt_safetensors_find(file, "flag");
  ASSERT_NE(ft, nullptr);
  EXPECT_EQ(ft->rank, 0);
  EXPECT_EQ(*static_cast<const uint8_t *>(ft->data), 1);
  const seqc_safetensors_tensor *ht =
      seqc_rt_safetensors_find(file, "odd \"name\"\t");
  ASSERT_NE(ht, nullptr);
  float hv[2];
  ASSERT_EQ(seqc_rt_safetensors_read_f32(ht, hv, 2, &err), SEQC_OK);
  EXPECT_EQ(hv[0], 1.0f);
  EXPECT_EQ(hv[1], std::ldexp(1.0f, -24));
  seqc_rt_safetensors_close(file);
}

TEST(SafetensorsWrite, RejectsBadInputs) {
  float data[4] = {0};
  const int64_t shape[2] = {2, 2};
  seqc_tensor t[2];
  seqc_rt_tensor_init(&t[0], data, SEQC_DTYPE_F32, 2, shape);
  seqc_rt_tensor_init(&t[1], data, SEQC_DTYPE_F32, 2, shape);
  const std::string path = TempPath("bad.safetensors");
  seqc_error err;
  const char *dup[2] = {"x", "x"};
  EXPECT_EQ(seqc_rt_safetensors_write(path.c_str(), 2, dup, t, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(err.message).find("duplicate tensor name 'x'"),
            std::string::npos);
  t[1].strides[0] = 1; // transposed view
  t[1].strides[1] = 2;
  const char *names[2] = {"x", "y"};
  EXPECT_EQ(seqc_rt_safetensors_write(path.c_str(), 2, names, t, &err),
            SEQC_ERR_UNSUPPORTED);
  EXPECT_NE(std::string(err.message).find("'y' is not dense"),
            std::string::npos);
  EXPECT_EQ(seqc_rt_safetensors_write("/nonexistent/dir/x.safetensors", 1,
                                      names, t, &err),
            SEQC_ERR_IO);
  const char *latin1[1] = {"gr\xf6\xdf"
                           "e"};
  EXPECT_EQ(seqc_rt_safetensors_write(path.c_str(), 1, latin1, t, &err),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(err.message).find("tensor #0's name is not UTF-8"),
            std::string::npos)
      << err.message;
  // A success clears the failure before it.
  EXPECT_EQ(seqc_rt_safetensors_write(path.c_str(), 1, names, t, &err),
            SEQC_OK);
  EXPECT_EQ(err.code, SEQC_OK);
  EXPECT_STREQ(err.message, "");
}

TEST(SafetensorsWrite, OutputIsReadableByStrictParserFromDisk) {
  // An empty file written by the writer has an 8-byte-padded "{}" header.
  const std::string path = TempPath("empty.safetensors");
  seqc_error err;
  ASSERT_EQ(seqc_rt_safetensors_write(path.c_str(), 0, nullptr, nullptr, &err),
            SEQC_OK);
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  ASSERT_EQ(bytes.size(), 16u);
  EXPECT_EQ(bytes[0], 8);
  seqc_safetensors *file = nullptr;
  ASSERT_EQ(seqc_rt_safetensors_open(path.c_str(), &file, &err), SEQC_OK)
      << err.message;
  EXPECT_EQ(seqc_rt_safetensors_count(file), 0u);
  seqc_rt_safetensors_close(file);
}

} // namespace
