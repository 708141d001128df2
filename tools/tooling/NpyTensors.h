//===- NpyTensors.h - a model's inputs from .npy files, outputs to them -*- C++
//-*-===//

#ifndef SEQC_TOOLS_TOOLING_NPYTENSORS_H
#define SEQC_TOOLS_TOOLING_NPYTENSORS_H

#include "seqc/model.h"
#include "seqc/npy.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace seqc::tooling {

/// (input name, .npy file) pairs, in the order given.
using NamedFiles = std::vector<std::pair<std::string, std::string>>;

/// One input's array, read from its file.
struct NpyInput {
  std::string file;
  seqc_npy_array array{};
  std::vector<uint16_t> bf16; // converted data for a bf16 input
  NpyInput() = default;
  NpyInput(const NpyInput &) = delete;
  NpyInput &operator=(const NpyInput &) = delete;
  ~NpyInput() { seqc_rt_npy_free(&array); }
};

/// Reads the file `files` names for each input of `model` into `inputs`
/// and describes them in `tensors` (model input order). Every input must
/// be given exactly once, with the model's dtype (a bf16 input may come as
/// f32 and is rounded), rank and static extents, and each named dynamic
/// dimension must have one extent across the inputs. Prints the error,
/// naming the input and file, and returns false otherwise.
bool readInputs(const NamedFiles &files, const seqc_model *model,
                std::vector<NpyInput> &inputs,
                std::vector<seqc_tensor> &tensors);

/// Writes each output as `outputDir`/NAME.npy (creating the directory; bf16
/// widened to f32, which NumPy has) and prints a line per output; with an
/// empty `outputDir` only prints each output's dtype and shape. Prints the
/// error and returns false when a file cannot be written.
bool writeOutputs(const std::string &outputDir, const seqc_model *model,
                  const std::vector<seqc_tensor> &outputs);

} // namespace seqc::tooling

#endif // SEQC_TOOLS_TOOLING_NPYTENSORS_H
