//===- cuda_test.cc - the CUDA launcher, with and without a driver ------===//
//
// On machines without a GPU (every CI machine) the launcher is tested
// against fake_cuda_driver.c, loaded through SEQC_CUDA_DRIVER as the real
// libcuda.so.1 would be.
//
//===----------------------------------------------------------------------===//

#include "seqc/abi.h"
#include "seqc/cuda.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <gtest/gtest.h>
#include <string>

namespace {

class Cuda : public ::testing::Test {
protected:
  void SetUp() override {
    setenv("SEQC_CUDA_DRIVER", SEQC_FAKE_CUDA_DRIVER_PATH, 1);
    unsetenv("FAKE_CUDA_DEVICES");
    unsetenv("FAKE_CUDA_INIT_ERROR");
    unsetenv("FAKE_CUDA_LAUNCH_ERROR");
  }
  void TearDown() override { unsetenv("SEQC_CUDA_DRIVER"); }
};

TEST_F(Cuda, NoDriverIsADeviceErrorThatSaysWhy) {
  setenv("SEQC_CUDA_DRIVER", "/nonexistent/libcuda.so.1", 1);
  seqc_cuda *cuda = reinterpret_cast<seqc_cuda *>(1);
  seqc_error err;
  EXPECT_EQ(seqc_rt_cuda_open(0, &cuda, &err), SEQC_ERR_DEVICE);
  EXPECT_EQ(cuda, nullptr);
  EXPECT_NE(std::strstr(err.message,
                        "no CUDA driver: cannot load /nonexistent/libcuda.so.1"),
            nullptr)
      << err.message;
}

TEST_F(Cuda, ALibraryThatIsNoCudaDriverIsADeviceError) {
  // A library that loads but lacks the driver's functions (a wrong
  // SEQC_CUDA_DRIVER, a driver older than the _v2 entry points).
  setenv("SEQC_CUDA_DRIVER", "libm.so.6", 1);
  seqc_cuda *cuda = nullptr;
  seqc_error err;
  EXPECT_EQ(seqc_rt_cuda_open(0, &cuda, &err), SEQC_ERR_DEVICE);
  EXPECT_EQ(cuda, nullptr);
  EXPECT_STREQ(err.message, "the CUDA driver libm.so.6 has no cuInit (too old?)");
}

TEST_F(Cuda, NoDeviceAndFailedInitAreDeviceErrors) {
  seqc_cuda *cuda = nullptr;
  seqc_error err;
  EXPECT_EQ(seqc_rt_cuda_open(3, &cuda, &err), SEQC_ERR_DEVICE);
  EXPECT_STREQ(err.message, "no CUDA device 3: the driver sees 1");
  setenv("FAKE_CUDA_DEVICES", "0", 1);
  EXPECT_EQ(seqc_rt_cuda_open(0, &cuda, &err), SEQC_ERR_DEVICE);
  EXPECT_STREQ(err.message, "no CUDA device 0: the driver sees 0");
  setenv("FAKE_CUDA_INIT_ERROR", "100", 1);
  EXPECT_EQ(seqc_rt_cuda_open(0, &cuda, &err), SEQC_ERR_DEVICE);
  EXPECT_STREQ(err.message,
               "the CUDA driver did not start (cuInit: CUDA error 100)");
  EXPECT_EQ(cuda, nullptr);
}

TEST_F(Cuda, OpensAllocatesAndDescribesErrors) {
  seqc_cuda *cuda = nullptr;
  seqc_error err;
  ASSERT_EQ(seqc_rt_cuda_open(0, &cuda, &err), SEQC_OK) << err.message;
  EXPECT_STREQ(seqc_rt_cuda_device_name(cuda), "seqc fake GPU 0");
  void *block = seqc_rt_cuda_alloc(cuda, 100);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(block) % 256, 0u);
  seqc_rt_cuda_free(cuda, block);
  EXPECT_EQ(seqc_rt_cuda_alloc(cuda, 0), nullptr);
  char text[128];
  EXPECT_STREQ(seqc_rt_cuda_error_text(cuda, 700, text, sizeof(text)),
               "CUDA_ERROR_ILLEGAL_ADDRESS: an illegal memory access was "
               "encountered");
  EXPECT_STREQ(seqc_rt_cuda_error_text(cuda, 12345, text, sizeof(text)),
               "CUDA error 12345");
  EXPECT_STREQ(seqc_rt_cuda_error_text(nullptr, 7, text, sizeof(text)),
               "CUDA error 7");
  seqc_rt_cuda_close(cuda);
  seqc_rt_cuda_close(nullptr);
}

TEST_F(Cuda, AttachFillsTheModelContext) {
  seqc_cuda *cuda = nullptr;
  seqc_error err;
  ASSERT_EQ(seqc_rt_cuda_open(0, &cuda, &err), SEQC_OK) << err.message;
  seqc_model_context context;
  std::memset(&context, 0, sizeof(context));
  seqc_rt_cuda_attach(cuda, &context);
  ASSERT_NE(context.gpu_launch, nullptr);
  ASSERT_NE(context.gpu_constant, nullptr);
  EXPECT_EQ(context.gpu, cuda);
  ASSERT_NE(context.alloc, nullptr);
  EXPECT_EQ(context.allocator, cuda);

  // Managed blocks through the context's allocator; none over-aligned.
  void *block = context.alloc(context.allocator, 64, 4096);
  ASSERT_NE(block, nullptr);
  context.free(context.allocator, block);
  EXPECT_EQ(context.alloc(context.allocator, 512, 4096), nullptr);

  // A weight is copied once and then found by its host address.
  static const float weight[4] = {1, 2, 3, 4};
  const void *copy = context.gpu_constant(context.gpu, weight, sizeof(weight));
  ASSERT_NE(copy, nullptr);
  EXPECT_NE(copy, static_cast<const void *>(weight));
  EXPECT_EQ(std::memcmp(copy, weight, sizeof(weight)), 0);
  EXPECT_EQ(context.gpu_constant(context.gpu, weight, sizeof(weight)), copy);

  // An empty grid runs nothing (and never reaches the driver); extents
  // past CUDA's limits are refused before it.
  const char *notPtx = "not PTX";
  const int64_t empty[6] = {0, 1, 1, 256, 1, 1};
  EXPECT_EQ(context.gpu_launch(context.gpu, notPtx, "k", empty, nullptr), 0);
  const int64_t tooTall[6] = {1, 65536, 1, 256, 1, 1};
  EXPECT_EQ(context.gpu_launch(context.gpu, notPtx, "k", tooTall, nullptr),
            1); // CUDA_ERROR_INVALID_VALUE
  // The driver's own errors come back as they are.
  const int64_t one[6] = {1, 1, 1, 32, 1, 1};
  EXPECT_EQ(context.gpu_launch(context.gpu, notPtx, "k", one, nullptr),
            218); // CUDA_ERROR_INVALID_PTX, from the fake's module loader

  static const char ptx[] = ".version 7.0\n.target sm_80\n"
                            ".visible .entry k(\n.param .u64 k_param_0\n)\n{\nret;\n}\n";
  int64_t value = 5;
  void *params[] = {&value};
  EXPECT_EQ(context.gpu_launch(context.gpu, ptx, "k", one, params), 0);
  EXPECT_EQ(context.gpu_launch(context.gpu, ptx, "missing", one, params),
            500); // CUDA_ERROR_NOT_FOUND
  setenv("FAKE_CUDA_LAUNCH_ERROR", "700", 1);
  EXPECT_EQ(context.gpu_launch(context.gpu, ptx, "k", one, params), 700);
  seqc_rt_cuda_close(cuda);
}

TEST_F(Cuda, AttachToNothingIsANoOp) {
  seqc_model_context context;
  std::memset(&context, 0, sizeof(context));
  seqc_rt_cuda_attach(nullptr, &context);
  EXPECT_EQ(context.gpu_launch, nullptr);
  seqc_rt_cuda_attach(nullptr, nullptr);
}

} // namespace
