// RUN: seq-opt %s --split-input-file --verify-diagnostics --seqc-check-kernel-calls | FileCheck %s

// PTX that defines everything it calls passes unchanged.
// CHECK: gpu.binary @k
module attributes {gpu.container_module} {
  gpu.binary @k [#gpu.object<#nvvm.target<chip = "sm_80">, assembly = ".version 7.0\0A.target sm_80\0A.visible .entry k()\0A{\0Aret;\0A}\0A">]
}

// -----

// A kernel module that calls what it does not define is refused by name.
module attributes {gpu.container_module} {
  // expected-error @+1 {{GPU module 'k' calls '__nv_exp', which it does not define (CUDA's libdevice is not linked: the math op it comes from needs an inline approximation, seqc-approximate-math)}}
  gpu.binary @k [#gpu.object<#nvvm.target<chip = "sm_80">, assembly = ".version 7.0\0A.target sm_80\0A.extern .func  (.param .b64 func_retval0) __nv_exp\0A(\0A.param .b64 __nv_exp_param_0\0A)\0A;\0A">]
}

// -----

// The runtime loads PTX text: a cubin or fatbin object is refused.
module attributes {gpu.container_module} {
  // expected-error @+1 {{expected one PTX object (gpu-module-to-binary format=isa) in GPU module 'k'}}
  gpu.binary @k [#gpu.object<#nvvm.target<chip = "sm_80">, bin = "\00\01">]
}
