//===- DriverTest.cpp - the seqc driver as a library --------------------===//

#include "compiler/Driver/Driver.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fstream>
#include <gtest/gtest.h>

namespace {

class DriverTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> dir;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("seqc-driver", dir));
    root = dir.str().str();
  }
  void TearDown() override { llvm::sys::fs::remove_directories(root); }

  std::string write(const std::string &name, const std::string &text) {
    std::string path = root + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  bool exists(const std::string &name) {
    return llvm::sys::fs::exists(root + "/" + name);
  }

  std::string root;
};

const char *kModel = R"mlir(
func.func @model(%x: tensor<?x4xf32> {seq.name = "x", seq.dims = ["N", ""]})
    -> (tensor<?x4xf32> {seq.name = "y", seq.dims = ["N", ""]}) {
  %y = seq.activation <gelu> %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
})mlir";

TEST_F(DriverTest, DefaultWritesObjectAndHeader) {
  seqc::DriverOptions options;
  options.inputPath = write("m.mlir", kModel);
  options.outputBase = root + "/out";
  std::string errors;
  llvm::raw_string_ostream errs(errors);
  EXPECT_EQ(seqc::runDriver(options, errs), 0) << errors;
  EXPECT_TRUE(exists("out.o"));
  EXPECT_TRUE(exists("out.h"));
  EXPECT_TRUE(errors.empty()) << errors;
}

TEST_F(DriverTest, ErrorsGoToTheStreamWithTheirLocation) {
  seqc::DriverOptions options;
  options.inputPath = write("bad.mlir", "func.func @model(%x: tensor<4xf32>) {\n"
                                        "  %y = seq.nope %x\n}\n");
  options.outputBase = root + "/bad";
  std::string errors;
  llvm::raw_string_ostream errs(errors);
  EXPECT_EQ(seqc::runDriver(options, errs), 1);
  EXPECT_NE(errors.find("bad.mlir:2:"), std::string::npos) << errors;
  EXPECT_FALSE(exists("bad.o"));
}

TEST_F(DriverTest, EmitKindsParse) {
  seqc::EmitKind kind;
  EXPECT_TRUE(seqc::parseEmitKind("shared", kind));
  EXPECT_EQ(kind, seqc::EmitKind::Shared);
  EXPECT_FALSE(seqc::parseEmitKind("exe", kind));
}

} // namespace
