//===- CpuDispatch.h - Code for several x86-64 levels in one object -*- C++ -*-===//
//
// seqc's default --mcpu compiles a model once per x86-64 microarchitecture
// level (the x86-64 psABI's levels: x86-64, x86-64-v2, x86-64-v3 with AVX2
// and FMA, x86-64-v4 with AVX-512) into one object; the model's api getter
// picks the highest version the running CPU supports, once per call, from
// CPUID. This is what GCC's and clang's function multi-versioning do per
// function (target_clones), done here per model because the pipeline's
// vector shapes and packed weight layouts differ between the levels.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_TARGET_CPUDISPATCH_H
#define SEQC_COMPILER_TARGET_CPUDISPATCH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <string>
#include <vector>

namespace seqc {

/// The --mcpu a CPU model gets when none is given: a version for each
/// level whose vector width differs (4, 8 and 16 f32 lanes).
inline constexpr const char kDefaultCpuLevels[] = "x86-64,x86-64-v3,x86-64-v4";

/// Splits `mcpu` into the CPUs to compile for: one CPU name (any LLVM CPU,
/// or "native"), or a comma-separated list of x86-64 level names in
/// increasing order, each compiled and picked at run time. Returns an empty
/// list and sets `error` for a malformed list (a CPU name that is not a
/// level, a repeated or decreasing level, an empty item).
std::vector<std::string> parseCpuList(llvm::StringRef mcpu,
                                      std::string &error);

/// The highest x86-64 level (1-4) whose features `machine` has all of; 0
/// for a target that is not x86.
int getCpuLevel(const llvm::TargetMachine &machine);

/// Defines in `module` the internal function `i32 seqc_cpu_level()`: the
/// x86-64 level (1-4) of the running CPU and OS, read from CPUID and XGETBV
/// as seqc_rt_cpu_level does (runtime/src/cpu_level.c), lowered to at most
/// N when the environment sets SEQC_MAX_CPU_LEVEL=N (N in 1-4; anything
/// else is ignored here and refused by seqc_rt_model_open). The CPUID part
/// is computed once and cached.
llvm::Function *getOrCreateCpuLevelFunction(llvm::Module &module);

} // namespace seqc

#endif // SEQC_COMPILER_TARGET_CPUDISPATCH_H
