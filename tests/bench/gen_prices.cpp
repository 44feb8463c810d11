// Generates a deterministic CSV of N price observations shaped like the
// warehouse's pricing table, for the benchmark: Chinese text, about 5% of
// rows with quoted fields holding commas and doubled quotes, about 1% with
// embedded newlines, numbers and dates.
//
// The rows are synthetic and say so: source_note begins "synthetic", and
// section_id, source_line and source_quote are empty (NULL), because
// provenance must never claim the report holds what it does not.
//
//   aigc_gen_prices ROWS > prices.csv
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

/// xorshift64*: fast, deterministic across platforms.
struct Rng {
  std::uint64_t s = 0x9E3779B97F4A7C15ull;
  std::uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 2685821657736338717ull;
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
};

const char* kProducts[] = {"gpt4", "wenxin", "tongyi_turbo", "qianfan", "bailian", "hunyuan", "modelarts", "yuyan"};
const char* kNotes[] = {"华东区域报价", "官网公开价格", "渠道折扣价", "企业客户合同价", "限时优惠", "按量计费标准价"};
const char* kCurrencies[] = {"CNY", "USD"};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s ROWS\n", argv[0]);
    return 2;
  }
  const long rows = std::atol(argv[1]);
  Rng rng;
  std::string out;
  out.reserve(1 << 20);
  // Every column of the pricing table, in its order, so that sqlite3's
  // positional .import reads the same fields aigc loads. The provenance
  // columns are empty (NULL to aigc): tests/bench/run.sh has sqlite3 turn
  // them into NULL too.
  out +=
      "pricing_id,product_id,billing_basis,direction,unit,unit_stated,price_min,price_max,currency,open_ended,"
      "free_tier,revenue_model,as_of,price_text,section_id,source_line,source_quote,source_note\n";
  char buf[512];
  for (long i = 1; i <= rows; ++i) {
    const char* product = kProducts[rng.below(8)];
    const char* direction = rng.below(2) ? "input" : "output";
    const unsigned lo_milli = static_cast<unsigned>(rng.below(100000));
    const unsigned hi_milli = lo_milli + static_cast<unsigned>(rng.below(50000));
    const char* currency = kCurrencies[rng.below(2)];
    const unsigned year = 2023 + static_cast<unsigned>(rng.below(3)), month = 1 + static_cast<unsigned>(rng.below(12));
    const unsigned r = static_cast<unsigned>(rng.below(100));
    const std::string synthetic = "synthetic benchmark row (aigc_gen_prices): ";
    std::string note;
    if (r < 1)
      note = "\"" + synthetic + "第一行说明\n第二行：" + std::string(kNotes[rng.below(6)]) + "\"";
    else if (r < 6)
      note = "\"" + synthetic + "含逗号, 以及\"\"引号\"\"的说明：" + std::string(kNotes[rng.below(6)]) + "\"";
    else
      note = synthetic + kNotes[rng.below(6)];
    int n = std::snprintf(buf, sizeof buf,
                          "obs%08ld,%s,tokens,%s,千tokens,1,%u.%03u,%u.%03u,%s,0,限量免费,按tokens数量计费,%04u-%02u,"
                          "%u.%03u元/千tokens,,,,",
                          i, product, direction, lo_milli / 1000, lo_milli % 1000, hi_milli / 1000, hi_milli % 1000,
                          currency, year, month, lo_milli / 1000, lo_milli % 1000);
    out.append(buf, static_cast<std::size_t>(n));
    out += note;
    out += '\n';
    if (out.size() > (1 << 20) - 1024) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
