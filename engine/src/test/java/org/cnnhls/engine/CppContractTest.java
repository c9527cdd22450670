package org.cnnhls.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.ir.quant.IntKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Facts the Java engine model and the C++ kernels (cnnhls_desc.h, cnnhls_engine.h, the SystemC
 * model's cnnhls_sc_cost.h) both hold, compared by compiling the real headers with g++ and
 * printing them: the LayerDesc layout against {@link LayerDescriptor}'s record components and
 * {@code toCpp()}, the op codes, AVG_SHIFT and the average-pool multipliers, FC_NB, the Winograd
 * accumulator width, the DDR transfer formula, and the conv plan (tiles, steps, Winograd decision,
 * tile traffic) on thousands of random conv descriptors. Exact equality throughout.
 */
class CppContractTest {
  @TempDir Path tmp;

  // ------------------------------------------------------------------ descriptor, ops, constants

  /** C++ name of a record component: inOff -> in_off, poolKH -> pool_k_h. */
  static String snake(String camel) {
    return camel.replaceAll("([A-Z])", "_$1").toLowerCase();
  }

  @Test
  void descriptorOpCodesAndConstantsMatchTheHeaders() throws Exception {
    Path inc = KernelHeaders.copyHeaders(tmp.resolve("inc"));
    RecordComponent[] fields = LayerDescriptor.class.getRecordComponents();

    // every field a distinct value; op a real op code so that toCpp() can name it
    Object[] values = new Object[fields.length];
    Class<?>[] types = new Class<?>[fields.length];
    for (int i = 0; i < fields.length; i++) {
      assertEquals(int.class, fields[i].getType(), fields[i].getName() + ": LayerDesc holds ints only");
      types[i] = int.class;
      values[i] = i == 0 ? LayerDescriptor.OP_COPY : 1000 + 17 * i;
    }
    Constructor<LayerDescriptor> ctor = LayerDescriptor.class.getDeclaredConstructor(types);
    LayerDescriptor d = ctor.newInstance(values);

    Map<String, Integer> javaOps = javaOpCodes();
    Map<String, Integer> headerOps = headerOpCodes(KernelHeaders.resource("cnnhls_desc.h"));
    assertEquals(javaOps.keySet(), headerOps.keySet(), "op names: LayerDescriptor.OP_* vs enum OpKind in cnnhls_desc.h");

    List<Board> boards = BoardCatalog.all();
    List<DdrModel> ddrs = new ArrayList<>();
    for (Board b : boards) {
      for (int axi : new int[] {32, 64, 128, 256}) {
        for (double mhz : new double[] {b.clock().defaultMHz(), Math.min(b.clock().maxMHz(), 333.3)}) {
          ddrs.add(DdrModel.of(new HardwareConfig(b, 4, 4, 4, 4, axi, mhz)));
        }
      }
    }
    ddrs.add(new DdrModel(3.3333333333333335, 7, 16, 3, 4, 3.3333333333333335));  // short bursts, bandwidth-bound
    long[] sizes = {0, 1, 2, 7, 15, 16, 17, 255, 256, 4095, 4096, 4097, 65_535, 65_536, 1_000_003, 123_456_789};

    StringBuilder c = new StringBuilder(prelude());
    c.append("int main() {\n  const cnnhls::LayerDesc d = ").append(d.toCpp()).append(";\n");
    c.append("  std::printf(\"sizeof %d\\n\", (int)sizeof(cnnhls::LayerDesc));\n");
    for (RecordComponent f : fields) {
      String n = snake(f.getName());
      c.append("  std::printf(\"field ").append(n).append(" %d %d\\n\", (int)offsetof(cnnhls::LayerDesc, ").append(n)
          .append("), d.").append(n).append(");\n");
    }
    for (String op : javaOps.keySet()) {
      c.append("  std::printf(\"op ").append(op).append(" %d\\n\", (int)cnnhls::OP_").append(op).append(");\n");
    }
    c.append("  std::printf(\"AVG_SHIFT %d\\n\", cnnhls::AVG_SHIFT);\n");
    c.append("  std::printf(\"FC_NB %d\\n\", cnnhls::FC_NB);\n");
    c.append("  std::printf(\"AVG_M_W %d\\n\", cnnhls::AVG_M_W);\n");
    c.append("  std::printf(\"EW_CHUNK %d\\n\", CNNHLS_EW_CHUNK);\n");
    c.append("  std::printf(\"PLAN_DIVISIONS %d\\n\", cnnhls::CONV_PLAN_DIVISIONS);\n");
    c.append("  std::printf(\"W_ROWS %d %d\\n\", cnnhls::W_ROWS, cnnhls::WE);\n");
    c.append("  std::printf(\"LEAK %d %d\\n\", cnnhls::LEAK_V_W, cnnhls::LEAK_M_W);\n");
    c.append("  std::printf(\"PACK_SHIFT %d\\n\", cnnhls::PACK_SHIFT);\n");
    c.append("  std::printf(\"MUL %d %d %d\\n\", cnnhls::MUL_A_W, cnnhls::MUL_B_W, cnnhls::MUL_MAX_C);\n");
    c.append("  std::printf(\"RS %d %d %d %d\\n\", cnnhls::RS_WEIGHT_BITS, cnnhls::RS_V_W, cnnhls::RS_L_W, cnnhls::RS_T_W);\n");
    // table activations (issue 14): ActKind codes, guard bits, table and multiplier widths
    for (org.cnnhls.ir.quant.ActTable.Kind k : org.cnnhls.ir.quant.ActTable.Kind.values()) {
      c.append("  std::printf(\"actkind ").append(k.name()).append(" %d\\n\", (int)cnnhls::ACT_").append(k.name()).append(");\n");
    }
    c.append("  std::printf(\"ACT %d %d %d %d %d\\n\", cnnhls::ACT_GUARD, cnnhls::ACT_T_W, cnnhls::ACT_D_W, cnnhls::ACT_F_W, cnnhls::ACT_TAB_MAX);\n");
    c.append("  for (int n = 1; n <= 4096; n++) std::printf(\"avgm %d %d\\n\", n, cnnhls::avg_multiplier(n));\n");
    for (int i = 0; i < ddrs.size(); i++) {
      DdrModel m = ddrs.get(i);
      for (long s : sizes) {
        c.append(String.format(java.util.Locale.ROOT,
            "  std::printf(\"ddr %d %d %%lld\\n\", cnnhls_sc::ddr_transfer_cycles(%dLL, %d, %d, %d, %.17g, %d));\n", i, s, s,
            m.axiBytes(), m.burstBeats(), m.accessLatency(), m.bytesPerCycle(), m.burstIssueCycles()));
      }
    }
    c.append("  return 0;\n}\n");
    Map<String, String> out = parse(KernelHeaders.compileAndRun(tmp, inc, "contract",
        c.toString(), config(4, 4, 4, 4, 16, 16, false, emptyLimits())));

    // layout: declaration order, nothing else in the struct, and toCpp() fills each field by name
    assertEquals(String.valueOf(4 * fields.length), out.get("sizeof"),
        "sizeof(LayerDesc): a field only in cnnhls_desc.h, or not an int");
    for (int i = 0; i < fields.length; i++) {
      String n = snake(fields[i].getName());
      assertEquals((4 * i) + " " + values[i], out.get("field " + n),
          "LayerDesc." + n + ": offset (declaration order) and the value toCpp() puts there");
    }
    for (Map.Entry<String, Integer> op : javaOps.entrySet()) {
      assertEquals(String.valueOf(op.getValue()), out.get("op " + op.getKey()), "OP_" + op.getKey());
      assertEquals(op.getValue(), headerOps.get(op.getKey()), "OP_" + op.getKey() + " as written in cnnhls_desc.h");
      assertEquals(op.getKey(), EngineOp.of(op.getValue()).name(), "EngineOp of OP_" + op.getKey());
    }
    assertEquals(javaOps.size(), EngineOp.values().length, "EngineOp has exactly the descriptor ops");
    assertEquals(headerOps.keySet(), new java.util.TreeSet<>(java.util.Arrays.stream(EngineOp.values()).map(Enum::name).toList()),
        "the C++ enum and EngineOp name the same ops");
    assertEquals(String.valueOf(IntKernels.AVG_SHIFT), out.get("AVG_SHIFT"), "AVG_SHIFT (IntKernels)");
    for (int n = 1; n <= 4096; n++) {
      assertEquals(String.valueOf(IntKernels.avgMultiplier(n)), out.get("avgm " + n), "avg_multiplier(" + n + ")");
    }
    assertEquals(String.valueOf(ResourceModel.FC_BLOCK), out.get("FC_NB"), "CNNHLS_FC_NB vs ResourceModel.FC_BLOCK");
    // the multiplier widths the resource model counts DSPs for are the kernels' operand widths
    assertEquals(String.valueOf(ResourceModel.AVG_M_W), out.get("AVG_M_W"), "AVG_M_W vs ResourceModel.AVG_M_W");
    assertEquals(String.valueOf(TraceCycles.EW_CHUNK), out.get("EW_CHUNK"), "CNNHLS_EW_CHUNK vs TraceCycles.EW_CHUNK");
    assertEquals(String.valueOf(ConvEngine.PLAN_DIVISIONS), out.get("PLAN_DIVISIONS"), "CONV_PLAN_DIVISIONS vs ConvEngine.PLAN_DIVISIONS");
    HardwareConfig four = HardwareConfig.defaults(org.cnnhls.boards.BoardCatalog.byName("ultra96")).withTiles(4, 4, 4, 4)
        .withPrecision(16, 16).withAxiDataWidth(128);
    assertEquals(WeightLayout.rows(four) + " " + WeightLayout.perBeat(four), out.get("W_ROWS"), "W_ROWS/WE vs WeightLayout");
    assertEquals(ResourceModel.LEAK_V_W + " " + ResourceModel.LEAK_M_W, out.get("LEAK"), "LEAK_V_W/LEAK_M_W vs ResourceModel");
    // issue 14: the element-wise Mul's multiplier at activation x activation bits, its factor buffer
    assertEquals(16 + " " + 16 + " " + EngineLimits.MUL_MAX_C, out.get("MUL"), "MUL_A_W/MUL_B_W (CNNHLS_ACT_W) and MUL_MAX_C vs EngineLimits");
    // issue 14: resize_layer's weights and multiplier operand widths (value, weight, row interpolation)
    assertEquals(org.cnnhls.ir.quant.ResizeWeights.WEIGHT_BITS + " 16 " + PoolingUnit.RS_WEIGHT_W + " " + (16 + PoolingUnit.RS_WEIGHT_W),
        out.get("RS"), "RS_WEIGHT_BITS/RS_V_W/RS_L_W/RS_T_W vs ResizeWeights and PoolingUnit");
    for (org.cnnhls.ir.quant.ActTable.Kind k : org.cnnhls.ir.quant.ActTable.Kind.values()) {
      assertEquals(String.valueOf(k.code), out.get("actkind " + k.name()), "ACT_" + k.name() + " vs ActTable.Kind");
    }
    assertEquals(org.cnnhls.ir.quant.ActTable.GUARD + " " + ResourceModel.ACT_T_W + " " + ResourceModel.ACT_D_W + " "
        + ResourceModel.ACT_F_W + " " + ResourceModel.ACT_TAB_MAX, out.get("ACT"),
        "ACT_GUARD/ACT_T_W/ACT_D_W/ACT_F_W/ACT_TAB_MAX vs ActTable.GUARD and ResourceModel");
    // the engine's widest tables: 16-bit inputs (8 index + 8 interpolation bits) and outputs
    assertEquals(ResourceModel.ACT_F_W, 16 - 8, "interpolation bits of a 16-bit input");
    // packing holds any 8 x 8 product in its low field (|b x| <= 2^14 < 2^(PACK_SHIFT - 1))
    assertTrue(Integer.parseInt(out.get("PACK_SHIFT")) - 1 > 14, "PACK_SHIFT " + out.get("PACK_SHIFT"));
    for (int i = 0; i < ddrs.size(); i++) {
      for (long s : sizes) {
        assertEquals(String.valueOf(ddrs.get(i).transfer(s)), out.get("ddr " + i + " " + s),
            "DDR transfer of " + s + " bytes on " + ddrs.get(i) + " (DdrModel.transfer vs cnnhls_sc_cost.h)");
      }
    }
  }

  /** LayerDescriptor's public static final int OP_* constants, by name without the prefix. */
  static Map<String, Integer> javaOpCodes() throws IllegalAccessException {
    Map<String, Integer> ops = new LinkedHashMap<>();
    for (Field f : LayerDescriptor.class.getDeclaredFields()) {
      int mod = f.getModifiers();
      if (f.getName().startsWith("OP_") && f.getType() == int.class && Modifier.isStatic(mod) && Modifier.isFinal(mod)) {
        ops.put(f.getName().substring(3), f.getInt(null));
      }
    }
    return ops;
  }

  /** The enumerators of enum OpKind as written in cnnhls_desc.h (an op added there only must fail the test). */
  static Map<String, Integer> headerOpCodes(String header) {
    Matcher body = Pattern.compile("enum OpKind \\{(.*?)\\};", Pattern.DOTALL).matcher(header);
    assertTrue(body.find(), "no enum OpKind in cnnhls_desc.h");
    Map<String, Integer> ops = new LinkedHashMap<>();
    Matcher e = Pattern.compile("\\bOP_(\\w+)\\s*=\\s*(\\d+)").matcher(body.group(1).replaceAll("//[^\n]*", ""));
    while (e.find()) ops.put(e.group(1), Integer.parseInt(e.group(2)));
    return ops;
  }

  // ------------------------------------------------------------------ conv plan

  /** A hardware shape, precision and the range of conv parameters its random layers draw from. */
  record Config(int tm, int tn, int tr, int tc, int actW, int wgtW, boolean wino, int kMax, int sMax, int dMax) {}

  static final List<Config> CONFIGS = List.of(
      new Config(4, 4, 8, 8, 16, 16, false, 7, 3, 2),
      new Config(16, 8, 14, 14, 8, 8, true, 3, 1, 1),
      new Config(3, 5, 5, 7, 16, 8, true, 7, 2, 2),
      new Config(32, 16, 13, 6, 32, 32, true, 5, 3, 1),  // Winograd accumulator above 64 bits: clamped
      new Config(1, 1, 1, 2, 8, 16, false, 3, 2, 1),    // tiles smaller than a pool window: tr = 0
      new Config(8, 32, 28, 28, 12, 10, true, 7, 3, 2));

  static final int CASES_PER_CONFIG = 500;

  /** A ConvPlan field: its C++ expression (p: ConvPlan), the Java value, the record components it reads. */
  record PlanField(String cpp, ToLongFunction<ConvEngine.ConvPlan> java, String... components) {}

  static final List<PlanField> PLAN = List.of(
      new PlanField("p.out_c", ConvEngine.ConvPlan::outC, "outC"),
      new PlanField("p.groups", ConvEngine.ConvPlan::groups),
      new PlanField("p.cg", ConvEngine.ConvPlan::cg, "cg"),
      new PlanField("p.mg", ConvEngine.ConvPlan::mg, "mg"),
      new PlanField("p.dw", p -> p.depthwise() ? 1 : 0, "depthwise"),
      new PlanField("p.tm", p -> p.depthwise() ? p.tmDepthwise() : p.tmGeneral()),
      new PlanField("p.mt_per_group", ConvEngine.ConvPlan::mtPerGroup, "mtPerGroup"),
      new PlanField("p.ch_tiles", ConvEngine.ConvPlan::chTiles, "chTiles"),
      new PlanField("p.n_tiles", ConvEngine.ConvPlan::nTiles, "nTiles"),
      new PlanField("p.wino", p -> p.wino() ? 1 : 0, "wino"),
      new PlanField("p.pk_h", ConvEngine.ConvPlan::poolH, "poolH"),
      new PlanField("p.pk_w", ConvEngine.ConvPlan::poolW, "poolW"),
      new PlanField("p.rows", ConvEngine.ConvPlan::rows, "rows"),
      new PlanField("p.cols", ConvEngine.ConvPlan::cols, "cols"),
      new PlanField("p.tr", ConvEngine.ConvPlan::tr, "tr"),
      new PlanField("p.tc", ConvEngine.ConvPlan::tc, "tc"),
      new PlanField("p.r_tiles", ConvEngine.ConvPlan::rTiles, "rTiles"),
      new PlanField("p.c_tiles", ConvEngine.ConvPlan::cTiles, "cTiles"),
      new PlanField("p.rows_last", ConvEngine.ConvPlan::rowsLast),
      new PlanField("p.cols_last", ConvEngine.ConvPlan::colsLast),
      new PlanField("p.ptr", ConvEngine.ConvPlan::ptr),
      new PlanField("p.ptc", ConvEngine.ConvPlan::ptc),
      new PlanField("p.prows_last", ConvEngine.ConvPlan::prowsLast),
      new PlanField("p.pcols_last", ConvEngine.ConvPlan::pcolsLast),
      new PlanField("p.tiles", p -> (long) p.chTiles() * p.rTiles() * p.cTiles()),
      new PlanField("cnnhls::TD", ConvEngine.ConvPlan::tmDepthwise, "tmDepthwise"),
      new PlanField("cnnhls::TM", ConvEngine.ConvPlan::tmGeneral, "tmGeneral"));

  /** Members of struct ConvPlan among the PLAN expressions (sizeof(ConvPlan) must account for exactly these). */
  static final long CPP_PLAN_MEMBERS = PLAN.stream().filter(f -> f.cpp().startsWith("p.")).count();

  @Test
  void convPlanMatchesTheKernelsOnRandomLayers() throws Exception {
    // every ConvPlan component is compared (a component added in Java only must fail here)
    TreeSet<String> covered = new TreeSet<>();
    for (PlanField f : PLAN) covered.addAll(Arrays.asList(f.components()));
    assertEquals(Arrays.stream(ConvEngine.ConvPlan.class.getRecordComponents()).map(RecordComponent::getName)
        .collect(Collectors.toCollection(TreeSet::new)), covered, "ConvPlan components compared with C++");

    Path inc = KernelHeaders.copyHeaders(tmp.resolve("inc"));
    ExecutorService pool = Executors.newFixedThreadPool(2);  // g++ runs, two at a time
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < CONFIGS.size(); i++) {
        final int index = i;
        runs.add(pool.submit(() -> {
          checkConfig(index, CONFIGS.get(index), inc);
          return null;
        }));
      }
      for (Future<?> f : runs) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof Error err) throw err;
          throw e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void checkConfig(int index, Config cfg, Path inc) throws Exception {
    Random rnd = new Random(1000 + index);
    List<LayerDescriptor> cases = new ArrayList<>();
    for (int i = 0; i < CASES_PER_CONFIG; i++) cases.add(randomConv(rnd, cfg));
    EngineProgram prog = new EngineProgram(cases, cases.stream().map(x -> "n").toList(),
        cases.stream().map(x -> "v").toList(), cfg.actW(), cfg.wgtW(), 1, "in", 0, 1, List.of(new EngineProgram.Output("out", 0, 1)), new int[0], new long[0],
        new int[0], 48, 1);
    EngineLimits limits = EngineLimits.of(prog);
    HardwareConfig hw = HardwareConfig.defaults(BoardCatalog.byName("ultra96"))
        .withTiles(cfg.tm(), cfg.tn(), cfg.tr(), cfg.tc()).withWinograd(cfg.wino()).withPrecision(Math.min(16, cfg.actW()), Math.min(16, cfg.wgtW()))
        .withAxiDataWidth(128);
    int ab = EngineProgram.storageBytes(cfg.actW()), wb = EngineProgram.storageBytes(cfg.wgtW());

    StringBuilder c = new StringBuilder(prelude());
    c.append("static const cnnhls::LayerDesc CASES[] = {\n");
    for (LayerDescriptor d : cases) c.append("  ").append(d.toCpp()).append(",\n");
    c.append("};\n\nint main() {\n");
    c.append("  std::printf(\"sizeof %d\\n\", (int)sizeof(cnnhls::ConvPlan));\n");
    c.append("  std::printf(\"in_tile %d %d\\n\", cnnhls::IN_TR, cnnhls::IN_TC);\n");
    c.append("  std::printf(\"wino_acc %d %d\\n\", (int)(CNNHLS_WINO_ACC_W), width_of(cnnhls::wino_acc_t()));\n");
    c.append("  std::printf(\"bytes %d %d\\n\", cnnhls_sc::act_bytes(), cnnhls_sc::wgt_bytes());\n");
    c.append("  for (int i = 0; i < (int)(sizeof CASES / sizeof CASES[0]); i++) {\n");
    c.append("    const cnnhls::LayerDesc &d = CASES[i];\n    const cnnhls::ConvPlan p = cnnhls::conv_plan(d);\n");
    c.append("    std::printf(\"plan %d");
    for (int i = 0; i < PLAN.size(); i++) c.append(" %d");
    c.append("\\n\", i");
    for (PlanField f : PLAN) c.append(", (int)(").append(f.cpp()).append(')');
    c.append(");\n");
    // the weight region the engine reads (cnnhls::weight_elems) against the one WeightLayout writes
    c.append("    std::printf(\"weights %d %lld\\n\", i, cnnhls::weight_elems(d));\n  }\n  return 0;\n}\n");

    Path dir = tmp.resolve("config" + index);
    java.nio.file.Files.createDirectories(dir);
    String text = KernelHeaders.compileAndRun(dir, inc, "plan", c.toString(), config(cfg.tm(), cfg.tn(), cfg.tr(), cfg.tc(),
        cfg.actW(), cfg.wgtW(), cfg.wino(), limits));
    String where = "config " + cfg;
    List<String> lines = text.lines().toList();
    Map<String, String> head = parse(String.join("\n", lines.subList(0, 4)));
    assertEquals(String.valueOf(4 * CPP_PLAN_MEMBERS), head.get("sizeof"), "sizeof(ConvPlan): a member not compared");
    assertEquals(limits.inputTileRows(hw) + " " + limits.inputTileCols(hw), head.get("in_tile"),
        "CNNHLS_IN_TR/IN_TC vs EngineLimits.inputTileRows/Cols, " + where);
    int yW = ResourceModel.winogradAccWidth(cfg.actW(), cfg.wgtW(), cfg.tn());
    String[] wa = head.get("wino_acc").split(" ");
    assertEquals(yW, Math.min(64, Integer.parseInt(wa[0])), "CNNHLS_WINO_ACC_W vs ResourceModel.winogradAccWidth, " + where);
    assertEquals(yW, Integer.parseInt(wa[1]), "wino_acc_t width vs ResourceModel.winogradAccWidth, " + where);
    assertEquals(ab + " " + wb, head.get("bytes"), "storage bytes vs EngineProgram.storageBytes, " + where);

    int line = 4;
    for (int i = 0; i < cases.size(); i++) {
      LayerDescriptor d = cases.get(i);
      ConvEngine.ConvPlan p = ConvEngine.ConvPlan.of(d, hw, limits);
      StringBuilder want = new StringBuilder("plan ").append(i);
      for (PlanField f : PLAN) want.append(' ').append(f.java().applyAsLong(p));
      String ctx = where + ", case " + i + " " + d.toCpp() + "\n  fields:" + PLAN.stream().map(PlanField::cpp).toList();
      assertEquals(want.toString(), lines.get(line++), "conv plan, " + ctx);
      assertEquals(hw.winogradFor(d), p.wino(), "HardwareConfig.winogradFor, " + ctx);
      int[] w = new int[d.outC() * (d.inC() / d.groups()) * d.kH() * d.kW()];
      int laid = WeightLayout.conv(w, d.outC(), d.inC(), d.groups(), d.kH(), d.kW(), p.wino(), hw).length;
      String weights = lines.get(line++);
      // (32-bit storage exists in the kernels only: the compiler stores at most 16 bits)
      if (cfg.wgtW() <= 16) assertEquals("weights " + i + " " + laid, weights, "cnnhls::weight_elems vs WeightLayout.conv, " + ctx);
    }
    assertEquals(lines.size(), line, "unexpected output lines");
  }

  /** A conv layer the engine accepts (layer_fits), with random groups, window, stride, dilation, pads and fused pool. */
  static LayerDescriptor randomConv(Random r, Config cfg) {
    LayerDescriptor.Builder b = new LayerDescriptor.Builder(LayerDescriptor.OP_CONV);
    int kind = r.nextInt(6);  // 0-2 general, 3 grouped, 4 depthwise, 5 depthwise with a channel multiplier
    if (kind <= 2) {
      b.groups = 1;
      b.inC = 1 + r.nextInt(kind == 0 ? 8 : 96);
      b.outC = 1 + r.nextInt(kind == 0 ? 8 : 96);
    } else if (kind == 3) {
      b.groups = 2 + r.nextInt(4);
      b.inC = b.groups * (1 + r.nextInt(12));
      b.outC = b.groups * (1 + r.nextInt(12));
    } else {
      b.groups = 2 + r.nextInt(64);
      b.inC = b.groups;
      b.outC = b.groups * (kind == 4 ? 1 : 1 + r.nextInt(3));
    }
    // Winograd candidates often enough to matter
    boolean three = cfg.kMax() >= 3 && r.nextInt(3) == 0;
    b.kH = three ? 3 : 1 + r.nextInt(cfg.kMax());
    b.kW = three ? 3 : r.nextInt(4) == 0 ? 1 + r.nextInt(cfg.kMax()) : b.kH;
    b.sH = three && r.nextBoolean() ? 1 : 1 + r.nextInt(cfg.sMax());
    b.sW = r.nextInt(4) == 0 ? 1 + r.nextInt(cfg.sMax()) : b.sH;
    b.dH = three && r.nextBoolean() ? 1 : 1 + r.nextInt(cfg.dMax());
    b.dW = r.nextInt(4) == 0 ? 1 + r.nextInt(cfg.dMax()) : b.dH;
    b.padT = r.nextInt(b.kH);
    b.padB = r.nextInt(b.kH);
    b.padL = r.nextInt(b.kW);
    b.padR = r.nextInt(b.kW);
    int spanH = (b.kH - 1) * b.dH + 1, spanW = (b.kW - 1) * b.dW + 1;
    b.inH = Math.max(1 + r.nextInt(r.nextBoolean() ? 12 : 80), spanH - b.padT - b.padB);
    b.inW = Math.max(1 + r.nextInt(r.nextBoolean() ? 12 : 80), spanW - b.padL - b.padR);
    b.convH = (b.inH + b.padT + b.padB - spanH) / b.sH + 1;
    b.convW = (b.inW + b.padL + b.padR - spanW) / b.sW + 1;
    b.outH = b.convH;
    b.outW = b.convW;
    if (r.nextInt(3) == 0) {
      int ph = 2 + r.nextInt(2), pw = r.nextInt(4) == 0 ? 2 + r.nextInt(2) : ph;
      if (b.convH >= ph && b.convW >= pw) {
        boolean ceil = r.nextBoolean();
        b.pool = 1;
        b.poolKH = b.poolSH = ph;
        b.poolKW = b.poolSW = pw;
        b.outH = ceil ? (b.convH + ph - 1) / ph : b.convH / ph;
        b.outW = ceil ? (b.convW + pw - 1) / pw : b.convW / pw;
      }
    }
    b.inOff = r.nextInt(1000);
    b.outOff = r.nextInt(1000);
    b.wOff = r.nextInt(1000);
    return b.build();
  }

  // ------------------------------------------------------------------ shared

  /** Buffer limits for the constants program (no layers: EngineLimits' own minimums). */
  static EngineLimits emptyLimits() {
    return EngineLimits.of(new EngineProgram(List.of(), List.of(), List.of(), 16, 16, 1, "in", 0, 1, List.of(new EngineProgram.Output("out", 0, 1)),
        new int[0], new long[0], new int[0], 48, 1));
  }

  /** The config macros cnnhls_engine.h needs, as the generated config header sets them (limits from EngineLimits). */
  static List<String> config(int tm, int tn, int tr, int tc, int actW, int wgtW, boolean wino, EngineLimits l) {
    return List.of("CNNHLS_TM=" + tm, "CNNHLS_TN=" + tn, "CNNHLS_TR=" + tr, "CNNHLS_TC=" + tc, "CNNHLS_ACT_W=" + actW,
        "CNNHLS_WGT_W=" + wgtW, "CNNHLS_WINOGRAD=" + (wino ? 1 : 0), "CNNHLS_AXI_WIDTH=128", "CNNHLS_MAX_K=" + l.maxK(),
        "CNNHLS_MAX_STRIDE=" + l.maxStride(), "CNNHLS_MAX_DILATION=" + l.maxDilation());
  }

  static String prelude() {
    return """
        #include <cstddef>
        #include <cstdio>

        #include "cnnhls_engine.h"
        #include "cnnhls_sc_cost.h"

        template <int W>
        int width_of(const ap_int<W> &) { return W; }

        """;
  }

  /** "key rest" lines -> {key: rest}, the key being the leading words up to the last non-numeric one. */
  static Map<String, String> parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) continue;
      String[] w = line.trim().split(" ");
      int k = 1;
      // keys are "sizeof", "field in_off", "op CONV", "avgm 12", "ddr 3 4096": words before the values
      if (w[0].equals("field") || w[0].equals("op")) k = 2;
      else if (w[0].equals("avgm") || w[0].equals("actkind")) k = 2;
      else if (w[0].equals("ddr")) k = 3;
      out.put(String.join(" ", Arrays.copyOfRange(w, 0, k)), String.join(" ", Arrays.copyOfRange(w, k, w.length)));
    }
    return out;
  }
}
