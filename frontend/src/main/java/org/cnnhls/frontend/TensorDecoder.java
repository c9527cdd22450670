package org.cnnhls.frontend;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;

/**
 * Decodes ONNX TensorProtos: float tensors become IR {@link Tensor}s (views, not copies, where the
 * bytes allow), integer tensors become long arrays for shape-like inputs. External data is mapped
 * from files inside the model's folder only.
 */
public final class TensorDecoder {
  private final Path baseDir;

  /** @param baseDir the model's folder, or null when external data is not allowed */
  public TensorDecoder(Path baseDir) {
    this.baseDir = baseDir;
  }

  public static Shape shapeOf(TensorProto t) {
    int[] dims = new int[t.getDimsCount()];
    for (int i = 0; i < dims.length; i++) {
      long d = t.getDims(i);
      if (d < 0 || d > Integer.MAX_VALUE) throw new ModelException("tensor '" + t.getName() + "' has invalid dimension " + d);
      dims[i] = (int) d;
    }
    Shape shape = new Shape(dims);
    try {
      shape.size();
    } catch (ModelException e) {
      throw new ModelException("tensor '" + t.getName() + "' is declared with shape " + shape + ", more than "
          + Shape.MAX_ELEMENTS + " (2^31-1) elements; cnnhls handles tensors up to that size");
    }
    return shape;
  }

  public static boolean isFloat(TensorProto t) {
    return t.getDataType() == TensorProto.DataType.FLOAT_VALUE;
  }

  public static boolean isInteger(TensorProto t) {
    return t.getDataType() == TensorProto.DataType.INT64_VALUE || t.getDataType() == TensorProto.DataType.INT32_VALUE;
  }

  /** int8, uint8, int16, uint16: the element types of quantized tensors (QDQ, QOperator). */
  public static boolean isSmallInteger(TensorProto t) {
    int d = t.getDataType();
    return d == TensorProto.DataType.INT8_VALUE || d == TensorProto.DataType.UINT8_VALUE
        || d == TensorProto.DataType.INT16_VALUE || d == TensorProto.DataType.UINT16_VALUE;
  }

  /** The values of an int8/uint8/int16/uint16 tensor (raw bytes little-endian, or one per int32_data entry). */
  public long[] smallIntegers(TensorProto t) {
    int d = t.getDataType();
    boolean signed = d == TensorProto.DataType.INT8_VALUE || d == TensorProto.DataType.INT16_VALUE;
    int width = d == TensorProto.DataType.INT8_VALUE || d == TensorProto.DataType.UINT8_VALUE ? 1 : 2;
    Shape shape = shapeOf(t);
    int n = shape.size();
    ByteBuffer raw = null;
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) raw = external(t, (long) n * width);
    else if (!t.getRawData().isEmpty()) raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    long[] out = new long[n];
    if (raw != null) {
      if (raw.remaining() != (long) n * width) {
        throw new ModelException("tensor '" + t.getName() + "' has " + raw.remaining() + " bytes of data, shape " + shape
            + " needs " + (long) n * width);
      }
      for (int i = 0; i < n; i++) {
        int p = raw.position() + width * i;
        out[i] = width == 1 ? (signed ? raw.get(p) : raw.get(p) & 0xFF) : (signed ? raw.getShort(p) : raw.getShort(p) & 0xFFFF);
      }
      return out;
    }
    if (t.getInt32DataCount() != n) throw new ModelException("tensor '" + t.getName() + "' has " + t.getInt32DataCount() + " values, shape " + shape + " needs " + n);
    for (int i = 0; i < n; i++) {
      int v = t.getInt32Data(i);
      out[i] = width == 1 ? (signed ? (byte) v : v & 0xFF) : (signed ? (short) v : v & 0xFFFF);
    }
    return out;
  }

  public Tensor floatTensor(TensorProto t) {
    if (!isFloat(t)) {
      throw new ModelException("tensor '" + t.getName() + "' has data type "
          + TensorProto.DataType.forNumber(t.getDataType()) + "; only float32 tensors are supported (convert the model to float32)");
    }
    Shape shape = shapeOf(t);
    int n = shape.size();
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      return new Tensor(shape, external(t, (long) n * 4).asFloatBuffer());
    }
    if (!t.getRawData().isEmpty()) {
      ByteBuffer bytes = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if (bytes.remaining() != (long) n * 4) {
        throw new ModelException("tensor '" + t.getName() + "' has " + bytes.remaining() + " bytes of data, shape " + shape + " needs " + (long) n * 4);
      }
      return new Tensor(shape, bytes.asFloatBuffer());
    }
    if (t.getFloatDataCount() != n) {
      throw new ModelException("tensor '" + t.getName() + "' has " + t.getFloatDataCount() + " values, shape " + shape + " needs " + n);
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = t.getFloatData(i);
    return Tensor.wrap(shape, v);
  }

  public long[] integers(TensorProto t) {
    if (!isInteger(t)) {
      throw new ModelException("tensor '" + t.getName() + "' should hold integers but has data type "
          + TensorProto.DataType.forNumber(t.getDataType()));
    }
    boolean is64 = t.getDataType() == TensorProto.DataType.INT64_VALUE;
    Shape shape = shapeOf(t);
    int n = shape.size();
    int width = is64 ? 8 : 4;
    // check the stored amount against the declared shape before allocating anything for it
    ByteBuffer raw = null;
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) raw = external(t, (long) n * width);
    else if (!t.getRawData().isEmpty()) raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    if (raw != null) {
      if (raw.remaining() != (long) n * width) {
        throw new ModelException("tensor '" + t.getName() + "' has " + raw.remaining() + " bytes of data, shape " + shape
            + " needs " + (long) n * width);
      }
      long[] out = new long[n];
      for (int i = 0; i < n; i++) out[i] = is64 ? raw.getLong(raw.position() + 8 * i) : raw.getInt(raw.position() + 4 * i);
      return out;
    }
    int count = is64 ? t.getInt64DataCount() : t.getInt32DataCount();
    if (count != n) throw new ModelException("tensor '" + t.getName() + "' has " + count + " values, shape " + shape + " needs " + n);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) out[i] = is64 ? t.getInt64Data(i) : t.getInt32Data(i);
    return out;
  }

  /** Maps the external bytes of a tensor; refuses paths that leave the model's folder. */
  private ByteBuffer external(TensorProto t, long expectedBytes) {
    String location = null;
    long offset = 0;
    Long length = null; // absent: to the end of the file
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = parseLong(t, e);
        case "length" -> length = parseLong(t, e);
        default -> { }
      }
    }
    if (location == null || location.isEmpty()) throw new ModelException("tensor '" + t.getName() + "' is external but names no location");
    if (baseDir == null) throw new ModelException("tensor '" + t.getName() + "' uses external data, which is not allowed here");
    Path base = baseDir.toAbsolutePath().normalize();
    Path file;
    boolean absolute;
    try {
      file = base.resolve(location).normalize();
      absolute = Path.of(location).isAbsolute();
    } catch (java.nio.file.InvalidPathException e) {
      throw new ModelException("tensor '" + t.getName() + "' has an invalid external data location (" + e.getReason() + ")");
    }
    if (absolute || !file.startsWith(base)) {
      throw new ModelException("tensor '" + t.getName() + "' refers to external data '" + location
          + "' outside the model's folder; move the data file next to the model");
    }
    try {
      if (!file.toRealPath().startsWith(base.toRealPath())) {
        throw new ModelException("tensor '" + t.getName() + "' external data '" + location + "' links outside the model's folder");
      }
      // a FIFO, device or directory would block or mislead the reader: only regular files hold weights
      if (!Files.isRegularFile(file)) {
        throw new ModelException("tensor '" + t.getName() + "' external data '" + location + "' is not a regular file");
      }
      long fileSize = Files.size(file);
      if (length != null && length < 0) {
        throw new ModelException("tensor '" + t.getName() + "' external data length " + length + " is negative");
      }
      if (offset < 0 || offset > fileSize) {
        throw new ModelException("tensor '" + t.getName() + "' external data offset " + offset + " is past the end of " + location);
      }
      if (length == null) length = fileSize - offset;
      if (expectedBytes > Integer.MAX_VALUE) {
        throw new ModelException("tensor '" + t.getName() + "' needs " + expectedBytes + " bytes of external data; cnnhls reads "
            + "tensors of up to 2 GB (2^31-1 bytes) each");
      }
      if (length != expectedBytes) {
        throw new ModelException("tensor '" + t.getName() + "' external data has " + length + " bytes, its shape needs " + expectedBytes);
      }
      if (offset < 0 || offset + length > fileSize) {
        throw new ModelException("tensor '" + t.getName() + "' external data range " + offset + "+" + length + " is past the end of " + location);
      }
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        return ch.map(FileChannel.MapMode.READ_ONLY, offset, length).order(ByteOrder.LITTLE_ENDIAN);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ModelException("tensor '" + t.getName() + "' external data file '" + location + "' does not exist next to the model");
    } catch (IOException e) {
      throw new ModelException("tensor '" + t.getName() + "' external data '" + location + "' cannot be read: " + e.getMessage());
    }
  }

  private static long parseLong(TensorProto t, StringStringEntryProto e) {
    try {
      return Long.parseLong(e.getValue());
    } catch (NumberFormatException ex) {
      throw new ModelException("tensor '" + t.getName() + "' external data " + e.getKey() + " '" + e.getValue() + "' is not a number");
    }
  }

  /** Convenience for tests and tools: decodes a float tensor into a plain array. */
  public static float[] floats(TensorProto t) {
    return new TensorDecoder(null).floatTensor(t).toFloatArray();
  }

}
