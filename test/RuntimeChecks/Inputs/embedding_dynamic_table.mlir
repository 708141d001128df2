// An embedding whose table is an input of dynamic size.
func.func @m(%ids: tensor<?xi64> {seq.name = "ids"}, %table: tensor<?x4xf32> {seq.name = "table"}) -> (tensor<?x4xf32> {seq.name = "e"}) {
  %e = seq.embedding %ids, %table : (tensor<?xi64>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %e : tensor<?x4xf32>
}
