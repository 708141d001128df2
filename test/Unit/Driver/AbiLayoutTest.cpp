//===- AbiLayoutTest.cpp - the object's records match abi.h's structs ---===//
//
// The compiler builds the seqc_model_api record as an LLVM struct; the
// runtime reads it as the C struct of seqc/abi.h. Their layouts must agree
// field by field on every target seqc emits for (x86-64 today).
//
//===----------------------------------------------------------------------===//

#include "compiler/Target/ObjectEmission.h"

#include "seqc/abi.h"

#include "llvm/IR/DataLayout.h"
#include "llvm/IR/LLVMContext.h"

#include <cstddef>
#include <gtest/gtest.h>

namespace {

// The data layout LLVM's x86-64 target uses (what the object is built for).
constexpr const char *kX86_64Layout =
    "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:"
    "32:64-S128";

TEST(AbiLayout, ModelApiRecordMatchesTheCStruct) {
  llvm::LLVMContext ctx;
  llvm::StructType *type = seqc::getModelApiType(ctx);
  llvm::DataLayout layout(kX86_64Layout);
  const llvm::StructLayout *fields = layout.getStructLayout(type);
  const size_t offsets[] = {offsetof(seqc_model_api, abi_version),
                            offsetof(seqc_model_api, num_inputs),
                            offsetof(seqc_model_api, num_outputs),
                            offsetof(seqc_model_api, flags),
                            offsetof(seqc_model_api, name),
                            offsetof(seqc_model_api, signature),
                            offsetof(seqc_model_api, invoke)};
  ASSERT_EQ(type->getNumElements(), std::size(offsets));
  for (unsigned i = 0; i < type->getNumElements(); ++i)
    EXPECT_EQ(fields->getElementOffset(i), offsets[i]) << "field " << i;
  EXPECT_EQ(fields->getSizeInBytes(), sizeof(seqc_model_api));
  // The same type is returned on later calls (one record type per module).
  EXPECT_EQ(seqc::getModelApiType(ctx), type);
}

} // namespace
