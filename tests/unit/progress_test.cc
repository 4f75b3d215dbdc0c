#include "common/progress.h"

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace rknnsim {
namespace {

std::string Contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  for (int c; (c = std::fgetc(f)) != EOF;) text += static_cast<char>(c);
  return text;
}

TEST(Progress, FormatsCountRateAndEta) {
  EXPECT_EQ(Progress::Format("calibrating", 0, 4, 0.0), "calibrating [>                       ] 0/4");
  EXPECT_EQ(Progress::Format("calibrating", 1, 4, 2.0), "calibrating [======>                 ] 1/4 0.5/s ETA 6s");
  EXPECT_EQ(Progress::Format("c", 50, 100, 100.0), "c [============>           ] 50/100 0.5/s ETA 1m40s");
  EXPECT_EQ(Progress::Format("c", 4, 4, 8.0), "c [========================] 4/4 0.5/s in 8s");
  EXPECT_EQ(Progress::Format("c", 1, 10000, 1.0), "c [>                       ] 1/10000 1.0/s ETA 2h46m");
}

TEST(Progress, DrawsOnlyWhenEnabled) {
  std::FILE* quiet = std::tmpfile();
  ASSERT_NE(quiet, nullptr);
  {
    Progress p("x", 3, quiet, false);
    for (int i = 0; i < 3; ++i) p.Advance();
  }
  EXPECT_EQ(Contents(quiet), "");
  std::fclose(quiet);

  std::FILE* tty = std::tmpfile();
  ASSERT_NE(tty, nullptr);
  {
    Progress p("x", 2, tty, true);
    p.Advance();
    p.Advance();
  }
  const std::string text = Contents(tty);
  EXPECT_EQ(text.rfind("\rx [", 0), 0u) << text;                 // starts with a carriage return
  EXPECT_NE(text.find("2/2"), std::string::npos) << text;        // the last count is drawn
  EXPECT_EQ(text.back(), '\n');                                   // and the line is ended once
  std::fclose(tty);
}

}  // namespace
}  // namespace rknnsim
