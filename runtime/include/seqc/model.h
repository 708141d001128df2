/*===- seqc/model.h - Run any compiled model through its generic entry -----===*
 *
 * A compiled model exports `const seqc_model_api *<name>_api(void)` (see the
 * "Compiled models" block of seqc/abi.h). seqc_rt_model_open reads and checks
 * that record once; seqc_rt_model_run then validates caller tensors against
 * the signature, builds the memref descriptors on the stack and calls the
 * model. This is what seq-run and other generic tools use; applications that
 * know their model call its typed C API instead.
 *
 * Signature grammar (one line per tensor, inputs first, then weights, then
 * states, then outputs; '\n'-terminated, the last newline may be omitted;
 * single spaces, no other whitespace):
 *   line  := ("in" | "weight" | "state" | "out") " " IDENT " " DTYPE
 *            " [" dims "]"
 *   dims  := "" | dim ("," dim)*          (at most SEQC_MAX_RANK dims)
 *   dim   := DIGITS | IDENT | "?"          ("?" not in a state line; only
 *                                           DIGITS in a weight line)
 *   IDENT := [A-Za-z_][A-Za-z0-9_]*
 *   DTYPE := f32 | f16 | bf16 | f64 | i8 | i32 | i64 | bool | u8
 * Tensor names are unique across all roles. A named dimension is dynamic and
 * must have the same extent everywhere it appears. `state` lines appear only
 * in the step api of a causal model (`<name>_step_api`): such a model is run
 * chunk by chunk through seqc/stream.h, which passes the states after the
 * inputs and receives the next states after the outputs; the api record's
 * num_inputs/num_outputs count only the `in`/`out` lines.
 * `weight` lines appear in a model compiled with `seqc --external-weights`:
 * its weights live in a safetensors file (tensors named as the lines) that
 * seqc_rt_model_open_weights / seqc_rt_stream_open_weights map and check
 * once; the runtime passes them after the inputs (before any state) on
 * every call.
 *
 * Threads: a seqc_model is read-only after open (and after
 * seqc_rt_model_set_thread_pool, which is called before runs start); any
 * number of threads may call seqc_rt_model_run on one model at once (the
 * model's own code must be reentrant, which compiled models are).
 *
 *===----------------------------------------------------------------------===*/
#ifndef SEQC_MODEL_H
#define SEQC_MODEL_H

#include "seqc/runtime.h"
#include "seqc/thread_pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits that keep seqc_rt_model_run free of allocation: its descriptors live
 * in fixed-size stack arrays (about 12 KiB) and its argument array takes one
 * pointer per input, weight and state. A model beyond them is rejected by
 * seqc_rt_model_open with SEQC_ERR_UNSUPPORTED. States count on both sides:
 * inputs + states <= MAX_INPUTS, outputs + states <= MAX_OUTPUTS. External
 * weights (seqc_rt_model_open_weights) have their own limit: their
 * descriptors are built once, when the model opens. The compiled entry
 * takes each weight's descriptor as separate arguments, though: a run
 * needs about 100 bytes of the calling thread's stack per weight (60 KiB
 * for 600 weights, 400 KiB for 4096; glibc's threads get 8 MiB, musl's
 * 128 KiB), besides what the model itself uses. */
#define SEQC_RT_MODEL_MAX_INPUTS 128
#define SEQC_RT_MODEL_MAX_OUTPUTS 128
#define SEQC_RT_MODEL_MAX_WEIGHTS 4096
/* Total descriptor words (3 + 2 * rank per tensor) of all inputs and states,
 * and separately of all outputs and states. */
#define SEQC_RT_MODEL_MAX_DESCRIPTOR_WORDS 512
/* Distinct dimension names in one signature. */
#define SEQC_RT_MODEL_MAX_DIM_NAMES 64

typedef struct seqc_model seqc_model;

/* Checks api->abi_version against SEQC_ABI_VERSION, parses the signature and
 * builds the tensor descriptions. Errors: SEQC_ERR_INVALID_ARGUMENT (NULL
 * api/out, missing invoke), SEQC_ERR_UNSUPPORTED (other ABI version, api
 * flags this runtime does not know, limits above, code for an x86-64
 * level this CPU lacks: see seqc_rt_cpu_level), SEQC_ERR_FORMAT
 * (malformed signature, naming the line), SEQC_ERR_OUT_OF_MEMORY,
 * SEQC_ERR_DEVICE (a model compiled with --target=cuda on a machine whose
 * CUDA driver or GPU cannot be used, with the reason; see seqc/cuda.h;
 * SEQC_CUDA_DEVICE=N picks the GPU, 0 by default). *out is NULL on failure. The api record and
 * the code behind it must outlive the seqc_model (keep the library loaded).
 * A model with `weight` lines is refused (SEQC_ERR_INVALID_ARGUMENT): open
 * it with seqc_rt_model_open_weights. */
seqc_status seqc_rt_model_open(const seqc_model_api *api, seqc_model **out,
                               seqc_error *err);

/* Opens a model whose weights live in a safetensors file (seqc
 * --external-weights writes <base>.safetensors): as seqc_rt_model_open, then
 * maps `weights_path` read-only (seqc_rt_safetensors_open, fully validated)
 * and binds every `weight` line to the tensor of the same name. Each must
 * have the weight's exact shape and dtype; an f32 weight also accepts an
 * F16 or BF16 tensor, converted once into an owned 64-byte aligned buffer,
 * and data the file leaves unaligned for its dtype is copied to an aligned
 * buffer; everything else is used in place. Tensors the model does not name
 * are ignored. Errors name the file and the tensor: SEQC_ERR_IO or the
 * reader's status (unreadable or malformed file), SEQC_ERR_FORMAT (missing
 * tensors, all listed), SEQC_ERR_DTYPE, SEQC_ERR_SHAPE (expected vs
 * found), SEQC_ERR_INVALID_ARGUMENT (NULL weights_path, or an api without
 * weight lines: open it with seqc_rt_model_open). The file stays mapped,
 * and must not be modified, until seqc_rt_model_close. */
seqc_status seqc_rt_model_open_weights(const seqc_model_api *api,
                                       const char *weights_path,
                                       seqc_model **out, seqc_error *err);

/* Releases a model from seqc_rt_model_open(_weights), unmapping its
 * weights; NULL is a no-op. */
void seqc_rt_model_close(seqc_model *model);

const char *seqc_rt_model_name(const seqc_model *model);
/* The x86-64 level (1-4) the model's code was compiled for, from its api
 * flags (SEQC_MODEL_FLAG_CPU_LEVEL_SHIFT in seqc/abi.h); 0 when the record
 * names none. A model compiled for several levels (seqc's default --mcpu)
 * reports the one its api getter picked for this CPU. */
int seqc_rt_model_cpu_level(const seqc_model *model);

/* The x86-64 microarchitecture level this CPU and OS run, as the x86-64
 * psABI numbers them: 1 = x86-64, 2 = x86-64-v2, 3 = x86-64-v3 (AVX2,
 * FMA), 4 = x86-64-v4 (AVX-512), from CPUID's feature bits and XGETBV's
 * saved register state; 0 on other architectures. SEQC_MAX_CPU_LEVEL=N
 * (N in 1-4) in the environment lowers it to at most N, to run or compare
 * a model's lower code versions; compiled models' api getters read the same
 * variable when they pick a version (each model object once, at its first
 * getter call; this function at every call). Unset or empty, it lowers
 * nothing.
 * Returns -1 when it is set to anything else (seqc_rt_model_open then fails
 * with SEQC_ERR_INVALID_ARGUMENT for a record that names a level; the api
 * getters ignore such a value). */
int seqc_rt_cpu_level(void);

/* The name of x86-64 level `level`: "x86-64", "x86-64-v2", "x86-64-v3",
 * "x86-64-v4"; "no x86-64 level" for 0, "an unknown x86-64 level" for any
 * other value. Static storage. */
const char *seqc_rt_cpu_level_name(int level);
size_t seqc_rt_model_num_inputs(const seqc_model *model);
size_t seqc_rt_model_num_outputs(const seqc_model *model);
/* Number of `state` lines: 0 for a plain model, > 0 for a step api. */
size_t seqc_rt_model_num_states(const seqc_model *model);
/* A step api's time dimension: the name of the input dimension whose
 * steps a stream's chunks split (its signature's `time NAME` line), e.g.
 * "T"; NULL when the signature does not say (a plain model, or a step api
 * whose ops did not trace it to a named input dimension). Valid until
 * seqc_rt_model_close. */
const char *seqc_rt_model_stream_dim(const seqc_model *model);
/* Number of `weight` lines: > 0 only for a model opened with
 * seqc_rt_model_open_weights (or a stream's step api). */
size_t seqc_rt_model_num_weights(const seqc_model *model);

/* The description of input/output i, or NULL when i is out of range. Shapes
 * hold SEQC_DIM_DYNAMIC for named and '?' dims; dim_names is NULL when the
 * tensor has no named dim, else one entry per dim (NULL where unnamed). The
 * pointers stay valid until seqc_rt_model_close. */
const seqc_tensor_info *seqc_rt_model_input(const seqc_model *model, size_t i);
const seqc_tensor_info *seqc_rt_model_output(const seqc_model *model, size_t i);
/* The description of weight k (static shape, dim_names NULL), or NULL when k
 * is out of range. */
const seqc_tensor_info *seqc_rt_model_weight(const seqc_model *model,
                                             size_t k);
/* The description of state k (every dynamic dim named), or NULL when k is out
 * of range. */
const seqc_tensor_info *seqc_rt_model_state(const seqc_model *model, size_t k);

/* Index of the input called `name`, or -1. */
int seqc_rt_model_find_input(const seqc_model *model, const char *name);
/* Index of the output called `name`, or -1. */
int seqc_rt_model_find_output(const seqc_model *model, const char *name);

/* Runs the model once. A step api (one with states) is refused with
 * SEQC_ERR_INVALID_ARGUMENT: stream it through seqc/stream.h.
 *
 * inputs[i] is input i in signature order; any strides are accepted (a
 * non-contiguous input is packed into a temporary dense copy, the only
 * allocation this function makes besides the outputs, except for a CUDA
 * model, whose every input, weight and state is copied into CUDA managed
 * memory for the call: the model itself always sees dense row-major
 * descriptors with offset 0). Checked before the
 * model runs: the counts, reserved == 0, dtype, rank, every static extent,
 * that each named dim has one extent across all inputs, that data is
 * non-NULL unless the tensor is empty, and that the strides keep every
 * element's byte offset within the address space (SEQC_ERR_INVALID_ARGUMENT
 * otherwise; outputs too).
 *
 * outputs[i] receives output i, in one of two modes chosen per output:
 *  - data == NULL: the runtime fills in data, rank, shape, dense strides and
 *    dtype; the buffer is the caller's, to release with seqc_rt_tensor_free.
 *  - data != NULL: a caller-provided buffer with the output's dtype and rank
 *    and strides under which no two elements share memory, in bytes no
 *    other caller-provided output's elements span (else
 *    SEQC_ERR_INVALID_ARGUMENT naming them); its shape must equal the produced
 * shape (checked against the signature before the model runs where the inputs
 *    determine it, and against the result afterwards), else SEQC_ERR_SHAPE
 *    naming both. It may share memory with an input: outputs are written
 *    only after the model has run (the runtime copies each result into its
 *    buffer), when the inputs are no longer read.
 * A check inside the model (a size it relies on, an index out of range) fails
 * the run with SEQC_ERR_SHAPE / SEQC_ERR_INVALID_ARGUMENT and its message; an
 * allocation inside it that fails gives SEQC_ERR_OUT_OF_MEMORY; a GPU kernel
 * of a CUDA model that fails gives SEQC_ERR_DEVICE with the driver's error.
 * Inputs are never written. On failure the outputs the runtime allocated are
 * released and reset to data == NULL, and nothing the model returned is leaked
 * (temporaries the model allocated before a failed allocation are the one
 * exception); caller buffers may have been written. */
seqc_status seqc_rt_model_run(const seqc_model *model,
                              const seqc_tensor *inputs, size_t num_inputs,
                              seqc_tensor *outputs, size_t num_outputs,
                              seqc_error *err);

/* Lets the model's runs split their large contractions (the packed GEMMs
 * of linear layers and input projections, a recurrence's per-step
 * product, attention's (batch, head) pairs) over `pool`'s threads; NULL
 * (the default) runs them on the calling thread. The pool is not owned: it
 * must outlive the model's runs. Call it before runs start, not while one
 * is in flight; runs on several threads may share one pool (their parallel
 * parts take turns), but a run must not be started from a task running on
 * that pool (it would wait for itself). NULL model: no-op. */
void seqc_rt_model_set_thread_pool(seqc_model *model, seqc_thread_pool *pool);

/* Releases the buffer of an output that seqc_rt_model_run allocated (the
 * data == NULL mode) and sets data to NULL. NULL or a NULL data is a no-op.
 * Never call it on a caller-provided buffer. */
void seqc_rt_tensor_free(seqc_tensor *tensor);

/* How a model handle's runs got their buffers. A model allocates its
 * temporaries and results through the runtime, which keeps the blocks a run
 * frees mapped and reuses them (this run or the next): a warm run takes no
 * page faults and makes no system allocation for its temporaries. The cache
 * holds at most as many idle bytes as the largest run had live at once, and
 * besides them up to 1 MiB of blocks of at most 4 KiB. */
typedef struct seqc_memory_stats {
  uint64_t system_allocations; /* blocks obtained from aligned_alloc */
  uint64_t reused_allocations; /* allocations served from the cache */
  uint64_t cached_bytes;       /* idle blocks kept mapped now */
  uint64_t peak_run_bytes;     /* most bytes one run had allocated at once */
} seqc_memory_stats;

/* Counts since seqc_rt_model_open (or the stream's open, for the model of a
 * stream: seqc_rt_stream_memory_stats). NULL model or stats: all zero. */
void seqc_rt_model_memory_stats(const seqc_model *model,
                                seqc_memory_stats *stats);

/* Frees the idle blocks the model keeps for its next runs (say, before a
 * long pause); later runs map memory again. NULL is a no-op. */
void seqc_rt_model_trim(const seqc_model *model);

/* A 64-byte aligned buffer of `size` bytes (at least 1) that free() and
 * seqc_rt_free release; NULL when out of memory or on overflow. */
void *seqc_rt_alloc(size_t size);
void seqc_rt_free(void *ptr);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SEQC_MODEL_H */
