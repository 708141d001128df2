/*===- seqc/abi.h - The one header shared by compiler and runtime ---------===*
 *
 * Plain C, no includes beyond <stddef.h>/<stdint.h>. Every number in this file
 * is frozen once released: generated model objects embed these values, so a
 * change here silently breaks every model compiled against an older runtime.
 * Add new enumerators at the end; never renumber or reuse one. Layouts are
 * pinned by the static asserts at the bottom.
 *
 *===----------------------------------------------------------------------===*/
#ifndef SEQC_ABI_H
#define SEQC_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped only when a layout or meaning below changes incompatibly. */
#define SEQC_ABI_VERSION 5

/* Highest tensor rank a descriptor can carry. */
#define SEQC_MAX_RANK 8

/* Marks a dimension whose extent is only known at run time. */
#define SEQC_DIM_DYNAMIC (-1)

/* Every dtype once: X(ENUMERATOR, number, signature word, bytes per element,
 * C element type). The compiler (signatures, headers) and the runtime
 * (parsing, sizes, names) expand this one list. A BOOL element is one byte
 * holding 0 or 1 (compiled models read its lowest bit; the npy reader maps
 * any nonzero byte to 1). */
#define SEQC_DTYPE_LIST(X)                                                     \
  X(F32, 1, "f32", 4, float)                                                   \
  X(F16, 2, "f16", 2, uint16_t)                                                \
  X(BF16, 3, "bf16", 2, uint16_t)                                              \
  X(F64, 4, "f64", 8, double)                                                  \
  X(I8, 5, "i8", 1, int8_t)                                                    \
  X(I32, 6, "i32", 4, int32_t)                                                 \
  X(I64, 7, "i64", 8, int64_t)                                                 \
  X(BOOL, 8, "bool", 1, uint8_t)                                               \
  X(U8, 9, "u8", 1, uint8_t)

typedef enum seqc_dtype {
#define SEQC_DTYPE_ENUMERATOR(name, number, word, bytes, ctype)                \
  SEQC_DTYPE_##name = number,
  SEQC_DTYPE_LIST(SEQC_DTYPE_ENUMERATOR)
#undef SEQC_DTYPE_ENUMERATOR
} seqc_dtype;

typedef enum seqc_status {
  SEQC_OK = 0,
  SEQC_ERR_INVALID_ARGUMENT = 1,
  SEQC_ERR_SHAPE = 2,
  SEQC_ERR_DTYPE = 3,
  SEQC_ERR_IO = 4,
  SEQC_ERR_FORMAT = 5,
  SEQC_ERR_OUT_OF_MEMORY = 6,
  SEQC_ERR_UNSUPPORTED = 7,
  SEQC_ERR_INTERNAL = 8,
  /* The GPU failed: no driver or device, a kernel did not launch or run, a
   * device allocation or copy failed (ABI version 5). */
  SEQC_ERR_DEVICE = 9
} seqc_status;

/* A strided view of a tensor. Strides count elements, not bytes, so that a
 * descriptor stays valid when the element type is known from `dtype`. */
typedef struct seqc_tensor {
  void *data;
  int64_t rank;
  int64_t shape[SEQC_MAX_RANK];
  int64_t strides[SEQC_MAX_RANK]; /* in elements */
  int32_t dtype;                  /* a seqc_dtype */
  int32_t reserved;               /* must be 0 */
} seqc_tensor;

/* The signature of one input or output of a compiled model, so that generic
 * tools (seq-run) can drive any model without its header. */
typedef struct seqc_tensor_info {
  const char *name;
  int32_t dtype; /* a seqc_dtype */
  int32_t rank;
  const int64_t *shape;         /* SEQC_DIM_DYNAMIC marks a dynamic dim */
  const char *const *dim_names; /* e.g. "T", "B"; NULL if none are named */
} seqc_tensor_info;

/* ---- Compiled models ------------------------------------------------------
 *
 * A compiled model exports `const seqc_model_api *<name>_api(void)`. Its
 * `invoke` is a packed entry: args[0] points to the results record, args[1+i]
 * to the memref descriptor of input i, and the last entry (after the inputs
 * and any weights and states) to a zeroed `seqc_model_context`. The entry
 * only reads the buffers of its inputs, weights and states. A descriptor of
 * rank r is 3 + 2r intptr-sized words: allocated pointer, aligned pointer,
 * offset (elements), sizes[r], strides[r] (elements). The results record is the
 * outputs' descriptors back to back; the model allocates every output, and
 * every temporary, through the context's allocator (below), by default
 * aligned_alloc() (64-byte aligned, so the allocated and aligned pointers are
 * equal), and the caller releases each output with the matching free
 * (free(allocated pointer) by default).
 *
 * `signature` describes the tensors, one line each, inputs first:
 *   "in x f32 [T,B,4]\nout y f32 [T,1,B,8]\n"
 * A dimension is a non-negative size, a name (a dynamic size that must agree
 * wherever the name appears) or '?' (a dynamic size with no constraint).
 * Dtype words: f32 f16 bf16 f64 i8 i32 i64 bool u8. Booleans are one byte,
 * 0 or 1.
 *
 * A causal model also exports `const seqc_model_api *<name>_step_api(void)`,
 * one chunk of the sequence per call. Its signature adds `state` lines
 * between the inputs and the outputs ("state state0 f32 [1,B,8]", every
 * dynamic dim named); num_inputs/num_outputs count only `in`/`out` lines.
 * Its invoke takes args[1..] = the inputs' then the states' descriptors, and
 * its results record is the outputs' then the next states' descriptors, each
 * allocated like an output, or the state's own buffer when the step updated
 * that state in place (a key/value cache), which the caller then keeps as
 * it is. seqc/stream.h drives it. Its signature may start with a line
 * "time T": the input dimension whose steps the chunks split, which the
 * compiler traced the model's stateful ops to (added within ABI version 5:
 * an older runtime refuses such a signature).
 *
 * A model compiled with `seqc --external-weights` keeps its weight constants
 * in a safetensors file instead of its code. Its signatures (plain and step)
 * add `weight` lines after the inputs ("weight weight0 f32 [1,8,4]", static
 * dims only), named as the tensors of that file; its invoke takes args[1..]
 * = the inputs', then the weights', then any states' descriptors. The
 * weights are only read, never returned or freed by the model. Order of the
 * lines: in, weight, state, out; num_inputs/num_outputs count only `in`/`out`
 * lines. seqc_rt_model_open_weights / seqc_rt_stream_open_weights bind the
 * file. */

/* Intptr-sized words of a memref descriptor of rank `rank` (above). */
/* (C++ code built with -Wold-style-cast includes this too.) */
#ifdef __cplusplus
#define SEQC_SIZE_CAST(x) static_cast<size_t>(x)
#else
#define SEQC_SIZE_CAST(x) ((size_t)(x))
#endif
static inline size_t seqc_descriptor_words(int64_t rank) {
  return 3 + 2 * SEQC_SIZE_CAST(rank);
}

typedef void (*seqc_model_invoke_fn)(void **args);

/* What a compiled entry reports besides its results (ABI version 2). The
 * caller zeroes it before the call. When a run-time check in the generated
 * code fails (two sizes the model relies on disagree, an index is out of
 * range, an allocation failed), the first failure is recorded here:
 * `status` is a seqc_status (SEQC_ERR_SHAPE, SEQC_ERR_INVALID_ARGUMENT,
 * SEQC_ERR_OUT_OF_MEMORY), `message` a static text naming the tensor or the
 * op and its place in the model, in which "{}" stands for `value` (the
 * offending size, index or byte count) when `has_value` is 1. After a SHAPE
 * or OUT_OF_MEMORY failure the entry returned at once: every result
 * descriptor is all zero. After an INVALID_ARGUMENT failure the run went on
 * with safe (clamped) accesses and the results are real buffers, which the
 * caller frees and does not deliver. */
typedef struct seqc_model_context {
  int32_t status;      /* a seqc_status; SEQC_OK while nothing failed */
  int32_t has_value;   /* 1 when `value` is meaningful */
  const char *message; /* static, NUL-terminated; NULL while nothing failed */
  int64_t value;
  /* The allocator of every buffer the entry allocates, temporaries and
   * results alike (ABI version 3). The caller sets `alloc` and `free`
   * together before the call, or leaves `alloc` NULL for
   * aligned_alloc()/free() (then `free` is not read). `alloc` returns
   * `size` bytes aligned to `alignment` (a power of two; `size` is a
   * multiple of it), or NULL when out of memory; `free` takes back a block
   * the entry no longer needs: one `alloc` returned or, from a helper
   * function of a hand-written module that has no context, one from
   * aligned_alloc(), which `free` must pass to free(). Blocks of results
   * are not freed by the entry: they go to the caller. seqc's runtime
   * passes a cache that keeps freed blocks mapped for the next call (no
   * page faults and no system allocation once warm). */
  void *(*alloc)(void *allocator, size_t alignment, size_t size);
  void (*free)(void *allocator, void *block);
  void *allocator; /* first argument of alloc and free */
  /* Threads (ABI version 4). With `parallel_for` NULL (a zeroed context) the
   * entry runs on the calling thread. Otherwise the entry splits large
   * contractions into at most `num_threads` independent chunks and calls
   * parallel_for(pool, n, fn, args) for n of them; parallel_for must run
   * fn(args, begin, end) over disjoint ranges covering [0, n), on any
   * threads, and return once all have finished (seqc_rt_thread_pool_attach
   * in seqc/thread_pool.h sets these three fields to a seqc_thread_pool).
   * fn runs iterations that write disjoint memory; it may call `alloc` and
   * `free` (so with parallel_for set they must be thread-safe, as the
   * runtime's cache is) and record a failure in this context (the first
   * one claims `status` with a compare-and-swap). parallel_for must not be
   * called from inside fn of the same pool. num_threads <= 1 also means
   * one thread. */
  void (*parallel_for)(void *pool, int64_t n,
                       void (*fn)(void *args, int64_t begin, int64_t end),
                       void *args);
  void *pool;         /* first argument of parallel_for */
  int64_t num_threads;
  /* The GPU (ABI version 5), used only by a model compiled with
   * `seqc --target=cuda` (SEQC_MODEL_FLAG_CUDA): with `gpu_launch` NULL
   * such a model records SEQC_ERR_DEVICE and returns at once.
   * seqc_rt_cuda_attach (seqc/cuda.h) sets these three fields and the
   * allocator: every buffer the entry allocates, and every input, weight
   * and state it is given, must then be memory both the CPU and the GPU
   * can address (CUDA managed memory), since the entry's host code and its
   * kernels both touch them.
   *  - gpu_launch(gpu, ptx, kernel, dims, params) runs kernel `kernel` (a
   *    NUL-terminated name) of the PTX module `ptx` (NUL-terminated text,
   *    the same address on every call, so it can key a cache of loaded
   *    modules) on a grid of dims[0..2] blocks of dims[3..5] threads, with
   *    `params` as cuLaunchKernel's kernelParams, and returns once the
   *    kernel has finished: 0, or the CUDA driver's error code (a CUresult)
   *    when loading, launching or running it failed.
   *  - gpu_constant(gpu, host, bytes) returns a copy of the `bytes` bytes of
   *    read-only data at `host` (a weight constant of the model) that the
   *    GPU can read, made on the first call for `host` and kept until the
   *    GPU handle is destroyed; NULL when out of device memory. */
  int32_t (*gpu_launch)(void *gpu, const char *ptx, const char *kernel,
                        const int64_t dims[6], void **params);
  const void *(*gpu_constant)(void *gpu, const void *host, int64_t bytes);
  void *gpu; /* first argument of gpu_launch and gpu_constant */
} seqc_model_context;

/* seqc_model_api.flags (ABI version 5). */
#define SEQC_MODEL_FLAG_CUDA 1u /* compiled with --target=cuda */
/* Bits 8-11: the x86-64 microarchitecture level (the x86-64 psABI's:
 * 1 = x86-64, 2 = x86-64-v2 (SSE4.2, POPCNT), 3 = x86-64-v3 (AVX2, FMA,
 * BMI2), 4 = x86-64-v4 (AVX-512 F/BW/CD/DQ/VL)) whose instructions the
 * record's code uses (for --target=cuda: its host code's, 1); 0 when not
 * recorded (hand-written records). A CPU named by --mcpu (znver4, native) records
 * the highest level its features include, which it may exceed (AVX512-BF16,
 * VNNI). seqc_rt_model_open refuses a record whose level the running CPU
 * lacks. Added within ABI version 5: a runtime older than these bits refuses
 * such a record ("api flags ... has bits this runtime does not know"). */
#define SEQC_MODEL_FLAG_CPU_LEVEL_SHIFT 8
#define SEQC_MODEL_FLAG_CPU_LEVEL_MASK (0xFu << SEQC_MODEL_FLAG_CPU_LEVEL_SHIFT)

typedef struct seqc_model_api {
  uint32_t abi_version; /* SEQC_ABI_VERSION the model was compiled against */
  uint32_t num_inputs;
  uint32_t num_outputs;
  uint32_t flags; /* SEQC_MODEL_FLAG_*; 0 for a CPU model */
  const char *name;
  const char *signature;
  seqc_model_invoke_fn invoke;
} seqc_model_api;

/* Layout pins. Compiler-emitted code addresses these fields by offset. */
#ifdef __cplusplus
#define SEQC_ABI_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define SEQC_ABI_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

SEQC_ABI_STATIC_ASSERT(sizeof(seqc_dtype) == 4, "seqc_dtype must be 32-bit");
SEQC_ABI_STATIC_ASSERT(sizeof(seqc_status) == 4, "seqc_status must be 32-bit");
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_tensor, data) == 0, "seqc_tensor.data");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_tensor, rank) == 8, "seqc_tensor.rank");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_tensor, shape) == 16, "seqc_tensor.shape");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_tensor, strides) == 80,
                       "seqc_tensor.strides");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_tensor, dtype) == 144,
                       "seqc_tensor.dtype");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_tensor, reserved) == 148,
                       "seqc_tensor.reserved");
SEQC_ABI_STATIC_ASSERT(sizeof(seqc_tensor) == 152, "sizeof(seqc_tensor)");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_tensor_info, name) == 0,
                       "seqc_tensor_info.name");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_tensor_info, dtype) == 8,
                       "seqc_tensor_info.dtype");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_tensor_info, rank) == 12,
                       "seqc_tensor_info.rank");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_tensor_info, shape) == 16,
                       "seqc_tensor_info.shape");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_tensor_info, dim_names) == 24,
                       "seqc_tensor_info.dim_names");
SEQC_ABI_STATIC_ASSERT(sizeof(seqc_tensor_info) == 32,
                       "sizeof(seqc_tensor_info)");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_api, name) == 16,
                       "seqc_model_api.name");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_api, signature) == 24,
                       "seqc_model_api.signature");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_api, invoke) == 32,
                       "seqc_model_api.invoke");
SEQC_ABI_STATIC_ASSERT(sizeof(seqc_model_api) == 40, "sizeof(seqc_model_api)");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_context, status) == 0,
                       "seqc_model_context.status");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_context, has_value) == 4,
                       "seqc_model_context.has_value");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_context, message) == 8,
                       "seqc_model_context.message");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_context, value) == 16,
                       "seqc_model_context.value");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_context, alloc) == 24,
                       "seqc_model_context.alloc");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_context, free) == 32,
                       "seqc_model_context.free");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_context, allocator) == 40,
                       "seqc_model_context.allocator");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_context, parallel_for) == 48,
                       "seqc_model_context.parallel_for");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_context, pool) == 56,
                       "seqc_model_context.pool");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_context, num_threads) == 64,
                       "seqc_model_context.num_threads");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_context, gpu_launch) == 72,
                       "seqc_model_context.gpu_launch");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_context, gpu_constant) == 80,
                       "seqc_model_context.gpu_constant");
SEQC_ABI_STATIC_ASSERT(offsetof(seqc_model_context, gpu) == 88,
                       "seqc_model_context.gpu");
SEQC_ABI_STATIC_ASSERT(sizeof(seqc_model_context) == 96,
                       "sizeof(seqc_model_context)");
#endif

#undef SEQC_ABI_STATIC_ASSERT

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SEQC_ABI_H */
