//===- model_internal.h - What model.c shares with stream.c -----*- C -*-===//
//
// Private to the runtime: neither installed nor exported (the names avoid the
// exported seqc_rt_ prefix). A parsed signature keeps its tensors in line
// order: inputs, then weights, then states, then outputs, which is also the
// order of the model's arguments (inputs, weights, states). One invoke core
// validates the caller's tensors, builds the descriptors, calls the model and
// delivers its results; seqc_rt_model_run calls it without states,
// seqc_rt_stream_step with the stream's state buffers; both pass the weights
// bound at open.
//
//===----------------------------------------------------------------------===//
#ifndef SEQC_RUNTIME_MODEL_INTERNAL_H
#define SEQC_RUNTIME_MODEL_INTERNAL_H

#include "seqc/model.h"
#include "seqc/safetensors.h"

#include "buffer_cache.h"
#include "seqc/cuda.h"

#include <stddef.h>

/* The CUDA loader (cuda.c, which calls dlopen) is linked only where a
 * program needs it: a model object compiled with --target=cuda references
 * seqc_rt_cuda_open, which pulls cuda.o out of the static runtime, and
 * seq-run does the same. The model code's own references are weak, so that
 * a CPU-only program statically linked has no dlopen (glibc warns about
 * it, and before 2.34 it needs -ldl). open_gpu checks that it is there. */
#pragma weak seqc_rt_cuda_open
#pragma weak seqc_rt_cuda_close
#pragma weak seqc_rt_cuda_alloc
#pragma weak seqc_rt_cuda_free
#pragma weak seqc_rt_cuda_attach
#pragma weak seqc_rt_cuda_error_text

#ifdef __cplusplus
extern "C" {
#endif

typedef struct model_tensor {
  seqc_tensor_info info;
  int64_t shape[SEQC_MAX_RANK];
  const char *dim_names[SEQC_MAX_RANK];
  int16_t dim_ids[SEQC_MAX_RANK]; // index into seqc_model.dim_names, or -1
  size_t line;                    // 1-based signature line
} model_tensor;

struct seqc_model {
  const seqc_model_api *api;
  char *text; // the signature, tokenized in place; names point into it
  size_t num_inputs;
  size_t num_weights;
  size_t num_states;
  size_t num_outputs;
  // inputs, then weights, then states, then outputs (line order)
  model_tensor *tensors;
  size_t num_dim_names;
  const char *dim_names[SEQC_RT_MODEL_MAX_DIM_NAMES];
  // A step api's `time NAME` line: the input dimension chunks split (into
  // text); NULL when its signature has none.
  const char *stream_dim;
  // Weights (num_weights > 0 only): the mapped file, and one dense tensor per
  // weight line, pointing into the mapping or into weight_buffers[k] (a
  // converted or realigned copy, else NULL). Set by bind_weights.
  seqc_safetensors *weights_file;
  seqc_tensor *weights;
  void **weight_buffers;
  // The weights' memref descriptors as the model's entry takes them, built
  // once by bind_weights: descriptor_words(rank) each, in weight order;
  // weight_descriptors[k] points at weight k's.
  intptr_t *weight_words;
  intptr_t **weight_descriptors;
  // A CUDA model's weights are copied to managed memory when it opens: then
  // every weight_buffers[k] is a managed block (seqc_rt_cuda_free).
  int weight_buffers_managed;
  // The blocks the runs' temporaries and results come from.
  buffer_cache *buffers;
  // Where runs split their large contractions (not owned); NULL: one thread.
  seqc_thread_pool *pool;
  // The GPU of a model compiled with --target=cuda (SEQC_MODEL_FLAG_CUDA),
  // owned; its runs' buffers are managed memory and their arguments are
  // staged into managed memory too. NULL for a CPU model.
  seqc_cuda *cuda;
};

// Index into seqc_model.tensors of state k.
static inline size_t model_state_index(const seqc_model *m, size_t k) {
  return m->num_inputs + m->num_weights + k;
}
static inline const model_tensor *model_input_tensor(const seqc_model *m,
                                                     size_t i) {
  return &m->tensors[i];
}
static inline const model_tensor *model_weight_tensor(const seqc_model *m,
                                                      size_t k) {
  return &m->tensors[m->num_inputs + k];
}
static inline const model_tensor *model_state_tensor(const seqc_model *m,
                                                     size_t k) {
  return &m->tensors[model_state_index(m, k)];
}
static inline const model_tensor *model_output_tensor(const seqc_model *m,
                                                      size_t o) {
  return &m->tensors[m->num_inputs + m->num_weights + m->num_states + o];
}

// Extents bound to dimension names during one run, and the tensor (index into
// seqc_model.tensors) that bound each, or -1. A stream presets the names its
// states use, bound by the first state that names them, so that a mismatch
// reads "... but the stream was opened with B = 2".
typedef struct model_dim_bindings {
  int64_t value[SEQC_RT_MODEL_MAX_DIM_NAMES];
  int16_t bound_by[SEQC_RT_MODEL_MAX_DIM_NAMES];
} model_dim_bindings;

void seqc_model_bindings_clear(model_dim_bindings *b);

// seqc_rt_model_open (weights_path NULL) and seqc_rt_model_open_weights;
// `caller` is the public function the error messages point to for the
// other kind of api ("seqc_rt_model_open" or "seqc_rt_stream_open").
seqc_status seqc_model_open(const seqc_model_api *api, const char *weights_path,
                            const char *caller, seqc_model **out,
                            seqc_error *err);

// The invoke core. `inputs`/`outputs` as for seqc_rt_model_run (same checks,
// same two output modes, same cleanup on failure). `states` is NULL when the
// model has none, else m->num_states dense tensors (offset 0, the model's
// dtype and bound shape) passed to the model after the inputs and weights; on success
// each receives the model's next state by copy and the model's buffer is
// released, and on failure none is written. `b` holds the preset bindings
// (cleared for a plain run) and is updated with what the inputs bind.
seqc_status seqc_model_invoke(const seqc_model *m, const seqc_tensor *inputs,
                              size_t num_inputs, seqc_tensor *outputs,
                              size_t num_outputs, const seqc_tensor *states,
                              model_dim_bindings *b, seqc_error *err);

// "[1,2,3]" into buf (truncated to `size`).
void seqc_model_format_shape(char *buf, size_t size, int64_t rank,
                             const int64_t *shape);

// Bytes of `numel` elements of `esize`, or -1 on overflow.
int64_t seqc_model_byte_size(int64_t numel, size_t esize);

/* Caller buffers (buffer_checks.c). Whether elements of `t` may share
 * memory (an output view that would lose results). */
int seqc_model_strides_overlap(const seqc_tensor *t);
/* Whether the elements of the non-empty `t`, whose numel times element
 * size fits int64, lie in one addressable buffer (no offset overflows). */
int seqc_model_addressable(const seqc_tensor *t);
/* Whether two non-empty, addressable tensors' bytes meet. */
int seqc_model_ranges_meet(const seqc_tensor *a, const seqc_tensor *b);
/* The first of the `num_states` stream states whose bytes the non-empty,
 * addressable `t` meets, or -1. */
ptrdiff_t seqc_model_state_meeting(const seqc_tensor *states, size_t num_states,
                                   const seqc_tensor *t);
/* SEQC_ERR_INVALID_ARGUMENT: "ROLE 'NAME' has strides [...], under which
 * its elements would lie outside any addressable buffer ...". */
seqc_status seqc_model_refuse_strides(const char *role, const char *tname,
                                      const seqc_tensor *t, seqc_error *err);

/* Writes at `w` the memref descriptor the compiled entry reads for a dense
 * tensor: allocated and aligned pointer `data`, offset 0, `shape`, dense
 * row-major strides (model.c; seqc_model_invoke's inputs and states, and
 * external weights once at open). */
void seqc_model_write_descriptor(intptr_t *w, void *data, int64_t rank,
                                 const int64_t *shape);

/* seqc_rt_cpu_level before SEQC_MAX_CPU_LEVEL lowers it (cpu_level.c). */
int seqc_cpu_detected_level(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

/* Intptr words of a memref descriptor of rank `rank`. */
static inline size_t descriptor_words(int64_t rank) {
  return seqc_descriptor_words(rank);
}

#endif // SEQC_RUNTIME_MODEL_INTERNAL_H
