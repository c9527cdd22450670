package org.cnnhls.codegen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The static kernel library of templates/ (resources under cnnhls/), listed in cnnhls/FILES. */
public final class TemplateLibrary {
  private TemplateLibrary() {}

  /** The top function's m_axi bundles, in the order they are mapped onto HP ports. */
  public static final String[] M_AXI_BUNDLES = {"gmem_in", "gmem_w", "gmem_o", "gmem_f", "gmem_b", "gmem_q"};

  public static List<String> files() {
    return files("");
  }

  /** The files listed in {@code <folder>FILES}, e.g. folder "systemc/". */
  public static List<String> files(String folder) {
    List<String> out = new ArrayList<>();
    for (String line : new String(read(folder + "FILES"), StandardCharsets.UTF_8).split("\n")) {
      String f = line.trim();
      if (!f.isEmpty() && !f.startsWith("#")) out.add(f);
    }
    return out;
  }

  public static byte[] read(String name) {
    try (InputStream in = TemplateLibrary.class.getResourceAsStream("/cnnhls/" + name)) {
      if (in == null) throw new IllegalStateException("kernel library file cnnhls/" + name + " is missing from the templates jar");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
