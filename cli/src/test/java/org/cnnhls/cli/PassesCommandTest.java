package org.cnnhls.cli;

import static org.cnnhls.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cnnhls.cli.Cli.Result;
import org.cnnhls.ir.pass.PassManager;
import org.junit.jupiter.api.Test;

/** cnnhls passes on the committed digits model. */
class PassesCommandTest {

  @Test
  void defaultPipelinePrintsTheFusedIr() {
    Result r = run("passes", Cli.DIGITS_MODEL);
    CliTest.assertOk(r);
    assertTrue(r.out().startsWith("graph digits_cnn\n"), r::toString);
    assertTrue(r.out().contains("FusedConv(") && r.out().contains("+Relu +MaxPool(k=2x2 s=2x2)"), r::toString);
    assertTrue(r.out().contains("FusedGemm("), r::toString);
    assertFalse(r.out().contains("// IR after"), r::toString);
    assertTrue(r.out().endsWith("  output logits\n"), r::toString);
  }

  @Test
  void dumpsAfterTheNamedPasses() {
    Result r = run("passes", Cli.DIGITS_MODEL, "--pipeline", "fuse-conv,fuse-gemm", "--dump-ir-after", "fuse-conv");
    CliTest.assertOk(r);
    List<String> headers = r.out().lines().filter(l -> l.startsWith("//")).toList();
    assertEquals(List.of("// IR after fuse-conv", "// final IR"), headers, r::toString);
    String afterConv = r.out().substring(0, r.out().indexOf("// final IR"));
    assertTrue(afterConv.contains("FusedConv(") && afterConv.contains(" = Gemm("), afterConv);

    Result all = run("passes", Cli.DIGITS_MODEL, "--dump-ir-after", "all");
    CliTest.assertOk(all);
    assertEquals(PassManager.DEFAULT_PIPELINE.size(), all.out().lines().filter(l -> l.startsWith("// IR after ")).count());
  }

  @Test
  void listsEveryPassWithADescription() {
    Result r = run("passes", "--list");
    CliTest.assertOk(r);
    List<String> lines = r.out().lines().toList();
    assertEquals(PassManager.DEFAULT_PIPELINE.size(), lines.size(), r::toString);
    for (int i = 0; i < lines.size(); i++) {
      assertTrue(lines.get(i).matches(PassManager.DEFAULT_PIPELINE.get(i) + " +\\S.*"), lines.get(i));
    }
  }

  @Test
  void unknownPassIsAUsageError() {
    Cli.assertError(ExitCodes.USAGE, run("passes", Cli.DIGITS_MODEL, "--pipeline", "remove-identity,fold-bn"),
        "unknown pass 'fold-bn'", "fold-batchnorm");
    Cli.assertError(ExitCodes.USAGE, run("passes", Cli.DIGITS_MODEL, "--pipeline", "fuse-conv", "--dump-ir-after", "fuse-gemm"),
        "not in the pipeline");
    Cli.assertError(ExitCodes.USAGE, run("passes"), "MODEL is required");
  }
}
