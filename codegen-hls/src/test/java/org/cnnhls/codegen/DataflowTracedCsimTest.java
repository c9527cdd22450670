package org.cnnhls.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cnnhls.engine.dataflow.DataflowLoop;
import org.cnnhls.engine.dataflow.DataflowStage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ties the dataflow cycle model to the emitted code: a traced C-sim build (-DCNNHLS_DF_TRACE)
 * counts, per stage, how often each pipelined loop of the real kernels was entered and how many
 * iterations it ran for one image; those must equal the loops each {@link DataflowStage} costs
 * (entries and trips, loop for loop, none missing or extra), so the stage's cycles (depth + II
 * (trips - 1) per entry) are the ones the code implies under the UG1399 rule.
 */
class DataflowTracedCsimTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} at {1} bit on {2}")
  @CsvSource({"digits, 8, ultra96", "lenet5, 16, ultra96", "jet_mlp, 8, ultra96", "digits, 16, pynq-z2", "strided, 8, ultra96"})
  void stageLoopsAreTheKernelsLoops(String model, String precision, String board) throws IOException, InterruptedException {
    DataflowProjects.Emitted e = DataflowProjects.emit(tmp.resolve(model), model, precision, board, 2);
    // also with the stand-ins' check that no ap_int is read before it was written (Xilinx's would read garbage)
    String out = DataflowCsimTest.make(e.result().dir().resolve("hls"), "csim-trace", List.of(DataflowCsimTest.FLAGS + " -DCNNHLS_STANDIN_CHECK_INIT"));
    assertTrue(out.contains("PASS: 2 images"), out);
    for (int image = 0; image < 2; image++) {
      Map<String, long[]> traced = new TreeMap<>();
      for (String line : out.split("\n")) {
        String[] f = line.trim().split(" ");
        if (f.length == 6 && f[0].equals("TRACE") && Integer.parseInt(f[1]) == image) {
          traced.put(f[2] + ":" + f[3], new long[] {Long.parseLong(f[4]), Long.parseLong(f[5])});
        }
      }
      Map<String, long[]> modeled = new TreeMap<>();
      long tracedCycles = 0;
      List<DataflowStage> stages = e.plan().stages();
      for (int i = 0; i < stages.size(); i++) {
        for (DataflowLoop l : stages.get(i).loops()) {
          modeled.put(i + ":" + l.id(), new long[] {l.entries(), l.trips()});
          long[] t = traced.get(i + ":" + l.id());
          if (t != null) tracedCycles += new DataflowLoop(l.id(), t[0], t[1], l.ii(), l.depth()).cycles();
        }
      }
      assertEquals(render(modeled), render(traced), model + " image " + image + ": modeled vs traced (entries, trips) per stage:loop");
      long modeledCycles = stages.stream().mapToLong(DataflowStage::cycles).sum();
      assertEquals(modeledCycles, tracedCycles);
      if (image == 0) {
        System.out.printf("traced %s %s-bit on %s: %d loops match; slowest stage %s %d cycles%n", model, precision, board, traced.size(),
            e.plan().slowest().name(), e.plan().intervalCycles());
      }
    }
  }

  private static String render(Map<String, long[]> m) {
    StringBuilder sb = new StringBuilder();
    m.forEach((k, v) -> sb.append(k).append('=').append(v[0]).append('/').append(v[1]).append('\n'));
    return sb.toString();
  }
}
