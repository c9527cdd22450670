package org.cnnhls.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.pass.Pass;
import org.cnnhls.ir.pass.PassManager;
import org.cnnhls.ir.pass.UnknownPassException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "passes", mixinStandardHelpOptions = true,
    description = "Run graph passes (folding, fusion) on a model and print the resulting IR.")
final class PassesCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "the ONNX model file")
  Path model;

  @Option(names = "--pipeline", split = ",", paramLabel = "PASS",
      description = "passes to run, in order, comma-separated (default: the default pipeline; see --list)")
  List<String> pipeline;

  @Option(names = "--dump-ir-after", split = ",", paramLabel = "PASS|all",
      description = "also print the IR after these passes (or after all), each headed '// IR after PASS'")
  List<String> dumpAfter = List.of();

  @Option(names = "--list", description = "list the passes, in default pipeline order, and exit")
  boolean list;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (list) {
      printList(out);
      return ExitCodes.OK;
    }
    if (model == null) throw new UsageException("MODEL is required (or use --list)");
    List<String> names = pipeline == null ? PassManager.DEFAULT_PIPELINE : pipeline.stream().filter(s -> !s.isBlank()).toList();
    PassManager pm;
    try {
      // checked before the import so a typo fails fast
      pm = PassManager.of(names).withDumpAfter(dumpAfter, dump -> out.print(dump + "\n"));
    } catch (UnknownPassException e) {
      throw new UsageException(e.getMessage());
    }
    Graph result = pm.run(ModelLoader.load(model)); // fast: no progress line to tangle with the dumps
    if (!dumpAfter.isEmpty()) out.println("// final IR");
    out.print(result.dump());
    out.flush();
    return ExitCodes.OK;
  }

  private static void printList(PrintWriter out) {
    Map<String, Pass> passes = PassManager.available();
    int width = passes.keySet().stream().mapToInt(String::length).max().orElse(0);
    for (Pass p : passes.values()) out.printf("%-" + width + "s  %s%n", p.name(), p.description());
    out.flush();
  }
}
