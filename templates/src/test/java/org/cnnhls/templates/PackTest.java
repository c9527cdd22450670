package org.cnnhls.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cnnhls_pack.h: two 8-bit products from one multiply, exhaustively, with the stand-ins and with Xilinx's headers. */
class PackTest {
  @TempDir Path dir;

  @Test
  void packedProductsAreExactForEveryEightBitTriple() throws Exception {
    check(Cpp.STRICT, "standin");
  }

  @Test
  void packedProductsAreExactWithXilinxHeaders() throws Exception {
    check(Cpp.vendor("-O2"), "xilinx");
  }

  private void check(List<String> flags, String name) throws Exception {
    Path work = dir.resolve(name);
    Path lib = Cpp.copyLibrary(work.resolve("lib"));
    Path src = Cpp.copyTestResource("pack_driver.cpp", work);
    Path exe = work.resolve("pack_driver");
    Cpp.gxx(work, flags, List.of(lib), List.of(src), exe);
    Cpp.Result r = Cpp.run(work, 120, List.of(exe.toString()));
    assertEquals(0, r.exit(), r::all);
    assertEquals("OK " + (256L * 256 * 256), r.out().trim());
  }
}
