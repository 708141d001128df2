/*===- seqc/stream.h - Run a causal model chunk by chunk -------------------===*
 *
 * For a causal model seqc also emits a step entry,
 * `const seqc_model_api *<name>_step_api(void)`, whose signature adds
 * `state` lines (see seqc/model.h): the step takes the inputs of one chunk
 * of the sequence plus the current states and returns the chunk's outputs
 * plus the next states. A seqc_stream owns one set of state buffers and
 * threads them from chunk to chunk, so that feeding a sequence in chunks of
 * any length gives the outputs of one run over the whole sequence.
 *
 * Every dynamic state dimension is named (e.g. B); the stream binds those
 * names once, at open, and every chunk's tensors must agree with them.
 *
 * Threads: a stream is used by one thread at a time; any number of streams,
 * of one step api or several, may step concurrently.
 *
 *===----------------------------------------------------------------------===*/
#ifndef SEQC_STREAM_H
#define SEQC_STREAM_H

#include "seqc/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seqc_stream seqc_stream;

/* The extent of one named dimension, e.g. {"B", 4}. */
typedef struct seqc_dim_binding {
  const char *name;
  int64_t extent;
} seqc_dim_binding;

/* Opens a stream for a step api: checks and parses it as seqc_rt_model_open
 * does, binds the named dims used by the states and allocates the state
 * buffers (64-byte aligned, zeroed). `dims` binds exactly the names the
 * states use, each once; an unbound state dim, an unknown name or one no
 * state uses, a repeated name, a negative extent or a `capacity` of 0 (a
 * key/value cache that could take no step) is
 * SEQC_ERR_INVALID_ARGUMENT naming it, as is an api without states (pass
 * <name>_step_api, not <name>_api). States that together need more bytes
 * than the machine's physical memory (a key/value cache's `capacity` set
 * too large), or a failed allocation, are SEQC_ERR_OUT_OF_MEMORY, before
 * any state is zeroed. *out is NULL on failure. The api record and the
 * code behind it must outlive the stream. */
seqc_status seqc_rt_stream_open(const seqc_model_api *step_api,
                                const seqc_dim_binding *dims, size_t num_dims,
                                seqc_stream **out, seqc_error *err);

/* seqc_rt_stream_open for a step api whose weights live in a safetensors
 * file (`weight` lines, seqc --external-weights): maps and checks
 * `weights_path` as seqc_rt_model_open_weights does and passes the weights
 * after the inputs at every step. The file stays mapped until the stream is
 * closed. seqc_rt_stream_open refuses such an api, and this function an api
 * without weights, with SEQC_ERR_INVALID_ARGUMENT. */
seqc_status seqc_rt_stream_open_weights(const seqc_model_api *step_api,
                                        const char *weights_path,
                                        const seqc_dim_binding *dims,
                                        size_t num_dims, seqc_stream **out,
                                        seqc_error *err);

/* Releases a stream and its states; NULL is a no-op. */
void seqc_rt_stream_close(seqc_stream *stream);

/* seqc_rt_model_memory_stats / seqc_rt_model_trim (seqc/model.h) for the
 * stream's steps: the blocks a step's temporaries take are kept for the
 * next step. NULL stream: zeros / a no-op. */
void seqc_rt_stream_memory_stats(const seqc_stream *stream,
                                 seqc_memory_stats *stats);
void seqc_rt_stream_trim(const seqc_stream *stream);

/* seqc_rt_model_set_thread_pool (seqc/model.h) for the stream's steps.
 * NULL stream: a no-op. */
void seqc_rt_stream_set_thread_pool(seqc_stream *stream,
                                    seqc_thread_pool *pool);

/* Zeroes every state, as at open. SEQC_ERR_INVALID_ARGUMENT for NULL. */
seqc_status seqc_rt_stream_reset(seqc_stream *stream);

/* Number of states (0 for NULL). */
size_t seqc_rt_stream_num_states(const seqc_stream *stream);

/* A view of state k (dense, the stream's own buffer; its shape is the
 * state's with the bound dims) that the caller may read, or overwrite in
 * place, between steps to inspect or set the state; NULL when k is out of
 * range. The pointer stays valid until the stream is closed; edits to the
 * descriptor itself (rather than the data) are undone by the next
 * seqc_rt_stream_state call and never reach the model. Its name and dtype are
 * seqc_rt_model_state(...) of the step api. A recurrence whose model starts
 * it from an input (h0) or a learned value reads that value, not its state,
 * in the first step after open or reset (a started flag, one more state,
 * tells the step which): set such a state after the first step, or pass
 * the value as the input. */
seqc_tensor *seqc_rt_stream_state(seqc_stream *stream, size_t k);

/* Runs one chunk. inputs/outputs exactly as seqc_rt_model_run (the same
 * validation, including named dims, which must also agree with the dims the
 * stream was opened with; the same two output modes); the current states are
 * passed after the inputs (and any weights), and on success each state is
 * replaced by the model's next state. An input or caller-provided output
 * whose bytes meet a state's buffer (seqc_rt_stream_state's data) is
 * refused with SEQC_ERR_INVALID_ARGUMENT naming both: the step updates the
 * states. On any failure the states are
 * unchanged and no buffer is leaked. (A key/value cache is appended to in
 * place rather than copied: a failed step may have written cache entries
 * past the cached position, which its position state, unchanged, keeps
 * out of every later step.) A model with a causal convolution, or one
 * that reads the last step of its sequence (a classifier's y[:, -1]),
 * refuses a chunk of 0 steps (SEQC_ERR_SHAPE, "a streamed chunk has 0
 * steps"): its step reads at least one new step. */
seqc_status seqc_rt_stream_step(seqc_stream *stream, const seqc_tensor *inputs,
                                size_t num_inputs, seqc_tensor *outputs,
                                size_t num_outputs, seqc_error *err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SEQC_STREAM_H */
