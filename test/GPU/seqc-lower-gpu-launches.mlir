// RUN: seq-opt %s --split-input-file --verify-diagnostics --seqc-lower-gpu-launches | FileCheck %s

// A launch (after gpu-to-llvm: LLVM-typed operands) becomes a call of the
// context's gpu_launch (offset 72) with the PTX, the kernel's name, the
// grid and block sizes and one pointer per operand; its result is a device
// check. A constant weight is read through gpu_constant (offset 80), once.
// CHECK:       module attributes {seqc.target = "cuda"}
// CHECK-DAG:   llvm.mlir.global internal constant @seqc_ptx_k("{{.*}}.entry k({{.*}}\00")
// CHECK-DAG:   llvm.mlir.global internal constant @seqc_kernel_k_k("k\00")
// CHECK-NOT:   gpu.binary
// CHECK-LABEL: llvm.func @entry(
// CHECK-SAME:    %[[CTX:[^:]*]]: !llvm.ptr {seqc.model_context}
// One record of operand slots, operand values and sizes in the entry
// block, shared by every launch of the function.
// CHECK:         %[[SLOTS:.*]] = llvm.alloca %{{.*}} x !llvm.array<2 x ptr>
// CHECK:         %[[VALUES:.*]] = llvm.alloca %{{.*}} x !llvm.array<2 x i64>
// CHECK:         %[[DIMS:.*]] = llvm.alloca %{{.*}} x !llvm.array<6 x i64>
// CHECK:         %[[LAUNCH_AT:.*]] = llvm.getelementptr %[[CTX]][72]
// CHECK:         %[[LAUNCH:.*]] = llvm.load %[[LAUNCH_AT]] : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[CONST_AT:.*]] = llvm.getelementptr %[[CTX]][80]
// CHECK:         %[[CONST:.*]] = llvm.load %[[CONST_AT]]
// CHECK:         %[[GPU_AT:.*]] = llvm.getelementptr %[[CTX]][88]
// CHECK:         %[[GPU:.*]] = llvm.load %[[GPU_AT]]
// CHECK:         %[[HAS_LAUNCH:.*]] = llvm.icmp "ne" %[[LAUNCH]]
// CHECK:         %[[HAS_CONST:.*]] = llvm.icmp "ne" %[[CONST]]
// CHECK:         %[[HAS:.*]] = llvm.and %[[HAS_LAUNCH]], %[[HAS_CONST]]
// CHECK:         seq.check %[[HAS]], device "the model was compiled with --target=cuda, but its context has no GPU
// CHECK:         %[[HOST:.*]] = llvm.mlir.addressof @weights
// CHECK:         %[[BYTES:.*]] = llvm.mlir.constant(64 : i64)
// CHECK:         %[[COPY:.*]] = llvm.call %[[CONST]](%[[GPU]], %[[HOST]], %[[BYTES]])
// CHECK:         seq.check %{{.*}}, device "out of GPU memory: copying a weight of {} bytes to the device failed" found %[[BYTES]]
// CHECK:         %[[V0:.*]] = llvm.getelementptr %[[VALUES]][0]
// CHECK:         llvm.store %arg0, %[[V0]] : i64, !llvm.ptr
// CHECK:         %[[S0:.*]] = llvm.getelementptr %[[SLOTS]][0]
// CHECK:         llvm.store %[[V0]], %[[S0]] : !llvm.ptr, !llvm.ptr
// CHECK:         %[[V1:.*]] = llvm.getelementptr %[[VALUES]][1]
// CHECK:         llvm.store %[[COPY]], %[[V1]] : !llvm.ptr, !llvm.ptr
// CHECK:         %[[PTX:.*]] = llvm.mlir.addressof @seqc_ptx_k
// CHECK:         %[[NAME:.*]] = llvm.mlir.addressof @seqc_kernel_k_k
// CHECK:         %[[ERR:.*]] = llvm.call %[[LAUNCH]](%[[GPU]], %[[PTX]], %[[NAME]], %[[DIMS]], %[[SLOTS]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> i32
// CHECK:         %[[OK:.*]] = llvm.icmp "eq" %[[ERR]]
// CHECK:         %[[CODE:.*]] = llvm.sext %[[ERR]] : i32 to i64
// CHECK:         seq.check %[[OK]], device "GPU kernel 'k' failed: CUDA error {}" found %[[CODE]]
// CHECK-NOT:     gpu.launch_func
// A second launch reuses the same record.
// CHECK:         llvm.call %[[LAUNCH]](%[[GPU]], %{{.*}}, %{{.*}}, %[[DIMS]], %[[SLOTS]])
// CHECK-NOT:     llvm.alloca
// CHECK:         llvm.return
module attributes {gpu.container_module} {
  llvm.mlir.global internal constant @weights(dense<1.0> : tensor<16xf32>) : !llvm.array<16 x f32>
  gpu.binary @k [#gpu.object<#nvvm.target<chip = "sm_80">, assembly = ".version 7.0\0A.target sm_80\0A.visible .entry k(\0A.param .u64 k_param_0,\0A.param .u64 k_param_1\0A)\0A{\0Aret;\0A}\0A">]
  llvm.func @entry(%n: i64, %ctx: !llvm.ptr {seqc.model_context}) {
    %one = llvm.mlir.constant(1 : i64) : i64
    %w = llvm.mlir.addressof @weights : !llvm.ptr
    gpu.launch_func @k::@k blocks in (%n, %one, %one) threads in (%one, %one, %one) : i64 args(%n : i64, %w : !llvm.ptr)
    gpu.launch_func @k::@k blocks in (%one, %one, %one) threads in (%n, %one, %one) : i64 args(%one : i64, %w : !llvm.ptr)
    llvm.return
  }
}

// -----

// A launch needs a model context to report through.
module attributes {gpu.container_module} {
  gpu.binary @k [#gpu.object<#nvvm.target<chip = "sm_80">, assembly = ".version 7.0\0A.target sm_80\0A.visible .entry k()\0A{\0Aret;\0A}\0A">]
  llvm.func @helper(%n: i64) {
    // expected-error @+1 {{a GPU kernel launched from a function without a model context (only public functions get one: seqc-add-model-context)}}
    gpu.launch_func @k::@k blocks in (%n, %n, %n) threads in (%n, %n, %n) : i64
    llvm.return
  }
}
