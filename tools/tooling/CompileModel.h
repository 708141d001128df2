//===- CompileModel.h - a model file to a shared library, through seqc -*- C++
//-*-===//

#ifndef SEQC_TOOLS_TOOLING_COMPILEMODEL_H
#define SEQC_TOOLS_TOOLING_COMPILEMODEL_H

#include "tools/tooling/Files.h"

#include <string>

namespace seqc::tooling {

/// The seqc executable next to this program's (/proc/self/exe), else the
/// first on PATH; "" when there is none.
std::string findSeqc();

/// Runs `seqc MODEL --emit=shared --mcpu=native -o DIR/model` (with
/// `--weights WEIGHTS` unless `weights` is empty: a .seq's safetensors
/// file); on success sets `library`. The library only ever runs on this
/// machine: code for its CPU alone compiles in a third of the time of
/// seqc's default (a version per x86-64 level). On failure prints the
/// error with seqc's diagnostics and returns false.
bool compileModel(const std::string &model, const std::string &weights,
                  const TempDir &dir, std::string &library);

/// Why seqc derives no streaming step for the model file `model` (the
/// reason its header states, `seqc MODEL --emit=header`, with `--weights
/// WEIGHTS` unless empty); "" when it has one or seqc cannot say.
std::string noStepReason(const std::string &model, const std::string &weights);

} // namespace seqc::tooling

#endif // SEQC_TOOLS_TOOLING_COMPILEMODEL_H
