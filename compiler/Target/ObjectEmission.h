//===- ObjectEmission.h - LLVM dialect module -> object, asm, IR -*- C++ -*-===//
//
// Translates the lowered module to LLVM IR, adds the model ABI glue that
// its `seq.model_abi` asks for (the packed entry and the seqc_model_api
// record of runtime/include/seqc/abi.h),
// optimizes it for the chosen CPU and writes IR, assembly or an object.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_TARGET_OBJECTEMISSION_H
#define SEQC_COMPILER_TARGET_OBJECTEMISSION_H

#include "compiler/ModelABI/ModelAbi.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/Timing.h"

#include "llvm/IR/DerivedTypes.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace seqc {

enum class CodeKind { LLVMIR, Assembly, Object };

struct TargetOptions {
  /// LLVM CPU name; "native" means this machine's CPU and features.
  std::string cpu = "x86-64";
};

/// The f32 lanes of the widest vectors `options.cpu` computes with: 16
/// with AVX-512, 8 with AVX2, 4 otherwise (the pipeline's vector code is
/// shaped for it). Returns 0 and sets `error` for an unknown CPU.
int64_t getF32VectorWidth(const TargetOptions &options, std::string &error);

/// Whether LLVM's NVPTX back end knows the GPU `chip` ("sm_80", "sm_90a",
/// ...), which seqc --target=cuda takes as --mcpu.
bool isCudaChip(llvm::StringRef chip);

/// abi.h's `seqc_model_api` as the LLVM struct the object's records have
/// (named "seqc_model_api"; created in `ctx` on first use). Its layout is
/// pinned against offsetof by test/Unit/Driver/AbiLayoutTest.cpp.
llvm::StructType *getModelApiType(llvm::LLVMContext &ctx);

/// One code version of a model: its module, lowered (LLVM dialect only)
/// for the LLVM CPU `cpu`.
struct CodeVersion {
  mlir::ModuleOp module;
  std::string cpu;
};

/// Emits the model as `kind` to `os`, with the ABI glue of every entry its
/// `seq.model_abi` records (compiler/ModelABI). Several versions (for
/// increasing x86-64 levels, compiler/Target/CpuDispatch.h) go into one
/// module; each entry's exported getter then returns the record of the
/// highest version the running CPU supports. Each record's flags carry its
/// version's x86-64 level. With `exportDefaultEntry` the getters are also
/// exported under the fixed names `seqc_default_model_api` /
/// `seqc_default_model_step_api`, which seq-run looks up in a shared
/// library. The steps (translation and optimization per version, code
/// generation) are timed under `timing` (seqc --mlir-timing).
mlir::LogicalResult emitCode(llvm::ArrayRef<CodeVersion> versions,
                             CodeKind kind, bool exportDefaultEntry,
                             llvm::raw_pwrite_stream &os,
                             mlir::TimingScope &timing);

} // namespace seqc

#endif // SEQC_COMPILER_TARGET_OBJECTEMISSION_H
