# seqc_add_model: compile a model with seqc at build time and wrap the result
# in a static library that an application links like any other.
#
#   seqc_add_model(<target> <model>
#                  [NAME <name>]     # C prefix of the API (default: <target>)
#                  [MCPU <cpu>]      # seqc --mcpu (default: seqc's, a version per x86-64 level)
#                  [SEQC <path>]     # the seqc executable to use
#                  [EXTERNAL_WEIGHTS])
#
# EXTERNAL_WEIGHTS compiles with --external-weights: the weights go to
# <dir>/<name>.safetensors, which the target's SEQC_WEIGHTS_FILE property
# names (for install() or a compile definition), and the app opens the model
# with <name>_create(path, &model, &err).
#
# Runs `seqc <model> -o <dir>/<name> --name=<name> [--mcpu=<cpu>]
# --depfile=<dir>/<name>.d` (the model is rebuilt when any file it reads
# changes: a .seq model's weights, ONNX external data) into
# <dir> = ${CMAKE_CURRENT_BINARY_DIR}/<target>.seqc, which then holds
# <name>.o and <name>.h. <target> is a STATIC library made of <name>.o; it
# puts <dir> on its users' include path (`#include "<name>.h"`) and links the
# seqc runtime and libm.
#
# Which seqc: SEQC if given; else the `seqc` target when built inside the
# seqc tree (the model is then rebuilt when seqc changes); else
# SEQC_EXECUTABLE (set by seqcConfig.cmake for an installed package); else
# `seqc` on PATH. Which runtime: the imported `seqc::runtime` of an installed
# package, else the in-tree `seqc_runtime`.
include_guard(GLOBAL)
# DEPFILE paths as CMake 3.20 reads them (absolute ones, which seqc
# writes, are then fine with every generator), whatever the caller's
# policy version: a function runs with the policies of its definition.
if(CMAKE_VERSION VERSION_LESS 3.20)
  message(FATAL_ERROR "seqc_add_model needs CMake 3.20 or newer (DEPFILE)")
endif()
cmake_policy(PUSH)
cmake_policy(SET CMP0116 NEW)

function(seqc_add_model target model)
  cmake_parse_arguments(PARSE_ARGV 2 arg "EXTERNAL_WEIGHTS" "NAME;MCPU;SEQC"
    "")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "seqc_add_model(${target}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  set(name "${arg_NAME}")
  if(NOT name)
    set(name "${target}")
  endif()
  if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR
      "seqc_add_model(${target}): NAME '${name}' is not a C identifier")
  endif()
  get_filename_component(model "${model}" ABSOLUTE
    BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")

  set(seqc_depends "")
  if(arg_SEQC)
    set(seqc "${arg_SEQC}")
  elseif(TARGET seqc)
    set(seqc "$<TARGET_FILE:seqc>")
    set(seqc_depends seqc)
  elseif(SEQC_EXECUTABLE)
    set(seqc "${SEQC_EXECUTABLE}")
  else()
    find_program(SEQC_EXECUTABLE seqc)
    if(NOT SEQC_EXECUTABLE)
      message(FATAL_ERROR "seqc_add_model(${target}): no seqc executable; "
        "pass SEQC <path> or set SEQC_EXECUTABLE")
    endif()
    set(seqc "${SEQC_EXECUTABLE}")
  endif()

  if(TARGET seqc::runtime)
    set(runtime seqc::runtime)
  elseif(TARGET seqc_runtime)
    set(runtime seqc_runtime)
  else()
    message(FATAL_ERROR "seqc_add_model(${target}): no seqc runtime target; "
      "call find_package(seqc) first")
  endif()

  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${target}.seqc")
  set(object "${dir}/${name}.o")
  set(header "${dir}/${name}.h")
  set(flags "--name=${name}")
  if(arg_MCPU)
    list(APPEND flags "--mcpu=${arg_MCPU}")
  endif()
  set(weights "")
  if(arg_EXTERNAL_WEIGHTS)
    set(weights "${dir}/${name}.safetensors")
    list(APPEND flags "--external-weights")
  endif()
  file(MAKE_DIRECTORY "${dir}")
  file(RELATIVE_PATH shown "${CMAKE_BINARY_DIR}" "${object}")
  # seqc's depfile names every file the model reads (a .seq model's
  # weights, an ONNX model's external data): editing one rebuilds the model.
  add_custom_command(
    OUTPUT "${object}" "${header}" ${weights}
    COMMAND "${seqc}" "${model}" -o "${dir}/${name}" ${flags}
            "--depfile=${dir}/${name}.d"
    DEPENDS "${model}" ${seqc_depends}
    DEPFILE "${dir}/${name}.d"
    COMMENT "Compiling model ${shown} with seqc"
    VERBATIM)

  set_source_files_properties("${object}" PROPERTIES
    EXTERNAL_OBJECT TRUE GENERATED TRUE)
  add_library(${target} STATIC "${object}" "${header}")
  set_target_properties(${target} PROPERTIES LINKER_LANGUAGE C)
  target_include_directories(${target} INTERFACE "${dir}")
  target_link_libraries(${target} INTERFACE ${runtime} m)
  if(weights)
    set_target_properties(${target} PROPERTIES SEQC_WEIGHTS_FILE "${weights}")
  endif()
endfunction()
cmake_policy(POP)
