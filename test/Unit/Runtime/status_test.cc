//===- status_test.cc - Status strings, errors, dtype and tensor helpers --===//

#include "seqc/runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

namespace {

TEST(Status, EveryCodeHasADistinctString) {
  const seqc_status codes[] = {SEQC_OK,
                               SEQC_ERR_INVALID_ARGUMENT,
                               SEQC_ERR_SHAPE,
                               SEQC_ERR_DTYPE,
                               SEQC_ERR_IO,
                               SEQC_ERR_FORMAT,
                               SEQC_ERR_OUT_OF_MEMORY,
                               SEQC_ERR_UNSUPPORTED,
                               SEQC_ERR_INTERNAL};
  for (size_t i = 0; i < std::size(codes); ++i) {
    std::string s = seqc_rt_status_string(codes[i]);
    EXPECT_NE(s, "unknown status");
    for (size_t j = 0; j < i; ++j)
      EXPECT_NE(s, seqc_rt_status_string(codes[j]));
  }
  EXPECT_STREQ(seqc_rt_status_string(SEQC_OK), "ok");
  EXPECT_STREQ(seqc_rt_status_string(SEQC_ERR_FORMAT), "format error");
  EXPECT_STREQ(seqc_rt_status_string(SEQC_ERR_DEVICE), "device error");
  EXPECT_STREQ(seqc_rt_status_string(static_cast<seqc_status>(99)),
               "unknown status");
}

TEST(Status, AbiNumbersAreFrozen) {
  // 2: entries take a seqc_model_context as their last argument.
  // 3: the context carries the allocator of the entry's buffers.
  // 4: the context carries the thread pool's parallel_for.
  // 5: the context carries the GPU's launch and weight-copy functions; the
  //    api record's flags say a model needs a GPU.
  EXPECT_EQ(SEQC_ABI_VERSION, 5);
  EXPECT_EQ(SEQC_DTYPE_F32, 1);
  EXPECT_EQ(SEQC_DTYPE_U8, 9);
  EXPECT_EQ(SEQC_ERR_INTERNAL, 8);
  EXPECT_EQ(SEQC_ERR_DEVICE, 9);
  EXPECT_EQ(SEQC_MODEL_FLAG_CUDA, 1u);
  EXPECT_EQ(SEQC_DIM_DYNAMIC, -1);
  EXPECT_EQ(sizeof(seqc_tensor), 152u);
  EXPECT_EQ(sizeof(seqc_tensor_info), 32u);
  EXPECT_EQ(sizeof(seqc_model_context), 96u);
}

TEST(Status, SetErrorFormatsAndReturnsCode) {
  seqc_error err;
  EXPECT_EQ(seqc_rt_set_error(&err, SEQC_ERR_SHAPE, "got %d want %s", 3, "4"),
            SEQC_ERR_SHAPE);
  EXPECT_EQ(err.code, SEQC_ERR_SHAPE);
  EXPECT_STREQ(err.message, "got 3 want 4");
  EXPECT_EQ(seqc_rt_set_error(nullptr, SEQC_ERR_IO, "ignored"), SEQC_ERR_IO);
  seqc_rt_clear_error(&err);
  EXPECT_EQ(err.code, SEQC_OK);
  EXPECT_STREQ(err.message, "");
}

TEST(Status, LongMessagesAreTruncatedAndTerminated) {
  seqc_error err;
  std::string long_text(2000, 'x');
  seqc_rt_set_error(&err, SEQC_ERR_INTERNAL, "%s", long_text.c_str());
  EXPECT_EQ(std::strlen(err.message), sizeof(err.message) - 1);
}

TEST(Dtype, SizesAndNames) {
  EXPECT_EQ(seqc_rt_dtype_size(SEQC_DTYPE_F32), 4u);
  EXPECT_EQ(seqc_rt_dtype_size(SEQC_DTYPE_F16), 2u);
  EXPECT_EQ(seqc_rt_dtype_size(SEQC_DTYPE_BF16), 2u);
  EXPECT_EQ(seqc_rt_dtype_size(SEQC_DTYPE_F64), 8u);
  EXPECT_EQ(seqc_rt_dtype_size(SEQC_DTYPE_I8), 1u);
  EXPECT_EQ(seqc_rt_dtype_size(SEQC_DTYPE_I32), 4u);
  EXPECT_EQ(seqc_rt_dtype_size(SEQC_DTYPE_I64), 8u);
  EXPECT_EQ(seqc_rt_dtype_size(SEQC_DTYPE_BOOL), 1u);
  EXPECT_EQ(seqc_rt_dtype_size(SEQC_DTYPE_U8), 1u);
  EXPECT_EQ(seqc_rt_dtype_size(0), 0u);
  EXPECT_EQ(seqc_rt_dtype_size(42), 0u);
  EXPECT_STREQ(seqc_rt_dtype_name(SEQC_DTYPE_BF16), "bf16");
  EXPECT_STREQ(seqc_rt_dtype_name(SEQC_DTYPE_BOOL), "bool");
  EXPECT_STREQ(seqc_rt_dtype_name(42), "unknown");
}

TEST(Tensor, InitComputesRowMajorStrides) {
  float data[24];
  const int64_t shape[3] = {2, 3, 4};
  seqc_tensor t;
  ASSERT_EQ(seqc_rt_tensor_init(&t, data, SEQC_DTYPE_F32, 3, shape), SEQC_OK);
  EXPECT_EQ(t.strides[0], 12);
  EXPECT_EQ(t.strides[1], 4);
  EXPECT_EQ(t.strides[2], 1);
  EXPECT_EQ(seqc_rt_tensor_numel(&t), 24);
  EXPECT_TRUE(seqc_rt_tensor_is_contiguous(&t));
  t.strides[0] = 13;
  EXPECT_FALSE(seqc_rt_tensor_is_contiguous(&t));
  const int64_t bad[1] = {-1};
  EXPECT_EQ(seqc_rt_tensor_init(&t, data, SEQC_DTYPE_F32, 1, bad),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(seqc_rt_tensor_init(&t, data, SEQC_DTYPE_F32, 9, shape),
            SEQC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(seqc_rt_tensor_init(&t, data, 77, 1, shape),
            SEQC_ERR_INVALID_ARGUMENT);
  ASSERT_EQ(seqc_rt_tensor_init(&t, data, SEQC_DTYPE_F32, 0, nullptr), SEQC_OK);
  EXPECT_EQ(seqc_rt_tensor_numel(&t), 1);
}

TEST(Half, F16ToF32CoversSpecials) {
  EXPECT_EQ(seqc_rt_f16_to_f32(0x0000), 0.0f);
  EXPECT_TRUE(std::signbit(seqc_rt_f16_to_f32(0x8000)));
  EXPECT_EQ(seqc_rt_f16_to_f32(0x3C00), 1.0f);
  EXPECT_EQ(seqc_rt_f16_to_f32(0xC000), -2.0f);
  EXPECT_EQ(seqc_rt_f16_to_f32(0x7BFF), 65504.0f);
  EXPECT_EQ(seqc_rt_f16_to_f32(0x0400), std::ldexp(1.0f, -14)); // min normal
  EXPECT_EQ(seqc_rt_f16_to_f32(0x0001), std::ldexp(1.0f, -24)); // min subnormal
  EXPECT_EQ(seqc_rt_f16_to_f32(0x03FF), std::ldexp(1023.0f, -24));
  EXPECT_EQ(seqc_rt_f16_to_f32(0x8001), -std::ldexp(1.0f, -24));
  EXPECT_EQ(seqc_rt_f16_to_f32(0x7C00), INFINITY);
  EXPECT_EQ(seqc_rt_f16_to_f32(0xFC00), -INFINITY);
  EXPECT_TRUE(std::isnan(seqc_rt_f16_to_f32(0x7E00)));
  EXPECT_TRUE(std::isnan(seqc_rt_f16_to_f32(0x7C01)));
}

TEST(Half, F16RoundTripsEveryValue) {
  for (uint32_t bits = 0; bits <= 0xFFFF; ++bits) {
    const float f = seqc_rt_f16_to_f32(static_cast<uint16_t>(bits));
    if (std::isnan(f))
      EXPECT_TRUE(std::isnan(seqc_rt_f16_to_f32(seqc_rt_f32_to_f16(f))));
    else
      ASSERT_EQ(seqc_rt_f32_to_f16(f), bits) << std::hex << bits;
  }
}

TEST(Half, F32ToF16RoundsToNearestEven) {
  EXPECT_EQ(seqc_rt_f32_to_f16(1.0f + std::ldexp(1.0f, -11)), 0x3C00); // tie
  EXPECT_EQ(seqc_rt_f32_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);
  EXPECT_EQ(seqc_rt_f32_to_f16(65520.0f), 0x7C00); // overflows to inf
  EXPECT_EQ(seqc_rt_f32_to_f16(65519.0f), 0x7BFF);
  EXPECT_EQ(seqc_rt_f32_to_f16(std::ldexp(1.0f, -25)), 0x0000); // tie to 0
  EXPECT_EQ(seqc_rt_f32_to_f16(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(seqc_rt_f32_to_f16(1e-10f), 0x0000);
}

TEST(Half, Bf16) {
  EXPECT_EQ(seqc_rt_bf16_to_f32(0x3F80), 1.0f);
  EXPECT_EQ(seqc_rt_bf16_to_f32(0xC040), -3.0f);
  EXPECT_EQ(seqc_rt_bf16_to_f32(0x7F80), INFINITY);
  EXPECT_TRUE(std::isnan(seqc_rt_bf16_to_f32(0x7FC0)));
  EXPECT_EQ(seqc_rt_bf16_to_f32(0x0001), std::ldexp(1.0f, -133)); // subnormal
  EXPECT_EQ(seqc_rt_f32_to_bf16(1.0f), 0x3F80);
  EXPECT_EQ(seqc_rt_f32_to_bf16(1.00390625f), 0x3F80); // tie -> even
  EXPECT_EQ(seqc_rt_f32_to_bf16(1.01171875f), 0x3F82); // tie -> even (up)
  EXPECT_TRUE(std::isnan(seqc_rt_bf16_to_f32(seqc_rt_f32_to_bf16(NAN))));
}

} // namespace
