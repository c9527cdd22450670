package org.cnnhls.ir.quant;

import java.util.Arrays;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.ops.ErrorFunction;
import org.cnnhls.ir.ops.Op;

/**
 * A nonlinear activation (Sigmoid, HardSigmoid, HardSwish, SiLU, Tanh, GELU) in fixed point: a
 * table over the input format's whole raw range, interpolated linearly, one rounding at the end
 * (DEVELOPERS.md, "Numeric contract": the rule this implements bit for bit).
 *
 * <p>Input format (Wi, Fi), output (Wo, Fo). {@code k = min(Wi, 8)} index bits, {@code d = Wi - k}
 * interpolation bits, {@code G = GUARD} guard bits. Entry j in [0, 2^k] is the function at the raw
 * input {@code x_j = j 2^d - 2^(Wi-1)}: {@code T[j] = sat_(Wo+G)(rint(phi(x_j 2^-Fi) 2^(Fo+G)))}
 * (phi in double with StrictMath, rint rounding half to even). For a raw input x: {@code u = x +
 * 2^(Wi-1)}, {@code i = u >> d}, {@code f = u & (2^d - 1)}, {@code t = T[i] 2^d + (T[i+1] - T[i]) f}
 * (exact), {@code y = Requantize.apply(t, 1, d + G, Wo)}: half to even, saturated to Wo bits.
 */
public record ActTable(Kind kind, int inWidth, int indexBits, int outWidth, int[] entries) {

  /** Guard bits of the entries below the output's LSB. */
  public static final int GUARD = 4;

  /** Largest input width (d = Wi - 8 interpolation bits stay at most 16) and entry width. */
  public static final int MAX_IN_WIDTH = 24, MAX_ENTRY_WIDTH = 30;

  /** The table functions; the codes are the descriptor's act_kind (cnnhls_desc.h ActKind). */
  public enum Kind {
    SIGMOID(1), HARD_SIGMOID(2), HARD_SWISH(3), SILU(4), TANH(5), GELU(6);

    public final int code;

    Kind(int code) {
      this.code = code;
    }
  }

  /** The kind of a table activation, or null for the others (clamp, leaky, none). */
  public static Kind kindOf(Op.Activation a) {
    if (a instanceof Op.Sigmoid) return Kind.SIGMOID;
    if (a instanceof Op.HardSigmoid) return Kind.HARD_SIGMOID;
    if (a instanceof Op.HardSwish) return Kind.HARD_SWISH;
    if (a instanceof Op.Silu) return Kind.SILU;
    if (a instanceof Op.Tanh) return Kind.TANH;
    if (a instanceof Op.Gelu) return Kind.GELU;
    return null;
  }

  /** The function itself, in double (what the entries sample). */
  public static double phi(Op.Activation a, double x) {
    Kind k = kindOf(a);
    if (k == null) throw new IllegalArgumentException(a.type() + " is not a table activation");
    return switch (k) {
      case SIGMOID -> 1.0 / (1.0 + StrictMath.exp(-x));
      case HARD_SIGMOID -> {
        Op.HardSigmoid h = (Op.HardSigmoid) a;
        yield Math.max(0.0, Math.min(1.0, (double) h.alpha() * x + h.beta()));
      }
      case HARD_SWISH -> x * Math.max(0.0, Math.min(1.0, x / 6.0 + 0.5));
      case SILU -> x / (1.0 + StrictMath.exp(-x));
      case TANH -> StrictMath.tanh(x);
      case GELU -> x * 0.5 * (1.0 + ErrorFunction.erf(x / StrictMath.sqrt(2.0)));
    };
  }

  /** The table of {@code a} from input format {@code in} to {@code out}; a ModelException if none fits. */
  public static ActTable of(Op.Activation a, FixedType in, FixedType out) {
    Kind kind = kindOf(a);
    if (kind == null) throw new IllegalArgumentException(a.type() + " is not a table activation");
    if (in.width() > MAX_IN_WIDTH || out.width() + GUARD > MAX_ENTRY_WIDTH || in.width() < 2) {
      throw new ModelException(a.type() + " from " + in + " to " + out + " has no table: inputs of 2 to " + MAX_IN_WIDTH
          + " bits and outputs of at most " + (MAX_ENTRY_WIDTH - GUARD) + " bits only");
    }
    int k = Math.min(in.width(), 8), d = in.width() - k;
    int[] t = new int[(1 << k) + 1];
    for (int j = 0; j < t.length; j++) {
      long raw = ((long) j << d) - (1L << (in.width() - 1));
      double v = phi(a, Math.scalb((double) raw, -in.frac()));
      double scaled = Math.rint(Math.scalb(v, out.frac() + GUARD));
      long e = Double.isNaN(scaled) ? 0 : (long) Math.max(Math.min(scaled, 0x1p62), -0x1p62);
      t[j] = Requantize.saturate(e, out.width() + GUARD);
    }
    return new ActTable(kind, in.width(), k, out.width(), t);
  }

  public int interpBits() {
    return inWidth - indexBits;
  }

  public int apply(int x) {
    int d = interpBits();
    long u = (long) x + (1L << (inWidth - 1));
    int i = (int) (u >> d);
    long f = u & ((1L << d) - 1);
    long t = ((long) entries[i] << d) + (long) (entries[i + 1] - entries[i]) * f;
    return Requantize.apply(t, 1, d + GUARD, outWidth);
  }

  @Override public boolean equals(Object o) {
    return o instanceof ActTable a && kind == a.kind && inWidth == a.inWidth && indexBits == a.indexBits
        && outWidth == a.outWidth && Arrays.equals(entries, a.entries);
  }

  @Override public int hashCode() {
    return Arrays.hashCode(entries) * 31 + kind.hashCode();
  }

  @Override public String toString() {
    return "ActTable(" + kind + ", in " + inWidth + " bits, " + entries.length + " entries, out " + outWidth + " bits)";
  }
}
