package org.cnnhls.frontend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cnnhls.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy reading refuses what the reader would get silently wrong (issue 18), reporting the real header. */
class NpyFilesTest {
  @TempDir Path tmp;

  /** A format 1.0 file with the given header fields and raw data bytes. */
  static Path npy(Path file, String descr, String shape, byte[] data) throws IOException {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    int total = 10 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x93);
    out.write("NUMPY".getBytes(StandardCharsets.ISO_8859_1));
    out.write(1);
    out.write(0);
    out.write(header.length() & 0xff);
    out.write(header.length() >> 8);
    out.write(header.getBytes(StandardCharsets.ISO_8859_1));
    out.write(data);
    return Files.write(file, out.toByteArray());
  }

  static byte[] floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) b.putFloat(f);
    return b.array();
  }

  private String refusal(Path f) {
    InputFileException e = assertThrows(InputFileException.class, () -> NpyFiles.readFloats(f));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void wellFormedFilesRead() throws IOException {
    Path f = npy(tmp.resolve("ok.npy"), "<f4", "(2, 2)", floats(1, 2, 3, 4));
    NpyFiles.Floats a = NpyFiles.readFloats(f);
    assertEquals(Shape.of(2, 2), a.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4}, a.data());
    Path w = tmp.resolve("w.npy");
    NpyFiles.writeFloats(w, Shape.of(1, 3), new float[] {5, 6, 7});
    assertArrayEquals(new float[] {5, 6, 7}, NpyFiles.readFloats(w).data());
  }

  @Test
  void truncatedFileIsRefusedNotZeroFilled() throws IOException {
    String msg = refusal(npy(tmp.resolve("short.npy"), "<f4", "(2, 2)", floats(1, 2, 3)));
    assertTrue(msg.contains("short.npy") && msg.contains("12 bytes") && msg.contains("needs 16") && msg.contains("truncated")
        && msg.contains("[2,2]") && msg.contains("float32"), msg);
  }

  @Test
  void trailingBytesAreRefused() throws IOException {
    String msg = refusal(npy(tmp.resolve("long.npy"), "<f4", "(3,)", floats(1, 2, 3, 4)));
    assertTrue(msg.contains("16 bytes") && msg.contains("needs 12") && msg.contains("[3]"), msg);
  }

  @Test
  void uint8IsReportedAsUint8() throws IOException {
    String msg = refusal(npy(tmp.resolve("u8.npy"), "|u1", "(1, 4)", new byte[] {1, 2, 3, 4}));
    assertTrue(msg.contains("uint8") && msg.contains("[1,4]") && !msg.contains("int16"), msg);
    assertTrue(refusal(npy(tmp.resolve("f2.npy"), "<f2", "(2,)", new byte[4])).contains("float16"));
    assertTrue(refusal(npy(tmp.resolve("b.npy"), "|b1", "(2,)", new byte[2])).contains("bool"));
  }

  @Test
  void hugeShapeIsReportedAsItIs() throws IOException {
    String msg = refusal(npy(tmp.resolve("huge.npy"), "<f4", "(1099511627776, 1)", floats(1)));
    assertTrue(msg.contains("[1099511627776,1]") && msg.contains("1099511627776 elements"), msg);
  }

  @Test
  void nonFiniteValuesAreRefusedWithTheFirstIndex() throws IOException {
    String msg = refusal(npy(tmp.resolve("nan.npy"), "<f4", "(2, 2)", floats(1, Float.NaN, Float.POSITIVE_INFINITY, 4)));
    assertTrue(msg.contains("nan.npy") && msg.contains("NaN") && msg.contains("index 1"), msg);
    msg = refusal(npy(tmp.resolve("inf.npy"), "<f4", "(3,)", floats(0, 0, Float.NEGATIVE_INFINITY)));
    assertTrue(msg.contains("-Infinity") && msg.contains("index 2"), msg);
  }

  @Test
  void garbageIsRefused() throws IOException {
    assertTrue(refusal(Files.writeString(tmp.resolve("g.npy"), "hello")).contains("not a valid .npy"));
    assertTrue(refusal(tmp.resolve("absent.npy")).contains("no such file"));
  }
}
