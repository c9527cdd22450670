package org.cnnhls.frontend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.cnnhls.ir.Shape;
import org.openlca.npy.Npy;
import org.openlca.npy.NpyArray;
import org.openlca.npy.NpyFloatArray;
import org.openlca.npy.NpyIntArray;

/** NumPy .npy files through the org.openlca:npy library, with one-line errors and atomic writes. */
public final class NpyFiles {
  private NpyFiles() {}

  /** A float array with its shape, C order. */
  public record Floats(Shape shape, float[] data) {}

  /**
   * Reads float32 (or float64, narrowed) data in C order. NaN or infinite values are refused,
   * naming the file and the first bad (flat, C-order) index: they would give silently wrong ranges
   * and outputs.
   */
  public static Floats readFloats(Path file) {
    Header h = header(file);
    if (!(h.kind == 'f' && (h.itemSize == 4 || h.itemSize == 8))) {
      throw new InputFileException(file + " holds " + h.dtype() + " data of shape " + h.shapeText
          + "; a float32 array is needed (use x.astype(np.float32))");
    }
    NpyArray<?> a = read(file, h);
    float[] data = a.asFloatArray().data();
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        throw new InputFileException(file + " holds " + data[i] + " at flat index " + i + " (shape " + h.shapeText
            + "); input and calibration data must be finite");
      }
    }
    return new Floats(new Shape(a.shape()), data);
  }

  /** Reads integer data (labels); any signed integer width up to 64 bits, unsigned up to 32. */
  public static long[] readLongs(Path file) {
    Header h = header(file);
    if (!(h.kind == 'i' || (h.kind == 'u' && h.itemSize <= 4))) {
      throw new InputFileException(file + " holds " + h.dtype() + " data of shape " + h.shapeText + "; integers are needed");
    }
    return read(file, h).asLongArray().data();
  }

  /** What a .npy header says, checked against the file's size before any data is read. */
  record Header(String descr, char kind, int itemSize, String shapeText, long elements, long dataOffset) {
    /** The NumPy name of the element type (uint8, not what a reader widens it to). */
    String dtype() {
      String base = switch (kind) {
        case 'f' -> "float";
        case 'i' -> "int";
        case 'u' -> "uint";
        case 'c' -> "complex";
        case 'b' -> itemSize == 1 ? "bool" : null;
        default -> null;
      };
      return base == null ? "dtype '" + descr + "'" : base.equals("bool") ? base : base + itemSize * 8;
    }
  }

  private static final java.util.regex.Pattern DESCR = java.util.regex.Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final java.util.regex.Pattern FORTRAN = java.util.regex.Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final java.util.regex.Pattern SHAPE = java.util.regex.Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /**
   * Parses the header (NumPy format 1.0 to 3.0) so errors report the file's real dtype and shape,
   * and refuses a file whose data is not exactly shape x item size bytes (the reader would zero-fill
   * a truncated file) or whose shape is beyond what one tensor may hold, before reading any data.
   */
  static Header header(Path file) {
    if (!Files.isRegularFile(file)) throw new InputFileException(file + ": no such file");
    long fileSize;
    byte[] head;
    try (var in = Files.newInputStream(file)) {
      fileSize = Files.size(file);
      byte[] pre = in.readNBytes(12);
      if (pre.length < 10 || (pre[0] & 0xff) != 0x93 || !new String(pre, 1, 5, java.nio.charset.StandardCharsets.ISO_8859_1).equals("NUMPY")) {
        throw new InputFileException(file + " is not a valid .npy file (no NumPy magic string)");
      }
      int major = pre[6] & 0xff;
      long len, start;
      if (major == 1) {
        len = (pre[8] & 0xff) | (pre[9] & 0xff) << 8;
        start = 10;
      } else if ((major == 2 || major == 3) && pre.length == 12) {
        len = (pre[8] & 0xffL) | (pre[9] & 0xffL) << 8 | (pre[10] & 0xffL) << 16 | (pre[11] & 0xffL) << 24;
        start = 12;
      } else {
        throw new InputFileException(file + " is not a valid .npy file (format version " + major + " is not 1, 2 or 3)");
      }
      if (start + len > fileSize || len > 1 << 20) {
        throw new InputFileException(file + " is not a valid .npy file (header of " + len + " bytes, file of " + fileSize + ")");
      }
      byte[] rest = in.readNBytes((int) len - (int) (pre.length - start));
      head = new byte[(int) len];
      System.arraycopy(pre, (int) start, head, 0, pre.length - (int) start);
      System.arraycopy(rest, 0, head, pre.length - (int) start, rest.length);
      String text = new String(head, java.nio.charset.StandardCharsets.UTF_8);
      var d = DESCR.matcher(text);
      var f = FORTRAN.matcher(text);
      var sh = SHAPE.matcher(text);
      if (!d.find() || !f.find() || !sh.find()) {
        throw new InputFileException(file + " is not a valid .npy file (header lacks descr, fortran_order or shape, or has a structured dtype)");
      }
      String descr = d.group(1);
      var dm = java.util.regex.Pattern.compile("[<>|=]?([a-zA-Z?])(\\d+)?").matcher(descr);
      char kind = '?';
      int item = 0;
      if (dm.matches()) {
        kind = dm.group(1).charAt(0);
        item = dm.group(2) == null ? (kind == '?' ? 1 : 0) : Integer.parseInt(dm.group(2));
        if (kind == '?') kind = 'b';
      }
      String[] parts = sh.group(1).split(",");
      java.math.BigInteger n = java.math.BigInteger.ONE;
      StringBuilder shapeText = new StringBuilder("[");
      for (String part : parts) {
        String p = part.trim();
        if (p.isEmpty()) continue;
        if (!p.matches("\\d+L?")) throw new InputFileException(file + " is not a valid .npy file (shape (" + sh.group(1) + "))");
        p = p.replace("L", "");
        if (shapeText.length() > 1) shapeText.append(',');
        shapeText.append(p);
        n = n.multiply(new java.math.BigInteger(p));
      }
      String shape = shapeText.append(']').toString();
      if (f.group(1).equals("True") && shape.indexOf(',') >= 0) {
        throw new InputFileException(file + " is in Fortran order; save it in C order (np.ascontiguousarray)");
      }
      if (n.compareTo(java.math.BigInteger.valueOf(Shape.MAX_ELEMENTS)) > 0) {
        throw new InputFileException(file + " has shape " + shape + " (" + n + " elements); cnnhls reads at most "
            + Shape.MAX_ELEMENTS + " elements per file");
      }
      long dataOffset = start + len;
      if (item > 0) {
        long want = n.longValueExact() * item, have = fileSize - dataOffset;
        if (have != want) {
          throw new InputFileException(file + " has " + have + " bytes of data, but its header (" + descrName(kind, item, descr)
              + ", shape " + shape + ") needs " + want + (have < want ? "; the file is truncated" : "; it has trailing bytes"));
        }
      }
      return new Header(descr, kind, item, shape, n.longValueExact(), dataOffset);
    } catch (IOException e) {
      throw new InputFileException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static String descrName(char kind, int item, String descr) {
    return new Header(descr, kind, item, "", 0, 0).dtype();
  }

  private static NpyArray<?> read(Path file, Header h) {
    NpyArray<?> a;
    try {
      a = Npy.read(file.toFile());
    } catch (RuntimeException e) {
      throw new InputFileException(file + " is not a valid .npy file (" + OnnxReader.firstLine(e.getMessage()) + ")");
    }
    if (a.hasColumnOrder() && a.shape().length > 1) {
      throw new InputFileException(file + " is in Fortran order; save it in C order (np.ascontiguousarray)");
    }
    long n = 1;
    for (int d : a.shape()) n *= d;
    if (a.size() != h.elements() || n != h.elements()) {
      throw new InputFileException(file + " (" + h.dtype() + ", shape " + h.shapeText() + ") was not read as its header says");
    }
    return a;
  }

  public static void writeFloats(Path file, Shape shape, float[] data) {
    write(file, new NpyFloatArray(shape.dims(), data, false));
  }

  public static void writeInts(Path file, Shape shape, int[] data) {
    write(file, new NpyIntArray(shape.dims(), data, false));
  }

  /** Writes to a temporary file beside the target, then renames: never a half-written file. */
  private static void write(Path file, NpyArray<?> array) {
    Path abs = file.toAbsolutePath();
    Path tmp = null;
    try {
      Files.createDirectories(abs.getParent());
      tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
      Npy.write(tmp.toFile(), array);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        if (tmp != null) Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort: the temporary file is hidden and named after the target
      }
      throw new InputFileException("cannot write " + file + ": " + e.getMessage());
    }
  }
}
