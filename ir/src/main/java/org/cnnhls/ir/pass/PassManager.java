package org.cnnhls.ir.pass;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Verifier;

/**
 * Runs a pipeline of passes by name. After every pass it verifies the graph (on unless turned off)
 * and checks that the pass kept the graph's inputs and outputs, so a broken rewrite is reported
 * against the pass that made it. It can dump the IR after chosen passes, or after all of them.
 * Instances are immutable; the {@code with...} methods return changed copies.
 */
public final class PassManager {
  /** Every pass, by name, in default pipeline order. Passes are stateless, so one instance each. */
  private static final Map<String, Pass> REGISTRY = registry(
      new RemoveIdentityPass(), new FoldConstantsPass(), new RecognizeHardSwishPass(), new RecognizeSiluPass(),
      new RecognizeGeluPass(), new RecognizeRelu6Pass(), new RecognizeChannelShufflePass(), new LowerConvTransposePass(),
      new FoldBatchNormPass(), new FoldPadPass(), new CanonicalizeFlattenPass(), new FoldBiasAddPass(), new FuseConvPass(),
      new FuseGemmPass(), new FuseAddActivationPass());

  /**
   * The default order: cleanups first (identities, constants, decomposed activations, then Clip
   * spelled as Relu6, which must not take a HardSwish's Relu6 first, the channel shuffle block as
   * one op, ConvTranspose as Spread + Conv) so the folds see plain layer patterns; folds into
   * weights and pads next; fusion into engine ops last.
   */
  public static final List<String> DEFAULT_PIPELINE = List.of(
      "remove-identity", "fold-constants", "recognize-hardswish", "recognize-silu", "recognize-gelu", "recognize-relu6",
      "recognize-channel-shuffle", "lower-conv-transpose", "fold-batchnorm", "fold-pad", "canonicalize-flatten",
      "fold-bias-add", "fuse-conv", "fuse-gemm", "fuse-add-activation");

  /** Dump after every pass when given to {@link #withDumpAfter}. */
  public static final String ALL = "all";

  private final List<Pass> pipeline;
  private final boolean verify;
  private final Set<String> dumpAfter;
  private final Consumer<String> dumpSink;

  private PassManager(List<Pass> pipeline, boolean verify, Set<String> dumpAfter, Consumer<String> dumpSink) {
    this.pipeline = List.copyOf(pipeline);
    this.verify = verify;
    this.dumpAfter = Set.copyOf(dumpAfter);
    this.dumpSink = dumpSink;
  }

  /** All passes by name, in default pipeline order. */
  public static Map<String, Pass> available() {
    return REGISTRY;
  }

  /** The pass called {@code name}; {@link UnknownPassException} listing the known ones if none is. */
  public static Pass pass(String name) {
    Pass p = REGISTRY.get(name);
    if (p == null) {
      throw new UnknownPassException("unknown pass '" + name + "'; known passes: " + String.join(", ", REGISTRY.keySet()));
    }
    return p;
  }

  public static PassManager defaultPipeline() {
    return of(DEFAULT_PIPELINE);
  }

  /** A pipeline of the named passes, in order (a pass may appear twice); verification on. */
  public static PassManager of(List<String> names) {
    List<Pass> passes = new ArrayList<>();
    for (String n : names) passes.add(pass(n));
    return new PassManager(passes, true, Set.of(), s -> {});
  }

  /** A pipeline of arbitrary passes, e.g. ones defined by tests. */
  public static PassManager ofPasses(List<Pass> passes) {
    return new PassManager(passes, true, Set.of(), s -> {});
  }

  public PassManager withVerify(boolean on) {
    return new PassManager(pipeline, on, dumpAfter, dumpSink);
  }

  /**
   * Sends {@code // IR after <pass>} and the dump to {@code sink} after each named pass ({@link
   * #ALL} for every pass). A name that is not in this pipeline is an {@link UnknownPassException}.
   */
  public PassManager withDumpAfter(Collection<String> passNames, Consumer<String> sink) {
    for (String n : passNames) {
      if (!n.equals(ALL) && pipeline.stream().noneMatch(p -> p.name().equals(n))) {
        pass(n); // an unknown name gets the list of known passes
        throw new UnknownPassException("cannot dump after '" + n + "': it is not in the pipeline " + names());
      }
    }
    return new PassManager(pipeline, verify, Set.copyOf(passNames), sink);
  }

  public List<String> names() {
    return pipeline.stream().map(Pass::name).toList();
  }

  /** Runs every pass in order; returns {@code g} itself if none changed anything. */
  public Graph run(Graph g) {
    Graph current = g;
    for (Pass p : pipeline) {
      Graph next;
      try {
        next = p.apply(current);
      } catch (FixedPointException e) {
        throw e;
      } catch (ModelException e) {
        throw new ModelException("pass '" + p.name() + "' failed: " + e.getMessage(), e);
      }
      if (verify) check(p, current, next);
      if (dumpAfter.contains(ALL) || dumpAfter.contains(p.name())) dumpSink.accept("// IR after " + p.name() + "\n" + next.dump());
      current = next;
    }
    return current;
  }

  /** The well-formedness a pass must keep: a valid graph with the same interface. */
  private static void check(Pass p, Graph before, Graph after) {
    try {
      Verifier.verify(after);
    } catch (ModelException e) {
      throw new ModelException("pass '" + p.name() + "' produced an invalid graph: " + e.getMessage(), e);
    }
    if (!after.inputs().equals(before.inputs()) || !after.outputs().equals(before.outputs())) {
      throw new ModelException("pass '" + p.name() + "' changed the graph's inputs or outputs: " + before.inputs() + " -> "
          + before.outputs() + " became " + after.inputs() + " -> " + after.outputs());
    }
    for (String o : after.outputs()) {
      if (!after.shape(o).equals(before.shape(o))) {
        throw new ModelException("pass '" + p.name() + "' changed the shape of output '" + o + "' from " + before.shape(o)
            + " to " + after.shape(o));
      }
    }
  }

  private static Map<String, Pass> registry(Pass... passes) {
    Map<String, Pass> m = new LinkedHashMap<>();
    for (Pass p : passes) m.put(p.name(), p);
    return Collections.unmodifiableMap(m);
  }
}
