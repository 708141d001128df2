//===- Passes.td - the model ABI phase --------------------*- tablegen -*-===//
//
// What turns an imported model into something with a C interface: the entry
// is chosen, the sizes it ties get names the runtime checks, weights may
// move out to a file, and the exported functions and their signatures are
// recorded in the module (`seq.model_abi`), where object and header emission
// read them. compiler/Pipelines runs these passes as the `seqc-model-abi`
// phase, before the CPU pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_MODELABI_PASSES_TD
#define SEQC_COMPILER_MODELABI_PASSES_TD

include "mlir/Pass/PassBase.td"

def SelectModelEntryPass : Pass<"seqc-select-model-entry", "::mlir::ModuleOp"> {
  let summary = "Mark the function that is the model";
  let description = [{
    Marks the model's entry with `seq.model_entry`: the function named by
    `entry`, or else the module's only public function with a body. Fails
    with an error when `entry` names no defined function, when the module
    has no public function with a body, or when it has several and `entry`
    is not given (the error lists them). The other public functions become
    private (the model ABI pipeline's symbol DCE drops those the entry
    does not call). The later passes of the phase work on the marked
    function.

    ```mlir
    func.func @lstm(%x: tensor<?x?x4xf32>) -> tensor<?x1x?x8xf32>
    // becomes
    func.func @lstm(%x: tensor<?x?x4xf32>) -> tensor<?x1x?x8xf32>
        attributes {seq.model_entry}
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "the model's function (default: the only public one)">,
  ];
}

def NameTiedDimsPass : Pass<"seqc-name-tied-dims", "::mlir::ModuleOp"> {
  let summary = "Name the dynamic dimensions the model requires to agree";
  let description = [{
    Generated code trusts that sizes which must agree (the batch of `x` and
    of `initial_h`, the length of `q` and of a mask) do agree; a caller who
    passed disagreeing ones would make it read out of bounds. The runtime
    checks named dimensions before every run, so this pass finds the ties
    from the ops' shape rules and sets `seq.dims` on the marked entry's
    arguments and results: a name the user gave is kept and spread to the
    dimensions it must equal; an unnamed group of two or more gets `d0`,
    `d1`, ... Two different user names that the model requires to be equal
    are an error naming both. Linalg loops, reshapes that add or drop unit
    dimensions, concatenations and casts tie softly: they name an unnamed
    dimension after its equal but never join two names (an exporter may
    name one batch B1 and B2; the run checks them).

    ```mlir
    func.func @m(%x: tensor<?x?x4xf32> {seq.dims = ["T", "B", ""]},
                 %h0: tensor<1x?x8xf32>) ... attributes {seq.model_entry}
    // %h0 feeds the LSTM that reads %x: its batch is B too
    func.func @m(%x: tensor<?x?x4xf32> {seq.dims = ["T", "B", ""]},
                 %h0: tensor<1x?x8xf32> {seq.dims = ["", "B", ""]}) ...
    ```
  }];
}

def ExternalizeWeightsPass : Pass<"seqc-externalize-weights", "::mlir::ModuleOp"> {
  let summary = "Move the model's weights out of the code into a safetensors file";
  let description = [{
    Every f32/f64 tensor `arith.constant` of the marked entry (with at
    least `min-elements` elements: by default all of them, a `[1]` bias
    included, so that no value of the model stays behind in the object
    where a file of retrained weights could not replace it) becomes a new
    trailing argument named
    `weight<k>` (`seq.name`, `seq.weight`), and, when `weights-file` is
    given, its values are written to that safetensors file under the same
    names with the runtime's writer (`seqc_rt_safetensors_write`), which the
    runtime's reader (`seqc_rt_model_open_weights`) is tested against. The
    object stays small and the weights can be swapped without recompiling.
    Without `weights-file` nothing is written: `seqc --emit=header
    --external-weights` needs only the signature.

    ```mlir
    %w = arith.constant dense<...> : tensor<32x4xf32>
    // becomes the argument
    %weight0: tensor<32x4xf32> {seq.name = "weight0", seq.weight}
    ```
  }];
  let options = [
    Option<"weightsFile", "weights-file", "std::string", /*default=*/"\"\"",
           "the safetensors file to write (default: write none)">,
    Option<"minElements", "min-elements", "int64_t", /*default=*/"1",
           "smaller constants stay in the code (only to debug: a value "
           "left in the code is not replaced with the file)">,
  ];
}

def ExportModelPass : Pass<"seqc-export-model", "::mlir::ModuleOp"> {
  let summary = "Export the model's entry (and its streaming step) and record their C signatures";
  let description = [{
    On the entry marked `seq.model_entry`:
    - derives the streaming step function `<name>__step` when the model is
      causal (as `seq-create-step-function`; a model that is not simply
      gets none);
    - renames the entry `<name>__forward`; the entry and the step get
      `llvm.emit_c_interface`, every other defined function becomes
      private;
    - records what object and header emission need as the module attribute
      `seq.model_abi`: the model name, and for `forward` (and `step`) the
      lowered function, the exported getter (`<name>_api`,
      `<name>_step_api`) and the signature text of `runtime/include/seqc/
      abi.h` (one `in|weight|state|out NAME DTYPE [DIMS]` line per tensor).

    `name` is the C prefix of the generated API; by default the module's
    `seq.model_name` (a `.seq` file's `model NAME`). A name starting with
    `seqc_` is refused: those belong to the runtime. Types the ABI cannot
    carry (unranked tensors, element types other than f32, f64, f16, bf16,
    i1, i8, i32, i64, rank above 8) and names that are not C identifiers
    are errors on the function.

    ```mlir
    module attributes {seq.model_abi = {name = "m",
        forward = {api = "m_api", function = "m__forward",
                   signature = "in x f32 [T,4]\nout output0 f32 [T,8]\n"}}} {
      func.func @m__forward(...) attributes {llvm.emit_c_interface}
    }
    ```
  }];
  let options = [
    Option<"name", "name", "std::string", /*default=*/"\"\"",
           "the C prefix of the model's API (default: seq.model_name)">,
  ];
  // What the streaming transformation builds.
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

def DropPortAttributesPass : Pass<"seqc-drop-port-attributes", "::mlir::ModuleOp"> {
  let summary = "Drop the seq.* argument and result attributes of lowered functions";
  let description = [{
    The names, dimension names and roles of a model's arguments and results
    (`seq.name`, `seq.dims`, `seq.state`, `seq.weight`, `seq.in_place`) are
    read by the checks' messages during lowering and recorded in
    `seq.model_abi`; in LLVM IR they mean nothing. The last pass of the CPU
    pipeline removes them from every function (`llvm.func` included).
  }];
}

#endif // SEQC_COMPILER_MODELABI_PASSES_TD
