package org.cnnhls.codegen;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Little-endian binary blobs (weights, golden vectors), written in chunks so big models stream. */
final class BinaryFiles {
  private BinaryFiles() {}

  private static final int CHUNK = 1 << 20;

  /** Raw values stored in {@code bytes} (1 or 2) bytes each. */
  static void writeInts(Path file, int[] values, int bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.allocate(CHUNK * bytes).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < values.length; i++) {
        if (bytes == 1) buf.put((byte) values[i]);
        else if (bytes == 2) buf.putShort((short) values[i]);
        else buf.putInt(values[i]);
        if (!buf.hasRemaining()) drain(ch, buf);
      }
      drain(ch, buf);
    }
  }

  static void writeLongs(Path file, long[] values) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.allocate(CHUNK * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (long v : values) {
        buf.putLong(v);
        if (!buf.hasRemaining()) drain(ch, buf);
      }
      drain(ch, buf);
    }
  }

  private static void drain(FileChannel ch, ByteBuffer buf) throws IOException {
    buf.flip();
    while (buf.hasRemaining()) ch.write(buf);
    buf.clear();
  }
}
