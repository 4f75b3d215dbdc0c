// The register-command layer (isa/regcmd.h) and the register database (isa/register_db.h):
// word and record decoding, chaining words, the checks on records, and the database's own rules.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "isa/regcmd.h"
#include "isa/register_db.h"
#include "unit_test_support.h"

namespace rknnsim::isa {
namespace {

using testing_support::ErrorOf;

uint64_t Word(uint16_t block, uint16_t reg, uint32_t value) {
  return (uint64_t{block} << 48) | (uint64_t{value} << 16) | reg;
}

// One 40-byte struct rknpu_task record.
std::vector<uint8_t> Record(uint32_t op, uint32_t enable, uint32_t amount, uint64_t addr) {
  std::vector<uint8_t> r(kNpuTaskRecordBytes, 0);
  const uint32_t head[8] = {0, op, enable, 0x300, 0x1ffff, 0, amount, 0};
  std::memcpy(r.data(), head, sizeof(head));
  std::memcpy(r.data() + 32, &addr, sizeof(addr));
  return r;
}

std::vector<uint8_t> Bytes(const std::vector<uint64_t>& words) {
  std::vector<uint8_t> b(words.size() * kRegWordBytes);
  std::memcpy(b.data(), words.data(), b.size());
  return b;
}

TEST(Regcmd, WordSplitsIntoBlockValueRegister) {
  const RegWrite w = DecodeRegWord(0x1001000000484020ull);
  EXPECT_EQ(w.block, 0x1001);
  EXPECT_EQ(w.reg, 0x4020);
  EXPECT_EQ(w.value, 0x48u);
}

TEST(Regcmd, TasksTakeTheirAmountAndTheChainingWords) {
  // Task 0: two CNA writes, then the PC chain (next address, amount, pre-op, enable), then padding.
  const std::vector<uint8_t> regcmd = Bytes({Word(0x0201, 0x1020, 0x800080), Word(0x0201, 0x1070, 0),
                                             Word(0x0101, 0x0010, 64), Word(0x0101, 0x0014, 2), Word(0x0041, 0, 0),
                                             Word(0x0081, 0x0008, 0x1d), 0, 0,
                                             Word(0x1001, 0x4020, 0), Word(0x0081, 0x0008, 0x18)});
  std::vector<uint8_t> tasks = Record(2, 0x1d, 2, 0);
  const std::vector<uint8_t> second = Record(3, 0x18, 1, 64);
  tasks.insert(tasks.end(), second.begin(), second.end());
  const std::vector<NpuTask> t = ParseNpuTasks(tasks.data(), tasks.size(), regcmd.data(), regcmd.size(), "x");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].record.op_idx, 2u);
  EXPECT_EQ(t[0].writes.size(), 2u);
  ASSERT_EQ(t[0].chain.size(), 4u);
  EXPECT_EQ(t[0].chain[3].value, 0x1du);
  ASSERT_EQ(t[1].writes.size(), 1u);
  EXPECT_EQ(t[1].writes[0].reg, 0x4020);
  EXPECT_EQ(t[1].chain.size(), 1u);
}

TEST(Regcmd, BadRecordsNameTheTask) {
  const std::vector<uint8_t> regcmd = Bytes({Word(0x0201, 0x1020, 1), Word(0x0201, 0x1024, 2)});
  auto parse = [&](const std::vector<uint8_t>& rec) {
    return ErrorOf([&] { ParseNpuTasks(rec.data(), rec.size(), regcmd.data(), regcmd.size(), "f"); });
  };
  EXPECT_NE(parse(Record(7, 0x1d, 1, 16)).find("f: task 0 (op 7): its command address 16 lies outside"),
            std::string::npos);
  EXPECT_NE(parse(Record(7, 0x1d, 1, 4)).find("not a multiple of the 8-byte command word"), std::string::npos);
  EXPECT_NE(parse(Record(7, 0x1d, 3, 0)).find("its 3 register writes from word 0 overrun"), std::string::npos);
  EXPECT_NE(parse(Record(7, 0x1d, 0xFFFFFFFFu, 8)).find("overrun"), std::string::npos);
}

const char* const kSmallDb = R"(
blocks:
  - name: CNA
    code: 0x0201
    targets: [rk3588]
    registers:
      - name: PAD_CON1
        offset: 0x1184
        fields:
          - {name: PAD_VALUE, lo: 0, hi: 31, signed: true}
      - name: CONV_CON3
        offset: 0x1014
        fields:
          - {name: CONV_X_STRIDE, lo: 0, hi: 2}
          - {name: CONV_Y_STRIDE, lo: 3, hi: 5}
      - name: FEATURE_DATA_ADDR
        offset: 0x1070
        address: true
)";

TEST(RegisterDb, DescribesFieldsSignedValuesAddressesAndUnknowns) {
  const RegisterDb db = RegisterDb::Parse(kSmallDb, "small");
  bool known = false;
  EXPECT_EQ(DescribeWrite(db, {0x0201, 0x1014, 0x12}, "rk3588", &known),
            "CNA.CONV_CON3 CONV_Y_STRIDE=2 CONV_X_STRIDE=2");
  EXPECT_TRUE(known);
  EXPECT_EQ(DescribeWrite(db, {0x0201, 0x1014, 0x52}, "rk3588"),
            "CNA.CONV_CON3 CONV_Y_STRIDE=2 CONV_X_STRIDE=2 unknown_bits=0x00000040");
  EXPECT_EQ(DescribeWrite(db, {0x0201, 0x1184, 0xffffff80}, "rk3588"), "CNA.PAD_CON1 PAD_VALUE=-128");
  EXPECT_EQ(DescribeWrite(db, {0x0201, 0x1070, 0x10000}, "rk3588"), "CNA.FEATURE_DATA_ADDR = 0x00010000");
  EXPECT_EQ(DescribeWrite(db, {0x0201, 0x1018, 5}, "rk3588", &known), "CNA.reg_0x1018 = 0x00000005");
  EXPECT_FALSE(known);
  // A target the block does not describe gets no names at all, rather than another map's.
  EXPECT_EQ(DescribeWrite(db, {0x0201, 0x1014, 0x12}, "rk3576", &known), "block_0x0201.reg_0x1014 = 0x00000012");
  EXPECT_FALSE(known);
}

// RK3576 stores its CNA sizes minus one: readers get the count, disasm shows both.
TEST(RegisterDb, MinusOneFieldsGiveTheCount) {
  const RegisterDb db = RegisterDb::Parse(
      "blocks:\n  - {name: A, code: 1, registers: [{name: R, offset: 4, fields: [{name: K, lo: 0, hi: 15, minus_one: true},"
      " {name: W, lo: 16, hi: 20, minus_one: true}]}]}\n",
      "db");
  EXPECT_EQ(DescribeWrite(db, {1, 4, 0x0002000f}, "x"), "A.R W=2+1 K=15+1");
  EXPECT_EQ(db.Register(1, 4, "x")->fields.back().Value(0x0002000f), 16);
  EXPECT_NE(ErrorOf([] {
              RegisterDb::Parse("blocks:\n  - {name: A, code: 1, registers: [{name: R, offset: 4, fields: "
                                "[{name: X, lo: 0, hi: 3, signed: true, minus_one: true}]}]}\n", "db");
            }).find("cannot be signed"),
            std::string::npos);
  // The built-in map of RK3576: the demo's 3x3 kernels of 16 (padded) kernels.
  EXPECT_EQ(DescribeWrite(RegisterDb::Builtin(), {0x0201, 0x1024, 0x0202000f}, "rk3576"),
            "CNA.WEIGHT_SIZE2 WEIGHT_HEIGHT=2+1 WEIGHT_WIDTH=2+1 WEIGHT_KERNELS=15+1");
}

TEST(RegisterDb, RefusesOverlapsAndDuplicates) {
  EXPECT_NE(ErrorOf([] {
              RegisterDb::Parse("blocks:\n  - {name: A, code: 1, registers: [{name: R, offset: 4, fields: "
                                "[{name: X, lo: 0, hi: 3}, {name: Y, lo: 3, hi: 5}]}]}\n",
                                "db");
            }).find("fields Y and X overlap"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] {
              RegisterDb::Parse("blocks:\n  - {name: A, code: 1, registers: [{name: R, offset: 4}, {name: S, offset: 4}]}\n",
                                "db");
            }).find("two registers at offset 0x0004"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { RegisterDb::Parse("blocks:\n  - {name: A, code: 1}\n  - {name: B, code: 1}\n", "db"); })
                .find("listed twice"),
            std::string::npos);
  // The same code for disjoint targets is how per-target register maps are written.
  EXPECT_EQ(ErrorOf([] {
              RegisterDb::Parse("blocks:\n  - {name: A, code: 1, targets: [x]}\n  - {name: B, code: 1, targets: [y]}\n", "db");
            }),
            "(no error)");
  // One offset or name twice inside a block is allowed only for disjoint targets (RV110x's input
  // converter places its lanes differently), and each target then sees its own definition.
  const RegisterDb maps = RegisterDb::Parse(
      "blocks:\n  - {name: A, code: 1, registers: [{name: R, offset: 4, targets: [x], fields: [{name: F, lo: 0, hi: 3}]},"
      " {name: R, offset: 4, targets: [y], fields: [{name: F, lo: 4, hi: 7}]}, {name: S, offset: 8, targets: [y]}]}\n",
      "db");
  EXPECT_EQ(DescribeWrite(maps, {1, 4, 0x21}, "x"), "A.R F=1 unknown_bits=0x00000020");
  EXPECT_EQ(DescribeWrite(maps, {1, 4, 0x21}, "y"), "A.R F=2 unknown_bits=0x00000001");
  bool known = true;
  EXPECT_EQ(DescribeWrite(maps, {1, 8, 3}, "x", &known), "A.reg_0x0008 = 0x00000003");
  EXPECT_FALSE(known);
  EXPECT_NE(ErrorOf([] {
              RegisterDb::Parse("blocks:\n  - {name: A, code: 1, registers: [{name: R, offset: 4, targets: [x, y]},"
                                " {name: R, offset: 12, targets: [y]}]}\n", "db");
            }).find("two registers named R for one target"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { RegisterDb::Parse("blocks:\n  - {name: A, code: 1, registers: [{name: R, offset: 4, "
                                           "fields: [{name: X, lo: 5, hi: 2}]}]}\n", "db"); })
                .find("bit range 5..2"),
            std::string::npos);
}

TEST(RegisterDb, BuiltinNamesTheRegistersMesaDocuments) {
  const RegisterDb& db = RegisterDb::Builtin();
  const RegDef* dst = db.Register(0x1001, 0x4020, "rk3588");
  ASSERT_NE(dst, nullptr);
  EXPECT_EQ(dst->name, "DST_BASE_ADDR");
  EXPECT_TRUE(dst->address);
  // RK356x places CORE's registers one slot lower than RK3588 (isa/npu_registers.yaml).
  EXPECT_EQ(db.Register(0x0801, 0x3014, "rk3588")->name, "DATAOUT_SIZE_0");
  EXPECT_EQ(db.Register(0x0801, 0x3010, "rk3566")->name, "DATAOUT_SIZE_0");
}

}  // namespace
}  // namespace rknnsim::isa
