package org.cnnhls.ir.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.IrParser;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.ops.Op;
import org.junit.jupiter.api.Test;

/**
 * The table activations (ActTable) against an exact reference of the rule in DEVELOPERS.md
 * (BigDecimal entries, BigInteger interpolation, HALF_EVEN division), and against the functions
 * themselves within the rule's error bound, on seeded random formats and inputs.
 */
class ActTableTest {
  static final List<Op.Activation> ACTS = List.of(new Op.Sigmoid(), new Op.HardSigmoid(0.2f, 0.5f), new Op.HardSwish(),
      new Op.Silu(), new Op.Tanh(), new Op.Gelu());

  @Test
  void matchesTheExactRule() {
    Random r = new Random(14);
    for (int trial = 0; trial < 400; trial++) {
      Op.Activation a = ACTS.get(trial % ACTS.size());
      FixedType in = new FixedType(2 + r.nextInt(23), r.nextInt(20) - 2), out = new FixedType(2 + r.nextInt(24), r.nextInt(26) - 2);
      ActTable t = ActTable.of(a, in, out);
      int k = Math.min(in.width(), 8), d = in.width() - k;
      assertEquals((1 << k) + 1, t.entries().length);
      for (int j = 0; j < t.entries().length; j++) {
        long raw = ((long) j << d) - (1L << (in.width() - 1));
        BigDecimal exact = new BigDecimal(ActTable.phi(a, raw * Math.pow(2, -in.frac())));
        BigInteger e = exact.multiply(pow2(out.frac() + ActTable.GUARD)).setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
        assertEquals(sat(e, out.width() + ActTable.GUARD), t.entries()[j], a.type() + " entry " + j + " " + in + " -> " + out);
      }
      for (int s = 0; s < 200; s++) {
        long x = in.minRaw() + (long) (r.nextDouble() * (in.maxRaw() - in.minRaw() + 1));
        if (s == 0) x = in.minRaw();
        if (s == 1) x = in.maxRaw();
        BigInteger u = BigInteger.valueOf(x).add(BigInteger.ONE.shiftLeft(in.width() - 1));
        int i = u.shiftRight(d).intValueExact();
        BigInteger f = u.subtract(BigInteger.valueOf(i).shiftLeft(d));
        BigInteger lo = BigInteger.valueOf(t.entries()[i]), hi = BigInteger.valueOf(t.entries()[i + 1]);
        BigInteger tt = lo.shiftLeft(d).add(hi.subtract(lo).multiply(f));
        BigInteger y = new BigDecimal(tt).divide(new BigDecimal(BigInteger.ONE.shiftLeft(d + ActTable.GUARD)))
            .setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
        assertEquals(sat(y, out.width()), t.apply((int) x), a.type() + " at raw " + x + " " + in + " -> " + out);
      }
    }
  }

  @Test
  void staysWithinTheInterpolationBound() {
    // |y - phi| <= 1 LSB of the output (the entry's and the output's roundings, 2^-G/2 + 1/2) plus
    // linear interpolation's error: h^2/8 max|phi''| (<= 1 for all six) + h/4 per kink slope jump (<= 1/2)
    Random r = new Random(6);
    for (int trial = 0; trial < 120; trial++) {
      Op.Activation a = ACTS.get(trial % ACTS.size());
      int wi = trial % 2 == 0 ? 16 : 8, wo = trial % 4 < 2 ? 16 : 8;
      FixedType in = FixedType.forRange(wi, 1 + r.nextDouble() * 10), out = FixedType.forRange(wo, a instanceof Op.Sigmoid
          || a instanceof Op.HardSigmoid || a instanceof Op.Tanh ? 1.0 : in.maxRaw() * in.scale());
      ActTable t = ActTable.of(a, in, out);
      double h = Math.scalb(1.0, t.interpBits() - in.frac()), lsb = out.scale();
      double bound = lsb + h * h / 8 + h / 8;
      for (long x = in.minRaw(); x <= in.maxRaw(); x += 1 + r.nextInt(7)) {
        double want = Math.max(out.minRaw() * lsb, Math.min(out.maxRaw() * lsb, ActTable.phi(a, x * in.scale())));
        double got = t.apply((int) x) * lsb;
        assertTrue(Math.abs(got - want) <= bound, a.type() + " at " + x * in.scale() + ": " + got + " vs " + want + " " + in + " -> " + out);
      }
    }
  }

  @Test
  void refusesFormatsWithoutATableByNode() {
    assertThrows(ModelException.class, () -> ActTable.of(new Op.Sigmoid(), new FixedType(25, 20), new FixedType(16, 15)));
    Graph g = IrParser.parse("""
        graph g
          input  x: [1,8]
          y = Sigmoid(x) : [1,8]
          output y
        """, 1);
    QuantOptions o = QuantOptions.preset("28");
    ModelException e = assertThrows(ModelException.class, () -> Quantizer.quantize(g, o, ValueRanges.analytic(g, 4)));
    assertTrue(e.getMessage().contains("'y'") && e.getMessage().contains("Sigmoid"), e.getMessage());
  }

  @Test
  void runsStandaloneInTheGoldenModel() {
    Graph g = IrParser.parse("""
        graph g
          input  x: [1,64]
          a = Silu(x) : [1,64]
          b = Gelu(a) : [1,64]
          c = HardSwish(b) : [1,64]
          d = Tanh(c) : [1,64]
          y = Sigmoid(d) : [1,64]
          output y
        """, 1);
    QuantizedGraph q = Quantizer.quantize(g, QuantOptions.preset("16"), ValueRanges.analytic(g, 4));
    float[] x = new float[64];
    for (int i = 0; i < 64; i++) x[i] = (i - 32) / 8f;
    float[] y = new BitAccurateInterpreter(q).runFloat(Map.of("x", x)).get("y");
    for (int i = 0; i < 64; i++) {
      double v = x[i];
      for (Op.Activation a : List.of(new Op.Silu(), new Op.Gelu(), new Op.HardSwish(), new Op.Tanh(), new Op.Sigmoid())) v = a.apply((float) v);
      assertEquals(v, y[i], 2e-3, "x = " + x[i]);
    }
    assertArrayEquals(new int[0], new int[0]);
  }

  private static BigDecimal pow2(int e) {
    return e >= 0 ? new BigDecimal(BigInteger.ONE.shiftLeft(e)) : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-e)));
  }

  private static int sat(BigInteger v, int width) {
    BigInteger max = BigInteger.ONE.shiftLeft(width - 1).subtract(BigInteger.ONE), min = BigInteger.ONE.shiftLeft(width - 1).negate();
    return (v.compareTo(max) > 0 ? max : v.compareTo(min) < 0 ? min : v).intValueExact();
  }
}
