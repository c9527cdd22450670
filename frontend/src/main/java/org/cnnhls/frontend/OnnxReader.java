package org.cnnhls.frontend;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.cnnhls.ir.ModelException;

/**
 * Reads an ONNX protobuf file without copying its tensors: the file is memory-mapped and parsed
 * with aliasing on, so {@code raw_data} fields stay views into the mapping. Protobuf's 64 MB default
 * size limit is lifted (VGG16 is 528 MB).
 */
public final class OnnxReader {
  private OnnxReader() {}

  public static ModelProto read(Path file) {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new ModelFileException(file + ": no such file");
    } catch (IOException e) {
      throw new ModelFileException(file + ": cannot read (" + e.getMessage() + ")");
    }
    if (Files.isDirectory(file)) throw new ModelFileException(file + " is a directory, not an ONNX file");
    if (size == 0) throw new ModelException(file + " is empty, not an ONNX model");
    if (size > Integer.MAX_VALUE) {
      throw new ModelException(file + " is larger than 2 GB; save the weights as ONNX external data");
    }
    MappedByteBuffer buffer;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      buffer = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    } catch (IOException e) {
      throw new ModelFileException(file + ": cannot read (" + e.getMessage() + ")");
    }
    try {
      CodedInputStream in = UnsafeByteOperations.unsafeWrap(buffer).newCodedInput();
      in.enableAliasing(true);
      in.setSizeLimit(Integer.MAX_VALUE);
      ModelProto model = ModelProto.parseFrom(in);
      if (!model.hasGraph() || model.getIrVersion() <= 0 || model.getOpsetImportCount() == 0) {
        throw new ModelException(file + " is not an ONNX model (no graph, IR version or opset); export it with torch.onnx.export or onnx.save");
      }
      return model;
    } catch (InvalidProtocolBufferException e) {
      throw new ModelException(file + " is not a valid ONNX file: truncated or corrupt protobuf (" + firstLine(e.getMessage()) + ")");
    } catch (IOException e) {
      throw new ModelFileException(file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 160 ? line.substring(0, 160) + "..." : line;
  }
}
