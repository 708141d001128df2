//===- seq_run_test.cc - seq-run end to end on a fake model library -------===//
//
// Runs the seq-run executable (SEQ_RUN_PATH) on fake_model.c's library
// (SEQC_FAKE_MODEL_PATH) with .npy files written here, and checks exit codes,
// messages and the .npy files it writes.
//
//===----------------------------------------------------------------------===//

#include "seqc/npy.h"
#include "tools/tooling/Subprocess.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace {

const std::string kSeqRun = SEQ_RUN_PATH;
const std::string kModel = SEQC_FAKE_MODEL_PATH;

struct Result {
  int code = -1;
  std::string out, err;
};

// Runs `exe args...` with stdout and stderr captured (seqc_tooling's
// runProgram, which seq-run compiles models with).
Result SeqRun(const std::vector<std::string> &args,
              const std::string &exe = kSeqRun) {
  std::vector<std::string> argv = {exe};
  argv.insert(argv.end(), args.begin(), args.end());
  seqc::tooling::ProgramResult run;
  std::string error;
  Result r;
  if (!seqc::tooling::runProgram(argv, ::testing::TempDir(),
                                 /*mergeErrors=*/false, run, error)) {
    ADD_FAILURE() << error;
    return r;
  }
  r.code = run.exited ? run.exitCode : 128 + run.signal;
  r.out = run.out;
  r.err = run.err;
  return r;
}

// Removes the test directories when every test of this process passed
// (ctest runs one test per process); a failed test's files stay for a look.
// Without it each run left 9 directories named by pid in /tmp.
class RemoveTestDirs : public ::testing::Environment {
public:
  void TearDown() override {
    if (!::testing::UnitTest::GetInstance()->Passed())
      return;
    for (const std::string &dir : dirs) {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  }
  std::vector<std::string> dirs;
};

RemoveTestDirs &testDirs() {
  static auto *env = static_cast<RemoveTestDirs *>(
      ::testing::AddGlobalTestEnvironment(new RemoveTestDirs));
  return *env;
}
// Registered before main, so its TearDown runs after the tests.
const RemoveTestDirs &kRegistered = testDirs();

// A fresh directory per test.
std::string TestDir() {
  const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = ::testing::TempDir() + "/seq_run_" +
                    std::to_string(getpid()) + "_" + info->name();
  mkdir(dir.c_str(), 0755);
  testDirs().dirs.push_back(dir);
  return dir;
}

std::string WriteNpy(const std::string &path, int32_t dtype,
                     std::vector<int64_t> shape, const void *data) {
  seqc_error err{};
  EXPECT_EQ(seqc_rt_npy_write(path.c_str(), dtype,
                              static_cast<int32_t>(shape.size()), shape.data(),
                              data, &err),
            SEQC_OK)
      << err.message;
  return path;
}

std::vector<float> Iota(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = 0.5f * static_cast<float>(i) - 3;
  return v;
}

// x [T=3,B=2,4] as an .npy in `dir`.
std::string WriteX(const std::string &dir, std::vector<float> &x) {
  x = Iota(3 * 2 * 4);
  return WriteNpy(dir + "/x.npy", SEQC_DTYPE_F32, {3, 2, 4}, x.data());
}

void ExpectError(const Result &r, int code, const std::string &message) {
  EXPECT_EQ(r.code, code) << r.err;
  EXPECT_EQ(r.err.rfind("seq-run: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos)
      << "stderr: " << r.err << "\nwanted: " << message;
}

TEST(SeqRun, RunsAndWritesOutputs) {
  const std::string dir = TestDir();
  std::vector<float> x;
  const std::string xfile = WriteX(dir, x);
  const std::string outdir = dir + "/out/nested";
  Result r = SeqRun({kModel, "--input", "x=" + xfile, "--output-dir", outdir});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("y: f32 [3,2,4] -> " + outdir + "/y.npy"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("total: f64 [] -> " + outdir + "/total.npy"),
            std::string::npos)
      << r.out;

  seqc_npy_array y{}, total{};
  seqc_error err{};
  ASSERT_EQ(seqc_rt_npy_read((outdir + "/y.npy").c_str(), &y, &err), SEQC_OK)
      << err.message;
  ASSERT_EQ(seqc_rt_npy_read((outdir + "/total.npy").c_str(), &total, &err),
            SEQC_OK)
      << err.message;
  EXPECT_EQ(y.dtype, SEQC_DTYPE_F32);
  ASSERT_EQ(y.rank, 3);
  EXPECT_EQ(y.shape[0], 3);
  EXPECT_EQ(y.shape[1], 2);
  EXPECT_EQ(y.shape[2], 4);
  double sum = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(static_cast<float *>(y.data)[i], 2 * x[i] + 1) << i;
    sum += 2 * x[i] + 1;
  }
  EXPECT_EQ(total.dtype, SEQC_DTYPE_F64);
  EXPECT_EQ(total.rank, 0);
  EXPECT_EQ(*static_cast<double *>(total.data), sum);
  seqc_rt_npy_free(&y);
  seqc_rt_npy_free(&total);
}

TEST(SeqRun, SymbolPicksAnotherEntry) {
  const std::string dir = TestDir();
  std::vector<int64_t> a = {1, -2, 3, 4, 5}, k = {2, 2, 2, 10, -1};
  WriteNpy(dir + "/a.npy", SEQC_DTYPE_I64, {5}, a.data());
  WriteNpy(dir + "/k.npy", SEQC_DTYPE_I64, {5}, k.data());
  Result r =
      SeqRun({"--symbol=fake_scale_api", kModel, "--input=a=" + dir + "/a.npy",
              "--input", "k=" + dir + "/k.npy", "--output-dir", dir});
  ASSERT_EQ(r.code, 0) << r.err;
  seqc_npy_array b{};
  seqc_error err{};
  ASSERT_EQ(seqc_rt_npy_read((dir + "/b.npy").c_str(), &b, &err), SEQC_OK)
      << err.message;
  ASSERT_EQ(b.numel, 5);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(static_cast<int64_t *>(b.data)[i], a[i] * k[i]);
  seqc_rt_npy_free(&b);
}

TEST(SeqRun, BenchPrintsLatency) {
  const std::string dir = TestDir();
  std::vector<float> x;
  Result r = SeqRun({kModel, "--input", "x=" + WriteX(dir, x), "--bench", "7",
                     "--warmup", "2", "--threads", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  // Without --output-dir the outputs are only described.
  EXPECT_NE(r.out.find("y: f32 [3,2,4]\n"), std::string::npos) << r.out;
  const std::regex line("latency_ms: min ([0-9.]+) median ([0-9.]+) p90 "
                        "([0-9.]+) mean ([0-9.]+) \\(7 runs\\)\n");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, line)) << r.out;
  const double min = std::stod(m[1]), median = std::stod(m[2]),
               p90 = std::stod(m[3]);
  EXPECT_LE(min, median);
  EXPECT_LE(median, p90);
}

TEST(SeqRun, ReportsMissingInputs) {
  const std::string dir = TestDir();
  std::vector<int64_t> a = {1, 2};
  WriteNpy(dir + "/a.npy", SEQC_DTYPE_I64, {2}, a.data());
  ExpectError(SeqRun({kModel, "--symbol", "fake_scale_api", "--input",
                      "a=" + dir + "/a.npy"}),
              2,
              "missing input: k i64 [N] (pass each as --input "
              "NAME=FILE.npy)");
  ExpectError(SeqRun({kModel, "--symbol", "fake_scale_api"}), 2,
              "missing inputs: a i64 [N], k i64 [N]");
}

TEST(SeqRun, ReportsUnknownAndDuplicateInputs) {
  const std::string dir = TestDir();
  std::vector<float> x;
  const std::string xfile = WriteX(dir, x);
  ExpectError(
      SeqRun({kModel, "--input", "x=" + xfile, "--input", "q=" + xfile}), 2,
      "unknown input name 'q'; model 'fake_affine' takes: x f32 "
      "[T,B,4]");
  ExpectError(
      SeqRun({kModel, "--input", "x=" + xfile, "--input",
              "x=" + dir + "/other.npy"}),
      2, "input 'x' is given twice (" + xfile + " and " + dir + "/other.npy)");
}

TEST(SeqRun, ReportsWrongDtypeRankAndShape) {
  const std::string dir = TestDir();
  std::vector<double> d(3 * 2 * 5);
  std::vector<float> f(3 * 2 * 5);
  const std::string f64 =
      WriteNpy(dir + "/f64.npy", SEQC_DTYPE_F64, {3, 2, 4}, d.data());
  const std::string rank2 =
      WriteNpy(dir + "/rank2.npy", SEQC_DTYPE_F32, {6, 4}, f.data());
  const std::string shape =
      WriteNpy(dir + "/shape.npy", SEQC_DTYPE_F32, {3, 2, 5}, f.data());
  ExpectError(SeqRun({kModel, "--input", "x=" + f64}), 2,
              "input 'x' (" + f64 +
                  ") has dtype f64, but the model expects "
                  "f32");
  ExpectError(SeqRun({kModel, "--input", "x=" + rank2}), 2,
              "input 'x' (" + rank2 +
                  ") has rank 2 [6,4], but the model "
                  "expects rank 3 [T,B,4]");
  ExpectError(SeqRun({kModel, "--input", "x=" + shape}), 2,
              "input 'x' (" + shape +
                  ") has shape [3,2,5], but the model "
                  "expects [T,B,4] (dimension 2 must be "
                  "4)");
  std::vector<int64_t> a(5), k(4);
  const std::string afile =
      WriteNpy(dir + "/a.npy", SEQC_DTYPE_I64, {5}, a.data());
  const std::string kfile =
      WriteNpy(dir + "/k.npy", SEQC_DTYPE_I64, {4}, k.data());
  ExpectError(SeqRun({kModel, "--symbol", "fake_scale_api", "--input",
                      "a=" + afile, "--input", "k=" + kfile}),
              2,
              "input 'k' (" + kfile +
                  ") dimension 0 (N) is 4, but input 'a' (" + afile +
                  ") set N = 5");
}

TEST(SeqRun, ReportsUnreadableFiles) {
  const std::string dir = TestDir();
  const std::string missing = dir + "/missing.npy";
  ExpectError(SeqRun({kModel, "--input", "x=" + missing}), 2,
              "input 'x': npy: cannot open " + missing);
  const std::string garbage = dir + "/garbage.npy";
  std::ofstream(garbage) << "not a numpy file";
  Result r = SeqRun({kModel, "--input", "x=" + garbage});
  ExpectError(r, 2, "input 'x': npy: ");
  EXPECT_NE(r.err.find(garbage), std::string::npos) << r.err;
}

TEST(SeqRun, ReportsModelErrors) {
  const std::string dir = TestDir();
  ExpectError(SeqRun({dir + "/nope.so"}), 2,
              "cannot read model '" + dir + "/nope.so'");
  ExpectError(SeqRun({kModel, "--symbol", "no_such_api"}), 2,
              "has no symbol 'no_such_api'");
  // Only api getters are called (free, exit or a variable would be too):
  // a usage error.
  ExpectError(SeqRun({kModel, "--symbol", "free"}), 1,
              "--symbol must name a model's api getter (NAME_api or "
              "NAME_step_api), got 'free'");
  ExpectError(SeqRun({kModel, "--symbol", "fake_future_api"}), 2,
              "model 'fake_future' was compiled for seqc ABI version 99, but "
              "this runtime implements ABI version 5");
  const std::string text = dir + "/model.txt";
  std::ofstream(text) << "hello";
  ExpectError(SeqRun({text}), 2,
              "is neither a compiled model (.so) nor a model file");
  const std::string notlib = dir + "/broken.so";
  std::ofstream(notlib) << "not an ELF file";
  ExpectError(SeqRun({notlib}), 2, "cannot load model '" + notlib + "'");
  // A truncated library: glibc would map its segments past the end of the
  // file and the first touch would be a SIGBUS.
  std::ifstream whole(kModel, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(whole)),
                    std::istreambuf_iterator<char>());
  const std::string truncated = dir + "/truncated.so";
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, 3000);
  ExpectError(SeqRun({truncated}), 2,
              "past the end of the file (3000 bytes): is it truncated?");
}

TEST(SeqRun, ReportsUsageErrors) {
  ExpectError(SeqRun({}), 1, "no MODEL given");
  ExpectError(SeqRun({kModel, "--frobnicate"}), 1,
              "unknown option '--frobnicate'");
  ExpectError(SeqRun({kModel, "--bench", "0"}), 1,
              "--bench expects a run count of at least 1, got '0'");
  ExpectError(SeqRun({kModel, "--warmup", "2"}), 1,
              "--warmup only applies with --bench");
  ExpectError(SeqRun({kModel, "--threads", "x"}), 1, "--threads expects");
  ExpectError(SeqRun({kModel, "--input", "x"}), 1,
              "--input expects NAME=FILE.npy, got 'x'");
  ExpectError(SeqRun({kModel, "--input"}), 1, "option '--input' needs a value");
  ExpectError(SeqRun({kModel, kModel}), 1, "more than one MODEL given");
  Result help = SeqRun({"--help"});
  EXPECT_EQ(help.code, 0);
  for (const char *needle :
       {"--input NAME=FILE", "--output-dir DIR", "--bench N", "--warmup N",
        "--threads N", "calling thread included", "--symbol SYM", "Exit status"})
    EXPECT_NE(help.out.find(needle), std::string::npos) << needle;
}

// Model files go through `seqc MODEL --emit=shared -o BASE`, found next to
// seq-run: a copy of seq-run sits beside a fake seqc script here.
TEST(SeqRun, CompilesModelFilesWithSeqc) {
  const std::string dir = TestDir();
  const std::string exe = dir + "/seq-run";
  {
    std::ifstream src(kSeqRun, std::ios::binary);
    std::ofstream dst(exe, std::ios::binary);
    dst << src.rdbuf();
  }
  chmod(exe.c_str(), 0755);
  const std::string seqc = dir + "/seqc";
  // The library only runs here: code for this CPU alone.
  std::ofstream(seqc) << "#!/bin/sh\n"
                         "# seqc MODEL --emit=shared --mcpu=native -o BASE\n"
                         "[ \"$2\" = --emit=shared ] && "
                         "[ \"$3\" = --mcpu=native ] && [ \"$4\" = -o ] || "
                         "exit 3\n"
                         "case \"$1\" in *bad*) echo \"$1:1:1: error: "
                         "unknown op 'seq.bogus'\" >&2; exit 1;; esac\n"
                         "cp '" +
                             kModel + "' \"$5.so\"\n";
  chmod(seqc.c_str(), 0755);
  const std::string good = dir + "/good.mlir", bad = dir + "/bad.seq";
  std::ofstream(good) << "module {}\n";
  std::ofstream(bad) << "module {}\n";
  std::vector<float> x;
  const std::string xfile = WriteX(dir, x);

  Result r = SeqRun({good, "--input", "x=" + xfile, "--output-dir", dir}, exe);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(access((dir + "/y.npy").c_str(), R_OK), 0);

  r = SeqRun({bad, "--input", "x=" + xfile}, exe);
  ExpectError(r, 2, "seqc failed to compile '" + bad + "' (exit status 1):");
  EXPECT_NE(r.err.find(bad + ":1:1: error: unknown op 'seq.bogus'"),
            std::string::npos)
      << r.err;
}

} // namespace
