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

  /** Reads float32 (or float64, narrowed) data in C order. */
  public static Floats readFloats(Path file) {
    NpyArray<?> a = read(file);
    if (!(a.isFloatArray() || a.isDoubleArray())) {
      throw new InputFileException(file + " holds " + describe(a) + " data; a float32 array is needed (use x.astype(np.float32))");
    }
    float[] data = a.asFloatArray().data();
    return new Floats(new Shape(a.shape()), data);
  }

  /** Reads integer data (labels); any integer width. */
  public static long[] readLongs(Path file) {
    NpyArray<?> a = read(file);
    if (!(a.isLongArray() || a.isIntArray() || a.isShortArray() || a.isByteArray())) {
      throw new InputFileException(file + " holds " + a.dataType() + " data; integers are needed");
    }
    return a.asLongArray().data();
  }

  private static String describe(NpyArray<?> a) {
    return switch (a.dataType()) {
      case i1 -> "int8"; case i2 -> "int16"; case i4 -> "int32"; case i8 -> "int64";
      case u1 -> "uint8"; case u2 -> "uint16"; case u4 -> "uint32"; case u8 -> "uint64";
      case f2 -> "float16"; case bool -> "bool";
      default -> a.dataType().toString();
    };
  }

  private static NpyArray<?> read(Path file) {
    if (!Files.isRegularFile(file)) throw new InputFileException(file + ": no such file");
    NpyArray<?> a;
    try {
      a = Npy.read(file.toFile());
    } catch (RuntimeException e) {
      throw new InputFileException(file + " is not a valid .npy file (" + OnnxReader.firstLine(e.getMessage()) + ")");
    }
    if (a.hasColumnOrder() && a.shape().length > 1) {
      throw new InputFileException(file + " is in Fortran order; save it in C order (np.ascontiguousarray)");
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
