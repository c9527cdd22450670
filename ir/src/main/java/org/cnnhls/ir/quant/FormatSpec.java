package org.cnnhls.ir.quant;

import org.cnnhls.ir.ModelException;

/**
 * A requested format: a width with the fraction chosen from the data's range ("16"), or a fixed
 * width and integer-bit count ("16,2" = W 16, I 2, F 14, the CNNA paper's Q2.14).
 */
public record FormatSpec(int width, Integer intBits) {
  public FormatSpec {
    if (width < FixedType.MIN_WIDTH || width > FixedType.MAX_WIDTH) {
      throw new ModelException("fixed-point width " + width + " is impossible; use " + FixedType.MIN_WIDTH + " to "
          + FixedType.MAX_WIDTH + " bits");
    }
  }

  public static FormatSpec parse(String text) {
    String t = text.trim();
    try {
      int comma = t.indexOf(',');
      if (comma < 0) return new FormatSpec(Integer.parseInt(t), null);
      return new FormatSpec(Integer.parseInt(t.substring(0, comma).trim()), Integer.parseInt(t.substring(comma + 1).trim()));
    } catch (NumberFormatException e) {
      throw new ModelException("format '" + text + "' is not W or W,I (e.g. 16 or 16,2)");
    }
  }

  /** The concrete format for data whose largest magnitude is {@code maxAbs}. */
  public FixedType resolve(double maxAbs) {
    return intBits == null ? FixedType.forRange(width, maxAbs) : new FixedType(width, width - intBits);
  }

  @Override
  public String toString() {
    return intBits == null ? String.valueOf(width) : width + "," + intBits;
  }
}
