package org.cnnhls.engine;

/**
 * Fixed latencies of the engine's micro-architecture, shared by the simulator (sim/) and the
 * emitted SystemC model, which must agree on them.
 */
public final class EngineLatencies {
  private EngineLatencies() {}

  /** Depth of the MAC pipeline (multiply, adder tree over Tn, accumulate). */
  public static final int PIPELINE_DEPTH = 8;
  /** Extra pipeline stages of a Winograd step: the input patch transform and the signed output adds. */
  public static final int WINOGRAD_DEPTH = 4;
  /** Output stage latency per tile (requantize multiply, shift, clamp, pool compare). */
  public static final int OUTPUT_STAGE_DEPTH = 6;
  /** Fetching a descriptor and starting the engine, and draining it at the end of a layer. */
  public static final int LAYER_OVERHEAD = 64;
}
