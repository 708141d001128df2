// Tensors named like macros of the C library headers: the generated header
// includes stddef.h and stdint.h (NULL, UINT64_MAX), an application often
// includes errno.h, stdio.h and math.h before it (errno, EOF, M_PI).
func.func @m(%a: tensor<?x4xf32> {seq.name = "NULL", seq.dims = ["B", ""]},
             %b: tensor<?x4xf32> {seq.name = "UINT64_MAX", seq.dims = ["B", ""]},
             %c: tensor<?x4xf32> {seq.name = "errno", seq.dims = ["B", ""]})
    -> (tensor<?x4xf32> {seq.name = "EOF"}, tensor<?x4xf32> {seq.name = "M_PI"}) {
  %s = arith.addf %a, %b : tensor<?x4xf32>
  %t = arith.addf %s, %c : tensor<?x4xf32>
  return %s, %t : tensor<?x4xf32>, tensor<?x4xf32>
}
