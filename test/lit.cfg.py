# lit configuration for seqc: FileCheck tests of ops, passes, pipelines and
# the tools. Run through CTest (`ctest --test-dir build`) or directly with
# `lit -sv build/test`.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "seqc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "Unit", "Integration", "CMakeLists.txt",
                   "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.seqc_obj_root, "test")

config.substitutions.append(("%seqc_src_root", config.seqc_src_root))
# The static runtime an application links (test/seqc/static-link.test).
config.substitutions.append(
    ("%seqc_runtime_a",
     os.path.join(config.seqc_obj_root, "lib", "libseqc_runtime.a")))
config.substitutions.append(("%PATH%", config.environment["PATH"]))
# A stand-in for libcuda.so.1 (test/Unit/Runtime/fake_cuda_driver.c): CUDA
# models' host side runs against it through SEQC_CUDA_DRIVER.
config.substitutions.append(
    ("%fake_cuda_driver",
     os.path.join(config.seqc_obj_root, "lib", "libseqc_fake_cuda_driver.so")))

llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()

# Our tools first, then FileCheck and friends from the LLVM 22 tools folder.
llvm_config.with_environment("PATH", config.seqc_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
tool_dirs = [config.seqc_tools_dir, config.llvm_tools_dir]
# seqc's default --mcpu compiles a version per x86-64 level (three times the
# work); tests compile the portable baseline unless they pass their own
# --mcpu (the last one wins). %seqc_exe is seqc without it: the default
# (test/seqc/cpu-dispatch.test) and tools given seqc's path.
config.substitutions.append(
    ("%seqc_exe", os.path.join(config.seqc_tools_dir, "seqc")))
llvm_config.add_tool_substitutions(
    ["seq-opt", ToolSubst("seqc", extra_args=["--mcpu=x86-64"])], tool_dirs)

# Scripts in tests use Debian's python3 (the one with NumPy).
python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"
config.substitutions.append(("%python", python))
